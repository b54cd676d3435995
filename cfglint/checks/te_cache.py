"""CFG602: text-encoder output caching together with caption augmentation or TE training.

kohya sd-scripts: the SDXL, Flux and SD3 LoRA scripts assert
``is_text_encoder_output_cacheable()`` (false with ``shuffle_caption``,
``caption_dropout_rate``, ``caption_tag_dropout_rate`` or ``token_warmup_step``), and
``sdxl_train_network.py`` also asserts ``network_train_unet_only`` when caching. Flux and
SD3 cache only the frozen encoders' outputs when CLIP is trained (partial cache), so TE
training is not an error there. ai-toolkit: ``cache_text_embeddings`` with
``train_text_encoder`` raises a ValueError (``SDTrainer``); token dropout is skipped and a
token shuffle frozen when embeddings are cached, while caption dropout keeps working (a blank
embedding is cached as well; ``toolkit/dataloader_mixins.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cfglint.engine.context import CheckContext
from cfglint.facts.builder import flat_index
from cfglint.facts.values import as_number
from cfglint.families.base import Program
from cfglint.findings import Finding
from cfglint.source.document import Mapping, Scalar, Sequence, Span, resolve_alias

_KOHYA_CACHE_FAMILIES = ("sdxl", "flux", "sd3")


def run(ctx: CheckContext) -> Iterable[Finding]:
    if ctx.family.program is Program.SD_SCRIPTS:
        yield from _kohya(ctx)
    elif ctx.family.program is Program.AI_TOOLKIT:
        yield from _ai_toolkit(ctx)


def _scalar(node: Any) -> Any:
    node = resolve_alias(node)
    return node.value if isinstance(node, Scalar) else None


def _kohya(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    model = facts.value("model.family", "unknown")
    if model not in _KOHYA_CACHE_FAMILIES:
        return  # train_network.py (SD 1.x/2.x) does not cache text-encoder outputs
    cache = facts.get("cache_te_outputs")
    if cache is None or cache.value is not True or not cache.key:
        return
    key = tuple(cache.key)
    entry = ctx.doc.find_entry(key)
    if entry is None:
        return
    span = Span(entry.key.span.start, entry.value.span.end)
    index = flat_index(ctx.doc)
    augs = []
    for k in ("shuffle_caption", "caption_dropout_rate", "caption_tag_dropout_rate",
                "token_warmup_step"):
        path = index.get(k)
        if path is None:
            continue
        v = _scalar(ctx.doc.find(path))
        if isinstance(v, str):  # the kohya_ss GUI stores numbers as strings
            try:
                v = float(v)
            except ValueError:
                continue
        if v is True or (as_number(v) or 0) > 0:
            augs.append(k)
    if augs:
        yield ctx.finding(span, f"cache_text_encoder_outputs with {', '.join(augs)}: "
                          f"the {model} script stops before training (assert: cached "
                          "text-encoder outputs cannot change per step); turn off the caption "
                          "augmentation or the cache", key, severity="error",
                          depends_on=tuple(index[k] for k in augs))
    te = facts.get("train_te")
    if model == "sdxl" and facts.value("method", "") != "full" and te is not None \
            and te.value is True:
        yield ctx.finding(span, "cache_text_encoder_outputs while the LoRA also trains "
                          "the text encoders: sdxl_train_network.py stops before training "
                          "(assert: network_train_unet_only is required when caching "
                          "text-encoder outputs)", key, severity="error",
                          depends_on=tuple(facts.keys_behind(["train_te"])))


def _ai_toolkit(ctx: CheckContext) -> Iterable[Finding]:
    facts = ctx.facts
    cache = facts.get("cache_te_outputs")
    datasets: list[tuple[int, Mapping]] = []
    base = None
    proc = cache.key[:3] if cache is not None and cache.key else None
    if proc is not None:
        base = (*proc, "datasets")
        seq = resolve_alias(ctx.doc.find(base))
        if isinstance(seq, Sequence):
            datasets = [(i, d) for i, raw in enumerate(seq.items)
                        if isinstance(d := resolve_alias(raw), Mapping)]
    train_cache = cache is not None and cache.value is True
    ds_cache = [i for i, d in datasets if _scalar(d.get("cache_text_embeddings")) is True]
    if not train_cache and not ds_cache:
        return
    if train_cache and cache is not None and cache.span is not None:
        span, key, where = cache.span, tuple(cache.key or ()), "train.cache_text_embeddings"
    else:
        i = ds_cache[0]
        entry = datasets[[j for j, _ in datasets].index(i)][1].entry("cache_text_embeddings")
        assert entry is not None and base is not None
        span = Span(entry.key.span.start, entry.value.span.end)
        key, where = (*base, i, "cache_text_embeddings"), f"datasets[{i}].cache_text_embeddings"
    te = facts.get("train_te")
    if te is not None and te.value is True:
        yield ctx.finding(span, f"{where} with train.train_text_encoder: ai-toolkit caches the "
                          "embeddings and unloads the text encoder, and raises a ValueError "
                          "(cannot unload a text encoder that is being trained)", key,
                          severity="error", depends_on=tuple(facts.keys_behind(["train_te"])))
    cached = set(ds_cache) | ({i for i, _ in datasets} if train_cache else set())
    for i, d in datasets:
        if i not in cached:
            continue
        # caption_dropout_rate works with the cache: ai-toolkit caches a blank (or trigger-only)
        # embedding too and swaps it in (dataloader_mixins.py::load_prompt_embedding)
        dropped = [k for k in ("token_dropout_rate",)
                   if (as_number(_scalar(d.get(k))) or 0) > 0]
        if _scalar(d.get("shuffle_tokens")) is True:
            dropped.append("shuffle_tokens")
        if dropped:
            yield ctx.finding(span, f"{where} with {', '.join(dropped)} in datasets[{i}]: "
                              "each caption is encoded once and cached, so token dropout is "
                              "skipped (ai-toolkit builds the caption without it when embeddings "
                              "are cached) and a token shuffle is frozen into the cached "
                              "embedding", key,
                              severity="warning",
                              depends_on=tuple((*base, i, k) for k in dropped)
                              if base is not None else ())
