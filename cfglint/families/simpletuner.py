"""bghira/SimpleTuner: ``config.json`` / ``config.toml`` (its command-line options as keys,
with or without ``--``), the ``multidatabackend.json`` dataset list, and the two JSON files
a config names: the LyCORIS network config and the user prompt library.

The loader turns the config into an argument list for one argparse parser
(``simpletuner/helpers/configuration/cli_utils.py::mapping_to_cli_args``,
``cmd_args.py``): null, empty and ``"false"`` values are dropped, ``true`` becomes a bare
flag, TOML tables and other objects are dropped, and argparse rejects an unknown option
(a unique prefix of an option is that option). Dataset lists are read with ``.get`` and
ignore unknown keys. Defaults are the argparse defaults of the field registry
(``simpletuner/simpletuner_sdk/server/services/field_registry/``); ``config.env`` is not
read (it is a shell file).
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from cfglint.facts.builder import MISSING, FactBuilder
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import (
    model_family,
    optimizer_is_8bit,
    optimizer_is_adaptive,
    prediction_for,
)
from cfglint.facts.values import as_number, parse_scalar_text
from cfglint.families.base import (
    CERTAIN,
    LIKELY,
    STRONG,
    ArgNotation,
    Family,
    ProbeDefaults,
    Program,
    root_mapping,
)
from cfglint.source.document import Document, KeyPath, Mapping, Scalar, Sequence, resolve_alias

REPO = "bghira/SimpleTuner"
SRC = f"{REPO}:simpletuner/simpletuner_sdk/server/services/field_registry/sections/training.py"
_TRAINER = f"{REPO}:simpletuner/helpers/training/trainer.py"

# Options only SimpleTuner has (checked against every other trainer's keys and the corpus).
ONLY_KEYS = frozenset({
    "model_family", "model_flavour", "data_backend_config", "validation_step_interval",
    "checkpoint_step_interval", "checkpointing_steps", "validation_resolution",
    "validation_guidance", "validation_guidance_rescale", "validation_num_inference_steps",
    "validation_negative_prompt", "validation_prompt_library", "validation_disable_unconditional",
    "push_checkpoints_to_hub", "tracker_project_name", "tracker_run_name", "base_model_precision",
    "resolution_type", "caption_dropout_probability", "flow_schedule_shift",
    "flow_schedule_auto_shift", "quantize_via", "disable_bucket_pruning", "num_eval_images",
    "disable_benchmark", "grad_clip_method", "aspect_bucket_rounding", "vae_cache_ondemand",
    "lycoris_config", "user_prompt_library", "ema_validation", "ema_update_interval",
    "validation_lycoris_strength", "base_model_default_dtype", "skip_file_discovery",
    "compress_disk_cache", "fuse_qkv_projections", "text_encoder_1_precision",
    "flux_lora_target", "flux_guidance_value",
})
# Keys that mark another trainer's file (kohya_ss GUI, OneTrainer).
_FOREIGN_KEYS = frozenset({"LoRA_type", "network_dim", "network_alpha", "save_every_n_epochs",
                           "train_data_dir", "output_name", "save_model_as",
                           "base_model_name", "training_method", "concept_file_name"})
BACKEND_TYPES = frozenset({"local", "aws", "csv", "huggingface", "webshart", "memory"})
_BACKEND_KEYS = frozenset({"instance_data_dir", "cache_dir_vae", "dataset_type",
                           "caption_strategy", "crop_style", "crop_aspect", "resolution_type",
                           "minimum_image_size", "text_embeds", "image_embeds", "metadata_backend",
                           "aws_bucket_name", "repeats", "probability", "disabled", "cache_dir",
                           "default"})
_LYCORIS_KEYS = frozenset({"multiplier", "linear_dim", "linear_alpha", "factor", "apply_preset"})
# SimpleTuner's model_family names the shared vocabulary spells differently.
_FAMILIES = {"sd1x": "sd15", "sd2x": "sd2", "wan": "wan21", "hunyuanvideo": "hunyuan_video",
             "qwen_image": "qwen_image", "lumina2": "lumina2"}
_FLOW = frozenset({"flux", "flux2", "sd3", "wan21", "ltxvideo", "ltxvideo2", "hunyuan_video",
                   "hidream", "auraflow", "lumina2", "chroma", "qwen_image", "sana", "z_image",
                   "krea2", "anima", "omnigen"})
# optimizers the trainer never clips (trainer.py: should_clip_gradients)
_UNCLIPPED = ("optimi-stableadamw", "prodigy")
# optimizers flagged is_schedulefree in simpletuner/helpers/training/optimizer_param.py
_SCHEDULE_FREE = ("adamw_schedulefree", "adamw_schedulefree+aggressive",
                  "adamw_schedulefree+no_kahan", "prodigy")


class SimpleTuner(Family):
    name: ClassVar[str] = "simpletuner"
    program: ClassVar[Program] = Program.SIMPLETUNER
    formats: ClassVar[tuple[str, ...]] = ("json", "toml")
    loader: ClassVar[str] = "SimpleTuner's loader (the config becomes argparse options)"
    schema: ClassVar[str | None] = "simpletuner"
    other_schemas: ClassVar[tuple[str, ...]] = ("simpletuner-dataloader", "simpletuner-lycoris",
                                                "simpletuner-prompts")
    arg_notation: ClassVar[ArgNotation | None] = None
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(
        lr=4e-7, optimizer="adamw", grad_clip=2.0, clip_semantics="value", ema_decay=0.995,
        ema_schedule="diffusers")

    def detect(self, doc: Document) -> float:
        kind = file_kind(doc)
        if kind == "config":
            return _config_score(doc)
        return {"dataloader": CERTAIN, "lycoris": STRONG, "prompts": LIKELY}.get(kind or "", 0.0)

    def schema_for(self, doc: Document) -> str | None:
        kind = file_kind(doc)
        return "simpletuner" if kind in (None, "config") else f"simpletuner-{kind}"

    def facts(self, doc: Document) -> Facts:
        b = FactBuilder(doc, self)
        options = _options(doc)
        if file_kind(doc) != "config" or options is None:
            return b.facts
        r = _Reader(b, options)
        _model(r)
        _method(r)
        opt = _optimizer(r)
        _learning_rates(r, opt)
        _schedule(r, opt)
        _precision(r, opt)
        _ema(r)
        _cadence_and_noise(r)
        return b.facts


# --- file kinds and detection -----------------------------------------------------------------

def file_kind(doc: Document) -> str | None:
    """``config``, ``dataloader``, ``lycoris`` or ``prompts``; None for other shapes."""
    root = resolve_alias(doc.root)
    if isinstance(root, Sequence):
        return "dataloader" if doc.format == "json" and _is_backend_list(root) else None
    if not isinstance(root, Mapping):
        return None
    keys = set(root.keys())
    datasets = resolve_alias(root.get("datasets"))
    if "_metadata" in keys and isinstance(datasets, Sequence) and _is_backend_list(datasets):
        return "dataloader"
    if doc.format == "json" and "algo" in keys and keys & _LYCORIS_KEYS:
        return "lycoris"
    if doc.format == "json" and _is_prompt_library(doc, root):
        return "prompts"
    return "config"


def _is_backend_list(node: Sequence) -> bool:
    items = [resolve_alias(i) for i in node.items]
    if not items or not all(isinstance(i, Mapping) and "id" in i.keys() for i in items):
        return False
    return any(isinstance(i, Mapping) and (_scalar(i, "type") in BACKEND_TYPES
                                           or set(i.keys()) & _BACKEND_KEYS) for i in items)


def _is_prompt_library(doc: Document, root: Mapping) -> bool:
    """The shape alone ({name: prompt}) is too common: the file name must say it too."""
    if not os.path.basename(doc.path).startswith("user_prompt_library") or not root.entries:
        return False
    for entry in root.entries:
        value = resolve_alias(entry.value)
        if not isinstance(value, Mapping) and not (isinstance(value, Scalar)
                                                   and isinstance(value.value, str)):
            return False
    return True


def _options(doc: Document) -> Mapping | None:
    """The mapping of options: the root, or the WebUI's ``config`` inside its wrapper."""
    root = root_mapping(doc)
    if root is None:
        return None
    inner = resolve_alias(root.get("config"))
    if "_metadata" in root.keys() and isinstance(inner, Mapping):
        return inner
    return root


