"""Canonical facts of BasicSR / Real-ESRGAN and traiNNer-redux option YAML.

Both read YAML 1.1 (``lr: 1e-4`` is the string "1e-4", kept as such). Semantics:
``train.ema_decay > 0`` creates ``net_g_ema``, which validation uses and which is
saved as ``params_ema`` (``BasicSR:basicsr/models/sr_model.py``); the decay is
constant (``BasicSR:basicsr/models/base_model.py::model_ema``; traiNNer-redux with its
default ``ema_power``); ``train.warmup_iter`` is a linear warmup, ``-1`` none
(``base_model.update_learning_rate``); ``train.total_iter`` optimizer iterations;
``datasets.train.batch_size_per_gpu`` × world size is the global batch. traiNNer
adds ``use_amp``/``amp_bf16``, ``grad_clip`` + ``grad_clip_max_norm`` (100) and
``accum_iter`` (``traiNNer-redux:traiNNer/utils/redux_options.py``).
"""

from __future__ import annotations

from cfglint.facts.builder import (
    MISSING,
    FactBuilder,
    as_int,
    as_number,
    optimizer_is_adam,
)
from cfglint.facts.model import Facts, Unknown
from cfglint.source.document import Document, KeyPath

SRC_B = "BasicSR:basicsr/models/base_model.py"
SRC_T = "traiNNer-redux:traiNNer/utils/redux_options.py"


def facts(doc: Document, family: str) -> Facts:
    b = FactBuilder(doc, family)
    trainner = family == "traiNNer"
    src = SRC_T if trainner else SRC_B
    T: KeyPath = ("train",)
    D: KeyPath = ("datasets", "train")

    b.derived("model.family", "sr", "image restoration / super-resolution")
    b.derived("method", "full", "the networks are trained in full")
    b.get("model.arch", ("network_g", "type"))

    # --- optimizer -----------------------------------------------------------------------
    OPT = (*T, "optim_g")
    b.get("lr", (*OPT, "lr"))
    opt = b.get("optimizer.name", (*OPT, "type"), convert=lambda v: str(v).lower())
    opt_s = opt if isinstance(opt, str) else ""
    b.derived("optimizer.is_8bit", "8bit" in opt_s, f"optimizer {opt_s or '?'}")
    b.derived("optimizer.is_adaptive", opt_s.startswith(("prodigy", "dadapt")),
              f"optimizer {opt_s or '?'}")
    if optimizer_is_adam(opt_s):
        b.get("optimizer.betas", (*OPT, "betas"), [0.9, 0.999], source="torch.optim.Adam")
        b.get("optimizer.eps", (*OPT, "eps"), 1e-8, source="torch.optim.Adam")
    b.get("optimizer.weight_decay", (*OPT, "weight_decay"), 0, source="torch.optim.Adam")

    # --- schedule ------------------------------------------------------------------------
    S = (*T, "scheduler")
    b.get("scheduler.name", (*S, "type"), convert=lambda v: str(v).lower())
    b.get("scheduler.milestones", (*S, "milestones"))
    b.get("scheduler.periods", (*S, "periods"))
    b.get("warmup.raw", (*T, "warmup_iter"), -1, source=src)
    b.derived("warmup.unit", "steps", "warmup_iter counts iterations; -1 = none")
    b.get("total_steps", (*T, "total_iter"), convert=_int_like)

    # --- batch ---------------------------------------------------------------------------
    b.get("batch", (*D, "batch_size_per_gpu"))
    if trainner:
        b.get("accum", (*D, "accum_iter"), 1, source=src)
    else:
        b.derived("accum", 1, "BasicSR has no gradient accumulation")
    ng = b.read(("num_gpu",))
    if as_int(ng) is not None:
        b.explicit("processes", ("num_gpu",))
    elif ng is not MISSING:
        b.facts.set("processes", Unknown(f"num_gpu is {ng!r} (decided at launch)"), "explicit",
                    doc.path, ("num_gpu",), b.node(("num_gpu",)).span)  # type: ignore[union-attr]
    b.get("resolution", (*D, "gt_size"))

    # --- precision and clipping ----------------------------------------------------------
    if trainner:
        amp = b.read(("use_amp",))
        bf = b.read(("amp_bf16",)) is True
        mixed = ("bf16" if bf else "fp16") if amp is True else "no"
        b.derived("precision.mixed", mixed, "use_amp with amp_bf16" if bf else "use_amp",
                  ("use_amp",), b.ancestor_span(("use_amp",)))
        b.derived("precision.grad_scaler", mixed == "fp16", "GradScaler for fp16 AMP")
        clip = b.get("grad_clip.enabled", (*T, "grad_clip"), False, source=src)
        b.get("grad_clip.value", (*T, "grad_clip_max_norm"), 100.0, source=src)
        b.derived("grad_clip.semantics", "bool_then_norm" if clip is True else "disabled",
                  "grad_clip enables clip_grad_norm_ with grad_clip_max_norm" if clip is True
                  else "grad_clip is false: grad_clip_max_norm is ignored")
    else:
        b.derived("precision.mixed", "no", "BasicSR has no autocast or GradScaler")
        b.derived("grad_clip.semantics", "disabled", "BasicSR does not clip gradients")
    b.derived("precision.train_dtype", "fp32", "fp32 parameters")

    # --- EMA -----------------------------------------------------------------------------
    decay = b.get("ema.decay", (*T, "ema_decay"), 0, source=src)
    d = as_number(decay)
    ema_fact = b.fact("ema.decay")
    assert ema_fact is not None
    b.derived("ema.enabled", d is not None and d > 0, "ema_decay > 0 creates net_g_ema",
              ema_fact.key, ema_fact.span)
    b.derived("ema.schedule", "constant", f"{src}: constant decay")
    b.derived("ema.used_for_sampling", True, "validation runs net_g_ema when it exists "
              "(BasicSR:basicsr/models/sr_model.py)")
    b.derived("ema.used_for_saving", True, "net_g_ema is saved as params_ema")
    b.derived("ema.update_every", 1, "one EMA update per iteration")

    # --- monitoring ----------------------------------------------------------------------
    if b.node(("val",)) is not None:
        b.get("eval_every", ("val", "val_freq"), convert=_int_like)
    b.get("save_every", ("logger", "save_checkpoint_freq"), convert=_int_like)
    return b.facts


def _int_like(value: object) -> object:
    """``!!float 5e3`` → 5000: BasicSR applies ``int()`` to iteration counts."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
