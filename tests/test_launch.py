"""``cfglint PATH...`` runs the check without click: the same request, output and exit code
as the click command line, which still takes every other command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cfglint.check_command import CheckRequest
from cfglint.cli import main as cli
from cfglint.launch import ENV_OPTIONS, SUBCOMMANDS, plain_check
from tests.cli_helpers import ROOT, env

EXAMPLE = ROOT / "examples" / "ai_toolkit_flux_lora.yaml"
FAST = "import sys; from cfglint.launch import main; main()"
CLICK = "import sys; from cfglint.cli import main; main()"


def test_launch_knows_every_subcommand_of_the_command_line() -> None:
    assert set(cli.commands) == SUBCOMMANDS


def test_a_plain_check_is_the_request_click_builds_for_check_paths() -> None:
    command = cli.commands["check"]
    params = command.make_context("check", ["a.yaml", "b.toml"]).params
    assert CheckRequest(**params) == CheckRequest(paths=("a.yaml", "b.toml"))


def test_every_environment_variable_the_check_command_reads_sends_a_run_to_click() -> None:
    envvars = {p.envvar for p in cli.commands["check"].params if p.envvar}
    assert envvars == set(ENV_OPTIONS)


@pytest.mark.parametrize(("args", "extra", "plain"), [
    ([str(EXAMPLE)], {}, True),
    ([str(EXAMPLE), str(ROOT / "examples")], {}, True),
    ([], {}, False),  # click prints the command list
    (["check", str(EXAMPLE)], {}, False),
    (["rules"], {}, False),
    (["--fix", str(EXAMPLE)], {}, False),
    ([str(EXAMPLE), "-q"], {}, False),
    (["-"], {}, False),
    (["--help"], {}, False),
    ([str(ROOT / "no-such-file.yaml")], {}, False),  # click's usage error says so
    ([""], {}, False),
    ([str(EXAMPLE)], {"CFGLINT_OUTPUT_FORMAT": "json"}, False),
    ([str(EXAMPLE)], {"_CFGLINT_COMPLETE": "bash_complete"}, False),
    ([str(EXAMPLE)], {"CFGLINT_DEBUG": "1"}, False),
])
def test_only_paths_that_exist_with_no_option_take_the_plain_check(
        args: list[str], extra: dict[str, str], plain: bool) -> None:
    base = {k: v for k, v in os.environ.items()
            if k not in ("CFGLINT_OUTPUT_FORMAT", "CFGLINT_DEBUG") and not k.endswith("_COMPLETE")}
    assert plain_check(args, {**base, **extra}) is (plain and os.name != "nt")


def _run(code: str, args: list[str], cwd: Path) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env(),
                          capture_output=True, text=True, timeout=120, check=False)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLE, tmp_path / "train.yaml")
    (tmp_path / "clean.yaml").write_text("learning_rate: 1.0e-4\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("a: [1,\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("args", [
    ["train.yaml"], ["clean.yaml"], ["broken.yaml"], ["."], ["README.md", "train.yaml"],
    ["missing.yaml"],
])
def test_the_plain_check_prints_and_exits_as_the_click_command_does(
        folder: Path, args: list[str]) -> None:
    assert _run(FAST, args, folder) == _run(CLICK, args, folder)


def test_bad_settings_are_reported_as_the_click_command_does(folder: Path) -> None:
    (folder / "cfglint.toml").write_text("select = 3\n", encoding="utf-8")
    fast = _run(FAST, ["train.yaml"], folder)
    assert fast == _run(CLICK, ["train.yaml"], folder)
    assert fast[0] == 2 and fast[2].startswith("cfglint: ")


@pytest.mark.parametrize("raised", [
    "KeyboardInterrupt()", "RuntimeError('boom')", "UsageError('no such file or folder: x')",
])
def test_a_failing_check_is_reported_as_the_click_command_reports_it(
        folder: Path, raised: str) -> None:
    patch = ("import cfglint.check_command as c\n"
             "from cfglint.check_command import UsageError\n"
             f"def run(*a):\n    raise {raised}\n"
             "c.run = run\n")
    fast = _run(patch + FAST, ["train.yaml"], folder)
    assert fast == _run(patch + CLICK, ["train.yaml"], folder)
    assert fast[0] != 0 and "Traceback" not in fast[2]


def test_the_plain_check_does_not_import_click(folder: Path) -> None:
    probe = ("import sys\n"
             "import cfglint.launch as launch\n"
             "leave = launch.fast_exit\n"
             "def fast_exit(done):\n"
             "    sys.stderr.write(f\"click={'click' in sys.modules}\")\n"
             "    leave(done)\n"
             "launch.fast_exit = fast_exit\n"
             "launch.main()\n")
    status, _out, err = _run(probe, ["train.yaml"], folder)
    assert status == 1 and err.endswith("click=False")


def test_the_entry_point_collects_cycles_less_often_than_python_s_default() -> None:
    code = ("import gc, sys; from cfglint.launch import tune_gc; before = gc.get_threshold(); "
            "tune_gc(); after = gc.get_threshold(); "
            "print(before[0], after[0], before[1:] == after[1:], gc.isenabled())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env())
    default, tuned, rest_kept, enabled = proc.stdout.split()
    assert int(tuned) > 100 * int(default)
    assert rest_kept == "True" and enabled == "True"


@pytest.mark.parametrize(("code", "status", "err"), [
    ("None", 0, ""), ("3", 3, ""), ("'cfglint: gone'", 1, "cfglint: gone\n"),
])
def test_the_fast_exit_flushes_the_streams_and_exits_as_python_would(
        code: str, status: int, err: str) -> None:
    script = ("import sys; from cfglint.launch import fast_exit\n"
              "sys.stdout.write('report')\n"  # buffered: lost unless flushed
              f"fast_exit(SystemExit({code}))\n"
              "print('not reached')\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, env=env())
    assert (proc.returncode, proc.stdout, proc.stderr) == (status, "report", err)
    plain = subprocess.run([sys.executable, "-c", f"import sys; sys.stdout.write('report'); "
                            f"sys.exit({code})"], capture_output=True, text=True, check=False)
    assert (plain.returncode, plain.stdout, plain.stderr) == (status, "report", err)
