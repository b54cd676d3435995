"""schemas/traiNNer.schema.json: option files of traiNNer-redux's train.py.

The file is decoded strictly (msgspec, strict=True, YAML 1.1 via PyYAML): every struct
level is closed, and registry-driven blocks (``network_*``, losses, ``*_opt``) are
checked against the registered callable's parameters, looked up case-insensitively.
Those parameters come from ``tools/data/traiNNer-redux-registry-params.json``
(``tools/extract_trainner_registry.py``).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from tools.schemas.basicsr import class_rule
from tools.schemas.common import (
    Json,
    Tree,
    ci_enum,
    ci_pattern,
    header,
    load_descriptions,
    load_keys,
)
from tools.schemas.nodes import OpenBuild, nullable

SCHEMAS = ["traiNNer"]
REGISTRY_PARAMS = "traiNNer-redux-registry-params.json"
OPTIMIZERS_BUILTIN = ["Adam", "AdamW", "NAdam", "StableAdamW", "SOAP", "ADOPT"]
SCHEDULERS = ["ConstantLR", "LinearLR", "ExponentialLR", "CyclicLR", "StepLR",
              "MultiStepLR", "LambdaLR", "MultiplicativeLR", "SequentialLR",
              "ChainedScheduler", "OneCycleLR", "PolynomialLR",
              "CosineAnnealingWarmRestarts", "CosineAnnealingLR",
              "CosineAnnealingWarmupLR", "CosineAnnealingRestartLR",
              "ReduceLROnPlateau", "KneeLR", "WarmupStableDecayLR"]


def build(data: Path) -> dict[str, Json]:
    inv = load_keys(data, "traiNNer-redux")
    with open(data / REGISTRY_PARAMS, encoding="utf-8") as fh:
        params = json.load(fh)["registries"]
    desc = load_descriptions(data, "traiNNer")
    tree = Tree()
    overrides: dict[str, Json] = {}
    closed = {""}
    for path, entry in inv["keys"].items():
        tree.add(path, entry)
        mt = entry.get("msgspec_type", "")
        sch = msgspec_schema(mt, entry.get("choices"))
        if entry.get("default") is not None:
            sch["default"] = entry["default"]
        if entry.get("set_by_code"):
            sch["x-cfglint-note"] = "set at runtime; a value in the file is overwritten"
        overrides[path] = sch
        if re.search(r"(Options|OptionsStruct)\b", mt) or mt == "dict[str, DatasetOptions]":
            closed.add(path)
    closed.add("datasets.*")
    overrides["datasets.*"] = {"type": "object"}
    sch = OpenBuild(desc, closed=closed, use_notes=False, overrides=overrides,
                    required=True).node(tree, "")
    sch["additionalProperties"] = False
    props = sch["properties"]
    sch["$defs"] = _registry_defs(props, params)
    _train(props["train"], params)
    metrics = props["val"]["properties"]["metrics"]
    metric_names = sorted(e["name"] for e in params["metric"].values())
    metrics["additionalProperties"] = {
        "type": "object", "required": ["type"], "x-cfglint-open": True,
        "properties": {"type": {"description": "Registered metric function (any case).",
                                **ci_enum(metric_names)}}}
    ds = props["datasets"]["additionalProperties"]
    dataset_names = [re.sub(r"_traiNNer$", "", n) for n in inv["registries"]["dataset"]]
    ds["properties"]["type"] = {"description": desc["datasets.*.type"],
                                **ci_enum(sorted(set(dataset_names)))}
    sch.update(header(
        "traiNNer", "traiNNer-redux option file",
        "Options for traiNNer-redux's train.py. The file is decoded strictly (msgspec, "
        "strict=True, YAML 1.1 via PyYAML): an unknown key at any struct level or a string "
        "where a number belongs fails at load. network_* and loss blocks are checked "
        "against the registered callable's parameters.", "traiNNer-redux",
        rejects_unknown=True))
    return {"traiNNer": sch}


def _registry_defs(props: Json, params: dict[str, Any]) -> Json:
    """Networks and losses, each checked against its registered callable."""
    arch_reg = {**params["testarch"], **params["arch"], **params["spandrel"]}
    all_archs = sorted({e["name"] for e in arch_reg.values()})
    network = {
        "type": ["object", "null"], "required": ["type"],
        "properties": {"type": {"description": "Architecture name (any case).",
                                **ci_enum(all_archs)}},
        # generators get `scale` from the top level, so it is never required here
        "allOf": dispatch(arch_reg, "architecture", ("scale",))}
    for key in ("network_g", "network_d", "network_ae", "network_g_teacher"):
        props[key] = {"description": props[key]["description"], "$ref": "#/$defs/network"}
    loss_names = sorted(e["name"] for e in params["loss"].values())
    loss = {"type": ["object", "null"], "required": ["type", "loss_weight"],
            "properties": {"type": {"description": "Registered loss name (any case).",
                                    **ci_enum(loss_names)},
                           "loss_weight": {"description": "Weight of this loss; 0 skips it.",
                                           "type": "number"}},
            "allOf": dispatch(params["loss"], "loss")}
    return {"network": network, "loss": loss}


def _train(train: Json, params: dict[str, Any]) -> None:
    """Losses, optimizers and the scheduler of the train section."""
    for key, val in list(train["properties"].items()):
        if key.endswith("_opt"):
            train["properties"][key] = {"description": val["description"],
                                        "type": ["object", "null"], "$ref": "#/$defs/loss"}
    train["properties"]["losses"]["items"] = {"$ref": "#/$defs/loss"}
    optimizers = OPTIMIZERS_BUILTIN + sorted(e["name"] for e in params["optimizer"].values())
    for key in ("optim_g", "optim_d", "optim_ae"):
        node = train["properties"][key]
        node["required"] = ["type"]
        node["properties"] = {"type": {"description": "Registered optimizer name (any case).",
                                       **ci_enum(optimizers)},
                              "lr": {"description": "Learning rate (a float: write !!float "
                                                    "1e-4 or 1.0e-4).",
                                     "type": "number"}}
    sched = train["properties"]["scheduler"]
    sched["required"] = ["type"]
    sched["properties"] = {"type": {"description": "Scheduler name (any case).",
                                    **ci_enum(SCHEDULERS)}}


def dispatch(registry: dict[str, Any], kind: str, injected: tuple[str, ...] = ()) -> list[Json]:
    rules = []
    for lookup in sorted(registry):
        e = registry[lookup]
        if e.get("params") is None:
            continue
        params = [(n, None) for n in e["params"]]
        required = [n for n in e.get("required", []) if n not in injected]
        # traiNNer looks names up lower-cased, then with the '_traiNNer' suffix
        match = {"type": "string", "pattern": f"^{ci_pattern(lookup)}$"}
        rules.append(class_rule(kind, e["name"], match, params, required,
                                bool(e.get("var_kwargs"))))
    return rules


# --- msgspec annotations ----------------------------------------------------------------------


def msgspec_schema(t: str, choices: list[Any] | None) -> Json:
    """A msgspec annotation (as written in redux_options.py) -> schema fragment."""
    out = [_msgspec_one(a.strip(), choices) for a in split_top(t.replace("\n", " "), "|")]
    simple_types: list[str] = []
    complex_: list[Json] = []
    for s in out:
        if list(s.keys()) == ["type"] and isinstance(s["type"], str):
            simple_types.append(s["type"])
        else:
            complex_.append(s)
    if not complex_:
        return {"type": simple_types[0] if len(simple_types) == 1 else simple_types}
    if len(complex_) == 1 and not simple_types:
        return complex_[0]
    if len(complex_) == 1 and "enum" in complex_[0] and simple_types == ["null"]:
        return nullable(complex_[0])
    if len(complex_) == 1 and complex_[0].get("type") in ("array", "object") and (
            "enum" not in complex_[0]):
        merged = dict(complex_[0])
        merged["type"] = [complex_[0]["type"], *simple_types]
        return merged
    anyof = complex_ + ([{"type": simple_types[0] if len(simple_types) == 1 else simple_types}]
                        if simple_types else [])
    return {"anyOf": anyof}


def split_top(text: str, sep: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def _msgspec_one(a: str, choices: list[Any] | None) -> Json:
    simple = {"int": "integer", "float": "number", "bool": "boolean", "str": "string",
              "None": "null"}
    if a in simple:
        return {"type": simple[a]}
    if a == "Any":
        return {}
    if a == "PixelFormat":
        return {"type": "string", "enum": [c for c in (choices or []) if c is not None]}
    m = re.fullmatch(r"(\w+)\[(.*)\]", a)
    if not m:
        return {"type": "object"}  # a Struct: filled in from the tree
    head, inner = m.group(1), m.group(2)
    if head == "Literal":
        vals = [ast.literal_eval(v.strip()) for v in split_top(inner, ",") if v.strip()]
        return {"type": "string", "enum": vals}
    if head == "list":
        return {"type": "array", "items": msgspec_schema(inner, None)}
    if head == "tuple":
        items = [msgspec_schema(x.strip(), None) for x in split_top(inner, ",")]
        return {"type": "array", "prefixItems": items, "items": False,
                "minItems": len(items), "maxItems": len(items)}
    if head == "dict":
        return {"type": "object"}
    return {}
