"""Nerogar/OneTrainer: the JSON a preset or the UI saves (``TrainConfig``), and the
concepts and samples lists it points to.

Every file goes through ``BaseConfig.from_dict`` (``modules/util/config/BaseConfig.py``):
unknown keys are never looked at, a missing key keeps the default, and a value that does
not convert prints "Could not set X as Y" and keeps the default. Integers and floats go
through ``int()``/``float()`` (so ``"16"`` works), booleans are stored unconverted, enums
are looked up by their exact NAME. A file's ``__version`` picks the migrations that rename
old keys. Defaults are those of ``TrainConfig.default_values()``
(``modules/util/config/TrainConfig.py``). Secrets files hold credentials and no training
settings, so they are not claimed.
"""

from __future__ import annotations

import math
import sys
from typing import Any, ClassVar

from cfglint.facts.builder import MISSING, FactBuilder
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import optimizer_is_8bit, optimizer_is_adam, optimizer_is_adaptive
from cfglint.facts.values import parse_resolution
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
from cfglint.repo.declare import Dispatch, ForkPoints
from cfglint.source.document import Document, KeyPath, Mapping, Scalar, Sequence, resolve_alias

REPO = "Nerogar/OneTrainer"
SRC = f"{REPO}:modules/util/config/TrainConfig.py"
_CREATE = f"{REPO}:modules/util/create.py"
# forks add model types (a WAN_2_2 member, say): upstream's from_dict prints “Could not set”
# and keeps the default, while the fork that adds the member reads it
FORKS = ForkPoints("OneTrainer", dispatches=(
    Dispatch("model type", ("model_type",),
             lookup=f"{REPO}:modules/util/enum/ModelType.py; BaseConfig.from_dict keeps the "
                    "default"),
))

# Top-level keys only OneTrainer writes (checked against every other trainer's keys).
ONLY_KEYS = frozenset({
    "base_model_name", "training_method", "output_model_destination", "output_model_format",
    "concept_file_name", "sample_definition_file_name", "learning_rate_warmup_steps",
    "learning_rate_scheduler", "sample_after", "sample_after_unit", "save_every_unit",
    "backup_after", "backup_after_unit", "latent_caching", "train_dtype", "fallback_train_dtype",
    "layer_filter_preset", "peft_type", "lora_model_name", "lora_weight_dtype",
    "optimizer_defaults", "ema_update_step_interval", "text_encoder_layer_skip",
    "embedding_learning_rate", "loss_weight_fn", "timestep_distribution", "offset_noise_weight",
    "masked_training", "workspace_dir",
})
TRAINING_METHODS = frozenset({"FINE_TUNE", "LORA", "EMBEDDING", "FINE_TUNE_VAE"})
PARTS = ("unet", "prior", "transformer", "unconditional_transformer", "text_encoder",
         "text_encoder_2", "text_encoder_3", "text_encoder_4", "vae", "effnet_encoder",
         "decoder", "decoder_text_encoder", "decoder_vqgan")
_TEXT_ENCODERS = tuple(p for p in PARTS if p.startswith("text_encoder"))
_PART_FIELDS = frozenset({
    "__version", "activation_offloading", "attention_mask", "dropout_probability",
    "gradient_checkpointing", "guidance_scale", "include", "learning_rate", "model_name",
    "offload_fraction", "stop_training_after", "stop_training_after_unit", "train",
    "train_embedding", "weight_dtype"})
_CONCEPT_KEYS = frozenset({"image", "text", "balancing", "balancing_strategy",
                           "include_subdirectories", "image_variations", "text_variations",
                           "validation_concept", "concept_stats", "loss_weight", "repeats"})
_SAMPLE_KEYS = frozenset({"diffusion_steps", "cfg_scale", "noise_scheduler", "random_seed",
                          "sample_inpainting", "text_encoder_1_layer_skip",
                          "force_last_timestep", "base_image_path", "mask_image_path"})
# A dataset list of another trainer (SimpleTuner's multidatabackend) names these.
_FOREIGN_ITEM_KEYS = frozenset({"id", "dataset_type", "instance_data_dir"})

