"""kohya-ss/sd-scripts ``--config_file`` TOML.

``sd-scripts:library/train_util.py::read_config_from_file`` flattens every top-level
table into the argparse namespace (section names are decoration; a later duplicate
wins), so keys are looked up in any section. Defaults are the argparse defaults of
``sd-scripts:library/train_util.py`` and ``sd-scripts:train_network.py``.
"""

from __future__ import annotations

from typing import ClassVar

from cfglint.facts.builder import MISSING, FactBuilder, FlatView, flat_index
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import (
    model_family,
    optimizer_is_8bit,
    optimizer_is_adam,
    optimizer_is_adaptive,
    prediction_for,
)
from cfglint.facts.values import as_number, norm_mixed, parse_kv_args, parse_resolution
from cfglint.families.base import (
    MOSTLY_KNOWN,
    SHARED,
    ArgNotation,
    Family,
    ProbeDefaults,
    Program,
    keys_of,
    root_mapping,
    schema_keys,
)
from cfglint.families.musubi_tuner import DIT_KEYS, FRONT_END_KEYS
from cfglint.repo.declare import Dispatch, ForkPoints, ModuleRegistry, OpenRegistry
from cfglint.source.document import Document, KeyPath, Mapping, resolve_alias

SRC = "sd-scripts:library/train_util.py"
SRC_NET = "sd-scripts:train_network.py"
# sd-scripts forks add optimizers to get_optimizer and scripts of their own that parse the
# same TOML (values reach them unconverted, so their code may convert what upstream cannot)
FORKS = ForkPoints("sd-scripts", dispatches=(
    Dispatch("optimizer", ("optimizer_type",),
             lookup="kohya-ss/sd-scripts:library/train_util.py, get_optimizer looks other "
                    "names up in torch.optim"),
), types=True)

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

# Keys only the Flux / SD3 / SDXL scripts read.
_FLUX_KEYS = frozenset({"ae", "t5xxl_max_token_length", "apply_t5_attn_mask", "guidance_scale",
                        "discrete_flow_shift", "model_prediction_type", "split_mode",
                        "blocks_to_swap", "cpu_offload_checkpointing"})
_SD3_KEYS = frozenset({"clip_g", "save_clip", "save_t5xxl", "clip_g_dropout_rate",
                       "t5_dropout_rate", "enable_scaled_pos_embed"})
_SDXL_KEYS = frozenset({"text_encoder_lr1", "text_encoder_lr2", "train_text_encoder",
                        "learning_rate_te1", "learning_rate_te2", "block_lr"})


def gui_app_layout(sections: set[str]) -> bool:
    """The kohya_ss GUI's own app config (meaningful sections), not an sd-scripts TOML:
    only GUI section names, or at least two sections only the GUI uses."""
    only_gui = bool(sections & _GUI_APP_SECTIONS) and sections <= _GUI_APP_SECTIONS | _GUI_APP_TOOLS
    return only_gui or len(sections & _GUI_APP_ONLY_SECTIONS) >= 2


class Kohya(Family):
    name: ClassVar[str] = "kohya"
    program: ClassVar[Program] = Program.SD_SCRIPTS
    formats: ClassVar[tuple[str, ...]] = ("toml",)
    loader: ClassVar[str] = "sd-scripts' TOML loader (values reach argparse unconverted)"
    schema: ClassVar[str | None] = "kohya"
    arg_notation: ClassVar[ArgNotation | None] = "kv-list"
    args_key: ClassVar[KeyPath | None] = ("optimizer_args",)
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(lr=2e-6, total_steps=1600)
    # train_network.py imports `network_module` by name: sd-scripts' own networks.*,
    # LyCORIS's documented lycoris.kohya, or any module on the path (a custom network)
    registries: ClassVar[tuple[OpenRegistry, ...]] = (
        ModuleRegistry("network module", ("network_module", "*.network_module"),
                       ("networks.*", "lycoris.kohya"),
                       "sd-scripts imports it at start (kohya-ss/sd-scripts:train_network.py) "
                       "and stops if it cannot"),
    )
    forks: ClassVar[ForkPoints | None] = FORKS

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
        if "type" in keys_of(root.get("model")):
            return 0.0  # diffusion-pipe's [model] table (sd-scripts has no `type` option)
        if keys & (DIT_KEYS | FRONT_END_KEYS):
            return 0.0  # musubi-tuner's DiT path, or a preset of a GUI for it
        hits = len(keys & SD_SCRIPTS_MARKERS)
        if hits == 0:
            return 0.0
        if gui_app_layout(set(root.keys())):
            return SHARED  # the kohya_ss GUI's own app config (kohya-gui claims it)
        if len(keys & schema_keys(self.schema or self.name)) < MOSTLY_KNOWN * len(keys):
            return SHARED  # mostly keys no sd-scripts script reads: a fork's or tool's file
        return min(0.4 + 0.1 * hits, 1.0)

    def facts(self, doc: Document) -> Facts:
        r = _Reader(FactBuilder(doc, self))
        fam = _model(r)
        _network(r)
        _optimizer(r)
        _learning_rates(r)
        _schedule(r)
        _precision(r)
        _noise(r, fam)
        _sampling(r)
        _data(r)
        return r.b.facts


