"""Probe plumbing that needs no torch: facts → spec, schedule time-warp, EMA, verdicts."""

from __future__ import annotations

import math
import subprocess
import sys

from facts_helpers import facts_of
from hypothesis import given
from hypothesis import strategies as st

from cfglint.facts.model import Facts
from cfglint.probe.checks import (
    FAIL,
    INFO,
    PASS,
    WARN,
    Check,
    clipping_hid,
    margin_check,
    run_checks,
    verdict,
)
from cfglint.probe.schedule import ema_init_share, lr_multiplier, time_warp
from cfglint.probe.spec import ProbeSpec, spec_from_facts


def _facts(family: str, **values: object) -> Facts:
    facts = Facts(family)
    for name, value in values.items():
        facts.set(name.replace("__", "."), value)
    return facts


def test_importing_cfglint_and_the_probe_command_does_not_import_torch() -> None:
    code = ("import sys, cfglint, cfglint.probe, cfglint.probe.spec, cfglint.probe.command, "
            "cfglint.probe.checks, cfglint.probe.report, cfglint.probe.schedule; "
            "sys.exit(1 if 'torch' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_spec_reads_canonical_facts_and_marks_missing_ones_as_probe_defaults() -> None:
    spec = spec_from_facts(_facts("kohya", lr=2e-4, lora__rank=32, lora__alpha=16,
                                  precision__mixed="fp16", optimizer__name="AdamW"))
    assert (spec.lr, spec.lora_rank, spec.lora_alpha, spec.mixed) == (2e-4, 32, 16, "fp16")
    assert spec.effective_lr == 2e-4 * 16 / 32
    origins = {r.name: r.origin for r in spec.resolved}
    assert origins["lr"] == "explicit"
    assert origins["precision.grad_scaler"] == "probe-default"
    assert spec.grad_scaler, "accelerate uses a GradScaler for fp16 AMP"
    assert spec.clip_semantics == "norm" and spec.grad_clip == 1.0


def _aitk(optimizer: str) -> Facts:
    text = ("job: extension\nconfig:\n  process:\n    - type: sd_trainer\n"
            f"      train: {{optimizer: {optimizer}, lr: 1e-4}}\n")
    return facts_of(text, "yaml", "ai-toolkit")[1]


def test_ai_toolkit_rewrites_of_prodigy_lr_and_bitsandbytes_eps_reach_the_spec() -> None:
    prodigy = spec_from_facts(_aitk("prodigy"))
    assert prodigy.lr == 1.0
    assert any(r.origin == "derived" and r.name == "lr" and "replaces" in r.note
               for r in prodigy.resolved)
    bnb = spec_from_facts(_aitk("adamw8bit"))
    assert bnb.optimizer_args["eps"] == 1e-6 and bnb.is_8bit
    kohya = spec_from_facts(_facts("kohya", lr=1e-4, optimizer__name="prodigy"))
    assert kohya.lr == 1e-4, "kohya does not rewrite the Prodigy lr"


def test_sedd_defaults_keep_an_ema_and_its_zeroing_clip_semantics() -> None:
    spec = spec_from_facts(_facts("sedd", model__family="sedd", grad_clip__value=0.0))
    assert spec.ema_enabled and spec.ema_schedule == "torch_ema"
    assert spec.clip_semantics == "norm_zero_zeroes" and spec.grad_clip == 0.0
    assert spec.surrogate == "sedd" and spec.prediction == "score_entropy"


def test_rank_stabilised_scale_uses_square_root_of_rank() -> None:
    spec = ProbeSpec(lr=1e-4, lora_rank=64, lora_alpha=16, rank_stabilized=True)
    assert math.isclose(spec.lora_scale, 16 / 8)


def test_spec_round_trips_through_a_dict() -> None:
    spec = spec_from_facts(_facts("kohya", lr=3e-4, model__family="flux"))
    again = ProbeSpec.from_dict(spec.to_dict())
    assert again == spec


def test_time_warp_covers_warmup_holds_peak_and_hits_first_sample_step() -> None:
    warp = time_warp("cosine", 100, warmup=500, total=10000, first_sample=2500)
    assert warp.multipliers[0] == 0.0 and warp.warmup_probe_steps >= 10
    assert warp.peak_share >= 0.5
    assert warp.sample_probe_step is not None
    assert warp.real_steps[warp.sample_probe_step] == 2500
    assert warp.real_steps == sorted(warp.real_steps)
    expected = lr_multiplier("cosine", 2500, 500, 10000)
    assert math.isclose(warp.multipliers[warp.sample_probe_step], expected)


def test_time_warp_is_the_identity_when_the_run_fits() -> None:
    warp = time_warp("constant_with_warmup", 50, warmup=10, total=50, first_sample=None)
    assert warp.real_steps == list(range(50))
    assert warp.multipliers[5] == 0.5 and warp.multipliers[20] == 1.0


def test_constant_schedule_ignores_warmup_like_the_trainers() -> None:
    assert lr_multiplier("constant", 0, 100, 1000) == 1.0
    assert lr_multiplier("linear", 550, 100, 1000) == 0.5


def test_ema_share_matches_closed_form_for_constant_decay() -> None:
    assert math.isclose(ema_init_share("constant", 0.999, 250), 0.999 ** 250)
    # torch_ema warm-up makes early decays small: the initial weights fade much faster
    assert ema_init_share("torch_ema", 0.9999, 100) < 0.01


def _record(step: int, loss: float, **extra: object) -> dict[str, object]:
    rec: dict[str, object] = {"step": step, "real_step": step, "lr": 1e-4, "loss": loss,
                              "grad_norm": 1.0, "clipped": False, "scale": None,
                              "skipped": False, "headroom_bits": None,
                              "act_absmax": {"blocks.0": 5.0}, "delta_ratio": 0.01,
                              "params_finite": True, "prodigy_d": None, "lost_update": None}
    rec.update(extra)
    return rec


def _run(records: list[dict[str, object]], **extra: object) -> dict[str, object]:
    run: dict[str, object] = {"multiplier": 1.0, "records": records, "error": None,
                              "error_step": None, "first_nonfinite_step": None,
                              "localised": None, "stopped": None, "never_grad": [],
                              "never_grad_preclip": [], "trainable_tensors": 4}
    run.update(extra)
    return run


def test_sustained_loss_rise_without_nan_is_a_divergence_warning() -> None:
    recs = [_record(i, 50.0 if i >= 12 else 1.0) for i in range(20)]
    checks = {c.code: c for c in run_checks(ProbeSpec(), _run(recs))}
    assert checks["P904"].status == WARN and checks["P904"].step == 14
    assert checks["P901"].status == PASS


def test_a_single_noisy_loss_is_not_a_divergence() -> None:
    recs = [_record(i, 1.0) for i in range(20)]
    recs[12] = _record(12, 50.0)
    checks = {c.code: c for c in run_checks(ProbeSpec(), _run(recs))}
    assert checks["P904"].status == PASS


def test_scaler_skip_streak_after_step_ten_fails_p902() -> None:
    recs = [_record(i, 1.0, scale=65536.0 / 2 ** max(0, i - 11), skipped=i > 11)
            for i in range(16)]
    checks = {c.code: c for c in run_checks(ProbeSpec(grad_scaler=True, mixed="fp16"),
                                            _run(recs))}
    assert checks["P902"].status == FAIL and checks["P902"].step == 14


def test_margin_is_the_smallest_tripping_multiplier() -> None:
    check, margin = margin_check([(1.0, False), (3.0, True)], (1.0, 3.0, 10.0))
    assert margin == 3.0 and check.status == WARN
    check, margin = margin_check([(1.0, False), (3.0, False), (10.0, False)], (1.0, 3.0, 10.0))
    assert margin is None and check.status == PASS


def _clipped(norms: list[float]) -> list[dict[str, object]]:
    return [_record(i, 1.0, grad_norm=n, clipped=n > 1.0) for i, n in enumerate(norms)]


def _p908(spec: ProbeSpec, norms: list[float]) -> Check:
    return {c.code: c for c in run_checks(spec, _run(_clipped(norms)))}["P908"]


def test_clipping_most_steps_of_an_adam_family_optimizer_is_information() -> None:
    check = _p908(ProbeSpec(optimizer="adamw", grad_clip=1.0), [40.0 + i % 3 for i in range(30)])
    assert check.status == INFO and "100% of steps clipped" in check.message
    assert "normalises the gradient's scale" in check.message
    assert verdict([check]) == PASS


def test_a_run_without_two_finite_gradient_norms_has_no_clipped_share() -> None:
    check = _p908(ProbeSpec(optimizer="sgd", grad_clip=1.0), [float("nan")])
    assert check.status == PASS and check.message.startswith("not evaluated")


def test_clipping_most_steps_of_sgd_is_a_warning() -> None:
    check = _p908(ProbeSpec(optimizer="sgd", grad_clip=1.0), [40.0] * 30)
    assert check.status == WARN and "sets the step size" in check.message


def test_clipping_that_hides_a_growing_gradient_norm_warns_under_adam_too() -> None:
    check = _p908(ProbeSpec(optimizer="adamw", grad_clip=1.0),
                  [2.0 * 1.3 ** i for i in range(30)])
    assert check.status == WARN and "clipping hides that growth" in check.message


def test_a_higher_rung_that_diverged_while_clipping_held_a_growing_norm_warns() -> None:
    spec = ProbeSpec(optimizer="adamw", grad_clip=1.0)
    info = _p908(spec, [40.0] * 30)
    steady = _run(_clipped([40.0] * 30), multiplier=3.0)
    growing = _run(_clipped([2.0 * 1.3 ** i for i in range(30)]), multiplier=10.0)
    assert clipping_hid(info, [steady]).status == INFO
    escalated = clipping_hid(info, [steady, growing])
    assert escalated.status == WARN and "at 10x the LR" in escalated.message


NORMS = st.lists(st.one_of(st.floats(min_value=0.0, max_value=1e6),
                           st.sampled_from([math.inf, math.nan])), max_size=40)


@given(NORMS, st.sampled_from(["adamw", "adamw8bit", "lion", "adafactor", "sgd", "prodigy"]))
def test_p908_never_fails_and_is_information_only_for_scale_invariant_optimizers(
        norms: list[float], optimizer: str) -> None:
    check = _p908(ProbeSpec(optimizer=optimizer, grad_clip=1.0), norms)
    assert check.status in (PASS, INFO, WARN)
    if check.status == INFO:
        assert optimizer != "sgd", "SGD steps in proportion to the gradient"
    finite = sum(1 for n in norms if math.isfinite(n))
    if optimizer == "sgd" and finite >= 2 and all(n > 1.0 for n in norms):
        assert check.status == WARN, "SGD clipped on every step is always a warning"