# ModelType NAME -> (cfglint model family, flow matching) (modules/util/enum/ModelType.py)
_SD15 = ("sd15", False)
_SD2 = ("sd2", False)
MODEL_TYPES: dict[str, tuple[str, bool]] = {
    "STABLE_DIFFUSION_15": _SD15, "STABLE_DIFFUSION_15_INPAINTING": _SD15,
    "STABLE_DIFFUSION_20": _SD2, "STABLE_DIFFUSION_20_BASE": _SD2,
    "STABLE_DIFFUSION_20_INPAINTING": _SD2, "STABLE_DIFFUSION_20_DEPTH": _SD2,
    "STABLE_DIFFUSION_21": _SD2, "STABLE_DIFFUSION_21_BASE": _SD2,
    "STABLE_DIFFUSION_3": ("sd3", True), "STABLE_DIFFUSION_35": ("sd3", True),
    "STABLE_DIFFUSION_XL_10_BASE": ("sdxl", False),
    "STABLE_DIFFUSION_XL_10_BASE_INPAINTING": ("sdxl", False),
    "WUERSTCHEN_2": ("wuerstchen", False), "STABLE_CASCADE_1": ("stable_cascade", False),
    "PIXART_ALPHA": ("pixart", False), "PIXART_SIGMA": ("pixart", False),
    "FLUX_DEV_1": ("flux", True), "FLUX_FILL_DEV_1": ("flux", True), "FLUX_2": ("flux2", True),
    "SANA": ("sana", True), "HUNYUAN_VIDEO": ("hunyuan_video", True),
    "HI_DREAM_FULL": ("hidream", True), "CHROMA_1": ("chroma", True),
    "QWEN": ("qwen_image", True), "ANIMA": ("anima", True), "KREA_2": ("krea2", True),
    "Z_IMAGE": ("z_image", True), "ERNIE": ("ernie", True), "IDEOGRAM_4": ("ideogram4", True),
}
_DTYPES = {"FLOAT_32": "fp32", "TFLOAT_32": "fp32", "FLOAT_16": "fp16", "BFLOAT_16": "bf16",
           "FLOAT_8": "fp8"}
_SCHEDULE_FREE = ("SCHEDULE_FREE_ADAMW", "SCHEDULE_FREE_SGD", "PRODIGY_PLUS_SCHEDULE_FREE")
_SCALERS = ("NONE", "BATCH", "GLOBAL_BATCH", "GRADIENT_ACCUMULATION", "BOTH", "GLOBAL_BOTH")
_SCHEDULERS = ("CONSTANT", "LINEAR", "COSINE", "COSINE_WITH_RESTARTS",
               "COSINE_WITH_HARD_RESTARTS", "REX", "ADAFACTOR", "CUSTOM")
_UNITS = ("EPOCH", "STEP", "SECOND", "MINUTE", "HOUR", "NEVER", "ALWAYS")
_LOSS_WEIGHTS = ("CONSTANT", "P2", "MIN_SNR_GAMMA", "DEBIASED_ESTIMATION", "SIGMA")
_TIMESTEPS = ("UNIFORM", "SIGMOID", "LOGIT_NORMAL", "HEAVY_TAIL", "COS_MAP",
              "INVERTED_PARABOLA", "BETA")
# Optimizer NAMEs (modules/util/enum/Optimizer.py); note the mixed-case AdEMAMix ones.
OPTIMIZERS = frozenset({
    "ADAGRAD", "ADAGRAD_8BIT", "ADAM", "ADAM_8BIT", "ADAMW", "ADAMW_8BIT", "ADAMW_ADV",
    "AdEMAMix", "AdEMAMix_8BIT", "ADOPT", "ADOPT_ADV", "LAMB", "LAMB_8BIT", "LARS",
    "LARS_8BIT", "LION", "LION_8BIT", "LION_ADV", "RMSPROP", "RMSPROP_8BIT", "SGD", "SGD_8BIT",
    "SIGNSGD_ADV", "SCHEDULE_FREE_ADAMW", "SCHEDULE_FREE_SGD", "DADAPT_ADA_GRAD", "DADAPT_ADAM",
    "DADAPT_ADAN", "DADAPT_LION", "DADAPT_SGD", "PRODIGY", "PRODIGY_PLUS_SCHEDULE_FREE",
    "PRODIGY_ADV", "ADAFACTOR", "CAME", "CAME_8BIT", "MUON", "MUON_ADV", "ADAMUON_ADV",
    "ADABELIEF", "TIGER", "AIDA", "YOGI"})


