# ruff: noqa: E501  (one-line descriptions are kept on one line)
"""Generate schemas/{sedd,hydra,basicsr,traiNNer}.schema.json from the key inventories.

Inputs (read only):
  ../shared/research/keys/{sedd,sedd-protein-fork,hydra,basicsr,traiNNer-redux}.json
  tools/data/traiNNer-redux-registry-params.json (tools/extract_trainner_registry.py)

Conventions (schemas/README.md): draft 2020-12 validation keywords only, a
``description`` on every property, trainer defaults in ``default``, and the
cfglint annotations ``x-cfglint-open`` (free-form kwargs), ``x-cfglint-enum-ci``
(case-insensitive choices, also enforced with a portable ``pattern``) and
``x-cfglint-note``.

Strictness follows each trainer's loader:
  traiNNer  msgspec strict decode: every struct level is closed; registry-driven
            blocks (network_*, losses, *_opt) are checked against the registered
            callable's parameters (lookup is case-insensitive).
  basicsr   a plain dict: sections stay open; network_* and train.*_opt are closed
            per registered class (lookup is case-sensitive), because their keys
            become constructor kwargs.
  sedd      Hydra (upstream) or yaml.safe_load (protein fork): every key optional
            (model group files are sedd too), sections open, choices enforced.
  hydra     free-form apps: only the defaults list, the strict ``hydra:`` node and
            the instantiate keys (_target_, ...) are checked.

Usage: python tools/build_schemas_sr_hydra.py [--keys DIR] [--check]
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_KEYS = ROOT.parent / "shared" / "research" / "keys"
TRAINNER_PARAMS = ROOT / "tools" / "data" / "traiNNer-redux-registry-params.json"
OUT_DIR = ROOT / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]

# --------------------------------------------------------------------------- helpers


def load(keys_dir: Path, name: str) -> dict[str, Any]:
    with open(keys_dir / f"{name}.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def ci_pattern(word: str) -> str:
    """A portable (ECMA-262 and Python) regex matching ``word`` in any case."""
    out = []
    for ch in word:
        if ch.isalpha() and ch.lower() != ch.upper():
            out.append(f"[{ch.upper()}{ch.lower()}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def ci_enum(words: list[str]) -> Schema:
    """Case-insensitive choices: the cfglint annotation (the engine enforces it)."""
    return {"type": "string", "x-cfglint-enum-ci": list(words)}


TYPE_WORDS = {"integer": "an integer", "number": "a number", "string": "a string",
              "boolean": "a boolean", "array": "a list", "object": "a mapping",
              "null": "null"}


def humanize(key: str) -> str:
    words = key.strip("_").replace("_", " ")
    return words[:1].upper() + words[1:] if words else key


def compose_description(key: str, sch: Schema, default: Any = None) -> str:
    """One line for the long tail: what the key names, its type, its default."""
    t = sch.get("type")
    types = [t] if isinstance(t, str) else list(t or [])
    kind = " or ".join(TYPE_WORDS.get(x, x) for x in types if x != "null")
    text = humanize(key)
    if kind:
        text += f" ({kind}"
        if "null" in types:
            text += ", may be null"
        text += ")"
    if default is not None:
        text += f"; default {json.dumps(default)}"
    return text + "."


def first_sentence(note: str) -> str:
    note = " ".join(note.split())
    m = re.match(r"(.+?[.;])(\s|$)", note)
    s = m.group(1).rstrip(";") if m else note
    return s if s.endswith(".") else s + "."


def json_type(t: Any) -> Schema:
    """Inventory type ("integer", ["string", "null"], "any") -> schema fragment."""
    if t in (None, "any"):
        return {}
    if isinstance(t, list):
        ts = [x for x in t if x != "any"]
        return {"type": ts if len(ts) > 1 else ts[0]} if ts else {}
    return {"type": t}


def nullable(sch: Schema) -> Schema:
    t = sch.get("type")
    if t is None:
        return sch
    ts = [t] if isinstance(t, str) else list(t)
    if "null" not in ts:
        ts.append("null")
    sch["type"] = ts
    if "enum" in sch and None not in sch["enum"]:
        sch["enum"] = [*sch["enum"], None]
    return sch


class Tree:
    """Nested key paths ('a.b', 'a.*.c', 'a.[].b') -> nested nodes."""

    def __init__(self) -> None:
        self.entry: dict[str, Any] | None = None
        self.children: dict[str, Tree] = {}

    def add(self, path: str, entry: dict[str, Any]) -> None:
        node = self
        for part in split_path(path):
            node = node.children.setdefault(part, Tree())
        node.entry = entry


def split_path(path: str) -> list[str]:
    parts: list[str] = []
    for p in path.split("."):
        if p.endswith("[]") and p != "[]":
            parts += [p[:-2], "[]"]
        else:
            parts.append(p)
    return parts


def is_registry_type(path: str) -> bool:
    return path.endswith(".type") and (
        path.startswith(("network_", "datasets.", "val.metrics."))
        or re.search(r"^train\.[a-z0-9_]+_opt\.type$", path) is not None)


# --------------------------------------------------------------------------- descriptions

DESCRIPTIONS: dict[str, dict[str, str]] = {
    "basicsr": {
        "name": "Experiment name; outputs go to experiments/<name>, and a name containing 'debug' turns on debug mode.",
        "model_type": "Registered model class that runs training (MODEL_REGISTRY name, e.g. SRModel).",
        "scale": "Super-resolution factor; copied into every dataset block.",
        "num_gpu": "Number of GPUs, or 'auto' for all visible ones.",
        "manual_seed": "Random seed (the rank is added per process); random when absent.",
        "datasets": "Dataset blocks keyed by phase: train, val / val_N (test files may use any name).",
        "network_g": "Generator: `type` picks an ARCH_REGISTRY class, the other keys are its constructor arguments.",
        "network_d": "Discriminator for GAN models: `type` plus constructor arguments.",
        "path": "Checkpoint and output paths (pretrain_network_<net>, param_key_<net>, strict_load_<net>, resume_state).",
        "train": "Training section: optimizers, scheduler, losses, EMA and iteration counts.",
        "val": "Validation section; validation is skipped when absent.",
        "logger": "Logging and checkpoint frequency.",
        "dist_params": "Arguments for distributed init under the slurm launcher (backend, port).",
        "train.ema_decay": "EMA decay of the generator weights; above 0 creates net_g_ema, used for validation and saved as params_ema.",
        "train.total_iter": "Total training iterations.",
        "train.warmup_iter": "Linear LR warmup in iterations; -1 disables it.",
        "train.optim_g": "Generator optimizer: `type` plus torch optimizer arguments (lr, weight_decay, betas).",
        "train.optim_d": "Discriminator optimizer: `type` plus torch optimizer arguments.",
        "train.optim_g.lr": "Generator learning rate; under YAML 1.1 write !!float 1e-4 or 1.0e-4 (plain 1e-4 is a string).",
        "train.optim_d.lr": "Discriminator learning rate; under YAML 1.1 write !!float 1e-4 or 1.0e-4.",
        "train.optim_g.type": "Optimizer class for the generator.",
        "train.optim_d.type": "Optimizer class for the discriminator.",
        "train.scheduler": "LR scheduler: `type` plus that scheduler's arguments.",
        "train.scheduler.type": "Scheduler class; MultiStepLR is an alias of MultiStepRestartLR.",
        "val.val_freq": "Validate every N iterations (write !!float 5e3 or 5000).",
        "val.save_img": "Save validation images.",
        "val.metrics": "Metrics by name: each has a `type` (metric function) and its keyword arguments.",
        "logger.print_freq": "Print training logs every N iterations.",
        "logger.save_checkpoint_freq": "Save a checkpoint every N iterations.",
        "datasets.*.type": "Registered dataset class (DATASET_REGISTRY name).",
        "datasets.*.batch_size_per_gpu": "Batch size on each GPU; the global batch is this times the world size.",
        "datasets.*.use_shuffle": "Present in BasicSR's own option files but read by no BasicSR code (the train sampler always shuffles).",
    },
    "traiNNer": {
        "name": "Experiment name; auto-resume picks up the experiment with this name.",
        "scale": "Upscaling factor of the model; passed to network_g as `scale`.",
        "num_gpu": "Number of GPUs, or 'auto' for all visible ones.",
        "manual_seed": "Random seed for training.",
        "use_amp": "Train with automatic mixed precision (NVIDIA GPUs).",
        "amp_bf16": "Use bfloat16 instead of float16 for mixed precision.",
        "datasets": "Dataset blocks keyed by a name of your choice (train, val, ...).",
        "network_g": "Generator: `type` names an ARCH_REGISTRY or spandrel architecture (any case), the other keys are its arguments.",
        "network_d": "Discriminator: `type` plus its constructor arguments.",
        "network_ae": "Autoencoder network: `type` plus its constructor arguments.",
        "network_g_teacher": "Teacher generator for ECO distillation: `type` plus its constructor arguments.",
        "path": "Checkpoint and output paths.",
        "train": "Training section: optimizers, scheduler, losses, EMA, clipping and iteration counts.",
        "val": "Validation section.",
        "logger": "Logging and checkpoint settings.",
        "onnx": "ONNX export settings.",
        "train.total_iter": "Total training iterations.",
        "train.warmup_iter": "Ramp the LR up until this iteration; -1 disables warmup.",
        "train.ema_decay": "EMA decay of the generator weights; 0 disables EMA.",
        "train.grad_clip": "Clip gradients by norm (see grad_clip_max_norm).",
        "train.grad_clip_max_norm": "Max gradient norm when grad_clip is on.",
        "train.optim_g": "Generator optimizer: `type` (registered optimizer, any case) plus its arguments.",
        "train.optim_d": "Discriminator optimizer: `type` plus its arguments.",
        "train.optim_ae": "Autoencoder optimizer: `type` plus its arguments.",
        "train.scheduler": "LR scheduler: `type` (one of 19 names, any case) plus its arguments.",
        "train.losses": "Loss list: each item has a registered loss `type`, a `loss_weight` and the loss's own arguments.",
        "val.val_enabled": "Run validation; when false the other validation settings are ignored.",
        "val.val_freq": "Validate every N iterations.",
        "val.save_img": "Save validation images.",
        "val.metrics": "Metrics by name: each has a `type` (registered metric) and its arguments.",
        "logger.print_freq": "Print training logs every N iterations.",
        "logger.save_checkpoint_freq": "Save checkpoints and training state every N iterations.",
        "logger.use_tb_logger": "Log to TensorBoard.",
        "datasets.*.type": "Registered dataset class (any case).",
        "datasets.*.name": "Dataset name used in logs.",
        "datasets.*.batch_size_per_gpu": "Batch size on each GPU.",
        "datasets.*.accum_iter": "Gradient accumulation steps; the effective batch is batch_size_per_gpu times this.",
        "datasets.*.lq_size": "Size of the square crop taken from LR images during training.",
    },
    "sedd": {
        "defaults": "Hydra defaults list (inert in the protein fork, which loads the file with yaml.safe_load).",
        "hydra": "Hydra's own node (run/sweep dirs, launcher).",
        "ngpus": "Number of GPUs; batch sizes must divide by ngpus * training.accum.",
        "tokens": "Vocabulary size.",
        "training": "Training loop settings.",
        "training.batch_size": "Global batch size; the per-GPU micro-batch is batch_size // (ngpus * accum).",
        "training.accum": "Gradient accumulation steps.",
        "training.n_iters": "Total optimizer steps.",
        "training.ema": "EMA decay; EMA weights are used for snapshot sampling and the eval loss.",
        "optim": "Optimizer settings.",
        "optim.lr": "Learning rate (the protein fork multiplies it by the world size).",
        "optim.optimizer": "Optimizer name (case-sensitive).",
        "optim.warmup": "Linear warmup steps.",
        "optim.grad_clip": "Max gradient norm; a negative value disables clipping.",
        "noise": "Noise schedule.",
        "noise.type": "Noise schedule type (cosine only in the protein fork).",
        "noise.sigma_min": "Smallest sigma; read by the geometric (and fork cosine) schedule only.",
        "noise.sigma_max": "Largest sigma; read by the geometric (and fork cosine) schedule only.",
        "graph": "Discrete diffusion graph.",
        "graph.type": "Transition graph: absorbing state or uniform.",
        "model": "Transformer size (normally composed from configs/model/<size>.yaml).",
        "sampling": "Sampling settings for snapshots.",
        "sampling.predictor": "Sampler step rule.",
        "eval": "Evaluation settings.",
        "data": "Datasets.",
        "curriculum": "Protein fork: curriculum over the noise level.",
        "lr_schedule": "Protein fork: read by no code (the schedule is a hard-coded warmup-cosine).",
        "memory": "Protein fork: memory settings.",
        "monitoring": "Protein fork: read by no code.",
    },
    "hydra": {
        "defaults": "Hydra defaults list: config groups and options to compose, with _self_ marking this file's place.",
        "hydra": "Hydra's own configuration node (structured: unknown keys fail composition).",
        "_target_": "Dotted path of the callable that hydra.utils.instantiate builds from this mapping.",
        "_partial_": "Instantiate as functools.partial instead of calling the target.",
        "_recursive_": "Also instantiate nested mappings that have a _target_.",
        "_convert_": "How config containers are passed to the target: none, partial, object or all.",
        "_args_": "Positional arguments for the target.",
    },
}


def describe(family: str, path: str, key: str, sch: Schema, entry: dict[str, Any] | None,
             use_notes: bool) -> str:
    own = DESCRIPTIONS.get(family, {}).get(path)
    if own:
        return own
    default = entry.get("default") if entry else None
    if default == "???":
        default = None
    base = compose_description(key, sch, default)
    if use_notes and entry and entry.get("note"):
        return base[:-1] + ": " + first_sentence(str(entry["note"]))[:160].rstrip(".") + "."
    return base


# --------------------------------------------------------------------------- generic build


def leaf_schema(entry: dict[str, Any], path: str, enforce_choices: bool = True) -> Schema:
    sch = json_type(entry.get("type"))
    choices = entry.get("choices")
    if choices and enforce_choices and not is_registry_type(path):
        sch["enum"] = list(choices)
        if None in choices:
            sch = nullable(sch)
    elif choices:
        # a registry's names in full: cfglint tells upstream's names from a repository's
        names = [c for c in choices if c is not None]
        sch["examples"] = names if is_registry_type(path) else names[:5]
    if entry.get("known_values"):
        sch.setdefault("examples", list(entry["known_values"])[:6])
    if entry.get("default") is not None and entry.get("default") != "???":
        sch["default"] = entry["default"]
    if entry.get("deprecated"):
        sch["deprecated"] = True
    if entry.get("aliases"):
        sch["x-cfglint-aliases"] = list(entry["aliases"])
    notes = []
    if entry.get("set_by_code") or entry.get("set_by_hydra"):
        notes.append("set at runtime; a value in the file is overwritten")
    if entry.get("read_by_code") is False:
        notes.append("no code reads this key")
    elif entry.get("read_by_code") == "logging-only":
        notes.append("only logged, not used for training")
    if notes:
        sch["x-cfglint-note"] = "; ".join(notes)
    return sch


def build_node(family: str, tree: Tree, path: str, *, closed: set[str], use_notes: bool,
               overrides: dict[str, Schema], enforce_choices: bool = True) -> Schema:
    """Schema for the node at ``path`` (without its description)."""
    entry = tree.entry or {}
    if path in overrides:
        sch = dict(overrides[path])
    else:
        sch = leaf_schema(entry, path, enforce_choices) if tree.entry else {}
    if entry.get("open_object"):
        sch["x-cfglint-open"] = True
    kids = {k: v for k, v in tree.children.items() if k not in ("*", "[]")}
    if kids and "type" not in sch:
        sch["type"] = "object"
    if kids:
        props: Schema = dict(sch.get("properties", {}))
        required = list(sch.get("required", []))
        for key in sorted(kids):
            child = kids[key]
            cpath = f"{path}.{key}" if path else key
            csch = build_node(family, child, cpath, closed=closed, use_notes=use_notes,
                              overrides=overrides, enforce_choices=enforce_choices)
            csch = {"description": describe(family, cpath, key, csch, child.entry, use_notes),
                    **csch}
            props[key] = csch
            if child.entry and child.entry.get("required") is True and family == "traiNNer":
                required.append(key)
        sch["properties"] = props
        if required:
            sch["required"] = sorted(set(required))
    if "*" in tree.children:
        wpath = f"{path}.*" if path else "*"
        sch.setdefault("type", "object")
        sch["additionalProperties"] = build_node(
            family, tree.children["*"], wpath, closed=closed, use_notes=use_notes,
            overrides=overrides, enforce_choices=enforce_choices)
    elif path in closed and not entry.get("open_object"):
        sch["additionalProperties"] = False
    if "[]" in tree.children:
        sch["items"] = build_node(family, tree.children["[]"], f"{path}.[]", closed=closed,
                                  use_notes=use_notes, overrides=overrides,
                                  enforce_choices=enforce_choices)
    return sch


TRAINER_NAMES = {"basicsr": "BasicSR", "traiNNer": "traiNNer-redux", "sedd": "SEDD",
                 "hydra": "Hydra"}
# where these schemas flag an unknown key, the trainer fails on it (msgspec, a
# constructor TypeError, Hydra's structured node); sedd flags none
REJECTS_UNKNOWN = {"basicsr", "traiNNer", "hydra"}


def header(family: str, title: str, description: str) -> Schema:
    out: Schema = {"$schema": DRAFT,
                   "$id": f"urn:cfglint:schema:{family}",
                   "title": title, "description": description,
                   "x-cfglint-trainer": TRAINER_NAMES[family]}
    if family in REJECTS_UNKNOWN:
        out["x-cfglint-unknown-keys"] = "rejected"
    return out


# --------------------------------------------------------------------------- per-class kwargs


def parse_basicsr_params(params: list[str]) -> tuple[list[tuple[str, str | None]], bool]:
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


def class_rule(kind: str, cls: str, type_match: Schema, params: list[tuple[str, Any]],
               required: list[str], var_kwargs: bool) -> Schema:
    """``if type is cls then the other keys must be cls's parameters``."""
    then: Schema = {"properties": {"type": {"description": f"Selects {cls}."}}}
    for name, default in params:
        p: Schema = {"description": f"Argument `{name}` of {kind} {cls}."}
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


