"""Schema findings: a draft 2020-12 keyword subset checked on the Document tree.

The validator walks nodes rather than a plain dict so that every error lands on the
span of the offending key or value, and it sees each scalar as the trainer's loader
does (``Family.value``). It is written here instead of using ``jsonschema`` because
that import alone costs more than linting a file; tests check the two agree.
Schemas are compiled once per schema name, lazily, only for the schemas a run uses; the
family picks the schema of each file (``Family.schema_for``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from cfglint.engine.catalog import builtin_rule
from cfglint.families import get_family
from cfglint.families.base import Family
from cfglint.findings import MAX_PROBLEMS, Finding, Fix, Severity, make_finding
from cfglint.repo.declare import ForkPoints
from cfglint.repo.verdict import UpstreamOnly
from cfglint.resources import schema_json
from cfglint.source.document import (
    Document,
    Entry,
    KeyPath,
    Mapping,
    Node,
    Scalar,
    Sequence,
    Span,
    key_label,
    resolve_alias,
    to_python,
)
from cfglint.spelling import closest, near_miss

if TYPE_CHECKING:
    from cfglint.repo.check import RegistryCheck

_SWEEP = re.compile(r"^\s*(?:interval|choice|range|glob|tag|shuffle|sort)\s*\(.*\)\s*$|,", re.S)
_ARTICLE = {"integer": "an integer", "array": "a list", "object": "a mapping",
            "null": "null", "boolean": "a boolean", "number": "a number", "string": "a string"}
_MAX_CHOICES_SHOWN = 8
# properties a trainer never reads: no near-miss key is "meant" to be one of them
_UNREAD_NOTES = ("no code reads this key", "set at runtime")


# --- loading and compiling ---------------------------------------------------------------

def load_schema(family: str) -> dict[str, Any] | None:
    """The family's (main) schema as parsed JSON, or None for families without one."""
    try:
        name = get_family(family).schema
    except KeyError:
        return None
    return None if name is None else load_named_schema(name)


@cache
def load_named_schema(name: str) -> dict[str, Any] | None:
    """``schemas/<name>.schema.json`` as parsed JSON, or None when there is no such file."""
    data = schema_json(name)
    return data if isinstance(data, dict) else None


class _S:
    """One compiled (sub)schema: keywords pre-parsed so validation does no dict lookups.

    Compilation is lazy: a node is filled from its raw schema the first time any of its
    keywords is read, so a file only pays for the subschemas it actually visits (the
    ai-toolkit schema holds a copy of every process type's keys; one file uses one).
    """

    def __init__(self, compiler: _Compiler | None = None, raw: Any = None) -> None:
        self._compiler = compiler
        self._raw = raw
        if compiler is None:
            self._defaults()

    def __getattr__(self, name: str) -> Any:
        # only called for attributes not set yet: fill the node, then answer
        compiler = self.__dict__.get("_compiler")
        if compiler is None or name.startswith("__"):
            raise AttributeError(name)
        self._compiler = None
        self._defaults()
        compiler.fill(self, self._raw)
        return getattr(self, name)

    def _defaults(self) -> None:
        self.reject = False  # the `false` schema
        self.ref: _S | None = None
        self.types: frozenset[str] | None = None
        self.enum: list[Any] | None = None
        self.enum_ci: dict[str, str] | None = None
        self.examples: list[Any] | None = None
        self.minimum: float | None = None
        self.maximum: float | None = None
        self.xminimum: float | None = None
        self.xmaximum: float | None = None
        self.pattern: re.Pattern[str] | None = None
        self.properties: dict[str, _S] = {}
        self.pattern_props: list[tuple[re.Pattern[str], _S]] = []
        self.additional: _S | None = None
        self.closed = False  # additionalProperties: false
        self.property_names: _S | None = None
        self.required: list[str] = []
        self.items: _S | None = None
        self.prefix_items: list[_S] = []
        self.min_items: int | None = None
        self.max_items: int | None = None
        self.all_of: list[_S] = []
        self.any_of: list[_S] = []
        self.one_of: list[_S] = []
        self.if_: _S | None = None
        self.then: _S | None = None
        self.else_: _S | None = None
        self.open = False
        self.aliases: dict[str, str] = {}  # alias -> the one property it names
        self.known_keys: list[str] | None = None  # x-cfglint-known-keys of an open section
        self.unread: set[str] = set()  # properties whose notes say the trainer ignores them
        self._names: tuple[str, ...] | None = None
        self.where: str | None = None  # how messages say where an unknown key is
        # keys valid in another case of the same table (another model type): no typo
        self.known_in: tuple[_S, str] | None = None
        # what the trainer does with a wrong type / a wrong value here (appended to the message)
        self.consequence: dict[str, str] = {}
        # "int"/"float": the loader converts text with int()/float(); other text is wrong
        self.numeric_text: str | None = None
        self.legacy: _Legacy | None = None

    def names(self) -> tuple[str, ...]:
        """The names this level lists (enum, case-insensitive enum or examples), once."""
        if self._names is None:
            raw = self.enum or (list(self.enum_ci.values()) if self.enum_ci else None)
            self._names = tuple(str(n) for n in raw or self.examples or [])
        return self._names

    def readable_keys(self) -> list[str]:
        """Keys the trainer reads in this (open) section, for near-miss keys."""
        if self.known_keys is not None:
            return self.known_keys
        return [k for k in self.properties if k not in self.unread]


