"""ostris/ai-toolkit: ``job:`` + ``config.process[]`` YAML, loaded by oyaml's SafeLoader
with an extra float resolver, so ``1e-4`` is a float there.

Facts come from the train process: the first ``config.process[]`` item of a trainer
type (``sd_trainer``, ``ui_trainer``, ...), else the first item. Defaults are those of
``ai-toolkit:toolkit/config_modules.py`` (``TrainConfig``, ``NetworkConfig``,
``EMAConfig``, ``SampleConfig``, ``SaveConfig``, ``DatasetConfig``) and the optimizer
and scheduler rewrites of ``toolkit/optimizer.py`` and ``toolkit/scheduler.py``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from cfglint.facts.builder import MISSING, FactBuilder
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import (
    model_family,
    optimizer_is_8bit,
    optimizer_is_adam,
    optimizer_is_adaptive,
    prediction_for,
)
from cfglint.facts.values import as_bool, as_int, as_number, norm_dtype
from cfglint.families.base import (
    ArgNotation,
    Family,
    ProbeDefaults,
    Program,
    child,
    keys_of,
    root_mapping,
    schema_enum,
)
from cfglint.repo.declare import ForkPoints
from cfglint.source.document import (
    Document,
    KeyPath,
    Mapping,
    Node,
    Scalar,
    Sequence,
    resolve_alias,
)
from cfglint.source.yaml_dialect import Dialect

SRC = "ai-toolkit:toolkit/config_modules.py"
# toolkit/scheduler.py: these names build torch schedulers, which have no warmup.
_TORCH_SCHEDULERS = frozenset({"constant", "linear", "cosine", "cosine_with_restarts", "step"})
_PROCESS_KEYS = frozenset({"type", "training_folder", "device", "network", "save", "datasets",
                           "train", "model", "sample", "trigger_word", "logging", "meta"})
_T: KeyPath = ("train",)


class AiToolkit(Family):
    name: ClassVar[str] = "ai-toolkit"
    program: ClassVar[Program] = Program.AI_TOOLKIT
    formats: ClassVar[tuple[str, ...]] = ("yaml", "json")
    yaml_dialect: ClassVar[Dialect] = "yaml11-float"
    loader: ClassVar[str] = "ai-toolkit's YAML loader (PyYAML with an exponent-float resolver)"
    schema: ClassVar[str | None] = "ai-toolkit"
    # forks add keys of their own (new models, text-encoder options): a key upstream drops
    # unread stays a warning, and says so where the file shows a fork
    forks: ClassVar[ForkPoints | None] = ForkPoints("ai-toolkit")
    arg_notation: ClassVar[ArgNotation | None] = "mapping"
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(lr=1e-6, total_steps=1000)

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None:
            return 0.0
        keys = set(root.keys())
        score = 0.0
        if self._names_a_job(root.get("job")):
            score += 0.4
        process = child(root, "config", "process")
        if isinstance(process, Sequence):
            score += 0.5
            for item in process.items:
                if keys_of(item) & _PROCESS_KEYS:
                    score += 0.1
                    break
        elif "config" in keys and keys_of(child(root, "config")) & {"name", "process"}:
            score += 0.2
        return min(score, 1.0)

    def _names_a_job(self, node: Node | None) -> bool:
        """``job:`` is evidence only when it names one of run.py's job kinds: other
        programs have a ``job`` key too (a W&B Launch job is ``entity/project/name:v0``)."""
        node = resolve_alias(node)
        return isinstance(node, Scalar) and node.value in schema_enum(
            self.schema or self.name, "job")

    def facts(self, doc: Document) -> Facts:
        b = FactBuilder(doc, self)
        idx = _process_index(doc)
        if idx is None:
            return b.facts
        j = _Job(b, ("config", "process", idx))
        _model(j)
        _network(j)
        opt_s = _optimizer(j)
        _learning_rates(j, opt_s)
        _schedule(j)
        _precision(j, opt_s)
        _ema(j)
        _noise(j)
        _sampling(j)
        _datasets_and_cache(j)
        return b.facts


class _Job:
    """The builder and the path of the train process, shared by the steps below."""

    def __init__(self, b: FactBuilder, process: KeyPath) -> None:
        self.b = b
        self.process = process

    def p(self, *parts: str | int) -> KeyPath:
        return self.process + tuple(parts)


def _process_index(doc: Document) -> int | None:
    proc = resolve_alias(doc.find(("config", "process")))
    if not isinstance(proc, Sequence) or not proc.items:
        return None
    fallback: int | None = None
    for i, raw in enumerate(proc.items):
        item = resolve_alias(raw)
        if not isinstance(item, Mapping):
            continue
        t = item.get("type")
        tv = t.value if isinstance(t, Scalar) else None
        if isinstance(tv, str) and ("trainer" in tv or tv in ("slider", "lora_hack", "vae",
                                                                "esrgan", "rescale_sd")):
            return i
        if fallback is None and "train" in item.keys():
            fallback = i
    return fallback if fallback is not None else 0


def _model(j: _Job) -> None:
    b, p, T = j.b, j.p, _T
    arch = b.get("model.arch", p("model", "arch"))
    name_or_path = b.read(p("model", "name_or_path"))
    flags = {f: b.read(p("model", f)) is True for f in ("is_flux", "is_xl", "is_v3", "is_v2")}
    flag_family = ("flux" if flags["is_flux"] else "sdxl" if flags["is_xl"] else
                   "sd3" if flags["is_v3"] else "sd2" if flags["is_v2"] else None)
    fam = model_family(arch if arch is not MISSING else None, flag_family,
                       name_or_path if name_or_path is not MISSING else None)
    b.derived("model.family", fam, "from model.arch, the legacy is_* flags and model.name_or_path",
              p("model"), b.ancestor_span(p("model", "arch")))
    noise_sched = b.get("noise.scheduler", p(*T, "noise_scheduler"), "ddpm", source=SRC)
    if b.read(p("model", "is_v_pred")) is True:
        b.explicit("model.prediction", p("model", "is_v_pred"), "v_prediction")
    elif isinstance(noise_sched, str) and noise_sched.lower() == "flowmatch":
        b.derived("model.prediction", "flow", "train.noise_scheduler is flowmatch",
                  p(*T, "noise_scheduler"), b.fact("noise.scheduler").span)  # type: ignore[union-attr]
    elif prediction_for(fam):
        b.derived("model.prediction", prediction_for(fam), f"default objective of {fam}")
    if isinstance(arch, str) and arch.lower() in _WAN22_EXPERT_ARCHS:
        _experts(j)


# ai-toolkit's two-expert Wan 2.2 classes (extensions_built_in/diffusion_models/wan22/):
# the I2V class inherits the T2V training boundaries [0.875, 0.0]
_WAN22_EXPERT_ARCHS = frozenset({"wan22_14b", "wan22_14b_i2v"})
_WAN22_SRC = "ostris/ai-toolkit:extensions_built_in/diffusion_models/wan22/wan22_14b_model.py"


def _experts(j: _Job) -> None:
    """Which Wan 2.2 experts train, where they split the timesteps, how they alternate."""
    b, p = j.b, j.p
    kw = p("model", "model_kwargs")
    high = b.read((*kw, "train_high_noise")) is not False
    low = b.read((*kw, "train_low_noise")) is not False
    expert = "both" if high and low else "high" if high else "low" if low else None
    if expert is None:
        return  # a ValueError at start-up: at least one expert must train
    b.derived("moe.expert", expert, "model.model_kwargs train_high_noise / train_low_noise "
              f"(both default true; {_WAN22_SRC})", kw, b.ancestor_span(kw))
    b.derived("moe.boundary", 0.875, f"multistage_boundaries [0.875, 0.0] ({_WAN22_SRC}); "
              "each expert trains only on its own timesteps", p("model", "arch"),
              b.ancestor_span(p("model", "arch")))
    b.derived("moe.split", "alternate" if expert == "both" else "one",
              "the trainer alternates the trainable experts (SDTrainer.py)" if expert == "both"
              else "one expert trains on its own timesteps", kw, b.ancestor_span(kw))
    b.get("moe.switch_every", p(*_T, "switch_boundary_every"), 1, source=SRC)


def _network(j: _Job) -> None:
    b, p = j.b, j.p
    ptype = b.read(p("type"))
    if b.node(p("network")) is not None:
        b.get("method", p("network", "type"), "lora", convert=lambda v: str(v).lower(),
              source=SRC, note="an unknown type trains a plain LoRA")
    elif isinstance(ptype, str) and "textual_inversion" in ptype:
        b.derived("method", "textual_inversion", f"process type {ptype}", p("type"))
    else:
        b.derived("method", "full", "no network section: the model itself is trained",
                  p(), b.ancestor_span(p("network")))
    if b.node(p("network")) is not None:
        b.first("lora.rank", [p("network", "rank"), p("network", "linear")], 4,
                default_path=p("network", "linear"), source=SRC)
        b.first("lora.alpha", [p("network", "linear_alpha"), p("network", "alpha")], 1.0,
                default_path=p("network", "linear_alpha"),
                source=f"{SRC}: linear_alpha defaults to alpha = 1.0")
        conv = b.get("lora.conv_rank", p("network", "conv"))
        if conv is not MISSING:
            b.first("lora.conv_alpha", [p("network", "conv_alpha")], conv,
                    source=f"{SRC}: conv_alpha defaults to conv")


def _optimizer(j: _Job) -> str:
    b, p, T = j.b, j.p, _T
    opt = b.get("optimizer.name", p(*T, "optimizer"), "adamw",
                convert=lambda v: str(v).lower(), source=SRC)
    opt_s = opt if isinstance(opt, str) else ""
    params = b.get("optimizer.args", p(*T, "optimizer_params"), {}, source=SRC)
    pdict: dict[str, Any] = params if isinstance(params, dict) else {}
    is8 = optimizer_is_8bit(opt_s) or opt_s in ("adam8", "adamw8")
    b.derived("optimizer.is_8bit", is8, f"{opt_s or '?'} keeps 8-bit state" if is8 else
              f"{opt_s or '?'} keeps full-precision state", p(*T, "optimizer"),
              b.fact("optimizer.name").span)  # type: ignore[union-attr]
    # ai-toolkit's adafactor defaults relative_step to False unless given.
    adaptive = optimizer_is_adaptive(opt_s, pdict, adafactor_relative_default=False)
    b.derived("optimizer.is_adaptive", adaptive, "the optimizer sets the step size" if adaptive
              else "lr is the step size", p(*T, "optimizer"))
    if optimizer_is_adam(opt_s) or opt_s.startswith("lion"):
        if "eps" in pdict:
            b.explicit("optimizer.eps", p(*T, "optimizer_params", "eps"))
        elif optimizer_is_adam(opt_s):
            eps = 1e-6 if is8 else 1e-8
            b.default("optimizer.eps", eps, p(*T, "optimizer_params", "eps"),
                      "ai-toolkit:toolkit/optimizer.py builds bitsandbytes optimizers with "
                      "eps=1e-6" if is8 else "torch AdamW default eps=1e-8")
        if "betas" in pdict:
            b.explicit("optimizer.betas", p(*T, "optimizer_params", "betas"))
    if "weight_decay" in pdict:
        b.explicit("optimizer.weight_decay", p(*T, "optimizer_params", "weight_decay"))
    return opt_s


def _learning_rates(j: _Job, opt_s: str) -> None:
    b, p, T = j.b, j.p, _T
    lr = b.get("lr", p(*T, "lr"), 1e-6, source=SRC)
    forced = opt_s.startswith(("prodigy", "dadaptation"))
    lr_n = as_number(lr)
    if forced and lr_n is not None and lr_n < 0.1:
        fact = b.fact("lr")
        assert fact is not None
        b.facts.set("lr.configured", lr, fact.origin, fact.file, fact.key, fact.span, fact.note)
        b.derived("lr", 1.0, f"ai-toolkit:toolkit/optimizer.py replaces lr {lr_n:g} < 0.1 with "
                  f"1.0 for {opt_s}", fact.key, fact.span)
    b.get("lr.unet", p(*T, "unet_lr"))
    b.get("lr.te", p(*T, "text_encoder_lr"))
    b.get("train_te", p(*T, "train_text_encoder"), False, source=SRC)


def _schedule(j: _Job) -> None:
    b, p, T = j.b, j.p, _T
    sched = b.get("scheduler.name", p(*T, "lr_scheduler"), "constant", source=SRC)
    sp = p(*T, "lr_scheduler_params")
    warm_keys = [(*sp, "num_warmup_steps"), (*sp, "warmup_steps"), p(*T, "lr_warmup_steps")]
    if sched == "constant_with_warmup":
        b.get("warmup.raw", (*sp, "num_warmup_steps"), 1000,
              source="ai-toolkit:toolkit/scheduler.py prints a warning and uses 1000")
        b.derived("warmup.unit", "steps", "num_warmup_steps counts scheduler steps")
    elif isinstance(sched, str) and sched in _TORCH_SCHEDULERS:
        b.derived("warmup.steps", 0, f"ai-toolkit's {sched} is a torch scheduler without warmup "
                  "(ai-toolkit:toolkit/scheduler.py)", p(*T, "lr_scheduler"))
        present = [k for k in warm_keys if b.has(k)]
        if present:
            b.explicit("warmup.ignored", present[0], True,
                       note=f"{sched} has no warmup; this key is ignored or rejected")
            b.explicit("warmup.ignored_key", present[0], str(present[0][-1]),
                       note="in lr_scheduler_params it reaches the torch constructor "
                       "(TypeError); train.lr_warmup_steps is not read")
    elif b.has((*sp, "num_warmup_steps")):
        b.explicit("warmup.raw", (*sp, "num_warmup_steps"))
        b.derived("warmup.unit", "steps", "num_warmup_steps counts scheduler steps")
    steps = b.get("steps.loop", p(*T, "steps"), 1000, source=SRC)
    new_acc = b.get("accum.new", p(*T, "gradient_accumulation"), 1, source=SRC)
    old_acc = b.get("accum.legacy", p(*T, "gradient_accumulation_steps"), 1, source=SRC)
    new_i, old_i = as_int(new_acc), as_int(old_acc)
    steps_i = as_int(steps)
    loop_fact = b.fact("steps.loop")
    assert loop_fact is not None
    if new_i is not None and new_i > 1:
        b.derived("accum", new_i, "gradient_accumulation: each step is one optimizer step over "
                  f"{new_i} batches", p(*T, "gradient_accumulation"))
        if steps_i is not None:
            b.derived("total_steps", steps_i, "train.steps counts optimizer steps",
                      loop_fact.key, loop_fact.span)
    elif old_i is not None and old_i > 1:
        b.derived("accum", old_i, "legacy gradient_accumulation_steps: train.steps counts "
                  "micro-steps (CFG310)", p(*T, "gradient_accumulation_steps"))
        if steps_i is not None:
            b.derived("total_steps", steps_i // old_i,
                      f"total_steps_opt = {steps_i} loop steps // {old_i} (legacy accumulation "
                      "counts micro-steps)", loop_fact.key, loop_fact.span)
    else:
        b.derived("accum", 1, "no accumulation", p(*T, "gradient_accumulation"))
        if steps_i is not None:
            b.derived("total_steps", steps_i, "train.steps counts optimizer steps",
                      loop_fact.key, loop_fact.span)
    if b.has((*sp, "max_iterations")):
        b.explicit("scheduler.total_steps", (*sp, "max_iterations"))
    elif steps is not MISSING:
        b.derived("scheduler.total_steps", steps, "ai-toolkit injects total_iters = train.steps "
                  "(jobs/process/BaseSDTrainProcess.py)", loop_fact.key, loop_fact.span)
    b.get("batch", p(*T, "batch_size"), 1, source=SRC)
    b.derived("processes", 1, "ai-toolkit trains in one process", p())


def _precision(j: _Job, opt_s: str) -> None:
    b, p, T = j.b, j.p, _T
    b.get("precision.train_dtype", p(*T, "dtype"), "fp32",
          convert=lambda v: norm_dtype(v) or v, source=SRC)
    if b.has(p("model", "quantize")):
        b.explicit("precision.fp8_base", p("model", "quantize"))
    b.get("grad_clip.value", p(*T, "max_grad_norm"), 1.0, source=SRC)
    if opt_s.startswith("adafactor"):
        b.derived("grad_clip.semantics", "disabled", "SDTrainer skips clip_grad_norm_ for "
                  "adafactor (extensions_built_in/sd_trainer/SDTrainer.py)", p(*T, "optimizer"))
    else:
        b.derived("grad_clip.semantics", "norm", "clip_grad_norm_ with max_grad_norm")


def _ema(j: _Job) -> None:
    b, p, T = j.b, j.p, _T
    E = p(*T, "ema_config")
    b.get("ema.enabled", (*E, "use_ema"), False, source=SRC)
    b.get("ema.decay", (*E, "ema_decay"), 0.999, source=SRC)
    b.derived("ema.schedule", "constant", "ai-toolkit:toolkit/ema.py with use_num_updates=False",
              E)
    b.derived("ema.used_for_sampling", True, "BaseSDTrainProcess.sample() swaps EMA weights in "
              "(self.ema.eval())", E)
    b.derived("ema.used_for_saving", True, "BaseSDTrainProcess.save(): always save params as ema",
              E)
    b.derived("ema.update_every", 1, "one EMA update per optimizer step", E)


def _noise(j: _Job) -> None:
    b, p, T = j.b, j.p, _T
    b.first("noise.min_snr_gamma", [p(*T, "min_snr_gamma"), p(*T, "snr_gamma")])
    b.get("noise.offset", p(*T, "noise_offset"), 0.0, source=SRC)
    b.get("noise.timestep_sampling", p(*T, "timestep_type"), "sigmoid", source=SRC)


def _sampling(j: _Job) -> None:
    b, p, T = j.b, j.p, _T
    b.get("sample.scheduler", p("sample", "sampler"), "ddpm", source=SRC)
    if b.read(p(*T, "disable_sampling")) is True:
        b.facts.set("sample_every", Unknown("sampling is disabled (train.disable_sampling)"),
                    "explicit", b.doc.path, p(*T, "disable_sampling"),
                    b.node(p(*T, "disable_sampling")).span)  # type: ignore[union-attr]
    elif b.node(p("sample")) is not None and not _prompts(b, p("sample")):
        b.facts.set("sample_every", Unknown("no sample prompts: nothing is generated"),
                    "derived", b.doc.path, p("sample"), b.ancestor_span(p("sample")),
                    "SampleConfig builds its samples from `prompts`/`samples`; with none, "
                    "sample() generates no image (toolkit/config_modules.py)")
    elif b.node(p("sample")) is not None:
        b.get("sample_every", p("sample", "sample_every"), 100, source=SRC)
        b.get("sample_start", p("sample", "sample_start_step"), 0, source=SRC)
    b.get("save_every", p("save", "save_every"), 1000, source=SRC)


def _prompts(b: FactBuilder, sample: KeyPath) -> bool:
    """The sample section lists prompts (``prompts``, or ``samples`` with a ``prompt``)."""
    for key in ("prompts", "samples"):
        items = b.read((*sample, key))
        if isinstance(items, list) and items:
            return True
    return False


def _datasets_and_cache(j: _Job) -> None:
    b, p, T = j.b, j.p, _T
    _datasets(b, p("datasets"))
    b.get("cache_te_outputs", p(*T, "cache_text_embeddings"), False, source=SRC)

def _datasets(b: FactBuilder, base: KeyPath) -> None:
    node = b.node(base)
    if not isinstance(node, Sequence):
        return
    any_flags: dict[str, tuple[KeyPath, Any]] = {}
    resolutions: list[tuple[int, KeyPath]] = []
    for i, _ in enumerate(node.items):
        d = (*base, i)
        for canon, keys in (("cache_latents", ("cache_latents", "cache_latents_to_disk")),
                            ("aug.flip", ("flip_x", "flip_y")),
                            ("aug.random_crop", ("random_crop",)),
                            ("aug.caption_shuffle", ("shuffle_tokens",)),
                            ("aug.color", ("color_aug",))):
            for k in keys:
                v = as_bool(b.read((*d, k)))
                if v is True or (v is False and canon not in any_flags):
                    if canon not in any_flags or any_flags[canon][1] is False:
                        any_flags[canon] = ((*d, k), v)
        for k in ("caption_dropout_rate", "token_dropout_rate"):
            rate = as_number(b.read((*d, k)))
            if rate is not None and rate > 0 and "aug.caption_dropout" not in any_flags:
                any_flags["aug.caption_dropout"] = ((*d, k), rate)
        res = b.read((*d, "resolution"))
        vals = res if isinstance(res, list) else [res]
        for v in vals:
            iv = as_int(v)
            if iv is not None:
                resolutions.append((iv, (*d, "resolution")))
    for canon, (path, val) in any_flags.items():
        b.explicit(canon, path, val)
    if resolutions:
        best, path = max(resolutions)
        b.explicit("resolution", path, best, note="largest dataset resolution")
    else:
        b.default("resolution", 512, (*base, 0, "resolution"), f"trainer default ({SRC})")
    if "cache_latents" not in b.facts:
        b.default("cache_latents", False, (*base, 0, "cache_latents"), f"trainer default ({SRC})")
