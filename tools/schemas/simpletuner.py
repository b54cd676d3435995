"""schemas/simpletuner*.schema.json: bghira/SimpleTuner.

``simpletuner``: ``config.json`` / ``config.toml`` (and the WebUI's ``{"_metadata", "config"}``
wrapper), whose keys are the trainer's command-line options. ``simpletuner-dataloader``:
the ``multidatabackend.json`` list of datasets. ``simpletuner-lycoris``: the LyCORIS network
config named by ``--lycoris_config`` (only the keys SimpleTuner itself asserts).
``simpletuner-prompts``: the ``--user_prompt_library`` file. Input:
``tools/data/keys/simpletuner.json``, written from SimpleTuner's field registry (the
argparse options: converter, default, enforced choices, required), its loader
(``cli_utils.py``) and its dataset factory. Descriptions are our own.

The config becomes an argument list for argparse: null, empty and ``"false"`` values are
dropped, objects are dropped, each list item is one ``--key=item``, and argparse rejects an
unknown option (a unique prefix of an option is that option) and any value its converter
refuses, so the run does not start.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tools.schemas.common import (
    ANY_TYPE,
    VALUE_WORDS,
    Json,
    ci_pattern,
    describe_converted,
    header,
    load_keys,
)

SCHEMAS = ["simpletuner", "simpletuner-dataloader", "simpletuner-lycoris", "simpletuner-prompts"]
TRAINER = "SimpleTuner"

STOPS = "argparse rejects it and SimpleTuner does not start"
# Keys the loader rewrites or drops before argparse (cli_utils.py legacy handlers, fields
# registered without an option): known, but not options.
LOADER_KEYS = {
    "vae_cache_preprocess": "Old name: false turns on vae_cache_ondemand, true is dropped.",
    "save_total_limit": "Old name of checkpoints_total_limit.",
    "aspect_ratio_bucketing": "Dataset-level setting; the config loader drops it.",
    "aspect_ratio_bucket_min": "Dataset-level setting; the config loader drops it.",
    "aspect_ratio_bucket_max": "Dataset-level setting; the config loader drops it.",
    "repeats": "Dataset-level setting (multidatabackend.json); the config loader drops it.",
    "ez_model_type": "WebUI state; the config loader drops it.",
    "__disabled_fields__": "WebUI state; the config loader drops it.",
    "__active_tab__": "WebUI state; the config loader drops it.",
    "disable_multiline_split": "Dataset-level setting; the config loader drops it.",
}
# Options whose object or list value is passed on as JSON text (cli_utils.py).
JSON_OPTIONS = {"webhook_config", "deepspeed_config", "distillation_config",
                "publishing_config", "peft_lora_target_modules"}
DESCRIPTIONS: dict[str, str] = {
    "model_family": "Model architecture to train (required).",
    "model_type": "full (fine-tune) or lora (required).",
    "model_flavour": "Variant of the model family (a named checkpoint).",
    "pretrained_model_name_or_path": "Base model: a Hugging Face id or a local folder.",
    "output_dir": "Folder for checkpoints and the trained model (required).",
    "optimizer": "Optimizer name (required); checked after parsing.",
    "data_backend_config": "Path of the multidatabackend.json dataset list (required).",
    "learning_rate": "Base learning rate (prodigy uses its own setting instead).",
    "lr_scheduler": "Learning-rate schedule; constant with a warmup becomes "
                    "constant_with_warmup.",
    "lr_warmup_steps": "Warmup in optimizer steps (a whole number).",
    "max_train_steps": "Training length in optimizer steps; num_train_epochs must then be 0.",
    "num_train_epochs": "Training length in epochs (default 1); 0 when max_train_steps is set.",
    "train_batch_size": "Samples per step on each device.",
    "gradient_accumulation_steps": "Batches whose gradients are summed before an update.",
    "mixed_precision": "Autocast precision: no, fp16, bf16 or fp8.",
    "lora_rank": "Rank of the LoRA adapters.",
    "lora_alpha": "LoRA alpha; without it alpha equals the rank.",
    "max_grad_norm": "Gradient clipping threshold; 0 turns clipping off.",
    "grad_clip_method": "value clamps each gradient element, norm clips the global norm.",
    "use_ema": "Keep an exponential moving average of the trained weights.",
    "ema_decay": "Largest EMA decay.",
    "snr_gamma": "Min-SNR weighting gamma (a whole number); ignored for flow matching.",
    "validation_step_interval": "Optimizer steps between validation renders.",
    "checkpoint_step_interval": "Optimizer steps between checkpoints.",
    "resolution": "Training resolution (a whole number, unit per resolution_type).",
    "lycoris_config": "Path of the LyCORIS network config (with lora_type lycoris).",
    "user_prompt_library": "Path of a JSON file of named validation prompts.",
}


def build(data: Path) -> dict[str, Json]:
    inv = load_keys(data, "simpletuner")
    return {"simpletuner": _config(inv), "simpletuner-dataloader": _dataloader(inv),
            "simpletuner-lycoris": _lycoris(), "simpletuner-prompts": _prompts()}


def _words(words: list[str], *, optional: bool = False) -> str:
    """A pattern for one of ``words`` in any case, with blanks around it."""
    either = "|".join(ci_pattern(w) for w in words)
    return r"^\s*(" + either + (")?" if optional else ")") + r"\s*$"


BOOL_WORDS = ["1", "true", "yes", "y", "on", "0", "false", "no", "n", "off"]
BOOL_TEXT = _words(BOOL_WORDS)
# What argparse's converter (the option's `type`) makes of the text.
CONVERTS_TO = {"int": "integer", "float": "number", "bool-parser": "boolean", "str": "string"}


def _describe(name: str, converter: str, default: Any) -> str:
    return DESCRIPTIONS.get(name) or describe_converted(
        name, VALUE_WORDS.get(CONVERTS_TO.get(converter, ""), ""), default)


def _converter(meta: Json) -> str:
    return str(meta.get("argparse_type", "str")).split(" ")[0].rstrip(",")


# --- the config: one property per option --------------------------------------------------------

def _option(name: str, meta: Json) -> Json:
    """What argparse accepts for one option, after the loader's value mapping."""
    kind = _converter(meta)
    choices = [c for c in meta.get("choices") or [] if c is not None]
    s: Json
    if name in JSON_OPTIONS or meta.get("field_type") == "text_json" \
            or name == "validation_prompt_library":
        s = {"type": ANY_TYPE}  # passed on as JSON text, or read as a flag or a path
    elif kind == "int":
        s = {"type": ["integer", "string", "null"], "x-cfglint-numeric-text": "int"}
    elif kind == "float":
        s = {"type": ["number", "string", "null"], "x-cfglint-numeric-text": "float"}
    elif kind == "bool-parser":
        s = {"type": ["boolean", "integer", "string", "null"], "pattern": BOOL_TEXT}
    elif choices:
        numeric = [_number(c) for c in choices if _number(c) is not None]
        s = {"type": ["string", "number", "null"], "enum": [*choices, *numeric, None]}
    else:
        s = {"type": ["string", "number", "boolean", "null"]}
    if s["type"] is not ANY_TYPE:
        s = {**s, "type": [*s["type"], "array"], "items": dict(s)}
        s["x-cfglint-consequence"] = {"wrong-type": STOPS, "bad-value": STOPS}
    s["description"] = _describe(name, kind, meta.get("default"))
    default = meta.get("default")
    if default is not None and not isinstance(default, dict | list):
        s["default"] = default
    return s


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text) if re.fullmatch(r"[0-9.eE+-]+", text) else None
    except ValueError:
        return None


