"""Generate schemas/{ai-toolkit,kohya,kohya-dataset,kohya-gui}.schema.json.

Input: the key inventories in ../shared/research/keys/ (extracted from each trainer's
source). Output: draft 2020-12 schemas following schemas/README.md. Descriptions are
our own: a table of one-liners for the keys that matter most, and for the long tail a
sentence composed from the key's name, type, default and where it applies. Help texts
and notes from the trainers are never copied. Run: ``python tools/build_schemas.py``.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT.parent / "shared" / "research" / "keys"
OUT = ROOT / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID = "urn:cfglint:schema:{}"
ALL_TYPES = ["string", "number", "boolean", "array", "object", "null"]

Json = dict[str, Any]

# Own one-line descriptions of the keys that decide a run, per family (path -> text;
# list indices dropped, ai-toolkit paths relative to config.process[] items).
AITK_DESC: dict[str, str] = {
    "job": "Kind of job run.py starts: train, extension, extract, mod or generate.",
    "config": "The job: its name and the list of processes it runs.",
    "config.name": "Run name; also replaces every `[name]` placeholder in the file.",
    "config.process": "Processes the job runs in order; each one's keys depend on its `type`.",
    "type": "Which process class runs this item (extension uid or built-in type).",
    "train": "Optimisation settings: steps, learning rates, optimizer, precision, noise.",
    "train.lr": "Base learning rate; every per-part learning rate defaults to it.",
    "train.steps": "Number of optimisation steps (ai-toolkit counts steps, not epochs).",
    "train.batch_size": "Images per step before gradient accumulation.",
    "train.optimizer": "Optimizer name, matched case-insensitively by ai-toolkit.",
    "train.optimizer_params": "Keyword arguments passed to the optimizer constructor.",
    "train.lr_scheduler": "Learning-rate schedule name.",
    "train.lr_scheduler_params": "Keyword arguments passed to the scheduler constructor.",
    "train.dtype": "Precision the model is trained in; also overrides model.dtype.",
    "train.gradient_accumulation_steps": "Steps whose gradients are summed before an update.",
    "train.noise_scheduler": "Noise scheduler used for training; sampling must match it.",
    "network": "The LoRA-type adapter that is trained.",
    "network.linear": "Rank of the linear layers' adapter.",
    "network.linear_alpha": "Alpha of the linear layers' adapter (scale = alpha / rank).",
    "network.type": "Adapter kind; an unknown kind silently trains a plain LoRA.",
    "datasets": "Image folders and how they are captioned, cropped and cached.",
    "datasets.shuffle_tokens": "Shuffle the comma-separated caption tokens every step.",
    "model": "Base model: path, architecture, quantization, precision.",
    "model.arch": "Model architecture; an unknown one falls back to the legacy SD class.",
    "sample": "Preview generation during training.",
    "save": "Checkpoint cadence, precision and retention.",
    "meta": "Free-form metadata written into the saved model.",
}
SD_DESC: dict[str, str] = {
    "learning_rate": "Base learning rate; UNet and text-encoder rates default to it.",
    "unet_lr": "Learning rate of the UNet/transformer adapter.",
    "text_encoder_lr": "Learning rate of the text-encoder adapter (one value or one per encoder).",
    "optimizer_type": "Optimizer: a built-in name (any case), a torch.optim class or module.Class.",
    "optimizer_args": "Optimizer keyword arguments as `key=value` strings.",
    "lr_scheduler": "Learning-rate schedule name.",
    "lr_warmup_steps": "Warmup length: an integer counts steps, a float below 1 is a ratio.",
    "max_train_steps": "Training length in steps (overridden by max_train_epochs).",
    "max_train_epochs": "Training length in epochs; wins over max_train_steps.",
    "train_batch_size": "Images per step before gradient accumulation.",
    "mixed_precision": "Autocast precision of the forward pass.",
    "save_precision": "Precision of the saved weights.",
    "save_model_as": "File format of the saved model.",
    "resolution": "Training resolution as a string: 'size' or 'width,height'.",
    "network_dim": "Rank of the LoRA network.",
    "network_alpha": "LoRA alpha; the update is scaled by alpha / rank.",
    "network_module": "Python module that builds the network (e.g. networks.lora).",
    "network_args": "Network-module options as `key=value` strings.",
    "pretrained_model_name_or_path": "Base model checkpoint, folder or hub id.",
    "output_dir": "Folder the trained weights are written to.",
    "dataset_config": "Path of the dataset-config TOML.",
    "seed": "Random seed of the run.",
}
DS_DESC: dict[str, str] = {
    "general": "Defaults shared by every dataset and subset.",
    "datasets": "The datasets; each has its own resolution, bucketing and subsets.",
    "datasets.subsets": "Image sources of this dataset.",
    "datasets.subsets.image_dir": "Folder with the training images.",
    "datasets.subsets.num_repeats": "How often each image is seen per epoch.",
    "datasets.batch_size": "Images per step for this dataset.",
    "datasets.resolution": "Training resolution: an integer or [width, height] (not a string).",
    "general.resolution": "Training resolution: an integer or [width, height] (not a string).",
}
GUI_DESC: dict[str, str] = {
    "LoRA_type": "Kind of network the GUI trains (Standard, LyCORIS/..., Flux1, ...).",
    "optimizer": "Optimizer name as the GUI passes it on to sd-scripts.",
    "epoch": "Training length in epochs (the GUI passes it as max_train_epochs).",
    "lr_warmup": "Warmup as a percentage of the total steps.",
    "max_resolution": "Training resolution as 'width,height'.",
}

# Case-insensitive optimizer names sd-scripts knows, plus torch.optim class names
# (looked up by getattr on torch.optim) and the schedule-free family.
def _ci(word: str) -> str:
    """A case-insensitive regex for ``word`` without inline flags (editors use ECMA regex)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


