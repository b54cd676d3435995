"""The registry of trainer families (one module per trainer) and content detection.

Precedence: a ``yaml-language-server`` modeline or ``$schema`` key naming a
cfglint schema, then ``--family``, then settings' family globs, then content.
"""

from __future__ import annotations

import re
from functools import cache

from cfglint.families.ai_toolkit import AiToolkit
from cfglint.families.base import Family, root_mapping
from cfglint.families.basicsr import BasicSR
from cfglint.families.generic import Generic
from cfglint.families.hydra import Hydra
from cfglint.families.kohya import Kohya
from cfglint.families.kohya_dataset import KohyaDataset
from cfglint.families.kohya_gui import KohyaGui
from cfglint.families.sedd import Sedd
from cfglint.families.trainner import TraiNNer
from cfglint.source.document import Document, Scalar

FAMILY_CLASSES: tuple[type[Family], ...] = (
    AiToolkit, Kohya, KohyaDataset, KohyaGui, Sedd, Hydra, BasicSR, TraiNNer, Generic,
)
FAMILY_NAMES: tuple[str, ...] = tuple(c.name for c in FAMILY_CLASSES)

_MODELINE = re.compile(r"^\s*#\s*yaml-language-server\s*:\s*\$schema=(\S+)", re.MULTILINE)
_SCHEMA_NAME = re.compile(r"cfglint.*?([A-Za-z-]+)\.schema\.json$|^cfglint:([A-Za-z-]+)$")
# Detection below this confidence falls back to generic.
THRESHOLD = 0.35


@cache
def get_family(name: str) -> Family:
    for cls in FAMILY_CLASSES:
        if cls.name == name:
            return cls()
    raise KeyError(f"unknown family {name!r}; known: {', '.join(FAMILY_NAMES)}")


def family_from_schema_ref(ref: str) -> str | None:
    """Family named by a cfglint schema URL or path (…/cfglint/…/kohya.schema.json)."""
    m = _SCHEMA_NAME.search(ref.strip().strip("'\""))
    if not m:
        return None
    name = m.group(1) or m.group(2)
    for fam in FAMILY_NAMES:
        if fam.lower() == name.lower():
            return fam
    return None


def declared_family(doc: Document) -> str | None:
    """A modeline or ``$schema`` key that names a cfglint schema wins over everything."""
    for m in _MODELINE.finditer(doc.text[:8192]):
        fam = family_from_schema_ref(m.group(1))
        if fam:
            return fam
    root = root_mapping(doc)
    if root is not None:
        ref = root.get("$schema")
        if isinstance(ref, Scalar) and isinstance(ref.value, str):
            return family_from_schema_ref(ref.value)
    return None


def detect_scores(doc: Document) -> dict[str, float]:
    scores: dict[str, float] = {}
    for cls in FAMILY_CLASSES:
        fam = get_family(cls.name)
        if doc.format not in fam.formats:
            continue
        scores[fam.name] = fam.detect(doc)
    return scores


def detect_family(doc: Document, override: str | None = None) -> str:
    declared = declared_family(doc)
    if declared:
        return declared
    if override:
        return override
    if doc.root is None:
        return "generic"
    scores = detect_scores(doc)
    best = max(scores.items(), key=lambda kv: kv[1], default=("generic", 0.0))
    if best[1] >= THRESHOLD:
        return best[0]
    if doc.format == "yaml" and doc.path and doc.path != "-":
        return _family_of_primary(doc.path)
    return "generic"


def _family_of_primary(path: str) -> str:
    from cfglint.families.hydra_groups import HYDRA_OWN_GROUP, primary_for_group_file

    found = primary_for_group_file(path)
    if found is None:
        return "generic"
    if found[1] == HYDRA_OWN_GROUP:
        return "hydra"
    return _primary_family(*found)


@cache
def _primary_family(primary_path: str, text: str) -> str:
    """Family of a primary config, once per primary however many group files it selects."""
    from cfglint.source.yaml_reader import read_yaml

    primary = read_yaml(primary_path, text)
    fam = "generic"
    if primary.root is not None:
        scores = detect_scores(primary)
        name, score = max(scores.items(), key=lambda kv: kv[1])
        fam = name if score >= THRESHOLD else "generic"
    return fam if fam in ("hydra", "sedd") else "hydra"
