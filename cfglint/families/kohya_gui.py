"""bmaltais/kohya_ss: GUI presets and saved configs (flat JSON, numbers often stored as
strings) and the GUI's own app config TOML (meaningful sections).

Values are taken the way the GUI takes them: ``open_configuration`` reads each key
with ``my_data.get(key)`` (null = keep the GUI default) and coerces a few legacy
string fields with ``float()``/``int()``, a string that does not parse becoming the
fallback (``kohya_ss:kohya_gui/common_gui.py``, bmaltais/kohya_ss#3455). So
``"learning_rate": "0.0001"`` is the float 1e-4 here, while raw sd-scripts would not
convert it. Missing keys take the GUI widget defaults (``kohya_ss:kohya_gui/class_*.py``).
At training time the GUI writes an sd-scripts TOML: ``optimizer`` → ``optimizer_type``,
``lr_warmup`` % → ``lr_warmup_steps`` (``lr_warmup_steps`` overrides), ``epoch`` →
``max_train_epochs``, ``max_resolution`` → ``resolution`` (``kohya_ss:kohya_gui/lora_gui.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from cfglint.facts.builder import MISSING, FactBuilder, FlatView, flat_index
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import (
    model_family,
    optimizer_is_8bit,
    optimizer_is_adam,
    optimizer_is_adaptive,
    prediction_for,
)
from cfglint.facts.values import (
    as_int,
    gui_float,
    gui_int,
    norm_mixed,
    parse_kv_args,
    parse_resolution,
)
from cfglint.families.base import (
    STRONG,
    ArgNotation,
    Family,
    ProbeDefaults,
    Program,
    root_mapping,
)
from cfglint.families.kohya import SD_SCRIPTS_MARKERS, SHIFT_MODES, gui_app_layout
from cfglint.source.document import Document, KeyPath

SRC = "kohya_ss GUI default (kohya_ss:kohya_gui/class_basic_training.py)"

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


# sd-scripts option names a preset may carry by mistake → (the name the GUI's LoRA,
# DreamBooth, fine-tune and textual-inversion tabs read instead, the tab that reads the
# sd-scripts name itself). open_configuration reads only its own parameter names
# (kohya_gui/lora_gui.py ...), so the value falls back to the GUI default.
SD_SCRIPTS_NAMES: dict[str, tuple[str, str | None]] = {
    "optimizer_type": ("optimizer", None),
    "resolution": ("max_resolution", "anima_lllite"),
    "network_module": ("LoRA_type", "leco"),
}
# parameters only one of those other tabs saves (kohya_gui/leco_gui.py, anima_lllite_gui.py)
TAB_MARKERS: dict[str, frozenset[str]] = {
    "leco": frozenset({"leco_denoise_guidance_scale", "max_denoising_steps", "prompts_file"}),
    "anima_lllite": frozenset({"cond_emb_dim", "conditioning_data_dir", "lllite_cond_dim",
                               "lllite_target_layers", "lllite_mlp_dim", "lllite_dropout"}),
}
# parameters only the LoRA, DreamBooth, fine-tune and textual-inversion tabs save
MAIN_TAB_MARKERS = frozenset({"LoRA_type", "max_resolution", "epoch", "lr_warmup",
                              "model_list", "train_on_input", "stop_text_encoder_training",
                              "sdxl_no_half_vae", "image_folder", "template", "flux1_checkbox"})
# the GUI widget defaults a preset falls back to (kohya_gui/class_basic_training.py,
# kohya_gui/lora_gui.py)
GUI_DEFAULTS: dict[str, str] = {"optimizer": "AdamW8bit", "max_resolution": "512,512",
                                "LoRA_type": "Standard"}


# GUI load coercions (kohya_ss:kohya_gui/common_gui.py).
_FLOAT = {"learning_rate": 0.0, "unet_lr": 0.0, "text_encoder_lr": 0.0, "noise_offset": 0.0,
          "adaptive_noise_scale": 0.0, "lr_scheduler_power": 1.0}
_INT = {"epoch": 0, "gradient_accumulation_steps": 0, "lr_warmup": 0, "max_train_epochs": 0,
        "max_train_steps": 0, "save_every_n_epochs": 0, "lr_scheduler_num_cycles": 1,
        "seed": 0, "keep_tokens": 0, "clip_skip": 0}

_LORA_TYPES = {"standard": "lora", "kohya locon": "locon", "locon": "locon",
               "lycoris/locon": "locon", "lycoris/loha": "loha", "lycoris/lokr": "lokr",
               "lycoris/ia3": "ia3", "lycoris/dylora": "dylora", "kohya dylora": "dylora",
               "lycoris/glora": "glora", "lycoris/diag-oft": "diag-oft", "lycoris/boft": "boft",
               "lora-fa": "lora_fa", "flux1": "lora", "flux1-oft": "oft"}


class KohyaGui(Family):
    name: ClassVar[str] = "kohya-gui"
    program: ClassVar[Program] = Program.SD_SCRIPTS
    formats: ClassVar[tuple[str, ...]] = ("json", "toml")
    loader: ClassVar[str] = "the kohya_ss GUI (json.load; some fields coerced)"
    schema: ClassVar[str | None] = "kohya-gui"
    arg_notation: ClassVar[ArgNotation | None] = "kv-string"
    args_key: ClassVar[KeyPath | None] = ("optimizer_args",)
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(lr=2e-6, total_steps=1600)
    front_end: ClassVar[str | None] = "the kohya_ss GUI"

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None:
            return 0.0
        keys = set(root.keys())
        if doc.format == "toml":
            return STRONG if gui_app_layout(keys) else 0.0
        if doc.format != "json":
            return 0.0
        gui_only = len(keys & _GUI_ONLY) + any(k.startswith("anima_") for k in keys)
        # sd-scripts reads only TOML, so its option names in a JSON that has GUI-only keys
        # are a GUI preset written with the wrong names (they count as evidence too)
        hits = len(keys & (GUI_MARKERS | SD_SCRIPTS_MARKERS)) + gui_only
        if gui_only and hits >= 3:
            return min(0.5 + 0.05 * hits, 1.0)
        return 0.0

    def facts(self, doc: Document) -> Facts:
        r = _Gui(FactBuilder(doc, self))
        fam = _model(r)
        _method(r)
        _optimizer(r)
        _learning_rates(r)
        _steps(r)
        _precision(r)
        _noise(r, fam)
        _sampling(r)
        _data(r, fam)
        return r.b.facts


def _coerce(key: str) -> Callable[[Any], Any] | None:
    if key in _FLOAT:
        fb = _FLOAT[key]
        return lambda v: gui_float(v, fb)
    if key in _INT:
        ib = _INT[key]
        return lambda v: gui_int(v, ib)
    return None


class _Gui:
    """One preset's builder and flat view, reading values as the GUI coerces them."""

    def __init__(self, b: FactBuilder) -> None:
        self.b = b
        self.f = FlatView(b, flat_index(b.doc), SRC)
        self.keys = set(self.f.index)

    def get(self, name: str, key: str, default: Any = MISSING, convert: Any = None,
            note: str = "") -> Any:
        conv = convert or _coerce(key)
        co = " (GUI coerces the string)" if key in _FLOAT or key in _INT else ""
        return self.f.get(name, key, default, convert=conv, note=(note + co).strip())

    def num(self, key: str) -> Any:
        v = self.f.read(key)
        c = _coerce(key)
        return c(v) if (c and v is not MISSING) else v


