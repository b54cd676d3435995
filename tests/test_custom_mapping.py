"""A custom training script linted as ``generic`` through a user mapping (issue 4 item 5).

``tests/fixtures/custom_sdxl_full.yaml`` has seed 004's shape: a full SDXL fine-tune whose
script keeps a constant-decay EMA (0.9999) and samples from it every 10 epochs. With 2600
images, 24 per GPU, 5 GPUs and accumulation 4 an epoch is ⌈⌈2600/24⌉/5/4⌉ = 6 optimizer
steps, so the first sample is at step 60 and the EMA is still 0.9999^60 ≈ 99 % the starting
weights there (research/rules.md CFG101). The mapping lives in a ``cfglint.toml`` next to the
config, and cfglint runs as a real process.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from tests.cli_helpers import ROOT, codes, run_cfglint, run_json

FIXTURE = ROOT / "tests" / "fixtures" / "custom_sdxl_full.yaml"

SAMPLING_KEY = "quality.ema.use_ema_weights_for_inference"


def _project(tmp_path: Path, mapping: dict[str, str]) -> Path:
    shutil.copy(FIXTURE, tmp_path / "train.yaml")
    lines = ['family = "generic"', 'select = ["CFG101"]', "", "[mapping]"]
    lines += [f'"{k}" = "{v}"' for k, v in mapping.items()]
    (tmp_path / "cfglint.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "train.yaml"


def _cfg101(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["code"] == "CFG101"]


def test_cfg101_fires_with_the_numbers_of_the_trainer(tmp_path: Path) -> None:
    _project(tmp_path, {
        "ema.used_for_sampling": SAMPLING_KEY,
        "ema.schedule": "=constant",
        "sample_every_epochs": "validation.sample_every_n_epochs",
    })
    rc, findings = run_json("train.yaml", cwd=tmp_path)
    hits = _cfg101(findings)
    assert len(hits) == 1, findings
    hit = hits[0]
    assert rc == 1  # a warning fails the run by default
    assert hit["severity"] == "warning"
    assert hit["family"] == "generic"
    first = math.ceil(math.ceil(2600 / 24) / 5 / 4) * 10
    assert first == 60
    share = 0.9999 ** first
    assert round(100 * share) == 99
    msg = hit["message"]
    assert f"step {first}" in msg
    assert "99% of the starting weights" in msg
    assert "0.9999" in msg
    assert "half-life 6931 updates" in msg
    # the mapping says the schedule, so no "constant decay assumed" caveat
    assert "assumed" not in msg
    # the finding points at the decay the user would change
    assert hit["key"] == "quality.ema.decay"
    # the monitoring-only key makes the fix safe: it changes what the previews show
    assert hit["fix"] is not None and hit["fix"]["safety"] == "safe"


def test_safe_fix_switches_the_previews_to_the_raw_weights_and_nothing_else(
        tmp_path: Path) -> None:
    path = _project(tmp_path, {"ema.used_for_sampling": SAMPLING_KEY,
                               "ema.schedule": "=constant"})
    before = path.read_text(encoding="utf-8")
    proc = run_cfglint("--fix", "train.yaml", cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("use_ema_weights_for_inference: true",
                                   "use_ema_weights_for_inference: false")
    rc, findings = run_json("train.yaml", cwd=tmp_path)
    assert _cfg101(findings) == []
    assert rc == 0


def test_not_fired_when_the_mapping_says_samples_do_not_use_the_ema(tmp_path: Path) -> None:
    _project(tmp_path, {"ema.used_for_sampling": "=false", "ema.schedule": "=constant"})
    rc, findings = run_json("train.yaml", cwd=tmp_path)
    assert "CFG101" not in codes(findings), findings
    assert rc == 0


def test_not_fired_when_the_mapping_says_the_decay_warms_up(tmp_path: Path) -> None:
    # diffusers' EMAModel warms its decay up ((1+s)/(10+s)), so at step 60 the starting
    # weights are long gone: the seed's 1 - decay^N story does not apply
    _project(tmp_path, {"ema.used_for_sampling": SAMPLING_KEY, "ema.schedule": "=diffusers"})
    rc, findings = run_json("train.yaml", cwd=tmp_path)
    assert "CFG101" not in codes(findings), findings
    assert rc == 0
