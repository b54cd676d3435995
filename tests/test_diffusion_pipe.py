"""diffusion-pipe: detection of its two TOML kinds, facts, and the schema's view of keys
written in a table diffusion-pipe does not read them from (tdrussell/diffusion-pipe#372)."""

from __future__ import annotations

import pytest
from facts_helpers import doc_of, fact, facts_of, span_text

from cfglint.facts.collect import facts_for
from cfglint.facts.model import Unknown
from cfglint.families import detect_family, get_family
from cfglint.findings import FileResult
from cfglint.fix import fix_text
from cfglint.pipeline import lint_document
from cfglint.schema import schema_findings
from cfglint.settings import Settings
from cfglint.source.document import Document

TRAIN = """\
output_dir = '/runs/wan22_high'
dataset = 'dataset.toml'
epochs = 40
micro_batch_size_per_gpu = 1
gradient_accumulation_steps = 4
warmup_steps = 50
save_every_n_epochs = 5
min_t = 0.875  # the high-noise expert's range
max_t = 1.0

[model]
type = 'wan'
ckpt_path = '/models/Wan2.2-T2V-A14B'
transformer_path = '/models/Wan2.2-T2V-A14B/high_noise_model'
dtype = 'bfloat16'
transformer_dtype = 'float8'
timestep_sample_method = 'logit_normal'

[adapter]
type = 'lora'
rank = 32

[optimizer]
type = 'AdamW8bitKahan'
lr = 2e-5
betas = [0.9, 0.99]
weight_decay = 0.01
stabilize = false
"""

DATASET = """\
resolutions = [512, [768, 512]]
enable_ar_bucket = true
min_ar = 0.5
max_ar = 2.0
num_ar_buckets = 7
frame_buckets = [1, 33]

[[directory]]
path = '/data/clips'
num_repeats = 2

[[directory]]
path = '/data/stills'
num_repeats = 2
"""


def lint(doc: Document) -> FileResult:
    return lint_document(doc, Settings())


def codes(text: str) -> list[tuple[str, str]]:
    return [(f.code, f.key_text) for f in lint(doc_of(text, "toml")).findings]


# --- detection ----------------------------------------------------------------------------

def test_training_and_dataset_tomls_are_claimed_with_their_own_schema() -> None:
    train, data = doc_of(TRAIN, "toml"), doc_of(DATASET, "toml")
    assert detect_family(train) == detect_family(data) == "diffusion-pipe"
    family = get_family("diffusion-pipe")
    assert family.schema_for(train) == "diffusion-pipe"
    assert family.schema_for(data) == "diffusion-pipe-dataset"


@pytest.mark.parametrize("text", [
    # an sd-scripts config with a [model] section (names are decoration there)
    "[model]\npretrained_model_name_or_path = 'sdxl.safetensors'\n[training]\nepochs = 3\n",
    # a [model] table naming a type, but with sd-scripts' model input
    "pretrained_model_name_or_path = 'x'\nepochs = 3\n[model]\ntype = 'wan'\n",
    # a `directory` that is not a list of [[directory]] tables
    "directory = '/tmp/out'\nresolutions = [512]\n",
])
def test_other_tomls_are_not_claimed(text: str) -> None:
    assert detect_family(doc_of(text, "toml")) != "diffusion-pipe"


def test_a_model_table_with_a_type_is_never_an_sd_scripts_config() -> None:
    # only names sd-scripts shares: not sd-scripts, and too little to say diffusion-pipe
    text = ("output_dir = 'o'\nlr_scheduler = 'cosine'\nsave_every_n_epochs = 1\n"
            "[model]\ntype = 'flux'\n")
    assert detect_family(doc_of(text, "toml")) == "generic"
    assert detect_family(doc_of("epochs = 9\n" + text, "toml")) == "diffusion-pipe"


# --- facts --------------------------------------------------------------------------------

def test_facts_follow_diffusion_pipes_own_reading() -> None:
    doc, f = facts_of(TRAIN, "toml", "diffusion-pipe")
    assert (fact(f, "lr").value, span_text(doc, fact(f, "lr"))) == (2e-5, "2e-5")
    assert fact(f, "optimizer.name").value == "adamw8bitkahan"
    assert fact(f, "optimizer.is_8bit").value is True
    assert fact(f, "optimizer.args").value["stabilize"] is False
    assert (fact(f, "method").value, fact(f, "lora.rank").value) == ("lora", 32)
    assert fact(f, "lora_scale").value == 1.0 and "lora.alpha" not in f
    assert (fact(f, "model.family").value, fact(f, "moe.expert").value) == ("wan22", "high")
    assert fact(f, "model.prediction").value == "flow"
    assert fact(f, "precision.train_dtype").origin == "default"
    assert fact(f, "precision.train_dtype").value == "bf16"
    assert fact(f, "precision.fp8_base").value is True
    assert fact(f, "precision.grad_scaler").value is False
    assert fact(f, "ema.enabled").value is False
    assert (fact(f, "batch").value, fact(f, "accum").value) == (1, 4)
    assert isinstance(fact(f, "total_steps").value, Unknown)


def test_constant_schedule_with_warmup_is_constant_after_a_linear_warmup() -> None:
    _, f = facts_of(TRAIN, "toml", "diffusion-pipe")
    assert fact(f, "scheduler.name").value == "constant_with_warmup"
    assert (fact(f, "warmup.steps").value, fact(f, "warmup.unit").value) == (50, "steps")
    _, g = facts_of(TRAIN.replace("warmup_steps = 50\n", ""), "toml", "diffusion-pipe")
    assert fact(g, "scheduler.name").value == "constant"


