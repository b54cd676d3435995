"""The rule cache: a run reads the rule files' parsed form from one cache file, made again
when a rule file changes, and the cache folder keeps only the newest caches."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from cfglint.engine import catalog

USER_RULE = """\
code: CFG{code}
name: user-rule-{code}
severity: info
summary: {summary}
when: "lr > 1"
"""


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CFGLINT_CACHE_DIR", str(folder))
    monkeypatch.delenv("CFGLINT_NO_CACHE", raising=False)
    return folder


def _user_rules(tmp_path: Path, summary: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "CFG9990-user.yaml").write_text(USER_RULE.format(code="9990", summary=summary),
                                              encoding="utf-8")
    return folder


def test_a_second_load_reads_the_cache_not_the_rule_files(
        cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = catalog.load_rules()
    assert len(list(cache_dir.glob("rules-*.json"))) == 1

    def unreadable(path: Path) -> dict[str, Any]:
        raise AssertionError(f"{path} was parsed again")

    monkeypatch.setattr(catalog, "_parse_rule_file", unreadable)
    assert catalog.load_rules() == first


def test_a_changed_rule_file_is_read_again(cache_dir: Path, tmp_path: Path) -> None:
    folder = _user_rules(tmp_path, "first wording")
    assert catalog.load_rules([folder])["CFG9990"].summary == "first wording"
    rule = folder / "CFG9990-user.yaml"
    rule.write_text(USER_RULE.format(code="9990", summary="second wording, longer"),
                    encoding="utf-8")
    os.utime(rule, ns=(rule.stat().st_atime_ns, rule.stat().st_mtime_ns + 10**9))
    assert catalog.load_rules([folder])["CFG9990"].summary == "second wording, longer"


def test_the_cache_folder_keeps_only_the_newest_caches(cache_dir: Path) -> None:
    cache_dir.mkdir()
    for i in range(catalog.MAX_CACHE_FILES + 9):
        stale = cache_dir / f"rules-stale{i:04d}.json"
        stale.write_text("[]", encoding="utf-8")
        os.utime(stale, (1_000_000 + i, 1_000_000 + i))
    other = cache_dir / "not-a-rule-cache.json"
    other.write_text("{}", encoding="utf-8")
    catalog.load_rules()
    left = sorted(p.name for p in cache_dir.glob("rules-*.json"))
    assert len(left) == catalog.MAX_CACHE_FILES
    fresh = [n for n in left if not n.startswith("rules-stale")]
    assert len(fresh) == 1  # the cache just written is kept
    newest_stale = [f"rules-stale{i:04d}.json" for i in
                    range(catalog.MAX_CACHE_FILES + 9 - (catalog.MAX_CACHE_FILES - 1),
                          catalog.MAX_CACHE_FILES + 9)]
    assert sorted(n for n in left if n.startswith("rules-stale")) == newest_stale
    assert other.exists()


def test_an_unreadable_cache_is_rebuilt(cache_dir: Path) -> None:
    rules = catalog.load_rules()
    (cache,) = cache_dir.glob("rules-*.json")
    cache.write_text("{not json", encoding="utf-8")
    assert catalog.load_rules() == rules
