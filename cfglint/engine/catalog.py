"""Rules are data: one YAML file per rule, loaded and cached here.

A rule either states a condition over facts (``when``, evaluated by
``cfglint.engine.expr``) or names a Python check in ``cfglint/checks/`` (``check``)
for what is not a fact condition: parse errors, YAML typing, schema findings.
Parsed rule files are cached as JSON keyed by their paths, sizes and mtimes, so a
run does not pay for parsing forty YAML files.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from cfglint.findings import Safety, Severity
from cfglint.resources import rules_dir

RULE_KEYS = {
    "code", "name", "severity", "severity_by_family", "escalate", "summary", "families",
    "when", "check", "params", "message", "at", "fix", "why", "references", "examples",
    "tags", "notes", "supersedes",
}
SEVERITIES = ("error", "warning", "info")
SAFETIES = ("safe", "unsafe", "suggest")
# keys of a rule's ``fix:`` spec (``otherwise`` holds another spec)
FIX_KEYS = frozenset({"safety", "set", "when", "otherwise", "safety_by_family", "title"})
# the sections of a rule's ``why:`` (a mapping, in this order; a user rule may give a string)
WHY_SECTIONS = {"what-it-does": "What it does", "why-it-matters": "Why it matters",
                "what-is-true": "What is true", "fix-safety": "Fix safety"}


class RuleFileError(ValueError):
    pass


class Example(NamedTuple):
    """A rule's example config and the findings (and fix) it must give."""

    config: str
    family: str
    expect: list[str]
    settings: dict[str, Any]  # settings the example runs with ({}: the defaults)
    format: str = "yaml"
    fixed: str | None = None
    unsafe: bool = False
    note: str = ""


class MessageVariant(NamedTuple):
    """One wording of a rule's message, used where ``when`` holds (the last has none)."""

    text: str
    when: str | None = None


@dataclass
class Rule:
    """A rule as its YAML file declares it, validated when loaded."""

    code: str
    name: str
    severity: Severity
    summary: str
    why: str = ""
    when: str | None = None
    check: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    at: str | None = None
    fix: dict[str, Any] | None = None
    families: list[str] | None = None
    severity_by_family: dict[str, Severity] = field(default_factory=dict)
    escalate: list[dict[str, str]] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # rules this one explains better when both fire for the same key: they become notes
    supersedes: list[str] = field(default_factory=list)
    source: str = ""
    messages: list[MessageVariant] = field(default_factory=list)
    why_sections: list[tuple[str, str]] = field(default_factory=list)

    def applies_to(self, family: str) -> bool:
        return self.families is None or family in self.families

    def severity_for(self, family: str) -> Severity:
        return self.severity_by_family.get(family, self.severity)

    @property
    def fix_safety(self) -> Safety | None:
        if not self.fix:
            return None
        safety = self.fix.get("safety")
        return safety if safety in SAFETIES else None  # type: ignore[return-value]


