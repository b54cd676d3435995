"""Recognise a Hydra config-group file by the primary config that selects it.

A group file (``conf/db/mysql.yaml``) usually has no Hydra syntax of its own;
Hydra finds it because a primary config in an ancestor folder names the group
in its ``defaults`` list. Doing the same lookup lets cfglint give such a file
the family of its primary config (``hydra`` or ``sedd``). Only files that
content detection left ``generic`` pay for this, and folders are read once.

The lookup reads files the user did not name, so it is bounded: only regular files (never a
FIFO, a device or a symlink to one), at most MAX_PRIMARY_BYTES of each, and only folders
inside the project: the git work tree, else the closest folder with a cfglint settings file;
a file in neither looks at most MAX_LEVELS folders up.
"""

from __future__ import annotations

import os
import re
import stat
from functools import lru_cache
from pathlib import Path

from cfglint.project import project_root

_DEFAULTS = re.compile(r"^defaults\s*:", re.MULTILINE)
MAX_LEVELS = 4
MAX_PRIMARY_BYTES = 256 * 1024


@lru_cache(maxsize=256)
def _primaries(folder: str) -> tuple[tuple[str, str], ...]:
    """(path, text) of YAML files in ``folder`` that have a top-level defaults list."""
    out: list[tuple[str, str]] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return ()
    for name in names:
        if not name.endswith((".yaml", ".yml")):
            continue
        text = _read_small(os.path.join(folder, name))
        if text is not None and _DEFAULTS.search(text):
            out.append((os.path.join(folder, name), text))
    return tuple(out)


def _read_small(path: str) -> str | None:
    """A regular file's text, if it is at most MAX_PRIMARY_BYTES of UTF-8 (else None)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)  # the file opened, not the name: a FIFO or device is refused here
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_PRIMARY_BYTES:
            return None
        data = os.read(fd, MAX_PRIMARY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_PRIMARY_BYTES:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


# returned in place of a primary's text when the group is Hydra's own (``hydra/<group>``)
HYDRA_OWN_GROUP = "<hydra's own config group>"


def primary_for_group_file(path: str) -> tuple[str, str] | None:
    """The primary config (path, text) whose defaults list selects this file's group, or
    (folder, HYDRA_OWN_GROUP) for an option of one of Hydra's own groups."""
    p = Path(path).resolve()
    parts = p.parent.parts
    root = project_root(str(p.parent))
    top = len(Path(root).parts) if root is not None else 0
    for level in range(1, MAX_LEVELS + 1):
        if level >= len(parts) or len(parts) - level < top:
            break
        ancestor = str(Path(*parts[: len(parts) - level]))
        group = "/".join(parts[len(parts) - level :])
        first = group.split("/")[0]
        if first == "hydra":
            return (ancestor, HYDRA_OWN_GROUP)
        pattern = re.compile(rf"^\s*-\s*(?:override\s+|optional\s+)*/?(?:{re.escape(group)}|"
                             rf"{re.escape(first)})\s*(?:@[^:]*)?:", re.MULTILINE)
        for full, text in _primaries(ancestor):
            if full == str(p):
                continue
            if pattern.search(text):
                return (full, text)
    return None
