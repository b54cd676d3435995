"""Before the probe trains: files the trainer rejects are REJECTED with the check's errors,
and runs that would rest on values the probe made up are INCONCLUSIVE with the list (both
exit 3, nothing trained). No torch is needed to get there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from facts_helpers import facts_of

from cfglint.engine.catalog import load_rules
from cfglint.facts.model import Facts
from cfglint.probe.command import probe, read_config
from cfglint.probe.gate import before_training
from cfglint.probe.needs import gaps
from cfglint.probe.spec import spec_from_facts
from cfglint.rejects import TAG, rejecting

# A Hydra app's config with no training key cfglint knows (a database and a server).
HYDRA_APP = """\
defaults:
  - _self_
db:
  driver: mysql
  user: omry
server:
  port: 8080
"""

BASICSR = """\
name: demo
model_type: SRModel
network_g:
  type: RRDBNet
  num_in_ch: 3
  num_out_ch: 3
train:
  optim_g:
    type: Adam
    lr: '2e-4'{suppress}
  scheduler:
    type: MultiStepLR
    milestones: [100000]
    gamma: 0.5
  total_iter: 400000
"""

KOHYA = """\
pretrained_model_name_or_path = "sd_xl_base_1.0.safetensors"
network_module = "networks.lora"
network_dim = 16
network_alpha = 8
learning_rate = 1e-4
optimizer_type = "AdamW"
mixed_precision = "bf16"
{extra}
"""


def _probe(tmp_path: Path, name: str, text: str, *args: str) -> tuple[int, dict[str, Any]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(probe, [str(path), "--device", "cpu", "--format", "json",
                                        *args])
    return result.exit_code, json.loads(result.output)


def _kohya(extra: str) -> Facts:
    return facts_of(KOHYA.format(extra=extra), "toml", "kohya")[1]


def test_an_all_defaults_hydra_app_is_inconclusive_with_exit_3(tmp_path: Path) -> None:
    code, report = _probe(tmp_path, "config.yaml", HYDRA_APP)
    assert code == 3 and report["verdict"] == "INCONCLUSIVE"
    needs = {g["need"].split(" (")[0] for g in report["gaps"]}
    assert {"learning rate", "optimizer", "LR schedule", "precision", "model family",
            "training method"} <= needs
    assert report["runs"] == [] and report["checks"] == [], "nothing was trained"
    assert all(r["origin"] == "probe-default" for r in report["resolved"]
               if r["name"] in ("lr", "optimizer.name", "model.family"))


def test_the_inconclusive_text_lists_the_made_up_values_and_how_to_state_them(
        tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(HYDRA_APP, encoding="utf-8")
    out = CliRunner().invoke(probe, [str(path)]).output
    assert "verdict: INCONCLUSIVE (not run)" in out
    assert "learning rate: lr = 0.0001 (not in the file; assumed:" in out
    assert "--assume NAME=VALUE" in out and "Scope:" not in out


def test_a_config_with_a_trainer_fatal_error_exits_3_with_that_error(tmp_path: Path) -> None:
    text = KOHYA.format(extra='lr_scheduler = "constant"\nlr_warmup_steps = 100\n'
                              "max_train_steps = 1600")
    code, report = _probe(tmp_path, "lora.toml", text)
    assert code == 3 and report["verdict"] == "REJECTED"
    (item,) = report["rejected_by"]
    assert item["code"] == "CFG303" and item["line"] == 9 and "ValueError" in item["message"]
    assert report["runs"] == []
    out = CliRunner().invoke(probe, [str(tmp_path / "lora.toml")]).output
    assert f"{tmp_path / 'lora.toml'}:9:19: CFG303 sd-scripts refuses" in out


def test_a_basicsr_lr_that_is_text_is_rejected_not_trained_at_the_number(
        tmp_path: Path) -> None:
    code, report = _probe(tmp_path, "train.yml", BASICSR.format(suppress=""))
    assert code == 3 and report["verdict"] == "REJECTED"
    assert [i["code"] for i in report["rejected_by"]] == ["CFG002"]


def test_a_suppressed_check_still_does_not_turn_a_text_lr_into_a_number(
        tmp_path: Path) -> None:
    text = BASICSR.format(suppress="  # cfglint: ignore[CFG002]")
    code, report = _probe(tmp_path, "train.yml", text)
    assert code == 3 and report["verdict"] == "REJECTED"
    assert "string '2e-4'" in report["rejected_by"][0]["message"]
    lr = next(r for r in report["resolved"] if r["name"] == "lr")
    assert lr["value"] == "2e-4" and lr["origin"] == "explicit"
    assert report["spec"]["lr"] == "nan", "the spec holds no number the trainer does not get"


def test_an_lr_that_is_text_under_an_unknown_loader_is_read_as_the_number() -> None:
    facts = Facts("generic")
    facts.set("lr", "3e-4")
    spec = spec_from_facts(facts)
    assert spec.lr == 3e-4 and not spec.rejected


def test_only_errors_of_tagged_rules_reject_a_file(tmp_path: Path) -> None:
    rules = load_rules()
    tagged = sorted(code for code, rule in rules.items() if TAG in rule.tags)
    assert {"CFG001", "CFG002", "CFG003", "CFG303"} <= set(tagged)
    assert "CFG401" not in tagged and "CFG214" not in tagged, "the probe reproduces these"
    # ai-toolkit ignores a top-level warmup key: CFG303 is then a warning, not a rejection
    path = tmp_path / "aitk.yaml"
    path.write_text("job: extension\nconfig:\n  process:\n    - type: sd_trainer\n"
                    "      train: {lr: 1e-4, lr_scheduler: constant, lr_warmup_steps: 100}\n",
                    encoding="utf-8")
    from cfglint.pipeline import lint_document
    from cfglint.settings import settings_for
    from cfglint.source.read import read_path

    result = lint_document(read_path(str(path)), settings_for(str(path)))
    warned = [f for f in result.findings if f.code == "CFG303"]
    assert warned and warned[0].severity == "warning"
    assert rejecting(result.findings, rules) == []
    assert read_config(str(path)).rejecting == []


def test_an_epoch_based_cosine_run_is_inconclusive_until_its_length_is_given(
        tmp_path: Path) -> None:
    text = KOHYA.format(extra='lr_scheduler = "cosine"\nmax_train_epochs = 10')
    code, report = _probe(tmp_path, "lora.toml", text)
    assert code == 3 and report["verdict"] == "INCONCLUSIVE"
    (gap,) = report["gaps"]
    assert gap["need"].startswith("run length") and "dataset size" in gap["facts"][0]["note"]
    loaded = read_config(str(tmp_path / "lora.toml"), assume={"total_steps": "=3000"})
    spec = spec_from_facts(loaded.facts)
    assert spec.total_steps == 3000 and before_training(spec) is None
    given = next(r for r in spec.resolved if r.name == "total_steps")
    assert given.note == "given with --assume"


def test_assume_names_a_canonical_fact(tmp_path: Path) -> None:
    path = tmp_path / "lora.toml"
    path.write_text(KOHYA.format(extra=""), encoding="utf-8")
    result = CliRunner().invoke(probe, [str(path), "--assume", "total_step=3000"])
    assert result.exit_code == 2 and "did you mean 'total_steps'?" in result.output


def test_a_constant_schedule_needs_no_run_length() -> None:
    spec = spec_from_facts(_kohya('lr_scheduler = "constant"\nmax_train_epochs = 10'))
    length = next(r for r in spec.resolved if r.name == "total_steps")
    assert length.origin == "probe-default" and length.unknown
    assert gaps(spec) == []


def test_a_schedule_the_probe_does_not_model_is_a_gap() -> None:
    facts = _kohya("max_train_steps = 1000")
    facts.set("scheduler.name", "rex")
    (gap,) = gaps(spec_from_facts(facts))
    assert gap.need == "LR schedule" and "would run a constant LR" in gap.why


def test_precision_is_grounded_by_either_the_mixed_mode_or_the_trained_dtype() -> None:
    text = ("job: extension\nconfig:\n  process:\n    - type: sd_trainer\n"
            "      network: {type: lora, linear: 16, linear_alpha: 16}\n"
            "      train: {optimizer: adamw, lr: 1e-4, dtype: bf16, steps: 500}\n"
            "      model: {name_or_path: black-forest-labs/FLUX.1-dev, is_flux: true}\n")
    spec = spec_from_facts(facts_of(text, "yaml", "ai-toolkit")[1])
    origins = {r.name: r.origin for r in spec.resolved}
    assert origins["precision.mixed"] == "probe-default"
    assert origins["precision.train_dtype"] == "explicit"
    assert gaps(spec) == []


def test_a_trainer_that_fixes_the_adapter_scale_gives_alpha_without_a_key() -> None:
    text = ('[model]\ntype = "flux"\ndtype = "bfloat16"\n[adapter]\ntype = "lora"\n'
            'rank = 32\ndtype = "bfloat16"\n[optimizer]\ntype = "adamw_optimi"\nlr = 2e-5\n')
    spec = spec_from_facts(facts_of(text, "toml", "diffusion-pipe")[1])
    assert spec.lora_rank == 32 and spec.lora_alpha == 32 and spec.lora_scale == 1
    alpha = next(r for r in spec.resolved if r.name == "lora.alpha")
    assert alpha.origin == "derived"
    assert not [g for g in gaps(spec) if g.need.startswith("LoRA")]


@pytest.mark.parametrize("own_model", [False, True])
def test_a_model_factory_supplies_the_model_family(own_model: bool) -> None:
    facts = Facts("generic")
    for name, value in {"lr": 1e-4, "optimizer.name": "adamw", "scheduler.name": "constant",
                        "precision.mixed": "bf16", "method": "full"}.items():
        facts.set(name, value)
    needs = [g.need for g in gaps(spec_from_facts(facts), own_model=own_model)]
    assert needs == ([] if own_model else ["model family (it picks the surrogate model)"])


def test_a_warmup_of_zero_percent_needs_no_run_length() -> None:
    text = ('{"LoRA_type": "Standard", "pretrained_model_name_or_path": "sdxl.safetensors", '
            '"sdxl": true, "learning_rate": 0.0001, "lr_scheduler": "constant", '
            '"lr_warmup": 0, "epoch": 10, "optimizer": "AdamW", "mixed_precision": "bf16", '
            '"network_dim": 16, "network_alpha": 16}')
    spec = spec_from_facts(facts_of(text, "json", "kohya-gui")[1])
    warm = next(r for r in spec.resolved if r.name == "warmup.steps")
    assert warm.value == 0 and warm.origin == "derived"
    assert gaps(spec) == []


def test_probe_help_documents_its_exit_codes_and_the_usage_error_collision() -> None:
    text = " ".join(CliRunner().invoke(probe, ["--help"]).output.split())
    assert "3 no verdict: REJECTED" in text and "INCONCLUSIVE" in text
    assert "2 FAIL; also a usage error" in text


def test_a_bad_option_is_a_usage_error_exit_2_without_a_report(tmp_path: Path) -> None:
    path = tmp_path / "train.toml"
    path.write_text(KOHYA.format(extra=""), encoding="utf-8")
    result = CliRunner().invoke(probe, [str(path), "--size", "huge", "--format", "json"])
    assert result.exit_code == 2 and "Usage:" in result.output
    assert '"verdict"' not in result.output


def test_plot_of_a_probe_that_did_not_run_says_so_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(HYDRA_APP, encoding="utf-8")
    png = tmp_path / "probe.png"
    result = CliRunner().invoke(probe, [str(path), "--plot", str(png)])
    assert result.exit_code == 3 and not png.exists()
    assert "nothing ran (INCONCLUSIVE), so --plot wrote no plot" in result.stderr
