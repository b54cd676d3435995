"""bmaltais/kohya_ss: GUI presets and saved configs (flat JSON, numbers often
stored as strings) and the GUI's own app config TOML (meaningful sections)."""

from __future__ import annotations

from typing import ClassVar

from cfglint.families.base import Family, root_mapping
from cfglint.families.kohya import gui_app_layout
from cfglint.source.document import Document

# Keys only the GUI writes (sd-scripts has no such argument).
GUI_MARKERS = frozenset({
    "LoRA_type", "model_list", "epoch", "lr_warmup", "train_on_input", "sdxl", "v2",
    "v_parameterization", "save_model_as", "stop_text_encoder_training", "use_wandb",
    "conv_dim", "conv_alpha", "noise_offset_type", "optimizer", "text_encoder_lr",
    "unet_lr", "network_dim", "network_alpha", "learning_rate", "pretrained_model_name_or_path",
    "train_batch_size", "lr_scheduler", "mixed_precision", "cache_latents", "max_resolution",
    "enable_bucket", "flip_aug", "sample_every_n_steps", "output_name", "logging_dir",
    "adaptive_noise_scale", "additional_parameters", "bucket_reso_steps", "caption_extension",
    "clip_skip", "color_aug", "full_fp16", "gradient_accumulation_steps", "keep_tokens",
    "max_train_epochs", "max_train_steps", "min_snr_gamma", "noise_offset", "optimizer_args",
    "save_every_n_epochs", "save_precision", "seed", "shuffle_caption", "xformers",
    "flux1_checkbox", "sdxl_checkbox", "network_weights", "block_alphas", "block_dims",
})
_GUI_ONLY = frozenset({"LoRA_type", "model_list", "epoch", "lr_warmup", "train_on_input",
                       "max_resolution", "noise_offset_type", "stop_text_encoder_training",
                       "flux1_checkbox", "sdxl_checkbox", "block_alphas", "block_dims",
                       "extra_accelerate_launch_args", "gpu_ids", "num_cpu_threads_per_process",
                       "dim_from_weights"})


class KohyaGui(Family):
    name: ClassVar[str] = "kohya-gui"
    formats: ClassVar[tuple[str, ...]] = ("json", "toml")
    loader: ClassVar[str] = "the kohya_ss GUI (json.load; some fields coerced)"
    schema: ClassVar[str | None] = "kohya-gui"

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None:
            return 0.0
        keys = set(root.keys())
        if doc.format == "toml":
            return 0.7 if gui_app_layout(keys) else 0.0
        if doc.format != "json":
            return 0.0
        gui_only = len(keys & _GUI_ONLY) + any(k.startswith("anima_") for k in keys)
        hits = len(keys & GUI_MARKERS) + gui_only
        if gui_only and hits >= 3:
            return min(0.5 + 0.05 * hits, 1.0)
        return 0.0
