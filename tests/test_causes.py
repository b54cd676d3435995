"""One root cause gives one finding, and one key gets at most one suggested value."""

from __future__ import annotations

from cfglint.findings import Finding
from cfglint.pipeline import RunOptions, lint_document
from cfglint.settings import Settings
from cfglint.source.read import parse_text

KOHYA_HIGH_LR = """\
pretrained_model_name_or_path = "sdxl_base.safetensors"
network_module = "networks.lora"
network_dim = 16
network_alpha = 16
optimizer_type = "AdamW8bit"
learning_rate = 1e-3
max_train_steps = 3000
"""


def _lint(text: str, fmt: str, family: str) -> list[Finding]:
    doc = parse_text(f"x.{fmt}", text, fmt)  # type: ignore[arg-type]
    return lint_document(doc, Settings(), RunOptions(family=family)).findings


def test_an_lr_too_high_for_8bit_adam_is_one_finding_with_the_others_as_notes() -> None:
    findings = _lint(KOHYA_HIGH_LR, "toml", "kohya")
    lr = [f for f in findings if f.code in ("CFG201", "CFG204", "CFG205")]
    assert [f.code for f in lr] == ["CFG205"]
    (f,) = lr
    assert sorted(r.code for r in f.related) == ["CFG201", "CFG204"]
    # placed on the line its fix edits, with the one suggestion that satisfies every rule
    assert (f.line, f.key) == (6, ("learning_rate",))
    assert f.fix is not None and [e.content for e in f.fix.edits] == ["0.00012"]


def test_suggestions_for_one_key_are_merged_into_the_most_conservative() -> None:
    # without the 8-bit optimizer only the band rule and the alpha note are left
    text = KOHYA_HIGH_LR.replace('"AdamW8bit"', '"AdamW"')
    findings = [f for f in _lint(text, "toml", "kohya") if f.key == ("learning_rate",)
                and f.fix is not None]
    assert len(findings) == 1
    assert [r.code for r in findings[0].related] == ["CFG201"]


def test_a_string_lr_is_one_yaml_typing_finding_not_also_a_type_error() -> None:
    text = ("name: x\nmodel_type: SRModel\nnetwork_g: {type: RRDBNet}\n"
            "train:\n  optim_g:\n    type: Adam\n    lr: 2e-4\n  total_iter: 1000\n")
    on_lr = [f for f in _lint(text, "yaml", "basicsr") if f.line == 7]
    assert [f.code for f in on_lr] == ["CFG705"]
    assert [r.code for r in on_lr[0].related] == ["CFG002"]


def test_a_duplicated_unknown_key_is_reported_as_unknown_only() -> None:
    text = "[a]\nnetwrk_dim = 8\n[b]\nnetwrk_dim = 8\n"
    codes = sorted(f.code for f in _lint(text, "toml", "kohya") if f.line == 4)
    assert codes == ["CFG701"]