class OneTrainer(Family):
    name: ClassVar[str] = "onetrainer"
    program: ClassVar[Program] = Program.ONETRAINER
    formats: ClassVar[tuple[str, ...]] = ("json",)
    loader: ClassVar[str] = "OneTrainer's config loader (BaseConfig.from_dict)"
    schema: ClassVar[str | None] = "onetrainer"
    forks: ClassVar[ForkPoints | None] = FORKS
    other_schemas: ClassVar[tuple[str, ...]] = ("onetrainer-concepts", "onetrainer-samples")
    arg_notation: ClassVar[ArgNotation | None] = "mapping"
    args_key: ClassVar[KeyPath | None] = ("optimizer",)
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(
        lr=3e-6, optimizer="adamw", ema_decay=0.999, ema_schedule="onetrainer")

    def detect(self, doc: Document) -> float:
        kind = file_kind(doc)
        if kind in ("concepts", "samples"):
            return CERTAIN
        root = root_mapping(doc)
        return 0.0 if root is None else _config_score(root)

    def schema_for(self, doc: Document) -> str | None:
        kind = file_kind(doc)
        return "onetrainer" if kind is None else f"onetrainer-{kind}"

    def facts(self, doc: Document) -> Facts:
        b = FactBuilder(doc, self)
        if root_mapping(doc) is None:
            return b.facts  # a concepts or samples list states no training settings
        r = _Reader(b)
        _model(r)
        _method(r)
        opt = _optimizer(r)
        _learning_rates(r)
        _schedule(r, opt)
        _precision(r)
        _ema(r)
        _cadence(r)
        _noise_and_data(r)
        return b.facts


# --- detection --------------------------------------------------------------------------------

def file_kind(doc: Document) -> str | None:
    """``concepts`` or ``samples`` for OneTrainer's list files, None otherwise."""
    root = resolve_alias(doc.root)
    if not isinstance(root, Sequence) or not root.items:
        return None
    items = [resolve_alias(i) for i in root.items]
    if not all(isinstance(i, Mapping) for i in items):
        return None
    keysets = [set(i.keys()) for i in items if isinstance(i, Mapping)]
    if any(ks & _FOREIGN_ITEM_KEYS for ks in keysets):
        return None
    if all("path" in ks and ks & _CONCEPT_KEYS for ks in keysets):
        return "concepts"
    if all("prompt" in ks and ks & _SAMPLE_KEYS for ks in keysets):
        return "samples"
    return None


def _config_score(root: Mapping) -> float:
    keys = set(root.keys())
    only = len(keys & ONLY_KEYS)
    signals = 0
    version = resolve_alias(root.get("__version"))
    signals += isinstance(version, Scalar) and type(version.value) is int
    signals += _scalar(root, "model_type") in MODEL_TYPES
    signals += _scalar(root, "training_method") in TRAINING_METHODS
    signals += any(_is_part(root.get(p)) for p in PARTS)
    concepts = resolve_alias(root.get("concepts"))
    shaped = isinstance(concepts, Sequence) and bool(concepts.items) and all(
        isinstance(c := resolve_alias(i), Mapping) and "path" in c.keys()
        and set(c.keys()) & _CONCEPT_KEYS for i in concepts.items)
    if only >= 2 or shaped:
        return STRONG + min(0.05 * (only + signals), CERTAIN - STRONG)
    if only == 1 and signals >= 1:
        return LIKELY + 0.05 * signals
    return 0.0


