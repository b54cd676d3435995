"""Values that name an entry of an open registry, judged against upstream's names and the
names the config's own repository registers.

The schema engine notes each such value while it validates (``note``) and hands its
problems over at the end (``finish``). Only then, and only for a name upstream lacks, an
upstream entry whose arguments the schema faults, or a module path, is the repository
found and read (``names``, ``modules``); this module itself stays light.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from cfglint.repo.declare import ModuleRegistry, NameRegistry, OpenRegistry, registry_at
from cfglint.repo.verdict import Noted, P, Problem, Verdict
from cfglint.source.document import Document, KeyPath, Scalar, key_label

if TYPE_CHECKING:
    from cfglint.repo.root import RepoRoot


class RegistryCheck:
    def __init__(self, doc: Document, registries: tuple[OpenRegistry, ...],
                 trainer: str) -> None:
        self.doc = doc
        self.registries = registries
        self.trainer = trainer
        self.has_modules = any(isinstance(r, ModuleRegistry) for r in registries)
        self._noted: list[Noted] = []
        self._seen: set[int] = set()
        self._root: RepoRoot | bool | None = False  # False: not looked up yet

    def claim(self, path: KeyPath) -> OpenRegistry | None:
        return registry_at(self.registries, path)

    def note(self, reg: OpenRegistry, path: KeyPath, node: Scalar, value: str,
             upstream: tuple[str, ...]) -> bool:
        """Take over the choice check of this value; False when this schema level has no
        list of upstream names to judge a registry name by (a deeper level may)."""
        if id(node) in self._seen:
            return True
        if isinstance(reg, NameRegistry) and not upstream:
            return False
        self._seen.add(id(node))
        self._noted.append(Noted(reg, path, node, value, upstream))
        return True

    def unlisted(self) -> list[Noted]:
        """Names noted for a registry whose upstream list lacks them: a fork's, or a typo."""
        return [n for n in self._noted if isinstance(n.reg, NameRegistry)
                and n.reg.key(n.value) not in keyed(n.reg, n.upstream)]

    def root(self) -> RepoRoot | None:
        """The config's repository, looked up once and only when asked."""
        if self._root is False:
            from cfglint.repo.root import repo_root

            self._root = repo_root(self.doc.path)
        return None if isinstance(self._root, bool) else self._root

    def finish(self, problems: list[P]) -> tuple[list[P], list[Verdict]]:
        """The problems that stand, and what the registries add."""
        verdicts: list[Verdict] = []
        for noted in self._noted:
            reg = noted.reg
            if isinstance(reg, ModuleRegistry):
                verdicts += self._module(noted, reg)
                continue
            upstream = reg.key(noted.value) in keyed(reg, noted.upstream)
            if not upstream:
                # the schema describes upstream's entries: the keys beside another entry's
                # name are that entry's business (its signature, or its own code)
                problems = [p for p in problems if not beside(p, noted.path)]
            faulted = [p for p in problems
                       if reg.kwargs and about_kwargs(p, noted.path[:-1])]
            if upstream and not faulted:
                continue  # upstream's name, and the schema has nothing to say about it
            from cfglint.repo.names import judge_name

            kept, found = judge_name(self.doc, self.root(), self.trainer, noted, reg, faulted)
            problems = [p for p in problems if p not in faulted or p in kept]
            verdicts += found
        return problems, verdicts

    def _module(self, noted: Noted, reg: ModuleRegistry) -> list[Verdict]:
        from cfglint.repo.modules import judge_module

        found = judge_module(reg, noted.value, self.root())
        if found is None:
            return []
        severity, message = found
        return [Verdict("CFG003", noted.node.span, noted.path,
                        f"`{key_label(noted.path)}` is {noted.value!r}: {message}", severity)]


@cache
def keyed(reg: NameRegistry, names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(reg.key(n) for n in names)


def beside(p: Problem, value_path: KeyPath) -> bool:
    """A problem with a key of the mapping that names an entry at ``value_path`` (not the
    name itself, and never the whole document: a model's options are the whole file)."""
    mapping = tuple(value_path[:-1])
    return (bool(mapping) and len(p.path) > len(mapping)
            and tuple(p.path[:len(mapping)]) == mapping and tuple(p.path) != tuple(value_path))


def about_kwargs(p: Problem, mapping_path: KeyPath) -> bool:
    """An unknown or missing keyword argument of the entry at ``mapping_path``."""
    if p.code == "CFG701":
        return len(p.path) == len(mapping_path) + 1 and tuple(p.path[:-1]) == mapping_path
    return p.code == "CFG002" and p.missing is not None and tuple(p.path) == mapping_path
