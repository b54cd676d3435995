"""`cfglint facts`: the trainer's view of a file, as a table and as the DESIGN §4 JSON, built
from the same settings and user mapping as a check."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cfglint.cli import main
from cfglint.facts.show import HIGHLIGHTS

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "families"
# one config of every trainer family, and the fact each one must state with its key
FAMILY_FILES = {
    "ai-toolkit": ("ai_toolkit_lora.yaml", "lr", "config.process[0].train.lr"),
    "kohya": ("kohya_lora.toml", "lr", "learning_rate"),
    "kohya-dataset": ("kohya_dataset.toml", "dataset.repeats",
                      "datasets[0].subsets[0].num_repeats"),
    "kohya-gui": ("kohya_gui_preset.json", "lr", "learning_rate"),
    "sedd": ("sedd_config.yaml", "lr", "optim.lr"),
    "hydra": ("hydra_train.yaml", "lr", "model.optimizer.lr"),
    "basicsr": ("basicsr_train.yml", "lr", "train.optim_g.lr"),
    "traiNNer": ("traiNNer_sr.yml", "lr", "train.optim_g.lr"),
    "diffusion-pipe": ("diffusion_pipe_flux.toml", "lr", "optimizer.lr"),
    "musubi-tuner": ("musubi_tuner_wan.toml", "lr", "learning_rate"),
    "onetrainer": ("onetrainer_lora.json", "lr", "learning_rate"),
    "simpletuner": ("simpletuner_config.json", "lr", "--learning_rate"),
    "generic": ("generic_script.yaml", "lr", "learning_rate"),
}
ORIGINS = {"explicit", "default", "derived", "mapped", "unknown"}



def _facts(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["facts", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _json(*args: str) -> list[dict[str, Any]]:
    code, out = _facts("--format", "json", *args)
    assert code == 0, out
    data: list[dict[str, Any]] = json.loads(out)
    return data


def _line_of(path: Path, key: str) -> int:
    """The one line that sets the key's last name (`lr:`, `lr =`, `"lr":`)."""
    name = key.rsplit(".", 1)[-1].split("[")[0]
    setting = re.compile(rf'^\s*"?{re.escape(name)}"?\s*[:=]')
    lines = path.read_text(encoding="utf-8").splitlines()
    (line,) = [i for i, text in enumerate(lines, 1) if setting.match(text)]
    return line


@pytest.mark.parametrize("family", sorted(FAMILY_FILES))
def test_json_follows_the_design_contract_for_every_family(family: str) -> None:
    name, fact, key = FAMILY_FILES[family]
    path = FIXTURES / name
    (report,) = _json(str(path))
    assert set(report) == {"path", "family", "loader", "facts", "notes"}
    assert (report["path"], report["family"]) == (str(path), family)
    assert report["loader"] and report["loader"] != "-"
    assert report["notes"][0].startswith("trainer: ")
    for item in report["facts"].values():
        assert set(item) == {"value", "origin", "key", "line", "note"}
        assert item["origin"] in ORIGINS
        assert item["line"] is None or isinstance(item["line"], int)
    stated = report["facts"][fact]
    assert (stated["origin"], stated["key"]) == ("explicit", key)
    assert stated["line"] == _line_of(path, key)


@pytest.mark.parametrize("family", sorted(FAMILY_FILES))
def test_text_is_a_table_with_the_trainer_the_numbers_people_ask_about_and_every_fact(
        family: str) -> None:
    name, fact, key = FAMILY_FILES[family]
    code, out = _facts(str(FIXTURES / name))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == str(FIXTURES / name)
    assert lines[1].split()[:2] == ["trainer", family]
    assert any(line.split()[:1] == ["loader"] for line in lines[:6])
    for label, _ in HIGHLIGHTS[:1] + HIGHLIGHTS[3:]:
        assert any(line.strip().startswith(label) for line in lines), label
    (row,) = [line.split() for line in lines if line.split()[:1] == [fact]]
    assert row[2:4] == ["explicit", key]


