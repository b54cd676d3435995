"""Any other training config: facts found by common key names or a user mapping; no
schema, so no unknown-key findings. The loader is unknown unless settings declare it, so
YAML typing traps are warnings rather than certainties.

Custom scripts (an SDXL trainer of one's own, Lightning/Hydra apps) name the same
quantities in a handful of ways. This adapter looks for those names as the last
component(s) of a key path and is deliberately conservative: a name found at several
places with different values gives ``Unknown`` (the rule is then not evaluated), never a
guess. Semantics that cannot be read from names (the EMA decay schedule, what EMA
weights are used for) come from the user mapping (``[tool.cfglint.mapping]``).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from cfglint.facts.builder import FactBuilder
from cfglint.facts.model import TRAINING_FACTS, Facts, Unknown
from cfglint.facts.taxonomy import model_family
from cfglint.facts.values import as_int, as_number, norm_mixed, unusable_number
from cfglint.families.base import Family
from cfglint.source.document import (
    Alias,
    Document,
    KeyPath,
    Mapping,
    Node,
    Scalar,
    Sequence,
    resolve_alias,
)
from cfglint.source.yaml_dialect import Dialect

# Any family claims a file over this; below it the file stays generic.
_FALLBACK_CONFIDENCE = 0.01


class Generic(Family):
    name: ClassVar[str] = "generic"
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    loader: ClassVar[str] = "an unknown loader (PyYAML-style YAML 1.1 assumed)"
    loader_known: ClassVar[bool] = False
    omegaconf_missing: ClassVar[bool] = True  # the loader may be OmegaConf: say less
    json_loader: ClassVar[str | None] = None
    schema: ClassVar[str | None] = None

    def detect(self, doc: Document) -> float:
        return _FALLBACK_CONFIDENCE

    def facts(self, doc: Document) -> Facts:
        if doc.format == "python":
            return Facts(self.name)  # Python code is read only as a search space
        return facts_by_name(doc, self)


Kind = Literal["num", "int", "bool", "str", "list"]

# canonical name → (value kind, key-path suffixes, lower-case)
NAMES: dict[str, tuple[Kind, tuple[tuple[str, ...], ...]]] = {
    "lr": ("num", (("learning_rate",), ("lr",), ("base_lr",), ("base_learning_rate",))),
    "lr.unet": ("num", (("unet_lr",), ("unet_learning_rate",))),
    "lr.te": ("num", (("text_encoder_lr",), ("te_lr",), ("text_encoder_learning_rate",))),
    "optimizer.name": ("str", (("optimizer",), ("optimizer_type",), ("optimizer", "name"),
                               ("optimizer", "type"), ("optim", "name"), ("optim", "optimizer"),
                               ("optimizer", "_name"), ("optim", "type"))),
    "optimizer.eps": ("num", (("adam_epsilon",), ("adam_eps",), ("optimizer", "eps"),
                              ("optim", "eps"))),
    "optimizer.weight_decay": ("num", (("weight_decay",), ("adam_weight_decay",))),
    "optimizer.betas": ("list", (("betas",), ("adam_betas",))),
    "scheduler.name": ("str", (("lr_scheduler",), ("lr_scheduler_type",), ("scheduler",),
                               ("lr_scheduler", "name"), ("lr_scheduler", "type"),
                               ("scheduler", "type"), ("lr_scheduler", "_name"),
                               ("scheduler", "name"))),
    "scheduler.num_cycles": ("num", (("lr_scheduler_num_cycles",), ("lr_num_cycles",))),
    "scheduler.power": ("num", (("lr_scheduler_power",), ("lr_power",))),
    "warmup.raw": ("num", (("warmup_steps",), ("lr_warmup_steps",), ("num_warmup_steps",),
                           ("warmup_updates",), ("warmup_iter",), ("warmup_iters",))),
    "warmup.ratio": ("num", (("warmup_ratio",), ("lr_warmup_ratio",))),
    "precision.mixed": ("str", (("mixed_precision",), ("precision",), ("amp_dtype",))),
    "ema.enabled": ("bool", (("use_ema",), ("ema", "enabled"), ("ema", "use_ema"),
                             ("ema", "store_ema"), ("store_ema",), ("ema", "enable"))),
    "ema.decay": ("num", (("ema_decay",), ("ema", "decay"), ("ema", "ema_decay"),
                          ("ema", "beta"), ("ema_beta",))),
    "ema.used_for_sampling": ("bool", (("use_ema_for_sampling",), ("use_ema_for_inference",),
                                       ("use_ema_weights_for_inference",),
                                       ("use_ema_for_validation",), ("validate_with_ema",),
                                       ("sample_with_ema",), ("ema", "use_for_sampling"))),
    "ema.update_every": ("int", (("ema_update_every",), ("ema", "update_every"),
                                 ("ema_update_interval",))),
    "batch": ("int", (("batch_size",), ("train_batch_size",), ("batch_size_per_gpu",),
                      ("per_device_train_batch_size",), ("micro_batch_size",))),
    "accum": ("int", (("gradient_accumulation_steps",), ("accumulate_grad_batches",),
                      ("grad_accum",), ("grad_accum_steps",), ("gradient_accumulation",),
                      ("accum_iter",))),
    "processes": ("int", (("num_gpus",), ("ngpus",), ("num_processes",), ("world_size",),
                          ("n_gpus",), ("num_gpu",))),
    "total_steps": ("int", (("max_train_steps",), ("num_train_steps",), ("total_steps",),
                            ("max_steps",), ("n_iters",), ("total_iter",), ("max_update",),
                            ("train_steps",), ("num_steps",))),
    "epochs": ("int", (("num_train_epochs",), ("max_epochs",), ("epochs",), ("num_epochs",),
                       ("max_train_epochs",), ("max_epoch",))),
    "steps_per_epoch": ("int", (("steps_per_epoch",),)),
    "sample_every": ("int", (("sample_every",), ("sample_every_n_steps",),
                             ("sample_interval",), ("sample_every_steps",))),
    "sample_every_epochs": ("num", (("sample_every_n_epochs",), ("sample_every_epochs",),
                                    ("validation_epochs",))),
    "eval_every": ("int", (("eval_every",), ("validation_steps",), ("eval_steps",),
                           ("eval_freq",), ("val_freq",), ("validate_every_n_steps",),
                           ("eval_interval",), ("eval_every_n_steps",))),
    "eval_every_epochs": ("num", (("check_val_every_n_epoch",), ("eval_every_n_epochs",),
                                  ("validate_every_n_epochs",))),
    "save_every": ("int", (("save_every",), ("save_steps",), ("checkpointing_steps",),
                           ("save_every_n_steps",), ("save_freq",), ("checkpoint_every",))),
    "save_every_epochs": ("num", (("save_every_n_epochs",), ("save_every_epochs",))),
    "lora.rank": ("num", (("lora_rank",), ("lora", "rank"), ("lora", "r"), ("lora_r",),
                          ("network_dim",), ("network", "rank"), ("network", "linear"))),
    "lora.alpha": ("num", (("lora_alpha",), ("lora", "alpha"), ("network_alpha",),
                           ("network", "alpha"), ("network", "linear_alpha"))),
    "method": ("str", (("training_method",), ("train_method",), ("finetune_type",),
                       ("training_type",), ("model_type",))),
    "model.name_or_path": ("str", (("pretrained_model_name_or_path",), ("base_model",),
                                   ("model_name_or_path",), ("base_model_name_or_path",),
                                   ("pretrained_model",))),
    "grad_clip.value": ("num", (("max_grad_norm",), ("grad_clip",), ("gradient_clip_val",),
                                ("clip_grad_norm",), ("clip_norm",), ("grad_clip_norm",))),
    "noise.offset": ("num", (("noise_offset",),)),
    "noise.min_snr_gamma": ("num", (("min_snr_gamma",), ("snr_gamma",))),
    "resolution": ("int", (("resolution",), ("image_size",), ("img_size",))),
    "dataset.size": ("int", (("num_images",), ("dataset_size",), ("num_train_images",),
                             ("num_train_samples",))),
    "dataset.repeats": ("int", (("num_repeats",), ("repeats",))),
    "cache_latents": ("bool", (("cache_latents",),)),
    "train_te": ("bool", (("train_text_encoder",),)),
}



def mentions_training_keys(text: str) -> bool:
    """Whether text that does not parse still names a training setting as a key (a
    ``learning_rate:`` or ``"optimizer":``): the one hint that a broken file found by a
    folder walk is a training config whose parse error is worth reporting."""
    return _TRAINING_KEY.search(text) is not None


def _training_key_regex() -> re.Pattern[str]:
    names = sorted({pat[0] for canon in TRAINING_FACTS if canon in NAMES
                    for pat in NAMES[canon][1] if len(pat) == 1})
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?im)(?:^|[\s{{,\-])[\"']?(?:{alternatives})[\"']?[ \t]*[:=]")


# Subtrees that hold no training values (Hydra's own config, defaults lists, sweeps).
_SKIP_TOP = frozenset({"hydra", "defaults"})
_SKIP_ANY = frozenset({"params", "sweeper", "launcher", "callbacks", "logger", "discriminator",
                       "optim_d", "network_d"})
_TRAINING_KEY = _training_key_regex()
_NUMERIC_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_FULL = frozenset({"full", "full_finetune", "finetune", "fine_tune", "fine-tune", "full_ft",
                   "full-finetune", "dreambooth", "full_fine_tune"})


def _kind_ok(kind: Kind, value: Any) -> bool:
    """Whether a value found by name is of the fact's kind; numbers no trainer can use
    (NaN, infinities, beyond 64 bits) are kept, so that CFG008 can point at them."""
    is_num = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "num":
        return is_num or (isinstance(value, str) and bool(_NUMERIC_TEXT.match(value.strip())))
    if kind == "int":
        return is_num and (unusable_number(value) is not None or as_int(value) is not None)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    return isinstance(value, list)


# Which leaves can match a pattern: a one-name pattern matches by the leaf's own name, a
# two-name pattern by the leaf's name and the closest key name above it (a large file has a
# million leaves, and few of them are named like a setting). A pattern of more names, should
# one be added, is matched here by its last name alone and in full by facts_by_name.
_ANY_PARENT = frozenset(pat[-1] for _, patterns in NAMES.values() for pat in patterns
                        if len(pat) != 2)
_PAIRS = frozenset((pat[0], pat[1]) for _, patterns in NAMES.values() for pat in patterns
                   if len(pat) == 2)

# A leaf found by name: its node where the tree holds it (an alias unfollowed), whose own
# key path is the leaf's; or, below an alias, the key path it is found at and that node. A
# large sweep has a hundred thousand leaves of one name: most cost nothing to keep.
_Found = Node | tuple[KeyPath, Node]

# canonical names two of whose patterns can match the same leaf (by the same last name)
_OVERLAPPING = frozenset(
    canon for canon, (_, patterns) in NAMES.items()
    if any(sum(p[-1] == pat[-1] and (len(p) != 2 or len(pat) != 2 or p == pat)
               for p in patterns) > 1 for pat in patterns))


class _Leaves:
    """The scalar leaves (and lists of scalars) some pattern may match, in document order:
    by their key name lower-cased (``by_name``, for patterns of one name or more than two),
    and by the closest key name above and their own (``by_pair``, for two-name patterns)."""

    def __init__(self, root: Node | None) -> None:
        self.by_name: dict[str, list[_Found]] = {}
        self.by_pair: dict[tuple[str | None, str], list[_Found]] = {}
        self.visit(root, None)

    def visit(self, node: Node | None, path: KeyPath | None, parent: str | None = None,
              depth: int = 0) -> None:
        """``parent`` is the closest key name above ``node``, and ``path`` its key path
        once an alias was followed (None before)."""
        resolved = resolve_alias(node)
        if resolved is not node and path is None and node is not None:
            path = node.path  # where the alias is: below it, nodes have paths elsewhere
        node = resolved
        if depth > 32:
            return
        if isinstance(node, Mapping):
            for e in node.entries:
                low = e.name.lower()
                if (depth == 0 and low in _SKIP_TOP) or low in _SKIP_ANY:
                    continue
                value = e.value
                child = resolve_alias(value) if isinstance(value, Alias) else value
                if isinstance(child, Mapping):
                    self.visit(value, None if path is None else (*path, e.name), low,
                               depth + 1)
                    continue
                if isinstance(child, Sequence):
                    leaf = bool(child.items) and all(isinstance(resolve_alias(i), Scalar)
                                                     for i in child.items)
                    if not leaf:  # a list of scalars holds nothing further down
                        self.visit(value, None if path is None else (*path, e.name), low,
                                   depth + 1)
                elif not isinstance(child, Scalar):
                    continue
                found = value if path is None else ((*path, e.name), value)
                if low in _ANY_PARENT:
                    self.by_name.setdefault(low, []).append(found)
                if (parent, low) in _PAIRS:
                    self.by_pair.setdefault((parent, low), []).append(found)
        elif isinstance(node, Sequence):
            for i, item in enumerate(node.items):
                if not isinstance(item, Scalar):
                    self.visit(item, None if path is None else (*path, i), parent, depth + 1)

    def matching(self, pat: tuple[str, ...]) -> list[_Found]:
        """The leaves whose key names end with ``pat``, in document order."""
        if len(pat) == 2:
            return self.by_pair.get((pat[0], pat[1]), [])
        found = self.by_name.get(pat[-1], [])
        return found if len(pat) == 1 else [f for f in found if _names_end(_path(f), pat)]


def _path(found: _Found) -> KeyPath:
    return found[0] if isinstance(found, tuple) else found.path


def _node(found: _Found) -> Node:
    return found[1] if isinstance(found, tuple) else found


def _names_end(path: KeyPath, pat: tuple[str, ...]) -> bool:
    """Whether the key names of ``path`` (lower-cased, list indexes left out) end with
    ``pat``."""
    names = [p.lower() for p in path if isinstance(p, str)]
    return tuple(names[-len(pat):]) == pat


def facts_by_name(doc: Document, family: Family) -> Facts:
    """Facts found by common key names anywhere in the tree (ambiguity gives Unknown)."""
    b = FactBuilder(doc, family)
    leaves = _Leaves(doc.root)
    # without duplicate keys (merge keys included) a key path leads to the one node found
    # there, and the place of a leaf is its node's
    exact = not doc.duplicates and "<<" not in doc.text
    for canon, (kind, patterns) in NAMES.items():
        places = _places(leaves, patterns, exact and canon not in _OVERLAPPING)
        if exact:
            places.sort(key=lambda f: _node(f).start)
        else:
            places.sort(key=lambda f: _order(doc, _path(f)))
        found, count = _values(b, kind, places, exact)
        if not found:
            continue
        if count:
            note = "found by name" + (f" at {count} places" if count > 1 else "")
            b.explicit(canon, found[0][0], found[0][1], note=note)
        else:
            at = b.node(found[0][0])
            where = "; ".join(f"{'.'.join(str(p) for p in pth)} = {v!r}" for pth, v in found[:4])
            b.facts.set(canon, Unknown(f"{canon} is ambiguous: {where}"), "explicit", doc.path,
                        found[0][0], None if at is None else at.span, where)
    _normalise(b)
    return b.facts


def _places(leaves: _Leaves, patterns: tuple[tuple[str, ...], ...],
            distinct: bool) -> list[_Found]:
    """The leaves some pattern matches, each key path once (``distinct``: no two patterns
    can match one leaf, and no two leaves have one key path), by pattern and then in
    document order."""
    places: list[_Found] = []
    seen: set[KeyPath] = set()
    for pat in patterns:
        for found in leaves.matching(pat):
            if not distinct:
                path = _path(found)
                if path in seen:
                    continue
                seen.add(path)
            places.append(found)
    return places


def _values(b: FactBuilder, kind: Kind, places: list[_Found], exact: bool
            ) -> tuple[list[tuple[KeyPath, Any]], int]:
    """The first four values of the fact's kind at ``places`` (in document order), and how
    many there are when all are the same (0 when two differ: then no more are read once
    four are found, since an ambiguous fact names four places and a sweep has thousands)."""
    found: list[tuple[KeyPath, Any]] = []
    first: str | None = None
    differ = False
    count = 0
    for place in places:
        value = b.value_of(resolve_alias(_node(place))) if exact else b.read(_path(place))
        if kind == "num" and isinstance(value, list) and len(value) == 1:
            value = value[0]  # fairseq: lr: [1e-05]
        if not _kind_ok(kind, value):
            continue
        if len(found) < 4:
            found.append((_path(place), value))
        count += 1
        if first is None:
            first = repr(value)
        elif not differ:
            differ = repr(value) != first
        if differ and count >= 4:
            break
    return found, 0 if differ else count


def _order(doc: Document, path: KeyPath) -> int:
    node = doc.find(path)
    return node.span.start if node is not None else 0


def _normalise(b: FactBuilder) -> None:
    """Canonical spellings and the semantics names imply."""
    f = b.facts
    m = f.get("method")
    if m is not None and isinstance(m.value, str):
        low = m.value.lower()
        m.value = "full" if low in _FULL else low
    o = f.get("optimizer.name")
    if o is not None and isinstance(o.value, str):
        o.value = o.value.lower()
    s = f.get("scheduler.name")
    if s is not None and isinstance(s.value, str):
        s.value = s.value.lower()
    p = f.get("precision.mixed")
    if p is not None:
        mixed = norm_mixed(p.value)
        if mixed is not None:
            p.value = mixed
    ratio = f.get("warmup.ratio")
    if "warmup.raw" in f:
        b.derived("warmup.unit", "steps", "a *_steps warmup key counts steps")
    elif ratio is not None and as_number(ratio.value) is not None:
        f.set("warmup.raw", ratio.value, ratio.origin, ratio.file, ratio.key, ratio.span)
        b.derived("warmup.unit", "ratio", "warmup_ratio is a share of the total steps")
    if "ema.decay" in f and "ema.schedule" not in f:
        b.derived("ema.schedule", "constant", "assumed: a custom EMA with a constant decay "
                  "(set ema.schedule in the mapping if it warms up)")
    if "lora.rank" in f and "method" not in f:
        b.derived("method", "lora", "LoRA rank keys present")
    name = f.get("model.name_or_path")
    if name is not None and isinstance(name.value, str) and "model.family" not in f:
        fam = model_family(name.value)
        if fam != "unknown":
            f.set("model.family", fam, "derived", name.file, name.key, name.span,
                  f"from the model name {name.value!r}")