def basicsr_dispatch(registry: dict[str, Any], kind: str) -> list[Schema]:
    rules = []
    for cls in sorted(registry):
        parsed, var_kw = parse_basicsr_params(registry[cls]["params"])
        params = [(n, literal_default(d)) for n, d in parsed]
        required = [n for n, d in parsed if d is None]
        rules.append(class_rule(kind, cls, {"const": cls}, params, required, var_kw))
    return rules


def trainner_dispatch(registry: dict[str, Any], kind: str,
                      injected: tuple[str, ...] = ()) -> list[Schema]:
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


# --------------------------------------------------------------------------- hydra pieces

SWEEP_NOTE = "values may be interpolations (${...}), ??? or sweep syntax; those are not type-checked"
DEFAULTS_KEY = r"^(?:(?:optional|override)\s+){0,2}[^\s]+$"


def hydra_defs() -> dict[str, Schema]:
    option = {"description": "Option(s) chosen for the group: a config name, null, or a list of names.",
              "type": ["string", "null", "array"], "items": {"type": "string"}}
    return {
        "defaultsList": {
            "description": "A Hydra defaults list.",
            "type": "array",
            "items": {"$ref": "#/$defs/defaultsItem"},
            "x-cfglint-note": "each mapping element must have exactly one key (Hydra: 'Too many keys in default item')",
        },
        "defaultsItem": {
            "description": "_self_, a config path (group/option, /abs, name@pkg), or a one-key mapping `[optional|override] group[@pkg]: option`.",
            "type": ["string", "object"],
            "pattern": r"^\S+$",
            "propertyNames": {"pattern": DEFAULTS_KEY},
            "additionalProperties": option,
        },
        "instantiable": {
            "description": "Any value; mappings may carry Hydra's instantiate keys.",
            "properties": {
                "_target_": {"description": DESCRIPTIONS["hydra"]["_target_"], "type": "string"},
                "_partial_": {"description": DESCRIPTIONS["hydra"]["_partial_"], "type": "boolean",
                              "default": False},
                "_recursive_": {"description": DESCRIPTIONS["hydra"]["_recursive_"],
                                "type": "boolean", "default": True},
                "_convert_": {"description": DESCRIPTIONS["hydra"]["_convert_"],
                              **ci_enum(["none", "partial", "object", "all"]), "default": "none"},
                "_args_": {"description": DESCRIPTIONS["hydra"]["_args_"], "type": "array"},
            },
            "additionalProperties": {"$ref": "#/$defs/instantiable"},
            "items": {"$ref": "#/$defs/instantiable"},
        },
    }