def validate_expressions(data: dict[str, Any], source: str) -> None:
    """Parse every condition of a rule file; a bad one is a RuleFileError with its source."""
    import ast

    from cfglint.engine.env import RULE_FUNCTIONS
    from cfglint.engine.expr import ExprError, compile_expr

    fix = data.get("fix") or {}
    raw = data.get("message")
    messages: list[Any] = raw if isinstance(raw, list) else []
    sources = [data.get("when"), *[e.get("when") for e in data.get("escalate") or []],
               *[m.get("when") for m in messages if isinstance(m, dict)],
               fix.get("when"), *[v for v in (fix.get("set") or {}).values()
                                  if isinstance(v, str)]]
    try:
        for text in sources:
            if not text:
                continue
            for node in ast.walk(compile_expr(str(text))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                        and node.func.id not in RULE_FUNCTIONS:
                    raise ExprError(f"unknown function {node.func.id}() in {text!r}")
    except ExprError as err:
        raise RuleFileError(f"{source}: {err}") from None


def validate_references(data: dict[str, Any], source: str) -> None:
    """Names a rule file uses must exist: its ``check:``, its families, its fix keys."""
    from cfglint.checks import CHECKS, PIPELINE_CHECKS
    from cfglint.families import FAMILY_NAMES

    check = data.get("check")
    if check and check not in CHECKS | PIPELINE_CHECKS:
        raise RuleFileError(f"{source}: unknown check `{check}`{_did_you_mean(check, CHECKS)}; "
                            "a rule over facts uses `when:` instead")
    named = [*(data.get("families") or []), *(data.get("severity_by_family") or {}),
             *((data.get("fix") or {}).get("safety_by_family") or {})]
    for fam in named:
        if fam not in FAMILY_NAMES:
            raise RuleFileError(f"{source}: unknown family `{fam}`"
                                f"{_did_you_mean(fam, FAMILY_NAMES)}")
    spec = data.get("fix")
    while isinstance(spec, dict):
        extra = sorted(set(spec) - FIX_KEYS)
        if extra:
            raise RuleFileError(f"{source}: unknown fix key `{extra[0]}`"
                                f"{_did_you_mean(extra[0], FIX_KEYS)}")
        spec = spec.get("otherwise")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f"; did you mean `{close[0]}`?" if close else ""


def _messages(data: dict[str, Any], source: str) -> list[MessageVariant]:
    """``message:`` is one template, or a list of ``{when, text}`` wordings whose last one
    has no ``when`` (it is used when no other applies)."""
    raw = data.get("message")
    if raw is None or isinstance(raw, str):
        return [MessageVariant(str(raw or data["summary"]))]
    ok = isinstance(raw, list) and raw and all(
        isinstance(m, dict) and set(m) <= {"when", "text"} and isinstance(m.get("text"), str)
        and (bool(m.get("when")) == (i < len(raw) - 1)) for i, m in enumerate(raw))
    if not ok:
        raise RuleFileError(f"{source}: `message` must be a string or a list of "
                            "{when, text} wordings whose last one has no `when`")
    return [MessageVariant(str(m["text"]), m.get("when")) for m in raw]


def _why(data: dict[str, Any], source: str) -> list[tuple[str, str]]:
    """``why:`` as (title, text) sections: a mapping of WHY_SECTIONS, or one string."""
    raw = data.get("why") or ""
    if isinstance(raw, str):
        return [("", raw.strip())] if raw.strip() else []
    if not isinstance(raw, dict) or not set(raw) <= set(WHY_SECTIONS):
        raise RuleFileError(f"{source}: `why` must be a string or a mapping of "
                            f"{', '.join(WHY_SECTIONS)}")
    return [(title, str(raw[key]).strip()) for key, title in WHY_SECTIONS.items()
            if raw.get(key)]


def _as_rule(data: dict[str, Any], source: str, validate: bool = True) -> Rule:
    if "code" not in data:
        # not a rule file: say so without echoing its keys (they may be anyone's secrets)
        raise RuleFileError(f"{source}: not a rule file (a rule file has a `code`)")
    unknown = set(data) - RULE_KEYS
    if unknown:
        raise RuleFileError(f"{source}: unknown rule keys {sorted(unknown)}")
    for req in ("code", "name", "severity", "summary"):
        if req not in data:
            raise RuleFileError(f"{source}: missing `{req}`")
    if data["severity"] not in SEVERITIES:
        raise RuleFileError(f"{source}: severity must be one of {SEVERITIES}")
    if not data.get("when") and not data.get("check"):
        raise RuleFileError(f"{source}: a rule needs `when` (a condition) or `check`")
    for fam, sev in (data.get("severity_by_family") or {}).items():
        if sev not in SEVERITIES:
            raise RuleFileError(f"{source}: severity_by_family.{fam} must be one of {SEVERITIES}")
    fix = data.get("fix")
    if fix is not None and fix.get("safety") not in SAFETIES:
        raise RuleFileError(f"{source}: fix.safety must be one of {SAFETIES}")
    if validate:
        validate_references(data, source)
        validate_expressions(data, source)
    examples = []
    for ex in data.get("examples") or []:
        examples.append(Example(
            config=ex["config"], family=ex.get("family", "generic"),
            expect=list(ex.get("expect") or []), format=ex.get("format", "yaml"),
            fixed=ex.get("fixed"), unsafe=bool(ex.get("unsafe", False)),
            settings=ex.get("settings") or {}, note=ex.get("note", "")))
    messages = _messages(data, source)
    why = _why(data, source)
    return Rule(
        code=str(data["code"]), name=str(data["name"]), severity=data["severity"],
        summary=str(data["summary"]).strip(),
        why="\n\n".join(f"{title}\n{text}" if title else text for title, text in why),
        when=data.get("when"), check=data.get("check"), params=dict(data.get("params") or {}),
        message=messages[-1].text, messages=messages, why_sections=why, at=data.get("at"),
        fix=data.get("fix"), families=data.get("families"),
        severity_by_family=dict(data.get("severity_by_family") or {}),
        escalate=list(data.get("escalate") or []),
        references=[str(r) for r in data.get("references") or []], examples=examples,
        tags=list(data.get("tags") or []), source=source,
        supersedes=[str(c) for c in data.get("supersedes") or []],
    )


def _parse_rule_file(path: Path) -> dict[str, Any]:
    from cfglint.source.document import to_python
    from cfglint.source.read import read_path

    doc = read_path(str(path))
    if doc.problems:
        raise RuleFileError(doc.first_problem())
    data = to_python(doc.root)
    if not isinstance(data, dict):
        raise RuleFileError(f"{path}: a rule file must be a mapping")
    return data


# rule caches kept in the cache folder (one per cfglint version and set of rule folders)
MAX_CACHE_FILES = 16


def _cache_path(files: list[Path]) -> Path | None:
    base = os.environ.get("CFGLINT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "cfglint")
    from cfglint import __version__

    # a cache key, not a security boundary: two CRCs of the file list and stats
    stats = [(f, f.stat()) for f in files]  # one stat a file: this runs on every check
    stamp = __version__ + "".join(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n" for f, st in stats)
    data = stamp.encode("utf-8", "surrogateescape")
    key = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(files):04x}"
    return Path(base) / f"rules-{key}.json"


def _load_raw(files: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    cache = None
    if os.environ.get("CFGLINT_NO_CACHE") != "1":
        try:
            cache = _cache_path(files)
            if cache and cache.is_file():
                data = json.loads(cache.read_text(encoding="utf-8"))
                return [(s, d) for s, d in data]
        except (OSError, ValueError):
            cache = None
    raw = [(str(f), _parse_rule_file(f)) for f in files]
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(raw, default=str), encoding="utf-8")
            os.replace(tmp, cache)
            _prune(cache)
        except OSError:
            pass
    return raw


def _prune(cache: Path) -> None:
    """Keep the newest MAX_CACHE_FILES caches: one made for another version of cfglint or
    before a rule file changed is never read again."""
    def age(path: Path) -> float:
        try:
            return -path.stat().st_mtime
        except OSError:  # removed meanwhile by another run
            return 0.0

    for old in sorted(cache.parent.glob("rules-*.json"), key=age)[MAX_CACHE_FILES:]:
        if old != cache:
            try:
                old.unlink()
            except OSError:
                pass


def rule_files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise RuleFileError(f"rule folder {folder} does not exist")
        # by name: the same order as by path within one folder, at a fraction of the cost
        files += sorted((p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")),
                        key=lambda p: p.name)
    return files


@cache
def builtin_rule(code: str) -> Rule:
    """A built-in rule by code: the pipeline's own findings (parse errors, duplicates,
    schema findings, unused suppressions) take their name and severity from here."""
    return load_rules()[code]


def load_rules(extra_folders: list[Path] | None = None,
               validate_builtin: bool = False) -> dict[str, Rule]:
    """Built-in rules plus users' rule folders; a user rule may not reuse a code.

    Users' rules are validated when loaded (a bad condition is an error naming the file);
    the built-in ones are validated by the test suite, so a run does not re-parse them.
    """
    builtin = rules_dir()
    folders = [builtin, *(extra_folders or [])]
    rules: dict[str, Rule] = {}
    builtin_folder = str(builtin)
    for source, data in _load_raw(rule_files(folders)):
        is_builtin = os.path.dirname(source) == builtin_folder
        rule = _as_rule(data, source, validate=validate_builtin or not is_builtin)
        if rule.code in rules:
            raise RuleFileError(f"{source}: rule code {rule.code} is already defined in "
                                f"{rules[rule.code].source}")
        rules[rule.code] = rule
    for rule in rules.values():
        unknown = [c for c in rule.supersedes if c not in rules]
        if unknown:
            raise RuleFileError(f"{rule.source}: supersedes unknown rule {unknown[0]}")
    return dict(sorted(rules.items()))
