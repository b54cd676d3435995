"""Search spaces from public repositories: no crash, every finding reviewed by hand, no
false error; and the space families never claim an ordinary training config."""

from __future__ import annotations

import collections

from corpus import lint_relative, manifest, require_corpus

from cfglint.families import claim, detect_scores
from cfglint.source.read import format_for, read_path

SPACE = "search-spaces/"
V15 = "search-spaces/optuna__optuna@v1.5.0/examples/"
EDU = "search-spaces/wandb__edu/"
DEPRECATED = "true: Optuna 1.5 example, suggest_uniform/loguniform deprecated since 3.0"
EXP = "true: wandb sweep reads YAML with PyYAML, so 1e-5 is a string (wandb/wandb#1129)"

# (corpus path, code) → (verdict, reason), for every finding on the search-space corpus
REVIEWED: dict[tuple[str, str], tuple[str, str]] = {
    (f"{SPACE}Gyllz98__pixel_art_diffusion/configs/sweep.yaml", "CFG908"):
        ("true", "log_uniform with min 0.0001, max 0.1 samples exp(...) in [1, 1.105]: the LR "
                 "is about 1 in every run"),
    (f"{SPACE}JetBrains-Research__docs-fine-tuning@bug-assignment/sweep_config.yaml", "CFG705"):
        ("true", "values [1e-5, 9e-6, ...] are strings to the sweep's PyYAML loader"),
    (f"{SPACE}optuna__optuna-examples/basic/quadratic_constraint.py", "CFG904"):
        ("true (advice)", "y in [-1, 0, 1] as a categorical: suggest_int(-1, 1) is the ordered "
                          "equivalent; info only"),
    (f"{SPACE}optuna__optuna-examples/transformers/transformers_simple.py", "CFG904"):
        ("true (advice)", "per_device_train_batch_size as a categorical of 16/32/64/128: an "
                          "ordered log range says more to TPE; info only"),
    (f"{SPACE}optuna__optuna-examples/multi_objective/pytorch_simple.py", "CFG903"):
        ("true", "suggest_float('lr', 1e-5, 1e-1) without log: 90% of trials above 1e-2"),
    (f"{V15}allennlp/allennlp_simple.py", "CFG902"): ("true", DEPRECATED),
    (f"{V15}chainer_simple.py", "CFG902"): ("true", DEPRECATED),
    (f"{V15}mxnet_simple.py", "CFG902"): ("true", DEPRECATED),
    (f"{V15}pruning/simple.py", "CFG902"): ("true", DEPRECATED),
    (f"{V15}pruning/xgboost_integration.py", "CFG902"): ("true", DEPRECATED),
    (f"{V15}pytorch_lightning_simple.py", "CFG902"): ("true", DEPRECATED),
    (f"{V15}pytorch_simple.py", "CFG902"): ("true", DEPRECATED),
    (f"{V15}tensorflow_eager_simple.py", "CFG902"): ("true", DEPRECATED),
    (f"{EDU}mlops-001/lesson2/sweep.yaml", "CFG705"): ("true", EXP),
    (f"{EDU}model-dev-course/lesson2/sweep.yaml", "CFG705"): ("true", EXP),
    (f"{EDU}pyimagesearch/sweep.yaml", "CFG705"): ("true", EXP),
    (f"{SPACE}wandb__launch-jobs/jobs/sweep_schedulers/wandb_scheduler/example_configs/basic.yaml",
     "CFG903"): ("true", "learning_rate min 0.001 max 1.0 inferred as a linear uniform"),
    (f"{SPACE}wandb__sweeps/src/sweeps/config/schema.json", "CFG007"):
        ("not a config (info)", "W&B's JSON Schema for sweeps, correctly left generic; CFG007 "
                                "is the generic family's own info"),
}


def test_every_finding_on_the_search_space_corpus_is_reviewed_and_no_error_is_false() -> None:
    root = require_corpus()
    files = [str(p.relative_to(root)) for p in sorted((root / SPACE).rglob("*"))
             if p.is_file() and format_for(str(p))]
    results = lint_relative(root, files)
    found = {(r.path, f.code) for r in results for f in r.findings}
    assert found == set(REVIEWED)
    errors = {(r.path, f.code) for r in results for f in r.findings if f.severity == "error"}
    assert all(REVIEWED[e][0] == "true" for e in errors)
    counts = collections.Counter(f.code for r in results for f in r.findings)
    families = collections.Counter(r.family for r in results)
    print(f"\nsearch-space corpus: {len(files)} files, {dict(families)}, findings {dict(counts)}")


# W&B sweeps kept beside the training configs they tune: claiming them is right
SWEEPS_ELSEWHERE = {
    "sedd/architvasan__protein_lig_sedd@aurora-ddp-fixes/configs_OLD/sweep_config.yaml":
        "program/method/parameters with log_uniform_values: a W&B sweep over SEDD training",
    "sedd/architvasan__protein_lig_sedd@aurora-ddp-fixes/configs_OLD/sweeps_config.yaml":
        "program/project/method/parameters: the same project's other W&B sweep",
}


def test_space_families_never_claim_an_ordinary_training_config() -> None:
    root = require_corpus()
    claimed = []
    for row in manifest():
        path = row["corpus_path"]
        if path.startswith(SPACE) or format_for(path) not in ("yaml", "json"):
            continue
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "parameters" not in text:
            continue  # a sweep needs `parameters`: the rest cannot be claimed
        doc = read_path(str(root / path))
        if doc.problems:
            continue
        scores = detect_scores(doc)
        if scores.get("wandb-sweep", 0.0) > 0 or claim(scores).family == "wandb-sweep":
            claimed.append(path)
    assert sorted(claimed) == sorted(SWEEPS_ELSEWHERE)
