"""Generic facts by common names, Hydra, and the user mapping (issue 4 item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from facts_helpers import doc_of, fact, facts_of, span_text

from cfglint.facts import formulas as derived
from cfglint.facts.collect import expression_functions, facts_for
from cfglint.facts.model import Unknown
from cfglint.families import get_family
from cfglint.source.read import read_path

FIXTURE = Path(__file__).parent / "fixtures" / "custom_sdxl_full.yaml"
MAPPING = {
    "ema.used_for_sampling": "quality.ema.use_ema_weights_for_inference",
    "sample_every_epochs": "validation.sample_every_n_epochs",
    "ema.schedule": "=constant",
}


def test_common_names_are_found_anywhere() -> None:
    text = "trainer:\n  optim:\n    learning_rate: 0.0003\n  batch_size: 8\nema_decay: 0.999\n"
    doc, f = facts_of(text, "yaml", "generic")
    lr = fact(f, "lr")
    assert lr.value == pytest.approx(3e-4)
    assert lr.key == ("trainer", "optim", "learning_rate")
    assert span_text(doc, lr) == "0.0003"
    assert fact(f, "batch").value == 8
    assert fact(f, "ema.schedule").origin == "derived"  # assumed constant, says so


def test_a_name_with_different_values_is_unknown() -> None:
    _, f = facts_of("a:\n  lr: 0.001\nb:\n  lr: 0.01\n", "yaml", "generic")
    lr = fact(f, "lr")
    assert isinstance(lr.value, Unknown)
    assert "a.lr" in lr.note and "b.lr" in lr.note


def test_the_same_value_at_two_places_is_kept() -> None:
    _, f = facts_of("a:\n  lr: 0.001\nb:\n  lr: 0.001\n", "yaml", "generic")
    assert fact(f, "lr").value == pytest.approx(0.001)


def test_a_sweep_names_its_first_four_places_or_counts_them_all() -> None:
    runs = "".join(f"  - lr: {v}\n" for v in ("0.1", "0.1", "0.2", "0.1", "0.3", "0.4"))
    _, f = facts_of("runs:\n" + runs, "yaml", "generic")
    note = fact(f, "lr").note
    assert isinstance(fact(f, "lr").value, Unknown)
    assert note == "runs.0.lr = 0.1; runs.1.lr = 0.1; runs.2.lr = 0.2; runs.3.lr = 0.1"
    _, f = facts_of("runs:\n" + "  - lr: 0.1\n" * 5, "yaml", "generic")
    assert fact(f, "lr").note == "found by name at 5 places"
    assert fact(f, "lr").key == ("runs", 0, "lr")


def test_a_name_below_an_alias_is_found_at_the_alias_and_with_duplicate_keys_the_last_wins(
        ) -> None:
    _, f = facts_of("base: &b\n  x: 1\nrun:\n  opt: *b\n  batch_size: 4\n", "yaml",
                      "generic")
    assert fact(f, "batch").key == ("run", "batch_size")
    _, f = facts_of("a: &b\n  lr: 0.5\nc: *b\n", "yaml", "generic")
    assert fact(f, "lr").note == "found by name at 2 places"
    _, f = facts_of("a: &b\n  lr: 0.5\nc:\n  d: *b\n  lr: 0.7\n", "yaml", "generic")
    assert fact(f, "lr").note == "a.lr = 0.5; c.d.lr = 0.5; c.lr = 0.7"
    _, f = facts_of("lr: 0.1\nlr: 0.2\nx:\n  lr: 0.2\n", "yaml", "generic")
    assert fact(f, "lr").note == "found by name at 2 places"
    assert fact(f, "lr").value == pytest.approx(0.2)


def test_generic_yaml_uses_yaml_1_1_typing() -> None:
    _, f = facts_of("learning_rate: 1e-5\n", "yaml", "generic")
    assert fact(f, "lr").value == "1e-5"  # yaml.safe_load gives a string


def test_hydra_skips_its_own_block_and_reads_floats() -> None:
    text = ("defaults:\n  - _self_\nhydra:\n  sweeper:\n    params:\n      lr: choice(1,2)\n"
            "model:\n  optimizer:\n    lr: 1e-3\ntrainer:\n  max_epochs: 10\n")
    _, f = facts_of(text, "yaml", "hydra")
    assert fact(f, "lr").value == pytest.approx(1e-3)
    assert fact(f, "epochs").value == 10


def test_custom_sdxl_fixture_with_a_mapping_reproduces_cfg101_numbers() -> None:
    doc = read_path(str(FIXTURE))
    f = facts_for(doc, get_family("generic"), MAPPING)
    used = fact(f, "ema.used_for_sampling")
    assert used.value is True
    assert used.key == ("quality", "ema", "use_ema_weights_for_inference")
    assert span_text(doc, used) == "true"
    assert fact(f, "method").value == "full"
    assert fact(f, "effective_batch").value == 24 * 4 * 5
    spe = fact(f, "steps_per_epoch").value
    assert spe == derived.steps_per_epoch(2600, 24, 4, 5)
    first = fact(f, "first_eval_step").value
    assert first == 10 * spe
    share = fact(f, "ema.init_share_at_first_eval").value
    # rules.md CFG101: samples at epoch 10 are ≈ 99 % base weights
    assert share == pytest.approx(0.99, abs=0.006)
    assert share == pytest.approx(0.9999 ** first)
    # the bound function agrees with the precomputed fact
    assert expression_functions(f)["ema_init_share"](first) == pytest.approx(share)
    assert fact(f, "ema.schedule").origin == "mapped"


def test_mapping_overrides_a_family_fact() -> None:
    text = "ngpus: 8\ntraining:\n  n_iters: 1000\n  my_batch: 1024\noptim:\n  lr: 3e-4\n"
    doc = doc_of(text, "yaml")
    f = facts_for(doc, get_family("sedd"), {"sedd.train_batch": "training.my_batch"})
    tb = fact(f, "sedd.train_batch")
    assert tb.value == 1024
    assert "mapping" in tb.note


def test_mapping_to_a_missing_key_leaves_the_fact_alone() -> None:
    doc = doc_of("learning_rate: 0.001\n", "yaml")
    f = facts_for(doc, get_family("generic"), {"lr": "nowhere.lr"})
    assert fact(f, "lr").value == pytest.approx(0.001)
