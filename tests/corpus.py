"""Locating the shared corpus of real configs (never copied into the project)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from cfglint.findings import FileResult
from cfglint.runner import Job, run_many

_HERE = Path(__file__).resolve().parent


def corpus_root() -> Path | None:
    env = os.environ.get("CFGLINT_CORPUS")
    candidates = [Path(env)] if env else []
    candidates += [_HERE.parent.parent / "shared" / "corpus"]
    for c in candidates:
        if (c / "MANIFEST.tsv").is_file():
            return c
    return None


def require_corpus() -> Path:
    root = corpus_root()
    if root is None:
        pytest.skip("corpus not found: set CFGLINT_CORPUS or place it at ../shared/corpus")
    return root


def manifest() -> list[dict[str, str]]:
    root = require_corpus()
    with open(root / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def corpus_files() -> list[Path]:
    root = require_corpus()
    return [root / row["corpus_path"] for row in manifest()]


def lint_relative(root: Path, paths: list[str]) -> list[FileResult]:
    """cfglint on corpus files, run from the corpus root so that results name the paths
    relative to it, as the reviewed lists do."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return run_many([Job(p) for p in paths])
    finally:
        os.chdir(cwd)
