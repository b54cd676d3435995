"""Forks extend what upstream accepts: traiNNer-redux forks add fields to its strict option
structs, SEDD forks add noise schedules and samplers, BasicSR forks change a loss's
arguments. A key or name only upstream's code rejects is judged against the config's own
repository when that holds the trainer's code, and weighed against the rest of the file
when it does not: a lone unknown key keeps its severity (a user of upstream hears about a
typo), one among other things upstream lacks is information.

Each test builds its own small repository in a temporary folder (a ``.git`` entry marks
the work tree); the Python in it is written for these tests.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cfglint.families import detect
from cfglint.findings import Finding
from cfglint.pipeline import lint_document
from cfglint.repo.structs import read_structs
from cfglint.settings import settings_for
from cfglint.source.read import read_path

OPTIONS_PY = """\
from typing import Annotated, Any

from msgspec import Meta, Struct, field


class StrictStruct(Struct, forbid_unknown_fields=True):
    pass


class DatasetOptions(StrictStruct):
    name: str
    type: str
    dataroot_gt: str | None = None
    dataroot_lq: str | None = None
    lq_size: int | None = None
    batch_size_per_gpu: int | None = None
    tile_overlap: int = 0


class TrainOptions(StrictStruct):
    total_iter: int
    optim_g: dict[str, Any] | None = None
    scheduler: dict[str, Any] | None = None
    losses: list[dict[str, Any]] | None = None
    ema_decay: float = 0
    loss_ramp_iters: Annotated[int, Meta(description="fork: ramp the losses in")] = 0


class PathOptions(StrictStruct):
    pretrain_network_g: str | None = None


class ReduxOptions(StrictStruct):
    name: str
    scale: int
    num_gpu: int | str
    path: PathOptions
    use_amp: bool = False
    amp_bf16: bool = False
    network_g: dict[str, Any] | None = None
    datasets: dict[str, DatasetOptions] = {}
    train: TrainOptions | None = None
    tile_mode: bool = field(default=False, name="tile_mode")
"""

CONFIG = """\
name: fork_x2
scale: 2
num_gpu: auto
use_amp: true
amp_bf16: true
network_g:
  type: spanplus
datasets:
  train:
    name: train
    type: pairedimagedataset
    dataroot_gt: /data/hr
    dataroot_lq: /data/lr
    lq_size: 64
    batch_size_per_gpu: 8
path:
  pretrain_network_g: ~
train:
  ema_decay: 0.999
  optim_g:
    type: adamw
    lr: !!float 1e-4
  total_iter: 2000
  losses:
    - type: l1loss
      loss_weight: 1.0
"""

NOISE_PY = """\
def get_noise(kind, sigma_min, sigma_max):
    if kind == "geometric":
        return ("geometric", sigma_min, sigma_max)
    elif kind in ("loglinear", "linear"):
        return (kind,)
    raise ValueError(kind)
"""

SAMPLING_PY = """\
_PREDICTORS = {}


def register_predictor(cls=None, *, name=None):
    def _register(cls):
        _PREDICTORS[name or cls.__name__] = cls
        return cls
    return _register if cls is None else _register(cls)


@register_predictor(name="euler")
class EulerPredictor:
    pass


@register_predictor(name="ancestral")
class AncestralPredictor:
    pass
"""

SEDD = """\
defaults:
  - _self_
  - model: small
ngpus: 1
tokens: 50257
training:
  batch_size: 64
  accum: 1
  n_iters: 10000
  snapshot_freq: 1000
  log_freq: 50
  eval_freq: 100
  ema: 0.9999
graph:
  type: absorb
noise:
  type: linear
  sigma_min: 1e-4
  sigma_max: 20
sampling:
  predictor: euler
  steps: 128
optim:
  optimizer: AdamW
  lr: 3e-4
  warmup: 100
  grad_clip: 1.