def hydra_node(hydra_keys: dict[str, Any]) -> Schema:
    """The strict ``hydra:`` node from keys/hydra.json."""
    tree = Tree()
    for path, entry in hydra_keys.items():
        if path.startswith("hydra.") or path == "hydra":
            tree.add(path, entry)
    root = tree.children["hydra"]
    # structured dataclass levels: unknown keys fail composition
    closed = {"hydra", "hydra.run", "hydra.sweep", "hydra.job", "hydra.job.config",
              "hydra.job.config.override_dirname", "hydra.help", "hydra.hydra_help",
              "hydra.runtime", "hydra.overrides"}
    # launcher/sweeper keys depend on the selected (possibly third-party) plugin: open
    overrides = {
        "hydra.defaults": {"$ref": "#/$defs/defaultsList"},
        "hydra.launcher": {"type": ["object", "null"], "x-cfglint-open": True},
        "hydra.sweeper": {"type": ["object", "null"], "x-cfglint-open": True},
        "hydra.sweeper.params": {"type": ["object", "null"], "x-cfglint-open": True,
                                 "x-cfglint-note": SWEEP_NOTE},
        "hydra.hydra_logging": {"type": ["object", "null"], "x-cfglint-open": True},
        "hydra.job_logging": {"type": ["object", "null"], "x-cfglint-open": True},
        "hydra.verbose": {"type": ["boolean", "string", "array"], "default": False},
    }
    # plugin sub-trees (launcher, sweeper) keep their types but are not in `closed`
    return build_node("hydra", root, "hydra", closed=closed, use_notes=True,
                      overrides=overrides)


