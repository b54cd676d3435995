"""tdrussell/diffusion-pipe: the training TOML (``deepspeed train.py --config``) and the
dataset TOML it names.

Both are read with the ``toml`` package and never validated: every key is read from one
fixed place (``diffusion-pipe:train.py``, ``models/*.py``), so tables mean something,
unknown and misplaced keys are ignored (tdrussell/diffusion-pipe#372), and [optimizer]
keys are the optimizer's constructor arguments. There is no EMA and no sampling during
training; the LoRA scale is always 1 (``train.py`` sets alpha = rank and rejects alpha).
"""

from __future__ import annotations

from typing import Any, ClassVar

from cfglint.facts.builder import MISSING, FactBuilder
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import model_family, optimizer_is_8bit, optimizer_is_adaptive
from cfglint.facts.values import as_bool, as_int, as_number, norm_dtype, parse_resolution
from cfglint.families.base import (
    CERTAIN,
    LIKELY,
    ArgNotation,
    Family,
    ProbeDefaults,
    Program,
    child,
    keys_of,
    root_mapping,
)
from cfglint.repo.declare import Dispatch, ForkPoints
from cfglint.source.document import Document, KeyPath, Mapping, Scalar, Sequence, resolve_alias

SRC = "diffusion-pipe:train.py"
# forks add model types with their own pipelines; upstream raises NotImplementedError
FORKS = ForkPoints("diffusion-pipe", dispatches=(
    Dispatch("model type", ("model.type",),
             lookup="tdrussell/diffusion-pipe:train.py, NotImplementedError"),
))
# top-level keys only diffusion-pipe's training TOML has
_TRAINING_KEYS = frozenset({
    "micro_batch_size_per_gpu", "pipeline_stages", "epochs", "dataset",
    "activation_checkpointing", "eval_micro_batch_size_per_gpu", "eval_before_first_step",
    "image_micro_batch_size_per_gpu", "checkpoint_every_n_minutes", "partition_method",
    "caching_batch_size", "video_clip_mode", "eval_datasets", "gradient_clipping",
})
# top-level bucketing keys of diffusion-pipe's dataset TOML; the first set only it has
_BUCKET_KEYS = frozenset({"enable_ar_bucket", "num_ar_buckets", "ar_buckets", "frame_buckets",
                          "size_buckets"})
_DATASET_KEYS = _BUCKET_KEYS | {"resolutions", "min_ar", "max_ar"}
# keys that name another trainer's model or data inputs (sd-scripts, musubi-tuner)
_OTHER_TRAINERS = frozenset({"pretrained_model_name_or_path", "train_data_dir",
                             "dataset_config", "dit", "datasets"})
# model.type -> canonical model family, where the type names one (models/*.py)
_FAMILIES = {"flux": "flux", "chroma": "chroma", "sdxl": "sdxl", "sd3": "sd3",
             "hunyuan-video": "hunyuan_video", "lumina_2": "lumina2", "qwen_image": "qwen_image",
             "hidream": "hidream", "omnigen2": "omnigen2", "auraflow": "auraflow"}
# types whose model class trains another objective than flow matching (velocity noise − x0):
# sdxl (epsilon, or v with v_pred) and cosmos (EDM); lumina_2 flips the sign (still flow)
_NOT_FLOW = frozenset({"sdxl", "cosmos"})
# models loaded from ComfyUI files read diffusion_model_dtype, the others transformer_dtype
_FP8_KEYS = ("transformer_dtype", "diffusion_model_dtype")
_M: KeyPath = ("model",)
_O: KeyPath = ("optimizer",)
_A: KeyPath = ("adapter",)


class DiffusionPipe(Family):
    name: ClassVar[str] = "diffusion-pipe"
    program: ClassVar[Program] = Program.DIFFUSION_PIPE
    formats: ClassVar[tuple[str, ...]] = ("toml",)
    loader: ClassVar[str] = "diffusion-pipe's TOML loader (the toml package; no conversion)"
    schema: ClassVar[str | None] = "diffusion-pipe"
    forks: ClassVar[ForkPoints | None] = FORKS
    other_schemas: ClassVar[tuple[str, ...]] = ("diffusion-pipe-dataset",)
    arg_notation: ClassVar[ArgNotation | None] = "mapping"
    args_key: ClassVar[KeyPath | None] = _O
    # no LR default of its own: the optimizer class's (torch AdamW: 1e-3)
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(lr=1e-3)

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None or doc.format != "toml" or _other_trainer(root):
            return 0.0
        if _is_dataset(root):
            return CERTAIN if _directories(root) else LIKELY if set(root.keys()) & _BUCKET_KEYS \
                else 0.0
        model = child(root, "model")
        mtype = child(model, "type")
        if not (isinstance(mtype, Scalar) and isinstance(mtype.value, str)):
            return 0.0
        evidence = (set(root.keys()) & _TRAINING_KEYS or "rank" in keys_of(child(root, "adapter"))
                    or "type" in keys_of(child(root, "optimizer")))
        return CERTAIN if evidence else 0.0

    def schema_for(self, doc: Document) -> str | None:
        root = root_mapping(doc)
        return self.other_schemas[0] if root is not None and _is_dataset(root) else self.schema

    def facts(self, doc: Document) -> Facts:
        b = FactBuilder(doc, self)
        root = root_mapping(doc)
        if root is None:
            return b.facts
        if _is_dataset(root):
            _dataset(b)
            return b.facts
        mtype = _model(b)
        _adapter(b, mtype)
        _optimizer(b)
        _learning_rates(b, mtype)
        _schedule(b)
        _precision(b)
        _noise(b, mtype)
        _cadence(b)
        return b.facts


