"""What a trainer is to cfglint: how to recognise its files, how its loader types values,
which schema checks it, how its native keys map to canonical facts, how it writes an
optimizer argument, and the defaults the probe falls back on.

Each trainer is one module in this package with one ``Family`` subclass; checks and the
probe ask that object, never compare family names.
"""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple

from cfglint.facts.model import Facts, Unusable
from cfglint.repo.declare import ForkPoints, OpenRegistry
from cfglint.source.document import (
    Document,
    KeyPath,
    Mapping,
    Node,
    Scalar,
    resolve_alias,
    to_python,
)
from cfglint.source.yaml_dialect import Dialect

if TYPE_CHECKING:
    from cfglint.space.model import Space

# How a trainer writes several optimizer keyword arguments in one value:
# ``kv-list`` ["k=v", ...] (sd-scripts), ``kv-string`` "k=v k=v" (kohya_ss GUI),
# ``mapping`` {k: v} (ai-toolkit ``optimizer_params``).
ArgNotation = Literal["kv-list", "kv-string", "mapping"]


# Detection confidences, the one place they are named and explained. A detector returns
# a confidence in [0, 1]; the registry claims a file for the best family only on
# positive evidence: at least CLAIM, and at least MARGIN above every other family that
# is not a refinement of it (SEDD files are Hydra files with SEDD's own sections). Anything
# else is `generic`, with an info finding that says how to name the trainer.
SHARED = 0.2  # keys several trainers read (learning_rate, output_dir): never enough alone
CLAIM = 0.35  # the least a detector must report to claim a file
LIKELY = 0.5  # keys only this trainer reads, a few of them
STRONG = 0.7  # the trainer's own file shape (its sections, its own key names)
CERTAIN = 0.95  # a shape no other trainer writes
MARGIN = 0.15  # how far the best family must lead every rival
# A file most of whose keys the trainer does not read is written for another program (a
# fork's own script, a converter that writes the trainer's file): at least this share of
# its keys must be the trainer's own options for the trainer to claim it.
MOSTLY_KNOWN = 0.5


class Program(Enum):
    """The program that reads a family's files. Checks whose logic follows one trainer's
    code dispatch on it: kohya and kohya-gui files are both run by sd-scripts."""

    UNKNOWN = "an unknown trainer"
    SD_SCRIPTS = "sd-scripts"
    AI_TOOLKIT = "ai-toolkit"
    SEDD = "SEDD"
    HYDRA = "Hydra"
    BASICSR = "BasicSR"
    TRAINNER = "traiNNer-redux"
    DIFFUSION_PIPE = "diffusion-pipe"
    MUSUBI_TUNER = "musubi-tuner"
    ONETRAINER = "OneTrainer"
    SIMPLETUNER = "SimpleTuner"


class ProbeDefaults(NamedTuple):
    """What the probe assumes when a fact is missing, per trainer."""

    lr: float = 1e-4
    optimizer: str = "adamw"
    total_steps: int = 1000
    grad_clip: float = 1.0
    clip_semantics: str = "norm"
    ema_enabled: bool = False
    ema_decay: float = 0.999
    ema_schedule: str = "constant"
    objective: str | None = None  # the training objective when the model family gives none
    surrogate: str | None = None  # the surrogate model when the model family gives none


