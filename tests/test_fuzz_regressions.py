"""Crash classes the long fuzz campaign (bench/fuzz.py) found, one test each: the input
that crashed, cut down to what matters, runs through run_input without a problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_inputs import Input, run_input

from cfglint.engine.expr import ExprError, SimpleEnv, compile_expr, evaluate
from cfglint.facts.model import Unknown

SEDD_STRING_BATCH = """\
defaults:
  - _self_
  - model: small
ngpus: 4
training:
  batch_size: Infinity
  accum: 4
graph:
  type: absorb
noise:
  type: loglinear
"""


def test_a_string_where_a_rule_does_modulo_is_not_an_internal_error(tmp_path: Path) -> None:
    """``batch_size: Infinity`` is a string in YAML 1.2; CFG802 takes it modulo ngpus."""
    assert run_input(Input(SEDD_STRING_BATCH, "yaml", "sedd"), tmp_path, fix=False) == []


@pytest.mark.parametrize("value", ["Infinity", "%0999999999d", "%s"])
def test_modulo_of_a_config_string_is_unknown_and_never_formats(value: str) -> None:
    assert isinstance(evaluate("x % 4", SimpleEnv({"x": value})), Unknown)


def test_percent_formatting_in_a_rule_expression_is_refused_when_compiled() -> None:
    with pytest.raises(ExprError, match="%-formatting"):
        compile_expr("'%d' % x")


def test_a_config_string_in_a_product_is_unknown_not_a_failed_rule(tmp_path: Path) -> None:
    """``accum: 2xxx…`` is a string; CFG802 multiplies ngpus by it."""
    text = SEDD_STRING_BATCH.replace("batch_size: Infinity", "batch_size: 8").replace(
        "accum: 4", "accum: 2" + "x" * 60_000)
    assert run_input(Input(text, "yaml", "sedd"), tmp_path, fix=False) == []
    assert isinstance(evaluate("n * x", SimpleEnv({"n": 10**6, "x": "ab"})), Unknown)


def test_a_target_longer_than_a_file_name_may_be_is_not_an_internal_error(
        tmp_path: Path) -> None:
    """Looking ``_target_`` up as a module of the repository: Python 3.11's
    ``Path.is_dir`` raises ENAMETOOLONG on a name of 300 characters."""
    text = "_target_: s" + "x" * 300 + "\n"
    assert run_input(Input(text, "yaml"), tmp_path, fix=False) == []


def test_an_infinite_onetrainer_integer_keeps_its_default_when_fixed(tmp_path: Path) -> None:
    """``"batch_size": 1e309`` is inf in JSON; int(inf) raises OverflowError, which
    OneTrainer's from_dict catches like any other conversion error."""
    text = ('{"model_type": "FLUX_DEV_1", "batch_size": 1e309, "learning_rate": 0.0003,\n'
            ' "transformer": {"train": true, "weight_dtype": "NFLOAT_4"}}\n')
    assert run_input(Input(text, "json", "onetrainer"), tmp_path, fix=True, unsafe=True) == []


def test_a_sigma_too_large_for_a_float_is_not_an_internal_error(tmp_path: Path) -> None:
    """CFG801 compares noise.sigma_max with SEDD's default: float() of a 900-digit
    integer overflows."""
    text = SEDD_STRING_BATCH.replace("batch_size: Infinity", "batch_size: 8").replace(
        "type: loglinear", "type: loglinear\n  sigma_min: 1e-4\n  sigma_max: " + "1" * 900)
    assert run_input(Input(text, "yaml", "sedd"), tmp_path, fix=True, unsafe=True) == []


MUSUBI_NEAR_KEYS = """\
warmup_steps = 500
eval_every_n_epochs = 1
activation_checkpointing = true
transformer_dtype = "bfloat16"
type = "lora"
dtype = "bfloat16"
[optimizer]
"""


def test_unsafe_renames_reach_their_fixpoint_in_one_run(tmp_path: Path) -> None:
    """Several near-miss renames, two of them to the same key: after one fix of a round the
    others' edits were stale; they were tried at old offsets, rejected, and left for a
    second run."""
    inp = Input(MUSUBI_NEAR_KEYS, "toml", "musubi-tuner")
    assert run_input(inp, tmp_path, fix=True, unsafe=True) == []