def _config_score(doc: Document) -> float:
    options = _options(doc)
    if options is None:
        return 0.0
    names = [e.name.strip() for e in options.entries]
    keys = {n.lstrip("-") for n in names}
    if keys & _FOREIGN_KEYS or _scalar(options, "__version") is not None:
        return 0.0
    if doc.format == "toml" and any(isinstance(resolve_alias(e.value), Mapping)
                                    for e in options.entries):
        return 0.0  # SimpleTuner drops TOML tables; a sectioned TOML is another trainer's
    only = len(keys & ONLY_KEYS)
    dashed = any(n.startswith("--") for n in names)
    if only >= 2 or (only and dashed):
        return min(STRONG + 0.02 * only + (0.1 if dashed else 0.0), CERTAIN)
    return 0.0


def _scalar(node: Mapping, key: str) -> Any:
    value = resolve_alias(node.get(key))
    return value.value if isinstance(value, Scalar) else None


# --- reading options the way the argument list sees them -----------------------------------

class _Reader:
    """The options by name (a ``--`` prefix stripped, the later spelling winning), read as
    argparse receives them: null, empty and "false" texts are dropped."""

    def __init__(self, b: FactBuilder, options: Mapping) -> None:
        self.b = b
        base: KeyPath = () if options is root_mapping(b.doc) else ("config",)
        # the WebUI fills a template's missing options itself, so its defaults are not known
        self.wrapped = bool(base)
        self.base = base
        self.paths: dict[str, KeyPath] = {}
        for entry in options.entries:
            self.paths[entry.name.strip().lstrip("-")] = (*base, entry.name)
        for legacy, new in (("validation_steps", "validation_step_interval"),
                            ("checkpointing_steps", "checkpoint_step_interval")):
            if legacy in self.paths and new not in self.paths:
                self.paths[new] = self.paths[legacy]

    def path(self, key: str) -> KeyPath:
        return self.paths.get(key, (*self.base, key))

    def raw(self, key: str) -> Any:
        if key not in self.paths:
            return MISSING
        value = self.b.read(self.paths[key])
        if isinstance(value, str) and value.strip().lower() in ("", "false"):
            return MISSING
        return value

    def get(self, name: str, key: str, default: Any = MISSING, convert: Any = None,
            note: str = "") -> Any:
        """The option as argparse converts it; the default when absent, dropped or
        unconvertible (argparse would stop the run, which the schema reports)."""
        raw = self.raw(key)
        if raw is not MISSING:
            try:
                value = convert(raw) if convert else raw
            except (TypeError, ValueError):
                value = MISSING
            if value is not MISSING:
                return self.b.explicit(name, self.path(key), value, note)
        if default is MISSING:
            return MISSING
        return self.b.default(name, default, self.path(key),
                              f"trainer default ({SRC})" + (f". {note}" if note else ""))

    def value(self, key: str, default: Any, convert: Any) -> Any:
        """The converted option without recording a fact."""
        raw = self.raw(key)
        try:
            return default if raw is MISSING else convert(raw)
        except (TypeError, ValueError):
            return default

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw(key)
        if value is MISSING:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return text in ("1", "true", "yes", "y", "on") or (
            default if text not in ("0", "no", "n", "off") else False)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("boolean")
    return int(str(value).strip())


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("boolean")
    return float(str(value).strip())


