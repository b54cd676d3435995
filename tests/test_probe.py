"""Probe runs on CPU at --size tiny: each failure mode of rules.md §1.I is reproduced.

Runs are shared through module-scoped fixtures and kept short (tiny surrogates, few
steps, short pre-training) so the file fits the CI budget on 2 CPU cores.
"""

from __future__ import annotations

import json
import sys
import textwrap
import time
import types
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch", reason="the probe needs torch (the probe extra)")

import torch
from click.testing import CliRunner
from facts_helpers import facts_of

from cfglint.facts.model import Facts
from cfglint.probe import SCOPE_STATEMENT
from cfglint.probe.command import probe
from cfglint.probe.engine import execute, exit_code
from cfglint.probe.optim import MissingExtra
from cfglint.probe.report import render_json, render_text
from cfglint.probe.run import Options
from cfglint.probe.spec import ProbeSpec, spec_from_facts

FAST = Options(size="tiny", steps=24, pretrain_steps=20, ladder=(1.0,))


def _spec(family: str = "kohya", **values: Any) -> ProbeSpec:
    facts = Facts(family)
    defaults = {"model.family": "sdxl", "lr": 1e-4, "lora.rank": 16, "lora.alpha": 16}
    if family == "sedd":
        defaults = {"model.family": "sedd", "method": "full", "lr": 3e-4}
    for name, value in {**defaults, **{k.replace("__", "."): v for k, v in values.items()}}.items():
        facts.set(name, value)
    return spec_from_facts(facts)


def _checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in report["checks"]}


@pytest.fixture(scope="module")
def sane() -> dict[str, Any]:
    spec = _spec(precision__mixed="bf16", noise__min_snr_gamma=5.0, noise__offset=0.05)
    return execute(spec, FAST)


@pytest.fixture(scope="module")
def high_lr() -> dict[str, Any]:
    spec = _spec(model__family="flux", lr=3e-3, precision__mixed="bf16")
    return execute(spec, Options(size="tiny", steps=30, pretrain_steps=20,
                                 ladder=(1.0, 3.0, 10.0)))


def test_sane_bf16_lora_config_passes_every_check(sane: dict[str, Any]) -> None:
    assert sane["verdict"] == "PASS", render_text(sane)
    assert all(c["status"] == "PASS" for c in sane["checks"])
    recs = sane["runs"][0]["records"]
    assert len(recs) == FAST.steps
    assert recs[-1]["delta_ratio"] > 0, "adapters moved"
    assert exit_code(sane) == 0


def test_fp32_full_fine_tune_of_sr_model_passes() -> None:
    report = execute(_spec("basicsr", model__family="sr", method="full"), FAST)
    assert report["verdict"] == "PASS", render_text(report)
    assert _checks(report)["P906"]["status"] == "PASS"


@pytest.fixture(scope="module")
def fp16_weights() -> dict[str, Any]:
    """fp16 trainable weights under a GradScaler: the first step raises."""
    return execute(_spec(precision__mixed="fp16", precision__train_dtype="fp16",
                         precision__grad_scaler=True), FAST)


@pytest.fixture(scope="module")
def flux_fp16() -> dict[str, Any]:
    """The Flux surrogate under fp16 autocast: its activations overflow fp16."""
    return execute(_spec(model__family="flux", precision__mixed="fp16"), FAST)


def test_fp16_trainable_weights_with_grad_scaler_fail_naming_the_cause(
        fp16_weights: dict[str, Any]) -> None:
    report = fp16_weights
    check = _checks(report)["P900"]
    assert report["verdict"] == "FAIL" and check["status"] == "FAIL"
    assert "unscale FP16 gradients" in check["message"] and "CFG403" in check["message"]
    assert exit_code(report) == 2


