"""schemas/musubi-tuner.schema.json and musubi-tuner-dataset.schema.json:
kohya-ss/musubi-tuner's ``--config_file`` TOML and its ``--dataset_config``.

The training TOML is read like sd-scripts': every top-level table is flattened into one
argparse namespace, values bypass argparse's conversion, and unknown keys are ignored.
The file does not name its script, so the keys are the union of every training script's
arguments. The dataset config is validated strictly (voluptuous): [general] takes six
keys, and a [[datasets]] entry is checked as a video dataset when it has
``video_directory`` or ``video_jsonl_file``, else as an image dataset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.schemas.common import Json, Tree, header, load_descriptions, load_keys
from tools.schemas.nodes import closed_node, flattened_config

SCHEMAS = ["musubi-tuner", "musubi-tuner-dataset"]
TRAINER = "musubi-tuner"
# trainer_base.get_optimizer: three built-in names in any case, else torch.optim.<Name>
# or module.Class (an empty name fails)
OPTIMIZERS = ["AdamW", "AdamW8bit", "Adafactor", "Adadelta", "Adagrad", "Adam", "Adamax",
              "ASGD", "LBFGS", "NAdam", "RAdam", "RMSprop", "Rprop", "SGD", "SparseAdam",
              "Muon"]
VIDEO_MARKERS = ["video_directory", "video_jsonl_file"]
# choices of some scripts only: kandinsky5_train_network takes any of its own task keys
FREE_IN_SOME_SCRIPT = {"task"}


def build(data: Path) -> dict[str, Json]:
    inv = load_keys(data, "musubi-tuner")
    return {"musubi-tuner": _training(data, inv), "musubi-tuner-dataset": _dataset(data, inv)}


def _where(meta: Json) -> str:
    scripts = meta.get("scripts") or []
    if len(scripts) <= 3:
        return "read by " + ", ".join(scripts) if scripts else ""
    return f"read by {len(scripts)} training scripts"


def _training(data: Path, inv: Json) -> Json:
    keys: dict[str, Json] = inv["keys"]

    def tweak(path: str, s: Json) -> None:
        if path == "optimizer_type":
            s["if"] = {"pattern": r"\."}
            s["else"] = {"x-cfglint-enum-ci": OPTIMIZERS}
            s.pop("examples", None)
        if path in FREE_IN_SOME_SCRIPT:
            s["examples"] = s.pop("enum")

    ctx = {"tweak": tweak, "where": _where, "desc": load_descriptions(data, "musubi-tuner")}
    return flattened_config(
        keys, ctx, "musubi-tuner", "musubi-tuner training config (--config_file)",
        "kohya-ss/musubi-tuner TOML given to --config_file of a training script "
        "(wan, hv, fpack, flux_kontext, flux_2, qwen_image, zimage, ...). Top-level "
        "tables are flattened into one namespace; values reach the script without "
        "argparse's conversion or choices check; a key one script does not know is "
        "ignored by it.", TRAINER)


def _dataset(data: Path, inv: Json) -> Json:
    keys: dict[str, Json] = inv["dataset_keys"]
    desc = load_descriptions(data, "musubi-tuner-dataset")
    # deprecated names are renamed before validation: to a key [general] and video datasets
    # reject, to the key itself in an image dataset
    general = {p: m for p, m in keys.items()
               if p.startswith("general.") and not m.get("deprecated")}
    defs: Json = {}
    for mode, article in (("image", "an image"), ("video", "a video")):
        entries = {p: m for p, m in keys.items() if p.startswith("datasets[].")
                   and mode in (m.get("modes") or [])
                   and not (m.get("deprecated") and mode == "video")}
        defs[f"{mode}_dataset"] = _closed(entries, "datasets[]", desc, f"in {article} dataset")
    defs["image_dataset"]["description"] = ("An image dataset (no video_directory or "
                                            "video_jsonl_file).")
    defs["video_dataset"]["description"] = ("A video dataset (it has video_directory or "
                                            "video_jsonl_file).")
    gen = _closed(general, "general", desc, "in [general] (its six keys ascend into every "
                                            "dataset)")
    gen["description"] = desc["general"]
    is_video = {"anyOf": [{"required": [k]} for k in VIDEO_MARKERS]}
    doc = header("musubi-tuner-dataset", "musubi-tuner dataset config (--dataset_config)",
                 "kohya-ss/musubi-tuner dataset TOML: [general] and [[datasets]] (no subsets). "
                 "musubi-tuner validates it strictly: unknown keys and wrong types stop the "
                 "training and caching scripts.", "musubi-tuner's dataset config",
                 rejects_unknown=True)
    return {**doc, "type": "object", "additionalProperties": False, "properties": {
        "general": gen,
        "datasets": {"description": desc["datasets"], "type": "array",
                     "items": {"type": "object", "if": is_video,
                               "then": {"$ref": "#/$defs/video_dataset"},
                               "else": {"$ref": "#/$defs/image_dataset"}}}},
        "$defs": defs}


def _closed(entries: dict[str, Json], prefix: str, desc: dict[str, str], where: str) -> Json:
    """A closed object of ``entries`` (inventory paths under ``prefix``)."""
    tree = Tree()
    for path, meta in entries.items():
        tree.add(path[len(prefix) + 1:], meta)
    norm = prefix.replace("[]", "")

    def meta_of(path: str) -> Json | None:
        return entries.get(f"{prefix}.{path}") if path else {"type": "object"}

    def tweak(path: str, s: Json) -> None:
        meta: Any = entries.get(f"{prefix}.{path}") or {}
        if meta.get("deprecated") and meta.get("aliases"):
            s["description"] = (f"Earlier name of `{meta['aliases'][0]}`; musubi-tuner renames "
                                "it on load (with a warning).")

    ctx = {"desc": {k.split(".", 1)[1]: v for k, v in desc.items() if k.startswith(norm + ".")},
           "tweak": tweak}
    out = closed_node(tree, "", meta_of, ctx)
    out["x-cfglint-where"] = where
    return out
