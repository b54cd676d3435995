"""The reporter registry: every format renders, deterministically and lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest
from report_fixtures import rules, sample_results

from cfglint.report import FORMATS, render


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_twice_gives_identical_output(fmt: str) -> None:
    first = render(fmt, sample_results(), rules())
    second = render(fmt, sample_results(), rules())
    assert first == second
    assert first.endswith("\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_does_not_depend_on_input_order(fmt: str) -> None:
    forward = sample_results()
    backward = list(reversed(sample_results()))
    for r in backward:
        r.findings.reverse()
    assert render(fmt, forward, rules()) == render(fmt, backward, rules())


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_ansi_escapes_without_color(fmt: str) -> None:
    assert "\x1b" not in render(fmt, sample_results(), rules(), color=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_codes_without_rule_files_render_with_the_findings_own_name(fmt: str) -> None:
    out = render(fmt, sample_results(), {})
    assert "CFG004" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_has_no_memory_addresses_or_object_reprs(fmt: str) -> None:
    out = render(fmt, sample_results(), rules())
    assert " object at 0x" not in out
    assert "Span(" not in out


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown output format 'xml'.*text"):
        render("xml", sample_results(), rules())


def test_importing_the_registry_loads_no_reporter_and_no_jsonschema() -> None:
    code = (
        "import sys, cfglint.report\n"
        "loaded = [m for m in sys.modules if m == 'jsonschema' or "
        "m.startswith('cfglint.report.') and m != 'cfglint.report.common']\n"
        "print(','.join(sorted(loaded)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


def test_rendering_text_imports_only_the_text_reporter() -> None:
    code = (
        "import sys\n"
        "from cfglint.report import render\n"
        "render('text', [], {})\n"
        "names = ('sarif', 'rdjson', 'junit', 'github', 'json_report')\n"
        "print(sorted(m for m in sys.modules if m == 'jsonschema' or "
        "m.rsplit('.', 1)[-1] in names and m.startswith('cfglint.report')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
