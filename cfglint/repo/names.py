"""Registry names looked up in the config's repository: where the repository registers
a name, with which call signature, and what to say when it registers none.

A name found nowhere is a warning when the repository's code was read in full, and
information when there was no code to read, or code cfglint cannot read statically
(registrations computed at run time, files beyond the scan's limits).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cfglint.findings import Severity
from cfglint.repo.declare import NameRegistry
from cfglint.repo.index import RepoIndex, Search, index_for
from cfglint.repo.pyfacts import Registered, Signature, class_signature
from cfglint.repo.root import RepoRoot
from cfglint.repo.verdict import Noted, P, Verdict
from cfglint.source.document import (
    Document,
    Entry,
    KeyPath,
    Mapping,
    Span,
    format_path,
    key_label,
    resolve_alias,
)
from cfglint.spelling import closest

_BASE_DEPTH = 3  # base classes followed across files for an inherited __init__

@dataclass(frozen=True)
class Definition:
    """An entry the repository registers: where, and how it is called."""

    file: Path  # relative to the root
    line: int
    signature: Signature | None


def judge_name(doc: Document, root: RepoRoot | None, trainer: str, noted: Noted,
               reg: NameRegistry, faulted: list[P]) -> tuple[list[P], list[Verdict]]:
    """The schema's faults of this entry's arguments that stand, and the verdicts: none for
    a name the repository registers (its arguments checked against its own signature), a
    CFG003 for a name neither upstream nor the repository registers."""
    index = index_for(root) if root is not None else None
    defs = _definitions(index, reg, noted.value) if index is not None else []
    if defs:
        merged = _merge(defs) if reg.kwargs else None
        if merged is None or index is None:
            return faulted, []
        return [], _kwargs(doc, index, noted, defs[0], merged)
    if reg.key(noted.value) in {reg.key(n) for n in noted.upstream}:
        return faulted, []
    return faulted, [_unknown_name(root, trainer, index, noted, reg)]


def _definitions(index: RepoIndex, reg: NameRegistry, value: str) -> list[Definition]:
    out = _defined(index, reg, value, (value,))
    if not out and _search(index, reg).names & _keys_for(reg, value):
        out = _defined(index, reg, value, ())  # registered under a ``suffix=`` spelling
    return out


def _unknown_name(root: RepoRoot | None, trainer: str, index: RepoIndex | None, noted: Noted,
                  reg: NameRegistry) -> Verdict:
    found = _search(index, reg) if index is not None else Search(set(), False)
    shown = sorted({*noted.upstream, *(_display(reg, n) for n in found.names)})
    best = closest(noted.value, shown)
    head = (f"`{format_path(noted.path)}` is {noted.value!r}: {trainer} registers no "
            f"{reg.what} of that name")
    severity: Severity = "info"
    if index is None or root is None:
        where = (", and cfglint could not look for code that registers one (the config "
                 "was not read from a file)")
    elif not index.files:
        where = (f", and there is no Python code under {root.describe()} to look for one "
                 "in; if your code registers it, lint the config inside that repository")
    else:
        where = (f", and none of the {len(index.files)} Python files under "
                 f"{root.describe()} registers one with {reg.shown()}")
        if found.dynamic:
            where += " (some of its registrations are computed, which cfglint cannot read)"
        elif not index.complete:
            where += (" (cfglint read only part of the repository: files over its size or "
                      "count limits were skipped)")
        else:
            severity = "warning"
        where += (f"; {reg.lookup} raises KeyError for it unless code outside this "
                  "repository registers it")
    return Verdict("CFG003", noted.node.span, noted.path,
                   head + where + (f" (did you mean {best!r}?)" if best else ""), severity)


def _kwargs(doc: Document, index: RepoIndex, noted: Noted, first: Definition,
            sig: Signature) -> list[Verdict]:
    """The mapping's keys against the signature the repository defines. A key the
    repository's code names as a string may be taken out or filled in before the call
    (a project's model pops `name` from each loss spec): nothing is said about it."""
    mapping_path = noted.path[:-1]
    mapping = resolve_alias(doc.find(mapping_path))
    if not isinstance(mapping, Mapping):
        return []
    entries = _last_wins(mapping)
    where = f"`{noted.value}` ({first.file.as_posix()}:{first.line})"
    out: list[Verdict] = []
    for name, entry in entries.items():
        if name == "type" or sig.var_kw or name in sig.params or _named(index, name):
            continue
        spare = [p for p in sig.params if p not in entries]
        best = closest(name, spare, cutoff=0.6) if spare else None
        hint = f" (did you mean `{best}`?)" if best else ""
        out.append(Verdict(
            "CFG701", entry.key.span, (*mapping_path, name),
            f"`{name}` is not an argument of {where}, which receives the other keys of "
            f"`{key_label(mapping_path)}` as keyword arguments: the run stops with "
            f"TypeError{hint}"))
    anchor = _anchor(doc, mapping_path, mapping)
    for req in sig.required:
        if req not in entries and not _named(index, req):
            out.append(Verdict("CFG002", anchor, mapping_path,
                               f"`{key_label(mapping_path)}` has no `{req}`, which {where} "
                               "requires: the run stops with TypeError"))
    return out


def _anchor(doc: Document, path: KeyPath, mapping: Mapping) -> Span:
    entry = doc.find_entry(path) if path and isinstance(path[-1], str) else None
    if entry is not None:
        return entry.key.span
    return Span(mapping.span.start, mapping.span.start)

def _registering(index: RepoIndex, reg: NameRegistry,
                 words: tuple[str, ...]) -> list[Path]:
    """Files that mention ``words`` and one of the registry objects."""
    out = []
    for rel in index.mentioning(words, reg.ignore_case):
        text = index.text(rel) or ""
        if any(v.lstrip("*") in text for v in reg.variables):
            out.append(rel)
    return out


def _named(index: RepoIndex, key: str) -> bool:
    """Whether some Python file of the repository writes ``key`` as a string literal."""
    quoted = (f'"{key}"', f"'{key}'")
    return any(any(q in (index.text(rel) or "") for q in quoted) for rel in index.files)


def _defined(index: RepoIndex, reg: NameRegistry, value: str,
             words: tuple[str, ...]) -> list[Definition]:
    out: list[Definition] = []
    for rel in _registering(index, reg, words):
        facts = index.facts(rel, reg.variables)
        for entry in facts.registered if facts else []:
            if reg.finds(value, {reg.key(entry.name)}):
                out.append(Definition(rel, entry.line, _signature(index, entry, rel)))
    return out


def _search(index: RepoIndex, reg: NameRegistry) -> Search:
    """Every name the repository registers with ``reg`` (once per index and registry)."""
    key = (reg.variables, reg.ignore_case)
    if key not in index.searches:
        names: set[str] = set()
        dynamic = False
        for rel in _registering(index, reg, ()):
            facts = index.facts(rel, reg.variables)
            if facts is None:
                continue
            names |= {reg.key(e.name) for e in facts.registered}
            dynamic = dynamic or bool(facts.dynamic)
        index.searches[key] = Search(names, dynamic)
    return index.searches[key]


def _keys_for(reg: NameRegistry, value: str) -> set[str]:
    keys = {reg.key(value)}
    if reg.fallback_suffix:
        keys.add(reg.key(f"{value}_{reg.fallback_suffix}"))
    return keys


def _display(reg: NameRegistry, name: str) -> str:
    suffix = f"_{reg.fallback_suffix}" if reg.fallback_suffix else None
    if suffix and name.lower().endswith(suffix.lower()):
        return name[: -len(suffix)]
    return name


def _signature(index: RepoIndex, entry: Registered, rel: Path, depth: int = 0) -> Signature | None:
    """The entry's signature, following base classes into other files of the repository."""
    if entry.signature is not None or not entry.bases or depth >= _BASE_DEPTH:
        return entry.signature
    for base in entry.bases:
        for other in index.mentioning((f"class {base}",)):
            facts = index.facts(other, ())
            cls = facts.classes.get(base) if facts else None
            if cls is None or facts is None:
                continue
            sig, bases = class_signature(cls, facts.classes)
            if sig is not None:
                return sig
            return _signature(index, Registered("", base, cls.lineno, None, bases), other,
                              depth + 1)
    return None


def _merge(defs: list[Definition]) -> Signature | None:
    """One signature for a name registered more than once (copies of a file): any argument
    one of them takes, only arguments all require; unknown if any is unknown."""
    sigs = [d.signature for d in defs]
    if any(s is None for s in sigs):
        return None
    known = [s for s in sigs if s is not None]
    params: list[str] = []
    for s in known:
        params += [p for p in s.params if p not in params]
    required = [r for r in known[0].required if all(r in s.required for s in known)]
    return Signature(tuple(params), tuple(required), any(s.var_kw for s in known))


def _last_wins(mapping: Mapping) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for e in mapping.entries:
        out.pop(e.name, None)
        out[e.name] = e
    return out
