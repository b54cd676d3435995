"""Bad input for the fuzz tests and bench/fuzz.py: seed documents of every trainer and
format, a small structure-aware mutator, and the properties one input must keep.

Seeds are generated here (and, where the corpus is available, read from it and mutated in
memory only: nothing of the corpus is written into the project). Properties: no exception
escapes, no internal error, exit-code-worthy findings only; a fix that was written still
loads with the trainer's loader and a second fix changes nothing.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import tomllib

SUFFIX = {"yaml": ".yaml", "toml": ".toml", "json": ".json"}

_AITK = """job: extension
config:
  name: {name}
  process:
    - type: sd_trainer
      network: {{type: lora, linear: {rank}, linear_alpha: {alpha}}}
      train:
        batch_size: {batch}
        steps: {steps}
        lr: {lr}
        optimizer: {opt}
        gradient_accumulation_steps: {accum}
        ema_config: {{use_ema: true, ema_decay: {decay}}}
      datasets:
        - folder_path: /data/x
          resolution: [{res}, {res}]
      model: {{name_or_path: black-forest-labs/FLUX.1-dev, is_flux: true}}
      sample: {{sample_every: {every}}}
"""
_KOHYA = """[model]
pretrained_model_name_or_path = "sd_xl_base_1.0.safetensors"

[training]
learning_rate = {lr}
train_batch_size = {batch}
max_train_steps = {steps}
gradient_accumulation_steps = {accum}
lr_warmup_steps = {warmup}
lr_scheduler = "cosine"
optimizer_type = "{opt}"
network_module = "networks.lora"
network_dim = {rank}
network_alpha = {alpha}
mixed_precision = "fp16"
resolution = "{res},{res}"
optimizer_args = ["weight_decay=0.01", "betas=0.9,0.99"]
"""
_GUI = """{{
  "LoRA_type": "Standard",
  "pretrained_model_name_or_path": "runwayml/stable-diffusion-v1-5",
  "learning_rate": {lr},
  "unet_lr": "{lr}",
  "train_batch_size": {batch},
  "epoch": {epochs},
  "max_train_steps": "{steps}",
  "lr_warmup": {warmup},
  "gradient_accumulation_steps": {accum},
  "network_dim": {rank},
  "network_alpha": {alpha},
  "optimizer": "{opt}",
  "max_resolution": "{res},{res}",
  "keep_tokens": 1
}}
"""
_SEDD = """defaults:
  - _self_
  - model: small
ngpus: {accum}
training:
  batch_size: {batch}
  accum: {accum}
  n_iters: {steps}
  snapshot_freq: {every}
  ema: {decay}
optim:
  lr: {lr}
  warmup: {warmup}
  grad_clip: 1.
noise:
  type: loglinear
  sigma_min: 1e-4
  sigma_max: 20
graph:
  type: absorb
"""
_BASICSR = """name: {name}
model_type: SRModel
scale: 4
num_gpu: {accum}
datasets:
  train:
    name: DIV2K
    type: PairedImageDataset
    batch_size_per_gpu: {batch}
network_g:
  type: RRDBNet
  num_feat: 64
train:
  ema_decay: {decay}
  optim_g: {{type: Adam, lr: {lr}, betas: [0.9, 0.99]}}
  scheduler: {{type: MultiStepLR, milestones: [{warmup}, {steps}], gamma: 0.5}}
  total_iter: {steps}
  warmup_iter: -1