class _Reader:
    """One file's builder and its flat (argparse) view, shared by the steps below."""

    def __init__(self, b: FactBuilder) -> None:
        self.b = b
        self.f = FlatView(b, flat_index(b.doc), SRC)
        self.keys = set(self.f.index)


def _model(r: _Reader) -> str:
    b, f, keys = r.b, r.f, r.keys
    model_path = f.read("pretrained_model_name_or_path")
    if keys & _FLUX_KEYS and "clip_g" not in keys:
        fam, why = "flux", "Flux-only keys " + ", ".join(sorted(keys & _FLUX_KEYS))
    elif keys & _SD3_KEYS:
        fam, why = "sd3", "SD3-only keys " + ", ".join(sorted(keys & _SD3_KEYS))
    else:
        fam = model_family(model_path if model_path is not MISSING else None)
        why = "from pretrained_model_name_or_path"
        if fam == "unknown" and keys & _SDXL_KEYS:
            fam, why = "sdxl", "SDXL-only keys " + ", ".join(sorted(keys & _SDXL_KEYS))
        if fam == "unknown" and f.read("v2") is True:
            fam, why = "sd2", "v2 = true"
    b.derived("model.family", fam, why, f.path("pretrained_model_name_or_path")
              if "pretrained_model_name_or_path" in keys else None,
              b.ancestor_span(f.path("pretrained_model_name_or_path")))
    if f.read("v_parameterization") is True:
        b.explicit("model.prediction", f.path("v_parameterization"), "v_prediction")
    elif prediction_for(fam):
        b.derived("model.prediction", prediction_for(fam), f"default objective of {fam}")
    return fam


def _network(r: _Reader) -> None:
    b, f, keys = r.b, r.f, r.keys
    net_args = parse_kv_args(f.read("network_args")) or {}
    module = f.read("network_module")
    if module is not MISSING or "network_dim" in keys or "network_alpha" in keys:
        mod = str(module).lower() if module is not MISSING else "networks.lora"
        algo = str(net_args.get("algo", "")).lower()
        method = (algo or "locon") if "lycoris" in mod else (
            "oft" if "oft" in mod else "lora")
        b.derived("method", method, f"network_module {mod}" + (f", algo={algo}" if algo else ""),
                  f.path("network_module"), b.ancestor_span(f.path("network_module")))
        f.get("lora.rank", "network_dim", 4, source="sd-scripts:networks/lora.py (None → 4)")
        f.get("lora.alpha", "network_alpha", 1, source=SRC_NET)
        if "conv_dim" in net_args:
            b.explicit("lora.conv_rank", f.path("network_args"), net_args["conv_dim"])
            if "conv_alpha" in net_args:
                b.explicit("lora.conv_alpha", f.path("network_args"), net_args["conv_alpha"])
            else:
                b.default("lora.conv_alpha", 1, f.path("network_args"),
                          "trainer default (sd-scripts:networks/lora.py: conv_alpha 1)")
        for k in ("rs_lora", "rank_stabilized"):
            if k in net_args:
                b.explicit("lora.rank_stabilized", f.path("network_args"), bool(net_args[k]))
        unet_only = f.read("network_train_unet_only")
        te_only = f.read("network_train_text_encoder_only") is True
        b.derived("train_te", unet_only is not True, "LoRA on the text encoder(s) unless "
                  "network_train_unet_only" + (" (text-encoder only)" if te_only else ""),
                  f.path("network_train_unet_only"))
    elif "token_string" in keys or "num_vectors_per_token" in keys:
        b.derived("method", "textual_inversion", "token_string/num_vectors_per_token: "
                  "train_textual_inversion.py")
    else:
        b.derived("method", "full", "no network_* keys: a fine-tune script (fine_tune.py, "
                  "sdxl_train.py, train_db.py) is assumed")
        f.get("train_te", "train_text_encoder", False)