def _scalar(node: Mapping, key: str) -> Any:
    value = resolve_alias(node.get(key))
    return value.value if isinstance(value, Scalar) else None


def _is_part(node: Any) -> bool:
    node = resolve_alias(node)
    return isinstance(node, Mapping) and bool(node.entries) and set(node.keys()) <= _PART_FIELDS


# --- reading values the way from_dict converts them ------------------------------------------

def _enum(members: Any) -> Any:
    """``Enum[name]``: the exact member NAME, else a KeyError (OneTrainer keeps its default)."""
    def member(value: Any) -> str:
        if not isinstance(value, str) or value not in members:
            raise KeyError(value)
        return value
    return member


def _int(value: Any) -> int:
    if value is None:
        raise TypeError("null")
    return int(value)


def _float(value: Any) -> float:
    if value is None:
        raise TypeError("null")
    return float(value)


class _Reader:
    """One file's builder and OneTrainer's conversions, shared by the steps below."""

    def __init__(self, b: FactBuilder) -> None:
        self.b = b
        self.model_type = str(self.conv(("model_type",), "STABLE_DIFFUSION_15",
                                        _enum(MODEL_TYPES))[0])
        self.parts = _parts_of(self.model_type)
        self.accum = max(1, self.conv(("gradient_accumulation_steps",), 1, _int)[0])

    def raw(self, path: KeyPath) -> Any:
        """The JSON value at ``path`` (None for null), MISSING when the key is absent."""
        node = resolve_alias(self.b.doc.find(path))
        if node is None:
            return MISSING
        if isinstance(node, Scalar):
            return self.b.view(node)
        return self.b.read(path)

    def conv(self, path: KeyPath, default: Any, convert: Any) -> tuple[Any, str]:
        """``convert(value)`` as from_dict applies it, and whether the file's value was
        ``ok``, ``absent`` or ``failed`` (then OneTrainer keeps the default)."""
        raw = self.raw(path)
        if raw is MISSING:
            return default, "absent"
        try:
            return convert(raw), "ok"
        except (TypeError, ValueError, KeyError, ArithmeticError):  # int(1e309): Overflow
            return default, "failed"  # from_dict catches every Exception

    def value(self, path: KeyPath, default: Any, convert: Any) -> Any:
        return self.conv(path, default, convert)[0]

    def fact(self, name: str, path: KeyPath, default: Any, convert: Any,
             show: Any = None, note: str = "") -> Any:
        """Record ``name`` as OneTrainer sees the key: the converted value when the file sets
        one that converts, else its default (absent, or "Could not set" on load)."""
        value, status = self.conv(path, default, convert)
        shown = show(value) if show else value
        if status == "ok":
            self.b.explicit(name, path, shown, note)
        else:
            why = "trainer default" if status == "absent" else (
                "the file's value does not convert, so OneTrainer prints “Could not set” and "
                "keeps its default")
            self.b.default(name, shown, path, f"{why} ({SRC}). {note}".strip(". "))
        return value


def _parts_of(model_type: str) -> tuple[str, ...]:
    """The part blocks a model type reads (``ModelType`` part table)."""
    fam = MODEL_TYPES.get(model_type, _SD15)[0]
    if fam in ("sd15", "sd2"):
        return ("unet", "text_encoder", "vae")
    if fam == "sdxl":
        return ("unet", "text_encoder", "text_encoder_2", "vae")
    if fam in ("wuerstchen", "stable_cascade"):
        return ("prior", "text_encoder")
    if fam in ("sd3", "hidream"):
        count = 3 if fam == "sd3" else 4
        return ("transformer", *_TEXT_ENCODERS[:count], "vae")
    if fam in ("flux", "hunyuan_video"):
        return ("transformer", "text_encoder", "text_encoder_2", "vae")
    return ("transformer", "text_encoder", "vae")


# --- facts ------------------------------------------------------------------------------------

