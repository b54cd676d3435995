"""How a trainer module reads its native keys into canonical facts.

``FactBuilder`` reads native keys with the trainer's own view of scalars
(``Family.value``: YAML 1.1 for PyYAML-loaded trainers, OmegaConf typing for Hydra,
exact TOML/JSON values) and records each canonical fact with its provenance:
``explicit`` (native key path and the value's span), ``default`` (the key the trainer
would read and the span of its closest existing ancestor) or ``derived`` (a note
with the arithmetic). ``FlatView`` reads a file the way argparse-flattening trainers
(sd-scripts, the kohya_ss GUI) do: key name → the entry that wins, in any section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from cfglint.facts.model import Fact, Facts, Unknown
from cfglint.source.document import (
    Document,
    ExpansionLimit,
    KeyPath,
    Mapping,
    Node,
    Scalar,
    Span,
    resolve_alias,
    to_python,
)

if TYPE_CHECKING:
    from cfglint.families.base import Family

_MISSING: Any = object()


class FactBuilder:
    """Reads one Document for one family and collects its Facts."""

    def __init__(self, doc: Document, family: Family) -> None:
        self.doc = doc
        self.family = family
        self.facts = Facts(family.name)
        self._nodes: dict[KeyPath, Node | None] = {}

    # --- reading ---------------------------------------------------------------------
    def view(self, scalar: Scalar) -> Any:
        return self.family.value(scalar, self.doc.format)

    def node(self, path: KeyPath) -> Node | None:
        if path not in self._nodes:
            self._nodes[path] = resolve_alias(self.doc.find(path))
        return self._nodes[path]

    def read(self, path: KeyPath) -> Any:
        """The trainer's value at ``path``; ``_MISSING`` when absent or null (loaders and
        ``kwargs.get(k) or default`` treat an explicit null as "use the default")."""
        return self.value_of(self.node(path))

    def value_of(self, node: Node | None) -> Any:
        """The trainer's value of ``node`` (an alias already followed), as ``read`` gives
        it for the node's key path."""
        if node is None:
            return _MISSING
        if isinstance(node, Scalar):
            value = self.view(node)
        else:
            try:
                value = to_python(node, budget=20_000, view=self.view)
            except ExpansionLimit:
                return _MISSING
        return _MISSING if value is None else value

    def has(self, path: KeyPath) -> bool:
        return self.read(path) is not _MISSING

    def ancestor_span(self, path: KeyPath) -> Span | None:
        """Span of the key of the closest existing ancestor of ``path`` (None at the root)."""
        for cut in range(len(path), 0, -1):
            prefix = path[:cut]
            entry = self.doc.find_entry(prefix)
            if entry is not None:
                return entry.key.span
            node = self.doc.find(prefix)
            if node is not None:
                return node.span
        return None

    # --- recording -------------------------------------------------------------------
    def explicit(self, name: str, path: KeyPath, value: Any = _MISSING, note: str = "") -> Any:
        """Record the value at ``path`` (or ``value``, a coerced form of it) as explicit."""
        raw = self.read(path)
        if raw is _MISSING:
            return _MISSING
        node = self.node(path)
        assert node is not None
        use = raw if value is _MISSING else value
        self.facts.set(name, use, "explicit", self.doc.path, path, node.span, note)
        return use

    def default(self, name: str, value: Any, path: KeyPath, note: str = "") -> Any:
        self.facts.set(name, value, "default", self.doc.path, path, self.ancestor_span(path),
                       note)
        return value

    def derived(self, name: str, value: Any, note: str, key: KeyPath | None = None,
                span: Span | None = None, inputs: tuple[str, ...] = ()) -> Any:
        self.facts.set(name, value, "derived", self.doc.path, key, span, note, inputs)
        return value

    def get(self, name: str, path: KeyPath, default: Any = _MISSING,
            convert: Callable[[Any], Any] | None = None, source: str = "",
            note: str = "") -> Any:
        """Explicit value at ``path`` (converted), else the trainer ``default`` from
        ``source``; returns the value or ``_MISSING`` when neither exists."""
        raw = self.read(path)
        if raw is not _MISSING:
            return self.explicit(name, path, convert(raw) if convert else raw, note)
        if default is _MISSING:
            return _MISSING
        dnote = f"trainer default ({source})" if source else "trainer default"
        return self.default(name, default, path, f"{dnote}. {note}".strip(". ") if note else dnote)

    def first(self, name: str, paths: Iterable[KeyPath], default: Any = _MISSING,
              default_path: KeyPath | None = None, convert: Callable[[Any], Any] | None = None,
              source: str = "") -> Any:
        """The first of several alias keys that is set, else the default."""
        plist = list(paths)
        for p in plist:
            if self.has(p):
                return self.get(name, p, convert=convert)
        if default is _MISSING:
            return _MISSING
        return self.get(name, default_path or plist[0], default, source=source)

    def value(self, name: str) -> Any:
        """A recorded fact's value or ``_MISSING`` (Unknown counts as missing)."""
        fact = self.facts.get(name)
        if fact is None or isinstance(fact.value, Unknown):
            return _MISSING
        return fact.value

    def fact(self, name: str) -> Fact | None:
        return self.facts.get(name)


MISSING = _MISSING


def flat_index(doc: Document) -> dict[str, KeyPath]:
    """An argparse-flattened TOML: key name → path of the entry that wins.

    sd-scripts' ``read_config_from_file`` lifts every key of every top-level table into
    one namespace, so section names are decoration and a later duplicate wins.
    """
    out: dict[str, KeyPath] = {}
    root = resolve_alias(doc.root)
    if not isinstance(root, Mapping):
        return out
    for e in root.entries:
        v = resolve_alias(e.value)
        if isinstance(v, Mapping) and not v.flow:
            for inner in v.entries:
                out[inner.name] = (e.name, inner.name)
        else:
            out[e.name] = (e.name,)
    return out


class FlatView:
    """Reads keys by name through a flat index (``flat_index`` or a flat JSON root)."""

    def __init__(self, b: FactBuilder, index: dict[str, KeyPath], source: str) -> None:
        self.b = b
        self.index = index
        self.source = source

    def path(self, key: str) -> KeyPath:
        return self.index.get(key, (key,))

    def read(self, key: str) -> Any:
        return self.b.read(self.path(key)) if key in self.index else MISSING

    def has(self, key: str) -> bool:
        return self.read(key) is not MISSING

    def get(self, name: str, key: str, default: Any = MISSING, source: str | None = None,
            convert: Callable[[Any], Any] | None = None, note: str = "") -> Any:
        return self.b.get(name, self.path(key), default, convert=convert,
                          source=self.source if source is None else source, note=note)
