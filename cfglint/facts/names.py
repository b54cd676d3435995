"""The canonical fact table: every fact name adapters produce and rules read, as data.

Family adapters map native keys to these names; derived facts are computed from them
(``cfglint.facts.derive``). ``docs/facts.md`` is generated from this table
(``tools/gen_docs.py``), and the tests check that every name a rule reads or an
adapter produces is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactName:
    """A canonical fact: its type and meaning, as `cfglint facts` documents it."""

    name: str
    type: str
    meaning: str
    derived: bool = False
    # a restatement of other facts for messages (a product, a share): it changes only when
    # they do, so the safe-fix check compares those instead
    restates: bool = False


def _f(name: str, type_: str, meaning: str) -> FactName:
    return FactName(name, type_, meaning)


def _d(name: str, type_: str, meaning: str) -> FactName:
    return FactName(name, type_, meaning, derived=True)


def _r(name: str, type_: str, meaning: str) -> FactName:
    return FactName(name, type_, meaning, derived=True, restates=True)


FACTS: tuple[FactName, ...] = (
    # model and method
    _f("model.family", "str", "`sd15`, `sd2`, `sdxl`, `flux`, `sd3`, `wan21`, `wan22`, "
       "`hunyuan_video`, `lumina2`, `chroma`, `qwen_image`, `hidream`, `omnigen2`, `pixart`, "
       "`auraflow`, `sedd`, `sr`, `llm`, or `unknown`"),
    _f("model.arch", "str", "the native architecture value (ai-toolkit `model.arch`, BasicSR "
       "`network_g.type`, ...)"),
    _f("model.name_or_path", "str", "the base model's name or path"),
    _f("model.vae", "str", "the VAE's name or path, where the config names one"),
    _f("model.prediction", "str", "`epsilon`, `v_prediction`, `flow` (flow matching), "
       "`score_entropy`, `l1`"),
    _f("model.v_parameterization", "bool", "sd-scripts `v_parameterization` as written (the "
       "flag `verify_training_args` checks the v-prediction options against)"),
    _d("model.native_resolution", "int", "the resolution the model family was trained at "
       "(SDXL, Flux, SD3 1024; SD 1.x 512; SD 2.x 768)"),
    _f("method", "str", "`lora`, `full`, `textual_inversion`, `lokr`, `loha`, ..."),
    # learning rates and optimizer
    _f("lr", "float", "the main (UNet/transformer/generator) learning rate as the optimizer "
       "receives it"),
    _f("lr.unet", "float", "the UNet/transformer LR where set apart from `lr`"),
    _f("lr.te", "float", "the text-encoder LR where set"),
    _f("lr.te1", "float", "the first text encoder's LR (SDXL) where set"),
    _f("lr.te2", "float", "the second text encoder's LR (SDXL) where set"),
    _f("lr.configured", "float", "the LR written in the file when the trainer replaces it "
       "(ai-toolkit Prodigy/D-Adaptation with lr < 0.1 runs at 1.0)"),
    _f("optimizer.name", "str", "lower-case name as the trainer matches it (`adamw`, "
       "`adamw8bit`, `prodigy`, `dadaptadam`, `automagic`, `adafactor`, `lion`, ...)"),
    _f("optimizer.args", "dict", "extra optimizer keyword arguments (`optimizer_params`, "
       "`optimizer_args`)"),
    _f("optimizer.is_8bit", "bool", "optimizer state is 8-bit (bitsandbytes 8-bit "
       "Adam/AdamW/Lion, paged variants, ...)"),
    _f("optimizer.is_adaptive", "bool", "the optimizer sets its own step size (Prodigy, "
       "D-Adaptation, automagic, Adafactor with relative_step)"),
    _f("optimizer.eps", "float", "Adam epsilon actually used (ai-toolkit uses 1e-6 for "
       "bitsandbytes optimizers)"),
    _f("optimizer.betas", "list[float]", "Adam betas"),
    _f("optimizer.weight_decay", "float", "weight decay"),
    _f("optimizer.state_dtype", "str", "`fp32`, `fp16`, `bf16`, `8bit`"),
    # schedule and warmup
    _f("scheduler.name", "str", "lower-case (`constant`, `constant_with_warmup`, `linear`, "
       "`cosine`, `cosine_with_restarts`, `polynomial`, `multisteplr`, "
       "`cosineannealingrestartlr`, ...)"),
    _f("scheduler.num_cycles", "number", "restarts of a cyclic schedule"),
    _f("scheduler.power", "number", "power of a polynomial schedule"),
    _f("scheduler.total_steps", "int", "the horizon the scheduler is built with, when separate "
       "from the run length"),
    _f("scheduler.steps_per_opt", "int", "scheduler steps per optimizer step (accelerate "
       "steps it once per process); absent means 1"),
    _f("scheduler.milestones", "list", "BasicSR `MultiStepLR` milestones"),
    _f("scheduler.periods", "list", "BasicSR `CosineAnnealingRestartLR` periods"),
    _f("warmup.raw", "number", "the native warmup value"),
    _f("warmup.unit", "str", "`steps`, `ratio` (of the total), `percent` (of the total)"),
    _f("warmup.override", "int", "kohya_ss GUI `lr_warmup_steps`, which replaces `lr_warmup` "
       "(%) when > 0"),
    _f("warmup.ignored", "bool", "a warmup key is set but the scheduler has no warmup"),
    _f("warmup.ignored_key", "str", "the native name of that ignored warmup key"),
    _d("warmup.steps", "int", "warmup in optimizer steps, after the trainer's own conversion"),
    _r("warmup.share", "float", "warmup steps as a share of the run, at most 1"),
    _r("warmup.untuned_steps", "float", "2/(1−β2), the warmup Adam needs without tuning "
       "(Ma & Yarats 2021, arXiv 1910.04209)"),
    # run length and batch
    _f("total_steps", "int", "optimizer steps of the run (derived from epochs where needed)"),
    _f("steps.max", "int", "the step count the file writes where a trainer takes steps and "
       "epochs separately (SimpleTuner `max_train_steps`)"),
    _f("steps.loop", "int", "loop (micro-batch) steps when they differ from optimizer steps"),
    _f("epochs", "int", "epochs of the run"),
    _f("batch", "int", "per-device micro-batch"),
    _f("accum", "int", "gradient accumulation steps"),
    _f("accum.new", "int", "ai-toolkit `gradient_accumulation` as written"),
    _f("accum.legacy", "int", "ai-toolkit legacy `gradient_accumulation_steps` as written"),
    _f("processes", "int", "data-parallel processes / GPUs"),
    _f("dataset.size", "int", "training samples (images) where the config states it"),
    _f("dataset.repeats", "int", "kohya `num_repeats`"),
    _f("dataset.config", "str", "kohya `dataset_config` path"),
    _d("effective_batch", "int", "batch × accum × processes"),
    _d("steps_per_epoch", "int", "optimizer steps per epoch (stated, or from `dataset.size`)"),
    _r("total_samples", "int", "samples the run draws: total_steps × effective_batch"),
    # precision
    _f("precision.mixed", "str", "`no`, `fp16`, `bf16` (autocast / accelerate mixed "
       "precision)"),
    _f("precision.train_dtype", "str", "dtype of the trainable weights: `fp32`, `fp16`, "
       "`bf16`"),
    _f("precision.full_fp16", "bool", "sd-scripts `full_fp16`"),
    _f("precision.full_bf16", "bool", "sd-scripts `full_bf16`"),
    _f("precision.vae_dtype", "str", "dtype the VAE runs in"),
    _f("precision.no_half_vae", "bool", "sd-scripts `no_half_vae`"),
    _f("precision.grad_scaler", "bool", "the trainer uses a GradScaler (fp16 AMP)"),
    _f("precision.fp8_base", "bool", "the frozen base model is stored in fp8"),
    # clipping
    _f("grad_clip.value", "float", "max norm (or value)"),
    _f("grad_clip.semantics", "str", "`norm` (0 disables, kohya), `norm_zero_zeroes` (SEDD: "
       "`>= 0` enables, 0 zeroes every gradient), `disabled` (e.g. ai-toolkit skips clipping "
       "for adafactor), `bool_then_norm` (traiNNer `grad_clip` + `grad_clip_max_norm`)"),
    _f("grad_clip.enabled", "bool", "traiNNer `grad_clip`"),
    _f("grad_clip.method", "str", "what the clip bounds: `norm` (the gradient's global norm) or "
       "`value` (each element; SimpleTuner's default `grad_clip_method`)"),
    # EMA
    _f("ema.enabled", "bool", "an EMA of the weights is kept"),
    _f("ema.decay", "float", "EMA decay"),
    _f("ema.schedule", "str", "`constant` (ai-toolkit, BasicSR), `torch_ema` "
       "(`min(d, (1+k)/(10+k))`, SEDD), `diffusers` (`EMAModel.get_decay`), `onetrainer` "
       "(`min(d, k/(9+k))` per update), `copy_then_constant` (SimpleTuner: the EMA copies the "
       "weights until `ema.warmup_steps`, then decays at d), `ema_pytorch` (traiNNer-redux: "
       "lucidrains' ema-pytorch, `min(d, 1 − (k − ema.update_after_step)^−ema.power)` after "
       "copies up to `ema.update_after_step`)"),
    _f("ema.power", "float", "the warm-up exponent of an `ema_pytorch` schedule (traiNNer "
       "`ema_power`; 10 is practically no warm-up)"),
    _f("ema.update_after_step", "int", "updates during which an `ema_pytorch` EMA copies the "
       "weights (traiNNer `ema_update_after_step`)"),
    _f("ema.warmup_steps", "int", "optimizer steps during which the EMA copies the weights "
       "(SimpleTuner `ema_warmup_steps`)"),
    _f("ema.validation", "str", "which weights SimpleTuner's validation uses (`ema_validation`: "
       "`none`, `ema_only`, `comparison`)"),
    _f("ema.used_for_sampling", "bool", "samples / validation / eval loss use the EMA weights"),
    _f("ema.used_for_saving", "bool", "saved checkpoints are the EMA weights"),
    _f("ema.update_every", "int", "optimizer steps between EMA updates"),
    _d("ema_half_life", "float", "updates for a past step's weight to halve: ln 2 / −ln d"),
    _d("ema_mean_lag", "float", "mean age of the weights in a saturated EMA: d/(1−d) updates"),
    _r("ema.time_constant", "float", "updates the EMA averages over: 1/(1−d)"),
    _r("ema.updates", "float", "EMA updates in the run: total_steps / ema.update_every"),
    _d("ema.init_share_at_first_eval", "float", "share of the starting weights in the EMA at "
       "the first sample/validation/EMA save, under `ema.schedule`"),
    _r("ema.init_share_at_end", "float", "share of the starting weights in the EMA at the end "
       "of the run, under `ema.schedule` (constant decay: d^updates)"),
    _r("ema.final_share_first_half", "float", "share of the final EMA that comes from the "
       "starting weights and the first half of the run's updates, under `ema.schedule`"),
    _r("ema.final_share_last_tenth", "float", "share of the final EMA that comes from the last "
       "10 % of the run's updates, under `ema.schedule`"),
    # LoRA
    _f("lora.rank", "number", "linear rank"),
    _f("lora.alpha", "number", "linear alpha (the trainer's default when missing, origin "
       "`default`)"),
    _f("lora.conv_rank", "number", "convolution rank"),
    _f("lora.conv_alpha", "number", "convolution alpha"),
    _f("lora.rank_stabilized", "bool", "rsLoRA scaling α/√r"),
    _d("lora_scale", "float", "the adapter output scale α/r (α/√r with rsLoRA)"),
    _d("effective_lr", "float", "lr × lora_scale for adapters, lr for full fine-tunes; "
       "unknown for adaptive optimizers"),
    _d("effective_lr.unet", "float", "lr.unet × lora_scale"),
    _d("effective_lr.te", "float", "lr.te × lora_scale"),
    # diffusion objective
    _f("noise.scheduler", "str", "training noise scheduler"),
    _f("noise.min_snr_gamma", "float", "Min-SNR-γ loss weighting"),
    _f("noise.offset", "float", "offset noise"),
    _f("noise.adaptive_scale", "float", "sd-scripts `adaptive_noise_scale`"),
    _f("noise.timestep_sampling", "str", "how training timesteps are drawn, the trainer's own "
       "word (`sigma`, `shift`, `logit_normal`, ...)"),
    _f("noise.discrete_flow_shift", "float", "the constant timestep shift s "
       "(t' = s·t / (1 + (s−1)·t)) as written; `noise.shift_mode` says whether the trainer "
       "uses it (musubi-tuner: only with `timestep_sampling = \"shift\"`; sd-scripts' Flux "
       "scripts: with `shift` and with `sigma`, whose scheduler is built with it)"),
    _f("noise.shift_mode", "str", "the shift the run trains with: `constant` (s above), "
       "`resolution` (a shift that depends on the image size), `none`"),
    _f("noise.zero_terminal_snr", "bool", "sd-scripts `zero_terminal_snr` (rescaled betas)"),
    _f("loss.scale_v_pred_like_noise_pred", "bool", "sd-scripts "
       "`scale_v_pred_loss_like_noise_pred`"),
    _f("loss.v_pred_like_loss", "float", "sd-scripts `v_pred_like_loss` (a v-prediction-like "
       "loss term for ε-prediction)"),
    _f("noise.t_min", "float", "lowest training timestep on [0, 1] (1 = pure noise) the trainer "
       "samples (diffusion-pipe `[model] min_t`; musubi-tuner `min_timestep` / 1000, mirrored "
       "in its default `sigma` mode, which indexes a descending schedule)"),
    _f("noise.t_max", "float", "highest training timestep on [0, 1] the trainer samples"),
    _f("moe.expert", "str", "which expert of a two-expert model (Wan 2.2) the run trains: "
       "`high`, `low` or `both`"),
    _f("moe.boundary", "float", "the timestep on [0, 1] where the high-noise expert takes over "
       "(musubi-tuner `timestep_boundary`, above 1 divided by 1000)"),
    _f("moe.split", "str", "how a run that trains both experts divides its steps: `alternate` "
       "(ai-toolkit, every `moe.switch_every` steps), `timestep` (musubi-tuner: the sampled "
       "timestep picks the expert); `one` where one expert trains on its own range"),
    _f("moe.switch_every", "int", "ai-toolkit `switch_boundary_every`: steps before the other "
       "expert trains"),
    _r("moe.high_share", "float", "share of the steps that train the high-noise expert"),
    _r("moe.high_steps", "int", "steps that train the high-noise expert (total_steps × "
       "moe.high_share)"),
    _r("moe.density_ratio", "float", "updates per unit of timestep of the high-noise expert "
       "against the low-noise one"),
    _r("moe.range_in_expert", "float", "for a run that trains one expert: share of its "
       "timestep range [noise.t_min, noise.t_max] inside that expert's own range"),
    _f("noise.type", "str", "SEDD noise type (`loglinear`, `geometric`)"),
    _f("noise.sigma_min", "float", "SEDD geometric noise σ_min"),
    _f("noise.sigma_max", "float", "SEDD geometric noise σ_max"),
    # sampling, evaluation, saving
    _f("sample.scheduler", "str", "sampler used for preview samples"),
    _f("sample_every", "int", "optimizer steps between samples (derived from epochs where "
       "needed)"),
    _f("sample_start", "int", "first sample step where the trainer has one (ai-toolkit "
       "`sample_start_step`, `skip_first_sample`)"),
    _f("eval_every", "int", "optimizer steps between validations / eval losses, only where "
       "the trainer really validates (a validation dataset exists, validation is enabled)"),
    _f("eval.configured_every", "int", "the validation interval the file writes, whether or "
       "not validation can run (BasicSR/traiNNer `val.val_freq`)"),
    _f("eval.dataset_count", "int", "validation datasets the file defines (BasicSR/traiNNer "
       "`datasets.val*` entries)"),
    _f("eval.metrics", "bool", "traiNNer-redux computes validation metrics (`val.metrics_enabled` "
       "with `val.metrics`), which needs a paired validation dataset at start-up"),
    _f("save_every", "int", "optimizer steps between saved checkpoints"),
    _f("sample_every_epochs", "number", "sample interval given in epochs"),
    _f("eval_every_epochs", "number", "validation interval given in epochs"),
    _f("save_every_epochs", "number", "save interval given in epochs"),
    _d("first_eval_step", "int", "first step at which samples, validation or (where the EMA is "
       "saved) a checkpoint are made"),
    # data and caching
    _f("cache_latents", "bool", "VAE latents are cached"),
    _f("cache_te_outputs", "bool", "text-encoder outputs are cached"),
    _f("aug.flip", "bool", "per-step horizontal flips"),
    _f("aug.color", "bool", "per-step colour augmentation"),
    _f("aug.random_crop", "bool", "per-step random crops"),
    _f("aug.caption_shuffle", "bool", "captions shuffled per step"),
    _f("aug.caption_dropout", "float", "caption dropout rate"),
    _f("aug.token_warmup", "bool", "caption token warmup"),
    _f("train_te", "bool", "the text encoder(s) are trained"),
    _f("text.clip_skip", "int", "sd-scripts `clip_skip`: the text-encoder layer counted from the "
       "end whose output conditions the model"),
    _f("resolution", "int", "training resolution (the larger side)"),
    _f("resolution.type", "str", "how a resolution is counted: `pixel` (the shorter side), "
       "`area` (megapixels) or `pixel_area` (SimpleTuner `resolution_type`)"),
    # hardware the run is meant for (settings `target-gpu`)
    _f("gpu.name", "str", "the GPU named by the settings key `target-gpu`"),
    _f("gpu.compute_capability", "float", "its compute capability"),
    _f("gpu.bf16", "bool", "it has native bf16 (compute capability 8.0 or newer)"),
    # SEDD
    _f("sedd.variant", "str", "`upstream` (Hydra) or `protein_lig_sedd` (a fork loaded with "
       "`yaml.safe_load`)"),
    _f("sedd.train_batch", "int", "SEDD `training.batch_size` (global)"),
    _f("sedd.eval_batch", "int", "SEDD `eval.batch_size` (global)"),
    _f("sedd.ngpus", "int", "SEDD `ngpus`"),
    _f("sedd.accum", "int", "SEDD `training.accum`"),
    _f("curriculum.enabled", "bool", "a noise-level curriculum is on (protein_lig_sedd)"),
    _f("curriculum.preschool_time", "int", "steps over which the curriculum ramps up"),
    _f("curriculum.difficulty_ramp", "str", "`linear`, `exponential` or `cosine`"),
)

CANONICAL: frozenset[str] = frozenset(f.name for f in FACTS)
RESTATED: frozenset[str] = frozenset(f.name for f in FACTS if f.restates)