# --------------------------------------------------------------------------- families


# Keys whose code tests for None, so `~` is a real setting (BasicSR's own options use it).
BASICSR_NULLABLE = {
    "datasets.*.dataroot_flow",  # REDS: no precomputed flow
    "train.fix_flow",  # video GAN: falsy = never freeze the flow net
}


def build_basicsr(keys_dir: Path) -> Schema:
    inv = load(keys_dir, "basicsr")
    reg = inv["registries"]
    tree = Tree()
    for path, entry in inv["keys"].items():
        if path in BASICSR_NULLABLE:
            entry = {**entry, "type": [entry["type"], "null"]}
        tree.add(path, entry)
    overrides: dict[str, Schema] = {}
    # network_*.type, datasets.*.type, *_opt.type, metrics: downstream projects
    # (Real-ESRGAN, GFPGAN, ...) register more classes, so names are not enforced
    sch = build_node("basicsr", tree, "", closed=set(), use_notes=True, overrides=overrides)
    props = sch["properties"]
    arch_rules = basicsr_dispatch(reg["arch"], "architecture")
    loss_rules = basicsr_dispatch(reg["loss"], "loss")
    network = {"type": "object", "required": ["type"],
               "properties": {"type": {"description": "ARCH_REGISTRY class name (case-sensitive).",
                                       "type": "string", "examples": sorted(reg["arch"])}},
               "allOf": arch_rules}
    for key in ("network_g", "network_d"):
        desc = props[key]["description"]
        props[key] = {"description": desc, "$ref": "#/$defs/network"}
    sch["patternProperties"] = {
        "^network_(?!(?:g|d)$)": {
            "description": "Another network of a custom model: `type` plus constructor arguments.",
            "$ref": "#/$defs/network"},
    }
    loss = {"type": ["object", "null"],
            "properties": {"type": {"description": "LOSS_REGISTRY class name (case-sensitive).",
                                    "type": "string", "examples": sorted(reg["loss"])}},
            "allOf": loss_rules}
    train = props["train"]
    known_losses = []
    for key, val in list(train["properties"].items()):
        if key.endswith("_opt"):
            train["properties"][key] = {"description": val["description"],
                                        "$ref": "#/$defs/loss"}
            known_losses.append(key)
    train["patternProperties"] = {
        "^(?!(?:" + "|".join(sorted(known_losses)) + ")$).+_opt$": {
            "description": "A loss of a custom model: `type` plus the loss's arguments.",
            "$ref": "#/$defs/loss"},
    }
    # the scheduler's kwargs go to the scheduler class (TypeError on unknown ones)
    sched = train["properties"]["scheduler"]
    sched.pop("x-cfglint-open", None)
    sprops = sched["properties"]

    def kwargs_of(names: list[str], cls: str) -> Schema:
        return {"properties": {n: {"description": f"Argument `{n}` of {cls}."} for n in names},
                "additionalProperties": False}

    common = ["type", "restart_weights", "last_epoch"]
    multistep = ["milestones", "gamma", "restarts", *common]
    cosine = ["periods", "eta_min", *common]
    assert set(multistep) | set(cosine) <= set(sprops), "scheduler keys missing"
    sched["allOf"] = [
        {"if": {"properties": {"type": {"enum": ["MultiStepLR", "MultiStepRestartLR"]}},
                "required": ["type"]},
         "then": {**kwargs_of(multistep, "MultiStepRestartLR"), "required": ["milestones"]}},
        {"if": {"properties": {"type": {"const": "CosineAnnealingRestartLR"}},
                "required": ["type"]},
         "then": {**kwargs_of(cosine, "CosineAnnealingRestartLR"), "required": ["periods"]}},
    ]
    sch["$defs"] = {"network": network, "loss": loss}
    sch.update(header(
        "basicsr", "BasicSR / Real-ESRGAN option file",
        "Options for basicsr/train.py (XPixelGroup/BasicSR and projects built on it), as the "
        "PyYAML full loader reads them (YAML 1.1: write !!float 1e-4). Sections are open, but "
        "network_*, train.*_opt and train.scheduler keys become constructor arguments and are "
        "checked against the registered class named by `type`."))
    return order(sch)


