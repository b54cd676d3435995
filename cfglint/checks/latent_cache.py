"""CFG601: latent caching together with per-step image augmentation.

kohya (sd-scripts, and the kohya_ss GUI that runs it): ``train_network.py`` asserts
``is_latent_cacheable()``, which is false when any subset has ``color_aug`` or
``random_crop`` (``library/train_util.py``), so the run stops before training.
``flip_aug`` is fine: sd-scripts caches the flipped latents as well.
ai-toolkit: ``DatasetConfig`` turns ``cache_latents``/``cache_latents_to_disk`` off, with a
printed warning, when the dataset has ``augments`` or ``augmentations``
(``toolkit/config_modules.py``); ``random_crop`` there picks the crop once per image when
the buckets are built, so it does not conflict with caching.
"""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.edit import EditError, set_path
from cfglint.engine.context import CheckContext
from cfglint.families.base import Program
from cfglint.findings import Finding, Fix
from cfglint.source.document import Mapping, Scalar, Sequence, Span, resolve_alias


def run(ctx: CheckContext) -> Iterable[Finding]:
    if ctx.family.program is Program.SD_SCRIPTS:
        yield from _kohya(ctx)
    elif ctx.family.program is Program.AI_TOOLKIT:
        yield from _ai_toolkit(ctx)


def _kohya(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    cache = facts.get("cache_latents")
    if cache is None or cache.value is not True:
        return
    hits = []
    for name, key in (("aug.color", "color_aug"), ("aug.random_crop", "random_crop")):
        f = facts.get(name)
        if f is not None and f.value is True and f.origin == "explicit" and f.span is not None:
            hits.append((key, f))
    if not hits:
        return
    _, f0 = hits[0]
    assert f0.span is not None  # hits only holds located facts
    names = " and ".join(k for k, _ in hits)
    edits, changes = [], []
    for _, f in hits:
        if f.key is None:
            continue
        try:
            edits.append(set_path(ctx.doc, tuple(f.key), False))
            changes.append(tuple(f.key))
        except EditError:
            pass
    fix = Fix("suggest", f"turn off {names} (or turn off cache_latents and keep them)",
              edits, changes) if edits else None
    front = ctx.family.front_end
    gui = f" ({front} passes both to sd-scripts)" if front else ""
    yield ctx.finding(f0.span, f"cache_latents with {names}{gui}: sd-scripts stops before "
                      "training (assert: latents cannot be cached when color_aug or "
                      "random_crop change the image every step); choose caching or these "
                      "augmentations", tuple(f0.key or ()), fix, severity="error",
                      depends_on=tuple(tuple(f.key) for f in (cache, *(f for _, f in hits))
                                       if f.key))


def _ai_toolkit(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    base = None
    for name in ("cache_latents", "resolution"):
        f = facts.get(name)
        if f is not None and f.key and "datasets" in f.key:
            base = tuple(f.key[: list(f.key).index("datasets") + 1])
            break
    if base is None:
        return
    seq = resolve_alias(ctx.doc.find(base))
    if not isinstance(seq, Sequence):
        return
    for i, raw in enumerate(seq.items):
        ds = resolve_alias(raw)
        if not isinstance(ds, Mapping):
            continue
        caching = [k for k in ("cache_latents", "cache_latents_to_disk")
                   if isinstance(resolve_alias(ds.get(k)), Scalar)
                   and resolve_alias(ds.get(k)).value is True]  # type: ignore[union-attr]
        if not caching:
            continue
        augs = []
        for k in ("augments", "augmentations"):
            node = resolve_alias(ds.get(k))
            if isinstance(node, Sequence) and node.items:
                augs.append(k)
        if not augs:
            continue
        entry = ds.entry(caching[0])
        assert entry is not None
        span = Span(entry.key.span.start, entry.value.span.end)
        yield ctx.finding(span, f"{caching[0]} with {' and '.join(augs)} in datasets[{i}]: "
                          "ai-toolkit silently turns latent caching off for this dataset "
                          "(only a console warning), so every step runs the VAE encoder; "
                          "expect slower steps and more VRAM than a cached run",
                          (*base, i, caching[0]), depends_on=tuple((*base, i, k) for k in augs))
