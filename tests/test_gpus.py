"""The settings key ``target-gpu``: GPU names and compute capabilities, and bf16 support."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfglint.gpus import Gpu, parse_gpu
from cfglint.settings import load_settings_file


@pytest.mark.parametrize(("value", "cc"), [
    ("T4", 7.5), ("Tesla V100-SXM2-16GB", 7.0), ("NVIDIA GeForce RTX 2080 Ti", 7.5),
    ("RTX 3090", 8.6), ("rtx-4090", 8.9), ("A100", 8.0), ("a10g", 8.6), ("H100", 9.0),
    ("RTX 6000 Ada", 8.9), ("GTX 1080 Ti", 6.1), ("P100", 6.0),
])
def test_gpu_names_give_their_compute_capability(value: str, cc: float) -> None:
    assert parse_gpu(value).compute_capability == cc


@pytest.mark.parametrize(("value", "cc"), [
    (7.5, 7.5), (8, 8.0), ("7.5", 7.5), ("sm_75", 7.5), ("75", 7.5), ("sm_120", 12.0),
    ("cc8.6", 8.6),
])
def test_compute_capabilities_in_every_common_spelling(value: object, cc: float) -> None:
    assert parse_gpu(value).compute_capability == cc


@pytest.mark.parametrize(("value", "bf16"), [
    ("V100", False), ("T4", False), ("RTX 2070", False), ("A100", True), ("RTX 3060", True),
    (7.5, False), (8.0, True),
])
def test_native_bf16_starts_with_ampere(value: object, bf16: bool) -> None:
    assert parse_gpu(value).bf16 is bf16


def test_an_unknown_gpu_name_suggests_the_closest_card() -> None:
    with pytest.raises(ValueError, match=r"unknown GPU `Z100`.*did you mean `v100`"):
        parse_gpu("Z100")


@pytest.mark.parametrize("value", [True, None, [8.0], -1, 0, "sm_1000", float("nan"), "999.5"])
def test_values_that_name_no_gpu_are_rejected(value: object) -> None:
    with pytest.raises(ValueError, match="target-gpu"):
        parse_gpu(value)


@given(st.one_of(st.text(max_size=20), st.floats(), st.integers(), st.booleans(), st.none()))
def test_any_value_gives_a_gpu_or_a_value_error(value: object) -> None:
    try:
        gpu = parse_gpu(value)
    except ValueError as err:
        assert "target-gpu" in str(err)
    else:
        assert isinstance(gpu, Gpu) and 1.0 <= gpu.compute_capability < 20.0


def test_settings_file_target_gpu_is_parsed(tmp_path) -> None:
    path = tmp_path / "cfglint.toml"
    path.write_text('target-gpu = "T4"\n', encoding="utf-8")
    settings = load_settings_file(str(path))
    assert settings is not None and settings.target_gpu == Gpu("T4", 7.5)