def test_top_level_min_t_is_not_the_timestep_range_wan_trains_on() -> None:
    _, f = facts_of(TRAIN, "toml", "diffusion-pipe")
    t_min = fact(f, "noise.t_min")
    assert (t_min.value, t_min.origin, t_min.key) == (0.0, "default", ("model", "min_t"))
    assert fact(f, "noise.timestep_sampling").value == "logit_normal"
    assert fact(f, "noise.shift_mode").value == "none"


def test_shift_and_sdxl_learning_rates() -> None:
    _, f = facts_of(TRAIN.replace("[model]\n", "[model]\nshift = 3.0\n"), "toml",
                    "diffusion-pipe")
    assert fact(f, "noise.discrete_flow_shift").value == 3.0
    assert fact(f, "noise.shift_mode").value == "constant"
    sdxl = TRAIN.replace("type = 'wan'", "type = 'sdxl'").replace(
        "[adapter]", "unet_lr = 1e-4\n\n[adapter]")
    _, g = facts_of(sdxl, "toml", "diffusion-pipe")
    assert fact(g, "lr.unet").value == 1e-4
    assert (fact(g, "lr.te1").value, fact(g, "lr.te1").origin) == (2e-5, "default")
    assert fact(g, "train_te").value is True
    assert fact(g, "model.prediction").value == "epsilon"
    assert "noise.timestep_sampling" not in g


def test_no_adapter_table_is_a_full_fine_tune() -> None:
    text = TRAIN.replace("[adapter]\ntype = 'lora'\nrank = 32\n", "")
    _, f = facts_of(text, "toml", "diffusion-pipe")
    assert fact(f, "method").value == "full" and "lora_scale" not in f


def test_dataset_facts_take_every_directory_into_account() -> None:
    _, f = facts_of(DATASET, "toml", "diffusion-pipe")
    assert fact(f, "resolution").value == 768
    assert fact(f, "dataset.repeats").value == 2
    _, g = facts_of(DATASET.replace("num_repeats = 2\n", "num_repeats = 3\n", 1), "toml",
                    "diffusion-pipe")
    assert isinstance(fact(g, "dataset.repeats").value, Unknown)


# --- schema: misplaced keys (#372), per-type [model] keys, strict spots ------------------------

def test_misplaced_timestep_range_is_reported_with_a_safe_move_into_model() -> None:
    doc = doc_of(TRAIN, "toml")
    found = {f.key_text: f for f in schema_findings(doc, "diffusion-pipe")}
    assert set(found) == {"min_t", "max_t"}
    f = found["min_t"]
    assert f.code == "CFG701" and "reads `min_t` only under [model]" in f.message
    assert f.fix is not None and f.fix.safety == "safe"


def test_moving_the_key_changes_only_that_key_of_the_trainers_view() -> None:
    doc = doc_of(TRAIN, "toml")
    outcome = fix_text(doc, lint)
    assert outcome.applied == 2
    assert "min_t = 0.875  # the high-noise expert's range" in outcome.text.split("[model]")[1]
    fixed = doc_of(outcome.text, "toml")
    assert detect_family(fixed) == "diffusion-pipe"
    assert not [f for f in lint(fixed).findings if f.code == "CFG701"]
    before = facts_for(doc, get_family("diffusion-pipe")).items
    after = facts_for(fixed, get_family("diffusion-pipe")).items
    changed = {n for n in before.keys() | after.keys()
               if n not in before or n not in after or before[n].value != after[n].value}
    assert changed == {"noise.t_min", "moe.range_in_expert"}  # and what is derived from it
    assert after["noise.t_min"].value == 0.875
    assert after["moe.range_in_expert"].value == 1.0


def test_model_keys_of_other_model_types_are_reported_without_a_rename() -> None:
    text = TRAIN.replace("dtype = 'bfloat16'", "dtype = 'bfloat16'\nvae_path = '/m/vae.pth'")
    [f] = [f for f in schema_findings(doc_of(text, "toml"), "diffusion-pipe")
           if f.key_text == "model.vae_path"]
    assert "for model type 'wan' (other model types read it)" in f.message and f.fix is None


def test_adapter_alpha_stops_the_run() -> None:
    text = TRAIN.replace("rank = 32\n", "rank = 32\nalpha = 16\n")
    assert ("CFG002", "adapter.alpha") in codes(text)


def test_optimizer_keyword_arguments_are_not_checked_and_required_keys_are() -> None:
    text = TRAIN.replace("stabilize = false", "kahan_sum = true")
    assert not [c for c in codes(text) if c[1].startswith("optimizer")]
    assert ("CFG002", "") in codes(TRAIN.replace("epochs = 40\n", ""))


def test_legacy_lora_table_says_where_the_adapter_is_configured() -> None:
    text = TRAIN + "\n[lora]\nrank = 32\ndtype = 'bfloat16'\n"
    [f] = [f for f in lint(doc_of(text, "toml")).findings if f.key_text == "lora.rank"]
    assert "legacy [lora] table" in f.message and "[adapter]" in f.message


def test_dataset_keys_are_checked_against_the_dataset_schema() -> None:
    assert codes(DATASET) == []
    text = DATASET.replace("path = '/data/clips'", "path = '/data/clips'\ncaption_ext = 'txt'")
    assert codes(text) == [("CFG701", "directory[0].caption_ext")]


def test_a_modeline_naming_the_dataset_schema_selects_diffusion_pipe() -> None:
    text = "# yaml-language-server: $schema=urn:cfglint:schema:diffusion-pipe-dataset\n" + DATASET
    doc = doc_of(text, "toml")
    assert detect_family(doc) == "diffusion-pipe"
    assert get_family("diffusion-pipe").schema_for(doc) == "diffusion-pipe-dataset"
