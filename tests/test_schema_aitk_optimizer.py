"""ai-toolkit matches optimizer names the way toolkit/optimizer.py does: lower-cased, some by
prefix ("prodigy...", "dadaptation...lion/adam"), every other name exactly."""

from __future__ import annotations

import pytest

from cfglint.schema import schema_findings
from cfglint.source.read import parse_text

CONFIG = ("job: extension\nconfig:\n  name: x\n  process:\n    - type: sd_trainer\n"
          "      train:\n        optimizer: {}\n")


def _codes(name: str) -> list[str]:
    doc = parse_text("a.yaml", CONFIG.format(name), "yaml")
    return [f.code for f in schema_findings(doc, "ai-toolkit")]


@pytest.mark.parametrize("name", ["adamw8bit", "AdamW", "prodigy", "prodigy_plus",
                                  "Prodigy8bitSchedulefree", "dadaptation", "DAdaptationLion",
                                  "dadaptation_adam", "automagic2", "adam8"])
def test_names_ai_toolkit_builds_are_accepted(name: str) -> None:
    assert _codes(name) == []


@pytest.mark.parametrize("name", ["adamw8bitt", "paged_adamw8bit", "dadaptationsgd", "sgd"])
def test_names_ai_toolkit_rejects_are_invalid_choices(name: str) -> None:
    assert _codes(name) == ["CFG003"]