def _model(r: _Reader) -> None:
    fam, flow = MODEL_TYPES.get(r.model_type, _SD15)
    r.fact("model.arch", ("model_type",), "STABLE_DIFFUSION_15", _enum(MODEL_TYPES))
    if r.conv(("model_type",), None, _enum(MODEL_TYPES))[1] == "failed":
        r.b.facts.set("model.family", Unknown("model_type is not a OneTrainer model type; it "
                                              "falls back to STABLE_DIFFUSION_15, which cannot "
                                              "load a model of another family"), "derived",
                      r.b.doc.path, ("model_type",), r.b.ancestor_span(("model_type",)))
        return
    r.b.derived("model.family", fam, f"model_type {r.model_type}", ("model_type",),
                r.b.ancestor_span(("model_type",)))
    if flow:
        r.b.derived("model.prediction", "flow", f"{r.model_type} is trained with flow matching "
                    f"({REPO}:modules/util/enum/ModelType.py)", ("model_type",))
    elif r.value(("force_v_prediction",), False, bool):
        r.b.explicit("model.prediction", ("force_v_prediction",), "v_prediction")
    elif r.value(("force_epsilon_prediction",), False, bool):
        r.b.explicit("model.prediction", ("force_epsilon_prediction",), "epsilon")


def _method(r: _Reader) -> None:
    method = r.value(("training_method",), "FINE_TUNE", _enum(TRAINING_METHODS))
    path: KeyPath = ("training_method",)
    if method != "LORA":
        what = "textual_inversion" if method == "EMBEDDING" else "full"
        r.b.derived("method", what, f"training_method {method}", path, r.b.ancestor_span(path))
        return
    peft = r.value(("peft_type",), "LORA", _enum(("LORA", "LOHA", "OFT_2", "LOKR")))
    dora = peft == "LORA" and r.value(("lora_decompose",), False, bool)
    what = {"LORA": "dora" if dora else "lora", "LOHA": "loha", "OFT_2": "oft",
            "LOKR": "lokr"}[peft]
    r.b.derived("method", what, f"training_method LORA, peft_type {peft}"
                + (", lora_decompose" if dora else ""), path, r.b.ancestor_span(path))
    if peft == "OFT_2":
        return  # OFT has a block size, not a rank and alpha
    r.fact("lora.rank", ("lokr_dim" if peft == "LOKR" else "lora_rank",), 16, _int)
    r.fact("lora.alpha", ("lora_alpha",), 1.0, _float,
           note=f"scale = alpha / rank ({REPO}:modules/module/LoRAModule.py)")


def _optimizer(r: _Reader) -> str:
    name = str(r.fact("optimizer.name", ("optimizer", "optimizer"), "ADAMW", _enum(OPTIMIZERS),
                      show=str.lower))
    low = name.lower()
    args = _optimizer_args(r)
    if args:
        r.b.explicit("optimizer.args", ("optimizer",), args)
    r.b.derived("optimizer.is_8bit", optimizer_is_8bit(low), f"optimizer {name}")
    relative = args.get("relative_step", False) is True
    r.b.derived("optimizer.is_adaptive",
                optimizer_is_adaptive(low, {"relative_step": relative}),
                f"optimizer {name} ({REPO}:modules/util/enum/Optimizer.py is_adaptive)")
    if isinstance(args.get("eps"), float | int):
        if abs(args["eps"]) <= sys.float_info.max:  # float() of a longer int overflows: say less
            r.b.explicit("optimizer.eps", ("optimizer", "eps"), float(args["eps"]))
    elif optimizer_is_adam(low) and not optimizer_is_adaptive(low):
        r.b.default("optimizer.eps", 1e-8, ("optimizer", "eps"),
                    f"null eps: {_CREATE} passes 1e-8 to the Adam-family optimizers")
    if "beta1" in args or "beta2" in args:
        r.b.explicit("optimizer.betas", ("optimizer",),
                     [args.get("beta1", 0.9), args.get("beta2", 0.999)])
    if "weight_decay" in args:
        r.b.explicit("optimizer.weight_decay", ("optimizer", "weight_decay"),
                     args["weight_decay"])
    return name


