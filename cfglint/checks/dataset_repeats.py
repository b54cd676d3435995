"""CFG603: a kohya folder name (``5_cat``) as ``image_dir`` of a dataset-config subset with
no ``num_repeats``.

Without ``--dataset_config``, sd-scripts builds one subset per sub-folder of
``train_data_dir`` and reads the repeats and class tokens from the folder name
(``config_util.generate_dreambooth_subsets_config_by_subdirs``). A dataset config lists its
subsets itself, and each takes ``num_repeats`` from the subset, its dataset or
``[general]``, else 1 (``DreamBoothSubsetParams``); the folder name is never parsed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cfglint.edit import EditError, insert_key
from cfglint.engine.context import CheckContext
from cfglint.findings import Finding, Fix
from cfglint.source.document import KeyPath, Mapping, Scalar, Sequence, Span, resolve_alias

_REPEATS_DIR = re.compile(r"^(\d+)_(.*)$")


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path.rstrip("\\/"))[-1]


def run(ctx: CheckContext) -> Iterable[Finding]:
    doc = ctx.doc
    general = resolve_alias(doc.find(("general",)))
    if isinstance(general, Mapping) and "num_repeats" in general.keys():
        return
    datasets = resolve_alias(doc.find(("datasets",)))
    if not isinstance(datasets, Sequence):
        return
    for i, raw in enumerate(datasets.items):
        dataset = resolve_alias(raw)
        if not isinstance(dataset, Mapping) or "num_repeats" in dataset.keys():
            continue
        subsets = resolve_alias(dataset.get("subsets"))
        if not isinstance(subsets, Sequence):
            continue
        for j, sub_raw in enumerate(subsets.items):
            subset = resolve_alias(sub_raw)
            if isinstance(subset, Mapping):
                yield from _subset(ctx, subset, ("datasets", i, "subsets", j))


def _subset(ctx: CheckContext, subset: Mapping, path: KeyPath) -> Iterable[Finding]:
    if "num_repeats" in subset.keys() or "metadata_file" in subset.keys():
        return  # fine-tuning subsets are read from metadata, not from folders
    node = resolve_alias(subset.get("image_dir"))
    entry = subset.entry("image_dir")
    if not isinstance(node, Scalar) or not isinstance(node.value, str) or entry is None:
        return
    m = _REPEATS_DIR.match(_basename(node.value))
    if m is None or int(m.group(1)) < 1:
        return
    repeats, tokens = int(m.group(1)), m.group(2)
    fix = None
    try:
        fix = Fix("suggest", f"num_repeats = {repeats}, as the folder name says",
                  [insert_key(ctx.doc, subset, "num_repeats", repeats)],
                  [(*path, "num_repeats")])
    except EditError:
        fix = None
    cls = " and class_tokens" if "class_tokens" not in subset.keys() else ""
    yield ctx.finding(
        Span(entry.key.span.start, entry.value.span.end),
        f"image_dir {_basename(node.value)!r} is named like a kohya folder with {repeats} "
        f"repeats{f' of {tokens!r}' if tokens and cls else ''}, but in a dataset config "
        f"sd-scripts takes num_repeats{cls} from the config, not from the folder name: "
        f"this subset is repeated once per epoch, not {repeats} times; set num_repeats = "
        f"{repeats} here (and check the step count)", (*path, "image_dir"), fix)
