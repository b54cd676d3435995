"""Forks of OneTrainer and diffusion-pipe add model types, sd-scripts forks add optimizers
and scripts that convert values upstream cannot use, musubi-tuner branches add dataset keys:
a value or key only upstream's code rejects is an error or warning when it stands alone (a
typo for a user of upstream), and information when the file has other things upstream does
not read, as a fork's files do (``cfglint.repo.forks``).

Each config is written for these tests into a temporary folder with no Python code.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cfglint.findings import Finding
from cfglint.pipeline import lint_document
from cfglint.settings import settings_for
from cfglint.source.read import read_path


def lint(path: Path, code: str) -> list[Finding]:
    found = lint_document(read_path(str(path)), settings_for(str(path))).findings
    return [f for f in found if f.code == code]


def onetrainer_preset(tmp_path: Path, **extra: object) -> Path:
    preset = {"model_type": "WAN_2_2", "training_method": "LORA", "learning_rate": 3e-4,
              "base_model_name": "Wan-AI/Wan2.2-T2V-A14B-Diffusers", "lora_rank": 16,
              "lora_alpha": 16.0, **extra}
    path = tmp_path / "wan.json"
    path.write_text(json.dumps(preset, indent=2), encoding="utf-8")
    return path


def test_a_lone_model_type_onetrainer_lacks_stays_an_error(tmp_path: Path) -> None:
    [f] = lint(onetrainer_preset(tmp_path), "CFG003")
    assert f.severity == "error"


def test_a_model_type_among_keys_onetrainer_ignores_is_information(tmp_path: Path) -> None:
    [f] = lint(onetrainer_preset(tmp_path, video_config={"frames": 81}), "CFG003")
    assert f.severity == "info"
    assert "`video_config`" in f.message and "fork" in f.message


def diffusion_pipe_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "train.toml"
    path.write_text(
        'output_dir = "/out"\ndataset = "dataset.toml"\nepochs = 10\n'
        "micro_batch_size_per_gpu = 1\n" + extra
        + '[model]\ntype = "easycontrol"\ndtype = "bfloat16"\n'
        '[optimizer]\ntype = "adamw_optimi"\nlr = 2e-5\n', encoding="utf-8")
    return path


def test_a_lone_model_type_diffusion_pipe_lacks_stays_an_error(tmp_path: Path) -> None:
    [f] = lint(diffusion_pipe_config(tmp_path), "CFG003")
    assert f.severity == "error"


def test_a_model_type_beside_a_table_diffusion_pipe_ignores_is_information(
        tmp_path: Path) -> None:
    [f] = lint(diffusion_pipe_config(tmp_path, '[control]\nscale = 1.0\n'), "CFG003")
    assert f.severity == "info"
    assert "`control`" in f.message


def musubi_dataset(tmp_path: Path, datasets: int) -> Path:
    body = '[general]\nresolution = [1024, 1024]\ncaption_extension = ".txt"\n'
    for i in range(datasets):
        body += (f'[[datasets]]\nimage_directory = "/data/{i}"\ncache_directory = "/cache/{i}"\n'
                 f'mask_directory = "/masks/{i}"\n')
    path = tmp_path / "dataset.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_lone_dataset_key_musubi_tuner_rejects_stays_a_warning(tmp_path: Path) -> None:
    [f] = lint(musubi_dataset(tmp_path, 1), "CFG701")
    assert f.severity == "warning"


def test_dataset_keys_musubi_tuner_rejects_among_others_are_information(
        tmp_path: Path) -> None:
    found = lint(musubi_dataset(tmp_path, 2), "CFG701")
    assert [f.severity for f in found] == ["info", "info"]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.from_regex(r"zq_[a-z]{6,10}", fullmatch=True), max_size=3, unique=True))
def test_other_ignored_keys_only_ever_lower_an_unknown_model_type_to_information(
        extra: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        [f] = lint(onetrainer_preset(Path(tmp), **dict.fromkeys(extra, 1)), "CFG003")
    assert f.severity == ("info" if extra else "error")


def sd_scripts_args(tmp_path: Path, extra: str = "", optimizer: str = "Automagic_Sinkgd",
                    resolution: str = '"1024,1024"') -> Path:
    path = tmp_path / "train_args.toml"
    path.write_text(
        'pretrained_model_name_or_path = "/models/sdxl.safetensors"\n'
        'network_module = "networks.lora"\nnetwork_dim = 16\nnetwork_alpha = 16\n'
        f'learning_rate = 1e-4\nmax_train_steps = 1000\nmixed_precision = "bf16"\n'
        f'train_data_dir = "/data"\noutput_dir = "/out"\nresolution = {resolution}\n'
        f'optimizer_type = "{optimizer}"\n' + extra, encoding="utf-8")
    return path


def test_a_lone_optimizer_sd_scripts_lacks_stays_an_error(tmp_path: Path) -> None:
    [f] = lint(sd_scripts_args(tmp_path), "CFG003")
    assert f.severity == "error"


def test_an_optimizer_beside_keys_sd_scripts_ignores_is_information(tmp_path: Path) -> None:
    [f] = lint(sd_scripts_args(tmp_path, 'sinkgd_iters = 3\n'), "CFG003")
    assert f.severity == "info" and "`sinkgd_iters`" in f.message


def test_a_slip_of_an_sd_scripts_optimizer_stays_an_error_among_fork_keys(
        tmp_path: Path) -> None:
    [f] = lint(sd_scripts_args(tmp_path, 'sinkgd_iters = 3\n', optimizer="AdamW8bitt"),
               "CFG003")
    assert f.severity == "error"


def test_an_integer_resolution_alone_stays_an_error_for_sd_scripts(tmp_path: Path) -> None:
    [f] = lint(sd_scripts_args(tmp_path, optimizer="AdamW", resolution="640"), "CFG002")
    assert f.severity == "error"


def test_an_integer_resolution_beside_a_forks_keys_is_information(tmp_path: Path) -> None:
    path = sd_scripts_args(tmp_path, 'num_target_timesteps = 4\n', optimizer="AdamW",
                           resolution="640")
    [f] = lint(path, "CFG002")
    assert f.severity == "info" and "`num_target_timesteps`" in f.message


AITK = """job: extension
config:
  name: demo
  process:
    - type: sd_trainer
      model:
        name_or_path: some/model
{extra}"""


def _aitk_701(tmp_path: Path, extra: str) -> list[Finding]:
    path = tmp_path / "train.yaml"
    path.write_text(AITK.format(extra=extra), encoding="utf-8")
    return lint(path, "CFG701")


def test_an_ignored_key_among_other_fork_keys_stays_a_warning_that_mentions_forks(
        tmp_path: Path) -> None:
    extra = "".join(f"        extra_option_{c}: 1\n" for c in "abc")
    found = _aitk_701(tmp_path, extra)
    assert len(found) == 3 and all(f.severity == "warning" for f in found)
    assert all("true of upstream ai-toolkit, but a fork that adds the key reads it" in f.message
               for f in found)


def test_a_lone_ignored_key_or_a_slip_does_not_mention_forks(tmp_path: Path) -> None:
    [lone] = _aitk_701(tmp_path, "        extra_option_a: 1\n")
    assert lone.severity == "warning" and "fork" not in lone.message
    slips = _aitk_701(tmp_path, "        quantise: true\n        extra_option_a: 1\n"
                                "        extra_option_b: 1\n")
    slip = next(f for f in slips if f.key[-1] == "quantise")
    assert "fork" not in slip.message and "did you mean `quantize`?" in slip.message