def test_kohya_full_fp16_patch_lets_the_scaler_run_but_eps_1e8_goes_non_finite() -> None:
    spec = _spec(precision__mixed="fp16", precision__full_fp16=True, optimizer__eps=1e-8)
    assert spec.train_dtype == "fp16" and spec.scaler_allows_fp16
    report = execute(spec, FAST)
    p901 = _checks(report)["P901"]
    assert p901["status"] == "FAIL" and "CFG214" in p901["message"]
    assert _checks(report)["P900"]["status"] == "PASS", "the patched scaler must not raise"


def test_eps_1e8_with_fp32_master_weights_under_fp16_amp_stays_finite() -> None:
    spec = _spec(precision__mixed="fp16", optimizer__eps=1e-8)
    assert spec.train_dtype == "fp32" and spec.grad_scaler
    report = execute(spec, FAST)
    assert report["verdict"] == "PASS", render_text(report)
    assert _checks(report)["P902"]["message"].startswith("0/")


def test_sedd_grad_clip_zero_trains_nothing() -> None:
    spec = _spec("sedd", grad_clip__value=0.0, precision__mixed="bf16")
    report = execute(spec, FAST)
    p906 = _checks(report)["P906"]
    assert p906["status"] == "FAIL" and "grad_clip 0" in p906["message"]
    assert report["verdict"] == "FAIL"
    healthy = execute(_spec("sedd", grad_clip__value=-1.0, precision__mixed="bf16"), FAST)
    assert _checks(healthy)["P906"]["status"] == "PASS"


def test_flux_in_fp16_overflows_and_the_scaler_collapses(flux_fp16: dict[str, Any]) -> None:
    checks = _checks(flux_fp16)
    assert checks["P903"]["status"] == "FAIL"
    assert checks["P902"]["status"] == "FAIL"
    assert "massive" in checks["P901"]["message"], "the overflowing module is named"
    assert "anomaly mode" in checks["P901"]["message"]


def test_flux_in_bf16_reports_the_missing_fp16_headroom_without_failing(
        sane: dict[str, Any]) -> None:
    report = execute(_spec(model__family="flux", precision__mixed="bf16"), FAST)
    p903 = _checks(report)["P903"]
    assert p903["status"] == "PASS" and "fp16 would overflow" in p903["message"]
    assert report["precision"]["fp16_headroom_bits"] < 0
    assert sane["precision"]["fp16_headroom_bits"] > 3


def test_ladder_finds_a_finite_margin_for_a_very_high_lr(high_lr: dict[str, Any]) -> None:
    margin = high_lr["margin"]
    assert margin in (1.0, 3.0, 10.0), render_text(high_lr)
    tripped = [x["multiplier"] for x in high_lr["ladder"] if x["tripped"]]
    assert tripped == [margin]
    p909 = _checks(high_lr)["P909"]
    assert f"{margin:g}x" in p909["message"]


def test_wan22_trains_both_experts() -> None:
    report = execute(_spec("ai-toolkit", model__family="wan22", precision__mixed="bf16"), FAST)
    assert _checks(report)["P906"]["status"] == "PASS", render_text(report)
    names = {n for r in report["runs"][0]["records"] for n in r["act_absmax"]}
    assert any(n.startswith("high.") for n in names) and any(n.startswith("low.") for n in names)


def test_missing_bitsandbytes_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "bitsandbytes", None)
    with pytest.raises(MissingExtra, match=r"cfglint-ml\[probe-8bit\]"):
        execute(_spec(optimizer__name="adamw8bit"), FAST)


