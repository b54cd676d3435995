"""kohya-ss/musubi-tuner: the ``--config_file`` TOML of its training scripts (WAN 2.x,
HunyuanVideo, FramePack, FLUX Kontext/2, Qwen-Image, Z-Image, ...) and its
``--dataset_config``.

The training TOML is read like sd-scripts' (``musubi-tuner:src/musubi_tuner/training/
parser_common.py``: every table flattened into the argparse namespace, values
unconverted, unknown keys ignored); defaults are that parser's. The dataset config has
sd-scripts' frame ([general], [[datasets]]) without subsets and is validated strictly
(``dataset/config_utils.py``). LoRA weights train in fp32 (full_fp16/full_bf16 are turned
off for network training); there is no EMA; text encoders are never trained.
"""

from __future__ import annotations

from typing import Any, ClassVar

from cfglint.facts.builder import MISSING, FactBuilder, FlatView, flat_index
from cfglint.facts.model import Facts, Unknown
from cfglint.facts.taxonomy import model_family, optimizer_is_adam, optimizer_is_adaptive
from cfglint.facts.values import as_number, norm_mixed, parse_kv_args, parse_resolution
from cfglint.families.base import (
    CERTAIN,
    ArgNotation,
    Family,
    ProbeDefaults,
    Program,
    keys_of,
    root_mapping,
)
from cfglint.repo.declare import ForkPoints
from cfglint.source.document import Document, KeyPath, Mapping, Sequence, resolve_alias

SRC = "musubi-tuner:src/musubi_tuner/training/parser_common.py"
SRC_TRAIN = "musubi-tuner:src/musubi_tuner/training/trainer_base.py"
# branches and forks add dataset keys (mask_directory for mask-weighted loss) that the
# upstream dataset schema rejects
FORKS = ForkPoints("musubi-tuner")
# the DiT checkpoint arguments (sd-scripts names its model pretrained_model_name_or_path)
DIT_KEYS = frozenset({"dit", "dit_high_noise"})
# keys of GUIs that write their own presets for musubi-tuner (not a --config_file)
FRONT_END_KEYS = frozenset({"_source_script", "dit_path", "te1_path", "t5_path",
                            "enable_lycoris"})
# dataset keys only musubi-tuner's dataset config has (sd-scripts' schema rejects them)
DATASET_KEYS = frozenset({
    "image_directory", "video_directory", "image_jsonl_file", "video_jsonl_file",
    "cache_directory", "control_directory", "target_frames", "frame_extraction",
    "frame_stride", "frame_sample", "max_frames", "source_fps", "fp_latent_window_size",
    "fp_1f_clean_indices", "fp_1f_target_index", "fp_1f_no_post", "no_resize_control",
    "control_resolution", "multiple_target", "flux_kontext_no_resize_control",
    "qwen_image_edit_no_resize_control", "qwen_image_edit_control_resolution",
})
# network modules only musubi-tuner ships, and the model family each trains
_MODULES = {"networks.lora_wan": "wan21", "networks.lora_framepack": "hunyuan_video",
            "networks.lora_qwen_image": "qwen_image", "networks.lora_zimage": "unknown",
            "networks.lora_hv_1_5": "hunyuan_video", "networks.lora_kandinsky": "unknown",
            "networks.lora_flux_2": "unknown", "networks.lora_krea2": "unknown",
            "networks.lora_ideogram4": "unknown", "networks.lora_hidream_o1": "unknown"}
_OTHER_TRAINERS = frozenset({"pretrained_model_name_or_path", "train_data_dir",
                             "reg_data_dir", "in_json"})
# Wan 2.2 tasks and their expert boundary (musubi-tuner:.../wan/configs/wan_*_A14B.py)
_A14B_BOUNDARY = {"t2v-A14B": 0.875, "i2v-A14B": 0.9}
# sampling modes that draw t in [0, 1] themselves; the default `sigma` (and any unknown
# value) indexes the scheduler's descending timesteps instead (trainer_base.py)
_T_MODES = frozenset({"uniform", "sigmoid", "shift", "flux_shift", "flux2_shift", "qwen_shift",
                      "krea2_shift", "ideogram4_shift", "logsnr", "qinglong_flux",
                      "qinglong_qwen"})


