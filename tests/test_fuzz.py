"""Bounded fuzzing in the suite: mutated configs of every trainer and format (corpus files
mutated in memory when the corpus is there, generated documents always) through the check
and fix paths. No exception escapes, no internal error, fixes still load with the trainer's
loader and a second fix changes nothing. bench/fuzz.py runs the long campaign."""

from __future__ import annotations

import random
import time
from pathlib import Path

from fuzz_inputs import Input, corpus_root, corpus_seeds, inputs, run_input
from hypothesis import given, settings
from hypothesis import strategies as st

from cfglint.families import FAMILY_NAMES

BUDGET_S = 12.0


def _campaign(tmp_path: Path, seed: int, fix: bool, count: int) -> list[str]:
    rng = random.Random(seed)
    source = inputs(rng, corpus_seeds(corpus_root()), FAMILY_NAMES)
    problems: list[str] = []
    started = time.perf_counter()
    for _ in range(count):
        if time.perf_counter() - started > BUDGET_S:
            break
        inp = next(source)
        problems += [f"{p} | {inp.fmt}: {inp.text[:200]!r}"
                     for p in run_input(inp, tmp_path, fix=fix, unsafe=rng.random() < 0.5)]
    return problems


def test_mutated_configs_never_crash_the_check_path(tmp_path: Path) -> None:
    assert _campaign(tmp_path, 11, fix=False, count=300) == []


def test_mutated_configs_fix_to_loadable_idempotent_files(tmp_path: Path) -> None:
    assert _campaign(tmp_path, 12, fix=True, count=120) == []


_NUMBER = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.integers(min_value=-(10**500), max_value=10**500).map(str),
                    st.sampled_from([".nan", ".inf", "-.inf", "NaN", "Infinity", "1e309"]))
_KEYS = ["learning_rate", "lr", "train_batch_size", "max_train_steps", "network_dim",
         "gradient_accumulation_steps", "lr_warmup_steps", "ema_decay", "epoch", "lr_warmup"]


@settings(max_examples=40, deadline=None)
@given(fmt=st.sampled_from(["yaml", "toml", "json"]),
       values=st.lists(st.tuples(st.sampled_from(_KEYS), _NUMBER), min_size=1, max_size=4))
def test_any_number_in_any_key_is_a_finding_never_a_crash(
        tmp_path_factory: object, fmt: str, values: list[tuple[str, str]]) -> None:
    if fmt == "json":
        text = "{" + ", ".join(f'"{k}": {v}' for k, v in dict(values).items()) + "}"
    elif fmt == "toml":
        text = "".join(f"{k} = {v}\n" for k, v in dict(values).items())
    else:
        text = "".join(f"{k}: {v}\n" for k, v in dict(values).items())
    folder = Path(tmp_path_factory.mktemp("n"))  # type: ignore[attr-defined]
    assert run_input(Input(text, fmt), folder, fix=True) == []
