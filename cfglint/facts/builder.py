"""Shared machinery for the family fact adapters.

``FactBuilder`` reads native keys with the trainer's own view of scalars
(``Family.value``: YAML 1.1 for PyYAML-loaded trainers, OmegaConf typing for Hydra,
exact TOML/JSON values) and records each canonical fact with its provenance:
``explicit`` (native key path and the value's span), ``default`` (the key the trainer
would read and the span of its closest existing ancestor) or ``derived`` (a note
with the arithmetic). ``derive_common`` then computes the trainer-neutral derived
facts (rules.md §2.1) from the canonical ones, so a user mapping feeds the same
derivations as a family adapter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from cfglint.facts import formulas as derived
from cfglint.facts.model import Fact, Facts, Unknown
from cfglint.families import get_family
from cfglint.source.document import (
    Document,
    ExpansionLimit,
    KeyPath,
    Node,
    Scalar,
    Span,
    resolve_alias,
    to_python,
)

_MISSING: Any = object()


class FactBuilder:
    """Reads one Document for one family and collects its Facts."""

    def __init__(self, doc: Document, family: str) -> None:
        self.doc = doc
        self.family = get_family(family)
        self.facts = Facts(family)
        self._nodes: dict[KeyPath, Node | None] = {}

    # --- reading ---------------------------------------------------------------------
    def view(self, scalar: Scalar) -> Any:
        return self.family.value(scalar, self.doc.format)

    def node(self, path: KeyPath) -> Node | None:
        if path not in self._nodes:
            self._nodes[path] = resolve_alias(self.doc.find(path))
        return self._nodes[path]

    def read(self, path: KeyPath) -> Any:
        """The trainer's value at ``path``; ``_MISSING`` when absent or null (loaders and
        ``kwargs.get(k) or default`` treat an explicit null as "use the default")."""
        node = self.node(path)
        if node is None:
            return _MISSING
        if isinstance(node, Scalar):
            value = self.view(node)
        else:
            try:
                value = to_python(node, budget=20_000, view=self.view)
            except ExpansionLimit:
                return _MISSING
        return _MISSING if value is None else value

    def has(self, path: KeyPath) -> bool:
        return self.read(path) is not _MISSING

    def ancestor_span(self, path: KeyPath) -> Span | None:
        """Span of the key of the closest existing ancestor of ``path`` (None at the root)."""
        for cut in range(len(path), 0, -1):
            prefix = path[:cut]
            entry = self.doc.find_entry(prefix)
            if entry is not None:
                return entry.key.span
            node = self.doc.find(prefix)
            if node is not None:
                return node.span
        return None

    # --- recording -------------------------------------------------------------------
    def explicit(self, name: str, path: KeyPath, value: Any = _MISSING, note: str = "") -> Any:
        """Record the value at ``path`` (or ``value``, a coerced form of it) as explicit."""
        raw = self.read(path)
        if raw is _MISSING:
            return _MISSING
        node = self.node(path)
        assert node is not None
        use = raw if value is _MISSING else value
        self.facts.set(name, use, "explicit", self.doc.path, path, node.span, note)
        return use

    def default(self, name: str, value: Any, path: KeyPath, note: str = "") -> Any:
        self.facts.set(name, value, "default", self.doc.path, path, self.ancestor_span(path),
                       note)
        return value

    def derived(self, name: str, value: Any, note: str, key: KeyPath | None = None,
                span: Span | None = None) -> Any:
        self.facts.set(name, value, "derived", self.doc.path, key, span, note)
        return value

    def get(self, name: str, path: KeyPath, default: Any = _MISSING,
            convert: Callable[[Any], Any] | None = None, source: str = "",
            note: str = "") -> Any:
        """Explicit value at ``path`` (converted), else the trainer ``default`` from
        ``source``; returns the value or ``_MISSING`` when neither exists."""
        raw = self.read(path)
        if raw is not _MISSING:
            return self.explicit(name, path, convert(raw) if convert else raw, note)
        if default is _MISSING:
            return _MISSING
        dnote = f"trainer default ({source})" if source else "trainer default"
        return self.default(name, default, path, f"{dnote}. {note}".strip(". ") if note else dnote)

    def first(self, name: str, paths: Iterable[KeyPath], default: Any = _MISSING,
              default_path: KeyPath | None = None, convert: Callable[[Any], Any] | None = None,
              source: str = "") -> Any:
        """The first of several alias keys that is set, else the default."""
        plist = list(paths)
        for p in plist:
            if self.has(p):
                return self.get(name, p, convert=convert)
        if default is _MISSING:
            return _MISSING
        return self.get(name, default_path or plist[0], default, source=source)

    def value(self, name: str) -> Any:
        """A recorded fact's value or ``_MISSING`` (Unknown counts as missing)."""
        fact = self.facts.get(name)
        if fact is None or isinstance(fact.value, Unknown):
            return _MISSING
        return fact.value

    def fact(self, name: str) -> Fact | None:
        return self.facts.get(name)


