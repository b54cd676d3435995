"""Write a fixed file so that nothing is lost: the user's concurrent edit, the file's owner,
group and mode, its other hard links, and the file itself when anything goes wrong.

* The file must still hold exactly the bytes that were linted (re-read just before the
  rename): an edit saved meanwhile (editor autosave, another pre-commit hook) wins, and the
  file is skipped (``WriteRefused``).
* A read-only file (no write bit) or one the user may not write is skipped, never replaced.
* Normally a temp file in the same folder is renamed over the target (atomic), with the
  target's mode, owner and group. A file with several hard links, or whose owner cannot be
  kept, is written in place instead, so every link sees the fix and the inode keeps its
  owner; the original bytes are put back if that write fails.
* Symlinks are followed to their target (a walk does not fix links that leave the folder it
  walks: ``outside``).
"""

from __future__ import annotations

import os
import stat
import tempfile

from cfglint.fix import encode


class WriteRefused(Exception):
    """The file was not written, for a reason the user must see (a finding)."""


def outside(path: str, root: str) -> bool:
    """Whether ``path`` (through its symlinks) lies outside the folder ``root``."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([real, base]) != base


def _check_writable(target: str, st: os.stat_result) -> None:
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteRefused("the file is read-only (no write permission bit)")
    if not os.access(target, os.W_OK):
        raise WriteRefused("you may not write this file")


def write_atomic(path: str, text: str, bom: bool = False, expected: bytes | None = None) -> bool:
    """Write ``text`` over ``path``; False when the bytes would not change.

    ``expected``: the bytes that were linted; the file must still hold them. Raises
    WriteRefused (the file is left as it was) or OSError (disk full, ...; likewise).
    """
    target = os.path.realpath(path)
    data = encode(text, bom)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        if expected is not None:
            raise WriteRefused("the file was removed while cfglint was fixing it") from None
        return _replace(target, data, None)
    with open(target, "rb") as fh:
        current = fh.read()
    if current == data:
        return False
    if expected is not None and current != expected:
        raise WriteRefused("the file changed on disk while cfglint was fixing it; nothing was "
                           "written: run cfglint again")
    _check_writable(target, st)
    if st.st_nlink > 1 or not _can_keep_owner(st):
        _in_place(target, data, current)
        return True
    return _replace(target, data, st, expected)


def _can_keep_owner(st: os.stat_result) -> bool:
    """A new file is ours: only root (or the owner, for a group it belongs to) can give it
    the original owner and group."""
    if not hasattr(os, "geteuid"):  # pragma: no cover - Windows: no owners to keep
        return True
    uid = os.geteuid()
    return uid == 0 or (st.st_uid == uid and st.st_gid in (os.getegid(), *os.getgroups()))


def _replace(target: str, data: bytes, st: os.stat_result | None,
             expected: bytes | None = None) -> bool:
    folder = os.path.dirname(target) or "."
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteRefused("you may not create files in its folder (needed for an atomic "
                           "write)")
    fd, tmp = tempfile.mkstemp(prefix=".cfglint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if (st.st_uid, st.st_gid) != _owner(tmp):
                os.chown(tmp, st.st_uid, st.st_gid)
            _still(target, expected)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def _owner(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_uid, st.st_gid


def _still(target: str, expected: bytes | None) -> None:
    """The last look before the rename: the file still holds what was linted."""
    if expected is None:
        return
    with open(target, "rb") as fh:
        if fh.read() != expected:
            raise WriteRefused("the file changed on disk while cfglint was fixing it; nothing "
                               "was written: run cfglint again")


def _in_place(target: str, data: bytes, original: bytes) -> None:
    """Overwrite the inode itself (hard links, owner kept); restore it if the write fails."""
    with open(target, "r+b") as fh:
        try:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
        except BaseException:
            fh.seek(0)
            fh.write(original)
            fh.truncate()
            fh.flush()
            raise