"""


def make_repo(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def lint(path: Path, *codes: str) -> list[Finding]:
    found = lint_document(read_path(str(path)), settings_for(str(path))).findings
    return [f for f in found if f.code in codes]


def with_top(config: str, lines: str) -> str:
    return config.replace("scale: 2\n", "scale: 2\n" + lines, 1)


# --- traiNNer-redux: a fork's option structs -------------------------------------------------

def test_baseline_config_is_clean_against_upstream(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "plain", {"options/train.yml": CONFIG})
    assert lint(repo / "options/train.yml", "CFG701", "CFG002", "CFG003") == []


def test_fields_of_the_repositorys_own_option_structs_are_accepted(tmp_path: Path) -> None:
    config = with_top(CONFIG, "tile_mode: true\n").replace(
        "  total_iter: 2000\n", "  total_iter: 2000\n  loss_ramp_iters: 500\n").replace(
        "    lq_size: 64\n", "    lq_size: 64\n    tile_overlap: 8\n")
    repo = make_repo(tmp_path / "redux-fork", {
        "traiNNer/utils/redux_options.py": OPTIONS_PY, "options/train.yml": config})
    assert lint(repo / "options/train.yml", "CFG701") == []


def test_a_key_the_forks_structs_lack_too_stands_as_a_warning(tmp_path: Path) -> None:
    config = with_top(CONFIG, "tile_mode: true\ntile_size: 256\n")
    repo = make_repo(tmp_path / "redux-fork", {
        "traiNNer/utils/redux_options.py": OPTIONS_PY, "options/train.yml": config})
    [f] = lint(repo / "options/train.yml", "CFG701")
    assert (f.key_text, f.severity) == ("tile_size", "warning")
    assert "traiNNer/utils/redux_options.py in this repository has no such field" in f.message


def test_without_the_trainers_code_a_lone_unknown_key_stays_a_warning(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "configs", {"train.yml": with_top(CONFIG, "tile_mode: true\n")})
    [f] = lint(repo / "train.yml", "CFG701")
    assert (f.key_text, f.severity) == ("tile_mode", "warning")
    assert "rejects the file" in f.message


def test_without_the_trainers_code_keys_among_other_fork_keys_are_information(
        tmp_path: Path) -> None:
    config = with_top(CONFIG, "tile_mode: true\n").replace(
        "  total_iter: 2000\n", "  total_iter: 2000\n  loss_ramp_iters: 500\n")
    repo = make_repo(tmp_path / "configs", {"train.yml": config})
    found = lint(repo / "train.yml", "CFG701")
    assert {(f.key_text, f.severity) for f in found} == {
        ("tile_mode", "info"), ("train.loss_ramp_iters", "info")}
    tile = next(f for f in found if f.key_text == "tile_mode")
    assert "upstream traiNNer-redux" in tile.message and "a fork that adds it" in tile.message
    assert "`train.loss_ramp_iters`" in tile.message  # the other sign it weighed
    assert "the git work tree `configs/`" in tile.message and tile.fix is None


def test_a_slip_of_an_upstream_key_is_a_typo_among_fork_keys_and_no_fork_sign(
        tmp_path: Path) -> None:
    typo = with_top(CONFIG, "tile_mode: true\nuse_channel_last: true\n")
    repo = make_repo(tmp_path / "configs", {"train.yml": typo})
    found = {f.key_text: f.severity for f in lint(repo / "train.yml", "CFG701")}
    # the slip keeps its warning, and is no evidence that tile_mode is a fork's
    assert found == {"use_channel_last": "warning", "tile_mode": "warning"}


def test_a_name_no_upstream_registry_has_is_a_fork_sign(tmp_path: Path) -> None:
    config = with_top(CONFIG, "tile_mode: true\n").replace("type: spanplus", "type: tilenet")
    repo = make_repo(tmp_path / "configs", {"train.yml": config})
    [f] = lint(repo / "train.yml", "CFG701")
    assert f.severity == "info" and "`network_g.type: tilenet`" in f.message


# --- SEDD: names a fork's code branches on ---------------------------------------------------

def test_a_noise_schedule_the_repositorys_get_noise_handles_is_accepted(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "sedd-fork", {
        "model/noise_lib.py": NOISE_PY, "sampling.py": SAMPLING_PY,
        "configs/config.yaml": SEDD.replace("predictor: euler", "predictor: ancestral")})
    assert lint(repo / "configs/config.yaml", "CFG003") == []


def test_a_name_the_repositorys_code_does_not_handle_either_stays_an_error(
        tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "sedd-fork", {
        "noise_lib.py": NOISE_PY, "configs/config.yaml": SEDD.replace("linear", "cubic")})
    [f] = lint(repo / "configs/config.yaml", "CFG003")
    assert (f.key_text, f.severity) == ("noise.type", "error")
    assert "this repository's code (noise_lib.py:1) does not handle it either" in f.message


def test_without_sedd_code_an_unknown_noise_schedule_alone_is_an_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "configs", {"config.yaml": SEDD})
    [f] = lint(repo / "config.yaml", "CFG003")
    assert (f.key_text, f.severity) == ("noise.type", "error")


def test_without_sedd_code_names_among_fork_keys_are_information(tmp_path: Path) -> None:
    config = SEDD.replace("  steps: 128\n", "  steps: 128\n  guidance_scale: 2\n").replace(
        "predictor: euler", "predictor: ancestral")
    repo = make_repo(tmp_path / "configs", {"config.yaml": config})
    found = lint(repo / "config.yaml", "CFG003")
    assert {(f.key_text, f.severity) for f in found} == {
        ("noise.type", "info"), ("sampling.predictor", "info")}
    noise = next(f for f in found if f.key_text == "noise.type")
    assert "`sampling.guidance_scale`" in noise.message and "get_noise" in noise.message


# --- detection: a DDiT model group file belongs to the app that selects it -------------------

MODEL_GROUP = "name: small\ntype: ddit\nhidden_size: 768\ncond_dim: 128\nn_blocks: 12\n" \
              "n_heads: 12\ndropout: 0.1\n"


def test_a_model_group_file_of_a_sedd_config_is_sedd(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "sedd", {"configs/config.yaml": SEDD,
                                         "configs/model/small.yaml": MODEL_GROUP})
    found = detect(read_path(str(repo / "configs/model/small.yaml")))
    assert (found.family, found.how) == ("sedd", "primary")


def test_the_same_file_selected_by_another_hydra_app_is_that_apps(tmp_path: Path) -> None:
    app = "defaults:\n  - _self_\n  - model: small\ntrainer:\n  max_steps: 1000\n"
    repo = make_repo(tmp_path / "mdlm-like", {"configs/config.yaml": app,
                                              "configs/model/small.yaml": MODEL_GROUP})
    found = detect(read_path(str(repo / "configs/model/small.yaml")))
    assert (found.family, found.how) == ("hydra", "primary")


def test_a_model_group_file_alone_is_still_recognised_by_its_shape(tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text(MODEL_GROUP, encoding="utf-8")
    assert detect(read_path(str(tmp_path / "small.yaml"))).family == "sedd"


# --- the struct reader ---------------------------------------------------------------------

def test_struct_reader_follows_annotations_inheritance_and_encoded_names() -> None:
    structs = read_structs(OPTIONS_PY, Path("o.py"), "ReduxOptions")
    assert structs is not None
    assert structs.accepts(("tile_mode",)) is True
    assert structs.accepts(("bogus",)) is False
    assert structs.accepts(("train", "loss_ramp_iters")) is True
    assert structs.accepts(("datasets", "val", "tile_overlap")) is True
    assert structs.accepts(("datasets", "val", "bogus")) is False
    # free-form mappings are not the structs' to judge
    assert structs.accepts(("network_g", "anything")) is None
    assert structs.accepts(("train", "losses", 0, "name")) is None


def test_struct_reader_leaves_renamed_or_lenient_structs_undecided() -> None:
    text = ("from msgspec import Struct\n"
            "class Sub(Struct, rename='camel'):\n    a_b: int = 0\n"
            "class Lenient(Struct):\n    x: int = 0\n"
            "class Root(Struct, forbid_unknown_fields=True):\n"
            "    sub: Sub | None = None\n    lenient: 'Lenient' = None\n")
    structs = read_structs(text, Path("o.py"), "Root")
    assert structs is not None
    assert structs.accepts(("sub", "aB")) is None
    assert structs.accepts(("lenient", "anything")) is True
    assert read_structs(text, Path("o.py"), "Missing") is None


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("class S(Struct):\n x: int|None=0[]'\"")),
               max_size=120))
def test_struct_reader_never_raises_on_any_text(text: str) -> None:
    structs = read_structs(text, Path("o.py"), "S")
    if structs is not None:
        assert structs.accepts(("x",)) in (True, False, None)


def test_the_signs_at_other_places_are_counted_and_listed_as_a_pass_over_all_would() -> None:
    from cfglint.repo.forks import Sign, Signs

    signs = [Sign(("a",)), Sign(("b",), "x"), Sign(("a",)), Sign(("c",)), Sign(("d",))]
    every = Signs(signs)
    for path in [("a",), ("b",), ("z",)]:
        others = [s for s in signs if s.path != path]
        assert every.others(path) == len(others)
        listed = ", ".join(s.shown() for s in others[:3]) + (", …" if len(others) > 3 else "")
        assert every.shown(path) == listed
