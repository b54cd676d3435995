"""The committed OneTrainer and SimpleTuner schemas are what their builders make from the
committed key inventories (tools/data/keys), so a hand edit or a stale file fails."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _builder(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"builder_{name}",
                                                  ROOT / "tools" / "schemas" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("trainer", ["onetrainer", "simpletuner"])
def test_committed_schemas_are_fresh(trainer: str) -> None:
    module = _builder(trainer)
    built = module.build(ROOT / "tools" / "data")
    assert sorted(built) == sorted(module.SCHEMAS)
    for name, schema in built.items():
        committed = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8"))
        assert committed == schema, f"schemas/{name}.schema.json is stale: run the builder"