def _model(r: _Gui) -> str:
    b, f = r.b, r.f
    if f.read("flux1_checkbox") is True:
        fam, why = "flux", "flux1_checkbox"
    elif f.read("sd3_checkbox") is True:
        fam, why = "sd3", "sd3_checkbox"
    elif f.read("sdxl") is True or f.read("sdxl_checkbox") is True:
        fam, why = "sdxl", "sdxl"
    elif f.read("v2") is True:
        fam, why = "sd2", "v2"
    else:
        mp = f.read("pretrained_model_name_or_path")
        fam = model_family(mp if mp is not MISSING else None, f.read("model_list"))
        why = "from pretrained_model_name_or_path"
    b.derived("model.family", fam, why)
    if f.read("v_parameterization") is True:
        b.explicit("model.prediction", f.path("v_parameterization"), "v_prediction")
    elif prediction_for(fam):
        b.derived("model.prediction", prediction_for(fam), f"default objective of {fam}")
    return fam


def _method(r: _Gui) -> None:
    b, f, keys, get, num = r.b, r.f, r.keys, r.get, r.num
    lt = f.read("LoRA_type")
    if lt is not MISSING or "network_dim" in keys:
        method = _LORA_TYPES.get(str(lt).lower(), "lora") if lt is not MISSING else "lora"
        if lt is not MISSING:
            b.explicit("method", f.path("LoRA_type"), method)
        else:
            b.derived("method", method, "network_dim without LoRA_type")
        get("lora.rank", "network_dim", 8)
        get("lora.alpha", "network_alpha", 1)
        if "conv_dim" in keys:
            get("lora.conv_rank", "conv_dim")
            get("lora.conv_alpha", "conv_alpha", 1)
        unet_only = f.read("network_train_unet_only") is True
        te_lr = num("text_encoder_lr")
        te_zero = te_lr == 0 and num("unet_lr") not in (0, MISSING)
        b.derived("train_te", not (unet_only or te_zero),
                  "network_train_unet_only" if unet_only else
                  "text_encoder_lr 0 with unet_lr set: the GUI sets network_train_unet_only "
                  "(kohya_ss:kohya_gui/lora_gui.py)" if te_zero else "LoRA on the text encoder")
    elif "token_string" in keys or "num_vectors_per_token" in keys:
        b.derived("method", "textual_inversion", "token_string/num_vectors_per_token: a textual "
                  "inversion config (kohya_ss:kohya_gui/textual_inversion_gui.py)")
    else:
        b.derived("method", "full", "no LoRA_type/network_dim: a DreamBooth or fine-tune config")
        if "train_text_encoder" in keys:
            get("train_te", "train_text_encoder")


