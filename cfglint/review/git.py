"""Read-only git: commits, the files a range changes (renames followed), file contents
read from objects (no checkout), and the lines each hunk of a diff adds.

Every call is ``git -C ROOT ...`` with quoting off and no external diff or colour, so
output parses the same on every machine.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

_GIT = ("git", "-c", "core.quotePath=false", "-c", "diff.noprefix=false",
        "-c", "color.ui=never")
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class GitError(RuntimeError):
    """A git command failed; the message is git's own first line."""


@dataclass(frozen=True)
class Change:
    """One file of a diff: ``path`` at head ('' when deleted), ``old_path`` at base ('' when
    added); ``status`` is git's letter (A, M, R, D, C, T)."""

    status: str
    path: str
    old_path: str


@dataclass(frozen=True)
class Hunk:
    """Lines ``start``..``end`` (inclusive, at head) that one hunk adds or replaces."""

    start: int
    end: int


@dataclass
class FileDiff:
    """The hunks of one changed file between base and head."""

    path: str
    hunks: list[Hunk]

    def hunk_of(self, line: int) -> int | None:
        """Index of the hunk that changed ``line`` at head, or None for an unchanged line."""
        for i, h in enumerate(self.hunks):
            if h.start <= line <= h.end:
                return i
        return None

    def changed(self, line: int) -> bool:
        return self.hunk_of(line) is not None


class Repo:
    def __init__(self, root: str) -> None:
        self.root = root

    @classmethod
    def discover(cls, folder: str = ".") -> Repo:
        out = _run([*_GIT, "-C", folder, "rev-parse", "--show-toplevel"])
        return cls(out.decode("utf-8").strip())

    def git(self, *args: str, data: bytes | None = None) -> bytes:
        return _run([*_GIT, "-C", self.root, *args], data)

    def resolve(self, ref: str) -> str:
        """The full commit id of ``ref``."""
        return self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()

    def exists(self, ref: str) -> bool:
        try:
            self.resolve(ref)
        except GitError:
            return False
        return True

    def merge_base(self, a: str, b: str) -> str:
        return self.git("merge-base", a, b).decode().strip()

    def default_base(self) -> str:
        """``$GITHUB_BASE_REF`` (its remote-tracking branch first), else the remote's default
        branch, else main or master."""
        candidates: list[str] = []
        target = os.environ.get("GITHUB_BASE_REF") or os.environ.get(
            "CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
        if target:
            candidates += [f"origin/{target}", target]
        try:
            head = self.git("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").decode()
            candidates.append(head.strip().removeprefix("refs/remotes/"))
        except GitError:
            pass
        candidates += ["origin/main", "origin/master", "main", "master"]
        for ref in candidates:
            if self.exists(ref):
                return ref
        raise GitError("no base given and no default branch found: pass --base REF")

    def changes(self, base: str, head: str) -> list[Change]:
        """Files that differ between two commits, renames followed (a copy is a new file:
        what it says is new in this change)."""
        out = self.git("diff", "--no-ext-diff", "--no-textconv", "--name-status", "-z", "-M",
                       base, head, "--")
        fields = out.decode("utf-8", "surrogateescape").split("\0")
        changes: list[Change] = []
        i = 0
        while i < len(fields) and fields[i]:
            status = fields[i][0]
            if status in "RC":  # a copy (diff.renames=copies) counts as a new file
                changes.append(Change(status, fields[i + 2], fields[i + 1] if status == "R"
                                      else ""))
                i += 3
                continue
            path = fields[i + 1]
            changes.append(Change(status, "" if status == "D" else path,
                                  "" if status == "A" else path))
            i += 2
        return changes

    def blobs(self, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], bytes | None]:
        """Contents of (commit, path) pairs in one ``git cat-file --batch``; None if absent."""
        if not wanted:
            return {}
        request = "".join(f"{commit}:{path}\n" for commit, path in wanted).encode("utf-8")
        out = self.git("cat-file", "--batch", data=request)
        result: dict[tuple[str, str], bytes | None] = {}
        pos = 0
        for item in wanted:
            eol = out.index(b"\n", pos)
            header = out[pos:eol].split(b" ")
            pos = eol + 1
            if len(header) != 3 or header[1] != b"blob":
                result[item] = None
                continue
            size = int(header[2])
            result[item] = out[pos:pos + size]
            pos += size + 1
        return result

    def diff(self, base: str, head: str, changes: list[Change]) -> dict[str, FileDiff]:
        """Per head path, the hunks (at head) of the changes, with no context lines."""
        paths = sorted({p for c in changes for p in (c.path, c.old_path) if p})
        if not paths:
            return {}
        out = self.git("diff", "--no-ext-diff", "--no-textconv", "-U0", "-M", base, head, "--",
                       *paths)
        return parse_diff(out)

    def tree_paths(self, commit: str, names: tuple[str, ...]) -> set[str]:
        """Paths of the files called one of ``names`` anywhere in ``commit``'s tree."""
        out = self.git("ls-tree", "-r", "-z", "--name-only", commit)
        return {p for p in out.decode("utf-8", "surrogateescape").split("\0")
                if p and p.rsplit("/", 1)[-1] in names}


def parse_diff(out: bytes) -> dict[str, FileDiff]:
    """Hunks of a ``git diff -U0`` by head path (files deleted at head are left out)."""
    files: dict[str, FileDiff] = {}
    current: FileDiff | None = None
    for line in out.split(b"\n"):
        if line.startswith(b"diff --git "):
            current = None
        elif line.startswith(b"+++ "):
            name = line[4:]
            current = None if name == b"/dev/null" else FileDiff(_path(name)[2:], [])
            if current is not None:
                files[current.path] = current
        elif current is not None and line.startswith(b"@@"):
            m = _HUNK.match(line)
            if m is None:
                continue
            start = int(m.group(1))
            count = int(m.group(2)) if m.group(2) is not None else 1
            if count > 0:
                current.hunks.append(Hunk(start, start + count - 1))
    return files


def _path(raw: bytes) -> str:
    """A diff header path, unquoted when git wrote it as a C string."""
    raw = raw.rstrip(b"\t")
    if not raw.startswith(b'"'):
        return raw.decode("utf-8", "surrogateescape")
    body = raw[1:-1]
    out = bytearray()
    i = 0
    simple = {b"n": b"\n", b"t": b"\t", b'"': b'"', b"\\": b"\\", b"a": b"\a", b"b": b"\b",
              b"f": b"\f", b"r": b"\r", b"v": b"\v"}
    while i < len(body):
        ch = body[i:i + 1]
        if ch == b"\\" and i + 1 < len(body):
            nxt = body[i + 1:i + 2]
            if nxt.isdigit():
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out += simple.get(nxt, nxt)
            i += 2
            continue
        out += ch
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _run(cmd: list[str], data: bytes | None = None) -> bytes:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    env.pop("GIT_DIR", None)
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, env=env, check=False,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise GitError(f"cannot run git: {err}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(cmd[len(_GIT):][2:5])}: "
                       f"{message[0] if message else f'exit {proc.returncode}'}")
    return proc.stdout
