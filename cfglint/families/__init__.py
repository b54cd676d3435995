"""The registry of trainer families (one module per trainer) and content detection.

Precedence: a ``yaml-language-server`` modeline or ``$schema`` key naming a
cfglint schema, then ``--family``, then settings' family globs, then content.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from cfglint.families.ai_toolkit import AiToolkit
from cfglint.families.base import CLAIM, MARGIN, Family, root_mapping
from cfglint.families.basicsr import BasicSR
from cfglint.families.diffusion_pipe import DiffusionPipe
from cfglint.families.generic import Generic
from cfglint.families.hydra import Hydra
from cfglint.families.kohya import Kohya
from cfglint.families.kohya_dataset import KohyaDataset
from cfglint.families.kohya_gui import KohyaGui
from cfglint.families.musubi_tuner import MusubiTuner
from cfglint.families.onetrainer import OneTrainer
from cfglint.families.optuna import Optuna
from cfglint.families.ray_tune import RayTune
from cfglint.families.sedd import Sedd
from cfglint.families.simpletuner import SimpleTuner
from cfglint.families.trainner import TraiNNer
from cfglint.families.wandb_sweep import WandbSweep
from cfglint.source.document import Document, Scalar

__all__ = ["FAMILY_CLASSES", "FAMILY_NAMES", "Detection", "claim", "declared_family", "detect",
           "detect_family", "get_family"]

FAMILY_CLASSES: tuple[type[Family], ...] = (
    AiToolkit, Kohya, KohyaDataset, KohyaGui, Sedd, Hydra, BasicSR, TraiNNer,
    DiffusionPipe, MusubiTuner, OneTrainer, SimpleTuner, Optuna, RayTune, WandbSweep,
    Generic,  # last: it claims what no other family does
)
FAMILY_NAMES: tuple[str, ...] = tuple(c.name for c in FAMILY_CLASSES)

_MODELINE = re.compile(r"^\s*#\s*yaml-language-server\s*:\s*\$schema=(\S+)", re.MULTILINE)
# a cfglint schema by name: its `$id` (urn:cfglint:schema:kohya), the short cfglint:kohya, or
# a file or URL whose last part is <family>.schema.json (what `cfglint schema -o` writes;
# an older modeline's http(s) address of a schema file too)
_SCHEMA_NAME = re.compile(r"^(?:urn:)?cfglint:(?:schema:)?([A-Za-z-]+)$"
                          r"|(?:^|[/\\])([A-Za-z-]+)\.schema\.json$")


@cache
def get_family(name: str) -> Family:
    for cls in FAMILY_CLASSES:
        if cls.name == name:
            return cls()
    raise KeyError(f"unknown family {name!r}; known: {', '.join(FAMILY_NAMES)}")


def family_from_schema_ref(ref: str) -> str | None:
    """Family named by a cfglint schema: ``urn:cfglint:schema:kohya``, or a path or URL
    ending in ``kohya.schema.json`` (a family's schema or one of its file kinds, such as
    diffusion-pipe-dataset). ``generic`` has no schema, so it is never named."""
    m = _SCHEMA_NAME.search(ref.strip().strip("'\"").split("#", 1)[0].split("?", 1)[0])
    if not m:
        return None
    name = (m.group(1) or m.group(2)).lower()
    for cls in FAMILY_CLASSES:
        if cls.schema is None:
            continue  # a family without a schema (generic) is never named by one
        if name in (n.lower() for n in (cls.name, cls.schema, *cls.other_schemas) if n):
            return cls.name
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


class Detection(NamedTuple):
    """Which family reads a file, and how cfglint knows (shown by ``cfglint facts``)."""

    family: str
    how: str  # declared | override | content | primary | unknown | ambiguous
    candidates: tuple[str, ...] = ()

    @property
    def guessed(self) -> bool:
        """No trainer could be named: the file is linted as ``generic``."""
        return self.how in ("unknown", "ambiguous")

    def describe(self) -> str:
        """How cfglint knows, in words (``cfglint facts``)."""
        if self.how == "declared":
            return "named by a schema modeline or `$schema` key in the file"
        if self.how == "override":
            return "named by --family or settings (`family`, `families`)"
        if self.how == "content":
            return "recognised by its keys and shape"
        if self.how == "primary":
            return "a config group file of a Hydra primary config of this trainer"
        if self.how == "ambiguous":
            return (f"it matches {' and '.join(self.candidates)} about equally, so it is read "
                    "as generic: facts by common key names")
        return "no trainer recognised, so it is read as generic: facts by common key names"


def claim(scores: dict[str, float]) -> Detection:
    """The family with positive evidence that outweighs every rival's, else generic.

    A family that claims a file hides the family it refines (a SEDD file is also a Hydra
    file, a traiNNer-redux file also a BasicSR one): the more specific one is the trainer.
    """
    claiming = {n: s for n, s in scores.items() if s >= CLAIM}
    refined = {get_family(n).refines for n in claiming}
    ranked = sorted(((n, s) for n, s in claiming.items() if n not in refined),
                    key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return Detection("generic", "unknown")
    (best, score), rivals = ranked[0], ranked[1:]
    close = [n for n, s in rivals if score - s < MARGIN]
    if close:
        return Detection("generic", "ambiguous", (best, *close))
    return Detection(best, "content")


def detect(doc: Document, override: str | None = None) -> Detection:
    declared = declared_family(doc)
    if declared:
        return Detection(declared, "declared")
    if override:
        return Detection(override, "override")
    if doc.root is None:
        return Detection("generic", "unknown")
    found = claim(detect_scores(doc))
    on_disk = doc.format == "yaml" and bool(doc.path) and doc.path != "-"
    if on_disk and (found.how == "unknown" or (
            found.how == "content" and get_family(found.family).group_option_only(doc))):
        primary = _family_of_primary(doc.path)
        if primary != "generic":
            return Detection(primary, "primary")
    return found


def detect_family(doc: Document, override: str | None = None) -> str:
    return detect(doc, override).family


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
        fam = claim(detect_scores(primary)).family
    return fam if fam in ("hydra", "sedd") else "hydra"