class MusubiTuner(Family):
    name: ClassVar[str] = "musubi-tuner"
    program: ClassVar[Program] = Program.MUSUBI_TUNER
    formats: ClassVar[tuple[str, ...]] = ("toml", "json")
    loader: ClassVar[str] = "musubi-tuner's TOML loader (values reach argparse unconverted)"
    schema: ClassVar[str | None] = "musubi-tuner"
    forks: ClassVar[ForkPoints | None] = FORKS
    other_schemas: ClassVar[tuple[str, ...]] = ("musubi-tuner-dataset",)
    arg_notation: ClassVar[ArgNotation | None] = "kv-list"
    args_key: ClassVar[KeyPath | None] = ("optimizer_args",)
    probe_defaults: ClassVar[ProbeDefaults] = ProbeDefaults(lr=2e-6, total_steps=1600)

    def detect(self, doc: Document) -> float:
        root = root_mapping(doc)
        if root is None:
            return 0.0
        if is_dataset_config(root):
            return CERTAIN
        if doc.format != "toml":
            return 0.0
        keys = _flat_keys(root)
        if keys & (_OTHER_TRAINERS | FRONT_END_KEYS) or "type" in keys_of(root.get("model")):
            return 0.0
        index = flat_index(doc)
        module = _scalar(doc, index.get("network_module"))
        if any(isinstance(_scalar(doc, index.get(k)), str) for k in DIT_KEYS) or (
                module in _MODULES):
            return CERTAIN
        return 0.0

    def schema_for(self, doc: Document) -> str | None:
        root = root_mapping(doc)
        return self.other_schemas[0] if root is not None and _dataset_frame(root) else self.schema

    def facts(self, doc: Document) -> Facts:
        b = FactBuilder(doc, self)
        root = root_mapping(doc)
        if root is not None and _dataset_frame(root):
            _dataset(b)
            return b.facts
        f = FlatView(b, flat_index(doc), SRC)
        fam = _model(b, f)
        _network(b, f)
        _optimizer(b, f)
        _schedule(b, f)
        _precision(b, f)
        _noise(b, f, fam)
        _cadence(b, f)
        return b.facts


def _flat_keys(root: Mapping) -> set[str]:
    keys = set(root.keys())
    for e in root.entries:
        keys |= keys_of(e.value)
    return keys


def _scalar(doc: Document, path: KeyPath | None) -> Any:
    node = resolve_alias(doc.find(path)) if path is not None else None
    return getattr(node, "value", None)


def _dataset_frame(root: Mapping) -> bool:
    keys = set(root.keys())
    return bool(keys) and keys <= {"general", "datasets"}


def is_dataset_config(root: Mapping) -> bool:
    """musubi-tuner's dataset config: [general]/[[datasets]] without subsets, with a key
    only musubi-tuner's schema has (sd-scripts' would reject it)."""
    if not _dataset_frame(root):
        return False
    datasets = resolve_alias(root.get("datasets"))
    entries = datasets.items if isinstance(datasets, Sequence) else []
    if any("subsets" in keys_of(e) for e in entries) or (
            datasets is not None and not isinstance(datasets, Sequence)):
        return False
    found = keys_of(root.get("general"))
    for e in entries:
        found |= keys_of(e)
    return bool(found & DATASET_KEYS)


def _model(b: FactBuilder, f: FlatView) -> str:
    module = f.read("network_module")
    task = f.read("task")
    task = task if isinstance(task, str) else None  # the task names a choice: a str or nothing
    dit = f.read("dit")
    fam = _MODULES.get(module, "unknown") if isinstance(module, str) else "unknown"
    why = f"network_module {module}" if fam != "unknown" else ""
    if fam == "unknown":
        fam = model_family(*(v for v in (dit,) if isinstance(v, str)))
        why = "from the dit path" if fam != "unknown" else "nothing in the file names the model"
    wan22 = task in _A14B_BOUNDARY or f.has("dit_high_noise") or _expert_of(dit) is not None
    if fam in ("wan21", "wan22") or wan22:
        fam = "wan22" if wan22 or fam == "wan22" else "wan21"
        why = "Wan 2.2: an A14B task, dit_high_noise or an expert checkpoint" if wan22 else why
    b.derived("model.family", fam, why, f.path("dit") if f.has("dit") else None)
    if fam != "unknown":
        b.derived("model.prediction", "flow", "musubi-tuner trains these models by flow "
                  "matching (velocity noise − latents)")
    _experts(b, f, task, dit)
    return fam


def _expert_of(path: Any) -> str | None:
    low = path.lower() if isinstance(path, str) else ""
    return "high" if "high_noise" in low else "low" if "low_noise" in low else None