class Family:
    name: ClassVar[str] = "generic"
    program: ClassVar[Program] = Program.UNKNOWN
    # a family whose files this one's are a special case of (SEDD refines Hydra)
    refines: ClassVar[str | None] = None
    formats: ClassVar[tuple[str, ...]] = ("yaml", "toml", "json")
    # How the trainer's YAML loader types plain scalars.
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    # Human description of the loader, used in messages about typing.
    loader: ClassVar[str] = "an unknown loader"
    # False where cfglint does not know the loader: settings `yaml-loader` may then say it
    loader_known: ClassVar[bool] = True
    # The trainer's JSON parser, when it is a strict one: JSONC comments and trailing
    # commas are then errors (CFG001). None: the loader is unknown, JSONC is read as such.
    json_loader: ClassVar[str | None] = "Python's json.load"
    schema: ClassVar[str | None] = None
    # schemas ``schema_for`` picks besides ``schema`` (a trainer with a second file kind)
    other_schemas: ClassVar[tuple[str, ...]] = ()
    arg_notation: ClassVar[ArgNotation | None] = None
    # where optimizer arguments go when the file has none yet (None: nowhere known)
    args_key: ClassVar[KeyPath | None] = None
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults()
    # values may hold Hydra's sweep override grammar (``interval(0, 1)``, ``a,b``)
    hydra_sweeps: ClassVar[bool] = False
    # OmegaConf reads the file: ``???`` marks a value the command line must give
    omegaconf_missing: ClassVar[bool] = False
    # the program that turns this file into the trainer's own config, when there is one
    front_end: ClassVar[str | None] = None
    # registries users extend with their own code: a name outside upstream's list is looked
    # up in the config's repository before anything is said (cfglint.repo)
    registries: ClassVar[tuple[OpenRegistry, ...]] = ()
    # where forks extend what upstream accepts: a key or name only upstream's code rejects is
    # judged against the repository's own code, or weighed against the file (cfglint.repo.forks)
    forks: ClassVar[ForkPoints | None] = None

    def detect(self, doc: Document) -> float:
        """Confidence in [0, 1] that ``doc`` is a config of this family."""
        return 0.0

    def group_option_only(self, doc: Document) -> bool:
        """Whether all ``doc`` shows of this trainer is the shape of one of its config-group
        options (SEDD's ``configs/model/small.yaml``), which apps derived from the trainer
        reuse: the primary config that selects the file then says whose it is."""
        return False

    def schema_for(self, doc: Document) -> str | None:
        """The schema that checks ``doc``; a trainer with two file kinds (a training config
        and a dataset config) picks by the file's shape."""
        return self.schema

    def facts(self, doc: Document) -> Facts:
        """Canonical facts as this trainer reads ``doc`` (before the user mapping and the
        trainer-neutral derivations of ``cfglint.facts.derive``)."""
        return Facts(self.name)

    def missing_key_fatal(self, doc: Document, section: KeyPath, key: str) -> str | None:
        """Why the run stops at start when ``key`` is missing from ``section`` of ``doc``,
        citing the trainer's source; None when it does not or cfglint cannot be sure. A
        near-miss key (``warmpu`` for ``warmup``) is an error only where this says why."""
        return None

    def value(self, node: Scalar, fmt: str) -> Any:
        """The value the trainer's loader gives this scalar."""
        if fmt == "yaml":
            from cfglint.source.yaml_reader import scalar_view

            try:
                return scalar_view(node, self.yaml_dialect)
            except ValueError:  # a YAML 1.1 integer past Python's conversion limit (a base-60
                # one, which YAML 1.2 reads as a string): the loader fails on it
                return Unusable("an integer too long for the loader to convert")
        return node.value

    def view(self, doc: Document) -> Any:
        """What a run reads from ``doc`` as plain data; a fix may change only the parts it
        declares (fix verification compares this before and after)."""
        return to_python(doc.root, view=lambda s: self.value(s, doc.format))

    def space(self, doc: Document) -> Space | None:
        """The search space ``doc`` defines, for the families of search-space files."""
        return None


@cache
def _schema_properties(name: str) -> dict[str, Any]:
    """The top-level properties of ``schemas/<name>.schema.json``: the options a trainer
    reads, generated from its source (detection weighs a file's keys against them)."""
    from cfglint.resources import schema_json, schemas_dir

    data = schema_json(name)
    if data is None:
        raise FileNotFoundError(schemas_dir() / f"{name}.schema.json")
    return dict(data.get("properties", {}))


def schema_keys(name: str) -> frozenset[str]:
    """The top-level keys a trainer reads (detection asks what share of a file's keys
    they are)."""
    return frozenset(_schema_properties(name))


def schema_enum(name: str, key: str) -> frozenset[Any]:
    """The values a trainer accepts for top-level ``key``, as its schema lists them (empty
    when it lists none): a key name several programs use is evidence only with one."""
    return frozenset(_schema_properties(name).get(key, {}).get("enum", ()))


def root_mapping(doc: Document) -> Mapping | None:
    root = resolve_alias(doc.root)
    return root if isinstance(root, Mapping) else None


def child(node: Node | None, *path: str) -> Node | None:
    for part in path:
        node = resolve_alias(node)
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return resolve_alias(node)


def keys_of(node: Node | None) -> set[str]:
    node = resolve_alias(node)
    return set(node.keys()) if isinstance(node, Mapping) else set()


def overlap(keys: set[str], known: frozenset[str]) -> float:
    """Share of ``keys`` that belong to ``known`` (0 when there are no keys)."""
    return len(keys & known) / len(keys) if keys else 0.0
