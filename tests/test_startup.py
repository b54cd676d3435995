"""Start-up cost of a one-file check: ``cfglint FILE`` must not import what a YAML check
does not use (click, other subcommands, the probe, search spaces, other formats, torch)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# packages a check of one YAML training config never needs
NOT_ON_THE_CHECK_PATH = (
    "cfglint.review", "cfglint.probe", "cfglint.space", "cfglint.facts.show",
    "cfglint.report.sarif", "cfglint.report.junit", "cfglint.report.gitlab",
    "cfglint.source.python_reader", "cfglint.source.toml_reader",
    "libcst", "torch", "jsonschema", "tomlkit", "click",
)


def _modules_after_check(path: Path) -> list[str]:
    code = ("import sys\nimport cfglint.launch as launch\n"
            "def leave(done):\n    raise done  # the modules are read after the run\n"
            "launch.fast_exit = leave\n"
            f"sys.argv = ['cfglint', {str(path)!r}]\n"
            "try:\n    launch.main()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(__import__('json').dumps(sorted(sys.modules)))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return list(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_a_yaml_check_imports_no_module_it_does_not_use() -> None:
    loaded = _modules_after_check(ROOT / "examples" / "ai_toolkit_flux_lora.yaml")
    assert "cfglint.pipeline" in loaded  # the check did run
    unwanted = [m for m in loaded
                if any(m == p or m.startswith(p + ".") for p in NOT_ON_THE_CHECK_PATH)]
    assert unwanted == []