def _optimizer_args(r: _Reader) -> dict[str, Any]:
    """The optimizer fields the file sets (null means OneTrainer's per-optimizer fallback)."""
    node = resolve_alias(r.b.doc.find(("optimizer",)))
    if not isinstance(node, Mapping):
        return {}
    out: dict[str, Any] = {}
    for key in node.keys():
        if key in ("optimizer", "__version"):
            continue
        value = r.raw(("optimizer", key))
        if value is not MISSING and value is not None:
            out[key] = value
    return out


def _learning_rates(r: _Reader) -> None:
    lr = r.fact("lr", ("learning_rate",), 3e-6, _float,
                note="the adaptive optimizers take it as a multiplier of their own step size")
    scaler = r.value(("learning_rate_scaler",), "NONE", _enum(_SCALERS))
    factor = _lr_factor(r, scaler)
    if scaler != "NONE":
        r.b.explicit("lr.scaler", ("learning_rate_scaler",), scaler,
                     note="every group LR is multiplied by √(scale) "
                     f"({REPO}:modules/util/NamedParameterGroup.py)")
        _scaled(r, "lr", lr, factor)
    main = next((p for p in r.parts if p in ("unet", "transformer", "prior")), None)
    if main is not None:
        _part_lr(r, "lr.unet", main, factor)
    tes = [p for p in r.parts if p.startswith("text_encoder")]
    trained = [p for p in tes if r.value((p, "train"), True, bool)]
    method = r.value(("training_method",), "FINE_TUNE", _enum(TRAINING_METHODS))
    if tes and method in ("FINE_TUNE", "LORA"):  # embeddings freeze the text encoders
        first = trained[0] if trained else tes[0]
        _part_lr(r, "lr.te", first, factor)
        r.b.derived("train_te", bool(trained), "trained text encoders: " + (
            ", ".join(trained) if trained else "none") + " (`<part>.train` defaults to true, "
            f"{SRC})", (first, "train"), r.b.ancestor_span((first, "train")))


def _part_lr(r: _Reader, name: str, part: str, factor: float | None) -> None:
    value, status = r.conv((part, "learning_rate"), None, _float)
    if status == "ok":
        r.b.explicit(name, (part, "learning_rate"), value)
        if factor != 1.0:
            _scaled(r, name, value, factor)


def _lr_factor(r: _Reader, scaler: str) -> float | None:
    """√(scale) of ``learning_rate_scaler`` (``modules/util/enum/LearningRateScaler.py``);
    None when it counts GPUs that the file does not state."""
    batch = max(1, r.value(("batch_size",), 1, _int))
    world = 1 if not r.value(("multi_gpu",), False, bool) else None
    scale = {"NONE": 1, "BATCH": batch, "GRADIENT_ACCUMULATION": r.accum,
             "BOTH": batch * r.accum}.get(scaler)
    if scale is None and world is not None:
        scale = batch * (r.accum if scaler == "GLOBAL_BOTH" else 1)
    return None if scale is None else math.sqrt(scale)


def _scaled(r: _Reader, name: str, value: float, factor: float | None) -> None:
    fact = r.b.fact(name)
    assert fact is not None
    if factor is None:
        r.b.facts.set(name, Unknown("learning_rate_scaler multiplies it by the number of GPUs"),
                      "derived", fact.file, fact.key, fact.span, fact.note)
        return
    r.b.derived(name, value * factor, f"{value:g} × √(scale) {factor:g} (learning_rate_scaler)",
                fact.key, fact.span)


