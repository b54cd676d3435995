"""Score-Entropy Discrete Diffusion (louaaron/Score-Entropy-Discrete-Diffusion and forks):
Hydra YAML whose ``training``/``noise``/``graph``/``optim`` blocks drive ``run_train.py``.
Upstream loads through Hydra/OmegaConf (``1e-4`` is a float); the protein_lig_sedd fork
uses ``yaml.safe_load``, which is why its files write ``!!float "5e-5"``.

Upstream semantics: ``training.batch_size`` is the GLOBAL
batch, split as ``batch_size // (ngpus × accum)`` per GPU (``SEDD:data.py`` raises
unless divisible); the EMA (``SEDD:model/ema.py``) warms its decay up as
``min(d, (1+k)/(10+k))`` and is copied in for snapshot samples (``SEDD:run_train.py``)
and the eval loss (``SEDD:losses.py``); ``optim.grad_clip >= 0`` clips, so 0 zeroes
every gradient (``SEDD:losses.py::optimization_manager``); ``optim.warmup`` is a
linear warmup with no decay after it. The fork hard-codes a warmup-cosine schedule
over ``training.n_iters`` and adds ``curriculum.*``.
"""

from __future__ import annotations

from typing import ClassVar

from cfglint.facts.builder import MISSING, FactBuilder
from cfglint.facts.model import Facts
from cfglint.facts.values import as_int
from cfglint.families.base import Family, ProbeDefaults, Program, child, keys_of, root_mapping
from cfglint.repo.declare import Dispatch, ForkPoints
from cfglint.source.document import Document, KeyPath, Mapping, Scalar, Sequence, resolve_alias
from cfglint.source.yaml_dialect import Dialect

SRC = "SEDD:configs/config.yaml"
FORK = "protein_lig_sedd:run_train_uniref50_optimized.py"
_TOP = frozenset({"ngpus", "training", "noise", "graph", "optim", "eval", "sampling", "model",
                  "data", "tokens", "curriculum", "lr_schedule", "memory", "work_dir"})
_TRAINING = frozenset({"batch_size", "accum", "n_iters", "snapshot_freq", "log_freq",
                       "eval_freq", "snapshot_freq_for_preemption", "weight", "snapshot_sampling",
                       "ema"})
_MODEL = frozenset({"hidden_size", "cond_dim", "length", "n_blocks", "n_heads",
                    "scale_by_sigma", "dropout"})
_FORK_SECTIONS = ("curriculum", "lr_schedule", "memory")  # protein_lig_sedd's own sections
_UPSTREAM = "louaaron/Score-Entropy-Discrete-Diffusion"
# values upstream's code picks by name, which forks extend with branches and classes
FORKS = ForkPoints("SEDD", dispatches=(
    Dispatch("noise schedule", ("noise.type",), functions=("get_noise",),
             lookup=f"{_UPSTREAM}:noise_lib.py, get_noise raises ValueError"),
    Dispatch("graph", ("graph.type",), functions=("get_graph",),
             lookup=f"{_UPSTREAM}:graph_lib.py, get_graph raises ValueError"),
    Dispatch("predictor", ("sampling.predictor",), decorators=("register_predictor",),
             lookup=f"{_UPSTREAM}:sampling.py, get_predictor raises KeyError"),
    Dispatch("optimizer", ("optim.optimizer",), functions=("get_optimizer",),
             lookup=f"{_UPSTREAM}:losses.py, get_optimizer raises NotImplementedError"),
))
# Keys upstream reads by attribute on every run, before or at the first step, per section
# and the file that reads them. Hydra hands train.py the config in struct mode, so a key
# missing there raises ConfigAttributeError and the run stops.
_READ_AT_START: dict[str, tuple[str, frozenset[str]]] = {
    "optim": ("losses.py", frozenset({"optimizer", "lr", "beta1", "beta2", "eps",
                                      "weight_decay", "warmup", "grad_clip"})),
    "training": ("run_train.py", frozenset({"batch_size", "accum", "n_iters", "ema",
                                            "snapshot_freq", "log_freq", "eval_freq",
                                            "snapshot_freq_for_preemption",
                                            "snapshot_sampling"})),
    "data": ("data.py", frozenset({"train", "valid", "cache_dir"})),
    "eval": ("data.py", frozenset({"batch_size"})),
    "graph": ("graph_lib.py", frozenset({"type"})),
    "noise": ("noise_lib.py", frozenset({"type"})),
}