def msgspec_schema(t: str, choices: list[Any] | None) -> Schema:
    """A msgspec annotation (as written in redux_options.py) -> schema fragment."""
    alts = split_top(t.replace("\n", " "), "|")
    out: list[Schema] = []
    for a in (x.strip() for x in alts):
        out.append(_msgspec_one(a, choices))
    simple_types: list[str] = []
    complex_: list[Schema] = []
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


def _msgspec_one(a: str, choices: list[Any] | None) -> Schema:
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


TRAINNER_OPTIMIZERS_BUILTIN = ["Adam", "AdamW", "NAdam", "StableAdamW", "SOAP", "ADOPT"]
TRAINNER_SCHEDULERS = ["ConstantLR", "LinearLR", "ExponentialLR", "CyclicLR", "StepLR",
                       "MultiStepLR", "LambdaLR", "MultiplicativeLR", "SequentialLR",
                       "ChainedScheduler", "OneCycleLR", "PolynomialLR",
                       "CosineAnnealingWarmRestarts", "CosineAnnealingLR",
                       "CosineAnnealingWarmupLR", "CosineAnnealingRestartLR",
                       "ReduceLROnPlateau", "KneeLR", "WarmupStableDecayLR"]


def build_trainner(keys_dir: Path) -> Schema:
    inv = load(keys_dir, "traiNNer-redux")
    with open(TRAINNER_PARAMS, encoding="utf-8") as fh:
        params = json.load(fh)["registries"]
    tree = Tree()
    overrides: dict[str, Schema] = {}
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
    sch = build_node("traiNNer", tree, "", closed=closed, use_notes=False, overrides=overrides)
    sch["additionalProperties"] = False
    props = sch["properties"]

    arch_reg = {**params["testarch"], **params["arch"], **params["spandrel"]}
    all_archs = sorted({e["name"] for e in arch_reg.values()})
    defs: dict[str, Schema] = {}
    defs["network"] = {
        "type": ["object", "null"], "required": ["type"],
        "properties": {"type": {"description": "Architecture name (any case).",
                                **ci_enum(all_archs)}},
        # generators get `scale` from the top level, so it is never required here
        "allOf": trainner_dispatch(arch_reg, "architecture", ("scale",))}
    for key in ("network_g", "network_d", "network_ae", "network_g_teacher"):
        props[key] = {"description": props[key]["description"], "$ref": "#/$defs/network"}
    loss_rules = trainner_dispatch(params["loss"], "loss")
    loss_names = sorted(e["name"] for e in params["loss"].values())
    loss = {"type": ["object", "null"], "required": ["type", "loss_weight"],
            "properties": {"type": {"description": "Registered loss name (any case).",
                                    **ci_enum(loss_names)},
                           "loss_weight": {"description": "Weight of this loss; 0 skips it.",
                                           "type": "number"}},
            "allOf": loss_rules}
    defs["loss"] = loss
    train = props["train"]
    for key, val in list(train["properties"].items()):
        if key.endswith("_opt"):
            train["properties"][key] = {"description": val["description"],
                                        "type": ["object", "null"], "$ref": "#/$defs/loss"}
    train["properties"]["losses"]["items"] = {"$ref": "#/$defs/loss"}
    sch["$defs"] = defs
    optimizers = TRAINNER_OPTIMIZERS_BUILTIN + sorted(
        e["name"] for e in params["optimizer"].values())
    for key in ("optim_g", "optim_d", "optim_ae"):
        node = train["properties"][key]
        node["required"] = ["type"]
        node["properties"] = {"type": {"description": "Registered optimizer name (any case).",
                                       **ci_enum(optimizers)},
                              "lr": {"description": "Learning rate (a float: write !!float 1e-4 or 1.0e-4).",
                                     "type": "number"}}
    sched = train["properties"]["scheduler"]
    sched["required"] = ["type"]
    sched["properties"] = {"type": {"description": "Scheduler name (any case).",
                                    **ci_enum(TRAINNER_SCHEDULERS)}}
    metrics = props["val"]["properties"]["metrics"]
    metric_names = sorted(e["name"] for e in params["metric"].values())
    metrics["additionalProperties"] = {
        "type": "object", "required": ["type"], "x-cfglint-open": True,
        "properties": {"type": {"description": "Registered metric function (any case).",
                                **ci_enum(metric_names)}}}
    ds = props["datasets"]["additionalProperties"]
    dataset_names = [re.sub(r"_traiNNer$", "", n) for n in inv["registries"]["dataset"]]
    ds["properties"]["type"] = {"description": DESCRIPTIONS["traiNNer"]["datasets.*.type"],
                                **ci_enum(sorted(set(dataset_names)))}
    sch.update(header(
        "traiNNer", "traiNNer-redux option file",
        "Options for traiNNer-redux's train.py. The file is decoded strictly (msgspec, "
        "strict=True, YAML 1.1 via PyYAML): an unknown key at any struct level or a string "
        "where a number belongs fails at load. network_* and loss blocks are checked "
        "against the registered callable's parameters."))
    return order(sch)


