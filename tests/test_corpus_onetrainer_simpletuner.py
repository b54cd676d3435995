# ruff: noqa: E501
"""OneTrainer and SimpleTuner over the corpus: every rule warning on their files is a
reviewed real finding, their own presets and examples pass their schemas, and files of
trainers cfglint does not support get none of these trainers' findings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus import lint_relative, manifest, require_corpus

from cfglint.families import detect_family
from cfglint.findings import FileResult
from cfglint.schema import schema_findings
from cfglint.source.read import read_path

FAMILIES = ("onetrainer", "simpletuner")
SCHEMA_CODES = {"CFG002", "CFG003", "CFG005", "CFG701"}  # reviewed in test_schema_corpus

# (corpus path, code, key) → why the warning is true of that file
REVIEWED_WARNINGS: dict[tuple[str, str, str], str] = {
    **{(f"onetrainer/Nerogar__OneTrainer/training_presets/{p}", "CFG202", ""):
       "built-in LoRA preset without lora_alpha: alpha 1 at rank 16 scales the adapter by 1/16, "
       "so its lr 3e-5 acts as 1.9e-6"
       for p in ("Anima/#anima LoRA.json", "Flux 2/#flux2 LoRA 16GB.json",
                 "Flux 2/#flux2 LoRA 8GB.json", "Ideogram 4/#ideogram LoRA 16GB.json",
                 "Ideogram 4/#ideogram LoRA 24GB.json")},
    ("onetrainer/Nerogar__OneTrainer/training_presets/PixArt Sigma/#pixart sigma 1.0 LoRA.json",
     "CFG204", "learning_rate"):
        "lr 1e-5 with alpha 1 at rank 16: the adapter moves at an effective 6.25e-7",
    ("onetrainer/Nerogar__OneTrainer/training_presets/SD3/#sd 3 LoRA.json", "CFG401", "model_type"):
        "the SD3 presets keep the FLOAT_16 autocast default; OneTrainer's bf16 fallback covers "
        "only the T5 encoder, not the SD3 transformer",
    ("onetrainer/Nerogar__OneTrainer/training_presets/SD3/#sd 3.json", "CFG401",
     "transformer.weight_dtype"):
        "same FLOAT_16 autocast on the SD3 transformer in the fine-tune preset",
    ("onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_finetune_train.json", "CFG204",
     "learning_rate"): "full SDXL fine-tune at lr 1e-5, above the documented full fine-tune band",
    ("onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_high_sdxl.json", "CFG211",
     "text_encoder.learning_rate"): "SDXL LoRA that also trains the text encoder",
    ("onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_lora_train.json", "CFG211",
     "text_encoder.learning_rate"): "SDXL LoRA that also trains the text encoder",
    ("other/bghira__SimpleTuner/simpletuner/examples/minimaxh3-t2v-fp8-141g.peft-lora+anyflow/config.json",
     "CFG102", "ema_decay"):
        "EMA decay 0.999 updated every 5 of 8000 steps: its horizon is most of the 1600 updates",
}


def _results(prefixes: tuple[str, ...]) -> Iterator[FileResult]:
    root = require_corpus()
    files = [row["corpus_path"] for row in manifest()
             if row["corpus_path"].startswith(prefixes)]
    yield from lint_relative(root, files)


@pytest.fixture(scope="module")
def results() -> list[FileResult]:
    return list(_results(("onetrainer/", "simpletuner/", "other/", "axolotl/")))


def test_every_rule_warning_on_onetrainer_and_simpletuner_files_is_reviewed(
        results: list[FileResult]) -> None:
    found = {(r.path, f.code, f.key_text) for r in results if r.family in FAMILIES
             for f in r.findings
             if f.severity == "warning" and f.code not in SCHEMA_CODES}
    assert sorted(found - REVIEWED_WARNINGS.keys()) == []
    assert sorted(REVIEWED_WARNINGS.keys() - found) == []


def test_unsupported_trainers_get_no_trainer_specific_findings(
        results: list[FileResult]) -> None:
    """axolotl configs and the other/ files no trainer claims stay generic: no unknown-key,
    duplicate-key or run-length finding that would judge them by another trainer's rules."""
    checked = 0
    for r in results:
        if not r.path.startswith("axolotl/") and r.family in FAMILIES:
            continue
        if r.path.startswith("other/bghira__SimpleTuner/"):
            continue
        checked += 1
        codes = {f.code for f in r.findings}
        assert not codes & {"CFG701", "CFG005", "CFG309", "CFG311", "CFG302"}, (r.path, codes)
        if r.path.startswith("axolotl/"):
            assert r.family == "generic", r.path
    assert checked > 60


@pytest.mark.parametrize(("prefix", "allowed"), [
    ("onetrainer/Nerogar__OneTrainer/training_presets/", set()),
    ("other/bghira__SimpleTuner/", {("other/bghira__SimpleTuner/simpletuner/examples/anima.peft-lora/multidatabackend.json", "CFG701", "[0].caption_column")}),
])
def test_the_trainers_own_presets_and_examples_pass_their_schemas(
        prefix: str, allowed: set[tuple[str, str, str]]) -> None:
    root = require_corpus()
    found = set()
    for row in manifest():
        path = row["corpus_path"]
        if not path.startswith(prefix):
            continue
        doc = read_path(str(Path(root) / path))
        family = detect_family(doc)
        assert family in FAMILIES, path
        found |= {(path, f.code, f.key_text) for f in schema_findings(doc, family)}
    assert found == allowed
