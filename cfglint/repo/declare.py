"""How a family declares the registries its users extend: where a config names an entry,
which registry objects of the trainer's code hold the entries, and how a repository adds
to them. Only data here: families import it at start-up."""

from __future__ import annotations

import fnmatch
from functools import cache, lru_cache
from typing import NamedTuple

from cfglint.source.document import KeyPath


class NameRegistry(NamedTuple):
    """A registry of classes or functions looked up by name (``ARCH_REGISTRY.get(name)``).

    ``where`` holds key-path patterns of the values that name an entry: ``*`` is any one
    key, ``[*]`` any list index, ``**`` any number of levels. Upstream's names come from
    the schema at that key (``enum``, ``x-cfglint-enum-ci`` or, for names the schema leaves
    open, a complete ``examples`` list)."""

    what: str  # the entries in words: "model", "architecture"
    where: tuple[str, ...]
    # the registry objects of the trainer's code, as name patterns: ``*ARCH_REGISTRY`` also
    # takes a project's own registry of that kind (``PL_ARCH_REGISTRY``)
    variables: tuple[str, ...]
    lookup: str  # the trainer's file that looks the name up (repo:path)
    files: str = ""  # the trainer imports every file of this form: "*_arch.py"
    kwargs: bool = False  # the other keys of the mapping are the entry's keyword arguments
    ignore_case: bool = False  # registered and looked up lower-cased
    fallback_suffix: str | None = None  # ``get(name)`` also tries ``name + "_" + suffix``

    def shown(self) -> str:
        """The registry objects in words."""
        return " or ".join(v.lstrip("*") for v in self.variables) + (
            " (or a registry named like it)" if any("*" in v for v in self.variables) else "")

    def key(self, name: str) -> str:
        """A name as the registry stores and compares it."""
        return name.lower() if self.ignore_case else name

    def finds(self, value: str, registered: set[str]) -> bool:
        """Whether ``get(value)`` finds an entry among ``registered`` (already keyed)."""
        key = self.key(value)
        if key in registered:
            return True
        return self.fallback_suffix is not None and self.key(
            f"{value}_{self.fallback_suffix}") in registered


class ModuleRegistry(NamedTuple):
    """A dotted import path the trainer imports at run time (sd-scripts
    ``network_module``, Hydra ``_target_``)."""

    what: str  # "network module"
    where: tuple[str, ...]
    known: tuple[str, ...]  # fnmatch patterns of modules the trainer ships or documents
    importer: str  # who imports it, when, citing the source
    attribute: bool = False  # the path ends in an attribute of a module (module.Class)
    own_packages_only: bool = False  # nothing to say when the top package is not the repo's


OpenRegistry = NameRegistry | ModuleRegistry


class OptionStructs(NamedTuple):
    """Classes the trainer decodes a whole option file into, rejecting keys they lack
    (traiNNer-redux's msgspec structs): forks add fields to them (``cfglint.repo.structs``)."""

    module: str  # the file that defines them, in any folder: "redux_options.py"
    root: str  # the struct the whole file decodes into: "ReduxOptions"
    source: str  # upstream's file (repo:path), for messages


class Dispatch(NamedTuple):
    """A value the trainer's code branches on by name (``cfglint.repo.dispatch``): forks add
    branches of their own, so a name upstream lacks may be a fork's."""

    what: str  # the value in words: "noise schedule"
    where: tuple[str, ...]  # key-path patterns, as for NameRegistry
    functions: tuple[str, ...] = ()  # functions that compare the value with names
    decorators: tuple[str, ...] = ()  # decorators that register a class under a name
    lookup: str = ""  # upstream's code that fails on another name (repo:path), for messages


class ForkPoints(NamedTuple):
    """Where forks of a trainer extend what upstream accepts. A finding that holds only
    against upstream's code (a key its strict loader rejects, a name its code does not
    branch on) is judged against the config's repository when that has the trainer's code,
    and otherwise weighed against the rest of the file (``cfglint.repo.forks``)."""

    trainer: str  # upstream's name in messages: "traiNNer-redux"
    structs: OptionStructs | None = None
    dispatches: tuple[Dispatch, ...] = ()
    # the loader hands values on unconverted and upstream's code fails on the wrong type
    # (sd-scripts' TOML loader): a fork's own script may convert them itself
    types: bool = False

    def dispatch_at(self, path: KeyPath) -> Dispatch | None:
        for d in self.dispatches:
            if any(matches(p, path) for p in d.where):
                return d
        return None


@cache
def _segments(pattern: str) -> tuple[str, ...]:
    out: list[str] = []
    for part in pattern.split("."):
        while "[*]" in part:
            head, _, part = part.partition("[*]")
            if head:
                out.append(head)
            out.append("[*]")
        if part:
            out.append(part)
    return tuple(out)


def matches(pattern: str, path: KeyPath) -> bool:
    """Whether ``path`` is one of the key paths ``pattern`` describes."""
    return _match(_segments(pattern), tuple(path))


def _match(segs: tuple[str, ...], path: KeyPath) -> bool:
    if not segs:
        return not path
    head, rest = segs[0], segs[1:]
    if head == "**":
        return any(_match(rest, path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    part = path[0]
    if head == "[*]":
        return isinstance(part, int) and _match(rest, path[1:])
    return isinstance(part, str) and fnmatch.fnmatchcase(part, head) and _match(rest, path[1:])


@lru_cache(maxsize=4096)
def registry_at(registries: tuple[OpenRegistry, ...], path: KeyPath) -> OpenRegistry | None:
    """The declared registry whose entries the value at ``path`` names, if any."""
    for reg in registries:
        if any(matches(p, path) for p in reg.where):
            return reg
    return None