class _Legacy(NamedTuple):
    """Keys a versioned loader migrates (``x-cfglint-legacy``): accepted while the mapping's
    own version (``version_key``; absent is 0) is below the number given for the key."""

    version_key: str
    keys: dict[str, int]
    patterns: tuple[tuple[re.Pattern[str], int], ...]
    renamed: dict[str, str]  # key -> the key of this object a migration renames it to

    def accepts(self, name: str, version: int) -> bool:
        limit = self.keys.get(name)
        if limit is None:
            limit = next((n for rx, n in self.patterns if rx.search(name)), None)
        return limit is not None and version < limit


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.cache: dict[int, _S] = {}

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise ValueError(f"only local $ref is supported, not {ref!r}")
        node: Any = self.root
        for part in ref[1:].split("/")[1:] if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def _interpolation(self, schema: Any) -> bool:
        """An alternative that only admits ``${...}``/``???`` for other validators; this
        engine skips those values before it reaches an ``anyOf``, so the branch would only
        blur the message about a wrong value."""
        if isinstance(schema, dict) and "$ref" in schema:
            schema = self.resolve(str(schema["$ref"]))
        return isinstance(schema, dict) and bool(schema.get("x-cfglint-interpolation"))

    def compile(self, schema: Any) -> _S:
        key = id(schema)
        if key in self.cache:
            return self.cache[key]
        s = _S(self, schema)
        self.cache[key] = s
        return s

    def fill(self, s: _S, schema: Any) -> _S:
        if schema is False:
            s.reject = True
            return s
        if not isinstance(schema, dict):
            return s
        if "$ref" in schema:
            s.ref = self.compile(self.resolve(str(schema["$ref"])))
        t = schema.get("type")
        if t is not None:
            s.types = frozenset([t] if isinstance(t, str) else t)
        if "enum" in schema:
            s.enum = list(schema["enum"])
        if "const" in schema:
            s.enum = [schema["const"]]
        if "x-cfglint-enum-ci" in schema:
            s.enum_ci = {str(c).lower(): str(c) for c in schema["x-cfglint-enum-ci"]}
        if isinstance(schema.get("examples"), list):
            s.examples = list(schema["examples"])
        s.minimum = schema.get("minimum")
        s.maximum = schema.get("maximum")
        s.xminimum = schema.get("exclusiveMinimum")
        s.xmaximum = schema.get("exclusiveMaximum")
        if "pattern" in schema:
            s.pattern = re.compile(schema["pattern"])
        for name, sub in (schema.get("properties") or {}).items():
            s.properties[name] = self.compile(sub)
            for alias in (sub.get("x-cfglint-aliases") or []) if isinstance(sub, dict) else []:
                s.aliases[alias] = "" if alias in s.aliases else name  # "" = ambiguous
            note = str(sub.get("x-cfglint-note") or "") if isinstance(sub, dict) else ""
            if any(n in note for n in _UNREAD_NOTES):
                s.unread.add(name)
        for rx, sub in (schema.get("patternProperties") or {}).items():
            s.pattern_props.append((re.compile(rx), self.compile(sub)))
        add = schema.get("additionalProperties")
        if add is False:
            s.closed = True
        elif isinstance(add, dict):
            s.additional = self.compile(add)
        if "propertyNames" in schema:
            s.property_names = self.compile(schema["propertyNames"])
        s.required = list(schema.get("required") or [])
        if "items" in schema:
            s.items = self.compile(schema["items"])
        s.prefix_items = [self.compile(x) for x in schema.get("prefixItems") or []]
        s.min_items = schema.get("minItems")
        s.max_items = schema.get("maxItems")
        s.all_of = [self.compile(x) for x in schema.get("allOf") or []]
        s.any_of = [self.compile(x) for x in schema.get("anyOf") or []
                    if not self._interpolation(x)]
        s.one_of = [self.compile(x) for x in schema.get("oneOf") or []]
        if "if" in schema:
            s.if_ = self.compile(schema["if"])
            s.then = self.compile(schema["then"]) if "then" in schema else None
            s.else_ = self.compile(schema["else"]) if "else" in schema else None
        s.open = bool(schema.get("x-cfglint-open"))
        if isinstance(schema.get("x-cfglint-known-keys"), list):
            s.known_keys = [str(k) for k in schema["x-cfglint-known-keys"]]
        s.where = schema.get("x-cfglint-where")
        known = schema.get("x-cfglint-known-in")
        if isinstance(known, dict) and "$ref" in known:
            s.known_in = (self.compile(self.resolve(str(known["$ref"]))),
                          str(known.get("note") or "read in other cases"))
        s.consequence = dict(schema.get("x-cfglint-consequence") or {})
        if schema.get("x-cfglint-numeric-text") in ("int", "float"):
            s.numeric_text = str(schema["x-cfglint-numeric-text"])
        legacy = schema.get("x-cfglint-legacy")
        if isinstance(legacy, dict):
            s.legacy = _Legacy(str(legacy.get("version-key", "__version")),
                               dict(legacy.get("keys") or {}),
                               tuple((re.compile(rx), n)
                                     for rx, n in (legacy.get("patterns") or {}).items()),
                               dict(legacy.get("renamed") or {}))
        return s


@dataclass
class _Compiled:
    """A family's schema compiled once per run, with how its trainer reads keys."""

    root: _S
    flatten: bool
    trainer: str
    rejects_unknown: bool
    read_in: dict[str, str] = field(default_factory=dict)  # key -> the one table reading it
    unknown_severity: Severity | None = None  # of a rejected unknown key (else the rule's)
    key_prefix: str = ""  # characters the loader strips from the start of every key
    abbreviations: bool = False  # argparse's allow_abbrev: a unique key prefix is the key
    unread: _S | None = None  # values an unknown key may hold that never reach the trainer
    strict_integers: bool = False  # the loader int()s the text of a value: 1.0 is no integer
    placeholders: re.Pattern[str] | None = None  # values substituted before the trainer reads


@cache
def _compiled(name: str) -> _Compiled | None:
    schema = load_named_schema(name)
    if schema is None:
        return None
    return _compile_document(schema, name)


def _compile_document(schema: dict[str, Any], name: str) -> _Compiled:
    compiler = _Compiler(schema)
    unread = schema.get("x-cfglint-unread-values")
    severity = schema.get("x-cfglint-unknown-severity")
    placeholders = schema.get("x-cfglint-placeholders")
    return _Compiled(
        root=compiler.compile(schema),
        flatten=bool(schema.get("x-cfglint-flatten")),
        trainer=str(schema.get("x-cfglint-trainer") or name),
        rejects_unknown=schema.get("x-cfglint-unknown-keys") == "rejected",
        read_in=dict(schema.get("x-cfglint-read-in") or {}),
        unknown_severity=severity if severity in ("error", "warning", "info") else None,
        key_prefix=str(schema.get("x-cfglint-key-prefix") or ""),
        abbreviations=bool(schema.get("x-cfglint-abbreviations")),
        unread=compiler.compile(unread) if unread is not None else None,
        strict_integers=bool(schema.get("x-cfglint-strict-integers")),
        placeholders=re.compile(placeholders) if placeholders else None,
    )