def _optimizer(r: _Gui) -> None:
    b, f, get = r.b, r.f, r.get
    opt = get("optimizer.name", "optimizer", GUI_DEFAULTS["optimizer"].lower(),
              convert=lambda v: str(v).lower())
    opt_s = opt if isinstance(opt, str) else ""
    args = parse_kv_args(f.read("optimizer_args"))
    if args:
        b.explicit("optimizer.args", f.path("optimizer_args"), args)
    adict = args or {}
    b.derived("optimizer.is_8bit", optimizer_is_8bit(opt_s), f"optimizer {opt_s}")
    b.derived("optimizer.is_adaptive", optimizer_is_adaptive(opt_s, adict, True),
              f"optimizer {opt_s}")
    for k in ("eps", "betas", "weight_decay"):
        if k in adict:
            b.explicit(f"optimizer.{k}", f.path("optimizer_args"), adict[k])
    if "eps" not in adict and optimizer_is_adam(opt_s) and not optimizer_is_adaptive(
            opt_s, adict, True):
        b.default("optimizer.eps", 1e-8, f.path("optimizer_args"),
                  "torch/bitsandbytes AdamW default eps=1e-8")


def _learning_rates(r: _Gui) -> None:
    get = r.get
    get("lr", "learning_rate")
    get("lr.unet", "unet_lr")
    get("lr.te", "text_encoder_lr")