def _other_trainer(root: Mapping) -> bool:
    keys = set(root.keys())
    for e in root.entries:
        keys |= keys_of(e.value)
    return bool(keys & _OTHER_TRAINERS)


def _directories(root: Mapping) -> bool:
    """``[[directory]]`` tables, each with a ``path``."""
    dirs = resolve_alias(root.get("directory"))
    return isinstance(dirs, Sequence) and bool(dirs.items) and all(
        "path" in keys_of(d) for d in dirs.items)


def _is_dataset(root: Mapping) -> bool:
    """The dataset TOML: [[directory]] tables or the bucketing keys, and no [model]."""
    keys = set(root.keys())
    return "model" not in keys and ("directory" in keys or bool(keys & _DATASET_KEYS))


def _model(b: FactBuilder) -> str:
    mtype = b.get("model.arch", (*_M, "type"))
    mtype_s = mtype if isinstance(mtype, str) else ""
    paths = [b.read((*_M, k)) for k in ("transformer_path", "ckpt_path", "diffusion_model")]
    fam = _FAMILIES.get(mtype_s, "unknown")
    if mtype_s == "wan":
        fam = model_family(*[p for p in paths if isinstance(p, str)])
        fam = fam if fam in ("wan21", "wan22") else "wan21"
        expert = _wan22_expert(paths)
        if expert:
            fam = "wan22"
            b.derived("moe.expert", expert, f"model path names the {expert}-noise expert",
                      (*_M, "transformer_path"), b.ancestor_span((*_M, "transformer_path")))
            i2v = any(isinstance(p, str) and "i2v" in p.lower() for p in paths)
            b.derived("moe.boundary", 0.9 if i2v else 0.875, "Wan 2.2's inference boundary, "
                      "0.875 for T2V and 0.9 for I2V (diffusion-pipe:docs/supported_models.md);"
                      " diffusion-pipe trains the expert on min_t..max_t",
                      (*_M, "transformer_path"), b.ancestor_span((*_M, "transformer_path")))
    b.derived("model.family", fam, f"model.type {mtype_s!r}" + (
        " and the checkpoint paths" if mtype_s == "wan" else ""), (*_M, "type"),
        b.ancestor_span((*_M, "type")))
    if mtype_s == "sdxl" and b.read((*_M, "v_pred")) is True:
        b.explicit("model.prediction", (*_M, "v_pred"), "v_prediction")
    elif mtype_s and (mtype_s not in _NOT_FLOW or mtype_s == "sdxl"):
        b.derived("model.prediction", "epsilon" if mtype_s == "sdxl" else "flow",
                  f"training objective of diffusion-pipe's {mtype_s} model")
    return mtype_s


def _wan22_expert(paths: list[Any]) -> str | None:
    for p in paths:
        low = p.lower() if isinstance(p, str) else ""
        if "high_noise" in low:
            return "high"
        if "low_noise" in low:
            return "low"
    return None


def _adapter(b: FactBuilder, mtype: str) -> None:
    if b.node(_A) is None:
        b.derived("method", "full", "no [adapter] table: the whole model is trained "
                  f"({SRC}: is_adapter)")
        b.derived("train_te", False, "diffusion-pipe trains the diffusion model only")
        return
    b.get("method", (*_A, "type"), convert=lambda v: str(v).lower())
    b.get("lora.rank", (*_A, "rank"))
    b.derived("lora_scale", 1.0, f"diffusion-pipe sets alpha = rank ({SRC}), so the adapter's "
              "scale is 1", _A, b.ancestor_span(_A))
    te = mtype == "sdxl"
    b.derived("train_te", te, "the sdxl adapter also targets both text encoders "
              "(diffusion-pipe:models/sdxl.py)" if te else
              "the adapter targets the diffusion model only")