# sd-scripts option names read as a SimpleTuner file: many near-miss renames, some of
# them to one target, so the fixes of a round never verify together
SD_NAMES_AS_SIMPLETUNER = """\
bucket_no_upscale = true
bucket_reso_steps = 64
cache_latents = true
caption_extension = ".txt"
clip_skip = 1
dynamo_backend = "no"
enable_bucket = true
epoch = 1
gradient_accumulation_steps = 1
huber_c = 0.1
huber_schedule = "snr"
learning_rate = 0.0001
logging_dir = "out"
loss_type = "l2"
lr_scheduler = "cosine"
lr_scheduler_args = []
lr_scheduler_num_cycles = 1
lr_scheduler_power = 1
max_bucket_reso = 2048
max_data_loader_n_workers = 0
max_grad_norm = 1
max_timestep = 1000
max_token_length = 150
max_train_steps = 1496
min_bucket_restwork_alpha = 1
network_args = []
network_dim = 8
network_module = "networks.lora"
noise_offset_type = "Original"
optimizer_args = []
optimizer_type = "AdamW8bit"
output_dir = "out"
output_name = "demo"
pretrained_model_name_or_path = "runwayml/stable-diffusion-v1-5"
prior_loss_weight = 1
resolution = "512,512"
sample_prompts = "out"
sample_sampler = "euler_a"
save_every_n_epochs = 1
save_model_as = "safetensors"
save_precision = "fp16"
seed = 0
text_encoder_lr = 0.0001
train_batch_size = 1
train_data_dir = "out"
training_comment = "a note"
unet_lr = 0.0001
xformers = true
"""


def test_fixes_that_only_verify_one_at_a_time_all_land_in_one_run(tmp_path: Path) -> None:
    """When a round's fixes fail together, each is applied alone with edits made for the
    text as it then is, without spending a round per fix: a second run changes nothing."""
    inp = Input(SD_NAMES_AS_SIMPLETUNER, "toml", "simpletuner")
    assert run_input(inp, tmp_path, fix=True, unsafe=True) == []


W_AND_B_SWEEP = """\
program: train.py
method: random
metric:
  name: val_loss
  goal: minimize
parameters:
  learning_rate:
    {distribution}min: {low}
    max: 1.0
  batch_size:
    values: [16, 32]
"""


@pytest.mark.parametrize(("distribution", "low"), [
    ("", "9" * 400),  # past the float range
    ("distribution: log_uniform\n    ", "-" + "9" * 400),
    ("distribution: log_uniform\n    ", "800"),  # exp(800) is past the float range
])
def test_sweep_bounds_past_the_float_range_are_not_an_internal_error(
        tmp_path: Path, distribution: str, low: str) -> None:
    text = W_AND_B_SWEEP.format(distribution=distribution, low=low)
    assert run_input(Input(text, "yaml"), tmp_path, fix=False) == []


def test_an_onetrainer_eps_past_the_float_range_is_not_an_internal_error(
        tmp_path: Path) -> None:
    text = ('{"model_type": "STABLE_DIFFUSION_XL_10_BASE", "training_method": "LORA",\n'
            ' "optimizer": {"optimizer": "ADAMW", "eps": ' + "9" * 400 + '}}\n')
    assert run_input(Input(text, "json", "onetrainer"), tmp_path, fix=False) == []


@pytest.mark.parametrize("digits", [400, 4400])
def test_a_long_base_60_integer_is_not_an_internal_error(tmp_path: Path, digits: int) -> None:
    """``optimizer: 111…1:30`` is a string in YAML 1.2 and an integer in base 60 to PyYAML:
    a float overflowed on it, and past Python's conversion limit PyYAML fails on it."""
    text = f"learning_rate: 1.0e-4\nlora_rank: 4\noptimizer: {'1' * digits}:30\n"
    for fix in (False, True):
        assert run_input(Input(text, "yaml", None), tmp_path, fix=fix) == []


def test_base_60_integers_are_whole_numbers_as_pyyaml_reads_them() -> None:
    import yaml

    from cfglint.source.yaml_dialect import resolve_plain

    for text in ("1:30", "-1:30:15", "190:20:30", "1_0:30", "9" * 400 + ":59"):
        assert resolve_plain(text, "yaml11") == yaml.safe_load(f"x: {text}")["x"]


@pytest.mark.parametrize("warmup", ["1e309", "-1e309", "NaN"])
def test_a_onetrainer_warmup_no_number_can_be_is_reported_not_an_internal_error(
        tmp_path: Path, warmup: str) -> None:
    """OneTrainer applies int() to warmup batches over accumulation: an infinity or NaN
    there stops it, and cfglint derived the optimizer steps the same way."""
    from cfglint.pipeline import RunOptions, lint_document
    from cfglint.settings import Settings
    from cfglint.source.read import parse_text

    text = ('{"model_type": "STABLE_DIFFUSION_XL_10_BASE", "training_method": "LORA",\n'
            f' "learning_rate_warmup_steps": {warmup}, "optimizer": {{"optimizer": "ADAMW"}}}}\n')
    assert run_input(Input(text, "json", "onetrainer"), tmp_path, fix=True, unsafe=True) == []
    doc = parse_text("ot.json", text, "json")
    found = lint_document(doc, Settings(), RunOptions(family="onetrainer")).findings
    assert any(f.code == "CFG008" and f.key_text == "learning_rate_warmup_steps" for f in found)
