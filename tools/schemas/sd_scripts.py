"""schemas/kohya.schema.json and kohya-dataset.schema.json: kohya-ss/sd-scripts.

``kohya``: the ``--config_file`` TOML, whose top-level tables sd-scripts flattens into
one argparse namespace. ``kohya-dataset``: the ``--dataset_config`` TOML, validated
strictly by sd-scripts' own voluptuous schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.schemas.common import Json, Tree, header, load_descriptions, load_keys
from tools.schemas.nodes import closed_node, flattened_config

SCHEMAS = ["kohya", "kohya-dataset"]

# Case-insensitive optimizer names sd-scripts knows, plus torch.optim class names
# (looked up by getattr on torch.optim) and the schedule-free family.
OPTIMIZERS = [
    "", "AdamW", "AdamW8bit", "PagedAdamW", "PagedAdamW8bit", "PagedAdamW32bit", "Lion",
    "Lion8bit", "PagedLion8bit", "SGDNesterov", "SGDNesterov8bit", "DAdaptation",
    "DAdaptAdam", "DAdaptAdaGrad", "DAdaptAdan", "DAdaptAdanIP", "DAdaptLion", "DAdaptSGD",
    "Prodigy", "AdaFactor", "AdEMAMix8bit", "PagedAdEMAMix8bit", "RAdamScheduleFree",
    "AdamWScheduleFree", "SGDScheduleFree",
    "Adadelta", "Adagrad", "Adam", "Adamax", "ASGD", "LBFGS", "NAdam", "RAdam", "RMSprop",
    "Rprop", "SGD", "SparseAdam", "Muon",
]
# transformers' SchedulerType names plus diffusers' piecewise_constant.
SCHEDULERS = [
    "linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
    "constant_with_warmup", "inverse_sqrt", "reduce_lr_on_plateau", "cosine_with_min_lr",
    "cosine_warmup_with_min_lr", "warmup_stable_decay", "piecewise_constant",
]
# Values sd-scripts handles although its command line would refuse them (TOML skips
# argparse's choices): 'no' is accelerate's own "off", 75 is the default length spelled out.
EXTRA_CHOICES: dict[str, list[Any]] = {"dynamo_backend": ["no"], "max_token_length": [75]}
# Choices whose other values sd-scripts replaces with a fallback instead of failing (a TOML
# value skips argparse's choices check): a warning that says what the run then does.
FALLBACKS: dict[str, str] = {
    "sample_sampler": "a name from the config file skips argparse's choices, and sd-scripts "
                      "then samples with DDIM (kohya-ss/sd-scripts:library/train_util.py, "
                      "get_my_scheduler); training itself is unaffected",
    "save_precision": "any other value leaves the save dtype unset, so sd-scripts saves the "
                      "weights in the dtype they have in training "
                      "(kohya-ss/sd-scripts:library/train_util.py, prepare_dtype)",
}


def build(data: Path) -> dict[str, Json]:
    return {"kohya": _config_file(data), "kohya-dataset": _dataset_config(data)}


def _config_file(data: Path) -> Json:
    keys: dict[str, Json] = load_keys(data, "sd-scripts")["keys"]

    def where(meta: Json) -> str:
        n = len(meta.get("scripts") or [])
        return f"read by {n} training script{'s' if n != 1 else ''}" if n else ""

    def tweak(path: str, s: Json) -> None:
        if path == "optimizer_type":
            s["if"] = {"pattern": r"\."}
            s["else"] = {"x-cfglint-enum-ci": OPTIMIZERS}
            s.pop("examples", None)
        if path == "lr_scheduler":
            s["if"] = {"pattern": "^adafactor"}
            s["else"] = {"enum": SCHEDULERS}
            s.pop("examples", None)
        if path in EXTRA_CHOICES:
            s["enum"] = s["enum"] + EXTRA_CHOICES[path]
        if path in FALLBACKS:
            s["x-cfglint-consequence"] = {"bad-value": FALLBACKS[path],
                                          "bad-value-severity": "warning"}
        if (keys.get(path) or {}).get("action") == "store_true":
            # sd-scripts only tests a flag's truth (`if args.flag:`), so 0 and 1 work as
            # false and true; the kohya_ss GUI writes persistent_data_loader_workers as int
            s["type"] = ["boolean", "integer"]
            s["description"] = s["description"].replace(
                "(a boolean)", "(a boolean; an integer counts as its truth value)")
        if path == "resume":  # false reads as "no state to resume" (a truthiness test)
            del s["type"]
            s["anyOf"] = [{"type": "string"}, {"const": False}]

    ctx = {"tweak": tweak, "where": where, "desc": load_descriptions(data, "kohya")}
    return flattened_config(
        keys, ctx, "kohya", "sd-scripts training config (--config_file)",
        "kohya-ss/sd-scripts TOML given to --config_file. Top-level tables are "
        "flattened into one namespace (their names are free); values reach the "
        "script without argparse's conversion or choices check, so types are strict.",
        "sd-scripts")


def _dataset_config(data: Path) -> Json:
    keys: dict[str, Json] = load_keys(data, "sd-scripts-dataset")["keys"]

    def where(meta: Json) -> str:
        modes = meta.get("modes") or []
        return "" if len(modes) >= 3 else ("only for " + "/".join(modes) if modes else "")

    tree = Tree()
    for path, meta in keys.items():
        tree.add(path, meta)
    root = closed_node(tree, "", keys.get,
                       {"where": where, "desc": load_descriptions(data, "kohya-dataset")})
    root.pop("description", None)
    doc = header("kohya-dataset", "sd-scripts dataset config (--dataset_config)",
                 "kohya-ss/sd-scripts dataset TOML: [general], [[datasets]], "
                 "[[datasets.subsets]]. sd-scripts validates it strictly: unknown keys and "
                 "wrong types stop the run.", "sd-scripts' dataset config")
    return {**doc, **root, "x-cfglint-unknown-keys": "rejected"}
