"""the-database/traiNNer-redux: BasicSR-style options decoded strictly into typed structs
(``msgspec.yaml.decode(..., strict=True)``), so an unknown key or a string where a number
belongs fails at load. On top of BasicSR it adds ``use_amp``/``amp_bf16``, ``grad_clip`` +
``grad_clip_max_norm`` (100) and ``accum_iter``
(``traiNNer-redux:traiNNer/utils/redux_options.py``).

Its EMA is lucidrains' ``ema_pytorch.EMA`` (``traiNNer/models/sr_model.py``): updated after
every optimizer step with the warm-up ``1 − (1 + epoch)^−ema_power`` capped at
``ema_decay`` (``ema_power`` 10 by default, practically no warm-up), copying the weights
until ``ema_update_after_step``; the models folder holds only ``net_g_ema``. Validation
needs ``val.val_enabled`` and a ``datasets.val*`` entry (``train.py``); with metrics enabled
and no paired validation dataset the run stops at start-up.
"""

from __future__ import annotations

from typing import ClassVar

from cfglint.facts.builder import FactBuilder
from cfglint.facts.model import Unknown
from cfglint.families.base import ProbeDefaults, Program
from cfglint.families.basicsr import (
    _D,
    _T,
    BasicSR,
    _int_like,
    _processes,
    _validation,
    sr_score,
    trainner_markers,
)
from cfglint.repo.declare import ForkPoints, NameRegistry, OpenRegistry, OptionStructs
from cfglint.source.document import Document
from cfglint.source.yaml_dialect import Dialect

SRC_T = "traiNNer-redux:traiNNer/utils/redux_options.py"
_UP = "the-database/traiNNer-redux:traiNNer"


def _registry(what: str, where: tuple[str, ...], variables: tuple[str, ...], lookup: str,
              files: str = "", kwargs: bool = False) -> NameRegistry:
    """traiNNer-redux's Registry lower-cases names when registering and looking up, and
    get(name) also tries name + "_traiNNer" (traiNNer/utils/registry.py)."""
    return NameRegistry(what, where, variables, lookup, files, kwargs, ignore_case=True,
                        fallback_suffix="traiNNer")


REGISTRIES: tuple[OpenRegistry, ...] = (
    # build_network tries SPANDREL_REGISTRY, then ARCH_REGISTRY, then TESTARCH_REGISTRY
    _registry("architecture", ("network_*.type",),
              ("*ARCH_REGISTRY", "SPANDREL_REGISTRY"),  # TESTARCH_REGISTRY too
              f"build_network ({_UP}/archs/__init__.py)", "*_arch.py", kwargs=True),
    _registry("loss", ("train.losses[*].type", "train.*_opt.type"), ("*LOSS_REGISTRY",),
              f"build_loss ({_UP}/losses/__init__.py)", "*_loss.py", kwargs=True),
    _registry("dataset", ("datasets.*.type",), ("*DATASET_REGISTRY",),
              f"build_dataset ({_UP}/data/__init__.py)", "*_dataset.py"),
    _registry("optimizer", ("train.optim_*.type",), ("*OPTIMIZER_REGISTRY",),
              f"build_optimizer ({_UP}/optimizers/__init__.py)", "*_optim.py"),
    _registry("metric", ("val.metrics.*.type",), ("*METRIC_REGISTRY",),
              f"calculate_metric ({_UP}/metrics/__init__.py)"),
)


# forks add fields to the option structs the file is decoded into
FORKS = ForkPoints("traiNNer-redux", structs=OptionStructs(
    "redux_options.py", "ReduxOptions", f"{_UP}/utils/redux_options.py"))


class TraiNNer(BasicSR):
    name: ClassVar[str] = "traiNNer"
    program: ClassVar[Program] = Program.TRAINNER
    refines: ClassVar[str | None] = "basicsr"
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    loader: ClassVar[str] = "traiNNer-redux's strict msgspec YAML decoder (YAML 1.1 typing)"
    schema: ClassVar[str | None] = "traiNNer"
    registries: ClassVar[tuple[OpenRegistry, ...]] = REGISTRIES
    forks: ClassVar[ForkPoints | None] = FORKS
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(
        lr=1e-4, optimizer="adamw", objective="l1", surrogate="sr")
    source: ClassVar[str] = SRC_T

    def detect(self, doc: Document) -> float:
        markers = trainner_markers(doc)
        if not markers:
            return 0.0
        return min(sr_score(doc) + 0.1 * markers, 1.0)

    def _batch(self, b: FactBuilder) -> None:
        b.get("batch", (*_D, "batch_size_per_gpu"))
        b.get("accum", (*_D, "accum_iter"), 1, source=self.source)
        _processes(b)
        b.get("resolution", (*_D, "gt_size"))

    def _precision(self, b: FactBuilder) -> None:
        amp = b.read(("use_amp",))
        bf = b.read(("amp_bf16",)) is True
        mixed = ("bf16" if bf else "fp16") if amp is True else "no"
        b.derived("precision.mixed", mixed, "use_amp with amp_bf16" if bf else "use_amp",
                  ("use_amp",), b.ancestor_span(("use_amp",)))
        b.derived("precision.grad_scaler", mixed == "fp16", "GradScaler for fp16 AMP")
        clip = b.get("grad_clip.enabled", (*_T, "grad_clip"), False, source=self.source)
        b.get("grad_clip.value", (*_T, "grad_clip_max_norm"), 100.0, source=self.source)
        b.derived("grad_clip.semantics", "bool_then_norm" if clip is True else "disabled",
                  "grad_clip enables clip_grad_norm_ with grad_clip_max_norm" if clip is True
                  else "grad_clip is false: grad_clip_max_norm is ignored")
        b.derived("precision.train_dtype", "fp32", "fp32 parameters")

    def _ema(self, b: FactBuilder) -> None:
        super()._ema(b)
        b.derived("ema.schedule", "ema_pytorch", "ema_pytorch.EMA with power=ema_power, "
                  "update_after_step=ema_update_after_step (traiNNer/models/sr_model.py)",
                  (*_T, "ema_power"), b.ancestor_span((*_T, "ema_power")))
        b.get("ema.power", (*_T, "ema_power"), 10.0, source=self.source,
              note="10: practically no warm-up")
        b.get("ema.update_after_step", (*_T, "ema_update_after_step"), 0, source=self.source)
        b.derived("ema.used_for_saving", True, "the models folder holds net_g_ema as params_ema;"
                  " the live weights go to resume_models (traiNNer/models/sr_model.py::save)")

    def _monitoring(self, b: FactBuilder) -> None:
        if b.node(("val",)) is not None:
            if b.read(("val", "val_enabled")) is True:
                _validation(b, "traiNNer-redux:train.py")
                metrics = b.read(("val", "metrics_enabled")) is True and b.has(("val", "metrics"))
                b.derived("eval.metrics", metrics, "val.metrics_enabled with val.metrics",
                          ("val", "metrics_enabled"), b.ancestor_span(("val", "metrics_enabled")))
            else:
                b.facts.set("eval_every", Unknown("val.val_enabled is not true"), "derived",
                            b.doc.path, ("val", "val_enabled"),
                            b.ancestor_span(("val", "val_enabled")),
                            "traiNNer-redux validates only with val.val_enabled")
        b.get("save_every", ("logger", "save_checkpoint_freq"), convert=_int_like)
