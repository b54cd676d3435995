"""XPixelGroup/BasicSR and Real-ESRGAN option YAML, read with PyYAML's full Loader
(YAML 1.1): ``lr: 1e-4`` reaches the optimizer as a string, hence the ``!!float 1e-4``
idiom in BasicSR's own files.

Semantics: ``train.ema_decay > 0`` creates ``net_g_ema``, which validation uses and which
is saved as ``params_ema`` next to ``params`` (``BasicSR:basicsr/models/sr_model.py``); the
decay is constant (``BasicSR:basicsr/models/base_model.py::model_ema``); validation runs
every ``val.val_freq`` iterations over the ``datasets.val*`` loaders, so without one it
never runs (``BasicSR:basicsr/train.py``); ``train.warmup_iter`` is a linear warmup, ``-1``
none (``base_model.update_learning_rate``); ``train.total_iter`` optimizer iterations;
``datasets.train.batch_size_per_gpu`` × world size is the global batch.
"""

from __future__ import annotations

from typing import ClassVar

from cfglint.facts.builder import MISSING, FactBuilder
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import optimizer_is_adam
from cfglint.facts.values import as_int, as_number
from cfglint.families.base import Family, ProbeDefaults, Program, child, keys_of, root_mapping
from cfglint.repo.declare import ForkPoints, NameRegistry, OpenRegistry
from cfglint.source.document import Document, KeyPath, Mapping
from cfglint.source.yaml_dialect import Dialect

SRC_B = "BasicSR:basicsr/models/base_model.py"
_UP = "XPixelGroup/BasicSR:basicsr"

# Each registry's folder imports every file of the form shown (``scandir`` + import_module
# in its __init__), and projects built on BasicSR (Real-ESRGAN:realesrgan/archs/__init__.py)
# register their own classes the same way, some in a registry of their own named like
# BasicSR's (PL_ARCH_REGISTRY). Registry.get(name) also tries name + "_basicsr".
REGISTRIES: tuple[OpenRegistry, ...] = (
    NameRegistry("model", ("model_type",), ("*MODEL_REGISTRY",),
                 f"build_model ({_UP}/models/__init__.py)", "*_model.py",
                 fallback_suffix="basicsr"),
    NameRegistry("architecture", ("network_*.type",), ("*ARCH_REGISTRY",),
                 f"build_network ({_UP}/archs/__init__.py)", "*_arch.py", kwargs=True,
                 fallback_suffix="basicsr"),
    NameRegistry("loss", ("train.*_opt.type",), ("*LOSS_REGISTRY",),
                 f"build_loss ({_UP}/losses/__init__.py)", "*_loss.py", kwargs=True,
                 fallback_suffix="basicsr"),
    NameRegistry("dataset", ("datasets.*.type",), ("*DATASET_REGISTRY",),
                 f"build_dataset ({_UP}/data/__init__.py)", "*_dataset.py",
                 fallback_suffix="basicsr"),
)
_T: KeyPath = ("train",)
_D: KeyPath = ("datasets", "train")

SR_TOP = frozenset({"name", "model_type", "scale", "num_gpu", "manual_seed", "datasets",
                    "network_g", "network_d", "path", "train", "val", "logger", "dist_params"})
# Keys that exist only in traiNNer-redux's options (keys/traiNNer-redux.json).
TRAINNER_ONLY_TOP = frozenset({
    "amp_bf16", "use_amp", "use_channels_last", "use_compile", "compile_mode", "fast_matmul",
    "detect_anomaly", "deterministic", "high_order_degradations_debug", "input_pixel_format",
    "output_pixel_format", "switch_iter_per_epoch", "network_ae", "network_g_teacher", "onnx",
    "watch", "start_iter", "lq_usm", "thicklines_prob", "dataroot_lq_prob", "contents",
})
TRAINNER_ONLY_TRAIN = frozenset({"grad_clip", "grad_clip_max_norm", "losses", "ema_power",
                                 "ema_switch_iter", "ema_update_after_step", "use_moa",
                                 "moa_augs", "moa_probs", "adaptive_d", "eco", "optim_ae"})


def sr_score(doc: Document) -> float:
    root = root_mapping(doc)
    if root is None:
        return 0.0
    keys = set(root.keys())
    if not keys & {"network_g", "model_type"}:
        return 0.0
    score = 0.0
    if "network_g" in keys:
        score += 0.5
    if keys_of(child(root, "train")) & {"optim_g", "total_iter", "scheduler", "pixel_opt"}:
        score += 0.3
    if keys_of(child(root, "datasets")) & {"train", "val", "test", "test_1", "val_1"}:
        score += 0.1
    score += 0.05 * len(keys & SR_TOP)
    return min(score, 1.0)


def trainner_markers(doc: Document) -> int:
    root = root_mapping(doc)
    if root is None:
        return 0
    return len(set(root.keys()) & TRAINNER_ONLY_TOP) + len(
        keys_of(child(root, "train")) & TRAINNER_ONLY_TRAIN)


