"""Bad input never crashes the run and everything is bounded (issue: per-file isolation,
numbers no trainer can use, nesting, findings cap, rule expressions, Hydra group lookup).

Each class is checked in a run with a good file beside it: the bad file gets its finding,
the good file is still reported, and the exit code is that of the findings (0 with
--exit-zero, 1 without). Runs are in process (click's runner) to stay fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import BASICSR, env
from click.testing import CliRunner

from cfglint.cli import main

N401 = "9" * 401
BIG = "1" * 4401
DEEP = 150

BAD: dict[str, tuple[str, str, str]] = {
    # name: (content, expected code, expected key or message fragment)
    "bigint.yaml": (f"network_g: {{type: RRDBNet}}\nx: {BIG}\n", "CFG001", "4,401 digits"),
    "bigint.json": (f'{{"a": {BIG}}}', "CFG001", "4,401 digits"),
    "bigint.toml": (f"a = {BIG}\n", "CFG001", "4,401 digits"),
    "deep.json": ("[" * DEEP + "]" * DEEP, "CFG004", "deeper than 100"),
    "deep.toml": ("a = " + "[" * DEEP + "]" * DEEP + "\n", "CFG004", "deeper than 100"),
    "deep.yaml": ("defaults: [x]\nm: " + "[" * DEEP + "]" * DEEP + "\n", "CFG004",
                  "deeper than 100"),
    "dotted.toml": ("a" + ".a" * 300 + " = 1\n", "CFG004", "deeper than 100"),
    "aliases.yaml": ("a0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n"
                                               for i in range(1, 150)), "CFG004", "deeper"),
    "winpath.toml": ('"C:\\users\\me" = 1\n', "CFG001", ""),
    "gui-nan.json": ('{"LoRA_type": "Standard", "network_dim": 8, "epoch": 1, '
                     '"lr_warmup": NaN}', "CFG008", "lr_warmup"),
    "gui-inf.json": ('{"LoRA_type": "Standard", "network_dim": 8, "epoch": 1, '
                     '"keep_tokens": Infinity, "lr_warmup": 1e309}', "CFG008", "keep_tokens"),
    "gui-accum.json": ('{"LoRA_type": "Standard", "network_dim": 8, "epoch": 1, '
                       f'"gradient_accumulation_steps": {N401}}}', "CFG008",
                       "gradient_accumulation_steps"),
    "aitk-rank.yaml": ("job: extension\nconfig:\n  name: x\n  process:\n    - type: sd_trainer\n"
                       f"      network: {{type: lora, linear: {N401}, linear_alpha: 16}}\n"
                       f"      train: {{lr: 1.0e-4, steps: 100}}\n"
                       f"      datasets: [{{resolution: [{N401}]}}]\n", "CFG008",
                       "config.process[0].network.linear"),
    "generic-lr.yaml": (f"learning_rate: {N401}\nbatch_size: 4\nmax_train_steps: 10\n",
                        "CFG008", "learning_rate"),
    "sedd-warmup.yaml": ("defaults:\n  - _self_\nngpus: 1\ntraining: {batch_size: 512, accum: 1, "
                         "n_iters: 1000, ema: 0.9999}\noptim:\n  lr: 3.0e-4\n"
                         f"  warmup: {N401}\nnoise: {{type: loglinear}}\ngraph: {{type: absorb}}\n",
                         "CFG008", "optim.warmup"),
}


def _invoke(cwd: Path, *args: str) -> tuple[int, str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return res.exit_code, res.output


def _json(cwd: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    code, out = _invoke(cwd, "check", "--format", "json", *args)
    return code, json.loads(out)


@pytest.fixture
def bad_run(tmp_path: Path) -> Path:
    for name, (content, _, _) in BAD.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "good.yml").write_text(BASICSR, encoding="utf-8")
    return tmp_path


def test_every_bad_input_class_is_a_finding_and_the_good_file_is_still_reported(bad_run: Path
                                                                               ) -> None:
    code, findings = _json(bad_run, "--exit-zero", *BAD, "good.yml")
    assert code == 0
    by_path: dict[str, list[dict[str, object]]] = {}
    for f in findings:
        by_path.setdefault(str(f["path"]), []).append(f)
    for name, (_, expected, fragment) in BAD.items():
        got = by_path.get(name, [])
        hit = [f for f in got if f["code"] == expected]
        assert hit, (name, got)
        assert any(fragment in str(f["key"]) or fragment in str(f["message"]) for f in hit), hit
        assert not any("internal error" in str(f["message"]) for f in got), got
    assert "CFG705" in [f["code"] for f in by_path["good.yml"]]
    code, _ = _json(bad_run, *BAD, "good.yml")
    assert code == 1


def test_a_number_no_trainer_can_use_is_unknown_to_facts_not_a_derived_value(tmp_path: Path
                                                                            ) -> None:
    from cfglint.facts.model import Unusable
    from cfglint.families import get_family
    from cfglint.pipeline import build_facts
    from cfglint.settings import Settings
    from cfglint.source.read import parse_text

    doc = parse_text("x.yaml", BAD["generic-lr.yaml"][0], "yaml")
    facts = build_facts(doc, get_family("generic"), Settings())
    assert isinstance(facts.value("lr"), Unusable)
    assert "effective_lr" not in facts


def test_an_internal_error_in_one_file_is_a_cfg004_finding_and_the_run_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfglint.pipeline as pipeline

    real = pipeline.build_facts

    def broken(doc, family, settings):  # type: ignore[no-untyped-def]
        if doc.path.endswith("boom.yml"):
            raise OverflowError("simulated")
        return real(doc, family, settings)

    monkeypatch.setattr(pipeline, "build_facts", broken)
    (tmp_path / "boom.yml").write_text(BASICSR, encoding="utf-8")
    (tmp_path / "good.yml").write_text(BASICSR, encoding="utf-8")
    code, findings = _json(tmp_path, "--exit-zero", "boom.yml", "good.yml")
    assert code == 0
    boom = [f for f in findings if f["path"] == "boom.yml"]
    assert [f["code"] for f in boom] == ["CFG004"]
    assert "internal error in cfglint" in str(boom[0]["message"])
    assert "OverflowError: simulated" in str(boom[0]["message"])
    assert "CFG705" in [f["code"] for f in findings if f["path"] == "good.yml"]
    assert _json(tmp_path, "boom.yml", "good.yml")[0] == 1
    strict = ("--exit-non-zero-on-internal-error", "--exit-zero", "boom.yml", "good.yml")
    assert _json(tmp_path, *strict)[0] == 2


def test_a_check_that_fails_costs_only_its_own_findings(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import cfglint.checks.sedd_sigma as sedd_sigma

    def broken(ctx):  # type: ignore[no-untyped-def]
        raise ValueError("simulated")

    monkeypatch.setattr(sedd_sigma, "run", broken)
    (tmp_path / "good.yml").write_text(BASICSR, encoding="utf-8")
    (tmp_path / "sedd.yaml").write_text(BAD["sedd-warmup.yaml"][0], encoding="utf-8")
    code, findings = _json(tmp_path, "--exit-zero", "good.yml", "sedd.yaml")
    assert code == 0
    sedd = [f for f in findings if f["path"] == "sedd.yaml"]
    assert {"CFG004", "CFG008"} <= {str(f["code"]) for f in sedd}
    assert any("while checking CFG801" in str(f["message"]) for f in sedd)


def test_findings_per_file_are_capped_with_a_summary_as_severe_as_what_it_hides(
        tmp_path: Path) -> None:
    lines = [f"k{i}: 1e-4" for i in range(1100)]  # a string to BasicSR: error each
    (tmp_path / "many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, findings = _json(tmp_path, "--exit-zero", "--select", "CFG705", "--family", "basicsr",
                           "many.yaml")
    assert code == 0
    assert len(findings) == 1001
    summary = findings[-1]
    assert summary["code"] == "CFG012" and summary["severity"] == "error"
    assert "100 more findings" in str(summary["message"])


RULE = """\
code: TEAM001
name: team-rule
severity: warning
summary: a team rule
when: {when}
message: "{message}"
why: ours
references: [ours]
"""
GOOD_RULE = RULE.replace("TEAM001", "TEAM002").replace("team-rule", "team-ok")


@pytest.mark.parametrize(("when", "message", "why"), [
    ("((9**999)**999)**999 > 1", "x", "power too large"),
    ("len('a' * 10**9) > 1", "x", "repetition too long"),
    ("10.0**400 > 1", "x", "overflow"),
    ("lr > 0", "{lr:>999999999}", "width or precision"),
])
def test_rule_expressions_past_the_limits_are_refused_per_file_quickly(
        tmp_path: Path, when: str, message: str, why: str) -> None:
    (tmp_path / "lint").mkdir()
    (tmp_path / "lint" / "TEAM001.yaml").write_text(RULE.format(when=when, message=message),
                                                    encoding="utf-8")
    (tmp_path / "lint" / "TEAM002.yaml").write_text(
        GOOD_RULE.format(when="lr > 0", message="fine"), encoding="utf-8")
    (tmp_path / "cfglint.toml").write_text('rule-folders = ["lint"]\n', encoding="utf-8")
    (tmp_path / "train.yaml").write_text("learning_rate: 0.001\nbatch_size: 4\n",
                                         encoding="utf-8")
    started = time.perf_counter()
    code, findings = _json(tmp_path, "--exit-zero", "train.yaml")
    assert time.perf_counter() - started < 10
    assert code == 0
    errors = [f for f in findings if f["code"] == "CFG009"]
    assert len(errors) == 1 and why in str(errors[0]["message"])
    assert "TEAM001" in str(errors[0]["message"])
    assert any(f["code"] == "TEAM002" for f in findings)


def test_rule_folders_outside_the_project_need_a_setting(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "creds.yaml").write_text("aws_secret_access_key: x\n", encoding="utf-8")
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "cfglint.toml").write_text('rule-folders = ["../secret"]\n', encoding="utf-8")
    (proj / "train.yaml").write_text("learning_rate: 0.001\n", encoding="utf-8")
    code, out = _invoke(proj, "check", "train.yaml")
    assert code == 2 and "outside the project" in out and "aws_secret" not in out
    (proj / "cfglint.toml").write_text('rule-folders = ["../secret"]\n'
                                       "allow-external-rule-folders = true\n", encoding="utf-8")
    code, out = _invoke(proj, "check", "train.yaml")
    assert code == 2 and "not a rule file" in out and "aws_secret" not in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_hydra_group_lookup_ignores_fifos_and_devices_in_parent_folders(tmp_path: Path) -> None:
    group = tmp_path / "conf" / "db"
    group.mkdir(parents=True)
    os.mkfifo(tmp_path / "conf" / "trap.yaml")
    (tmp_path / "conf" / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "conf" / "config.yaml").write_text("defaults:\n  - db: mysql\nlr: 0.1\n",
                                                   encoding="utf-8")
    (group / "mysql.yaml").write_text("driver: mysql\nlr: 0.1\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "cfglint", "check", "--format", "json",
                           "--exit-zero", str(group / "mysql.yaml")], env=env(),
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert all(f["family"] == "hydra" for f in json.loads(proc.stdout))
