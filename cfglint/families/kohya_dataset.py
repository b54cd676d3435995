"""sd-scripts ``--dataset_config`` TOML: ``[general]`` and ``[[datasets]]`` /
``[[datasets.subsets]]``, validated strictly by sd-scripts itself (voluptuous)."""

from __future__ import annotations

from typing import ClassVar

from cfglint.families.base import Family, root_mapping
from cfglint.source.document import Document

_DATASET_KEYS = frozenset({"resolution", "batch_size", "enable_bucket", "image_dir",
                           "num_repeats", "caption_extension", "keep_tokens",
                           "shuffle_caption", "min_bucket_reso", "max_bucket_reso",
                           "class_tokens", "metadata_file", "flip_aug", "color_aug"})


class KohyaDataset(Family):
    name: ClassVar[str] = "kohya-dataset"
    formats: ClassVar[tuple[str, ...]] = ("toml",)
    loader: ClassVar[str] = "sd-scripts' dataset-config loader (strict voluptuous schema)"
    schema: ClassVar[str | None] = "kohya-dataset"

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None or doc.format != "toml":
            return 0.0
        keys = set(root.keys())
        if "datasets" in keys:
            return 0.95
        if "general" in keys and keys <= {"general", "datasets"}:
            from cfglint.families.base import keys_of

            return 0.8 if keys_of(root.get("general")) & _DATASET_KEYS else 0.3
        return 0.0