def _steps(r: _Gui) -> None:
    b, f, keys, get, num = r.b, r.f, r.keys, r.get, r.num
    get("scheduler.name", "lr_scheduler", "cosine", convert=lambda v: str(v).lower())
    get("scheduler.num_cycles", "lr_scheduler_num_cycles", 1)
    get("scheduler.power", "lr_scheduler_power", 1.0)
    steps = num("max_train_steps")
    ep_max = num("max_train_epochs")
    ep = num("epoch")
    if isinstance(steps, int) and steps > 0:
        get("total_steps", "max_train_steps")
    if isinstance(ep_max, int) and ep_max > 0:
        get("epochs", "max_train_epochs")
    elif isinstance(ep, int) and ep > 0:
        get("epochs", "epoch", note="the GUI passes epoch as max_train_epochs")
    if "total_steps" not in b.facts:
        if "epochs" in b.facts:
            b.facts.set("total_steps", Unknown("the GUI derives steps from the image folders"),
                        "derived", b.doc.path, None, None,
                        "max_train_steps 0/empty: steps = images × repeats × epochs / batch")
        else:
            b.default("total_steps", 1600, f.path("max_train_steps"),
                      "neither max_train_steps nor epochs: sd-scripts will default to 1600")
    if "lr_warmup" in keys:
        get("warmup.raw", "lr_warmup")
        b.derived("warmup.unit", "percent", "lr_warmup is a percentage of the total steps")
    ws = num("lr_warmup_steps")
    if as_int(ws) is not None:
        b.explicit("warmup.override", f.path("lr_warmup_steps"), as_int(ws),
                   note="lr_warmup_steps overrides lr_warmup")
        if "warmup.raw" not in b.facts:
            b.derived("warmup.unit", "steps", "lr_warmup_steps counts steps")
    get("batch", "train_batch_size", 1)
    get("accum", "gradient_accumulation_steps", 1)
    get("processes", "num_processes", 1, convert=lambda v: gui_int(v, 1))


def _precision(r: _Gui) -> None:
    b, f, get = r.b, r.f, r.get
    mixed = get("precision.mixed", "mixed_precision", "fp16",
                convert=lambda v: norm_mixed(v) or v)
    ff16 = f.read("full_fp16") is True
    fb16 = f.read("full_bf16") is True
    for name, key in (("precision.full_fp16", "full_fp16"), ("precision.full_bf16", "full_bf16"),
                      ("precision.fp8_base", "fp8_base")):
        get(name, key, False)
    # the GUI's checkbox is `sdxl_no_half_vae`; it passes no_half_vae = sdxl and
    # sdxl_no_half_vae to sd-scripts (kohya_ss:kohya_gui/lora_gui.py, finetune_gui.py)
    get("precision.no_half_vae", "sdxl_no_half_vae", False,
        note="the GUI writes no_half_vae for sd-scripts from this checkbox")
    vae = f.read("vae")
    if isinstance(vae, str) and vae.strip():
        get("model.vae", "vae", note="a separate VAE replaces the checkpoint's own")
    b.derived("precision.train_dtype", "fp16" if ff16 else "bf16" if fb16 else "fp32",
              "full_fp16/full_bf16 or fp32 master weights")
    b.derived("precision.grad_scaler", mixed == "fp16", "accelerate GradScaler with fp16")
    get("grad_clip.value", "max_grad_norm", 1.0)
    b.derived("grad_clip.semantics", "norm", "clip_grad_norm_; 0 disables clipping")
    b.derived("ema.enabled", False, "sd-scripts has no EMA")