SD_OPTIMIZERS = [
    "", "AdamW", "AdamW8bit", "PagedAdamW", "PagedAdamW8bit", "PagedAdamW32bit", "Lion",
    "Lion8bit", "PagedLion8bit", "SGDNesterov", "SGDNesterov8bit", "DAdaptation",
    "DAdaptAdam", "DAdaptAdaGrad", "DAdaptAdan", "DAdaptAdanIP", "DAdaptLion", "DAdaptSGD",
    "Prodigy", "AdaFactor", "AdEMAMix8bit", "PagedAdEMAMix8bit", "RAdamScheduleFree",
    "AdamWScheduleFree", "SGDScheduleFree",
    "Adadelta", "Adagrad", "Adam", "Adamax", "ASGD", "LBFGS", "NAdam", "RAdam", "RMSprop",
    "Rprop", "SGD", "SparseAdam", "Muon",
]
# transformers' SchedulerType names plus diffusers' piecewise_constant.
SD_SCHEDULERS = [
    "linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
    "constant_with_warmup", "inverse_sqrt", "reduce_lr_on_plateau", "cosine_with_min_lr",
    "cosine_warmup_with_min_lr", "warmup_stable_decay", "piecewise_constant",
]
# Names the kohya_ss GUI writes for the sd-scripts option of the same meaning; in an
# sd-scripts TOML they are ignored, and the rename is what the GUI itself does.
# Aliases only where the trainer's own source reads the old name as the new one. sd-scripts
# has no `epoch` argument (its `max_train_epochs` overrides `max_train_steps`, so renaming
# changes the run) and no kohya_ss code reads `conv_dims`/`conv_alphas`: neither is an alias.
SD_GUI_ALIASES: dict[str, list[str]] = {}
GUI_LEGACY_ALIASES: dict[str, list[str]] = {}
# Values sd-scripts handles although its command line would refuse them (TOML skips
# argparse's choices): 'no' is accelerate's own "off", 75 is the default length spelled out.
SD_EXTRA_CHOICES: dict[str, list[Any]] = {"dynamo_backend": ["no"], "max_token_length": [75]}
# kohya_ss dropdowns whose value is not restricted to the list (custom values are written
# by the GUI's own presets), and legacy values the GUI converts on load.
GUI_FREE_CHOICES = {"caption_extension"}
GUI_EXTRA_CHOICES: dict[str, list[Any]] = {"xformers": [True, False]}
# ai-toolkit process keys every process type tolerates: `device` is written by every shipped
# example; trainers that use accelerate's device ignore it harmlessly.
AITK_COMMON_PROCESS_KEYS = {"type", "device"}
# ai-toolkit keys whose value the trainer lowercases and then rejects when unknown.
AITK_ENUM_CI = {"train.optimizer"}
# Sections of the kohya_ss GUI app config; a JSON preset never has object values.
APP_SECTIONS = ["model", "folders", "basic", "advanced", "accelerate_launch", "settings"]


