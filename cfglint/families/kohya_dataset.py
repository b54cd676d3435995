"""sd-scripts ``--dataset_config`` TOML: ``[general]`` and ``[[datasets]]`` /
``[[datasets.subsets]]``, validated strictly by sd-scripts itself (voluptuous,
``sd-scripts:library/config_util.py``)."""

from __future__ import annotations

from typing import Any, ClassVar

from cfglint.facts.builder import MISSING, FactBuilder
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.values import as_bool, as_number, parse_resolution
from cfglint.families.base import CERTAIN, Family, Program, keys_of, root_mapping
from cfglint.families.musubi_tuner import is_dataset_config
from cfglint.source.document import Document, KeyPath, Sequence, resolve_alias

_DATASET_KEYS = frozenset({"resolution", "batch_size", "enable_bucket", "image_dir",
                           "num_repeats", "caption_extension", "keep_tokens",
                           "shuffle_caption", "min_bucket_reso", "max_bucket_reso",
                           "class_tokens", "metadata_file", "flip_aug", "color_aug"})


class KohyaDataset(Family):
    name: ClassVar[str] = "kohya-dataset"
    program: ClassVar[Program] = Program.SD_SCRIPTS
    formats: ClassVar[tuple[str, ...]] = ("toml",)
    loader: ClassVar[str] = "sd-scripts' dataset-config loader (strict voluptuous schema)"
    schema: ClassVar[str | None] = "kohya-dataset"

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None or doc.format != "toml":
            return 0.0
        keys = set(root.keys())
        if is_dataset_config(root):
            return 0.0  # musubi-tuner's dataset config: no subsets, keys sd-scripts rejects
        if "datasets" in keys:
            return CERTAIN
        if "general" in keys and keys <= {"general", "datasets"}:
            return 0.8 if keys_of(root.get("general")) & _DATASET_KEYS else 0.3
        return 0.0

    def facts(self, doc: Document) -> Facts:
        return dataset_facts(doc, self)


_DS_BOOL = (("aug.flip", "flip_aug"), ("aug.color", "color_aug"),
            ("aug.random_crop", "random_crop"), ("aug.caption_shuffle", "shuffle_caption"))


def dataset_facts(doc: Document, family: Family) -> Facts:
    """What a ``--dataset_config`` contributes when read alone: batch, resolution, repeats
    and the per-step augmentations (``sd-scripts:library/config_util.py``; [general]
    values ascend into every dataset and subset unless overridden)."""
    b = FactBuilder(doc, family)
    general: KeyPath = ("general",)
    datasets = resolve_alias(doc.find(("datasets",)))
    ds_paths: list[KeyPath] = []
    if isinstance(datasets, Sequence):
        ds_paths = [("datasets", i) for i in range(len(datasets.items))]
    subset_paths: list[KeyPath] = []
    for d in ds_paths:
        subs = resolve_alias(doc.find((*d, "subsets")))
        if isinstance(subs, Sequence):
            subset_paths += [(*d, "subsets", j) for j in range(len(subs.items))]

    def pick(name: str, key: str, scopes: list[KeyPath], conv: Any = None) -> None:
        """One value for ``key`` across ``scopes`` (else [general]); Unknown if they differ."""
        found: list[tuple[KeyPath, Any]] = []
        for s in scopes:
            v = b.read((*s, key))
            if v is not MISSING:
                found.append(((*s, key), conv(v) if conv else v))
        if not found:
            v = b.read((*general, key))
            if v is not MISSING:
                b.explicit(name, (*general, key), conv(v) if conv else v)
            return
        values = {repr(v) for _, v in found}
        if len(values) == 1 and (len(found) == len(scopes) or not b.has((*general, key))):
            b.explicit(name, found[0][0], found[0][1])
        else:
            b.facts.set(name, Unknown(f"{key} differs across datasets"), "explicit", doc.path,
                        found[0][0], b.node(found[0][0]).span,  # type: ignore[union-attr]
                        "values: " + ", ".join(sorted(values)))

    pick("batch", "batch_size", ds_paths)
    pick("resolution", "resolution", ds_paths, parse_resolution)
    pick("dataset.repeats", "num_repeats", subset_paths)
    for name, key in _DS_BOOL:
        hits = [(*s, key) for s in [general, *ds_paths, *subset_paths]
                if as_bool(b.read((*s, key))) is True]
        if hits:
            b.explicit(name, hits[0], True, note=f"{len(hits)} scope(s) enable {key}")
    rates = [((*s, "caption_dropout_rate"), as_number(b.read((*s, "caption_dropout_rate"))))
             for s in [general, *ds_paths, *subset_paths]]
    pos = [(p, r) for p, r in rates if r is not None and r > 0]
    if pos:
        b.explicit("aug.caption_dropout", pos[0][0], pos[0][1])
    if "batch" not in b.facts and ds_paths:
        b.default("batch", 1, ds_paths[0] + ("batch_size",),
                  "trainer default (train_batch_size of the --config_file, 1)")
    return b.facts