def _noise(r: _Gui, fam: str) -> None:
    get, num = r.get, r.num
    get("noise.offset", "noise_offset")
    get("noise.min_snr_gamma", "min_snr_gamma")
    if fam == "flux" or "timestep_sampling" in r.keys:
        mode = get("noise.timestep_sampling", "timestep_sampling", "sigma")
        if fam == "flux":
            # the LoRA GUI passes both only with flux1_checkbox (kohya_gui/lora_gui.py)
            get("noise.discrete_flow_shift", "discrete_flow_shift", 3.0,
                convert=lambda v: gui_float(v, 3.0))
            if isinstance(mode, str) and mode in SHIFT_MODES:
                r.b.derived("noise.shift_mode", SHIFT_MODES[mode], f"timestep_sampling {mode!r}"
                            " (sd-scripts:library/flux_train_utils.py)",
                            r.f.path("timestep_sampling"))
    clip = as_int(num("clip_skip"))
    if clip:
        get("text.clip_skip", "clip_skip", note="the GUI passes clip_skip when it is not 0")
    get("loss.scale_v_pred_like_noise_pred", "scale_v_pred_loss_like_noise_pred", False)
    vpl = gui_float(num("v_pred_like_loss"), 0.0)
    if isinstance(vpl, float) and vpl:
        get("loss.v_pred_like_loss", "v_pred_like_loss", convert=lambda v: gui_float(v, 0.0),
            note="the GUI passes v_pred_like_loss when it is not 0")
    get("model.v_parameterization", "v_parameterization", False)


def _sampling(r: _Gui) -> None:
    get, num = r.get, r.num
    se = as_int(num("sample_every_n_epochs"))
    ss = as_int(num("sample_every_n_steps"))
    if se:
        get("sample_every_epochs", "sample_every_n_epochs", convert=lambda v: gui_int(v))
    elif ss:
        get("sample_every", "sample_every_n_steps", convert=lambda v: gui_int(v))
    get("sample.scheduler", "sample_sampler", "euler_a")
    if as_int(num("save_every_n_steps")):
        get("save_every", "save_every_n_steps", convert=lambda v: gui_int(v))
    elif as_int(num("save_every_n_epochs")):
        get("save_every_epochs", "save_every_n_epochs")


# The LoRA GUI writes sd-scripts' cache_text_encoder_outputs from a per-model checkbox
# (kohya_ss:kohya_gui/lora_gui.py), not from a plain cache_text_encoder_outputs key.
_TE_CACHE_KEYS = {"sdxl": ("sdxl_cache_text_encoder_outputs",),
                  "flux": ("flux1_cache_text_encoder_outputs",
                           "flux1_cache_text_encoder_outputs_to_disk"),
                  "sd3": ("sd3_cache_text_encoder_outputs",
                          "sd3_cache_text_encoder_outputs_to_disk")}


def _te_cache(r: _Gui, fam: str) -> None:
    b, f = r.b, r.f
    keys = _TE_CACHE_KEYS.get(fam, ())
    if b.facts.value("method", "") == "full":
        keys += ("cache_text_encoder_outputs",)
    on = next((k for k in keys if f.read(k) is True), None)
    if on is not None:
        b.explicit("cache_te_outputs", f.path(on), True,
                   note="the GUI passes cache_text_encoder_outputs to sd-scripts")
    else:
        b.default("cache_te_outputs", False, f.path(keys[0] if keys else
                                                    "cache_text_encoder_outputs"), SRC)


def _data(r: _Gui, fam: str) -> None:
    b, f, get = r.b, r.f, r.get
    cl = get("cache_latents", "cache_latents", True)
    if cl is not True and f.read("cache_latents_to_disk") is True:
        b.explicit("cache_latents", f.path("cache_latents_to_disk"), True)
    _te_cache(r, fam)
    for name, key in (("aug.flip", "flip_aug"), ("aug.color", "color_aug"),
                      ("aug.random_crop", "random_crop"),
                      ("aug.caption_shuffle", "shuffle_caption")):
        get(name, key, False)
    get("aug.caption_dropout", "caption_dropout_rate", 0.0)
    res = parse_resolution(f.read("max_resolution"))
    if res is not None:
        b.explicit("resolution", f.path("max_resolution"), res)
    else:
        default = GUI_DEFAULTS["max_resolution"]
        b.default("resolution", parse_resolution(default), ("max_resolution",),
                  f"{SRC}: max_resolution {default!r}")
