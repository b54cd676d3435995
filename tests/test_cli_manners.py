"""What a command-line tool owes its users, as ruff does it: colour conventions, output on any
console encoding, selectors validated, help everywhere, ruff's option names, settings shown."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from cli_helpers import BASICSR, env, no_traceback, run_cfglint
from click.testing import CliRunner

from cfglint.cli import main
from cfglint.terminal import use_color

ALPHA = BASICSR.replace("name: demo", "name: demo α/r")  # a character cp1252 lacks



def _config(folder: Path, name: str = "train.yml", text: str = BASICSR) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- colour ------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("choice", "environ", "tty", "expected"), [
    ("auto", {}, True, True),
    ("auto", {}, False, False),
    ("auto", {"NO_COLOR": "1"}, True, False),
    ("auto", {"NO_COLOR": ""}, True, True),  # no-color.org: only a non-empty value counts
    ("auto", {"TERM": "dumb"}, True, False),
    ("auto", {"FORCE_COLOR": "1"}, False, True),
    ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
    ("always", {"NO_COLOR": "1"}, False, True),
    ("never", {"FORCE_COLOR": "1"}, True, False),
])
def test_colour_follows_the_option_then_the_environment_then_the_terminal(
        choice, environ, tty, expected):
    stream = _Tty() if tty else io.StringIO()
    assert use_color(choice, stream, environ) is expected


def _on_a_terminal(args: list[str], cwd: Path, extra: dict[str, str]) -> str:
    """stdout of cfglint when it is a real terminal (a pseudo-terminal)."""
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "cfglint", *args], cwd=cwd,
                              env={**env(), **extra}, stdout=follower, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=120, check=False)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        assert proc.returncode == 1, proc.stderr
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_color_on_a_terminal_gives_no_ansi_codes(tmp_path):
    _config(tmp_path)
    args = ["--select", "CFG705", "train.yml"]
    assert "\x1b[" in _on_a_terminal(args, tmp_path, {})
    assert "\x1b[" not in _on_a_terminal(args, tmp_path, {"NO_COLOR": "1"})
    assert "\x1b[" not in _on_a_terminal(args, tmp_path, {"TERM": "dumb"})


def test_force_color_and_color_always_colour_a_pipe(tmp_path):
    _config(tmp_path)
    forced = run_cfglint("--select", "CFG705", "train.yml", cwd=tmp_path,
                         extra_env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    always = run_cfglint("--color", "always", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert "\x1b[" in always.stdout
    machine = run_cfglint("--format", "json", "train.yml", cwd=tmp_path,
                          extra_env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in machine.stdout


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "rdjson", "junit", "gitlab"])
def test_a_cp1252_console_gets_readable_output_and_the_usual_exit_code(tmp_path, fmt):
    _config(tmp_path, text=ALPHA)
    proc = subprocess.run([sys.executable, "-m", "cfglint", "--format", fmt, "train.yml"],
                          cwd=tmp_path, env={**env(), "PYTHONIOENCODING": "cp1252"},
                          capture_output=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.decode("cp1252")
    assert "CFG705" in out
    if fmt == "text":
        assert "demo \\u03b1/r" in out  # the line of the code frame, escaped, not a crash


def test_rule_pages_print_on_a_cp1252_console(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cfglint", "rule", "CFG201"], cwd=tmp_path,
                          env={**env(), "PYTHONIOENCODING": "cp1252"}, capture_output=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("cp1252").startswith("CFG201")


# --- selectors ---------------------------------------------------------------------------


def test_an_unknown_selector_is_a_usage_error_not_all_checks_passed(tmp_path):
    _config(tmp_path)
    proc = run_cfglint("--select", "NOPE", "train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "unknown rule selector `NOPE`" in proc.stderr
    assert "All checks passed" not in proc.stdout


@pytest.mark.parametrize(("flag", "value", "hint"), [
    ("--select", "CFG7055", "did you mean `CFG705`?"),
    ("--ignore", "ZZZ9", "`cfglint rules` lists the codes"),
    ("--extend-select", "CFX705", "did you mean `CFG705`?"),
])
def test_every_selector_option_is_checked_with_a_did_you_mean(tmp_path, flag, value, hint):
    _config(tmp_path)
    proc = run_cfglint(flag, value, "train.yml", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{flag}: unknown rule selector `{value}`; {hint}" in proc.stderr


def test_selectors_ignore_case(tmp_path):
    _config(tmp_path)
    proc = run_cfglint("--quiet", "--select", "cfg70", "train.yml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "CFG705" in proc.stdout
    assert run_cfglint("--select", "all", "--ignore", "cfg", "train.yml",
                       cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("setting", ['select = ["NOPE"]', 'ignore = ["CFG7055"]',
                                     '[per-file-ignores]\n"*.yml" = ["XYZ"]'])
def test_an_unknown_selector_in_settings_is_an_error_with_its_location(tmp_path, setting):
    _config(tmp_path)
    _config(tmp_path, "cfglint.toml", setting + "\n")
    proc = run_cfglint("train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert f"{tmp_path / 'cfglint.toml'}:1:" in proc.stderr
    assert "unknown rule selector" in proc.stderr


def test_lowercase_selectors_in_settings_work(tmp_path):
    _config(tmp_path)
    _config(tmp_path, "cfglint.toml", 'select = ["cfg705"]\n')
    proc = run_cfglint("--quiet", "train.yml", cwd=tmp_path)
    assert proc.returncode == 1 and "CFG705" in proc.stdout


# --- help ----------------------------------------------------------------------------------


def test_no_arguments_prints_the_command_list(tmp_path):
    proc = run_cfglint(cwd=tmp_path)
    assert proc.returncode == 2
    for command in ("check", "facts", "rule", "rules", "schema", "probe", "review"):
        assert f"  {command} " in proc.stdout
    assert "Exit codes" in proc.stdout


@pytest.mark.parametrize("command", ["check", "facts", "rule", "rules", "schema", "probe",
                                     "review"])
def test_dash_h_prints_the_help_of_every_command(tmp_path, command):
    proc = run_cfglint(command, "-h", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout


def test_every_option_of_every_command_has_a_help_text():
    for name, command in main.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"cfglint {name} {param.opts[0]} has no help"


def test_check_help_shows_examples_and_exit_codes():
    out = CliRunner().invoke(main, ["check", "--help"]).output
    assert "Examples:" in out and "Exit codes:" in out
    assert "--output-format" in out and "--config" in out and "--color" in out


# --- ruff's names, settings, statistics, diff ----------------------------------------------


def test_output_format_is_format_under_ruffs_name_and_as_a_setting(tmp_path):
    _config(tmp_path)
    first = run_cfglint("--output-format", "json", "train.yml", cwd=tmp_path)
    second = run_cfglint("--format", "json", "train.yml", cwd=tmp_path)
    assert first.stdout == second.stdout and json.loads(first.stdout)
    _config(tmp_path, "cfglint.toml", 'output-format = "github"\n')
    from_settings = run_cfglint("train.yml", cwd=tmp_path)
    assert from_settings.stdout.startswith("::error file=train.yml")
    overridden = run_cfglint("--output-format", "json", "train.yml", cwd=tmp_path)
    assert json.loads(overridden.stdout)


def test_config_names_the_settings_file_for_every_file(tmp_path):
    _config(tmp_path, "a/train.yml")
    _config(tmp_path, "a/cfglint.toml", 'ignore = ["CFG705"]\n')
    _config(tmp_path, "team.toml", 'select = ["CFG705"]\n')
    assert run_cfglint("a/train.yml", "--select", "CFG705", cwd=tmp_path).returncode == 0
    proc = run_cfglint("--config", "team.toml", "--quiet", "a/train.yml", cwd=tmp_path)
    assert proc.returncode == 1 and "CFG705" in proc.stdout
    missing = run_cfglint("--config", "nope.toml", "a/train.yml", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.toml" in missing.stderr


def test_show_settings_prints_the_file_and_values_that_apply(tmp_path):
    _config(tmp_path, "sub/train.yml")
    _config(tmp_path, "sub/cfglint.toml",
            'fail-on = "error"\nexclude = ["runs/"]\ntarget-gpu = "T4"\n')
    proc = run_cfglint("--show-settings", "sub/train.yml", cwd=tmp_path)
    assert proc.returncode == 0
    rows = {line.split()[0]: line.split(None, 1)[1] for line in proc.stdout.splitlines()
            if len(line.split()) > 1 and not line.startswith("settings")}
    assert str(tmp_path / "sub" / "cfglint.toml") in proc.stdout
    assert rows["fail-on"] == "error" and rows["exclude"] == "['runs/']"
    assert rows["target-gpu"] == "T4 (compute capability 7.5, without native bf16)"


def test_statistics_work_with_every_format(tmp_path):
    _config(tmp_path, text=BASICSR + "  optim_d:\n    lr: 1e-4\n")
    as_json = run_cfglint("--statistics", "--format", "json", "--select", "CFG705", "train.yml",
                          cwd=tmp_path)
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout) == [{  # ruff's keys, then severity and fix classes
        "code": "CFG705", "name": "yaml11-exponent-string", "count": 2, "fixable": True,
        "fixable_count": 2, "severity": "error", "fixes": ["safe"]}]
    for fmt in ("sarif", "github", "junit", "rdjson", "gitlab"):
        proc = run_cfglint("--statistics", "--format", fmt, "--select", "CFG705", "train.yml",
                           cwd=tmp_path)
        assert proc.stdout.split()[:2] == ["2", "CFG705"], fmt
    quiet = run_cfglint("--statistics", "-q", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert quiet.stdout.splitlines() == [
        "2  CFG705  yaml11-exponent-string  fix: safe"]


def test_diff_prints_the_diff_and_a_one_line_summary_not_the_report(tmp_path):
    _config(tmp_path, text=BASICSR + "val:\n  a: 1\n  a: 2\n")
    proc = run_cfglint("--diff", "--select", "CFG005,CFG705", "train.yml", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("--- a/train.yml\n+++ b/train.yml\n")
    assert "CFG705" not in proc.stdout and "Found" not in proc.stdout
    assert proc.stderr.strip() == ("Would fix 1 finding. 1 finding would remain; run without "
                                   "--diff to see them.")