def _experts(b: FactBuilder, f: FlatView, task: Any, dit: Any) -> None:
    """Wan 2.2: which expert this run trains and where the high-noise one takes over."""
    src = "musubi-tuner:src/musubi_tuner/wan_train_network.py"
    both = f.has("dit_high_noise")
    if both:
        b.derived("moe.expert", "both", "dit (low noise) and dit_high_noise (high noise) in one "
                  "run", f.path("dit_high_noise"))
        b.derived("moe.split", "timestep", "each step trains the expert whose range holds its "
                  f"sampled timestep ({src})", f.path("dit_high_noise"))
    elif _expert_of(dit):
        b.derived("moe.expert", _expert_of(dit), "the dit path names one expert; it trains on "
                  "min_timestep..max_timestep", f.path("dit"), b.ancestor_span(f.path("dit")))
    else:
        return
    boundary = as_number(f.read("timestep_boundary"))
    if boundary is not None:
        b.explicit("moe.boundary", f.path("timestep_boundary"),
                   boundary / 1000 if boundary > 1 else boundary,
                   note="values above 1 are divided by 1000")
    elif task in _A14B_BOUNDARY:
        b.default("moe.boundary", _A14B_BOUNDARY[task], f.path("timestep_boundary"),
                  f"the {task} task's boundary ({src})")
    elif both:
        b.facts.set("moe.boundary", Unknown("no boundary: a ValueError at start-up"),
                    "default", b.doc.path, f.path("timestep_boundary"), None,
                    f"neither timestep_boundary nor an A14B task ({src})")


def _network(b: FactBuilder, f: FlatView) -> None:
    module = f.read("network_module")
    if module is MISSING:
        return  # a full fine-tune script, or a network script that stops without a module
    mod = str(module).lower()
    args = parse_kv_args(f.read("network_args")) or {}
    algo = str(args.get("algo", "")).lower()
    method = (algo or "locon") if "lycoris" in mod else (
        "loha" if mod.endswith("loha") else "lokr" if mod.endswith("lokr") else "lora")
    b.derived("method", method, f"network_module {module}", f.path("network_module"),
              b.ancestor_span(f.path("network_module")))
    rank = f.get("lora.rank", "network_dim", 4, source="musubi-tuner:networks/lora.py "
                 "(None → 4)")
    alpha = f.get("lora.alpha", "network_alpha", 1, source=SRC)
    if as_number(alpha) == 0 and as_number(rank) is not None:
        b.derived("lora.alpha", rank, "network_alpha 0 means alpha = rank "
                  "(musubi-tuner:networks/lora.py)", f.path("network_alpha"))
    b.derived("train_te", False, "musubi-tuner trains no text encoder")


def _optimizer(b: FactBuilder, f: FlatView) -> None:
    opt = f.get("optimizer.name", "optimizer_type", "", convert=lambda v: str(v).lower(),
                source=f"{SRC}; the empty default matches no optimizer and stops the run")
    name = opt if isinstance(opt, str) else ""
    args = parse_kv_args(f.read("optimizer_args"))
    if args is not None:
        b.explicit("optimizer.args", f.path("optimizer_args"), args)
    adict = args or {}
    b.derived("optimizer.is_8bit", name.endswith("8bit"), f"optimizer {name or '(none)'} "
              f"({SRC_TRAIN}: a name ending in 8bit)")
    b.derived("optimizer.is_adaptive", optimizer_is_adaptive(name, adict, True),
              f"optimizer {name or '(none)'}")
    path = f.path("optimizer_args")
    for fact, key in (("optimizer.eps", "eps"), ("optimizer.betas", "betas"),
                      ("optimizer.weight_decay", "weight_decay")):
        if key in adict:
            b.explicit(fact, path, adict[key])
    if "eps" not in adict and optimizer_is_adam(name) and name in ("adamw", "adamw8bit"):
        b.default("optimizer.eps", 1e-8, path, "torch/bitsandbytes AdamW default eps=1e-8")


def _schedule(b: FactBuilder, f: FlatView) -> None:
    f.get("lr", "learning_rate", 2e-6)
    f.get("scheduler.name", "lr_scheduler", "constant", convert=lambda v: str(v).lower())
    warm = f.get("warmup.raw", "lr_warmup_steps", 0)
    b.derived("warmup.unit", "ratio" if isinstance(warm, float) else "steps",
              "a float lr_warmup_steps is a ratio of the run" if isinstance(warm, float)
              else "an int lr_warmup_steps counts scheduler steps", f.path("lr_warmup_steps"))
    if f.get("epochs", "max_train_epochs") is not MISSING:
        b.facts.set("total_steps", Unknown("max_train_epochs needs the dataset size"),
                    "derived", b.doc.path, f.path("max_train_epochs"), None,
                    "max_train_epochs overrides max_train_steps; steps per epoch need the "
                    "dataset")
    else:
        f.get("total_steps", "max_train_steps", 1600,
              source=f"{SRC}; neither max_train_steps nor max_train_epochs: 1600 steps")
    f.get("accum", "gradient_accumulation_steps", 1)


