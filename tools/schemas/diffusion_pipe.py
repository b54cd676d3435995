"""schemas/diffusion-pipe.schema.json and diffusion-pipe-dataset.schema.json:
tdrussell/diffusion-pipe's training TOML (``deepspeed train.py --config``) and the
dataset TOML it names (``dataset``, ``eval_datasets``).

diffusion-pipe validates neither file: every key is read from one fixed place with
``dict.get`` or ``[]``, so unknown and misplaced keys are silently ignored. The tables
mean something (unlike sd-scripts'), so each is closed; ``x-cfglint-read-in`` names the
one table that reads a key (a top-level ``min_t`` is ignored: wan reads it under
[model]). [model] keys depend on ``model.type``: each known type gets the keys its class
reads. [optimizer] keys are the optimizer's constructor arguments, so that table is open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.schemas.common import Json, Tree, header, load_descriptions, load_keys
from tools.schemas.nodes import closed_node, json_types

SCHEMAS = ["diffusion-pipe", "diffusion-pipe-dataset"]
TRAINER = "diffusion-pipe"
# choices written as a pattern (`type:<regex>`) or with a class-name placeholder
PATTERNS = {"partition_method": "^(parameters|manual|uniform|type:.*)$"}
NOT_ENUMS = {"optimizer.type", "partition_method"}
# a value diffusion-pipe compares with exactly these (any other truthy value raises)
EXACT = {"activation_checkpointing": [False, True, "unsloth"]}
# read under [model] by train.py itself for every model type
EVERY_MODEL = {"type", "dtype", "cache_text_embeddings"}
# keys that stop the run wherever they are (no point in moving them)
REJECTED = {"alpha"}


def build(data: Path) -> dict[str, Json]:
    inv = load_keys(data, "diffusion-pipe")
    return {"diffusion-pipe": _training(data, inv),
            "diffusion-pipe-dataset": _dataset(data, inv)}


def _meta_of(keys: dict[str, Json]) -> Any:
    """Inventory entries as the node builder wants them: a default that is an expression
    ("= model.dtype") is no default, and a required key has no default either."""
    def meta_of(path: str) -> Json | None:
        m = keys.get(path)
        if m is None:
            return None
        d = m.get("default")
        if isinstance(d, str) and d.startswith("="):
            m = {**m, "default": None}
        return m
    return meta_of


def _where(meta: Json) -> str:
    types = meta.get("model_types") or []
    if not types or len(types) > 6:
        return ""
    return "read by model type" + ("s " if len(types) > 1 else " ") + ", ".join(types)


def _training(data: Path, inv: Json) -> Json:
    keys: dict[str, Json] = inv["keys"]
    desc = load_descriptions(data, "diffusion-pipe")

    def tweak(path: str, s: Json) -> None:
        if path in PATTERNS:
            s["pattern"] = PATTERNS[path]
        if path in NOT_ENUMS:
            choices = s.pop("enum", None) or []
            s["examples"] = [c for c in choices if c is not None and "<" not in str(c)]
        if path in EXACT:
            s["enum"] = EXACT[path]
        if path == "optimizer":
            s.pop("additionalProperties", None)
            s["x-cfglint-open"] = True
        if path == "lora":
            s["x-cfglint-where"] = ("in the legacy [lora] table (only its dtype is read; "
                                    "the adapter is configured in [adapter])")

    ctx = {"tweak": tweak, "where": _where, "desc": desc}
    tree = Tree()
    for path, meta in keys.items():
        tree.add(path, meta)
    root = closed_node(tree, "", _meta_of(keys), ctx)
    props = root["properties"]
    required = sorted(k for k, m in keys.items() if "." not in k and m.get("required"))
    for table in ("model", "optimizer", "adapter"):
        inner = sorted(k.split(".", 1)[1] for k, m in keys.items()
                       if k.startswith(table + ".") and k.count(".") == 1 and m.get("required"))
        if inner:
            props[table]["required"] = inner
    _reject_alpha(props["adapter"])
    model = props.pop("model")
    props["model"] = {"description": model["description"], "$ref": "#/$defs/model"}
    doc = header("diffusion-pipe", "diffusion-pipe training config",
                 "tdrussell/diffusion-pipe training TOML (deepspeed train.py --config). Keys "
                 "are read from fixed tables and unknown or misplaced ones are silently "
                 "ignored; [model] keys depend on model.type; [optimizer] keys go to the "
                 "optimizer's constructor.", TRAINER)
    return {**doc, "type": "object", "required": required, "properties": props,
            "additionalProperties": False, "x-cfglint-read-in": _read_in(keys),
            "$defs": {"model": _model_def(model, keys, inv["model_types"])}}


def _reject_alpha(adapter: Json) -> None:
    """``adapter.alpha`` is known (so not "unknown") but stops the run when present."""
    adapter["allOf"] = [{"if": {"required": ["alpha"]},
                         "then": {"properties": {"alpha": False}}}]


def _model_def(model: Json, keys: dict[str, Json], types: dict[str, Json]) -> Json:
    """[model]: every key with its type, then per known type the keys that type reads."""
    readers: dict[str, set[str]] = {t: set(EVERY_MODEL) for t in types}
    for path, meta in keys.items():
        if path.startswith("model.") and path.count(".") == 1:
            for t in meta.get("model_types") or []:
                readers.setdefault(t, set(EVERY_MODEL)).add(path.split(".", 1)[1])
    branches = []
    for t in sorted(readers):
        names = sorted(readers[t])
        branches.append({
            "if": {"properties": {"type": {"const": t}}, "required": ["type"]},
            "then": {"properties": {n: {"$ref": f"#/$defs/model/properties/{n}"}
                                    for n in names},
                     "additionalProperties": False,
                     "x-cfglint-where": f"under [model] for model type '{t}'",
                     "x-cfglint-known-in": {"$ref": "#/$defs/model",
                                            "note": "other model types read it"}}})
    out = {k: v for k, v in model.items() if k != "additionalProperties"}
    out["allOf"] = branches
    return out


def _read_in(keys: dict[str, Json]) -> dict[str, str]:
    """Key name -> the one table that reads it ("" = the top level), for names that only
    one table has; list items and deeper keys are left out."""
    places: dict[str, set[str]] = {}
    for path in keys:
        parts = path.split(".")
        if "[]" in path or len(parts) > 2:
            continue
        table = parts[0] if len(parts) == 2 else ""
        places.setdefault(parts[-1], set()).add(table)
    tables = {k for k in keys if "." not in k and json_types(keys[k]) == ["object"]}
    return {name: next(iter(where)) for name, where in sorted(places.items())
            if len(where) == 1 and name not in tables and name not in REJECTED}


def _dataset(data: Path, inv: Json) -> Json:
    keys: dict[str, Json] = inv["dataset_keys"]
    desc = load_descriptions(data, "diffusion-pipe-dataset")
    tree = Tree()
    for path, meta in keys.items():
        tree.add(path, meta)
    root = closed_node(tree, "", _meta_of(keys), {"desc": desc})
    root.pop("description", None)
    root["required"] = ["directory"]
    root["properties"]["directory"]["items"]["required"] = ["path"]
    doc = header("diffusion-pipe-dataset", "diffusion-pipe dataset config",
                 "tdrussell/diffusion-pipe dataset TOML (the training config's `dataset` or "
                 "an eval_datasets entry): bucketing defaults at the top level, one "
                 "[[directory]] table per media folder. Unknown keys are silently ignored.",
                 TRAINER)
    return {**doc, **root}
