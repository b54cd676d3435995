"""kohya-ss/sd-scripts ``--config_file`` TOML: top-level tables are flattened
into argparse's namespace, so section names are free and keys sit one level deep."""

from __future__ import annotations

from typing import ClassVar

from cfglint.families.base import Family, root_mapping
from cfglint.source.document import Document, Mapping, resolve_alias

# Keys that only sd-scripts' training scripts read (argparse options).
SD_SCRIPTS_MARKERS = frozenset({
    "pretrained_model_name_or_path", "network_module", "network_dim", "network_alpha",
    "output_dir", "output_name", "train_data_dir", "learning_rate", "max_train_steps",
    "max_train_epochs", "optimizer_type", "lr_scheduler", "mixed_precision", "save_precision",
    "save_every_n_epochs", "train_batch_size", "cache_latents", "xformers", "sdpa",
    "gradient_checkpointing", "network_args", "unet_lr", "text_encoder_lr", "resolution",
    "dataset_config", "seed", "clip_skip", "noise_offset", "min_snr_gamma", "logging_dir",
    "save_model_as", "network_train_unet_only", "max_data_loader_n_workers",
})
_GUI_APP_SECTIONS = frozenset({"model", "folders", "configuration", "basic", "advanced",
                               "accelerate_launch", "samples", "huggingface", "metadata",
                               "dataset_preparation", "settings"})
# Section names of the GUI app config (`config example.toml`) that sd-scripts TOMLs,
# whose section names are free decoration, are not seen to use.
_GUI_APP_ONLY_SECTIONS = frozenset({"folders", "basic", "advanced", "accelerate_launch",
                                    "configuration", "dataset_preparation", "wd14_caption",
                                    "settings", "server"})
_GUI_APP_TOOLS = frozenset({"extract_lora", "lora_extract", "merge", "resize"})


def gui_app_layout(sections: set[str]) -> bool:
    """The kohya_ss GUI's own app config (meaningful sections), not an sd-scripts TOML:
    only GUI section names, or at least two sections only the GUI uses."""
    only_gui = bool(sections & _GUI_APP_SECTIONS) and sections <= _GUI_APP_SECTIONS | _GUI_APP_TOOLS
    return only_gui or len(sections & _GUI_APP_ONLY_SECTIONS) >= 2


class Kohya(Family):
    name: ClassVar[str] = "kohya"
    formats: ClassVar[tuple[str, ...]] = ("toml",)
    loader: ClassVar[str] = "sd-scripts' TOML loader (values reach argparse unconverted)"
    schema: ClassVar[str | None] = "kohya"

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None or doc.format != "toml":
            return 0.0
        keys: set[str] = set()
        for e in root.entries:
            v = resolve_alias(e.value)
            if isinstance(v, Mapping) and not v.flow:
                keys |= set(v.keys())
            else:
                keys.add(e.name)
        if "datasets" in root.keys() or ("general" in root.keys() and not (keys & {
                "pretrained_model_name_or_path", "output_dir"})):
            return 0.0
        hits = len(keys & SD_SCRIPTS_MARKERS)
        if hits == 0:
            return 0.0
        if gui_app_layout(set(root.keys())):
            return 0.2  # kohya-gui claims it (0.7)
        return min(0.4 + 0.1 * hits, 1.0)