def _options(inv: Json) -> tuple[Json, list[str]]:
    props: Json = {}
    required: list[str] = []
    for name, meta in sorted(inv["arguments"].items()):
        schema = _option(name, meta)
        for opt in meta.get("option_strings") or [f"--{name}"]:
            props[opt.lstrip("-")] = schema
        if meta.get("required"):
            required.append(name)
    for name, text in LOADER_KEYS.items():
        props.setdefault(name, {"type": ANY_TYPE, "description": text, "deprecated": True})
    return dict(sorted(props.items())), required


WEBUI_METADATA: Json = {"type": "object", "x-cfglint-open": True,
                        "description": "WebUI metadata of a saved template."}
UNREAD: Json = {"anyOf": [
    {"type": "null"}, {"type": "object"}, {"type": "array", "maxItems": 0},
    {"type": "string", "pattern": _words(["false"], optional=True)},
]}


def _config(inv: Json) -> Json:
    props, required = _options(inv)
    options: Json = {"type": "object", "properties": props, "additionalProperties": False}
    return {
        **header("simpletuner", "SimpleTuner training config",
                 "bghira/SimpleTuner config.json / config.toml: command-line options as keys, "
                 "with or without --. Unknown options and values argparse refuses stop the "
                 "run; the WebUI's {_metadata, config} wrapper holds the same options.",
                 TRAINER, rejects_unknown=True),
        "x-cfglint-unknown-severity": "error",
        "x-cfglint-key-prefix": "-", "x-cfglint-abbreviations": True,
        "x-cfglint-strict-integers": True, "x-cfglint-placeholders": r"\{env:",
        "x-cfglint-unread-values": UNREAD,
        "if": {"required": ["_metadata", "config"],
               "properties": {"_metadata": {"type": "object"}, "config": {"type": "object"}}},
        "then": {"type": "object", "properties": {
            "_metadata": WEBUI_METADATA,
            "config": {"$ref": "#/$defs/options", "description": "The options."}},
            "additionalProperties": False},
        "else": {"$ref": "#/$defs/options", "required": required},
        "$defs": {"options": options},
    }


# --- multidatabackend.json ------------------------------------------------------------------------

TRUTHY = "SimpleTuner tests the value's truth, so any non-empty text (“false” too) counts as true"


