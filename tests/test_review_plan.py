"""The review plan of a real change: the DESIGN §4 contract, new/fixed/existing by a
fingerprint that ignores line numbers, renames followed, settings as at head, anchoring,
suggestions that give exactly what ``cfglint --fix`` writes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from review_scenario import BASICSR, KOHYA, Scenario, scenario

from cfglint.cli import main
from cfglint.review.build import ReviewOptions

PLAN_KEYS = {"base", "head", "new", "fixed", "existing", "comments", "resolve", "summary"}
COMMENT_KEYS = {"path", "line", "start_line", "side", "body", "fingerprint", "code"}
HEX40 = re.compile(r"^[0-9a-f]{40}$")
FP = re.compile(r"^[0-9a-f]{32}(:\d+)?$")


@pytest.fixture
def s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scenario:
    return scenario(tmp_path, monkeypatch)


def _plan(s: Scenario, **kwargs: object) -> dict:  # type: ignore[type-arg]
    result = s.review(dry_run=True, fmt="json", **kwargs)  # type: ignore[arg-type]
    return json.loads(result.stdout)


def _warmup_change(s: Scenario) -> None:
    s.start({"train/lora.toml": KOHYA.format(steps=2000),
             "sr/train.yml": BASICSR.format(lr="2.0e-4", wd="0")})
    s.push({"train/lora.toml": KOHYA.format(steps=1000),
            "sr/train.yml": BASICSR.format(lr="2e-4", wd="0")})


def test_dry_run_json_follows_the_design_contract(s: Scenario,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _warmup_change(s)
    monkeypatch.chdir(s.repo.path)
    result = CliRunner().invoke(main, ["review", "--base", "main", "--dry-run", "--format",
                                       "json"])
    assert result.exit_code == 1, result.output
    plan = json.loads(result.output)
    assert set(plan) == PLAN_KEYS
    assert HEX40.match(plan["base"]) and HEX40.match(plan["head"])
    assert plan["head"] == s.repo.git("rev-parse", "HEAD")
    assert all(isinstance(plan[k], int) for k in ("new", "fixed", "existing"))
    assert plan["new"] == 2 and plan["fixed"] == 0
    assert isinstance(plan["summary"], str) and "**2 new**" in plan["summary"]
    assert plan["resolve"] == []
    for c in plan["comments"]:
        assert set(c) == COMMENT_KEYS
        assert c["side"] == "RIGHT" and FP.match(c["fingerprint"])
        assert c["start_line"] is None or c["start_line"] < c["line"]
        assert f"cfglint:fp={c['fingerprint']}" in c["body"]
    assert sorted(c["code"] for c in plan["comments"]) == ["CFG302", "CFG705"]


def test_fingerprints_do_not_depend_on_line_numbers(s: Scenario) -> None:
    _warmup_change(s)
    before = _plan(s)
    s.push({"sr/train.yml": "# moved\n# down\n" + s.repo.read("sr/train.yml"),
            "train/lora.toml": "# moved down\n" + s.repo.read("train/lora.toml")})
    after = _plan(s)
    assert ({c["fingerprint"] for c in after["comments"]}
            == {c["fingerprint"] for c in before["comments"]})
    assert {c["line"] for c in after["comments"]} != {c["line"] for c in before["comments"]}


def test_a_renamed_file_keeps_its_findings_as_existing(s: Scenario) -> None:
    s.start({"sr/old.yml": BASICSR.format(lr="2e-4", wd="1e-2")})
    s.repo.move("sr/old.yml", "sr/renamed.yml")
    s.push({})
    plan = _plan(s)
    assert (plan["new"], plan["fixed"], plan["existing"]) == (0, 0, 2)


def test_a_deleted_file_counts_its_findings_as_fixed(s: Scenario) -> None:
    s.start({"sr/gone.yml": BASICSR.format(lr="2e-4", wd="0"), "keep.txt": "x"})
    s.push({"sr/gone.yml": None})
    plan = _plan(s)
    assert (plan["new"], plan["fixed"]) == (0, 1)
    assert len(plan["resolve"]) == 1


def test_settings_are_read_as_at_head_for_both_sides(s: Scenario) -> None:
    s.start({"sr/train.yml": BASICSR.format(lr="2e-4", wd="0")})
    s.push({"cfglint.toml": 'ignore = ["CFG705"]\n',
            "sr/train.yml": BASICSR.format(lr="2e-4", wd="1e-2")})
    plan = _plan(s)
    assert sorted(c["code"] for c in plan["comments"]) == ["CFG002"]
    assert plan["fixed"] == 0  # the base is linted with head's settings too


def test_files_excluded_at_head_are_not_reviewed(s: Scenario) -> None:
    s.start({"cfglint.toml": 'exclude = ["runs/"]\n'})
    s.push({"runs/out.yml": BASICSR.format(lr="2e-4", wd="1e-2"),
            "sr/train.yml": BASICSR.format(lr="2e-4", wd="0")})
    plan = _plan(s)
    assert {c["path"] for c in plan["comments"]} == {"sr/train.yml"}


def test_a_new_finding_on_untouched_lines_goes_to_the_summary_only(s: Scenario) -> None:
    s.start({"train/lora.toml": KOHYA.format(steps=2000)})
    s.push({"train/lora.toml": KOHYA.format(steps=2000).replace("network_alpha = 8\n", "")})
    plan = _plan(s)  # alpha now defaults to 1: CFG202 on the unchanged network_dim line
    assert plan["new"] == 1 and plan["comments"] == []
    assert "CFG202" in plan["summary"] and "summary only" in plan["summary"]


def test_a_multi_line_finding_is_commented_on_its_changed_lines(s: Scenario) -> None:
    sr = ("name: sr\nmodel_type: SRModel\nnetwork_g:\n  type: RRDBNet\n  num_in_ch: 3\n"
          "  num_out_ch: 3\ntrain:\n  optim_g:\n    type: Adam\n    lr: 2.0e-4\n"
          "  scheduler:\n    type: CosineAnnealingRestartLR\n    periods:\n{periods}"
          "  total_iter: 1000\n")
    s.start({"sr/train.yml": sr.format(periods="      - 500\n      - 500\n")})
    s.push({"sr/train.yml": sr.format(periods="      - 300\n      - 300\n")})
    [comment] = _plan(s)["comments"]
    assert comment["code"] == "CFG307"
    assert (comment["start_line"], comment["line"]) == (14, 15)


def test_text_format_is_for_a_person(s: Scenario) -> None:
    _warmup_change(s)
    text = s.review(dry_run=True, fmt="text").stdout
    assert text.startswith("cfglint review ")
    assert "train/lora.toml:8  CFG302 [warning]" in text
    assert "[suggestion]" in text
    assert "<!--" not in text


def test_existing_findings_are_listed_only_when_asked(s: Scenario) -> None:
    s.start({"sr/train.yml": BASICSR.format(lr="2e-4", wd="0")})
    s.push({"sr/train.yml": BASICSR.format(lr="2e-4", wd="0") + "  ema_decay: 0.999\n"})
    quiet = _plan(s)["summary"]
    shown = _plan(s, options=ReviewOptions(base="main", show_existing=True))["summary"]
    assert "--show-existing" in quiet and "CFG705" not in quiet.split("|---|")[-1]
    assert "Already there before this change" in shown and "CFG705" in shown


def test_probe_results_appear_in_the_summary(s: Scenario, tmp_path: Path) -> None:
    _warmup_change(s)
    report = {"verdict": "WARN", "margin": 3.0, "checks": [
        {"code": "P901", "status": "PASS", "name": "finite"},
        {"code": "P909", "status": "WARN", "name": "margin"}]}
    probe = tmp_path / "probe.json"
    probe.write_text(json.dumps({"train/lora.toml": report}), encoding="utf-8")
    plan = _plan(s, options=ReviewOptions(base="main", probe_results=[str(probe)]))
    assert "| `train/lora.toml` | WARN | 3× | P909 WARN |" in plan["summary"]


def test_only_new_findings_at_the_fail_level_fail_the_run(s: Scenario) -> None:
    _warmup_change(s)
    assert s.review(dry_run=True).code == 1
    options = ReviewOptions(base="main", fail_on="error", run_options=_select("CFG302"))
    assert s.review(dry_run=True, options=options).code == 0


def _select(code: str):  # type: ignore[no-untyped-def]
    from cfglint.pipeline import RunOptions

    return RunOptions(select=[code])


def test_unsafe_fixes_become_suggestions_only_when_asked(s: Scenario) -> None:
    s.start({"train/lora.toml": KOHYA.format(steps=2000)})
    s.push({"train/lora.toml": KOHYA.format(steps=2000).replace("max_train_steps",
                                                                "max_train_step")})
    safe_only = _plan(s)
    unsafe = _plan(s, options=ReviewOptions(base="main", unsafe=True))

    def body(plan: dict) -> str:  # type: ignore[type-arg]
        return next(c["body"] for c in plan["comments"] if c["code"] == "CFG701")

    assert "```suggestion\nmax_train_steps = 2000\n```" in body(unsafe)
    assert "```suggestion" not in body(safe_only)
    assert "cfglint --fix --unsafe-fixes train/lora.toml" in body(safe_only)


def _apply_suggestions(text: str, comments: list[dict]) -> str:  # type: ignore[type-arg]
    """What GitHub's "Commit suggestion" does for each comment, bottom-up."""
    lines = text.split("\n")
    for c in sorted(comments, key=lambda c: -c["line"]):
        m = re.search(r"^(`{3,})suggestion\n(.*?)\n\1$", c["body"], re.S | re.M)
        if m is None:
            continue
        first = (c["start_line"] or c["line"]) - 1
        lines[first:c["line"]] = m.group(2).split("\n")
    return "\n".join(lines)


def test_applying_every_suggestion_gives_what_cfglint_fix_writes(s: Scenario,
                                                                 tmp_path: Path) -> None:
    text = ("name: sr\nmodel_type: SRModel\nnetwork_g:\n  type: RRDBNet\n  num_in_ch: 3\n"
            "  num_out_ch: 3\ntrain:\n  optim_g:\n    type: Adam\n    lr: 2e-4\n"
            "    weight_decay: 1e-2\n    betas: [0.9, 0.99]\n    eps: 1e-8\n"
            "  total_iter: 4e5\n  warmup_iter: -1  # none\n")
    s.start({"README.md": "x\n"})
    s.push({"sr/train.yml": text})
    plan = _plan(s)
    suggested = _apply_suggestions(text, [c for c in plan["comments"]
                                          if c["path"] == "sr/train.yml"])
    copy = tmp_path / "fixme" / "train.yml"
    copy.parent.mkdir()
    shutil.copy(s.repo.path / "sr/train.yml", copy)
    subprocess.run([sys.executable, "-m", "cfglint", "--fix", str(copy)], capture_output=True,
                   check=False)
    assert suggested != text
    assert suggested == copy.read_text(encoding="utf-8")