def humanize(name: str) -> str:
    words = re.sub(r"[_\-]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else name


def type_words(t: Any) -> str:
    ts = [t] if isinstance(t, str) else list(t)
    return " or ".join(x for x in ts if x != "null") or "null"


def describe(path: str, meta: Json, where: str, table: dict[str, str]) -> str:
    """Own one-liner: the table when we wrote one, else composed from the facts."""
    norm = path.replace("config.process[].", "").replace("[]", "")
    if norm in table:
        return table[norm]
    name = humanize(norm.split(".")[-1])
    text = f"{name} ({type_words(meta.get('type', 'any'))})"
    default = meta.get("default")
    if default not in (None, "", [], {}):
        text += f"; default {json.dumps(default)}"
    if where:
        text += f"; {where}"
    if meta.get("deprecated"):
        text += "; deprecated"
    return text + "."


def json_types(meta: Json, extra: set[str] | None = None) -> list[str]:
    t = meta.get("type", "any")
    ts = list(ALL_TYPES) if t == "any" else ([t] if isinstance(t, str) else list(t))
    out = [x for x in [*ALL_TYPES, "integer"] if x in set(ts) | (extra or set())]
    if "number" in out and "integer" in out:
        out.remove("integer")
    return out


def one_type(types: list[str]) -> str | list[str]:
    return types[0] if len(types) == 1 else types


class Tree:
    """Inventory paths (``a.b[].c``) as nested objects and arrays."""

    def __init__(self) -> None:
        self.meta: Json | None = None
        self.children: dict[str, Tree] = {}
        self.item: Tree | None = None

    def add(self, path: str, meta: Json) -> None:
        node = self
        for seg in path.split("."):
            arrays = 0
            while seg.endswith("[]"):
                seg, arrays = seg[:-2], arrays + 1
            node = node.children.setdefault(seg, Tree())
            for _ in range(arrays):
                node.item = node.item or Tree()
                node = node.item
        if node.meta is None:
            node.meta = meta

    def find(self, path: str) -> Tree | None:
        node: Tree | None = self
        for seg in path.split("."):
            arrays = seg.count("[]")
            node = node.children.get(seg.replace("[]", "")) if node else None
            for _ in range(arrays):
                node = node.item if node else None
        return node


def build(tree: Tree, path: str, meta_of: Any, ctx: Json) -> Json:
    """Schema of one inventory node (its own metadata plus its children)."""
    meta = meta_of(path) or {"type": "object" if tree.children else "array"}
    s: Json = {}
    extra = set(ctx.get("extra_types", lambda p, m: set())(path, meta))
    types = json_types(meta, extra)
    if tree.children and "object" not in types:
        types.append("object")
    if tree.item is not None and "array" not in types:
        types.append("array")
    s["type"] = one_type(types)
    s["description"] = describe(path, meta, ctx.get("where", lambda m: "")(meta),
                                ctx.get("desc", {}))
    if tree.children:
        props = {}
        for name in sorted(tree.children):
            props[name] = build(tree.children[name], f"{path}.{name}" if path else name,
                                meta_of, ctx)
        s["properties"] = props
        if meta.get("open_object"):
            s["x-cfglint-open"] = True
        else:
            s["additionalProperties"] = False
    elif meta.get("open_object") or meta.get("type") == "object":
        s["x-cfglint-open"] = True
    if tree.item is not None:
        s["items"] = build(tree.item, path + "[]", meta_of, ctx)
        s["items"].pop("description", None)
        s["items"]["description"] = f"One item of {path.split('.')[-1]}."
    choices = [c for c in meta.get("choices") or [] if c is not None]
    for v in meta.get("variants") or []:
        choices += [c for c in v.get("choices") or [] if c is not None and c not in choices]
    if choices and path not in ctx.get("no_enum", set()):
        s["enum"] = choices + ([None] if "null" in types else [])
    elif meta.get("known_values") or choices:
        s["examples"] = list(meta.get("known_values") or choices)[:12]
    default = meta.get("default")
    if default is not None and not isinstance(default, dict):
        s["default"] = default
    if meta.get("deprecated"):
        s["deprecated"] = True
    ctx.get("tweak", lambda p, sch: None)(path, s)
    return s


def document(family: str, title: str, description: str, trainer: str, body: Json) -> Json:
    return {"$schema": DRAFT, "$id": ID.format(family), "title": title,
            "description": description, "x-cfglint-trainer": trainer, **body}


# --- ai-toolkit ----------------------------------------------------------------------------

def ai_toolkit() -> Json:
    inv = json.loads((KEYS / "ai-toolkit.json").read_text())
    keys: dict[str, Json] = inv["keys"]
    prefix = "config.process[]."

    def meta_of(path: str) -> Json | None:
        m = keys.get(path)
        if m is None:
            return None
        if m.get("default") is None and "null" not in json_types(m):
            m = {**m, "type": [*json_types(m), "null"]}
        return m

    def tweak(path: str, s: Json) -> None:
        short = path.replace(prefix, "")
        if short in AITK_ENUM_CI:
            # ai-toolkit (toolkit/optimizer.py) lowers the name and matches some by prefix:
            # any "prodigy..." builds Prodigy (or Prodigy8bit), "dadaptation...lion/adam"
            # builds a DAdapt optimizer; every other name must match exactly
            s["if"] = {"pattern": "^(" + _ci("prodigy") + "|" + _ci("dadaptation") + ".*("
                       + _ci("lion") + "|" + _ci("adam") + ")$)"}
            s["else"] = {"x-cfglint-enum-ci": inv["enums"]["optimizer"]}
            s.pop("examples", None)

    ctx = {"tweak": tweak, "no_enum": {prefix + "type"}, "desc": AITK_DESC}
    top = Tree()
    proc = Tree()
    for path, meta in keys.items():
        if path.startswith(prefix):
            proc.add(path[len(prefix):], meta)
        elif path != "config.process":
            top.add(path, meta)
    defs: Json = {}
    types = sorted({t for m in keys.values() for t in m.get("process_types") or []})
    for name, sub in sorted(proc.children.items()):
        defs[f"process.{name}"] = build(sub, prefix + name, meta_of, ctx)
    branches = []
    for t in types:
        props = {}
        for name in sorted(proc.children):
            m = keys.get(prefix + name) or {}
            if t in (m.get("process_types") or []) or name in AITK_COMMON_PROCESS_KEYS:
                props[name] = {"$ref": f"#/$defs/process.{name}",
                               "description": defs[f"process.{name}"]["description"]}
        defs[f"process_type.{t}"] = {"type": "object", "properties": props,
                                     "additionalProperties": False}
        branches.append({"if": {"properties": {"type": {"const": t}}, "required": ["type"]},
                         "then": {"$ref": f"#/$defs/process_type.{t}"}})
    defs["process"] = {
        "type": "object",
        "description": "One process; the keys it reads depend on its `type`.",
        "properties": {"type": {"$ref": "#/$defs/process.type",
                                "description": defs["process.type"]["description"]}},
        "allOf": branches,
    }
    root = build(top, "", meta_of, ctx)
    root["properties"]["config"]["properties"]["process"] = {
        "type": "array", "description": AITK_DESC["config.process"],
        "items": {"$ref": "#/$defs/process"}}
    root.pop("description", None)
    root["properties"]["job"].pop("default", None)
    body = {k: v for k, v in root.items() if k != "type"}
    return document("ai-toolkit", "ai-toolkit job config",
                    "ostris/ai-toolkit YAML/JSON job files (run.py). Unknown keys are "
                    "silently ignored by the trainer; process keys depend on `type`.",
                    "ai-toolkit", {"type": "object", **body, "$defs": defs})


# --- sd-scripts -----------------------------------------------------------------------------

def kohya() -> Json:
    inv = json.loads((KEYS / "sd-scripts.json").read_text())
    keys: dict[str, Json] = inv["keys"]

    def where(meta: Json) -> str:
        n = len(meta.get("scripts") or [])
        return f"read by {n} training script{'s' if n != 1 else ''}" if n else ""

    def tweak(path: str, s: Json) -> None:
        if path == "optimizer_type":
            s["if"] = {"pattern": r"\."}
            s["else"] = {"x-cfglint-enum-ci": SD_OPTIMIZERS}
            s.pop("examples", None)
        if path == "lr_scheduler":
            s["if"] = {"pattern": "^adafactor"}
            s["else"] = {"enum": SD_SCHEDULERS}
            s.pop("examples", None)
        if path in SD_GUI_ALIASES:
            s["x-cfglint-aliases"] = SD_GUI_ALIASES[path]
        if path in SD_EXTRA_CHOICES:
            s["enum"] = s["enum"] + SD_EXTRA_CHOICES[path]
        if path == "resume":  # false reads as "no state to resume" (a truthiness test)
            del s["type"]
            s["anyOf"] = [{"type": "string"}, {"const": False}]

    ctx = {"tweak": tweak, "where": where, "desc": SD_DESC}
    tree = Tree()
    for path, meta in keys.items():
        tree.add(path, meta)
    props = {name: build(sub, name, keys.get, ctx) for name, sub in sorted(tree.children.items())}
    return document(
        "kohya", "sd-scripts training config (--config_file)",
        "kohya-ss/sd-scripts TOML given to --config_file. Top-level tables are flattened "
        "into one namespace (their names are free); values reach the script without "
        "argparse's conversion or choices check, so types are strict.", "sd-scripts",
        {"type": "object", "x-cfglint-flatten": True, "properties": props,
         "additionalProperties": {"$ref": "#/$defs/section"},
         "$defs": {"section": {"$ref": "#", "description":
                               "A table; sd-scripts ignores its name and reads its keys."}}})


# --- sd-scripts dataset config ---------------------------------------------------------------

def kohya_dataset() -> Json:
    inv = json.loads((KEYS / "sd-scripts-dataset.json").read_text())
    keys: dict[str, Json] = inv["keys"]

    def where(meta: Json) -> str:
        modes = meta.get("modes") or []
        return "" if len(modes) >= 3 else ("only for " + "/".join(modes) if modes else "")

    tree = Tree()
    for path, meta in keys.items():
        tree.add(path, meta)
    root = build(tree, "", keys.get, {"where": where, "desc": DS_DESC})
    root.pop("description", None)
    return document(
        "kohya-dataset", "sd-scripts dataset config (--dataset_config)",
        "kohya-ss/sd-scripts dataset TOML: [general], [[datasets]], [[datasets.subsets]]. "
        "sd-scripts validates it strictly: unknown keys and wrong types stop the run.",
        "sd-scripts' dataset config", {**root, "x-cfglint-unknown-keys": "rejected"})


# --- kohya_ss GUI ------------------------------------------------------------------------------

def kohya_gui() -> Json:
    presets: dict[str, Json] = json.loads((KEYS / "kohya_ss.json").read_text())["keys"]
    app: dict[str, Json] = json.loads((KEYS / "kohya_ss-app-config.json").read_text())["keys"]

    def extra(path: str, meta: Json) -> set[str]:
        """What the GUI writes and still loads: coerced strings, observed types, null."""
        out = {"null"} | set(meta.get("observed_types_in_corpus") or {})
        if meta.get("load_coercion"):
            out.add("string")
        return out

    def where(meta: Json) -> str:
        guis = meta.get("guis") or []
        return "GUI tabs: " + ", ".join(guis) if guis and len(guis) < 4 else ""

    def tweak(path: str, s: Json) -> None:
        if path in GUI_LEGACY_ALIASES:
            s["x-cfglint-aliases"] = GUI_LEGACY_ALIASES[path]
        if path in GUI_FREE_CHOICES and "enum" in s:
            s["examples"] = [c for c in s.pop("enum") if c is not None]
        if path in GUI_EXTRA_CHOICES:
            s["enum"] = s["enum"] + GUI_EXTRA_CHOICES[path]
        meta = presets.get(path) or {}
        if meta.get("load_coercion") and "enum" in s:  # the GUI int()/float()s strings
            s["enum"] = s["enum"] + [str(c) for c in s["enum"] if isinstance(c, (int, float))]

    ptree = Tree()
    for path, meta in presets.items():
        ptree.add(path, meta)
    preset = build(ptree, "", presets.get, {"extra_types": extra, "where": where,
                                           "tweak": tweak, "desc": GUI_DESC})
    preset["description"] = "A GUI preset or saved configuration (flat JSON object)."
    atree = Tree()
    for path, meta in app.items():
        atree.add(path, meta)
    appc = build(atree, "", app.get, {})
    appc["description"] = "The GUI's own app config TOML (kohya_gui.py --config)."
    marker = {"anyOf": [{"required": [s], "properties": {s: {"type": "object"}}}
                        for s in APP_SECTIONS]}
    return document(
        "kohya-gui", "kohya_ss GUI preset / app config",
        "bmaltais/kohya_ss: JSON presets and saved configs (numbers often stored as strings, "
        "which the GUI coerces) or the GUI's app config TOML, told apart by its section "
        "tables. Unknown keys are ignored on load.", "the kohya_ss GUI",
        {"type": "object", "if": marker, "then": {"$ref": "#/$defs/app_config"},
         "else": {"$ref": "#/$defs/preset"},
         "$defs": {"preset": preset, "app_config": appc}})


BUILDERS = {"ai-toolkit": ai_toolkit, "kohya": kohya, "kohya-dataset": kohya_dataset,
            "kohya-gui": kohya_gui}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("families", nargs="*", default=list(BUILDERS))
    args = parser.parse_args()
    for fam in args.families:
        schema = BUILDERS[fam]()
        path = OUT / f"{fam}.schema.json"
        path.write_text(json.dumps(schema, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