def _schedule(r: _Reader, opt: str) -> None:
    b = r.b
    r.fact("epochs", ("epochs",), 100, _int)
    b.facts.set("total_steps", Unknown("epochs × the steps of an epoch, which depend on the "
                                       "concepts' image counts"), "derived", b.doc.path,
                ("epochs",), b.ancestor_span(("epochs",)),
                f"scheduler steps = epoch length × epochs / accumulation ({_CREATE})")
    r.fact("batch", ("batch_size",), 1, _int)
    r.fact("accum", ("gradient_accumulation_steps",), 1, _int, show=lambda v: max(1, v))
    if not r.value(("multi_gpu",), False, bool):
        b.derived("processes", 1, "multi_gpu is off", ("multi_gpu",))
    warm = r.fact("warmup.raw", ("learning_rate_warmup_steps",), 200.0, _float,
                  note="> 1 counts batches, 0 < x ≤ 1 is a fraction of the scheduler steps")
    _warmup(r, warm, opt)
    if opt in _SCHEDULE_FREE:
        b.derived("scheduler.name", "constant", f"{opt} forces the CONSTANT schedule and takes "
                  f"the warmup itself ({_CREATE})", ("learning_rate_scheduler",))
        return
    r.fact("scheduler.name", ("learning_rate_scheduler",), "CONSTANT", _enum(_SCHEDULERS),
           show=lambda v: _scheduler_name(v, warm),
           note=f"OneTrainer warms up every built-in schedule, CONSTANT too ({_CREATE})")


def _scheduler_name(sched: str, warm: float) -> str:
    """OneTrainer's schedules in the shared vocabulary where the formula is the same
    (``modules/util/lr_scheduler_util.py``); its soft-restart cosine keeps its own name."""
    if sched == "CONSTANT":
        return "constant_with_warmup" if warm > 0 else "constant"
    return {"COSINE_WITH_HARD_RESTARTS": "cosine_with_restarts",
            "COSINE_WITH_RESTARTS": "cosine_with_soft_restarts"}.get(sched, sched.lower())


def _warmup(r: _Reader, warm: float, opt: str) -> None:
    path: KeyPath = ("learning_rate_warmup_steps",)
    if not math.isfinite(warm):
        return  # OneTrainer fails on it (int() of an infinity): CFG008 says so, nothing follows
    if opt in _SCHEDULE_FREE:
        r.b.derived("warmup.unit", "steps", f"{opt} receives the value as its own warmup "
                    f"({_CREATE})", path)
    elif warm > 1:
        r.b.derived("warmup.unit", "steps", "a value above 1 counts batches", path)
        steps = int(warm / r.accum)
        r.b.derived("warmup.steps", steps, f"warmup = int({warm:g} batches / {r.accum} "
                    f"accumulation) = {steps} optimizer steps ({_CREATE})", path,
                    r.b.ancestor_span(path))
    elif warm > 0:
        r.b.derived("warmup.unit", "ratio", "a value in (0, 1] is a fraction of the scheduler "
                    f"steps; 1 warms up over the whole run ({_CREATE})", path)
    else:
        r.b.derived("warmup.steps", 0, "a value ≤ 0 means no warmup", path)


def _precision(r: _Reader) -> None:
    b = r.b
    mixed = r.fact("precision.mixed", ("train_dtype",), "FLOAT_16", _enum(_DTYPES),
                   show=lambda v: _DTYPES[v], note="the autocast dtype")
    method = b.value("method")
    key: KeyPath
    if method in ("lora", "loha", "lokr", "dora", "oft"):
        key = ("lora_weight_dtype",)
    elif method == "textual_inversion":
        key = ("embedding_weight_dtype",)
    else:
        key = (next((p for p in r.parts if p in ("unet", "transformer", "prior")), "unet"),
               "weight_dtype")
    weights, status = r.conv(key, "FLOAT_32", _enum(_DTYPES))
    if status != "failed" or r.raw(key) not in (None, MISSING):
        r.fact("precision.train_dtype", key, "FLOAT_32", _enum(_DTYPES),
               show=lambda v: _DTYPES.get(v, v), note="the trained weights")
    scaler = mixed == "FLOAT_16" and weights in ("FLOAT_32", "TFLOAT_32")
    b.derived("precision.grad_scaler", scaler, "a GradScaler only for FLOAT_16 autocast with "
              f"fp32 trainable weights ({REPO}:modules/util/dtype_util.py)", ("train_dtype",))
    if r.raw(("clip_grad_norm",)) is None:
        b.derived("grad_clip.semantics", "disabled", "clip_grad_norm null: no clipping",
                  ("clip_grad_norm",))
        return
    r.fact("grad_clip.value", ("clip_grad_norm",), 1.0, _float)
    b.derived("grad_clip.semantics", "norm_zero_zeroes", "clip_grad_norm_ whenever the value "
              f"is not null, so 0 scales every gradient to 0 ({REPO}:modules/trainer/"
              "GenericTrainer.py)", ("clip_grad_norm",))