def build_sedd(keys_dir: Path) -> Schema:
    up = load(keys_dir, "sedd")
    fork = load(keys_dir, "sedd-protein-fork")
    hyd = load(keys_dir, "hydra")
    merged: dict[str, dict[str, Any]] = {}
    for path, entry in fork["keys"].items():
        merged[path] = dict(entry)
    for path, entry in up["keys"].items():
        if path in merged:
            e = dict(merged[path])
            # union of choices; upstream's shipped value is the documented default
            ch = sorted(set(e.get("choices") or []) | set(entry.get("choices") or []),
                        key=str)
            if "noise.type" == path:
                ch = ["cosine", "geometric", "loglinear"]
            if ch:
                e["choices"] = ch
            e["default"] = entry.get("default")
            e["read_by_code"] = entry.get("read_by_code", True) or e.get("read_by_code")
            if entry.get("note"):
                e["note"] = entry["note"]
            merged[path] = e
        else:
            merged[path] = dict(entry)
    for entry in merged.values():
        entry["required"] = False  # model group files and partial configs are sedd too
    tree = Tree()
    for path, entry in merged.items():
        tree.add(path, entry)
    overrides = {"defaults": {"$ref": "#/$defs/defaultsList"},
                 "hydra": hydra_node(hyd["keys"]),
                 "curriculum.difficulty_ramp": {"type": "string", "default": "exponential",
                                                "examples": ["linear", "exponential", "cosine"]}}
    sch = build_node("sedd", tree, "", closed=set(), use_notes=True, overrides=overrides)
    props = sch["properties"]
    # a bare model group file (configs/model/small.yaml) has the model keys at the top
    for key, val in props["model"]["properties"].items():
        if key not in props:
            props[key] = {**val, "description": "Model group file: " + val["description"][0].lower()
                          + val["description"][1:]}
    sch["additionalProperties"] = {"$ref": "#/$defs/instantiable"}
    sch["$defs"] = hydra_defs()
    sch.update(header(
        "sedd", "SEDD (Score-Entropy Discrete Diffusion) config",
        "Hydra config of louaaron/Score-Entropy-Discrete-Diffusion and its forks (including "
        "the protein_lig_sedd curriculum fork), or one of its config-group files. Every key "
        "is optional so group files validate; sections are open because unknown keys are "
        "silently ignored by both loaders."))
    return order(sch)


