"""A team's own rule folder: rules over canonical facts, in the built-in format."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import no_traceback, run_cfglint, run_json

TEAM_RULE = """\
code: TEAM001
name: team-lr-cap
severity: warning
summary: our runs keep the effective LR of 8-bit Adam at or below a team cap
when: optimizer.is_8bit and effective_lr > cap
params: {cap: 1.0e-4}
message: "effective LR {effective_lr:.2g} on {optimizer.name} is above our cap {cap:.2g}"
at: lr
fix: {safety: suggest, set: {lr: "cap / lora_scale"}, title: "set lr to {cap / lora_scale:.2g}"}
why: Our own measurements on our data; see the team wiki.
references: [team wiki]
examples:
  - family: kohya
    format: toml
    config: |
      optimizer_type = "AdamW8bit"
      learning_rate = 2e-4
    expect: [TEAM001]
"""

KOHYA = """\
pretrained_model_name_or_path = "model.safetensors"
network_module = "networks.lora"
optimizer_type = "AdamW8bit"
learning_rate = 2e-4
network_dim = 16
network_alpha = 16
"""


def _setup(tmp: Path, rule: str) -> None:
    (tmp / "lint").mkdir()
    (tmp / "lint" / "TEAM001-team-lr-cap.yaml").write_text(rule, encoding="utf-8")
    (tmp / "cfglint.toml").write_text('rule-folders = ["lint"]\n', encoding="utf-8")
    (tmp / "train.toml").write_text(KOHYA, encoding="utf-8")


def test_user_rule_over_facts_fires_with_computed_numbers_and_a_suggested_fix(tmp_path: Path
                                                                             ) -> None:
    _setup(tmp_path, TEAM_RULE)
    rc, findings = run_json("--select", "TEAM001", "train.toml", cwd=tmp_path)
    assert rc == 1
    (f,) = findings
    # effective LR = 2e-4 × alpha/rank (16/16) = 2e-4, above the cap of 1e-4
    assert (f["code"], f["line"], f["key"]) == ("TEAM001", 4, "learning_rate")
    assert f["message"] == "effective LR 0.0002 on adamw8bit is above our cap 0.0001"
    assert f["fix"]["safety"] == "suggest"
    assert f["fix"]["message"] == "set lr to 0.0001"
    assert f["fix"]["edits"][0]["content"] == "0.0001"


def test_user_rule_stays_silent_below_the_cap(tmp_path: Path) -> None:
    _setup(tmp_path, TEAM_RULE.replace("cap: 1.0e-4", "cap: 5.0e-4"))  # 2e-4 is below
    rc, findings = run_json("--select", "TEAM001", "train.toml", cwd=tmp_path)
    assert (rc, findings) == (0, [])


def test_a_broken_user_rule_is_a_clear_error_naming_the_file(tmp_path: Path) -> None:
    _setup(tmp_path, TEAM_RULE.replace("effective_lr > cap", "effective_lr > __import__('os')"))
    proc = run_cfglint("train.toml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "TEAM001-team-lr-cap.yaml" in proc.stderr


def test_a_rule_naming_an_unknown_check_is_rejected_when_loaded(tmp_path: Path) -> None:
    rule = TEAM_RULE.replace("when: optimizer.is_8bit and effective_lr > cap\n",
                             "check: te_cahce\n")
    _setup(tmp_path, rule)
    proc = run_cfglint("train.toml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "unknown check `te_cahce`; did you mean `te_cache`?" in proc.stderr
    assert "TEAM001-team-lr-cap.yaml" in proc.stderr


def test_a_rule_with_a_misspelled_fix_key_is_rejected_when_loaded(tmp_path: Path) -> None:
    _setup(tmp_path, TEAM_RULE.replace("fix: {safety: suggest, set:", "fix: {safety: suggest, "
                                                                        "sett:"))
    proc = run_cfglint("train.toml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "unknown fix key `sett`; did you mean `set`?" in proc.stderr


def test_a_rule_for_an_unknown_family_is_rejected_when_loaded(tmp_path: Path) -> None:
    _setup(tmp_path, TEAM_RULE.replace("severity: warning\n",
                                       "severity: warning\nfamilies: [koyha]\n"))
    proc = run_cfglint("train.toml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "unknown family `koyha`; did you mean `kohya`?" in proc.stderr


def test_a_misspelled_parameter_override_in_settings_is_an_error(tmp_path: Path) -> None:
    _setup(tmp_path, TEAM_RULE)
    (tmp_path / "cfglint.toml").write_text(
        'rule-folders = ["lint"]\n[params.TEAM001]\ncpa = 1.0\n', encoding="utf-8")
    proc = run_cfglint("train.toml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "`params.TEAM001.cpa` is not a parameter of TEAM001" in proc.stderr
    assert "did you mean `cap`?" in proc.stderr


def test_a_parameter_override_for_an_unknown_rule_is_an_error(tmp_path: Path) -> None:
    _setup(tmp_path, TEAM_RULE)
    (tmp_path / "cfglint.toml").write_text('[params.CFG2055]\nthreshold = 1.0\n',
                                           encoding="utf-8")
    proc = run_cfglint("train.toml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "`params.CFG2055`: no rule CFG2055; did you mean `CFG205`?" in proc.stderr
