"""XPixelGroup/BasicSR and Real-ESRGAN option YAML, read with PyYAML's full
Loader (YAML 1.1): ``lr: 1e-4`` reaches the optimizer as a string, hence the
``!!float 1e-4`` idiom in BasicSR's own files."""

from __future__ import annotations

from typing import ClassVar

from cfglint.families.base import Family, child, keys_of, root_mapping
from cfglint.source.document import Document
from cfglint.source.yaml_dialect import Dialect

SR_TOP = frozenset({"name", "model_type", "scale", "num_gpu", "manual_seed", "datasets",
                    "network_g", "network_d", "path", "train", "val", "logger", "dist_params"})
# Keys that exist only in traiNNer-redux's options (keys/traiNNer-redux.json).
TRAINNER_ONLY_TOP = frozenset({
    "amp_bf16", "use_amp", "use_channels_last", "use_compile", "compile_mode", "fast_matmul",
    "detect_anomaly", "deterministic", "high_order_degradations_debug", "input_pixel_format",
    "output_pixel_format", "switch_iter_per_epoch", "network_ae", "network_g_teacher", "onnx",
    "watch", "start_iter", "lq_usm", "thicklines_prob", "dataroot_lq_prob", "contents",
})
TRAINNER_ONLY_TRAIN = frozenset({"grad_clip", "grad_clip_max_norm", "losses", "ema_power",
                                 "ema_switch_iter", "ema_update_after_step", "use_moa",
                                 "moa_augs", "moa_probs", "adaptive_d", "eco", "optim_ae"})


def sr_score(doc: Document) -> float:
    root = root_mapping(doc)
    if root is None:
        return 0.0
    keys = set(root.keys())
    if not keys & {"network_g", "model_type"}:
        return 0.0
    score = 0.0
    if "network_g" in keys:
        score += 0.5
    if keys_of(child(root, "train")) & {"optim_g", "total_iter", "scheduler", "pixel_opt"}:
        score += 0.3
    if keys_of(child(root, "datasets")) & {"train", "val", "test", "test_1", "val_1"}:
        score += 0.1
    score += 0.05 * len(keys & SR_TOP)
    return min(score, 1.0)


def trainner_markers(doc: Document) -> int:
    root = root_mapping(doc)
    if root is None:
        return 0
    return len(set(root.keys()) & TRAINNER_ONLY_TOP) + len(
        keys_of(child(root, "train")) & TRAINNER_ONLY_TRAIN)


class BasicSR(Family):
    name: ClassVar[str] = "basicsr"
    formats: ClassVar[tuple[str, ...]] = ("yaml",)
    yaml_dialect: ClassVar[Dialect] = "yaml11"
    loader: ClassVar[str] = "BasicSR's PyYAML loader (YAML 1.1)"
    schema: ClassVar[str | None] = "basicsr"

    def detect(self, doc: Document) -> float:
        score = sr_score(doc)
        return score * (0.6 if trainner_markers(doc) else 1.0)
