"""schemas/onetrainer*.schema.json: Nerogar/OneTrainer.

``onetrainer``: the training config a preset or the UI saves (``TrainConfig``), with
inline concepts and samples when it is an export. ``onetrainer-concepts`` and
``onetrainer-samples``: the lists ``concept_file_name`` and ``sample_definition_file_name``
point to. Input: ``tools/data/keys/onetrainer.json`` (key paths, the type each key is
registered with, defaults, enum names, the version migrations), written from OneTrainer's
``modules/util/config/*.py``. Descriptions are our own.

Every value goes through ``BaseConfig.from_dict``: unknown keys are ignored, integers and
floats are converted with ``int()``/``float()``, strings with ``str()``, booleans are stored
unconverted, enums are looked up by NAME; a value that does not convert prints
"Could not set" and keeps the default. The schemas say so per key
(``x-cfglint-consequence``), and accept the keys a migration renames while the object's
``__version`` is older than that migration (``x-cfglint-legacy``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tools.schemas.common import (
    ANY_KEY,
    ITEMS,
    VALUE_WORDS,
    Json,
    Tree,
    describe_converted,
    header,
    load_keys,
)

SCHEMAS = ["onetrainer", "onetrainer-concepts", "onetrainer-samples"]
TRAINER = "OneTrainer"

# Our one-liners for the keys that decide a run (inventory path, list indices dropped).
DESCRIPTIONS: dict[str, str] = {
    "__version": "Format version of this object; older files are migrated on load.",
    "model_type": "Model architecture, by OneTrainer's exact upper-case name.",
    "training_method": "What is trained: FINE_TUNE, LORA, EMBEDDING or FINE_TUNE_VAE.",
    "base_model_name": "Base model: a Hugging Face id, a folder or a checkpoint file.",
    "learning_rate": "Base learning rate; per-part learning rates override it.",
    "learning_rate_scheduler": "Learning-rate schedule; every built-in one starts with the "
                               "warmup.",
    "learning_rate_warmup_steps": "Warmup: above 1 a count of batches, from 0 to 1 a fraction "
                                  "of the run.",
    "epochs": "Training length in epochs (there is no step limit).",
    "batch_size": "Samples per step on each device.",
    "gradient_accumulation_steps": "Batches whose gradients are summed before an update.",
    "train_dtype": "Autocast precision of the forward and backward pass.",
    "optimizer": "Optimizer and its settings; null fields use OneTrainer's per-optimizer "
                 "values.",
    "optimizer.optimizer": "Optimizer, by OneTrainer's exact name (ADAMW, ADAMW_8BIT, PRODIGY, "
                           "...).",
    "optimizer_defaults": "Settings the UI remembers per optimizer; training does not read "
                          "them.",
    "lora_rank": "Rank of the LoRA/LoHa adapters.",
    "lora_alpha": "LoRA alpha; the adapter output is scaled by alpha / rank.",
    "ema": "Exponential moving average of the weights: OFF, GPU or CPU.",
    "ema_decay": "Largest EMA decay; the decay warms up to it as (1+t)/(10+t).",
    "ema_update_step_interval": "Optimizer steps between two EMA updates.",
    "clip_grad_norm": "Gradient-norm clipping threshold; null turns clipping off.",
    "concepts": "Inline concepts (an export); null means read concept_file_name.",
    "samples": "Inline sample definitions (an export); null means read "
               "sample_definition_file_name.",
    "concept_file_name": "JSON file with the list of concepts to train on.",
    "sample_definition_file_name": "JSON file with the list of sample prompts.",
    "sample_after": "Sampling interval, a whole number in sample_after_unit.",
    "save_every": "Interval of intermediate saves, a whole number in save_every_unit.",
    "latent_caching": "Cache VAE latents (augmentations are frozen into the cached variants).",
    "resolution": "Training resolution as text: one size or several separated by commas.",
    "secrets": "Credentials; OneTrainer keeps them in secrets.json, not in the config.",
}
CONCEPT_DESCRIPTIONS = {
    "path": "Folder with the concept's images.",
    "balancing": "How often the concept is used, per balancing_strategy.",
    "image": "Image augmentations of this concept.",
    "text": "Caption settings of this concept.",
}
SAMPLE_DESCRIPTIONS = {"prompt": "Prompt of this sample image."}


def build(data: Path) -> dict[str, Json]:
    inv = load_keys(data, "onetrainer")
    tree = Tree()
    for path, meta in inv["keys"].items():
        tree.add(path, meta)
    legacy = _legacy(inv)
    concept = tree.find("concepts[]")
    sample = tree.find("samples[]")
    assert concept is not None and sample is not None
    return {
        "onetrainer": _config(tree, legacy),
        "onetrainer-concepts": _list_document(
            "onetrainer-concepts", "OneTrainer concepts file",
            "The list concept_file_name points to; each entry is one concept (an image folder "
            "and how it is captioned, augmented and balanced).",
            _node(concept, "concepts[]", legacy)),
        "onetrainer-samples": _list_document(
            "onetrainer-samples", "OneTrainer samples file",
            "The list sample_definition_file_name points to; each entry is one sample prompt.",
            _node(sample, "samples[]", legacy)),
    }


# --- what a value turns into -----------------------------------------------------------------

def _keeps(default: Any) -> str:
    shown = "its default" if default is None else f"the default {json.dumps(default)}"
    return f"OneTrainer prints “Could not set {{key}} as {{value}}” and keeps {shown}"


def _scalar(meta: Json) -> Json:
    """The types ``from_dict`` accepts for one registered type, and what it does otherwise."""
    kind = meta.get("coercion")
    null = ["null"] if meta.get("nullable") else []
    default = meta.get("default")
    if kind in ("integer", "number"):
        return {"type": ["number", "boolean", "string", *null],
                "x-cfglint-numeric-text": "int" if kind == "integer" else "float",
                "x-cfglint-consequence": {"wrong-type": _keeps(default)}}
    if kind == "string":
        return {"type": ["string", "number", "boolean", *null], "x-cfglint-consequence": {
            "wrong-type": "OneTrainer stores the text “{value}” (str() of the value)"}}
    if kind == "boolean":
        return {"type": ["boolean", "integer", *null], "x-cfglint-consequence": {
            "wrong-type": "OneTrainer stores {value} unconverted and the run tests its truth: "
                          "any non-empty text, “false” too, counts as true"}}
    if kind == "enum":
        choices = list(meta.get("choices") or [])
        return {"type": ["string", *null], "enum": choices + ([None] if null else []),
                "x-cfglint-consequence": {
                    "bad-value": _keeps(default),
                    "wrong-type": "OneTrainer stores {value} unchecked where it expects one of "
                                  "its names"}}
    if kind == "version":
        return {"type": "integer"}
    t = meta.get("type", "object")
    return {"type": t}


def _node(tree: Tree, path: str, legacy: dict[str, Json]) -> Json:
    meta = tree.entry or {}
    kind = meta.get("coercion")
    s: Json
    if kind in ("object_config", None) and (set(tree.children) - {ITEMS}):
        s = _object(tree, path, legacy)
    elif kind == "array_config" or tree.item is not None:
        s = {"type": ["array", "null"] if meta.get("nullable") else "array"}
        if tree.item is not None:
            s["items"] = _node(tree.item, path + ITEMS, legacy)
        s["x-cfglint-consequence"] = {
            "wrong-type": "OneTrainer reads it only as a list of entries; other values keep "
                          "the default (text becomes one default entry per character)"}
    else:
        s = _scalar(meta)
    s["description"] = _describe(path, meta)
    default = meta.get("default")
    if default is not None and not isinstance(default, dict | list) and kind != "version":
        s["default"] = default
    return s


def _object(tree: Tree, path: str, legacy: dict[str, Json]) -> Json:
    props = {name: _node(sub, f"{path}.{name}" if path else name, legacy)
             for name, sub in sorted(tree.keys.items())}
    s: Json = {"type": "object", "properties": props}
    free = tree.children.get(ANY_KEY)
    if free is not None:
        s["additionalProperties"] = _node(free, f"{path}.{ANY_KEY}", legacy)
    else:
        s["additionalProperties"] = False
    if path in legacy:
        s["x-cfglint-legacy"] = legacy[path]
    s["x-cfglint-consequence"] = {
        "wrong-type": "OneTrainer ignores it and keeps the default settings of `{key}`"}
    return s


# What each registered kind of value is, in a description.
KIND_WORDS = {**VALUE_WORDS, "enum": "one of the names", "object_config": "settings",
              "array_config": "a list", "version": "format version"}


def _describe(path: str, meta: Json) -> str:
    short = path.replace(ITEMS, "")
    for prefix, table in (("concepts.", CONCEPT_DESCRIPTIONS), ("samples.", SAMPLE_DESCRIPTIONS),
                          ("", DESCRIPTIONS)):
        if short.startswith(prefix) and short[len(prefix):] in table:
            return table[short[len(prefix):]]
    kind = meta.get("coercion")
    return describe_converted(
        short.split(".")[-1], KIND_WORDS.get(str(kind), ""),
        None if kind == "version" else meta.get("default"),
        nullable=bool(meta.get("nullable")) and kind not in ("object_config", "array_config"))


# --- migrations ---------------------------------------------------------------------------------

def _legacy(inv: Json) -> dict[str, Json]:
    """Per object path: the keys a migration renames, accepted below ``migration + 1``."""
    top: dict[str, int] = {}
    concept: dict[str, int] = {}
    renamed: dict[str, dict[str, str]] = {"": {}, "concepts[]": {}}
    for name, entry in inv["legacy_migrated_keys"].items():
        key = name.split(" ")[0].split(":")[0]
        before = int(entry["migration"]) + 1
        scope, keys = ("concepts[]", concept) if entry["scope"] == "ConceptConfig" else ("", top)
        key = key.removeprefix("concepts[].")
        if not re.fullmatch(r"[a-z_0-9]+", key):
            continue
        keys[key] = max(keys.get(key, 0), before)
        targets = [t.removeprefix("concepts[].") for t in entry.get("target_keys") or []]
        if len(targets) == 1 and "." not in targets[0] and targets[0] != key:
            renamed[scope][key] = targets[0]  # a rename within the same object
    return {
        "": {"version-key": "__version", "keys": dict(sorted(top.items())),
             "patterns": {"^optimizer": 1}, "renamed": dict(sorted(renamed[""].items()))},
        "concepts[]": {"version-key": "__version", "keys": dict(sorted(concept.items())),
                       "renamed": dict(sorted(renamed["concepts[]"].items()))},
    }


# --- documents ----------------------------------------------------------------------------------

def _config(tree: Tree, legacy: dict[str, Json]) -> Json:
    root = _object(tree, "", legacy)
    root.pop("x-cfglint-consequence")
    optimizer = root["properties"]["optimizer"]
    # before version 1, "optimizer" was the optimizer's name (migration 0 nests it)
    optimizer["type"] = ["object", "string"]
    root["allOf"] = [{
        "if": {"required": ["__version"], "properties": {"__version": {"minimum": 1}}},
        "then": {"properties": {"optimizer": {
            "type": "object", "x-cfglint-consequence": optimizer["x-cfglint-consequence"]}}},
    }]
    return {**header("onetrainer", "OneTrainer training config",
                     "Nerogar/OneTrainer JSON config, preset or export (TrainConfig). Unknown "
                     "keys are ignored; a value that does not convert keeps the default.",
                     TRAINER),
            **root}


def _list_document(name: str, title: str, description: str, item: Json) -> Json:
    return {**header(name, title, description, TRAINER), "type": "array", "items": item}