def _text(value: Any) -> str:
    if isinstance(value, bool | dict | list):
        raise ValueError("not text")
    return str(value).strip()


# --- facts -------------------------------------------------------------------------------------

def _model(r: _Reader) -> None:
    name = r.get("model.arch", "model_family", convert=_text)
    fam = "unknown"
    if isinstance(name, str):
        fam = _FAMILIES.get(name) or model_family(name)
        if fam == "unknown":
            fam = name
    r.b.derived("model.family", fam, f"model_family {name if name is not MISSING else '?'}",
                r.path("model_family"), r.b.ancestor_span(r.path("model_family")))
    pred = r.get("model.prediction", "prediction_type", convert=_text)
    if pred is MISSING and (fam in _FLOW or prediction_for(fam) == "flow"):
        r.b.derived("model.prediction", "flow", f"{fam} is a flow-matching model")
    elif pred is MISSING and prediction_for(fam):
        r.b.derived("model.prediction", prediction_for(fam), f"default objective of {fam}")
    elif pred == "flow_matching":
        r.b.explicit("model.prediction", r.path("prediction_type"), "flow")


def _method(r: _Reader) -> None:
    kind = r.value("model_type", MISSING, _text)
    lycoris = str(r.value("lora_type", "standard", _text)).lower() == "lycoris"
    if kind != "lora":
        r.b.derived("method", "full", f"model_type {kind if kind is not MISSING else '?'}",
                    r.path("model_type"))
        _train_te(r)
        return
    if lycoris:
        r.b.derived("method", "lycoris", "lora_type lycoris: rank and alpha are in the "
                    "lycoris_config file", r.path("lora_type"))
        return
    dora = r.flag("use_dora", False)
    r.b.derived("method", "dora" if dora else "lora", "model_type lora" +
                (", use_dora" if dora else ""), r.path("model_type"))
    rank = r.get("lora.rank", "lora_rank", 16, _int)
    alpha = r.get("lora.alpha", "lora_alpha", convert=_float)
    if alpha is MISSING:
        r.b.default("lora.alpha", rank, r.path("lora_alpha"), "no lora_alpha: alpha = rank "
                    f"({REPO}:simpletuner/helpers/models/common.py)")
    _train_te(r)