class Sedd(Family):
    name: ClassVar[str] = "sedd"
    program: ClassVar[Program] = Program.SEDD
    formats: ClassVar[tuple[str, ...]] = ("yaml",)
    hydra_sweeps: ClassVar[bool] = True
    omegaconf_missing: ClassVar[bool] = True
    refines: ClassVar[str | None] = "hydra"
    yaml_dialect: ClassVar[Dialect] = "yaml11-float"
    loader: ClassVar[str] = "Hydra/OmegaConf"
    schema: ClassVar[str | None] = "sedd"
    forks: ClassVar[ForkPoints | None] = FORKS
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(
        lr=3e-4, grad_clip=-1.0, clip_semantics="norm_zero_zeroes", ema_enabled=True,
        ema_decay=0.9999, ema_schedule="torch_ema", objective="score_entropy", surrogate="sedd")

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None:
            return 0.0
        return min(_run_score(root) + _model_group_score(root), 1.0)

    def group_option_only(self, doc: Document) -> bool:
        """A bare model group file (``configs/model/small.yaml``): MDLM and other apps built
        on SEDD's DDiT keep the same file, read by their own code."""
        root = root_mapping(doc)
        return root is not None and _run_score(root) == 0.0 and _model_group_score(root) > 0

    def missing_key_fatal(self, doc: Document, section: KeyPath, key: str) -> str | None:
        """Upstream's struct-mode reads, in a file that is not the fork's (which loads
        with yaml.safe_load) and whose defaults list takes no group for that section
        (which could set the key)."""
        root = root_mapping(doc)
        if root is None or len(section) != 1 or not isinstance(section[0], str):
            return None
        name = section[0]
        source, keys = _READ_AT_START.get(name, ("", frozenset()))
        if key not in keys or any(root.get(s) is not None for s in _FORK_SECTIONS):
            return None
        if name in _default_groups(root):
            return None
        return (f"reading the missing `{name}.{key}` ({_UPSTREAM}:{source}) stops the run at "
                "start, because Hydra composes the config in struct mode")

    def facts(self, doc: Document) -> Facts:
        b = FactBuilder(doc, self)
        fork = _identity(b)
        _optimizer(b)
        _schedule(b, fork)
        _batch(b)
        _precision(b)
        _ema(b)
        _monitoring(b)
        _noise(b)
        _curriculum(b)
        return b.facts


def _run_score(root: Mapping) -> float:
    """Evidence of a run config: SEDD's training, noise and graph sections."""
    keys = set(root.keys())
    score = 0.0
    if keys_of(root.get("training")) & _TRAINING >= {"n_iters"} or len(
            keys_of(root.get("training")) & _TRAINING) >= 3:
        score += 0.5
    noise_type = child(root, "noise", "type")
    if isinstance(noise_type, Scalar) and noise_type.value in ("loglinear", "geometric"):
        score += 0.3
    graph_type = child(root, "graph", "type")
    if isinstance(graph_type, Scalar) and graph_type.value in ("absorb", "uniform"):
        score += 0.3
    if len(keys & _TOP) >= 4:
        score += 0.1
    return score


def _model_group_score(root: Mapping) -> float:
    """Evidence of a model group file: the DDiT's sizes at the top level."""
    keys = set(root.keys())
    model_type = root.get("type")
    if len(keys & _MODEL) >= 4 and (
        (isinstance(model_type, Scalar) and model_type.value == "ddit")
        or "scale_by_sigma" in keys
    ):
        return 0.7
    return 0.0


def _default_groups(root: Mapping) -> set[str]:
    """Config groups the defaults list selects (``- optim: adamw``, ``- override /x@y: z``)."""
    out: set[str] = set()
    defaults = resolve_alias(root.get("defaults"))
    for raw in defaults.items if isinstance(defaults, Sequence) else []:
        item = resolve_alias(raw)
        for key in item.keys() if isinstance(item, Mapping) else []:
            group = key.split()[-1].lstrip("/").split("@")[0]
            out.add(group.split("/")[0])
    return out


def _identity(b: FactBuilder) -> bool:
    fork = any(b.node((k,)) is not None for k in _FORK_SECTIONS)
    b.derived("sedd.variant", "protein_lig_sedd" if fork else "upstream",
              "curriculum/lr_schedule/memory sections: the protein_lig_sedd fork (yaml.safe_load, "
              "no Hydra)" if fork else "upstream SEDD layout (Hydra)")
    b.derived("model.family", "sedd", "score-entropy discrete diffusion")
    b.derived("model.prediction", "score_entropy", "SEDD score-entropy loss")
    b.derived("method", "full", "SEDD trains the whole model")
    if b.has(("model", "name")):
        b.explicit("model.arch", ("model", "name"))
    return fork


def _optimizer(b: FactBuilder) -> None:
    b.get("lr", ("optim", "lr"), 3e-4, source=SRC)
    b.get("optimizer.name", ("optim", "optimizer"), "adamw", convert=lambda v: str(v).lower(),
          source=SRC, note="Adam or AdamW (case-sensitive in losses.get_optimizer)")
    b.derived("optimizer.is_8bit", False, "torch Adam/AdamW")
    b.derived("optimizer.is_adaptive", False, "torch Adam/AdamW")
    b.get("optimizer.eps", ("optim", "eps"), 1e-8, source=SRC)
    b.get("optimizer.weight_decay", ("optim", "weight_decay"), 0, source=SRC)
    b1 = b.read(("optim", "beta1"))
    b2 = b.read(("optim", "beta2"))
    betas = [0.9 if b1 is MISSING else b1, 0.999 if b2 is MISSING else b2]
    if b1 is not MISSING or b2 is not MISSING:
        b.explicit("optimizer.betas", ("optim", "beta2") if b2 is not MISSING else
                   ("optim", "beta1"), betas)
    else:
        b.default("optimizer.betas", betas, ("optim", "beta1"), f"trainer default ({SRC})")
    b.derived("optimizer.state_dtype", "fp32", "fp32 parameters and Adam state")


