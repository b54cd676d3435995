"""Score-Entropy Discrete Diffusion (louaaron/SEDD and forks): Hydra YAML whose
``training``/``noise``/``graph``/``optim`` blocks drive ``run_train.py``. Upstream
loads through Hydra/OmegaConf (``1e-4`` is a float); the protein_lig_sedd fork
uses ``yaml.safe_load``, which is why its files write ``!!float "5e-5"``."""

from __future__ import annotations

from typing import ClassVar

from cfglint.families.base import Family, child, keys_of, root_mapping
from cfglint.source.document import Document, Scalar
from cfglint.source.yaml_dialect import Dialect

_TOP = frozenset({"ngpus", "training", "noise", "graph", "optim", "eval", "sampling", "model",
                  "data", "tokens", "curriculum", "lr_schedule", "memory", "work_dir"})
_TRAINING = frozenset({"batch_size", "accum", "n_iters", "snapshot_freq", "log_freq",
                       "eval_freq", "snapshot_freq_for_preemption", "weight", "snapshot_sampling",
                       "ema"})
_MODEL = frozenset({"hidden_size", "cond_dim", "length", "n_blocks", "n_heads",
                    "scale_by_sigma", "dropout"})


class Sedd(Family):
    name: ClassVar[str] = "sedd"
    formats: ClassVar[tuple[str, ...]] = ("yaml",)
    yaml_dialect: ClassVar[Dialect] = "yaml11-float"
    loader: ClassVar[str] = "Hydra/OmegaConf"
    schema: ClassVar[str | None] = "sedd"

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None:
            return 0.0
        keys = set(root.keys())
        score = 0.0
        if keys_of(root.get("training")) & _TRAINING >= {"n_iters"} or len(
                keys_of(root.get("training")) & _TRAINING) >= 3:
            score += 0.5
        noise_type = child(root, "noise", "type")
        if isinstance(noise_type, Scalar) and noise_type.value in ("loglinear", "geometric"):
            score += 0.3
        graph_type = child(root, "graph", "type")
        if isinstance(graph_type, Scalar) and graph_type.value in ("absorb", "uniform"):
            score += 0.3
        if len(keys & _TOP) >= 4:
            score += 0.1
        # a model group file: configs/model/small.yaml
        model_type = root.get("type")
        if len(keys & _MODEL) >= 4 and (
            (isinstance(model_type, Scalar) and model_type.value == "ddit")
            or "scale_by_sigma" in keys
        ):
            score += 0.7
        return min(score, 1.0)
