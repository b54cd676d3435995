"""Where the packaged ``schemas/`` and ``rules/`` folders are at run time.

In a source checkout or an editable install they are the top-level folders of
the repository; in an installed wheel they ship as ``cfglint/_data/``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

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


@cache
def schema_json(name: str) -> Any:
    """``schemas/<name>.schema.json`` parsed, or None when there is no such file. Parsed
    once per run: detection (top-level keys) and validation read the same file, and the
    result is shared, so callers must not change it."""
    path = schemas_dir() / f"{name}.schema.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
