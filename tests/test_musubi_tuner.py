"""musubi-tuner: its --config_file TOML and --dataset_config, told apart from sd-scripts'
files of the same frame, with facts that carry the WAN 2.2 expert and timestep settings."""

from __future__ import annotations

import pytest
from facts_helpers import doc_of, fact, facts_of

from cfglint.facts.model import Unknown
from cfglint.families import detect_family, get_family
from cfglint.pipeline import lint_document
from cfglint.settings import Settings

TRAIN = """\
[model]
dit = "/models/wan2.2_t2v_low_noise_14B_fp16.safetensors"
dit_high_noise = "/models/wan2.2_t2v_high_noise_14B_fp16.safetensors"
task = "t2v-A14B"
dataset_config = "dataset.toml"

[network]
network_module = "networks.lora_wan"
network_dim = 32
network_alpha = 16

[optimizer]
optimizer_type = "adamw8bit"
learning_rate = 2e-4
lr_scheduler = "cosine"
lr_warmup_steps = 0.05

[training]
max_train_steps = 3000
mixed_precision = "bf16"
timestep_sampling = "shift"
discrete_flow_shift = 3.0
"""

DATASET = """\
[general]
resolution = [960, 544]
caption_extension = ".txt"
batch_size = 2
enable_bucket = true

[[datasets]]
video_directory = "/data/clips"
cache_directory = "/data/clips/cache"
target_frames = [1, 25, 45]
frame_extraction = "head"

[[datasets]]
image_directory = "/data/stills"
cache_directory = "/data/stills/cache"
num_repeats = 2
"""

SD_DATASET = """\
[general]
shuffle_caption = true
caption_extension = ".txt"

[[datasets]]
resolution = 1024
batch_size = 2

  [[datasets.subsets]]
  image_dir = "/data/train"
  num_repeats = 10
"""


def codes(text: str) -> list[tuple[str, str]]:
    result = lint_document(doc_of(text, "toml"), Settings())
    return [(f.code, f.key_text) for f in result.findings]


# --- detection ----------------------------------------------------------------------------

def test_training_and_dataset_configs_are_musubis_with_their_own_schema() -> None:
    train, data = doc_of(TRAIN, "toml"), doc_of(DATASET, "toml")
    assert detect_family(train) == detect_family(data) == "musubi-tuner"
    family = get_family("musubi-tuner")
    assert family.schema_for(train) == "musubi-tuner"
    assert family.schema_for(data) == "musubi-tuner-dataset"


def test_sd_scripts_files_of_the_same_frame_stay_sd_scripts() -> None:
    assert detect_family(doc_of(SD_DATASET, "toml")) == "kohya-dataset"
    sd = 'pretrained_model_name_or_path = "sdxl.safetensors"\nnetwork_module = "networks.lora"\n'
    assert detect_family(doc_of(sd + "network_dim = 16\n", "toml")) == "kohya"


@pytest.mark.parametrize("text", [
    # a preset of a GUI for musubi-tuner: its own key names, not a --config_file
    'arch = "Wan2.1"\n_source_script = "train.ps1"\ndit_path = "/m/dit.safetensors"\n'
    'learning_rate = "2e-4"\nnetwork_dim = 32\n',
    # a dataset frame with only the keys both trainers share
    "[general]\nresolution = 512\n\n[[datasets]]\nbatch_size = 1\n",
])
def test_files_that_are_not_musubis_own_are_not_claimed(text: str) -> None:
    assert detect_family(doc_of(text, "toml")) != "musubi-tuner"


def test_a_gui_preset_for_musubi_is_not_an_sd_scripts_config_either() -> None:
    text = ('_source_script = "train.ps1"\ndit_path = "/m/dit.safetensors"\n'
            'learning_rate = 1e-4\noptimizer_type = "AdamW8bit"\nnetwork_dim = 32\n'
            'max_train_epochs = 8\nmixed_precision = "bf16"\n')
    assert detect_family(doc_of(text, "toml")) == "generic"


# --- facts --------------------------------------------------------------------------------

def test_flattened_training_facts_follow_musubis_parser() -> None:
    _, f = facts_of(TRAIN, "toml", "musubi-tuner")
    assert fact(f, "lr").value == 2e-4 and fact(f, "lr").key == ("optimizer", "learning_rate")
    assert (fact(f, "lora.rank").value, fact(f, "lora_scale").value) == (32, 0.5)
    assert fact(f, "optimizer.is_8bit").value is True
    assert (fact(f, "warmup.unit").value, fact(f, "warmup.steps").value) == ("ratio", 150)
    assert fact(f, "total_steps").value == 3000
    assert fact(f, "precision.train_dtype").value == "fp32"
    assert fact(f, "train_te").value is False and fact(f, "ema.enabled").value is False


