"""Findings that hold only against upstream's code, revised for forks.

traiNNer-redux forks add fields to its strict option structs, SEDD forks add noise schedules
and samplers, BasicSR forks change a loss's arguments: a key or name upstream rejects may be
exactly what the fork that runs the file reads. So:

1. When the config's repository has the trainer's code, that code decides: a key the fork's
   option structs declare, or a name its dispatching function handles, is no problem; one
   the fork's code lacks too stands, saying so.
2. When it does not (a config kept apart from its code), a key or name upstream rejects
   keeps its severity if nothing else in the file suggests a fork, so a user of upstream
   still hears about a typo. When the file also has other keys or names upstream lacks, as
   a fork's files do, it is information: upstream rejects it, a fork that adds it reads it.
   A slip of one keystroke from something upstream reads is a typo, never a fork's: it
   keeps its severity and is never evidence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import islice

from cfglint.repo.declare import (
    Dispatch,
    ForkPoints,
    NameRegistry,
    OpenRegistry,
    OptionStructs,
    registry_at,
)
from cfglint.repo.index import RepoIndex, index_for
from cfglint.repo.root import RepoRoot, repo_root
from cfglint.repo.structs import StructSet, read_structs
from cfglint.repo.verdict import R
from cfglint.source.document import Document, KeyPath, format_path

_SHOWN = 3  # other fork signs named in a message
_FORK_SIGNS = 2  # other unknown keys that make an ignored key's message mention forks


@dataclass(frozen=True)
class Sign:
    """Something in the file that upstream lacks: a key, or a name (with its value)."""

    path: KeyPath
    value: str | None = None

    def shown(self) -> str:
        where = format_path(self.path)
        return f"`{where}: {self.value}`" if self.value is not None else f"`{where}`"


class Signs:
    """The signs of a fork in a file, and for a problem those at other places: a generated
    file has thousands, and a pass over all of them per problem took seconds."""

    def __init__(self, signs: list[Sign]) -> None:
        self.signs = signs
        self.at_path = Counter(s.path for s in signs)

    def others(self, path: KeyPath) -> int:
        """How many signs are not at ``path``."""
        return len(self.signs) - self.at_path[path]

    def shown(self, path: KeyPath) -> str:
        """The first signs not at ``path``, as a message lists them."""
        first = islice((s for s in self.signs if s.path != path), _SHOWN)
        return ", ".join(s.shown() for s in first) + (
            ", …" if self.others(path) > _SHOWN else "")


@dataclass(frozen=True)
class Context:
    """What the schema engine knows besides its problems: keys of open sections upstream
    does not read, names of open registries upstream does not register (each with whether
    it is a slip of an upstream one), and the registries the family declares."""

    unread_keys: tuple[tuple[KeyPath, bool], ...] = ()
    unlisted_names: tuple[tuple[KeyPath, str, bool], ...] = ()
    registries: tuple[OpenRegistry, ...] = ()


def revise(doc: Document, points: ForkPoints, errs: list[R], ctx: Context) -> list[R]:
    """The problems that stand once forks are taken into account (some now information)."""
    mine = [e for e in errs if _upstream_only(e, points)]
    ignored = [e for e in errs if e.upstream is not None and e.upstream.kind == "ignored"]
    signs = Signs(_signs([*mine, *ignored], ctx))
    _note_ignored(points, ignored, signs)
    if not mine:
        return errs
    root = repo_root(doc.path)
    index = index_for(root) if root is not None else None
    dropped: set[int] = set()
    for e in mine:
        judged = _judge_with_code(points, e, index, ctx)
        if judged is True:
            dropped.add(id(e))
        elif judged is None:
            _weigh(points, e, signs, root, index)
    return [e for e in errs if id(e) not in dropped]


def _note_ignored(points: ForkPoints, ignored: list[R], signs: Signs) -> None:
    """A key upstream drops unread keeps its severity: a user of upstream must hear that it
    does nothing. Where the file shows a fork (at least ``_FORK_SIGNS`` other things upstream
    lacks), the message also says that a fork which adds the key reads it."""
    for e in ignored:
        assert e.upstream is not None
        others = signs.others(e.path)
        if e.upstream.slip or others < _FORK_SIGNS:
            continue
        shown = signs.shown(e.path)
        e.message += (f"; that is true of upstream {points.trainer}, but a fork that adds the "
                      "key reads it, and this file has more that upstream lacks, as a fork's "
                      f"files do: {shown}")


def _upstream_only(e: R, points: ForkPoints) -> bool:
    if e.upstream is None or e.upstream.kind == "ignored":
        return False
    if e.upstream.kind == "type":
        return points.types
    return e.upstream.kind == "key" or points.dispatch_at(e.path) is not None


def _signs(mine: list[R], ctx: Context) -> list[Sign]:
    """Everything in the file upstream lacks that is not a slip, in file order of finding:
    keys it rejects or drops unread, names it does not handle."""
    out: list[Sign] = []
    for e in mine:
        assert e.upstream is not None
        if not e.upstream.slip and e.upstream.kind != "type":  # a wrong type is no fork sign
            out.append(Sign(e.path) if e.upstream.kind in ("key", "ignored")
                       else Sign(e.path, e.upstream.name))
    out += [Sign(path, value) for path, value, slip in ctx.unlisted_names if not slip]
    out += [Sign(path) for path, slip in ctx.unread_keys if not slip]
    return out


def _judge_with_code(points: ForkPoints, e: R, index: RepoIndex | None,
                     ctx: Context) -> bool | None:
    """True: the repository's code accepts it (drop it); False: that code rejects it too
    (it stands); None: the repository has no code that decides."""
    assert e.upstream is not None
    if index is None or not index.files or e.upstream.kind == "type":
        return None
    if e.upstream.kind == "choice":
        dispatch = points.dispatch_at(e.path)
        assert dispatch is not None
        return _by_dispatch(e, dispatch, index)
    structs = _structs(index, points.structs) if points.structs is not None else None
    verdict = structs.accepts(e.path) if structs is not None else None
    if verdict is False and structs is not None:
        e.message += f"; {structs.file.as_posix()} in this repository has no such field either"
    if verdict is None and _argument(e.path, ctx):
        return False  # the registry check read the repository for this class's signature
    return verdict


def _argument(path: KeyPath, ctx: Context) -> bool:
    """A keyword argument of a registered class (the mapping names it with `type`)."""
    reg = registry_at(ctx.registries, (*path[:-1], "type"))
    return isinstance(reg, NameRegistry) and reg.kwargs


def _by_dispatch(e: R, dispatch: Dispatch, index: RepoIndex) -> bool | None:
    from cfglint.repo.dispatch import handled

    found = handled(index, dispatch)
    if found is None:
        return None
    assert e.upstream is not None
    if e.upstream.name in found.names:
        return True
    rel, line = found.where[0]
    e.message += (f"; this repository's code ({rel.as_posix()}:{line}) does not handle it "
                  "either")
    return False


def _structs(index: RepoIndex, decl: OptionStructs) -> StructSet | None:
    """The repository's own copy of the option structs (the one at upstream's path first)."""
    found = index.extra(("structs", decl), lambda: _read_structs(index, decl))
    return found if isinstance(found, StructSet) else None


def _read_structs(index: RepoIndex, decl: OptionStructs) -> StructSet | None:
    upstream_path = decl.source.split(":", 1)[-1]
    candidates = sorted((rel for rel in index.files if rel.name == decl.module),
                        key=lambda rel: (rel.as_posix() != upstream_path, len(rel.parts), rel))
    for rel in candidates:
        text = index.text(rel)
        found = read_structs(text, rel, decl.root) if text is not None else None
        if found is not None:
            return found
    return None


def _weigh(points: ForkPoints, e: R, signs: Signs, root: RepoRoot | None,
           index: RepoIndex | None) -> None:
    """Without the trainer's code: information when the file shows a fork, else as it is."""
    assert e.upstream is not None
    if e.upstream.slip:
        return
    if not signs.others(e.path):
        return
    shown = signs.shown(e.path)
    trainer = points.trainer
    if e.upstream.kind == "key":
        head = (f"`{e.upstream.name}` is not a key upstream {trainer} accepts "
                f"{e.upstream.where} (upstream rejects the file)")
    elif e.upstream.kind == "type":
        head = (f"`{format_path(e.path)}` is {e.upstream.name}, which upstream {trainer} "
                "passes on unconverted and cannot use")
    else:
        dispatch = points.dispatch_at(e.path)
        lookup = f" ({dispatch.lookup})" if dispatch is not None and dispatch.lookup else ""
        head = (f"`{format_path(e.path)}` is {e.upstream.name!r}, which upstream {trainer} "
                f"does not handle{lookup}")
    reads = "a fork's own code may convert it" if e.upstream.kind == "type" else (
        "a fork that adds it reads it")
    e.message = (f"{head}, but {reads}, and this file has more that "
                 f"upstream lacks, as a fork's files do: {shown}; "
                 f"{_looked(points, e.path, root, index)}")
    e.severity = "info"
    e.fix = None


def _looked(points: ForkPoints, path: KeyPath, root: RepoRoot | None,
            index: RepoIndex | None) -> str:
    """Where cfglint looked for the fork's code, and how to let it find it."""
    if root is None:
        return ("cfglint could not look for the fork's code (the config was not read from a "
                "file)")
    dispatch = points.dispatch_at(path)
    if dispatch is not None:
        what = " or ".join(f"`{n}`" for n in (*dispatch.functions, *dispatch.decorators)
                           ) or "Python code"
    elif points.structs is not None and index is not None and index.files:
        what = points.structs.module
    else:
        what = "Python code"
    return (f"cfglint found no {what} under {root.describe()} to check it against, so lint "
            "the config inside the fork's repository")