# --- validation ---------------------------------------------------------------------------

@dataclass
class _Err:
    """A schema violation before it becomes a Finding (or a quieter one)."""

    code: str
    span: Span
    path: KeyPath
    message: str
    fix: Fix | None = None
    expected: frozenset[str] = frozenset()  # for type errors: the types that would do
    kind: str = ""  # "wrong-type" / "bad-value": a consequence in the schema may follow
    severity: Severity | None = None  # None: the rule's own
    missing: str | None = None  # a required key that is absent
    upstream: UpstreamOnly | None = None  # holds against upstream's code only (forks)


# did-you-mean guesses per file (about 3 ms each against a large schema; real configs make
# a handful)
MAX_GUESSES = 200


@dataclass
class _Ctx:
    """What validating one document carries along: the document, its trainer, values seen."""

    doc: Document
    family: Family
    compiled: _Compiled
    sweeps: bool
    values: dict[int, Any] = field(default_factory=dict)
    registry: RegistryCheck | None = None
    probing: int = 0  # inside an `if` or a fit test: nothing is noted for later
    visits: dict[int, list[_S]] = field(default_factory=dict)  # mapping -> schemas with keys
    near: list[_NearMiss] = field(default_factory=list)
    guesses: int = 0  # did-you-mean guesses made in this file (each compares every choice)
    # each mapping's entries, their spelling's problems and names, by mapping and path
    entries: dict[tuple[int, KeyPath], tuple[list[Entry], list[_Err], AbstractSet[str]]] = field(
        default_factory=dict)
    problems: int = 0  # problems found so far, each where it is (see ``count``)
    stopped: Span | None = None  # the key or item the check stopped at

    def count(self, errs: list[_Err], path: KeyPath, at: Span) -> bool:
        """Count the problems at ``path`` itself (those further in were counted where they
        were found); whether the check stops here, after MAX_PROBLEMS (never in a fit
        test, which only asks whether a value fits)."""
        if self.probing:
            return False
        self.problems += sum(1 for e in errs if e.path == path)
        if self.problems >= MAX_PROBLEMS and self.stopped is None:
            self.stopped = at
        return self.stopped is not None

    def guess(self) -> bool:
        """Whether a did-you-mean is still worth its cost here: a file with thousands of
        unknown keys or values (a wrong trainer, a generated file) gets guesses for the
        first MAX_GUESSES only, so that its check stays linear in its size."""
        self.guesses += 1
        return self.guesses <= MAX_GUESSES

    def key(self, name: str) -> str:
        """A key as the loader looks it up (``--lr`` is ``lr`` for SimpleTuner)."""
        prefix = self.compiled.key_prefix
        return name.strip().lstrip(prefix) if prefix else name

    def value(self, node: Scalar) -> Any:
        key = id(node)
        if key not in self.values:
            self.values[key] = self.family.value(node, self.doc.format)
        return self.values[key]


def _kinds(value: Any, node: Node, strict_integers: bool = False) -> frozenset[str]:
    if isinstance(node, Mapping):
        return frozenset({"object"})
    if isinstance(node, Sequence):
        return frozenset({"array"})
    if value is None:
        return frozenset({"null"})
    if isinstance(value, bool):
        return frozenset({"boolean"})
    if isinstance(value, int):
        return frozenset({"integer", "number"})
    if isinstance(value, float):
        integral = value.is_integer() and not strict_integers
        return frozenset({"integer", "number"} if integral else {"number"})
    if isinstance(value, str):
        return frozenset({"string"})
    return frozenset({"other"})


def _describe(value: Any, node: Node | None = None) -> str:
    if isinstance(node, Mapping) or isinstance(value, dict):
        return "a mapping"
    if isinstance(node, Sequence) or isinstance(value, list):
        return "a list"
    if value is None:
        return "null (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return f"a {type(value).__name__} value"


def _expected(types: Iterable[str]) -> str:
    order = ["string", "number", "integer", "boolean", "array", "object", "null"]
    ts = sorted(set(types), key=lambda t: order.index(t) if t in order else 99)
    if "number" in ts and "integer" in ts:
        ts.remove("integer")
    words = [_ARTICLE.get(t, t) for t in ts]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


def _skip(value: Any, ctx: _Ctx) -> bool:
    if not isinstance(value, str):
        return False
    if ctx.compiled.placeholders is not None and ctx.compiled.placeholders.search(value):
        return True
    if value == "???":
        return ctx.family.omegaconf_missing
    return "${" in value or (ctx.sweeps and bool(_SWEEP.search(value)))


def _choice_error(value: Any, choices: list[Any], path: KeyPath, span: Span,
                  ctx: _Ctx, ci: bool = False) -> _Err:
    if ctx.probing:  # only whether the value fits is asked: no message, no did-you-mean
        return _Err("CFG003", span, path, "", kind="bad-value")
    shown = ", ".join(repr(c) for c in choices[:_MAX_CHOICES_SHOWN])
    if len(choices) > _MAX_CHOICES_SHOWN:
        shown += f", … ({len(choices)} in all)"
    case = " (case-insensitive)" if ci else ""
    msg = (f"`{key_label(path)}` is {_describe(value)}; "
           f"{ctx.compiled.trainer} accepts one of {shown}{case}")
    if isinstance(value, str) and ctx.guess():
        best = closest(value, [str(c) for c in choices])
        if best is not None:
            msg += f" (did you mean {best!r}?)"
    slip = isinstance(value, str) and near_miss(value, [str(c) for c in choices]) is not None
    return _Err("CFG003", span, path, msg, kind="bad-value",
                upstream=UpstreamOnly("choice", str(value), "", slip))


def _converts(text: str, kind: str) -> bool:
    """Whether Python's ``int()``/``float()`` accept the text (``" 16 "``, ``"1e-4"``)."""
    try:
        int(text) if kind == "int" else float(text)
    except ValueError:
        return False
    return True