def _precision(b: FactBuilder, f: FlatView) -> None:
    mixed = f.read("mixed_precision")
    if mixed is MISSING:
        b.facts.set("precision.mixed", Unknown("accelerate's own config decides"), "default",
                    b.doc.path, f.path("mixed_precision"), None,
                    "unset: the mixed precision of `accelerate config`")
    else:
        b.explicit("precision.mixed", f.path("mixed_precision"), norm_mixed(mixed) or mixed)
    if f.has("network_module"):
        b.derived("precision.train_dtype", "fp32", "network weights train in fp32: "
                  f"full_fp16/full_bf16 are turned off for network training ({SRC_TRAIN})")
    fp16 = norm_mixed(mixed) == "fp16"
    b.derived("precision.grad_scaler", fp16, "accelerate uses a GradScaler for fp16 mixed "
              "precision" if fp16 else "no GradScaler without fp16 mixed precision")
    f.get("precision.fp8_base", "fp8_base", False)
    f.get("grad_clip.value", "max_grad_norm", 1.0)
    b.derived("grad_clip.semantics", "norm", "clip_grad_norm_; 0 disables clipping")
    b.derived("ema.enabled", False, "musubi-tuner has no EMA of the trained weights")


def _noise(b: FactBuilder, f: FlatView, fam: str) -> None:
    mode = f.get("noise.timestep_sampling", "timestep_sampling", "sigma", source=SRC)
    shift = f.read("discrete_flow_shift")
    if shift is not MISSING:
        b.explicit("noise.discrete_flow_shift", f.path("discrete_flow_shift"),
                   note="read only when timestep_sampling is \"shift\" (" + SRC_TRAIN + ")")
    kind = ("constant" if mode == "shift" else "none" if mode in ("sigma", "uniform", "sigmoid")
            else "resolution" if isinstance(mode, str) and mode.endswith("shift") else None)
    if kind is not None:
        b.derived("noise.shift_mode", kind, f"timestep_sampling {mode!r}",
                  f.path("timestep_sampling"))
    lo = as_number(f.read("min_timestep"))
    hi = as_number(f.read("max_timestep"))
    lo_t, hi_t = (0 if lo is None else lo) / 1000, (1000 if hi is None else hi) / 1000
    if mode in _T_MODES:
        note = "min_timestep/max_timestep / 1000"
    else:
        lo_t, hi_t = 1 - hi_t, 1 - lo_t
        note = ("sigma mode indexes the descending timesteps with [min_timestep, max_timestep),"
                " so the trained t is 1 − max/1000 … 1 − min/1000")
    for fact, key, value in (("noise.t_min", "min_timestep", lo_t),
                             ("noise.t_max", "max_timestep", hi_t)):
        if f.has(key) or f.has("min_timestep" if key == "max_timestep" else "max_timestep"):
            b.derived(fact, value, f"{note} ({SRC_TRAIN}); t on [0, 1], 1 = pure noise",
                      f.path(key))
        else:
            b.default(fact, value, f.path(key), "trainer default: every timestep")


def _cadence(b: FactBuilder, f: FlatView) -> None:
    f.get("sample_every", "sample_every_n_steps")
    f.get("sample_every_epochs", "sample_every_n_epochs", note="ORed with sample_every_n_steps")
    f.get("save_every", "save_every_n_steps")
    f.get("save_every_epochs", "save_every_n_epochs")
    if f.has("dataset_config"):
        b.explicit("dataset.config", f.path("dataset_config"))


def _dataset(b: FactBuilder) -> None:
    """What a dataset config says alone: batch, resolution and repeats, each one value
    when every dataset has the same ([general] ascends into every dataset)."""
    datasets = resolve_alias(b.doc.find(("datasets",)))
    scopes: list[KeyPath] = []
    if isinstance(datasets, Sequence):
        scopes = [("datasets", i) for i in range(len(datasets.items))]
    for fact, key, default, conv in (("batch", "batch_size", 1, None),
                                     ("resolution", "resolution", 960, parse_resolution),
                                     ("dataset.repeats", "num_repeats", 1, None)):
        _one_value(b, fact, key, default, scopes, conv)


def _one_value(b: FactBuilder, fact: str, key: str, default: Any, scopes: list[KeyPath],
               conv: Any) -> None:
    found = [((*s, key), b.read((*s, key))) for s in scopes if b.has((*s, key))]
    general = b.read(("general", key))
    if len(found) < len(scopes) or not scopes:
        found.append((("general", key), default if general is MISSING else general))
    values = {repr(conv(v) if conv else v) for _, v in found}
    if len(values) > 1:
        where = next(p for p, _ in found if b.has(p))
        b.facts.set(fact, Unknown(f"{key} differs across datasets"), "explicit", b.doc.path,
                    where, b.ancestor_span(where), "values: " + ", ".join(sorted(values)))
        return
    path, value = found[0]
    value = conv(value) if conv else value
    if b.has(path):
        b.explicit(fact, path, value)
    else:
        b.default(fact, value, path, "trainer default (musubi-tuner:src/musubi_tuner/dataset/"
                  "config_utils.py)")