class BasicSR(Family):
    name: ClassVar[str] = "basicsr"
    program: ClassVar[Program] = Program.BASICSR
    formats: ClassVar[tuple[str, ...]] = ("yaml",)
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    loader: ClassVar[str] = "BasicSR's PyYAML loader (YAML 1.1)"
    schema: ClassVar[str | None] = "basicsr"
    registries: ClassVar[tuple[OpenRegistry, ...]] = REGISTRIES
    # projects built on BasicSR change its classes' arguments (a loss of their own that takes
    # one more keyword): checked against the repository's class, or weighed against the file
    forks: ClassVar[ForkPoints | None] = ForkPoints("BasicSR")
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(
        lr=1e-4, optimizer="adam", objective="l1", surrogate="sr")
    # where the defaults below come from
    source: ClassVar[str] = SRC_B

    def detect(self, doc: Document) -> float:
        score = sr_score(doc)
        return score * (0.6 if trainner_markers(doc) else 1.0)

    def facts(self, doc: Document) -> Facts:
        b = FactBuilder(doc, self)
        b.derived("model.family", "sr", "image restoration / super-resolution")
        b.derived("method", "full", "the networks are trained in full")
        b.get("model.arch", ("network_g", "type"))
        _optimizer(b)
        self._schedule(b)
        self._batch(b)
        self._precision(b)
        self._ema(b)
        self._monitoring(b)
        return b.facts

    def _schedule(self, b: FactBuilder) -> None:
        S = (*_T, "scheduler")
        b.get("scheduler.name", (*S, "type"), convert=lambda v: str(v).lower())
        b.get("scheduler.milestones", (*S, "milestones"))
        b.get("scheduler.periods", (*S, "periods"))
        b.get("warmup.raw", (*_T, "warmup_iter"), -1, source=self.source)
        b.derived("warmup.unit", "steps", "warmup_iter counts iterations; -1 = none")
        b.get("total_steps", (*_T, "total_iter"), convert=_int_like)

    def _batch(self, b: FactBuilder) -> None:
        b.get("batch", (*_D, "batch_size_per_gpu"))
        b.derived("accum", 1, "BasicSR has no gradient accumulation")
        _processes(b)
        b.get("resolution", (*_D, "gt_size"))

    def _precision(self, b: FactBuilder) -> None:
        b.derived("precision.mixed", "no", "BasicSR has no autocast or GradScaler")
        b.derived("grad_clip.semantics", "disabled", "BasicSR does not clip gradients")
        b.derived("precision.train_dtype", "fp32", "fp32 parameters")

    def _ema(self, b: FactBuilder) -> None:
        decay = b.get("ema.decay", (*_T, "ema_decay"), 0, source=self.source)
        d = as_number(decay)
        ema_fact = b.fact("ema.decay")
        assert ema_fact is not None
        b.derived("ema.enabled", d is not None and d > 0, "ema_decay > 0 creates net_g_ema",
                  ema_fact.key, ema_fact.span)
        b.derived("ema.schedule", "constant", f"{self.source}: constant decay")
        b.derived("ema.used_for_sampling", True, "validation runs net_g_ema when it exists "
                  "(BasicSR:basicsr/models/sr_model.py)")
        b.derived("ema.used_for_saving", False, "checkpoints hold params and params_ema side by "
                  "side (BasicSR:basicsr/models/sr_model.py::save)")
        b.derived("ema.update_every", 1, "one EMA update per iteration")

    def _monitoring(self, b: FactBuilder) -> None:
        if b.node(("val",)) is not None and not _phases(b, "test"):
            _validation(b, "BasicSR:basicsr/train.py",
                        loaderless=b.read(("model_type",)) in _LOADERLESS_VALIDATION)
        b.get("save_every", ("logger", "save_checkpoint_freq"), convert=_int_like)


def _optimizer(b: FactBuilder) -> None:
    OPT = (*_T, "optim_g")
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


def _processes(b: FactBuilder) -> None:
    ng = b.read(("num_gpu",))
    if as_int(ng) is not None:
        b.explicit("processes", ("num_gpu",))
    elif ng is not MISSING:
        b.facts.set("processes", Unknown(f"num_gpu is {ng!r} (decided at launch)"), "explicit",
                    b.doc.path, ("num_gpu",), b.node(("num_gpu",)).span)  # type: ignore[union-attr]


def _phases(b: FactBuilder, phase: str) -> list[str]:
    """The ``datasets`` entries of one phase: ``val``, ``val_1``, ... (BasicSR and traiNNer
    take the part before the first ``_``)."""
    node = b.node(("datasets",))
    if not isinstance(node, Mapping):
        return []
    return [k for k in node.keys() if str(k).split("_")[0] == phase]


# models whose validation samples without data and asserts that it gets no loader
# (BasicSR:basicsr/models/stylegan2_model.py): adding a val dataset would fail that assert
_LOADERLESS_VALIDATION = frozenset({"StyleGAN2Model"})


def _validation(b: FactBuilder, src: str, loaderless: bool = False) -> None:
    """The configured validation interval, and ``eval_every`` only when a validation
    dataset exists: the training loop validates over the ``datasets.val*`` loaders.
    ``eval.dataset_count`` is left out for a model whose validation takes no loader."""
    vals = _phases(b, "val")
    if not loaderless:
        b.derived("eval.dataset_count", len(vals), "datasets.val* entries: " + (
            ", ".join(vals) or "none"), ("datasets",), b.ancestor_span(("datasets",)))
    b.get("eval.configured_every", ("val", "val_freq"), convert=_int_like)
    if vals:
        b.get("eval_every", ("val", "val_freq"), convert=_int_like)
    elif b.node(("val", "val_freq")) is not None:
        where: KeyPath = ("val", "val_freq")
        b.facts.set("eval_every", Unknown("no datasets.val* entry: validation never runs"),
                    "derived", b.doc.path, where, b.ancestor_span(where),
                    f"the loop validates over the datasets.val* loaders ({src})")


def _int_like(value: object) -> object:
    """``!!float 5e3`` → 5000: BasicSR applies ``int()`` to iteration counts."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