def build_hydra(keys_dir: Path) -> Schema:
    hyd = load(keys_dir, "hydra")
    defs = hydra_defs()
    inst = defs["instantiable"]["properties"]
    sch: Schema = header(
        "hydra", "Hydra application config",
        "A primary config or config-group option of a Hydra app. Application keys are free; "
        "cfglint checks the defaults list grammar, the structured `hydra:` node and the types "
        "of the instantiate keys (_target_, _partial_, _recursive_, _convert_, _args_).")
    sch["properties"] = {
        "defaults": {"description": DESCRIPTIONS["hydra"]["defaults"],
                     "$ref": "#/$defs/defaultsList"},
        "hydra": {"description": DESCRIPTIONS["hydra"]["hydra"], **hydra_node(hyd["keys"])},
        **inst,
    }
    sch["additionalProperties"] = {"$ref": "#/$defs/instantiable"}
    sch["items"] = {"$ref": "#/$defs/instantiable"}
    sch["$defs"] = defs
    return order(sch)


KEY_ORDER = ["$schema", "$id", "title", "description", "x-cfglint-trainer",
             "x-cfglint-unknown-keys", "type", "required", "default",
             "examples", "deprecated", "x-cfglint-aliases", "x-cfglint-open",
             "x-cfglint-enum-ci", "x-cfglint-note", "enum", "const", "pattern"]