def _train_te(r: _Reader) -> None:
    r.b.derived("train_te", r.flag("train_text_encoder", False), "train_text_encoder (default "
                "false)", r.path("train_text_encoder"))


def _optimizer(r: _Reader) -> str:
    name = r.get("optimizer.name", "optimizer", convert=lambda v: _text(v).lower())
    opt = name if isinstance(name, str) else ""
    args = _optimizer_config(r.raw("optimizer_config"))
    beta1, beta2 = r.raw("optimizer_beta1"), r.raw("optimizer_beta2")
    if beta1 is not MISSING and beta2 is not MISSING:
        args["betas"] = [beta1, beta2]
    if args:
        r.b.explicit("optimizer.args", r.path("optimizer_config"), args)
    r.b.derived("optimizer.is_8bit", optimizer_is_8bit(opt), f"optimizer {opt or '?'}")
    r.b.derived("optimizer.is_adaptive", optimizer_is_adaptive(opt), f"optimizer {opt or '?'}")
    for key in ("eps", "weight_decay", "betas"):
        if key in args:
            r.b.explicit(f"optimizer.{key}", r.path("optimizer_config"), args[key])
    return opt


def _optimizer_config(value: Any) -> dict[str, Any]:
    """``--optimizer_config "k=v,k2=v2"`` parsed as ``optimizer_param.py`` does."""
    if not isinstance(value, str):
        return {}
    out: dict[str, Any] = {}
    for part in value.split(","):
        key, _, text = part.partition("=")
        if key.strip():
            out[key.strip()] = parse_scalar_text(text)
    return out


def _learning_rates(r: _Reader, opt: str) -> None:
    lr = r.get("lr", "learning_rate", 4e-7, _float)
    own = _optimizer_config(r.raw("optimizer_config")).get("lr")
    if opt == "prodigy":
        fact = r.b.fact("lr")
        assert fact is not None
        r.b.facts.set("lr.configured", lr, fact.origin, fact.file, fact.key, fact.span,
                      fact.note)
        value = as_number(own) if as_number(own) is not None else 1.0
        r.b.derived("lr", value, "prodigy's settings in optimizer_param.py set lr "
                    f"{value:g}, which replaces learning_rate ({_TRAINER} merges them over "
                    "it)", fact.key, fact.span)
    if r.flag("lr_scale", False) or r.flag("lr_scale_sqrt", False):
        r.b.facts.set("lr.scaler", "processes × accumulation × batch", "explicit", r.b.doc.path,
                      r.path("lr_scale"), None, "lr_scale multiplies the learning rate")
    r.get("lr.te", "text_encoder_lr", convert=_int)


def _schedule(r: _Reader, opt: str) -> None:
    b = r.b
    steps = r.get("steps.max", "max_train_steps", convert=_int)
    epochs = r.get("epochs", "num_train_epochs", MISSING if r.wrapped else 1, _int)
    if isinstance(steps, int) and steps > 0:
        fact = b.fact("steps.max")
        assert fact is not None
        b.derived("total_steps", steps, "max_train_steps counts optimizer steps"
                  + ("; num_train_epochs must then be 0, or the run stops at start-up"
                     if epochs not in (0, MISSING) else ""), fact.key, fact.span)
    else:
        b.facts.set("total_steps", Unknown("num_train_epochs × the steps of an epoch, which "
                                           "depend on the dataset"), "derived", b.doc.path,
                    r.path("num_train_epochs"), None)
    r.get("batch", "train_batch_size", 4, _int)
    r.get("accum", "gradient_accumulation_steps", 1, _int)
    warm = r.get("warmup.raw", "lr_warmup_steps", 0, _int)
    b.derived("warmup.unit", "steps", "lr_warmup_steps counts optimizer steps (an integer "
              "option)", r.path("lr_warmup_steps"))
    if opt in _SCHEDULE_FREE:
        b.facts.set("warmup.steps", Unknown(f"{opt} is schedule-free: how the LR warmup "
                                            "applies to it is not known statically"),
                    "derived", b.doc.path, r.path("lr_warmup_steps"), None)
    sched = r.get("scheduler.name", "lr_scheduler", "constant_with_warmup",
                  lambda v: _text(v).lower())
    if sched == "cosine_with_warmup":
        b.derived("scheduler.name", "cosine", "cosine_with_warmup is read as cosine "
                  f"({REPO}:simpletuner/helpers/configuration/cli_utils.py)",
                  r.path("lr_scheduler"))
    elif sched == "constant" and isinstance(warm, int) and warm > 0:
        b.derived("scheduler.name", "constant_with_warmup", "constant with a warmup becomes "
                  f"constant_with_warmup ({REPO}:simpletuner/helpers/configuration/"
                  "cli_utils.py)", r.path("lr_scheduler"))


