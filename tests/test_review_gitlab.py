"""``cfglint review --post gitlab`` against a fake GitLab: discussions on changed lines
with GitLab's suggestion syntax, a sticky summary note, no discussion twice, fixed
ones replied to and resolved, and a clear message when the token may not write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_forge import READ_ONLY_TOKEN
from fake_gitlab import FakeGitLab
from review_scenario import BASICSR, KOHYA, Scenario, scenario


@pytest.fixture
def mr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Scenario, FakeGitLab]]:
    s = scenario(tmp_path, monkeypatch)
    gl = FakeGitLab(s.repo.path)
    s.env = gl.env()
    yield s, gl
    gl.close()


def _first_push(s: Scenario, gl: FakeGitLab) -> None:
    base = s.start({"train/lora.toml": KOHYA.format(steps=2000),
                    "sr/train.yml": BASICSR.format(lr="2.0e-4", wd="0")})
    head = s.push({"train/lora.toml": KOHYA.format(steps=1000),
                   "sr/train.yml": BASICSR.format(lr="2e-4", wd="1e-2")})
    gl.push(base, head)


def test_first_push_opens_a_discussion_per_new_finding_and_one_summary_note(mr) -> None:
    s, gl = mr
    _first_push(s, gl)
    result = s.review("gitlab")
    assert len(gl.threads()) == 3
    assert len(gl.summaries()) == 1
    bodies = [d["notes"][0]["body"] for d in gl.threads()]
    assert sum("```suggestion:-0+0\n" in b for b in bodies) == 2  # the two safe fixes
    assert not any("```suggestion\n" in b for b in bodies)
    assert result.code == 1


def test_a_push_that_fixes_a_finding_resolves_its_discussion_and_posts_nothing_twice(
        mr) -> None:
    s, gl = mr
    _first_push(s, gl)
    s.review("gitlab")
    fixed = s.push({"sr/train.yml": BASICSR.format(lr="2e-4", wd="1.0e-2")})
    gl.push(gl.base, fixed)
    s.review("gitlab")
    s.review("gitlab")
    assert len(gl.threads()) == 3
    resolved = [d for d in gl.threads() if d["notes"][0]["resolved"]]
    assert len(resolved) == 1
    assert all(len(d["notes"]) == 2 and d["notes"][1]["body"].startswith("Fixed in ")
               for d in resolved)
    assert len(gl.summaries()) == 1 and "**2 new**" in gl.summaries()[0]["body"]


def test_a_rebase_keeps_the_dedupe(mr) -> None:
    s, gl = mr
    _first_push(s, gl)
    s.review("gitlab")
    s.repo.checkout("main")
    s.repo.write("README.md", "docs\n")
    new_base = s.repo.commit("main moves on")
    s.repo.checkout("feature")
    s.repo.git("rebase", "-q", "main")
    gl.push(new_base, s.repo.git("rev-parse", "HEAD"))
    s.review("gitlab")
    assert len(gl.threads()) == 3 and len(set(gl.fingerprints())) == 3


def test_a_token_that_may_not_write_says_so_and_posts_nothing(mr) -> None:
    s, gl = mr
    _first_push(s, gl)
    result = s.review("gitlab", env={"GITLAB_TOKEN": READ_ONLY_TOKEN})
    assert gl.discussions == []
    assert any("cannot write to the merge request (HTTP 403" in line for line in result.log)
    assert result.code == 1
