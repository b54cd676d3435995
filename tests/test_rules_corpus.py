"""The whole rule set over the corpus of real configs.

Every error-level finding on these upstream files must be a real defect, listed here
with the reason; anything else is a bug to fix (a false error costs users trust). The
test also prints findings per rule, the figure the closing notes report.
"""

from __future__ import annotations

import collections
import os

from corpus import require_corpus

from cfglint.runner import Job, run_many

# (corpus path, code, key path) → why it is a real defect of that file
REVIEWED_ERRORS: dict[tuple[str, str, str], str] = {
    ("ai-toolkit/ostris__ai-toolkit/config/examples/train_lora_omnigen2_24gb.yaml", "CFG001", ""):
        "unterminated quote on line 64: PyYAML, ruamel and OmegaConf all reject the file",
    ("ai-toolkit/ostris__ai-toolkit@pr-713/config/examples/train_lora_flux_with_warmup.yaml",
     "CFG303", "config.process[0].train.lr_scheduler_params.warmup_steps"):
        "PR-only example: ai-toolkit HEAD passes lr_scheduler_params to torch's "
        "CosineAnnealingWarmRestarts, which has no warmup_steps argument (TypeError)",
    ("hydra/facebookresearch__hydra/hydra/test_utils/configs/defaults_not_list.yaml", "CFG002",
     "defaults"): "Hydra's own deliberate bad example: the defaults list must be a list",
    ("kohya/kohya-ss__sd-scripts/docs/masked_loss_README.md.block01.toml", "CFG002", "datasets"):
        "doc snippet writes [[datasets.subsets]] without [[datasets]], so `datasets` is a "
        "table; sd-scripts' dataset schema requires a list of datasets",
    ("kohya/kohya-ss__sd-scripts/docs/train_lllite_README.md.block01.toml", "CFG002", "datasets"):
        "same as masked_loss: [[datasets.subsets]] without [[datasets]]",
    ("kohya/kohya-ss__sd-scripts/docs/train_network_README-ja.md.block01.toml", "CFG005", ""):
        "network_args set twice: invalid TOML (the doc lists alternatives side by side)",
    ("kohya/kohya-ss__sd-scripts/docs/train_network_README-ja.md.block02.toml", "CFG005", ""):
        "network_args set twice: invalid TOML",
    ("kohya/kohya-ss__sd-scripts/docs/validation.md.block05.toml", "CFG002",
     "datasets[0].resolution"): "resolution '1024,1024' is a string in a dataset config; "
                                "sd-scripts' voluptuous schema wants an int or [int, int]",
    ("kohya/kohya-ss__sd-scripts/docs/validation.md.block06.toml", "CFG002",
     "datasets[0].resolution"): "same string resolution in the dataset config",
    ("other/bghira__SimpleTuner/simpletuner/examples/auraflow.peft-lora/config.json", "CFG302",
     "lr_warmup_steps"): "warmup 100 steps in a 100-step run: the LR never reaches its peak",
    ("other/bghira__SimpleTuner/simpletuner/examples/hidream.peft-lora/config.json", "CFG302",
     "lr_warmup_steps"): "warmup 400000 steps in a 100-step run",
    ("search-spaces/Gyllz98__pixel_art_diffusion/configs/sweep.yaml", "CFG908",
     "parameters.learning_rate"): "W&B log_uniform takes exponents: min 0.0001, max 0.1 sample "
                                  "exp(...) in [1, 1.105], an LR near 1 in every run",
    ("sedd/architvasan__protein_lig_sedd@aurora-ddp-fixes/configs/config_uniref_test.yaml",
     "CFG302", "optim.warmup"): "warmup 2500 steps in a 20-iteration test run: the LR stays "
                                "below 1% of its peak for the whole run",
}


def test_every_error_on_the_corpus_is_a_reviewed_real_defect() -> None:
    root = require_corpus()
    files = [str(p.relative_to(root)) for p in sorted(root.rglob("*"))
             if p.suffix in (".yaml", ".yml", ".toml", ".json") and p.is_file()]
    cwd = os.getcwd()
    os.chdir(root)
    try:
        results = run_many([Job(f) for f in files])
    finally:
        os.chdir(cwd)
    per_rule: collections.Counter[str] = collections.Counter()
    errors = set()
    for r in results:
        for f in r.findings:
            per_rule[f"{f.code} {f.severity}"] += 1
            if f.severity == "error":
                errors.add((r.path, f.code, f.key_text))
    print(f"\ncorpus: {len(results)} files, findings per rule: {dict(sorted(per_rule.items()))}")
    unexpected = sorted(errors - REVIEWED_ERRORS.keys())
    gone = sorted(REVIEWED_ERRORS.keys() - errors)
    assert not unexpected, "unreviewed errors:\n" + "\n".join(map(str, unexpected))
    assert not gone, "reviewed errors that no longer fire:\n" + "\n".join(map(str, gone))
