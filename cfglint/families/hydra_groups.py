"""Recognise a Hydra config-group file by the primary config that selects it.

A group file (``conf/db/mysql.yaml``) usually has no Hydra syntax of its own;
Hydra finds it because a primary config in an ancestor folder names the group
in its ``defaults`` list. Doing the same lookup lets cfglint give such a file
the family of its primary config (``hydra`` or ``sedd``). Only files that
content detection left ``generic`` pay for this, and folders are read once.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

_DEFAULTS = re.compile(r"^defaults\s*:", re.MULTILINE)
MAX_LEVELS = 4


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
        full = os.path.join(folder, name)
        try:
            if os.path.getsize(full) > 256 * 1024:
                continue
            with open(full, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError):
            continue
        if _DEFAULTS.search(text):
            out.append((full, text))
    return tuple(out)


# returned in place of a primary's text when the group is Hydra's own (``hydra/<group>``)
HYDRA_OWN_GROUP = "<hydra's own config group>"


def primary_for_group_file(path: str) -> tuple[str, str] | None:
    """The primary config (path, text) whose defaults list selects this file's group, or
    (folder, HYDRA_OWN_GROUP) for an option of one of Hydra's own groups."""
    p = Path(path).resolve()
    parts = p.parent.parts
    for level in range(1, MAX_LEVELS + 1):
        if level >= len(parts):
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
