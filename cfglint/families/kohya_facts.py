"""Canonical facts of a kohya-ss/sd-scripts ``--config_file`` TOML, and of a
``--dataset_config`` TOML read alone (family ``kohya-dataset``).

``sd-scripts:library/train_util.py::read_config_from_file`` flattens every top-level
table into the argparse namespace (section names are decoration; a later duplicate
wins), so keys are looked up in any section. Defaults are the argparse defaults of
``sd-scripts:library/train_util.py`` and ``sd-scripts:train_network.py``
(research/keys/sd-scripts.json).
"""

from __future__ import annotations

from typing import Any

from cfglint.facts.builder import (
    MISSING,
    FactBuilder,
    as_bool,
    as_int,
    as_number,
    model_family,
    norm_mixed,
    optimizer_is_8bit,
    optimizer_is_adam,
    optimizer_is_adaptive,
    parse_kv_args,
    prediction_for,
)
from cfglint.facts.model import Facts, Unknown
from cfglint.source.document import Document, KeyPath, Mapping, Sequence, resolve_alias

SRC = "sd-scripts:library/train_util.py"
SRC_NET = "sd-scripts:train_network.py"

# Keys only the Flux / SD3 scripts read (research/keys/sd-scripts.json `scripts`).
_FLUX_KEYS = frozenset({"ae", "t5xxl_max_token_length", "apply_t5_attn_mask", "guidance_scale",
                        "discrete_flow_shift", "model_prediction_type", "split_mode",
                        "blocks_to_swap", "cpu_offload_checkpointing"})
_SD3_KEYS = frozenset({"clip_g", "save_clip", "save_t5xxl", "clip_g_dropout_rate",
                       "t5_dropout_rate", "enable_scaled_pos_embed"})
_SDXL_KEYS = frozenset({"text_encoder_lr1", "text_encoder_lr2", "train_text_encoder",
                        "learning_rate_te1", "learning_rate_te2", "block_lr"})


def flat_index(doc: Document) -> dict[str, KeyPath]:
    """sd-scripts' view of the TOML: key name → path of the entry that wins."""
    out: dict[str, KeyPath] = {}
    root = resolve_alias(doc.root)
    if not isinstance(root, Mapping):
        return out
    for e in root.entries:
        v = resolve_alias(e.value)
        if isinstance(v, Mapping) and not v.flow:
            for inner in v.entries:
                out[inner.name] = (e.name, inner.name)
        else:
            out[e.name] = (e.name,)
    return out


class _Flat:
    def __init__(self, b: FactBuilder, index: dict[str, KeyPath]) -> None:
        self.b = b
        self.index = index

    def path(self, key: str) -> KeyPath:
        return self.index.get(key, (key,))

    def read(self, key: str) -> Any:
        return self.b.read(self.path(key)) if key in self.index else MISSING

    def has(self, key: str) -> bool:
        return self.read(key) is not MISSING

    def get(self, name: str, key: str, default: Any = MISSING, source: str = SRC,
            convert: Any = None, note: str = "") -> Any:
        return self.b.get(name, self.path(key), default, convert=convert, source=source,
                          note=note)


def facts(doc: Document, family: str) -> Facts:
    if family == "kohya-dataset":
        return dataset_facts(doc, family)
    b = FactBuilder(doc, family)
    f = _Flat(b, flat_index(doc))
    keys = set(f.index)

    # --- model ---------------------------------------------------------------------------
    model_path = f.read("pretrained_model_name_or_path")
    fam = "unknown"
    why = ""
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

    # --- method / network ----------------------------------------------------------------
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

    # --- optimizer -----------------------------------------------------------------------
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
    _opt_kwargs(b, f, opt_s, adict)

    # --- learning rates ------------------------------------------------------------------
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

    # --- schedule and steps --------------------------------------------------------------
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
                    doc.path, f.path("max_train_epochs"), b.fact("epochs").span,  # type: ignore[union-attr]
                    "max_train_epochs overrides max_train_steps; steps per epoch need the "
                    "dataset")
    else:
        f.get("total_steps", "max_train_steps", 1600,
              source=f"{SRC}; neither max_train_steps nor max_train_epochs: 1600 steps")
    f.get("batch", "train_batch_size", 1)
    f.get("accum", "gradient_accumulation_steps", 1)
    # accelerate steps the scheduler once per process per optimizer step (rules.md CFG308);
    # the process count comes from `accelerate launch`, not from this file.

    # --- precision -----------------------------------------------------------------------
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

    # --- noise ---------------------------------------------------------------------------
    f.get("noise.offset", "noise_offset")
    f.get("noise.min_snr_gamma", "min_snr_gamma")
    if fam == "flux" or "timestep_sampling" in keys:
        f.get("noise.timestep_sampling", "timestep_sampling", "sigma",
              source="sd-scripts:library/flux_train_utils.py")

    # --- sampling / saving ---------------------------------------------------------------
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

    # --- data ----------------------------------------------------------------------------
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
    res = f.read("resolution")
    r = parse_resolution(res)
    if r is not None:
        b.explicit("resolution", f.path("resolution"), r)
    if f.has("dataset_config"):
        b.explicit("dataset.config", f.path("dataset_config"))
    return b.facts