def _backend_key(meta: Json) -> Json:
    """Only what the dataset factory enforces: its choices, int()/float() of repeats and
    probability, and booleans tested for truth; other values are used as given."""
    choices = [c for c in meta.get("choices") or [] if c is not None]
    t = meta.get("type")
    s: Json
    if choices:
        s = {"type": "string", "enum": choices,
             "x-cfglint-consequence": {"bad-value": "the dataset factory raises an error at "
                                                    "start-up"}}
    elif t == "boolean":
        s = {"type": ["boolean", "integer", "string", "null"],
             "pattern": _words(["true", "yes", "1", "on"]),
             "x-cfglint-consequence": {"bad-value": TRUTHY, "wrong-type": TRUTHY}}
    elif t in ("integer", "number"):
        s = {"type": ["number", "string", "null"],
             "x-cfglint-numeric-text": "int" if t == "integer" else "float"}
    elif t == "object":
        s = {"type": ["object", "null"], "x-cfglint-open": True}
    else:
        s = {"type": ANY_TYPE}
    default = meta.get("default")
    if default is not None and not (isinstance(default, str) and default.startswith("--")) \
            and not isinstance(default, dict | list):
        s["default"] = default
    return s


def _dataloader(inv: Json) -> Json:
    keys: Json = inv["multidatabackend"]["keys"]
    props: Json = {}
    for name, meta in sorted(keys.items()):
        s = _backend_key(meta)
        s["description"] = _describe(name, "", s.get("default"))
        props[name] = s
        for alias in meta.get("aliases") or []:
            props.setdefault(alias, {**s, "description": f"Also read as {name}."})
    backend = {"type": "object", "required": ["id"], "properties": dict(sorted(props.items())),
               "additionalProperties": False}
    if "metadata_backend" in backend["properties"]:
        backend["properties"]["metadata_backend"]["enum"].append("filesystem")
    return {
        **header("simpletuner-dataloader", "SimpleTuner dataset list (multidatabackend.json)",
                 "The list --data_backend_config points to: one object per dataset or cache. "
                 "Unknown keys are ignored; enforced choices stop the run.", TRAINER),
        "if": {"type": "object"},
        "then": {"type": "object", "properties": {
            "_metadata": WEBUI_METADATA,
            "datasets": {"type": "array", "items": {"$ref": "#/$defs/backend"},
                         "description": "The datasets."}}},
        "else": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/backend"}},
        "$defs": {"backend": backend},
    }


# --- the two files a config names ---------------------------------------------------------------

def _lycoris() -> Json:
    asserted = "SimpleTuner asserts it when lora_type is lycoris"
    return {
        **header("simpletuner-lycoris", "LyCORIS network config (--lycoris_config)",
                 "Keyword arguments for LyCORIS' create_lycoris; SimpleTuner checks that algo, "
                 "multiplier, linear_alpha and (unless full_matrix) linear_dim are present. "
                 "The other keys belong to LyCORIS and are not checked.", TRAINER),
        "type": "object", "x-cfglint-open": True,
        "required": ["algo", "multiplier", "linear_alpha"],
        "properties": {
            "algo": {"type": "string", "description": f"LyCORIS algorithm; {asserted}."},
            "multiplier": {"type": ANY_TYPE, "description": f"Output multiplier; {asserted}."},
            "linear_alpha": {"type": ANY_TYPE,
                             "description": f"Alpha of the linear layers; {asserted}."},
            "linear_dim": {"type": ANY_TYPE, "description": "Rank of the linear layers; "
                                                           "asserted unless full_matrix is true."},
            "full_matrix": {"type": ANY_TYPE, "description": "Train full matrices (then "
                                                            "linear_dim may be left out)."},
        },
        "if": {"properties": {"full_matrix": {"const": True}}, "required": ["full_matrix"]},
        "else": {"required": ["linear_dim"]},
    }


def _prompts() -> Json:
    lost = "SimpleTuner logs the error and validates without any of these prompts"
    entry = {"anyOf": [
        {"type": "string"},
        {"type": "object", "x-cfglint-open": True,
         "anyOf": [{"required": ["prompt"]}, {"required": ["caption"]}, {"required": ["tags"]}],
         "properties": {
             "adapter_strength": {"type": ["number", "string", "null"],
                                  "x-cfglint-numeric-text": "float",
                                  "description": "Adapter strength for this prompt."},
             "lyrics": {"type": ["string", "null"], "description": "Lyrics (audio models)."}}},
    ], "description": "A prompt, or an object with prompt (or caption or tags).",
        "x-cfglint-consequence": {"wrong-type": lost, "bad-value": lost}}
    return {
        **header("simpletuner-prompts", "SimpleTuner user prompt library",
                 "Named validation prompts (--user_prompt_library): name to prompt text, or "
                 "to an object with a prompt. One bad entry empties the whole library.",
                 TRAINER),
        "type": "object", "additionalProperties": entry,
    }