def _optimizer(r: _Reader) -> None:
    b, f = r.b, r.f
    opt = f.get("optimizer.name", "optimizer_type", "adamw",
                convert=lambda v: str(v).lower() or "adamw",
                note="'' means AdamW")
    opt_s = opt if isinstance(opt, str) else ""
    args = parse_kv_args(f.read("optimizer_args"))
    if args is not None:
        b.explicit("optimizer.args", f.path("optimizer_args"), args)
    adict = args or {}
    b.derived("optimizer.is_8bit", optimizer_is_8bit(opt_s), f"optimizer {opt_s}")
    # sd-scripts sets relative_step=True for Adafactor unless optimizer_args say otherwise.
    b.derived("optimizer.is_adaptive", optimizer_is_adaptive(opt_s, adict, True),
              f"optimizer {opt_s}")
    path = f.path("optimizer_args")
    if "eps" in adict:
        b.explicit("optimizer.eps", path, adict["eps"])
    elif optimizer_is_adam(opt_s) and not optimizer_is_adaptive(opt_s, adict, True):
        b.default("optimizer.eps", 1e-8, path, "torch/bitsandbytes AdamW default eps=1e-8")
    if "betas" in adict:
        b.explicit("optimizer.betas", path, adict["betas"])
    if "weight_decay" in adict:
        b.explicit("optimizer.weight_decay", path, adict["weight_decay"])


def _learning_rates(r: _Reader) -> None:
    b, f, keys = r.b, r.f, r.keys
    f.get("lr", "learning_rate", 2e-6)
    f.get("lr.unet", "unet_lr")
    te = f.read("text_encoder_lr")
    if isinstance(te, list):
        nums = [as_number(v) for v in te]
        if nums:
            b.explicit("lr.te", f.path("text_encoder_lr"), nums[0])
            b.explicit("lr.te1", f.path("text_encoder_lr"), nums[0])
        if len(nums) > 1:
            b.explicit("lr.te2", f.path("text_encoder_lr"), nums[1])
    elif te is not MISSING:
        f.get("lr.te", "text_encoder_lr")
    for n in ("1", "2"):
        if f"text_encoder_lr{n}" in keys:
            f.get(f"lr.te{n}", f"text_encoder_lr{n}")


def _schedule(r: _Reader) -> None:
    b, f = r.b, r.f
    f.get("scheduler.name", "lr_scheduler", "constant", convert=lambda v: str(v).lower())
    f.get("scheduler.num_cycles", "lr_scheduler_num_cycles", 1)
    f.get("scheduler.power", "lr_scheduler_power", 1)
    warm = f.get("warmup.raw", "lr_warmup_steps", 0)
    b.derived("warmup.unit", "ratio" if isinstance(warm, float) else "steps",
              "get_scheduler_fix multiplies a float lr_warmup_steps by the step count"
              if isinstance(warm, float) else "an int lr_warmup_steps counts scheduler steps",
              f.path("lr_warmup_steps"))
    epochs = f.get("epochs", "max_train_epochs")
    if epochs is not MISSING:
        b.facts.set("total_steps", Unknown("max_train_epochs needs the dataset size"), "derived",
                    b.doc.path, f.path("max_train_epochs"), b.fact("epochs").span,  # type: ignore[union-attr]
                    "max_train_epochs overrides max_train_steps; steps per epoch need the "
                    "dataset")
    else:
        f.get("total_steps", "max_train_steps", 1600,
              source=f"{SRC}; neither max_train_steps nor max_train_epochs: 1600 steps")
    f.get("batch", "train_batch_size", 1)
    f.get("accum", "gradient_accumulation_steps", 1)
    # accelerate steps the scheduler once per process per optimizer step; the process
    # count comes from `accelerate launch`, not from this file.