def order(sch: Any) -> Any:
    """Stable, readable key order (header first, $defs last)."""
    if isinstance(sch, list):
        return [order(x) for x in sch]
    if not isinstance(sch, dict):
        return sch
    keys = sorted(sch, key=lambda k: (KEY_ORDER.index(k) if k in KEY_ORDER else
                                      len(KEY_ORDER) + (1 if k == "$defs" else 0), ))
    out = {}
    for k in keys:
        v = sch[k]
        out[k] = {pk: order(pv) for pk, pv in v.items()} if k in (
            "properties", "patternProperties", "$defs") else order(v)
    return out


BUILDERS = {"basicsr": build_basicsr, "traiNNer": build_trainner, "sedd": build_sedd,
            "hydra": build_hydra}


# A key the trainer accepts but whose type its source does not pin down (an unannotated
# keyword argument, a value set at runtime): say so explicitly rather than leave it untyped.
ANY_TYPE = ["string", "number", "boolean", "array", "object", "null"]
_TYPED = {"type", "$ref", "allOf", "anyOf", "oneOf", "const", "enum"}


def with_explicit_types(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: with_explicit_types(v) for k, v in node.items()}
        props = out.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                if isinstance(sub, dict) and not set(sub) & _TYPED:
                    props[name] = {"type": ANY_TYPE, **sub}
        return out
    if isinstance(node, list):
        return [with_explicit_types(v) for v in node]
    return node


def render(schema: Schema) -> str:
    return json.dumps(with_explicit_types(schema), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keys", type=Path, default=DEFAULT_KEYS, help="key inventory folder")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if a generated schema differs from the file on disk")
    args = ap.parse_args(argv)
    stale = []
    for family, build in BUILDERS.items():
        text = render(build(args.keys))
        path = OUT_DIR / f"{family}.schema.json"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