MISSING = _MISSING


# --- value helpers -------------------------------------------------------------------------
def as_number(value: Any) -> float | int | None:
    """A real number (not a bool), else None: a YAML 1.1 string such as ``"1e-4"`` stays
    a string to the trainer and is *not* converted here."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def as_int(value: Any) -> int | None:
    n = as_number(value)
    if n is None:
        return None
    return int(n) if float(n).is_integer() else None


def as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def gui_float(value: Any, fallback: Any = 0.0) -> Any:
    """kohya_ss GUI ``float()`` coercion: strings that parse become floats, others the
    fallback (``kohya_ss:kohya_gui/common_gui.py``, the GH #3455 comment)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return fallback
    return value


def gui_int(value: Any, fallback: Any = 0) -> Any:
    """kohya_ss GUI ``int()`` coercion (a float string such as ``"1.0"`` does not parse)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return fallback
    return value


_DTYPES = {
    "fp32": "fp32", "float32": "fp32", "float": "fp32", "single": "fp32", "full": "fp32",
    "32": "fp32", "no": "fp32",
    "fp16": "fp16", "float16": "fp16", "half": "fp16", "16": "fp16", "16-mixed": "fp16",
    "bf16": "bf16", "bfloat16": "bf16", "bf16-mixed": "bf16",
    "8bit": "8bit", "fp8": "fp8", "float8": "fp8", "e4m3fn": "fp8",
}


def norm_dtype(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return _DTYPES.get(value.strip().lower().replace("torch.", ""))


def norm_mixed(value: Any) -> str | None:
    """accelerate ``mixed_precision`` spelling: ``no``/``fp16``/``bf16``."""
    if isinstance(value, bool):
        return "fp16" if value else "no"
    d = norm_dtype(value)
    if d in ("fp16", "bf16"):
        return d
    if d == "fp32":
        return "no"
    return None


# --- optimizers --------------------------------------------------------------------------
_EIGHT_BIT = re.compile(r"8bit|8_bit|_8$|adamw?8$|bnb\.|bitsandbytes")
_ADAPTIVE = ("prodigy", "dadapt", "automagic")
_ADAM_FAMILY = re.compile(r"adam|prodigy|lamb|ademamix")


def optimizer_is_8bit(name: str) -> bool:
    """bitsandbytes 8-bit state (AdamW8bit, Lion8bit, PagedAdamW8bit, prodigy8bit, ...)."""
    return bool(_EIGHT_BIT.search(name.lower()))


def optimizer_is_adaptive(name: str, args: dict[str, Any] | None = None,
                          adafactor_relative_default: bool = False) -> bool:
    """The optimizer sets the step size: Prodigy, D-Adaptation, automagic, and Adafactor
    with ``relative_step`` (whose default depends on the trainer)."""
    low = name.lower()
    if any(low.startswith(p) or f".{p}" in low for p in _ADAPTIVE):
        return True
    if "adafactor" in low:
        rel = (args or {}).get("relative_step", adafactor_relative_default)
        return bool(rel) if isinstance(rel, bool) else adafactor_relative_default
    return False


def optimizer_is_adam(name: str) -> bool:
    return bool(_ADAM_FAMILY.search(name.lower()))


def parse_scalar_text(text: str) -> Any:
    """``True``/``1e-4``/``0.9,0.99``/``(0.9, 0.99)`` from ``key=value`` optimizer args, the
    way sd-scripts' ``ast.literal_eval`` sees them (without evaluating anything)."""
    t = text.strip()
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    inner = t.strip("()[]")
    if "," in inner:
        parts = [parse_scalar_text(p) for p in inner.split(",") if p.strip()]
        return parts
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return t.strip("'\"")


def parse_kv_args(value: Any) -> dict[str, Any] | None:
    """sd-scripts ``optimizer_args``/``network_args`` (a list of ``"k=v"``) or the kohya_ss
    GUI's single space-separated string, as a dict."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    items: list[str]
    if isinstance(value, str):
        items = value.split()
    elif isinstance(value, list):
        items = [str(v) for v in value]
    else:
        return None
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            continue
        k, _, v = item.partition("=")
        out[k.strip()] = parse_scalar_text(v)
    return out


# --- model family --------------------------------------------------------------------------
_FAMILY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("wan22", r"wan[-_ .]?2[._]?2"),
    ("wan21", r"wan[-_ .]?2[._]?1|\bwan\b|wan_?i2v|wan_?t2v"),
    ("hunyuan_video", r"hunyuan[-_ ]?video"),
    ("lumina2", r"lumina"),
    ("qwen_image", r"qwen[-_]?image"),
    ("hidream", r"hidream"),
    ("omnigen2", r"omnigen"),
    ("chroma", r"chroma"),
    ("pixart", r"pixart"),
    ("auraflow", r"aura[-_]?flow"),
    ("flux", r"flux|flex[12]|\bkontext\b"),
    ("sd3", r"sd3|sd[-_]3|stable[-_]diffusion[-_]3"),
    ("sdxl", r"sdxl|sd[-_]xl|stable[-_]diffusion[-_]xl|\bxl\b|[-_]xl[-_.]|pony|illustrious|"
             r"animagine|noobai|playground[-_]v2"),
    ("sd2", r"\bsd2|sd[-_]2|stable[-_]diffusion[-_]2|v2[-_]1|768[-_]v"),
    ("sd15", r"sd1|sd[-_]1|stable[-_]diffusion[-_]v?1|v1[-_]5|runwayml"),
)
_COMPILED = tuple((fam, re.compile(pat)) for fam, pat in _FAMILY_PATTERNS)


def model_family(*hints: Any) -> str:
    """Model family from architecture names and model paths (first hint that names one).

    ``model_family("wan22_14b")`` → ``wan22``; ``"stabilityai/stable-diffusion-xl-base-1.0"``
    → ``sdxl``; ``"black-forest-labs/FLUX.1-dev"`` → ``flux``; nothing recognisable →
    ``unknown``. Hints are tried in order, so pass the most specific (arch) first.
    """
    for hint in hints:
        if not isinstance(hint, str) or not hint:
            continue
        low = hint.lower()
        for fam, rx in _COMPILED:
            if rx.search(low):
                return fam
    return "unknown"


FLOW_FAMILIES = frozenset({"flux", "sd3", "wan21", "wan22", "hunyuan_video", "lumina2", "chroma",
                           "qwen_image", "hidream", "omnigen2", "auraflow"})


def prediction_for(family: str) -> str | None:
    """Default training objective of a model family (flow matching vs epsilon)."""
    if family in FLOW_FAMILIES:
        return "flow"
    if family in ("sd15", "sdxl", "pixart"):
        return "epsilon"
    return None


# --- derived facts -------------------------------------------------------------------------
def _num(facts: Facts, name: str) -> float | int | None:
    fact = facts.get(name)
    return None if fact is None else as_number(fact.value)


def _loc(facts: Facts, name: str) -> tuple[KeyPath | None, Span | None]:
    fact = facts.get(name)
    return (None, None) if fact is None else (fact.key, fact.span)


def _set_derived(facts: Facts, name: str, value: Any, note: str, like: str | None = None) -> None:
    key, span = _loc(facts, like) if like else (None, None)
    file = ""
    if like and facts.get(like) is not None:
        file = facts.items[like].file
    facts.set(name, value, "derived", file, key, span, note)


def _fmt(x: float | int) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def derive_common(facts: Facts) -> Facts:
    """Fill the trainer-neutral derived facts that are still missing (rules.md §2.1)."""
    _derive_batch(facts)
    _derive_steps(facts)
    _derive_warmup(facts)
    _derive_lora(facts)
    _derive_ema(facts)
    return facts


def _derive_batch(facts: Facts) -> None:
    batch = as_int(_num(facts, "batch"))
    if "effective_batch" in facts or batch is None or batch <= 0:
        return
    accum = as_int(_num(facts, "accum")) or 1
    procs = as_int(_num(facts, "processes"))
    note_p = "" if procs is not None else " (process count unknown: 1 assumed)"
    try:
        eb = derived.effective_batch(batch, max(accum, 1), procs or 1)
    except ValueError:
        return
    _set_derived(facts, "effective_batch", eb,
                 f"effective_batch = {batch} batch × {accum} accum × {procs or 1} processes"
                 f"{note_p}", like="batch")


def _derive_steps(facts: Facts) -> None:
    if "steps_per_epoch" not in facts:
        size = as_int(_num(facts, "dataset.size"))
        batch = as_int(_num(facts, "batch"))
        if size and batch and size > 0 and batch > 0:
            accum = as_int(_num(facts, "accum")) or 1
            procs = as_int(_num(facts, "processes")) or 1
            repeats = as_int(_num(facts, "dataset.repeats")) or 1
            try:
                spe = derived.steps_per_epoch(size, batch, accum, procs, repeats)
            except ValueError:
                spe = None
            if spe is not None:
                _set_derived(facts, "steps_per_epoch", spe,
                             f"steps_per_epoch = ⌈⌈{size} samples × {repeats} repeats / {batch} "
                             f"batch⌉ / {procs} processes / {accum} accum⌉ = {spe}",
                             like="dataset.size")
    spe = as_int(_num(facts, "steps_per_epoch"))
    epochs = as_int(_num(facts, "epochs"))
    if "total_steps" not in facts and epochs is not None and spe is not None:
        _set_derived(facts, "total_steps", epochs * spe,
                     f"total_steps_opt = {epochs} epochs × {spe} optimizer steps/epoch",
                     like="epochs")
    for every in ("sample_every", "eval_every", "save_every"):
        per_epoch = as_number(_num(facts, f"{every}_epochs"))
        if every not in facts and per_epoch is not None and spe is not None and per_epoch > 0:
            _set_derived(facts, every, int(per_epoch * spe),
                         f"{every} = {_fmt(per_epoch)} epochs × {spe} optimizer steps/epoch",
                         like=f"{every}_epochs")


def _derive_warmup(facts: Facts) -> None:
    if "warmup.steps" in facts:
        return
    raw = _num(facts, "warmup.raw")
    unit = facts.value("warmup.unit", "steps")
    override = as_int(_num(facts, "warmup.override"))
    if raw is None and override is None:
        return
    total = as_int(_num(facts, "total_steps"))
    per_opt = as_int(_num(facts, "scheduler.steps_per_opt")) or 1
    try:
        steps = derived.warmup_steps_opt(raw, unit, total, override=override,
                                         scheduler_steps_per_opt=per_opt)
    except ValueError as err:
        facts.set("warmup.steps", Unknown(str(err)), "derived", note=str(err))
        return
    parts = []
    if override is not None and override > 0:
        parts.append(f"warmup override {override} steps wins over {_fmt(raw or 0)} {unit}")
    elif unit == "ratio":
        parts.append(f"warmup = int({_fmt(raw or 0)} × {total} total steps) = {steps}")
    elif unit == "percent":
        parts.append(f"warmup = round({_fmt(raw or 0)} % × {total} total steps) = {steps}")
    else:
        parts.append(f"warmup = {_fmt(raw or 0)} steps" + (" (≤ 0: none)" if (raw or 0) <= 0
                                                           else ""))
    if per_opt > 1:
        parts.append(f"the scheduler steps {per_opt}× per optimizer step, so the warmup lasts "
                     f"{steps} optimizer steps")
    _set_derived(facts, "warmup.steps", steps, "; ".join(parts),
                 like="warmup.override" if override else "warmup.raw")


_LORA_METHODS = frozenset({"lora", "locon", "lokr", "loha", "dora", "lycoris", "ia3", "oft",
                           "glora", "diag-oft", "boft", "lora_fa", "lorm"})


# LyCORIS' documented "full matrix" trick sets network_dim to a huge value (e.g. 100000)
_FULL_DIM_RANK = 10000


def _derive_lora(facts: Facts) -> None:
    method = facts.value("method", "")
    rank = _num(facts, "lora.rank")
    alpha = _num(facts, "lora.alpha")
    rs = facts.value("lora.rank_stabilized", False) is True
    is_lora = isinstance(method, str) and method.lower() in _LORA_METHODS
    if ("lora_scale" not in facts and is_lora and rank is not None and rank >= _FULL_DIM_RANK
            and method.lower() in ("lokr", "loha", "lycoris", "glora")):
        facts.set("lora_scale", Unknown("a rank this large is LyCORIS' full-dimension mode"),
                  "derived", note=f"rank {_fmt(rank)} ≥ {_FULL_DIM_RANK}: LyCORIS full-dimension "
                  "mode, whose scale is not α/r")
    if "lora_scale" not in facts and is_lora and rank is not None and alpha is not None:
        try:
            scale = derived.lora_scale(float(alpha), float(rank), rs)
        except ValueError:
            scale = None
        if scale is not None:
            how = f"{_fmt(alpha)} / √{_fmt(rank)}" if rs else f"{_fmt(alpha)} / {_fmt(rank)}"
            _set_derived(facts, "lora_scale", scale, f"lora_scale = α/r = {how} = {scale:g}",
                         like="lora.alpha")
    if facts.value("optimizer.is_adaptive", False) is True:
        for name in ("effective_lr", "effective_lr.unet", "effective_lr.te"):
            if name not in facts:
                facts.set(name, Unknown("the optimizer sets the step size (adaptive)"),
                          "derived", note="undefined for Prodigy/D-Adaptation/automagic")
        return
    scale = _num(facts, "lora_scale")
    if is_lora and scale is None:
        return  # an adapter with unknown rank/alpha: no effective LR
    for src, dst in (("lr", "effective_lr"), ("lr.unet", "effective_lr.unet"),
                     ("lr.te", "effective_lr.te")):
        lr = _num(facts, src)
        if dst in facts or lr is None:
            continue
        val = derived.effective_lr(float(lr), None if scale is None else float(scale))
        note = (f"{dst} = {src} {_fmt(lr)} × lora_scale {_fmt(scale)} = {val:.3g}"
                if scale is not None else f"{dst} = {src} {_fmt(lr)} (full fine-tune)")
        _set_derived(facts, dst, val, note, like=src)


def _derive_ema(facts: Facts) -> None:
    decay = _num(facts, "ema.decay")
    if decay is not None and 0.0 < decay < 1.0:
        if "ema_half_life" not in facts:
            hl = derived.ema_half_life(float(decay))
            _set_derived(facts, "ema_half_life", hl,
                         f"ema_half_life = ln 2 / −ln {_fmt(decay)} = {hl:.0f} updates",
                         like="ema.decay")
        if "ema_mean_lag" not in facts:
            lag = derived.ema_mean_lag(float(decay))
            _set_derived(facts, "ema_mean_lag", lag,
                         f"ema_mean_lag = d/(1−d) = {lag:.0f} updates", like="ema.decay")
    if "first_eval_step" not in facts:
        streams: list[tuple[str, int]] = []
        for name in ("sample_every", "eval_every"):
            v = as_int(_num(facts, name))
            if v is not None and v > 0:
                streams.append((name, v))
        if facts.value("ema.used_for_saving", False) is True:
            v = as_int(_num(facts, "save_every"))
            if v is not None and v > 0:
                streams.append(("save_every", v))
        start = as_int(_num(facts, "sample_start")) or 0
        first = derived.first_eval_step(*(v for _, v in streams), start=start)
        if first is not None:
            which = min(streams, key=lambda s: derived.first_step_at(s[1], start) or 0)[0]
            _set_derived(facts, "first_eval_step", first,
                         "first_eval_step = min over " +
                         ", ".join(f"{n} {v}" for n, v in streams) +
                         (f" from step {start}" if start else "") + f" = {first}", like=which)
    first = as_int(_num(facts, "first_eval_step"))
    schedule = facts.value("ema.schedule", "constant")
    if ("ema.init_share_at_first_eval" not in facts and decay is not None and first is not None
            and schedule in ("constant", "torch_ema", "diffusers") and 0.0 <= decay <= 1.0):
        share = derived.ema_init_share(first, float(decay), schedule)
        formula = {"constant": f"{_fmt(decay)}^{first}",
                   "torch_ema": f"Π_k min({_fmt(decay)}, (1+k)/(10+k)), k=1..{first}",
                   "diffusers": f"Π_k clip((1+s)/(10+s)), k=1..{first}"}[schedule]
        _set_derived(facts, "ema.init_share_at_first_eval", share,
                     f"ema_init_share({first}) = {formula} = {share:.4g}", like="first_eval_step")


def path_from_dotted(text: str) -> KeyPath:
    """``a.b[0].c`` → ``("a", "b", 0, "c")`` (the notation of ``format_path``)."""
    out: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", text):
        if part.startswith("["):
            out.append(int(part[1:-1]))
        else:
            out.append(part)
    return tuple(out)