def _with_consequence(s: _S, errs: list[_Err], path: KeyPath, value: Any) -> list[_Err]:
    """Say what the trainer does with the bad value here (``x-cfglint-consequence``);
    ``{key}`` and ``{value}`` name the key and the value as Python's ``str()`` prints it."""
    if not s.consequence:
        return errs
    for e in errs:
        text = s.consequence.get(e.kind) if e.path == path else None
        if text:
            e.message += "; " + text.replace("{key}", key_label(path)).replace(
                "{value}", _py_str(value))
            severity = s.consequence.get(f"{e.kind}-severity")
            if severity in _LOWER_SEVERITIES:  # the trainer goes on with a fallback
                e.severity = _LOWER_SEVERITIES[severity]
            e.kind = ""  # said once
    return errs


_LOWER_SEVERITIES: dict[str, Severity] = {"warning": "warning", "info": "info"}


def _py_str(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (dict, list)):
        return repr(value)
    return str(value)


def _validate(s: _S, node: Node | None, path: KeyPath, anchor: Span, ctx: _Ctx,
              open_: bool) -> list[_Err]:
    node = resolve_alias(node)
    if node is None:
        return []
    if s.reject:
        return [_Err("CFG002", node.span, path, f"`{key_label(path)}` is not allowed here")]
    value: Any = ctx.value(node) if isinstance(node, Scalar) else None
    plain = value if isinstance(node, Scalar) else None
    if s.consequence and not isinstance(node, Scalar):
        plain = to_python(node, view=ctx.value)
    return _with_consequence(s, _validate_node(s, node, path, anchor, ctx, open_, value),
                             path, plain)