def _precision(r: _Reader, opt: str) -> None:
    b = r.b
    mixed = r.get("precision.mixed", "mixed_precision", "bf16", lambda v: _text(v).lower())
    b.derived("precision.grad_scaler", mixed == "fp16", "accelerate scales fp16 gradients"
              if mixed == "fp16" else f"no GradScaler with {mixed}", r.path("mixed_precision"))
    r.get("grad_clip.value", "max_grad_norm", 2.0, _float)
    if opt in _UNCLIPPED:
        b.derived("grad_clip.semantics", "disabled", f"the trainer never clips {opt} "
                  f"({_TRAINER})", r.path("optimizer"))
        return
    method = r.get("grad_clip.method", "grad_clip_method", "value", lambda v: _text(v).lower())
    b.derived("grad_clip.semantics", "norm" if method == "norm" else "value",
              "clip_grad_norm_ at max_grad_norm" if method == "norm" else
              "clip_grad_value_: each gradient element is clamped to ±max_grad_norm "
              f"({_TRAINER}); 0 turns clipping off", r.path("grad_clip_method"))


def _ema(r: _Reader) -> None:
    b = r.b
    r.b.derived("ema.enabled", r.flag("use_ema", False), "use_ema (default false)",
                r.path("use_ema"))
    r.get("ema.decay", "ema_decay", 0.995, _float)
    r.get("ema.update_every", "ema_update_interval", 1, _int)
    warm = r.get("ema.warmup_steps", "ema_warmup_steps", 0, _int)
    ema_src = f"{REPO}:simpletuner/helpers/training/ema.py"
    if isinstance(warm, int) and warm > 0:
        b.derived("ema.schedule", "copy_then_constant", f"ema_warmup_steps {warm}: a copy of "
                  f"the weights until then, the decay after ({ema_src})",
                  r.path("ema_warmup_steps"))
    else:
        b.derived("ema.schedule", "diffusers", f"(1+s)/(10+s) at s = global_step − 1 ({ema_src})",
                  r.path("ema_decay"))
    shown = r.get("ema.validation", "ema_validation", "comparison",
                  lambda v: _text(v).lower())
    b.derived("ema.used_for_sampling", shown in ("ema_only", "comparison"),
              f"ema_validation {shown}", r.path("ema_validation"))
    full = b.value("method") == "full"
    b.derived("ema.used_for_saving", full, "the final full model is saved from the EMA" if full
              else "the final LoRA is the live weights; the EMA is kept only in checkpoints "
              f"({_TRAINER})", r.path("use_ema"))


def _cadence_and_noise(r: _Reader) -> None:
    if r.flag("validation_disable", False):
        r.b.facts.set("sample_every", Unknown("validation_disable: no validation images"),
                      "explicit", r.b.doc.path, r.path("validation_disable"),
                      r.b.ancestor_span(r.path("validation_disable")),
                      f"init_validation_prompts returns early ({_TRAINER})")
    else:
        r.get("sample_every", "validation_step_interval", 100, _int)
    r.get("save_every", "checkpoint_step_interval", 500, _int)
    if r.flag("offset_noise", False) and r.b.value("model.prediction") != "flow":
        # the trainer adds offset noise only outside flow matching (models/common.py)
        r.get("noise.offset", "noise_offset", 0.1, _float)
    r.get("noise.min_snr_gamma", "snr_gamma", convert=_int)
    res = r.get("resolution", "resolution", 1024, _int)
    if isinstance(res, int):
        r.get("resolution.type", "resolution_type", "pixel_area", _text)
    dataset = r.raw("data_backend_config")
    if isinstance(dataset, str):
        r.b.explicit("dataset.config", r.path("data_backend_config"), dataset)
    r.b.derived("cache_latents", not r.flag("vae_cache_disable", False), "SimpleTuner caches "
                "VAE latents per dataset unless vae_cache_disable", r.path("vae_cache_disable"))