"""
_GENERIC = """learning_rate: {lr}
batch_size: {batch}
max_train_steps: {steps}
warmup_steps: {warmup}
ema_decay: {decay}
lora_rank: {rank}
optimizer: {opt}
"""
TEMPLATES: list[tuple[str, str]] = [("yaml", _AITK), ("toml", _KOHYA), ("json", _GUI),
                                    ("yaml", _SEDD), ("yaml", _BASICSR), ("yaml", _GENERIC)]
# numbers no trainer can use, and numbers that break naive code
ODD_NUMBERS = ["NaN", "Infinity", "-Infinity", ".nan", ".inf", "-.inf", "nan", "inf", "1e309",
               "-1", "0", "-0.0", "1e-400", "9" * 401, "1" * 4301, str(2**64), "0x" + "f" * 40,
               "1_000", "1e4", "5e-5", "00012", "1:30", "true", "null", "~", '""']
TOKENS = ["[", "]", "{", "}", ":", ": ", ",", '"', "'", "#", "- ", "&a ", "*a", "<<: *a\n",
          "!!python/object/apply:os.system ['true'] ", "!!binary ", "---\n", "...\n", "\t",
          "\r", "\r\n", "\x00", "\ufeff", "\u2028", "\u202e", "\x85", "${oc.env:HOME}", "=",
          "[[x]]\n", "[a.b]\n", '"\\ud800"', "\\", "%YAML 1.2\n", "? ", "|\n  x\n", ">-\n"]


@dataclass
class Input:
    text: str | bytes
    fmt: str
    family: str | None = None


def generated_seed(rng: random.Random) -> tuple[str, str]:
    """A config of one trainer with plausible (sometimes odd) values."""
    fmt, template = rng.choice(TEMPLATES)
    values = {
        "name": rng.choice(["run", "a b", "ü", "x" * 50]), "rank": rng.choice([4, 16, 128]),
        "alpha": rng.choice([1, 16, 32.0]), "batch": rng.choice([1, 4, 8]),
        "steps": rng.choice([100, 2000, 10000]), "accum": rng.choice([1, 2, 4]),
        "lr": rng.choice(["1e-4", "0.0001", "1.0e-4", "3e-4", "0.5"]),
        "opt": rng.choice(["adamw", "AdamW8bit", "prodigy", "lion", "sgd"]),
        "decay": rng.choice([0.999, 0.9999, 0.99]), "res": rng.choice([512, 1024]),
        "every": rng.choice([50, 250]), "warmup": rng.choice([0, 100, 0.05]),
        "epochs": rng.choice([1, 10]),
    }
    if rng.random() < 0.3:
        values[rng.choice(list(values))] = rng.choice(ODD_NUMBERS)
    return template.format(**values), fmt


def corpus_seeds(root: Path | None) -> list[tuple[str, str]]:
    """(text, format) of the corpus configs, read into memory (empty without a corpus)."""
    if root is None or not root.is_dir():
        return []
    out = []
    fmts = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}
    for path in sorted(root.rglob("*")):
        fmt = fmts.get(path.suffix.lower())
        if fmt and path.is_file() and path.stat().st_size < 64 * 1024:
            try:
                out.append((path.read_text(encoding="utf-8"), fmt))
            except (OSError, UnicodeDecodeError):
                continue
    return out


def corpus_root() -> Path | None:
    env = os.environ.get("CFGLINT_CORPUS")
    here = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    return here if here.is_dir() else None


def mutate(text: str, rng: random.Random) -> str | bytes:
    """One to three structure-aware mutations of ``text``."""
    for _ in range(rng.randint(1, 3)):
        text = _one(text, rng)
    if rng.random() < 0.03:  # invalid UTF-8 / binary
        data = text.encode("utf-8", "surrogatepass")
        i = rng.randrange(len(data) + 1)
        return data[:i] + rng.choice([b"\xff", b"\xc3", b"\x00\x01", b"\xed\xa0\x80"]) + data[i:]
    return text


def _one(text: str, rng: random.Random) -> str:
    n = len(text)
    i = rng.randrange(n + 1)
    r = rng.random()
    if r < 0.2:
        return text[:i] + rng.choice(TOKENS) + text[i:]
    if r < 0.35:  # replace a number-looking run
        import re

        nums = list(re.finditer(r"-?\d[\d._eE+-]*", text))
        if nums:
            m = rng.choice(nums)
            return text[: m.start()] + rng.choice(ODD_NUMBERS) + text[m.end():]
        return text
    if r < 0.45:
        j = min(n, i + rng.randint(1, 40))
        return text[:i] + text[j:]
    if r < 0.5:
        return text[:i]
    if r < 0.6:  # duplicate or swap lines
        lines = text.splitlines(keepends=True)
        if len(lines) > 1:
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            if rng.random() < 0.5:
                lines.insert(b, lines[a])
            else:
                lines[a], lines[b] = lines[b], lines[a]
        return "".join(lines)
    if r < 0.68:  # deep nesting
        depth = rng.choice([50, 99, 101, 150, 400, 1200])
        opener, closer = rng.choice([("[", "]"), ("{a: ", "}"), ('{"a": ', "}")])
        return text[:i] + opener * depth + "1" + closer * depth + text[i:]
    if r < 0.72:  # long line
        return text[:i] + "x" * rng.choice([1000, 100_000]) + text[i:]
    if r < 0.8:
        return text[:i] + chr(rng.randrange(1, 0x3000)) + text[i:]
    if r < 0.9 and n:  # flip a character
        return text[:i] + chr(ord(text[min(i, n - 1)]) ^ (1 << rng.randrange(7))) + text[i + 1:]
    return text[:i] + text[i:] * 2  # repeat the tail


def inputs(rng: random.Random, seeds: list[tuple[str, str]], families: tuple[str, ...]
           ) -> Iterator[Input]:
    """Endless mutated inputs: 70% from seeds when there are any, else generated."""
    while True:
        if seeds and rng.random() < 0.7:
            text, fmt = rng.choice(seeds)
        else:
            text, fmt = generated_seed(rng)
        if rng.random() < 0.08:
            fmt = rng.choice(list(SUFFIX))
        family = rng.choice(families) if rng.random() < 0.1 else None
        yield Input(mutate(text, rng), fmt, family)


def loads(fmt: str, text: str) -> object:
    """The trainer's loader for a format (raises when it rejects the text)."""
    if fmt == "toml":
        return tomllib.loads(text)
    if fmt == "json":
        return json.loads(text)
    import yaml

    return list(yaml.safe_load_all(text))


def loader_accepts(fmt: str, text: str) -> bool:
    try:
        loads(fmt, text)
    except Exception:  # any rejection: the property is not checked for this input
        return False
    return True


def run_input(inp: Input, folder: Path, fix: bool = False, unsafe: bool = False) -> list[str]:
    """Lint (or fix) one input as a file of ``folder``; what went wrong, if anything."""
    from cfglint.pipeline import RunOptions
    from cfglint.runner import Job, run_one

    path = folder / f"input{SUFFIX[inp.fmt]}"
    data = inp.text if isinstance(inp.text, bytes) else inp.text.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    job = Job(str(path), fix=fix, unsafe=unsafe, options=RunOptions(family=inp.family))
    try:
        result = run_one(job)
    except Exception as err:  # the property: nothing escapes run_one
        return [f"exception escaped: {type(err).__name__}: {err}"]
    problems = [f"internal error: {f.message}" for f in result.findings
                if result.internal_error and f.code in ("CFG004", "CFG009")]
    if fix:
        after = path.read_bytes()
        if after != data:
            before_text = data.decode("utf-8", "replace").lstrip("\ufeff")
            after_text = after.decode("utf-8", "replace").lstrip("\ufeff")
            if loader_accepts(inp.fmt, before_text) and not loader_accepts(inp.fmt, after_text):
                problems.append("the fixed file no longer loads with the trainer's loader")
            run_one(job)
            if path.read_bytes() != after:
                problems.append("a second fix changed the file again")
    return problems
