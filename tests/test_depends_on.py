"""Findings name the other keys that made them true (the review bot anchors on them)."""

from __future__ import annotations

from cfglint.facts.model import Facts
from cfglint.findings import Finding
from cfglint.pipeline import lint_document
from cfglint.settings import Settings
from cfglint.source.read import parse_text

KOHYA_WARMUP = (
    'pretrained_model_name_or_path = "stabilityai/stable-diffusion-xl-base-1.0"\n'
    'network_module = "networks.lora"\n'
    "network_dim = 16\n"
    "network_alpha = 8\n"
    "learning_rate = 1e-4\n"
    'lr_scheduler = "cosine"\n'
    "lr_warmup_steps = {warmup}\n"
    "{length}\n"
)


def _finding(text: str, fmt: str, code: str) -> Finding:
    result = lint_document(parse_text("cfg." + fmt, text, fmt), Settings())  # type: ignore[arg-type]
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, [f.code for f in result.findings]
    return found[0]


def test_a_warmup_finding_depends_on_the_run_length_key() -> None:
    f = _finding(KOHYA_WARMUP.format(warmup=600, length="max_train_steps = 1000"), "toml",
                 "CFG302")
    assert f.key == ("lr_warmup_steps",)
    assert ("max_train_steps",) in f.depends_on
    assert f.key not in f.depends_on


def test_a_ratio_warmup_depends_on_the_run_length_through_the_derived_warmup() -> None:
    f = _finding(KOHYA_WARMUP.format(warmup=0.6, length="max_train_steps = 1000"), "toml",
                 "CFG302")
    assert ("max_train_steps",) in f.depends_on


def test_the_keys_behind_a_derived_fact_follow_its_inputs_once() -> None:
    facts = Facts("generic")
    facts.set("epochs", 3, key=("epochs",))
    facts.set("steps_per_epoch", 10, "derived", key=("data", "size"), inputs=("batch",))
    facts.set("batch", 4, key=("batch",))
    facts.set("total_steps", 30, "derived", key=("epochs",), inputs=("epochs", "steps_per_epoch"))
    assert facts.keys_behind(["total_steps", "batch"]) == [("epochs",), ("data", "size"),
                                                           ("batch",)]


def test_a_horizon_finding_depends_on_the_total_iterations_key() -> None:
    text = ("name: x\nmodel_type: SRModel\nnetwork_g:\n  type: RRDBNet\ntrain:\n"
            "  optim_g:\n    type: Adam\n    lr: !!float 2e-4\n  scheduler:\n"
            "    type: CosineAnnealingLR\n    T_max: 1000\n  total_iter: 5000\n")
    f = _finding(text, "yaml", "CFG307")
    assert ("train", "total_iter") in f.depends_on


def test_depends_on_stays_out_of_the_json_contract() -> None:
    f = _finding(KOHYA_WARMUP.format(warmup=600, length="max_train_steps = 1000"), "toml",
                 "CFG302")
    assert "depends_on" not in f.to_json()