def _ema(r: _Reader) -> None:
    b = r.b
    r.fact("ema.enabled", ("ema",), "OFF", _enum(("OFF", "GPU", "CPU")),
           show=lambda v: v != "OFF")
    r.fact("ema.decay", ("ema_decay",), 0.999, _float)
    b.derived("ema.schedule", "onetrainer", f"min((1+t)/(10+t), decay) at the 0-based "
              f"optimizer step t ({REPO}:modules/module/EMAModule.py)", ("ema_decay",))
    r.fact("ema.update_every", ("ema_update_step_interval",), 5, _int,
           show=lambda v: max(1, v))
    b.derived("ema.used_for_sampling", True, "samples are made from the EMA weights (plus "
              f"“- no-ema” samples with non_ema_sampling) ({REPO}:modules/trainer/"
              "GenericTrainer.py)", ("ema",))
    b.derived("ema.used_for_saving", True, "intermediate saves and the final model are the "
              f"EMA weights ({REPO}:modules/trainer/GenericTrainer.py)", ("ema",))


def _cadence(r: _Reader) -> None:
    _every(r, "sample_every", "sample_after", "sample_after_unit", 10, "MINUTE")
    _every(r, "save_every", "save_every", "save_every_unit", 0, "NEVER")
    if r.value(("validation",), False, bool):
        _every(r, "eval_every", "validate_after", "validate_after_unit", 1, "EPOCH")


def _every(r: _Reader, fact: str, key: str, unit_key: str, default: int, unit: str) -> None:
    """A cadence in optimizer steps: STEP counts batches (``global_step``), so it is divided
    by the accumulation; EPOCH gives ``<fact>_epochs``; time units are not steps."""
    value = r.value((key,), default, _int)
    kind = r.value((unit_key,), unit, _enum(_UNITS))
    path: KeyPath = (key,)
    if kind == "STEP" and value > 0:
        steps = math.ceil(value / r.accum)
        r.b.derived(fact, steps, f"{key} {value} batches / {r.accum} accumulation = {steps} "
                    f"optimizer steps ({REPO}:modules/util/TimedActionMixin.py)", path,
                    r.b.ancestor_span(path))
    elif kind == "EPOCH" and value > 0:
        r.fact(f"{fact}_epochs", path, default, _int)
    elif kind in ("SECOND", "MINUTE", "HOUR", "ALWAYS"):
        r.b.facts.set(fact, Unknown(f"{key} counts {kind.lower()}s, not steps"), "derived",
                      r.b.doc.path, path, r.b.ancestor_span(path))


def _noise_and_data(r: _Reader) -> None:
    r.fact("noise.offset", ("offset_noise_weight",), 0.0, _float)
    fn = r.value(("loss_weight_fn",), "CONSTANT", _enum(_LOSS_WEIGHTS))
    if fn == "MIN_SNR_GAMMA":
        r.fact("noise.min_snr_gamma", ("loss_weight_strength",), 5.0, _float,
               note="loss_weight_fn MIN_SNR_GAMMA")
    r.fact("noise.timestep_sampling", ("timestep_distribution",), "UNIFORM",
           _enum(_TIMESTEPS), show=str.lower)
    r.fact("cache_latents", ("latent_caching",), True, bool)
    res = parse_resolution(r.value(("resolution",), "512", str))
    if res is not None:
        r.b.derived("resolution", res, "the largest side of `resolution`", ("resolution",),
                    r.b.ancestor_span(("resolution",)))