def test_bitsandbytes_optimizer_is_built_with_the_trainers_eps(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    class FakeAdamW8bit(torch.optim.AdamW):
        def __init__(self, params: Any, lr: float = 1e-3, eps: float = 1e-8, **kw: Any) -> None:
            seen["eps"] = eps
            super().__init__(params, lr=lr, eps=eps, **kw)

    fake = types.ModuleType("bitsandbytes")
    fake.optim = types.SimpleNamespace(AdamW8bit=FakeAdamW8bit)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bitsandbytes", fake)
    text = ("job: extension\nconfig:\n  process:\n    - type: sd_trainer\n      network: "
            "{type: lora, linear: 16, linear_alpha: 16}\n      train: {optimizer: adamw8bit, "
            "lr: 1e-4, dtype: bf16}\n      model: {arch: sdxl}\n")
    spec = spec_from_facts(facts_of(text, "yaml", "ai-toolkit")[1])
    report = execute(spec, Options(size="tiny", steps=4, pretrain_steps=2, ladder=(1.0,)))
    assert seen["eps"] == 1e-6
    assert report["verdict"] != "ERROR"


def test_prodigy_d_is_tracked_and_missing_prodigyopt_names_the_extra(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "prodigyopt", None)
    with pytest.raises(MissingExtra, match=r"cfglint-ml\[probe-prodigy\]"):
        execute(_spec(optimizer__name="prodigy", lr=1.0), FAST)

    class FakeProdigy(torch.optim.SGD):
        """Stands in for prodigyopt: keeps d at d0 like a Prodigy that never adapts."""

        def __init__(self, params: Any, lr: float = 1.0, d0: float = 1e-6) -> None:
            super().__init__(params, lr=lr * d0)
            for group in self.param_groups:
                group["d"] = d0

    monkeypatch.setitem(sys.modules, "prodigyopt", types.SimpleNamespace(Prodigy=FakeProdigy))
    report = execute(_spec(optimizer__name="prodigy", lr=1.0, precision__mixed="bf16"), FAST)
    assert _checks(report)["P907"]["status"] == "WARN"


HOOK = textwrap.dedent('''
    import torch
    from torch import nn

    class Tiny(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(16, 32)
            self.fc2 = nn.Linear(32, 16)

        def modules_to_adapt(self):
            return [("fc1", self.fc1), ("fc2", self.fc2)]

        def sample_batch(self, batch_size, gen):
            return {"x": torch.randn(batch_size, 16, generator=gen)}

        def loss(self, batch, step):
            return (self.fc2(torch.relu(self.fc1(batch["x"]))) - batch["x"]).pow(2).mean()

        def activation_probes(self):
            return [self.fc1]

    def factory(spec):
        assert spec.lora_rank == 16
        return Tiny()

    def broken(spec):
        raise RuntimeError("hook exploded")
''')


@pytest.fixture(scope="module")
def hook_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hook")
    (folder / "probe_hook_mod.py").write_text(HOOK)
    return folder


def test_user_model_hook_runs_in_a_subprocess(hook_module: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from cfglint.probe.hook import run_hook

    monkeypatch.chdir(hook_module)
    report = run_hook(_spec(precision__mixed="bf16"), FAST, "probe_hook_mod:factory", 120)
    assert report["verdict"] == "PASS", report.get("error")
    assert "probe_hook_mod:factory" in report["surrogate"]
    assert len(report["runs"][0]["records"]) == FAST.steps
    assert "probe_hook_mod" not in sys.modules, "user code never enters this process"


def test_crashing_user_hook_is_reported_not_raised(hook_module: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from cfglint.probe.hook import run_hook

    monkeypatch.chdir(hook_module)
    report = run_hook(_spec(), FAST, "probe_hook_mod:broken", 120)
    assert report["verdict"] == "ERROR" and "hook exploded" in report["error"]
    assert exit_code(report) == 3
    missing = run_hook(_spec(), FAST, "no_such_module_xyz:factory", 120)
    assert missing["verdict"] == "ERROR" and "No module named" in missing["error"]


def test_text_report_shows_facts_checks_margin_and_scope(sane: dict[str, Any]) -> None:
    text = render_text(sane, "cfg.toml")
    for code in [f"P9{n:02d}" for n in range(11)]:
        assert code in text
    assert SCOPE_STATEMENT in text
    assert "Resolved facts" in text and "probe-default" in text
    assert "Stability margin" in text
    data = json.loads(render_json(sane))
    assert data["verdict"] == "PASS" and data["scope"] == SCOPE_STATEMENT


def test_plot_writes_a_png(high_lr: dict[str, Any], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="--plot needs matplotlib (the plot extra)")
    from cfglint.probe.plot import write_plot

    out = tmp_path / "probe.png"
    labels = write_plot(high_lr, str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert high_lr["verdict"] != "FAIL" and "what failed" not in labels
    assert labels[0].startswith(f"cfglint probe: {high_lr['verdict']} (margin")


def _plot(report: dict[str, Any], out: Path) -> tuple[list[str], str]:
    """Write the plot; return its labels and the Title stored in the PNG."""
    pytest.importorskip("matplotlib", reason="--plot needs matplotlib (the plot extra)")
    from PIL import Image

    from cfglint.probe.plot import write_plot

    labels = write_plot(report, str(out))
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size[0] > 100 and image.size[1] > 100
        return labels, str(image.info.get("Title", ""))


def test_an_fp16_overflow_plot_shows_activation_absmax_per_layer_against_65504(
        flux_fp16: dict[str, Any], tmp_path: Path) -> None:
    labels, title = _plot(flux_fp16, tmp_path / "fail.png")
    assert title == labels[0] and title.startswith("cfglint probe: FAIL (")
    assert "P903 fp16-headroom" in title and "P901 non-finite" in title
    first = flux_fp16["runs"][0]["first_nonfinite_step"]
    assert f"first non-finite value at step {first}: forward: core.blocks.0.massive" in title
    assert labels[1:3] == ["what failed", "activation absmax"]
    assert "loss" in labels and "GradScaler scale" in labels


def test_a_run_that_fails_at_step_0_plots_the_error_not_empty_axes(
        fp16_weights: dict[str, Any], tmp_path: Path) -> None:
    assert not fp16_weights["runs"][0]["records"]
    labels, title = _plot(fp16_weights, tmp_path / "step0.png")
    assert "P900 step-error" in title
    assert "step 0 raised ValueError: Attempting to unscale FP16 gradients" in title
    assert labels[1:] == ["what failed"]


AITK = textwrap.dedent('''
    job: extension
    config:
      name: probe_e2e
      process:
        - type: sd_trainer
          network: {type: lora, linear: 16, linear_alpha: 16}
          train:
            batch_size: 1
            steps: 500
            optimizer: adamw
            lr: 1e-4
            dtype: bf16
            noise_scheduler: flowmatch
          model: {name_or_path: black-forest-labs/FLUX.1-dev, is_flux: true}
          sample: {sampler: flowmatch, sample_every: 100, prompts: [a photo]}
''')

KOHYA = textwrap.dedent('''
    pretrained_model_name_or_path = "sd_xl_base_1.0.safetensors"
    network_module = "networks.lora"
    network_dim = 16
    network_alpha = 16
    learning_rate = 1e-4
    optimizer_type = "AdamW"
    lr_scheduler = "cosine"
    lr_warmup_steps = 100
    max_train_steps = 1600
    mixed_precision = "fp16"
    train_batch_size = 1
''')


@pytest.mark.parametrize(("name", "text", "family", "surrogate"), [
    ("ai.yaml", AITK, "ai-toolkit", "dit"), ("k.toml", KOHYA, "kohya", "unet")],
    ids=["ai-toolkit-yaml", "kohya-toml"])
def test_probe_command_reads_the_config_end_to_end(tmp_path: Path, name: str, text: str,
                                                   family: str, surrogate: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = CliRunner().invoke(probe, [str(path), "--device", "cpu", "--size", "tiny",
                                        "--steps", "12", "--ladder", "1", "--format", "json"])
    data = json.loads(result.output)
    assert data["spec"]["trainer"] == family and data["spec"]["surrogate"] == surrogate
    assert data["verdict"] in ("PASS", "WARN"), data["checks"]
    assert result.exit_code == 0
    if family == "kohya":
        assert data["spec"]["grad_scaler"] is True and data["spec"]["warmup_steps"] == 100


def test_probe_command_rejects_an_unparseable_config_with_its_parse_error(
        tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("learning_rate = = 1\n")
    result = CliRunner().invoke(probe, [str(path), "--device", "cpu"])
    assert result.exit_code == 3
    assert "verdict: REJECTED (not run)" in result.output and "CFG001" in result.output


# SEDD's reference configuration, in its shape and with its values (a global batch of 512
# over 8 GPUs, AdamW at 3e-4 with a 2500-step warmup, grad_clip 1, EMA 0.9999), written here.
SEDD_CONFIG = textwrap.dedent('''
    defaults:
      - _self_
      - model: small
    ngpus: 8
    tokens: 50257
    training:
      batch_size: 512
      accum: 1
      n_iters: 1300001
      snapshot_freq: 50000
      log_freq: 50
      eval_freq: 100
      snapshot_sampling: True
      ema: 0.9999
    graph:
      type: absorb
    noise:
      type: loglinear
      sigma_min: 1e-4
      sigma_max: 20
    eval:
      batch_size: 512
    optim:
      weight_decay: 0
      optimizer: AdamW
      lr: 3e-4
      beta1: 0.9
      beta2: 0.999
      eps: 1e-8
      warmup: 2500
      grad_clip: 1.
''')
SEDD_MODEL = "name: small\ntype: ddit\nhidden_size: 768\nn_blocks: 12\nn_heads: 12\n"


def test_a_sedd_shaped_reference_config_gets_no_p908_warning(tmp_path: Path) -> None:
    (tmp_path / "configs" / "model").mkdir(parents=True)
    config = tmp_path / "configs" / "config.yaml"
    config.write_text(SEDD_CONFIG)
    (tmp_path / "configs" / "model" / "small.yaml").write_text(SEDD_MODEL)
    result = CliRunner().invoke(probe, [str(config), "--device", "cpu", "--size", "tiny",
                                        "--steps", "12", "--format", "json"])
    data = json.loads(result.output)
    assert data["spec"]["trainer"] == "sedd" and data["spec"]["optimizer"] == "adamw"
    p908 = _checks(data)["P908"]
    assert p908["message"].startswith("100% of steps clipped"), "clipping is what is judged"
    assert p908["status"] == "INFO", p908
    assert data["verdict"] == "PASS" and result.exit_code == 0, data["checks"]


ORPHAN_HOOK = '''
import os, subprocess, sys, time

def factory(spec):
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    with open(os.environ["CFGLINT_TEST_PIDFILE"], "w") as fh:
        fh.write(str(helper.pid))
    time.sleep(300)
'''


def test_hook_at_the_time_limit_is_killed_with_the_processes_it_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from cfglint.probe.hook import run_hook

    (tmp_path / "orphan_hook_mod.py").write_text(ORPHAN_HOOK)
    pidfile = tmp_path / "helper.pid"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CFGLINT_TEST_PIDFILE", str(pidfile))
    report = run_hook(_spec(), FAST, "orphan_hook_mod:factory", 20)
    assert report["verdict"] == "ERROR" and "did not finish within 20 s" in report["error"]
    pid = int(pidfile.read_text())
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"helper process {pid} outlived the hook")


def test_optimizer_arguments_the_optimizer_rejects_are_exit_3_with_one_line(
        tmp_path: Path) -> None:
    from cli_helpers import run_cfglint

    cfg = tmp_path / "cfg.toml"
    cfg.write_text('pretrained_model_name_or_path = "sd15.safetensors"\n'
                   'network_module = "networks.lora"\nnetwork_dim = 4\n'
                   'learning_rate = 1e-4\noptimizer_type = "AdamW"\n'
                   'optimizer_args = ["weight_decay=abc"]\nmax_train_steps = 100\n')
    proc = run_cfglint("probe", str(cfg), "--device", "cpu", "--size", "tiny", "--steps", "2",
                       "--ladder", "1", cwd=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "weight_decay" in proc.stdout