def _schedule(b: FactBuilder, fork: bool) -> None:
    if fork:
        b.derived("scheduler.name", "cosine", f"{FORK}: hard-coded WarmupCosineLR over "
                  "training.n_iters; lr_schedule.* is not read")
    else:
        b.derived("scheduler.name", "constant_with_warmup", "SEDD:losses.py: "
                  "lr·min(step/warmup, 1), no decay")
    b.get("warmup.raw", ("optim", "warmup"), 2500, source=SRC)
    b.derived("warmup.unit", "steps", "optim.warmup counts optimizer steps; <= 0 disables")
    b.get("total_steps", ("training", "n_iters"), 1300001, source=SRC)
    if fork and b.has(("training", "epochs")):
        b.explicit("epochs", ("training", "epochs"))


def _batch(b: FactBuilder) -> None:
    tb = b.get("sedd.train_batch", ("training", "batch_size"), 512, source=SRC)
    eb = b.get("sedd.eval_batch", ("eval", "batch_size"), 512, source=SRC)
    ng = b.get("sedd.ngpus", ("ngpus",), 8, source=SRC)
    ac = b.get("sedd.accum", ("training", "accum"), 1, source=SRC)
    del eb
    for src, dst in (("sedd.ngpus", "processes"), ("sedd.accum", "accum")):
        fact = b.fact(src)
        if fact is not None:
            b.facts.set(dst, fact.value, fact.origin, fact.file, fact.key, fact.span, fact.note)
    tbi, ngi, aci = as_int(tb), as_int(ng), as_int(ac)
    if tbi is not None and ngi and aci and ngi > 0 and aci > 0:
        tfact = b.fact("sedd.train_batch")
        assert tfact is not None
        b.derived("batch", tbi // (ngi * aci), f"per-GPU micro-batch = {tbi} global // "
                  f"({ngi} GPUs × {aci} accum) (SEDD:data.py)", tfact.key, tfact.span)
        b.derived("effective_batch", tbi, "training.batch_size is the global batch",
                  tfact.key, tfact.span)


def _precision(b: FactBuilder) -> None:
    b.derived("precision.mixed", "bf16", "bf16 autocast is hard-coded in the model")
    b.derived("precision.train_dtype", "fp32", "fp32 parameters")
    b.derived("precision.grad_scaler", True, "SEDD:run_train.py always builds a GradScaler")
    b.get("grad_clip.value", ("optim", "grad_clip"), 1.0, source=SRC)
    b.derived("grad_clip.semantics", "norm_zero_zeroes",
              "clip_grad_norm_ when grad_clip >= 0: 0 zeroes every gradient, < 0 disables")


def _ema(b: FactBuilder) -> None:
    b.derived("ema.enabled", True, "SEDD always keeps an EMA", ("training", "ema"),
              b.ancestor_span(("training", "ema")))
    b.get("ema.decay", ("training", "ema"), 0.9999, source=SRC)
    b.derived("ema.schedule", "torch_ema", "SEDD:model/ema.py: min(decay, (1+k)/(10+k))")
    b.derived("ema.used_for_sampling", True, "snapshot samples and the eval loss use "
              "ema.copy_to (SEDD:run_train.py, SEDD:losses.py)")
    b.derived("ema.used_for_saving", False, "checkpoints hold both the model and the EMA state")
    b.derived("ema.update_every", 1, "one EMA update per optimizer step")


def _monitoring(b: FactBuilder) -> None:
    snap = b.read(("training", "snapshot_sampling"))
    if snap is not False:
        b.get("sample_every", ("training", "snapshot_freq"), 50000, source=SRC)
    b.get("eval_every", ("training", "eval_freq"), 100, source=SRC)
    b.get("save_every", ("training", "snapshot_freq"), 50000, source=SRC)


def _noise(b: FactBuilder) -> None:
    b.get("noise.type", ("noise", "type"), "loglinear", source=SRC)
    b.get("noise.sigma_min", ("noise", "sigma_min"))
    b.get("noise.sigma_max", ("noise", "sigma_max"))


def _curriculum(b: FactBuilder) -> None:
    if b.node(("curriculum",)) is not None:
        b.get("curriculum.enabled", ("curriculum", "enabled"), False, source=FORK)
        b.get("curriculum.preschool_time", ("curriculum", "preschool_time"), 5000, source=FORK)
        b.get("curriculum.difficulty_ramp", ("curriculum", "difficulty_ramp"), "exponential",
              source=FORK)