def _opt_kwargs(b: FactBuilder, f: _Flat, opt: str, args: dict[str, Any]) -> None:
    path = f.path("optimizer_args")
    if "eps" in args:
        b.explicit("optimizer.eps", path, args["eps"])
    elif optimizer_is_adam(opt) and not optimizer_is_adaptive(opt, args, True):
        b.default("optimizer.eps", 1e-8, path, "torch/bitsandbytes AdamW default eps=1e-8")
    if "betas" in args:
        b.explicit("optimizer.betas", path, args["betas"])
    if "weight_decay" in args:
        b.explicit("optimizer.weight_decay", path, args["weight_decay"])


def parse_resolution(value: Any) -> int | None:
    """sd-scripts ``resolution`` (``"512"``, ``"1024,768"``, an int or a list): larger side."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
        try:
            nums = [int(float(p)) for p in parts]
        except ValueError:
            return None
        return max(nums) if nums else None
    if isinstance(value, list):
        ints = [as_int(v) for v in value]
        good = [i for i in ints if i is not None]
        return max(good) if good else None
    return as_int(value)


_DS_BOOL = (("aug.flip", "flip_aug"), ("aug.color", "color_aug"),
            ("aug.random_crop", "random_crop"), ("aug.caption_shuffle", "shuffle_caption"))


def dataset_facts(doc: Document, family: str) -> Facts:
    """What a ``--dataset_config`` contributes when read alone: batch, resolution, repeats
    and the per-step augmentations (``sd-scripts:library/config_util.py``; [general]
    values ascend into every dataset and subset unless overridden)."""
    b = FactBuilder(doc, family)
    general: KeyPath = ("general",)
    datasets = resolve_alias(doc.find(("datasets",)))
    ds_paths: list[KeyPath] = []
    if isinstance(datasets, Sequence):
        ds_paths = [("datasets", i) for i in range(len(datasets.items))]
    subset_paths: list[KeyPath] = []
    for d in ds_paths:
        subs = resolve_alias(doc.find((*d, "subsets")))
        if isinstance(subs, Sequence):
            subset_paths += [(*d, "subsets", j) for j in range(len(subs.items))]

    def pick(name: str, key: str, scopes: list[KeyPath], conv: Any = None) -> None:
        """One value for ``key`` across ``scopes`` (else [general]); Unknown if they differ."""
        found: list[tuple[KeyPath, Any]] = []
        for s in scopes:
            v = b.read((*s, key))
            if v is not MISSING:
                found.append(((*s, key), conv(v) if conv else v))
        if not found:
            v = b.read((*general, key))
            if v is not MISSING:
                b.explicit(name, (*general, key), conv(v) if conv else v)
            return
        values = {repr(v) for _, v in found}
        if len(values) == 1 and (len(found) == len(scopes) or not b.has((*general, key))):
            b.explicit(name, found[0][0], found[0][1])
        else:
            b.facts.set(name, Unknown(f"{key} differs across datasets"), "explicit", doc.path,
                        found[0][0], b.node(found[0][0]).span,  # type: ignore[union-attr]
                        "values: " + ", ".join(sorted(values)))

    pick("batch", "batch_size", ds_paths)
    pick("resolution", "resolution", ds_paths, parse_resolution)
    pick("dataset.repeats", "num_repeats", subset_paths)
    for name, key in _DS_BOOL:
        hits = [(*s, key) for s in [general, *ds_paths, *subset_paths]
                if as_bool(b.read((*s, key))) is True]
        if hits:
            b.explicit(name, hits[0], True, note=f"{len(hits)} scope(s) enable {key}")
    rates = [((*s, "caption_dropout_rate"), as_number(b.read((*s, "caption_dropout_rate"))))
             for s in [general, *ds_paths, *subset_paths]]
    pos = [(p, r) for p, r in rates if r is not None and r > 0]
    if pos:
        b.explicit("aug.caption_dropout", pos[0][0], pos[0][1])
    if "batch" not in b.facts and ds_paths:
        b.default("batch", 1, ds_paths[0] + ("batch_size",),
                  "trainer default (train_batch_size of the --config_file, 1)")
    return b.facts
