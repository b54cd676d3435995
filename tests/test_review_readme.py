"""The README's review section stays true: its workflows are valid YAML, every option it
gives cfglint exists, and every input it gives the Action is declared in action.yml."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cfglint.cli import check
from cfglint.review.command import review

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Pull request review", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```(yaml|bash)\n(.*?)```", SECTION, re.S)


def _options(command: Any) -> set[str]:
    return {o for p in command.params for o in getattr(p, "opts", []) if o.startswith("-")}


def _commands() -> list[str]:
    """Every cfglint command line in the section (continuation lines joined)."""
    text = "\n".join(body for _, body in BLOCKS).replace("\\\n", " ")
    return [ln.strip() for ln in text.splitlines() if re.search(r"\bcfglint (review|--)", ln)]


def test_the_workflows_are_valid_yaml() -> None:
    workflows = [yaml.safe_load(body) for kind, body in BLOCKS if kind == "yaml"]
    assert len(workflows) >= 5
    assert all(isinstance(w, dict) for w in workflows)


def test_every_option_given_to_cfglint_exists() -> None:
    commands = _commands()
    assert any("--post github --plan" in c for c in commands)
    for line in commands:
        command = review if "cfglint review" in line else check
        args = re.sub(r"\$\([^)]*\)", "X", line.split("cfglint", 1)[1])  # not subshells
        used = set(re.findall(r"(?<![\w-])--?[a-z][a-z-]*", args))
        assert used <= _options(command), (line, used - _options(command))


def test_every_action_input_in_the_workflows_is_declared() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    for kind, body in BLOCKS:
        if kind != "yaml":
            continue
        for job in (yaml.safe_load(body).get("jobs") or {}).values():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("OWNER/cfglint@"):
                    assert set(step.get("with", {})) <= set(action["inputs"])