def test_a_string_value_is_shown_quoted_so_it_never_looks_like_a_number() -> None:
    _, out = _facts(str(FIXTURES / "basicsr_train.yml"))
    (row,) = [line.split() for line in out.splitlines() if line.split()[:1] == ["lr"]]
    assert row[1] == '"2e-4"'  # BasicSR's PyYAML reads `lr: 2e-4` as a string
    (report,) = _json(str(FIXTURES / "basicsr_train.yml"))
    assert report["facts"]["lr"]["value"] == "2e-4"
    assert "effective_lr" not in report["facts"]


def test_derived_facts_carry_their_arithmetic_and_defaults_have_no_line() -> None:
    (report,) = _json(str(FIXTURES / "ai_toolkit_lora.yaml"))
    facts = report["facts"]
    assert facts["effective_lr"]["origin"] == "derived"
    assert facts["effective_lr"]["value"] == pytest.approx(1e-4)
    assert "lora_scale" in facts["effective_lr"]["note"]
    assert facts["ema.init_share_at_first_eval"]["value"] == pytest.approx(0.99 ** 250)
    defaults = [item for item in facts.values() if item["origin"] == "default"]
    assert defaults and all(item["line"] is None for item in defaults)


def test_facts_use_the_settings_and_the_user_mapping_as_a_check_does(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cfglint.toml").write_text(
        '[mapping]\n"lr" = "optim.base_lr"\n"ema.schedule" = "=constant"\n'
        '[families]\n"sr/*.yml" = "basicsr"\n')
    (tmp_path / "train.yaml").write_text("optim:\n  base_lr: 0.002\n  lr: 0.1\n")
    (tmp_path / "sr").mkdir()
    (tmp_path / "sr" / "x.yml").write_text("learning_rate: 1e-4\n")
    report, sr = _json("train.yaml", "sr/x.yml")
    lr = report["facts"]["lr"]
    assert (lr["value"], lr["origin"], lr["key"], lr["line"]) == (0.002, "explicit",
                                                                 "optim.base_lr", 2)
    assert "mapped from optim.base_lr" in lr["note"]
    assert report["facts"]["ema.schedule"]["origin"] == "mapped"
    assert any("user mapping" in note for note in report["notes"])
    assert sr["family"] == "basicsr"
    assert "named by --family or settings" in sr["notes"][0]


def test_family_option_and_config_option_apply(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere.toml").write_text('[mapping]\n"lr" = "optim.base_lr"\n')
    (tmp_path / "train.yaml").write_text("optim:\n  base_lr: 0.002\n")
    (report,) = _json("--family", "basicsr", "--config", "elsewhere.toml", "train.yaml")
    assert report["family"] == "basicsr"
    assert report["facts"]["lr"]["key"] == "optim.base_lr"
    assert report["notes"][1] == f"settings: {tmp_path / 'elsewhere.toml'}"


def test_a_file_that_does_not_parse_is_reported_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text('lr: "open\n')
    (report,) = _json("broken.yaml")
    assert report["facts"] == {}
    assert any(note.startswith("the file cannot be read: broken.yaml:1:") for note in
               report["notes"])
    code, out = _facts("broken.yaml")
    assert code == 0 and "cannot be read" in out


def test_an_unknown_fact_has_origin_unknown_and_its_reason(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "two.yaml").write_text("a:\n  lr: 0.1\nb:\n  lr: 0.2\n")
    (report,) = _json("two.yaml")
    lr = report["facts"]["lr"]
    assert (lr["value"], lr["origin"]) == (None, "unknown")
    assert "ambiguous" in lr["note"]


def test_every_trainer_family_has_a_config_here():
    from cfglint.families import FAMILY_CLASSES
    from cfglint.families.base import Family

    # search-space files (optuna, ray-tune, wandb-sweep) define spaces, not one run's facts
    trainers = {c.name for c in FAMILY_CLASSES if c.space is Family.space}
    assert set(FAMILY_FILES) == trainers
