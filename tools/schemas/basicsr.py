"""schemas/basicsr.schema.json: option files of XPixelGroup/BasicSR's basicsr/train.py
and projects built on it (Real-ESRGAN, ...), as PyYAML's full loader reads them.

Sections are open (a plain dict), but ``network_*``, ``train.*_opt`` and
``train.scheduler`` keys become constructor arguments: they are checked against the
registered class named by ``type`` (looked up case-sensitively). The per-class pieces
are shared with traiNNer-redux, a BasicSR fork.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from tools.schemas.common import Json, Tree, header, load_descriptions, load_keys
from tools.schemas.nodes import OpenBuild

SCHEMAS = ["basicsr"]
# Keys whose code tests for None, so `~` is a real setting (BasicSR's own options use it).
NULLABLE = {
    "datasets.*.dataroot_flow",  # REDS: no precomputed flow
    "train.fix_flow",  # video GAN: falsy = never freeze the flow net
}


def build(data: Path) -> dict[str, Json]:
    inv = load_keys(data, "basicsr")
    reg = inv["registries"]
    tree = Tree()
    for path, entry in inv["keys"].items():
        if path in NULLABLE:
            entry = {**entry, "type": [entry["type"], "null"]}
        tree.add(path, entry)
    # network_*.type, datasets.*.type, *_opt.type, metrics: downstream projects
    # (Real-ESRGAN, GFPGAN, ...) register more classes, so names are not enforced
    build = OpenBuild(load_descriptions(data, "basicsr"), closed=set(), use_notes=True,
                      overrides={})
    sch = build.node(tree, "")
    props = sch["properties"]
    network = {"type": "object", "required": ["type"],
               "properties": {"type": {"description": "ARCH_REGISTRY class name "
                                                      "(case-sensitive).",
                                       "type": "string", "examples": sorted(reg["arch"])}},
               "allOf": dispatch(reg["arch"], "architecture")}
    for key in ("network_g", "network_d"):
        props[key] = {"description": props[key]["description"], "$ref": "#/$defs/network"}
    sch["patternProperties"] = {
        "^network_(?!(?:g|d)$)": {
            "description": "Another network of a custom model: `type` plus constructor "
                           "arguments.",
            "$ref": "#/$defs/network"},
    }
    loss = {"type": ["object", "null"],
            "properties": {"type": {"description": "LOSS_REGISTRY class name (case-sensitive).",
                                    "type": "string", "examples": sorted(reg["loss"])}},
            "allOf": dispatch(reg["loss"], "loss")}
    _losses(props["train"])
    _scheduler(props["train"]["properties"]["scheduler"])
    sch["$defs"] = {"network": network, "loss": loss}
    sch.update(header(
        "basicsr", "BasicSR / Real-ESRGAN option file",
        "Options for basicsr/train.py (XPixelGroup/BasicSR and projects built on it), as the "
        "PyYAML full loader reads them (YAML 1.1: write !!float 1e-4). Sections are open, but "
        "network_*, train.*_opt and train.scheduler keys become constructor arguments and are "
        "checked against the registered class named by `type`.", "BasicSR",
        rejects_unknown=True))
    return {"basicsr": sch}


def _losses(train: Json) -> None:
    """Every ``*_opt`` of ``train`` is a loss; custom models name their own."""
    known = []
    for key, val in list(train["properties"].items()):
        if key.endswith("_opt"):
            train["properties"][key] = {"description": val["description"],
                                        "$ref": "#/$defs/loss"}
            known.append(key)
    train["patternProperties"] = {
        "^(?!(?:" + "|".join(sorted(known)) + ")$).+_opt$": {
            "description": "A loss of a custom model: `type` plus the loss's arguments.",
            "$ref": "#/$defs/loss"},
    }


def _scheduler(sched: Json) -> None:
    """The scheduler's kwargs go to the scheduler class (TypeError on unknown ones)."""
    sched.pop("x-cfglint-open", None)

    def kwargs_of(names: list[str], cls: str) -> Json:
        return {"properties": {n: {"description": f"Argument `{n}` of {cls}."} for n in names},
                "additionalProperties": False}

    common = ["type", "restart_weights", "last_epoch"]
    multistep = ["milestones", "gamma", "restarts", *common]
    cosine = ["periods", "eta_min", *common]
    assert set(multistep) | set(cosine) <= set(sched["properties"]), "scheduler keys missing"
    sched["allOf"] = [
        {"if": {"properties": {"type": {"enum": ["MultiStepLR", "MultiStepRestartLR"]}},
                "required": ["type"]},
         "then": {**kwargs_of(multistep, "MultiStepRestartLR"), "required": ["milestones"]}},
        {"if": {"properties": {"type": {"const": "CosineAnnealingRestartLR"}},
                "required": ["type"]},
         "then": {**kwargs_of(cosine, "CosineAnnealingRestartLR"), "required": ["periods"]}},
    ]


# --- per-class keyword arguments -----------------------------------------------------------


def parse_params(params: list[str]) -> tuple[list[tuple[str, str | None]], bool]:
    """``["a", "b=2", "**kwargs"]`` -> ([(a, None), (b, "2")], takes **kwargs)."""
    out: list[tuple[str, str | None]] = []
    var_kw = False
    for p in params:
        if p.startswith("**"):
            var_kw = True
        elif p.startswith("*"):
            continue
        elif "=" in p:
            name, default = p.split("=", 1)
            out.append((name.strip(), default.strip()))
        else:
            out.append((p.strip(), None))
    return out, var_kw


def literal_default(text: str | None) -> Any:
    if text is None:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, int | float | str | bool | list) and value is not None:
        return value
    return None


def class_rule(kind: str, cls: str, type_match: Json, params: list[tuple[str, Any]],
               required: list[str], var_kwargs: bool) -> Json:
    """``if type is cls then the other keys must be cls's parameters``."""
    then: Json = {"properties": {"type": {"description": f"Selects {cls}."}}}
    for name, default in params:
        p: Json = {"description": f"Argument `{name}` of {kind} {cls}."}
        if default is not None:
            p["default"] = default
        then["properties"][name] = p
    if var_kwargs:
        then["x-cfglint-open"] = True
    else:
        then["additionalProperties"] = False
    if required:
        then["required"] = sorted(required)
    return {"if": {"properties": {"type": type_match}, "required": ["type"]}, "then": then}


def dispatch(registry: dict[str, Any], kind: str) -> list[Json]:
    rules = []
    for cls in sorted(registry):
        parsed, var_kw = parse_params(registry[cls]["params"])
        params = [(n, literal_default(d)) for n, d in parsed]
        required = [n for n, d in parsed if d is None]
        rules.append(class_rule(kind, cls, {"const": cls}, params, required, var_kw))
    return rules