def _validate_node(s: _S, node: Node, path: KeyPath, anchor: Span, ctx: _Ctx, open_: bool,
                   value: Any) -> list[_Err]:
    errs: list[_Err] = []
    if s.ref is not None:
        errs += _validate(s.ref, node, path, anchor, ctx, open_)
    open_ = open_ or s.open
    registry_value = False
    if isinstance(node, Scalar):
        if _skip(value, ctx):
            return errs
        registry_value = (ctx.registry is not None and not ctx.probing
                          and _registry_value(s, node, path, value, ctx))
    kinds = _kinds(value, node, ctx.compiled.strict_integers)
    if s.types is not None and not (kinds & s.types) and ctx.probing:
        errs.append(_Err("CFG002", node.span, path, "", expected=s.types, kind="wrong-type"))
        return errs  # only whether the value fits is asked: no message
    if s.types is not None and not (kinds & s.types):
        errs.append(_Err("CFG002", node.span, path,
                         f"`{key_label(path)}` is {_describe(value, node)} to "
                         f"{ctx.family.loader}; {_expected(s.types)} is required",
                         expected=s.types, kind="wrong-type",
                         upstream=UpstreamOnly("type", _describe(value, node), "", False)))
        return errs
    if s.numeric_text is not None and isinstance(value, str) and not _converts(value,
                                                                                s.numeric_text):
        errs.append(_Err("CFG002", node.span, path,
                         f"`{key_label(path)}` is {_describe(value, node)}, which "
                         f"{ctx.compiled.trainer} cannot convert with {s.numeric_text}()",
                         expected=frozenset({"number"}), kind="wrong-type"))
        return errs
    if s.enum is not None and not registry_value:
        plain = value if isinstance(node, Scalar) else to_python(node, view=ctx.value)
        if not any(_json_equal(plain, c) for c in s.enum):
            errs.append(_choice_error(plain, s.enum, path, node.span, ctx))
    if (s.enum_ci is not None and isinstance(value, str) and value.lower() not in s.enum_ci
            and not registry_value):
        errs.append(_choice_error(value, list(s.enum_ci.values()), path, node.span, ctx, True))
    if isinstance(value, str) and s.pattern is not None and not s.pattern.search(value):
        errs.append(_Err("CFG003", node.span, path,
                         f"`{key_label(path)}` is {value!r}, which does not have the form "
                         f"{ctx.compiled.trainer} requires (/{s.pattern.pattern}/)",
                         kind="bad-value"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        errs += _bounds(s, value, path, node.span)
    if isinstance(node, Mapping):
        errs += _validate_mapping(s, node, path, anchor, ctx, open_)
    elif isinstance(node, Sequence):
        errs += _validate_sequence(s, node, path, ctx, open_)
    for sub in s.all_of:
        errs += _validate(sub, node, path, anchor, ctx, open_)
    if s.any_of:
        branches = [_validate(sub, node, path, anchor, ctx, open_) for sub in s.any_of]
        if all(branches):
            errs += _best(branches, node, path, ctx)
    if s.one_of:
        branches = [_validate(sub, node, path, anchor, ctx, open_) for sub in s.one_of]
        passing = sum(1 for b in branches if not b)
        if passing == 0:
            errs += _best(branches, node, path, ctx)
        elif passing > 1:
            errs.append(_Err("CFG002", node.span, path,
                             f"`{key_label(path)}` fits more than one of the forms "
                             f"{ctx.compiled.trainer} distinguishes; make it unambiguous"))
    if s.if_ is not None:
        ctx.probing += 1
        condition = _validate(s.if_, node, path, anchor, ctx, open_)
        ctx.probing -= 1
        if not condition:
            if s.then is not None:
                errs += _validate(s.then, node, path, anchor, ctx, open_)
        elif s.else_ is not None:
            errs += _validate(s.else_, node, path, anchor, ctx, open_)
    return errs


def _registry_value(s: _S, node: Scalar, path: KeyPath, value: Any, ctx: _Ctx) -> bool:
    """Whether this value names an entry of a registry users extend (the family declares
    which), so that the repository's own code, not the schema's list, decides it."""
    if ctx.registry is None or not isinstance(value, str):
        return False
    names = s.names()
    if not names and not ctx.registry.has_modules:
        return False  # most values: no list of names here, and no module paths declared
    reg = ctx.registry.claim(path)
    if reg is None:
        return False
    return ctx.registry.note(reg, path, node, value, names)


def _bounds(s: _S, value: float, path: KeyPath, span: Span) -> list[_Err]:
    checks: list[tuple[float | None, bool, str]] = [
        (s.minimum, s.minimum is not None and value < s.minimum, "at least"),
        (s.maximum, s.maximum is not None and value > s.maximum, "at most"),
        (s.xminimum, s.xminimum is not None and value <= s.xminimum, "greater than"),
        (s.xmaximum, s.xmaximum is not None and value >= s.xmaximum, "less than"),
    ]
    for bound, broken, words in checks:
        if broken:
            return [_Err("CFG003", span, path,
                         f"`{key_label(path)}` is {value!r}; it must be {words} {bound!r}",
                         kind="bad-value")]
    return []


def _best(branches: list[list[_Err]], node: Node, path: KeyPath, ctx: _Ctx) -> list[_Err]:
    """The errors of the alternative the value came closest to, not a wall of errors."""

    def shallow_type(errs: list[_Err]) -> bool:
        return any(e.code == "CFG002" and e.path == path and e.expected for e in errs)

    if ctx.probing:  # only whether the value fits is asked: any of them says it does not
        return branches[0]

    if all(shallow_type(b) and len(b) == 1 for b in branches):
        types: set[str] = set()
        for b in branches:
            types |= b[0].expected
        first = branches[0][0]
        value = ctx.value(node) if isinstance(node, Scalar) else None
        return [_Err("CFG002", first.span, path,
                     f"`{key_label(path)}` is {_describe(value, node)} to {ctx.family.loader}; "
                     f"{_expected(types)} is required", expected=frozenset(types),
                     kind="wrong-type")]
    return min(branches, key=lambda b: (shallow_type(b), len(b)))


def _effective_entries(node: Mapping) -> list[Entry]:
    """What a loader sees: the last of duplicate keys; YAML merge keys fill in the rest."""
    explicit: dict[str, Entry] = {}
    merged: list[Entry] = []
    for e in node.entries:
        if e.name == "<<" and e.key.raw == "<<" and e.key.style == "plain":
            src = resolve_alias(e.value)
            sources = src.items if isinstance(src, Sequence) else [src]
            for m in sources:
                m = resolve_alias(m)
                if isinstance(m, Mapping):
                    merged += _effective_entries(m)
            continue
        explicit.pop(e.name, None)
        explicit[e.name] = e
    out = list(explicit.values())
    for e in merged:
        if e.name not in explicit:
            explicit[e.name] = e
            out.append(e)
    return out


def _validate_mapping(s: _S, node: Mapping, path: KeyPath, anchor: Span, ctx: _Ctx,
                      open_: bool) -> list[_Err]:
    entries, spelled, present = _entries_of(node, path, ctx)
    errs = list(spelled)
    for req in s.required:
        if req not in present:
            where = f"`{key_label(path)}`" if path else "the document"
            errs.append(_Err("CFG002", anchor, path,
                             f"{where} has no `{req}`, which {ctx.compiled.trainer} requires",
                             missing=req))
    version = _version(s.legacy, node, ctx) if s.legacy is not None else 0
    for entry in entries:
        if ctx.stopped is not None:
            break
        entry_path = (*path, entry.name)
        found = _check_entry(s, entry, entry_path, ctx, open_, present, version=version)
        if found:
            errs += found
            ctx.count(found, entry_path, entry.key_span)
    if not ctx.probing and (s.properties or s.pattern_props or s.known_keys is not None):
        _note_keys(s, node, entries, path, open_, present, ctx)
    return errs


def _entries_of(node: Mapping, path: KeyPath, ctx: _Ctx
                ) -> tuple[list[Entry], list[_Err], AbstractSet[str]]:
    """The entries a loader sees in ``node``, the problems of how their names are spelled,
    and the option names: made once per mapping and path, however often ``allOf`` and
    ``if`` validate the mapping again (a large file's root has hundreds of thousands)."""
    key = (id(node), path)
    known = ctx.entries.get(key)
    if known is None:
        entries = _effective_entries(node)
        spelled: list[_Err] = []
        if ctx.compiled.key_prefix:
            entries, spelled = _normalised_entries(entries, path, ctx)
        known = ctx.entries[key] = (entries, spelled, {ctx.key(e.name) for e in entries})
    return known


def _normalised_entries(entries: list[Entry], path: KeyPath, ctx: _Ctx
                        ) -> tuple[list[Entry], list[_Err]]:
    """Keys that name the same option once the loader strips its prefix (``--lr`` and
    ``lr``): the later one wins, the earlier one is reported as set twice."""
    last: dict[str, Entry] = {}
    errs: list[_Err] = []
    for e in entries:
        name = ctx.key(e.name)
        earlier = last.get(name)
        if earlier is not None:
            errs.append(_Err("CFG005", earlier.key.span, (*path, earlier.name),
                             f"`{earlier.name}` and `{e.name}` name the same option; "
                             f"{ctx.compiled.trainer} keeps the later value and drops this one"))
        last[name] = e
    kept = set(map(id, last.values()))
    return [e for e in entries if id(e) in kept], errs


def _version(legacy: _Legacy, node: Mapping, ctx: _Ctx) -> int:
    """The mapping's own format version (absent: 0, as versioned loaders assume)."""
    raw = node.get(legacy.version_key)
    raw = resolve_alias(raw)
    value = ctx.value(raw) if isinstance(raw, Scalar) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _check_entry(s: _S, entry: Entry, path: KeyPath, ctx: _Ctx, open_: bool,
                 present: AbstractSet[str], closed: bool = False, version: int = 0) -> list[_Err]:
    """One key of a mapping against the mapping's schema: known, patterned or unknown.

    ``closed`` treats keys outside ``properties`` as unknown whatever
    additionalProperties says (flattened kohya tables: the schema routes them to
    the section schema for editors, but after flattening they are plain keys)."""
    name = ctx.key(entry.name)
    errs: list[_Err] = []
    if s.property_names is not None:
        errs += _validate(s.property_names, entry.key, path, entry.key.span, ctx, open_)
    matched = False
    sub = s.properties.get(name)
    if sub is not None:
        matched = True
        own = _validate(sub, entry.value, path, entry.key.span, ctx, open_)
        if own and _unread(entry, ctx):  # the loader drops the value: the default stays
            own = [e for e in own if e.path != path]
        errs += own
    for rx, psub in s.pattern_props:
        if rx.search(name):
            matched = True
            errs += _validate(psub, entry.value, path, entry.key.span, ctx, open_)
    if matched or (s.legacy is not None and s.legacy.accepts(name, version)):
        return errs
    if closed:
        errs.append(_unknown_key(s, entry, path, ctx, present))
    elif s.additional is not None:
        errs += _validate(s.additional, entry.value, path, entry.key.span, ctx, open_)
    elif s.closed and not open_:
        errs.append(_unknown_key(s, entry, path, ctx, present))
    return errs


def _unknown_key(s: _S, entry: Entry, path: KeyPath, ctx: _Ctx, present: AbstractSet[str]) -> _Err:
    name = ctx.key(entry.name)
    where = s.where or ("here" if len(path) > 1 else "at the top level")
    elsewhere = ctx.compiled.read_in.get(name)
    if elsewhere is not None and len(path) <= 2 and path[:-1] != _table_path(elsewhere):
        return _read_elsewhere(entry, path, elsewhere, where, ctx)
    if s.known_in is not None and name in s.known_in[0].properties:
        return _Err("CFG701", entry.key.span, path,
                    f"`{name}` is not a key {ctx.compiled.trainer} reads {where} "
                    f"({s.known_in[1]}), so it is silently ignored")
    rejected = ctx.compiled.rejects_unknown and not _unread(entry, ctx)
    if rejected and ctx.compiled.abbreviations:
        longer = _starting_with(name, tuple(s.properties))
        if len(longer) == 1:
            return _abbreviation(entry, path, longer[0], ctx, present)
        if longer:
            return _Err("CFG701", entry.key.span, path,
                        f"`{name}` is the start of several options ({', '.join(longer[:4])}"
                        f"{', …' if len(longer) > 4 else ''}); {ctx.compiled.trainer} rejects "
                        "it as ambiguous and does not start",
                        severity=ctx.compiled.unknown_severity)
    if rejected:
        msg = f"`{name}` is not a key {ctx.compiled.trainer} accepts {where}; it rejects the file"
    else:
        msg = (f"`{name}` is not a key {ctx.compiled.trainer} reads {where}, "
               "so it is silently ignored")
    target = s.aliases.get(name) or None
    renamed = s.legacy.renamed.get(name) if s.legacy is not None else None
    safety: str | None = None
    if target:
        msg += f"; `{name}` is a documented alias of `{target}` (same meaning)"
        safety = "safe"
    elif renamed in s.properties:
        target, safety = renamed, "unsafe"
        limit = s.legacy.keys.get(name) if s.legacy is not None else None
        msg += (f"; it was renamed `{target}`, and only a file older than version {limit} "
                "is migrated")
    elif ctx.guess():
        target = _did_you_mean(name, [k for k in s.properties if k not in present])
        if target:
            msg += f" (did you mean `{target}`?)"
            safety = "unsafe"
    fix = None
    if target and safety and target not in present:
        fix = _rename(s, entry, path, target, "safe" if safety == "safe" else "unsafe", ctx)
    elif target and target in present:
        msg += f"; `{target}` is set as well, so remove one of them"
    own = not s.aliases.get(name) and renamed not in s.properties
    upstream = UpstreamOnly("key" if rejected else "ignored", name, where,
                            near_miss(name, list(s.properties)) is not None) if own else None
    return _Err("CFG701", entry.key.span, path, msg, fix,
                severity=ctx.compiled.unknown_severity if rejected else None, upstream=upstream)


def _unread(entry: Entry, ctx: _Ctx) -> bool:
    """The value never reaches the trainer (``x-cfglint-unread-values``): a loader that
    drops null or empty values does not reject the key that holds them."""
    unread = ctx.compiled.unread
    if unread is None:
        return False
    ctx.probing += 1  # a fit test: no message is made
    try:
        return not _validate(unread, entry.value, (), entry.key.span, ctx, True)
    finally:
        ctx.probing -= 1


def _abbreviation(entry: Entry, path: KeyPath, target: str, ctx: _Ctx,
                  present: AbstractSet[str]) -> _Err:
    """argparse's ``allow_abbrev``: a unique prefix of an option is that option."""
    name = ctx.key(entry.name)
    msg = (f"`{name}` is not an option name, but argparse's prefix matching reads it as "
           f"`{target}`; spell it out, since a new option starting with `{name}` would make "
           "it ambiguous")
    fix = None
    if target in present:
        msg += f"; `{target}` is set as well, and the later of the two wins"
    else:
        from cfglint.edit import rename_key

        new = entry.name[:len(entry.name) - len(entry.name.lstrip(ctx.compiled.key_prefix
                                                                   + " "))] + target
        fix = Fix("safe", f"rename `{name}` to `{target}` (the option it already sets)",
                  [rename_key(ctx.doc, entry.key, new)],
                  changes=[path, (*path[:-1], new)])
    return _Err("CFG701", entry.key.span, path, msg, fix)


def _rename(s: _S, entry: Entry, path: KeyPath, target: str, safety: Literal["safe", "unsafe"],
            ctx: _Ctx) -> Fix | None:
    """Rename the key to ``target`` when its value fits what ``target`` accepts."""
    ctx.probing += 1
    misfits = _validate(s.properties[target], entry.value, path, entry.key.span, ctx, True)
    ctx.probing -= 1
    if misfits:
        return None
    from cfglint.edit import rename_key

    return Fix(safety, f"rename `{entry.name}` to `{target}`",
               [rename_key(ctx.doc, entry.key, target)], changes=[path, (*path[:-1], target)])


# --- near-miss keys in open sections ----------------------------------------------------------

@dataclass
class _NearMiss:
    """An unknown key that may be a misspelling of a key of this mapping's schema."""

    schema: _S
    mapping: Mapping
    entry: Entry
    path: KeyPath
    present: AbstractSet[str]


def _note_keys(s: _S, mapping: Mapping, entries: list[Entry], path: KeyPath, open_: bool,
               present: AbstractSet[str], ctx: _Ctx) -> None:
    """Remember which schemas with keys of their own saw this mapping, and the keys an open
    section takes without a word (they may be slips of a key it reads: ``_near_misses``)."""
    ctx.visits.setdefault(id(mapping), []).append(s)
    if (s.closed and s.additional is None) or (open_ and s.known_keys is None):
        return
    for entry in entries:
        if not _knows(s, entry.name):
            ctx.near.append(_NearMiss(s, mapping, entry, (*path, entry.name), present))


def _knows(s: _S, name: str) -> bool:
    return name in s.properties or any(rx.search(name) for rx, _ in s.pattern_props)


def _near_misses(ctx: _Ctx) -> list[_Err]:
    """CFG701 for a key of an open section one slip away from a key the trainer reads there
    and which is absent: an error where the family says the missing key stops the run (the
    rename is then safe: the file cannot run as written), else a warning with an unsafe
    rename (a fork may read the key as written)."""
    out: list[_Err] = []
    seen: set[tuple[int, str]] = set()
    for c in ctx.near:
        name = c.entry.name
        if (id(c.mapping), name) in seen or any(
                _knows(other, name) for other in ctx.visits.get(id(c.mapping), ())):
            continue
        target = near_miss(name, c.schema.readable_keys())
        if target is None or target in c.present:
            continue
        seen.add((id(c.mapping), name))
        section = c.path[:-1]
        where = f"in `{key_label(section)}`" if section else "at the top level"
        trainer = ctx.compiled.trainer
        fatal = ctx.family.missing_key_fatal(ctx.doc, section, target)
        msg = (f"`{name}` is not a key {trainer} reads {where}; it reads `{target}`, which "
               "is not set here")
        msg += f", and {fatal}" if fatal else f", so `{name}` is silently ignored"
        msg += f" (did you mean `{target}`?)"
        fix = None
        if target in c.schema.properties:
            fix = _rename(c.schema, c.entry, c.path, target, "safe" if fatal else "unsafe", ctx)
        out.append(_Err("CFG701", c.entry.key.span, c.path, msg, fix,
                        severity="error" if fatal else None))
    return out


def _unread_keys(ctx: _Ctx) -> tuple[tuple[KeyPath, bool], ...]:
    """Keys of open sections that no schema seeing their mapping knows, each with whether it
    is a slip of a key read there (what ``_near_misses`` reports)."""
    out: dict[KeyPath, bool] = {}
    for c in ctx.near:
        if c.path in out or any(_knows(other, c.entry.name)
                                for other in ctx.visits.get(id(c.mapping), ())):
            continue
        out[c.path] = near_miss(c.entry.name, c.schema.readable_keys()) is not None
    return tuple(out.items())


def _for_forks(points: ForkPoints, errs: list[_Err], ctx: _Ctx) -> list[_Err]:
    """Problems that hold only against upstream's code, judged against the repository's
    own code or weighed against the rest of the file (``cfglint.repo.forks``)."""
    if not any(e.upstream is not None for e in errs):
        return errs
    from cfglint.repo.forks import Context, revise

    names = ctx.registry.unlisted() if ctx.registry is not None else []
    fork_ctx = Context(
        unread_keys=_unread_keys(ctx),
        unlisted_names=tuple((n.path, n.value, near_miss(n.value, n.upstream) is not None)
                             for n in names),
        registries=ctx.family.registries)
    return revise(ctx.doc, points, errs, fork_ctx)


def _table_path(table: str) -> KeyPath:
    return (table,) if table else ()


def _read_elsewhere(entry: Entry, path: KeyPath, table: str, where: str, ctx: _Ctx) -> _Err:
    """A key written in one table that the trainer reads only in another (at the top level
    instead of under [model], or the reverse): say where it is read, and move it there."""
    trainer, name = ctx.compiled.trainer, entry.name
    there = f"under [{table}]" if table else "at the top level"
    msg = (f"`{name}` is not a key {trainer} reads {where}, so this value is ignored; "
           f"{trainer} reads `{name}` only {there}")
    if ctx.compiled.rejects_unknown:
        msg = (f"`{name}` is not a key {trainer} accepts {where}, so it rejects the file; "
               f"it reads `{name}` only {there}")
    target = resolve_alias(ctx.doc.find(_table_path(table)) if table else ctx.doc.root)
    source = resolve_alias(ctx.doc.find(path[:-1]) if len(path) > 1 else ctx.doc.root)
    if isinstance(target, Mapping) and name in target.keys():
        return _Err("CFG701", entry.key.span, path,
                    msg + ", where it is set as well; remove this one")
    fix = None
    if isinstance(target, Mapping) and isinstance(source, Mapping) and _fits_in(
            table, entry, ctx):
        from cfglint.edit import EditError, move_entry

        try:
            edits = move_entry(ctx.doc, entry, source, target)
        except EditError:
            edits = []
        if edits:
            fix = Fix("safe", f"move `{name}` {there}", edits,
                      changes=[path, (*_table_path(table), name)])
    return _Err("CFG701", entry.key.span, path, msg, fix)


def _fits_in(table: str, entry: Entry, ctx: _Ctx) -> bool:
    """The value is of a type the key takes where it is read (when the schema says)."""
    s: _S | None = ctx.compiled.root
    if table:
        s = s.properties.get(table) if s is not None else None
        while s is not None and s.ref is not None and not s.properties:
            s = s.ref
    sub = s.properties.get(entry.name) if s is not None else None
    return sub is None or not _validate(sub, entry.value, (entry.name,), entry.key.span, ctx,
                                        True)


def _starting_with(prefix: str, keys: tuple[str, ...]) -> list[str]:
    """The keys that start with ``prefix``, in their order (found by bisection: a file with
    thousands of unknown keys asks this of a schema's hundreds of keys for each)."""
    names, order = _sorted_keys(keys)
    lo = hi = bisect_left(names, prefix)
    while hi < len(names) and names[hi].startswith(prefix):
        hi += 1
    return [keys[i] for i in sorted(order[lo:hi])]


@lru_cache(maxsize=256)
def _sorted_keys(keys: tuple[str, ...]) -> tuple[list[str], list[int]]:
    """The keys sorted, and where each sorted key is in ``keys``."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return [keys[i] for i in order], order


def _did_you_mean(name: str, known: list[str]) -> str | None:
    lowered = {k.lower(): k for k in known}
    if name.lower() in lowered:
        return lowered[name.lower()]
    import difflib  # only when a key is unknown

    found = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    same_sense = [k for k in found if _negated(k) == _negated(name)]
    return same_sense[0] if same_sense else None


_NEGATIONS = ("disable", "no_", "not_", "skip_", "without_")


def _negated(name: str) -> bool:
    """A switch that turns something off (``disable_tf32``): never offered for a key that
    turns it on (``allow_tf32``), since the rename would invert what the file asks for."""
    low = name.lower()
    return any(low.startswith(n) or f"_{n}" in low for n in _NEGATIONS)


def _validate_sequence(s: _S, node: Sequence, path: KeyPath, ctx: _Ctx,
                       open_: bool) -> list[_Err]:
    errs: list[_Err] = []
    n = len(node.items)
    if s.min_items is not None and n < s.min_items:
        errs.append(_Err("CFG003", node.span, path,
                         f"`{key_label(path)}` has {n} items; at least {s.min_items} are required"))
    if s.max_items is not None and n > s.max_items:
        errs.append(_Err("CFG003", node.span, path,
                         f"`{key_label(path)}` has {n} items; at most {s.max_items} are allowed"))
    for i, item in enumerate(node.items):
        if ctx.stopped is not None:
            break
        sub = s.prefix_items[i] if i < len(s.prefix_items) else s.items
        if sub is not None:
            found = _validate(sub, item, (*path, i), item.span, ctx, open_)
            if found:
                errs += found
                ctx.count(found, (*path, i), item.span)
    return errs


# --- kohya flattening -----------------------------------------------------------------------

def _flattened(root: Mapping, ctx: _Ctx) -> list[_Err]:
    """sd-scripts merges every top-level table into one namespace: check each table's keys
    against the root properties, and report a key that two tables set (the later wins)."""
    s = ctx.compiled.root
    counts = Counter(entry.name for _, entry in _flat_entries(root))
    present = counts.keys()
    errs: list[_Err] = []
    for section, entry in _flat_entries(root):
        if ctx.stopped is not None:
            break
        path: KeyPath = (entry.name,) if section is None else (section, entry.name)
        found = _check_entry(s, entry, path, ctx, False, present, closed=True)
        if found:
            errs += found
            ctx.count(found, path, entry.key_span)
    seen: dict[str, list[tuple[str | None, Entry]]] = {}  # the keys set twice, and where
    for section, entry in _flat_entries(root):
        if counts[entry.name] > 1:
            seen.setdefault(entry.name, []).append((section, entry))
    for name, places in seen.items():
        last_section, _ = places[-1]
        for section, entry in places[:-1]:
            path = (name,) if section is None else (section, name)
            errs.append(_Err(
                "CFG005", entry.key.span, path,
                f"`{name}` is set {_where(section)} and again {_where(last_section)}; "
                f"{ctx.compiled.trainer} merges all tables into one namespace, so the later "
                f"value ({_where(last_section)}) wins and this one is ignored"))
    return errs


def _flat_entries(root: Mapping) -> Iterator[tuple[str | None, Entry]]:
    """Each key of the merged namespace in file order, with the table it is in (None at the
    top level), made as read: a large file has hundreds of thousands."""
    for entry in root.entries:
        value = resolve_alias(entry.value)
        if isinstance(value, Mapping):
            for e in value.entries:
                yield entry.name, e
        else:
            yield None, entry


def _where(section: str | None) -> str:
    return "at the top level" if section is None else f"in [{section}]"


# --- entry point ------------------------------------------------------------------------------

def schema_findings(doc: Document, family: str) -> list[Finding]:
    """CFG002/CFG003/CFG701/CFG005 findings of a parsed document against the schema its
    family picks for it."""
    if doc.root is None:
        return []
    try:
        name = get_family(family).schema_for(doc)
    except KeyError:
        return []
    compiled = _compiled(name) if name is not None else None
    if compiled is None or doc.root is None:
        return []
    return _run(doc, family, compiled)


def _stopped(doc: Document, at: Span, trainer: str) -> _Err:
    """Where the check of a file stopped, said at its start, where it is read first."""
    line = doc.text.count("\n", 0, at.start) + 1
    column = at.start - doc.text.rfind("\n", 0, at.start)
    start = doc.root.span.start if doc.root is not None else 0
    return _Err("CFG012", Span(start, start), (),
                f"cfglint stopped checking keys and values against what {trainer} reads "
                f"after {MAX_PROBLEMS:,} problems, at line {line}, column {column}; the rest "
                "of the file was not checked (fix the problems shown and run it again)")


def findings_with_schema(doc: Document, family: str, schema: dict[str, Any]) -> list[Finding]:
    """The same check against a given schema (rule authors' and tests' entry point)."""
    if doc.root is None:
        return []
    return _run(doc, family, _compile_document(schema, family))


def _run(doc: Document, family: str, compiled: _Compiled) -> list[Finding]:
    fam = get_family(family)
    ctx = _Ctx(doc=doc, family=fam, compiled=compiled, sweeps=fam.hydra_sweeps)
    if fam.registries:
        from cfglint.repo.check import RegistryCheck  # light; the repository is read later

        ctx.registry = RegistryCheck(doc, fam.registries, compiled.trainer)
    root = resolve_alias(doc.root)
    if compiled.flatten and isinstance(root, Mapping):
        errs = _flattened(root, ctx)
    else:
        anchor = Span(root.span.start, root.span.start) if root is not None else Span(0, 0)
        errs = _validate(compiled.root, root, (), anchor, ctx, False)
    errs += _near_misses(ctx)
    if ctx.registry is not None:
        errs, verdicts = ctx.registry.finish(errs)
        errs += [_Err(v.code, v.span, v.path, v.message, severity=v.severity) for v in verdicts]
    if fam.forks is not None:
        errs = _for_forks(fam.forks, errs, ctx)
    if ctx.stopped is not None:
        errs.append(_stopped(doc, ctx.stopped, compiled.trainer))
    findings: list[Finding] = []
    seen: set[tuple[str, int, int, str]] = set()
    for e in sorted(errs, key=lambda e: (e.span.start, e.code, e.message)):
        key = (e.code, e.span.start, e.span.end, e.message)
        if key in seen:
            continue
        seen.add(key)
        rule = builtin_rule(e.code)
        findings.append(make_finding(doc, e.code, rule.name,
                                     e.severity or rule.severity_for(family),
                                     e.message, family, e.span, e.path, e.fix))
    return findings