def _optimizer(b: FactBuilder) -> None:
    name = b.get("optimizer.name", (*_O, "type"), convert=lambda v: str(v).lower(),
                 note="built-in names in any case; pytorch_optimizer class names exactly")
    opt = name if isinstance(name, str) else ""
    table = b.read(_O)
    args = {k: v for k, v in table.items() if k not in ("type", "lr")} if isinstance(
        table, dict) else {}
    if args:
        b.explicit("optimizer.args", _O, args)
    adaptive = optimizer_is_adaptive(opt) or (opt == "genericoptim" and bool(args.get(
        "automagic")))
    b.derived("optimizer.is_8bit", optimizer_is_8bit(opt), f"optimizer {opt}")
    b.derived("optimizer.is_adaptive", adaptive, f"optimizer {opt}")
    for fact, key in (("optimizer.eps", "eps"), ("optimizer.betas", "betas"),
                      ("optimizer.weight_decay", "weight_decay")):
        b.get(fact, (*_O, key))


def _learning_rates(b: FactBuilder, mtype: str) -> None:
    lr = b.get("lr", (*_O, "lr"))
    if lr is MISSING:
        b.facts.set("lr", Unknown("no [optimizer] lr: the optimizer class's own default"),
                    "default", b.doc.path, (*_O, "lr"), b.ancestor_span((*_O, "lr")),
                    "diffusion-pipe passes no lr, so the optimizer class's default applies")
    if mtype != "sdxl":
        return
    for fact, key in (("lr.unet", "unet_lr"), ("lr.te", "text_encoder_1_lr"),
                      ("lr.te1", "text_encoder_1_lr"), ("lr.te2", "text_encoder_2_lr")):
        if b.get(fact, (*_M, key)) is MISSING and lr is not MISSING:
            b.default(fact, lr, (*_M, key), "defaults to optimizer.lr "
                      "(diffusion-pipe:models/sdxl.py)")


def _schedule(b: FactBuilder) -> None:
    name = b.get("scheduler.name", ("lr_scheduler",), "constant", source=SRC)
    warmup = b.get("warmup.raw", ("warmup_steps",), 0, source=SRC)
    b.derived("warmup.unit", "steps", "warmup_steps counts optimizer steps (a LinearLR "
              "prepended to the schedule)", ("warmup_steps",))
    if name == "constant" and isinstance(warmup, int | float) and warmup > 0:
        fact = b.fact("scheduler.name")
        assert fact is not None
        b.facts.set("scheduler.name", "constant_with_warmup", fact.origin, b.doc.path,
                    ("lr_scheduler",), fact.span, f"constant after the {warmup}-step warmup "
                    f"that {SRC} puts in front of every schedule")
    b.get("epochs", ("epochs",))
    reason = ("steps per epoch depend on the dataset, its buckets and the data-parallel "
              "world size")
    if b.has(("max_steps",)):
        reason += "; max_steps stops the run earlier when reached first"
    b.facts.set("total_steps", Unknown(reason), "derived", b.doc.path, ("epochs",),
                b.ancestor_span(("epochs",)), reason)
    mbs = b.read(("micro_batch_size_per_gpu",))
    if isinstance(mbs, list):
        b.facts.set("batch", Unknown("micro_batch_size_per_gpu is set per resolution"),
                    "explicit", b.doc.path, ("micro_batch_size_per_gpu",),
                    b.node(("micro_batch_size_per_gpu",)).span)  # type: ignore[union-attr]
    else:
        b.get("batch", ("micro_batch_size_per_gpu",), 1, source=SRC)
    b.get("accum", ("gradient_accumulation_steps",), 1, source=SRC)


def _precision(b: FactBuilder) -> None:
    dtype = norm_dtype(b.read((*_M, "dtype")))
    if dtype is not None:
        mixed = {"fp16": "fp16", "bf16": "bf16"}.get(dtype, "no")
        b.explicit("precision.mixed", (*_M, "dtype"), mixed,
                   note="model.dtype is also the autocast dtype of training")
    if b.node(_A) is not None:
        own = norm_dtype(b.read((*_A, "dtype")))
        if own is not None:
            b.explicit("precision.train_dtype", (*_A, "dtype"), own)
        elif dtype is not None:
            b.default("precision.train_dtype", dtype, (*_A, "dtype"),
                      f"trainer default: adapter weights in model.dtype ({SRC})")
    elif dtype is not None:
        b.derived("precision.train_dtype", dtype, "full fine-tune in model.dtype", (*_M, "dtype"))
    b.derived("precision.grad_scaler", False, "diffusion-pipe enables no DeepSpeed fp16 mode, "
              "so there is no loss scaler")
    fp8 = [k for k in _FP8_KEYS if norm_dtype(b.read((*_M, k))) == "fp8"]
    if fp8:
        b.explicit("precision.fp8_base", (*_M, fp8[0]), True)
    else:
        b.default("precision.fp8_base", False, (*_M, _FP8_KEYS[0]), "trainer default")
    clip = b.get("grad_clip.value", ("gradient_clipping",), 1.0, source=SRC)
    if as_bool(b.read((*_O, "gradient_release"))) is True and clip != 0:
        b.derived("grad_clip.value", 0, "optimizer.gradient_release turns clipping off "
                  f"({SRC})", (*_O, "gradient_release"), b.node((*_O, "gradient_release")).span)  # type: ignore[union-attr]
    b.derived("grad_clip.semantics", "norm", "DeepSpeed gradient_clipping: max norm, 0 disables")
    b.derived("ema.enabled", False, "diffusion-pipe has no EMA")


