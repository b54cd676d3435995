"""Where the packaged ``schemas/`` and ``rules/`` folders are at run time.

In a source checkout or an editable install they are the top-level folders of
the repository; in an installed wheel they ship as ``cfglint/_data/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cfglint's {name}/ folder is missing from this installation")


def schemas_dir() -> Path:
    return data_dir("schemas")


def rules_dir() -> Path:
    return data_dir("rules")
