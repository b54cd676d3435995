"""Invariants over arbitrary JSON for the OneTrainer and SimpleTuner families: linting never
fails, an OneTrainer number is what ``int()``/``float()`` make of the value or the default,
and the schema reports exactly the values that do not convert."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cfglint.facts.collect import facts_for
from cfglint.families import get_family
from cfglint.pipeline import lint_document
from cfglint.schema import schema_findings
from cfglint.settings import Settings
from cfglint.source.read import parse_text

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(-1e12, 1e12, allow_nan=False),
                    st.text(max_size=8), st.sampled_from(["16", " 4 ", "1e-4", "3.5", "false"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6)
OT_KEYS = st.sampled_from(["batch_size", "learning_rate", "training_method", "ema", "ema_decay",
                           "optimizer", "concepts", "latent_caching", "sample_after",
                           "learning_rate_warmup_steps", "clip_grad_norm", "model_type"])
ST_KEYS = st.sampled_from(["--lora_rank", "learning_rate", "--use_ema", "optimizer", "lr_ra",
                           "max_train_steps", "num_train_epochs", "--mixed_precision", "seed"])


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(OT_KEYS, VALUES, min_size=1, max_size=6))
def test_onetrainer_configs_of_any_values_lint_without_failing(data: dict[str, Any]) -> None:
    data = {"base_model_name": "m", "training_method": "LORA", **data}
    doc = parse_text("config.json", json.dumps(data), "json")
    result = lint_document(doc, Settings(), None)
    assert result.family == "onetrainer"


@settings(max_examples=150, deadline=None)
@given(SCALARS)
def test_onetrainer_batch_is_int_of_the_value_or_the_default(value: Any) -> None:
    data = {"base_model_name": "m", "training_method": "LORA", "batch_size": value}
    doc = parse_text("config.json", json.dumps(data), "json")
    batch = facts_for(doc, get_family("onetrainer")).get("batch")
    assert batch is not None
    expected = _int(value)
    assert batch.value == (1 if expected is None else expected)
    reported = any(f.key_text == "batch_size" for f in schema_findings(doc, "onetrainer"))
    if expected is None:
        assert reported
    elif isinstance(value, int | str):  # bools and fractions convert too, silently
        assert not reported


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(ST_KEYS, VALUES, min_size=1, max_size=6))
def test_simpletuner_configs_of_any_values_lint_without_failing(data: dict[str, Any]) -> None:
    data = {"--model_family": "flux", "--data_backend_config": "d.json", **data}
    doc = parse_text("config.json", json.dumps(data), "json")
    result = lint_document(doc, Settings(), None)
    assert result.family == "simpletuner"
