"""The settings a rule example names (``settings:`` in the rule file), as the settings file
parser would give them: ``target-gpu`` is parsed into a GPU."""

from __future__ import annotations

from cfglint.engine.catalog import Example
from cfglint.gpus import parse_gpu
from cfglint.settings import Settings


def settings_of(ex: Example) -> Settings:
    s = Settings()
    for key, value in ex.settings.items():
        setattr(s, key.replace("-", "_"), parse_gpu(value) if key == "target-gpu" else value)
    return s