def _noise(b: FactBuilder, mtype: str) -> None:
    if mtype in ("sdxl", "cosmos"):
        return  # their own noise schedules: no timestep method, no shift
    b.get("noise.timestep_sampling", (*_M, "timestep_sample_method"), "logit_normal",
          source="diffusion-pipe:utils/common.py")
    shift = as_number(b.read((*_M, "shift")))
    if shift:
        b.explicit("noise.discrete_flow_shift", (*_M, "shift"), shift,
                   note="t' = s·t / (1 + (s−1)·t); wins over flux_shift")
        b.derived("noise.shift_mode", "constant", "model.shift is set", (*_M, "shift"))
    elif any(b.read((*_M, k)) is True for k in ("flux_shift", "lumina_shift")):
        b.derived("noise.shift_mode", "resolution", "flux_shift/lumina_shift: a shift that "
                  "depends on the image size", (*_M, "flux_shift"))
    else:
        b.derived("noise.shift_mode", "none", "no shift, flux_shift or lumina_shift")
    if mtype == "wan":
        b.get("noise.t_min", (*_M, "min_t"), 0.0, source="diffusion-pipe:models/wan/wan.py",
              note="t on [0, 1], 1 = pure noise")
        b.get("noise.t_max", (*_M, "max_t"), 1.0, source="diffusion-pipe:models/wan/wan.py",
              note="t on [0, 1], 1 = pure noise")


def _cadence(b: FactBuilder) -> None:
    for fact, key in (("save_every", "save_every_n_steps"),
                      ("save_every_epochs", "save_every_n_epochs"),
                      ("eval_every", "eval_every_n_steps"),
                      ("eval_every_epochs", "eval_every_n_epochs")):
        b.get(fact, (key,))
    if b.has(("dataset",)):
        b.explicit("dataset.config", ("dataset",))


def _dataset(b: FactBuilder) -> None:
    """What a dataset TOML says alone: the largest training size, the repeats, tag shuffling.
    A [[directory]] value overrides the top-level one (diffusion-pipe:utils/dataset.py)."""
    dirs = resolve_alias(b.doc.find(("directory",)))
    scopes: list[KeyPath] = [()]
    if isinstance(dirs, Sequence):
        scopes += [("directory", i) for i in range(len(dirs.items))]
    sizes = [(s, parse_resolution(r)) for s in scopes
             for r in _as_list(b.read((*s, "resolutions")))]
    if sizes:
        where, largest = max(sizes, key=lambda x: x[1] or 0)
        if largest:
            b.explicit("resolution", (*where, "resolutions"), largest,
                       note="every file is trained at every listed size")
    _repeats(b, scopes[1:] or scopes)
    for s in scopes:
        for key in ("cache_shuffle_num", "shuffle_tags"):
            value = b.read((*s, key))
            if (as_int(value) or 0) > 0 or value is True:
                b.explicit("aug.caption_shuffle", (*s, key), True)
                return


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _repeats(b: FactBuilder, dirs: list[KeyPath]) -> None:
    """One repeat count when every folder has the same (its own or the top-level one)."""
    top = b.read(("num_repeats",))
    values = {repr(b.read((*d, "num_repeats"))) for d in dirs if b.has((*d, "num_repeats"))}
    inherit = any(not b.has((*d, "num_repeats")) for d in dirs)
    if inherit:
        values.add(repr(top if top is not MISSING else 1))
    explicit = [(*d, "num_repeats") for d in dirs if b.has((*d, "num_repeats"))]
    if len(values) > 1:
        b.facts.set("dataset.repeats", Unknown("num_repeats differs across directories"),
                    "explicit", b.doc.path, explicit[0], b.ancestor_span(explicit[0]),
                    "values: " + ", ".join(sorted(values)))
        return
    if explicit:
        b.explicit("dataset.repeats", explicit[0])
    else:
        b.get("dataset.repeats", ("num_repeats",), 1, source="diffusion-pipe:utils/dataset.py")