def test_wan22_two_expert_run_has_the_tasks_boundary() -> None:
    _, f = facts_of(TRAIN, "toml", "musubi-tuner")
    assert fact(f, "model.family").value == "wan22"
    assert fact(f, "moe.expert").value == "both"
    boundary = fact(f, "moe.boundary")
    assert (boundary.value, boundary.origin) == (0.875, "default")
    _, g = facts_of(TRAIN.replace('task = "t2v-A14B"', "timestep_boundary = 900"), "toml",
                    "musubi-tuner")
    assert fact(g, "moe.boundary").value == 0.9
    _, h = facts_of(TRAIN.replace('task = "t2v-A14B"', ""), "toml", "musubi-tuner")
    assert isinstance(fact(h, "moe.boundary").value, Unknown)


def test_shift_is_read_only_in_shift_mode_and_facts_say_which_mode_runs() -> None:
    _, f = facts_of(TRAIN, "toml", "musubi-tuner")
    assert fact(f, "noise.discrete_flow_shift").value == 3.0
    assert fact(f, "noise.shift_mode").value == "constant"
    qwen = TRAIN.replace('timestep_sampling = "shift"', 'timestep_sampling = "qwen_shift"')
    _, g = facts_of(qwen, "toml", "musubi-tuner")
    assert fact(g, "noise.shift_mode").value == "resolution"
    assert "read only when" in fact(g, "noise.discrete_flow_shift").note


def test_sigma_mode_trains_the_opposite_end_of_a_timestep_range() -> None:
    high = 'dit_high_noise = "/models/wan2.2_t2v_high_noise_14B_fp16.safetensors"\n'
    single = TRAIN.replace(high, "").replace('timestep_sampling = "shift"\n', "")
    expert = "min_timestep = 875\nmax_timestep = 1000\n"
    _, f = facts_of(single + expert, "toml", "musubi-tuner")
    assert fact(f, "noise.timestep_sampling").value == "sigma"
    assert (fact(f, "noise.t_min").value, fact(f, "noise.t_max").value) == pytest.approx(
        (0.0, 0.125))
    assert fact(f, "moe.expert").value == "low"
    _, g = facts_of(single + 'timestep_sampling = "shift"\n' + expert, "toml", "musubi-tuner")
    assert (fact(g, "noise.t_min").value, fact(g, "noise.t_max").value) == pytest.approx(
        (0.875, 1.0))


def test_zero_alpha_means_alpha_equals_rank() -> None:
    _, f = facts_of(TRAIN.replace("network_alpha = 16", "network_alpha = 0"), "toml",
                    "musubi-tuner")
    assert fact(f, "lora_scale").value == 1.0


def test_dataset_facts_are_one_value_when_every_dataset_agrees() -> None:
    _, f = facts_of(DATASET, "toml", "musubi-tuner")
    assert (fact(f, "batch").value, fact(f, "resolution").value) == (2, 960)
    assert isinstance(fact(f, "dataset.repeats").value, Unknown)  # 1 (default) and 2


# --- schemas ------------------------------------------------------------------------------

def test_valid_files_have_no_schema_findings() -> None:
    assert [c for c in codes(TRAIN) if c[0] in ("CFG002", "CFG003", "CFG701")] == []
    assert codes(DATASET) == []


def test_image_keys_in_a_video_dataset_and_sd_scripts_keys_stop_the_run() -> None:
    bad = DATASET.replace('frame_extraction = "head"', 'frame_extraction = "head"\n'
                          "no_resize_control = true\nshuffle_caption = true")
    assert sorted(codes(bad)) == [("CFG701", "datasets[0].no_resize_control"),
                                  ("CFG701", "datasets[0].shuffle_caption")]
    found = lint_document(doc_of(bad, "toml"), Settings()).findings
    assert all("rejects the file" in f.message for f in found)


def test_cache_directory_in_general_is_rejected_and_deprecated_names_still_load() -> None:
    assert codes(DATASET.replace("batch_size = 2", "batch_size = 2\ncache_directory = 'c'")) == [
        ("CFG701", "general.cache_directory")]
    old_name = "num_repeats = 2\nflux_kontext_no_resize_control = true"
    text = DATASET.replace("num_repeats = 2", old_name)
    assert codes(text) == []


def test_training_keys_are_the_union_of_every_scripts_arguments() -> None:
    assert ("CFG701", "network.network_dims") in codes(
        TRAIN.replace("network_dim = 32", "network_dims = 32"))
    assert ("CFG005", "training.mixed_precision") in codes(TRAIN.replace(
        "[training]\n", '[training]\nmixed_precision = "fp16"\n[other]\n'))


def test_a_task_that_is_no_name_leaves_the_model_to_the_other_keys() -> None:
    text = TRAIN.replace('task = "t2v-A14B"', 'task = {kind = "t2v"}').replace(
        'dit_high_noise = "/models/wan2.2_t2v_high_noise_14B_fp16.safetensors"\n', "")
    _, f = facts_of(text, "toml", "musubi-tuner")
    assert fact(f, "model.family").value == "wan22"  # from the dit path's expert name
    yaml_text = "task:\n  kind: t2v\nlearning_rate: 1.0e-4\n"
    _, g = facts_of(yaml_text, "yaml", "musubi-tuner")
    assert fact(g, "model.family").value == "unknown"