def _precision(r: _Reader) -> None:
    b, f = r.b, r.f
    mixed = f.get("precision.mixed", "mixed_precision", "no", convert=lambda v: norm_mixed(v) or v)
    ff16 = f.get("precision.full_fp16", "full_fp16", False)
    fb16 = f.get("precision.full_bf16", "full_bf16", False)
    train_dtype = "fp16" if ff16 is True else "bf16" if fb16 is True else "fp32"
    b.derived("precision.train_dtype", train_dtype,
              "full_fp16" if ff16 is True else "full_bf16" if fb16 is True else
              "fp32 master weights under accelerate mixed precision")
    f.get("precision.no_half_vae", "no_half_vae", False)
    f.get("model.vae", "vae", note="a separate VAE replaces the checkpoint's own")
    f.get("precision.fp8_base", "fp8_base", False)
    b.derived("precision.grad_scaler", mixed == "fp16", "accelerate uses a GradScaler for fp16 "
              "mixed precision" if mixed == "fp16" else "no GradScaler without fp16")
    f.get("grad_clip.value", "max_grad_norm", 1.0)
    b.derived("grad_clip.semantics", "norm", "clip_grad_norm_; 0 disables clipping")
    b.derived("ema.enabled", False, "sd-scripts has no EMA")


# timestep_sampling values of the Flux/Lumina/Anima/HunyuanImage scripts that draw t without
# discrete_flow_shift (library/flux_train_utils.py, library/lumina_train_util.py:
# get_noisy_model_input_and_timesteps); `shift` applies it to the sampled t and `sigma` (and
# a weighting scheme) index the FlowMatchEulerDiscreteScheduler built with shift=it.
SHIFT_MODES = {"shift": "constant", "sigma": "constant", "uniform": "none", "sigmoid": "none",
               "flux_shift": "resolution", "nextdit_shift": "resolution"}


def _noise(r: _Reader, fam: str) -> None:
    f = r.f
    f.get("noise.offset", "noise_offset")
    f.get("noise.adaptive_scale", "adaptive_noise_scale")
    f.get("noise.min_snr_gamma", "min_snr_gamma")
    if fam == "flux" or "timestep_sampling" in r.keys:
        mode = f.get("noise.timestep_sampling", "timestep_sampling", "sigma",
                     source="sd-scripts:library/flux_train_utils.py")
        f.get("noise.discrete_flow_shift", "discrete_flow_shift", 3.0,
              source="sd-scripts:library/flux_train_utils.py",
              note="read by timestep_sampling shift and sigma (the scheduler's timesteps)")
        if isinstance(mode, str) and mode in SHIFT_MODES:
            r.b.derived("noise.shift_mode", SHIFT_MODES[mode], f"timestep_sampling {mode!r} "
                        "(library/flux_train_utils.py)", f.path("timestep_sampling"))
    f.get("text.clip_skip", "clip_skip")
    _v_prediction_flags(r)


def _v_prediction_flags(r: _Reader) -> None:
    """The flags ``verify_training_args`` checks against ``v_parameterization``."""
    f = r.f
    f.get("loss.scale_v_pred_like_noise_pred", "scale_v_pred_loss_like_noise_pred", False)
    f.get("loss.v_pred_like_loss", "v_pred_like_loss")
    f.get("noise.zero_terminal_snr", "zero_terminal_snr", False)
    f.get("model.v_parameterization", "v_parameterization", False)


def _sampling(r: _Reader) -> None:
    f = r.f
    if f.has("sample_every_n_epochs"):
        f.get("sample_every_epochs", "sample_every_n_epochs",
              note="overrides sample_every_n_steps")
    else:
        f.get("sample_every", "sample_every_n_steps")
    f.get("sample.scheduler", "sample_sampler", "ddim")
    if f.has("save_every_n_epochs"):
        f.get("save_every_epochs", "save_every_n_epochs")
    else:
        f.get("save_every", "save_every_n_steps")


def _data(r: _Reader) -> None:
    b, f = r.b, r.f
    cl = f.get("cache_latents", "cache_latents", False)
    if cl is not True and f.read("cache_latents_to_disk") is True:
        b.explicit("cache_latents", f.path("cache_latents_to_disk"), True)
    cte = f.get("cache_te_outputs", "cache_text_encoder_outputs", False)
    if cte is not True and f.read("cache_text_encoder_outputs_to_disk") is True:
        b.explicit("cache_te_outputs", f.path("cache_text_encoder_outputs_to_disk"), True)
    f.get("aug.flip", "flip_aug", False)
    f.get("aug.color", "color_aug", False)
    f.get("aug.random_crop", "random_crop", False)
    f.get("aug.caption_shuffle", "shuffle_caption", False)
    f.get("aug.caption_dropout", "caption_dropout_rate", 0.0)
    f.get("aug.token_warmup", "token_warmup_step")
    res = parse_resolution(f.read("resolution"))
    if res is not None:
        b.explicit("resolution", f.path("resolution"), res)
    if f.has("dataset_config"):
        b.explicit("dataset.config", f.path("dataset_config"))
