"""The command line: exit codes and options (DESIGN §4), fixing, output formats, discovery."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from cli_helpers import (
    BASICSR,
    BASICSR_FIXED,
    codes,
    env,
    no_traceback,
    run_cfglint,
    run_json,
)
from click.testing import CliRunner

import cfglint
import cfglint.runner
from cfglint.cli import main

# An unused suppression gives CFG006, an info finding (and nothing else under this selection).
INFO_ONLY = "train:\n  optim_g:\n    lr: 2.0e-4  # cfglint: ignore[CFG705]\n"
# Without family markers CFG705 is info (the loader is unknown).
GENERIC = "learning_rate: 5e-5\nwarmup_steps: 100\n"
UNKNOWN_KEY = ('pretrained_model_name_or_path = "m.safetensors"\nnetwork_module = "networks.lora"\n'
               "netwrk_dim = 8\n")
OLD = 1_000_000_000  # an mtime in 2001, so that any write shows in st_mtime_ns



def _config(folder: Path, name: str = "train.yml", text: str = BASICSR) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(OLD, OLD))
    return path


# --- exit codes ---------------------------------------------------------------------------


def test_exit_0_when_nothing_remains(tmp_path):
    _config(tmp_path, text=BASICSR_FIXED)
    proc = run_cfglint("--select", "CFG705", "train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    assert "All checks passed" in proc.stdout


def test_exit_1_when_an_error_finding_remains(tmp_path):
    _config(tmp_path)
    proc = run_cfglint("--select", "CFG705", "train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert "train.yml:7:9: CFG705 [error]" in proc.stdout


def test_warning_fails_by_default_but_not_with_fail_on_error(tmp_path):
    _config(tmp_path, "train.toml", UNKNOWN_KEY)
    assert run_cfglint("--select", "CFG701", "train.toml", cwd=tmp_path).returncode == 1
    proc = run_cfglint("--select", "CFG701", "--fail-on", "error", "train.toml", cwd=tmp_path)
    assert proc.returncode == 0
    assert "CFG701 [warning]" in proc.stdout


def test_info_finding_does_not_fail_by_default(tmp_path):
    _config(tmp_path, "info.yml", INFO_ONLY)
    proc = run_cfglint("--select", "CFG705,CFG006", "info.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    assert "CFG006 [info]" in proc.stdout


def test_fail_on_info_makes_an_info_finding_fail(tmp_path):
    _config(tmp_path, "info.yml", INFO_ONLY)
    proc = run_cfglint("--select", "CFG705,CFG006", "--fail-on", "info", "info.yml",
                       cwd=tmp_path)
    assert proc.returncode == 1


def test_exit_zero_exits_0_even_with_errors(tmp_path):
    _config(tmp_path)
    proc = run_cfglint("--select", "CFG705", "--exit-zero", "train.yml", cwd=tmp_path)
    assert proc.returncode == 0
    assert "CFG705" in proc.stdout


@pytest.mark.parametrize("args", [
    ["--no-such-option", "train.yml"],
    ["--format", "xml", "train.yml"],
    ["--fail-on", "fatal", "train.yml"],
    ["--family", "not-a-family", "train.yml"],
])
def test_usage_error_exits_2(tmp_path, args):
    _config(tmp_path)
    proc = run_cfglint(*args, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "Usage:" in proc.stderr


def test_missing_path_is_a_usage_error_not_an_internal_error(tmp_path):
    proc = run_cfglint("missing.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "no such file or folder: missing.yml" in proc.stderr


def test_unparseable_file_is_cfg001_and_exit_1_not_2(tmp_path):
    _config(tmp_path, "broken.yml", 'name: "open\nnetwork_g: {type: X\n')
    proc = run_cfglint("--select", "CFG001", "broken.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert "broken.yml:1:7: CFG001 [error]" in proc.stdout


# --- fixing -------------------------------------------------------------------------------


def test_fix_writes_the_safe_fix_and_exits_0(tmp_path):
    path = _config(tmp_path)
    proc = run_cfglint("--fix", "--select", "CFG705", "train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    assert path.read_text() == BASICSR_FIXED
    assert "Fixed 1 finding" in proc.stdout


def test_second_fix_changes_nothing(tmp_path):
    path = _config(tmp_path)
    assert run_cfglint("--fix", "--select", "CFG705", "train.yml", cwd=tmp_path).returncode == 0
    os.utime(path, ns=(OLD, OLD))
    proc = run_cfglint("--fix", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert proc.returncode == 0
    assert path.read_text() == BASICSR_FIXED
    assert path.stat().st_mtime_ns == OLD
    assert "Fixed" not in proc.stdout


def test_file_without_applicable_fixes_is_never_written(tmp_path):
    clean = _config(tmp_path, "clean.yml", BASICSR_FIXED)
    unfixable = _config(tmp_path, "dup.yml", "train:\n  lr: 0.1\n  lr: 0.2\n")
    proc = run_cfglint("--fix", "--select", "CFG005,CFG705", "clean.yml", "dup.yml",
                       cwd=tmp_path)
    assert proc.returncode == 1  # the duplicate key remains
    assert clean.stat().st_mtime_ns == OLD
    assert unfixable.stat().st_mtime_ns == OLD
    assert unfixable.read_text() == "train:\n  lr: 0.1\n  lr: 0.2\n"


def test_fix_exits_1_when_unfixable_findings_remain(tmp_path):
    path = _config(tmp_path, text=BASICSR + "val:\n  a: 1\n  a: 2\n")
    proc = run_cfglint("--fix", "--select", "CFG005,CFG705", "train.yml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "lr: 2.0e-4" in path.read_text()
    assert "CFG005" in proc.stdout
    assert "CFG705" not in proc.stdout.replace("Fixed", "")


def test_exit_non_zero_on_fix_exits_1_only_when_a_file_changed(tmp_path):
    path = _config(tmp_path)
    first = run_cfglint("--fix", "--exit-non-zero-on-fix", "--select", "CFG705", "train.yml",
                        cwd=tmp_path)
    assert first.returncode == 1
    assert path.read_text() == BASICSR_FIXED
    second = run_cfglint("--fix", "--exit-non-zero-on-fix", "--select", "CFG705", "train.yml",
                         cwd=tmp_path)
    assert second.returncode == 0


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path):
    path = _config(tmp_path)
    proc = run_cfglint("--diff", "--select", "CFG705", "train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert "--- a/train.yml\n+++ b/train.yml\n@@ " in proc.stdout
    assert "\n-    lr: 2e-4\n+    lr: 2.0e-4\n" in proc.stdout
    assert "Fixed" not in proc.stdout  # nothing was written, so nothing is reported fixed
    assert path.read_text() == BASICSR
    assert path.stat().st_mtime_ns == OLD


def test_diff_with_nothing_to_fix_prints_no_diff_and_exits_0(tmp_path):
    _config(tmp_path, text=BASICSR_FIXED)
    proc = run_cfglint("--diff", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert proc.returncode == 0
    assert "---" not in proc.stdout


def _as_unsafe(real):
    """Wrap lint_document so that every fix it proposes is classed unsafe."""

    def lint(doc, settings, options=None, rules=None, **kwargs):
        result = real(doc, settings, options, rules, **kwargs)
        result.findings = [replace(f, fix=replace(f.fix, safety="unsafe")) if f.fix else f
                           for f in result.findings]
        return result

    return lint


def test_unsafe_fixes_are_applied_only_with_unsafe_fixes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cfglint.runner, "lint_document", _as_unsafe(cfglint.runner.lint_document))
    path = _config(tmp_path)
    runner = CliRunner()
    safe_only = runner.invoke(main, ["--fix", "--select", "CFG705", "train.yml"])
    assert safe_only.exit_code == 1
    assert path.read_text() == BASICSR
    with_unsafe = runner.invoke(main, ["--fix", "--unsafe-fixes", "--select", "CFG705",
                                       "train.yml"])
    assert with_unsafe.exit_code == 0, with_unsafe.output
    assert path.read_text() == BASICSR_FIXED


def test_fix_on_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    target = _config(tmp_path, "real/train.yml")
    link = tmp_path / "link.yml"
    link.symlink_to(Path("real") / "train.yml")
    proc = run_cfglint("--fix", "--select", "CFG705", "link.yml", cwd=tmp_path)
    assert proc.returncode == 0
    assert link.is_symlink()
    assert os.readlink(link) == os.path.join("real", "train.yml")
    assert target.read_text() == BASICSR_FIXED
    assert not list((tmp_path / "real").glob(".cfglint-*"))  # no temp file left behind


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_fix_keeps_the_file_mode(tmp_path, mode):
    path = _config(tmp_path)
    path.chmod(mode)
    proc = run_cfglint("--fix", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert proc.returncode == 0
    assert path.read_text() == BASICSR_FIXED
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_fix_of_many_files_uses_the_parallel_path_and_fixes_each(tmp_path):
    paths = [_config(tmp_path, f"cfg/{i:02d}.yml") for i in range(cfglint.runner.PARALLEL_MIN_FILES
                                                                   + 6)]
    proc = run_cfglint("--fix", "--select", "CFG705", "cfg", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    assert all(p.read_text() == BASICSR_FIXED for p in paths)


def test_many_files_are_reported_in_a_stable_order(tmp_path):
    for i in range(cfglint.runner.PARALLEL_MIN_FILES + 6):
        _config(tmp_path, f"cfg/{i:02d}.yml")
    first = run_cfglint("--quiet", "--select", "CFG705", "cfg", cwd=tmp_path)
    second = run_cfglint("--quiet", "--select", "CFG705", "cfg", cwd=tmp_path)
    lines = first.stdout.splitlines()
    assert len(lines) == cfglint.runner.PARALLEL_MIN_FILES + 6
    assert lines == sorted(lines)
    assert first.stdout == second.stdout


# --- selection ----------------------------------------------------------------------------


def test_select_takes_code_prefixes(tmp_path):
    _config(tmp_path)
    _, findings = run_json("--select", "CFG70", "train.yml", cwd=tmp_path)
    assert "CFG705" in codes(findings)
    assert all(c.startswith("CFG70") for c in codes(findings))


def test_ignore_takes_code_prefixes(tmp_path):
    _config(tmp_path, text=BASICSR + "val:\n  a: 1\n  a: 2\n")
    rc, findings = run_json("--select", "CFG005,CFG705", "--ignore", "CFG7", "train.yml",
                            cwd=tmp_path)
    assert codes(findings) == ["CFG005"]
    assert rc == 1
    rc, findings = run_json("--select", "CFG005,CFG705", "--ignore", "CFG00", "train.yml",
                            cwd=tmp_path)
    assert codes(findings) == ["CFG705"]


def test_extend_select_adds_to_select(tmp_path):
    _config(tmp_path, text=BASICSR + "val:\n  a: 1\n  a: 2\n")
    _, findings = run_json("--select", "CFG005", "--extend-select", "CFG705", "train.yml",
                           cwd=tmp_path)
    assert sorted(codes(findings)) == ["CFG005", "CFG705"]


def test_repeated_and_comma_separated_select_values_combine(tmp_path):
    _config(tmp_path, text=BASICSR + "val:\n  a: 1\n  a: 2\n")
    _, one = run_json("--select", "CFG005,CFG705", "train.yml", cwd=tmp_path)
    _, two = run_json("--select", "CFG005", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert sorted(codes(one)) == sorted(codes(two)) == ["CFG005", "CFG705"]


# --- output -------------------------------------------------------------------------------


def test_json_output_matches_the_design_contract(tmp_path):
    _config(tmp_path)
    rc, findings = run_json("--select", "CFG705", "train.yml", cwd=tmp_path)
    assert rc == 1
    [f] = findings
    assert set(f) == {"code", "name", "severity", "message", "path", "family", "line", "column",
                      "end_line", "end_column", "key", "fix", "url"}
    assert (f["code"], f["name"], f["severity"]) == ("CFG705", "yaml11-exponent-string", "error")
    assert (f["path"], f["family"], f["key"]) == ("train.yml", "basicsr", "train.optim_g.lr")
    assert (f["line"], f["column"], f["end_line"], f["end_column"]) == (7, 9, 7, 13)
    assert set(f["fix"]) == {"safety", "message", "edits"}
    assert f["fix"]["safety"] == "safe"
    assert f["fix"]["edits"] == [{"line": 7, "column": 9, "end_line": 7, "end_column": 13,
                                  "content": "2.0e-4"}]
    assert f["url"] is None  # cfglint serves no site: a link only where settings name one


def test_json_output_of_a_clean_run_is_an_empty_array(tmp_path):
    _config(tmp_path, text=BASICSR_FIXED)
    rc, findings = run_json("--select", "CFG705", "train.yml", cwd=tmp_path)
    assert (rc, findings) == (0, [])


def test_json_fix_is_null_for_a_finding_without_a_fix(tmp_path):
    _config(tmp_path, "dup.yml", "a: 1\na: 2\n")
    _, [f] = run_json("--select", "CFG005", "dup.yml", cwd=tmp_path)
    assert f["fix"] is None


def test_statistics_counts_findings_per_rule(tmp_path):
    _config(tmp_path, text=BASICSR + "  optim_d:\n    lr: 1e-4\n")
    proc = run_cfglint("--statistics", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert proc.returncode == 1
    [row] = [ln for ln in proc.stdout.splitlines() if "CFG705" in ln]
    assert row.split()[0] == "2"
    assert "yaml11-exponent-string" in row


def test_quiet_prints_one_line_per_finding_and_no_summary(tmp_path):
    _config(tmp_path, text=BASICSR + "  optim_d:\n    lr: 1e-4\n")
    proc = run_cfglint("--quiet", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert [ln.split(": CFG705")[0] for ln in lines] == ["train.yml:7:9", "train.yml:9:9"]
    assert "Found" not in proc.stdout


def test_text_output_has_no_ansi_codes_when_not_a_tty(tmp_path):
    _config(tmp_path)
    proc = run_cfglint("--select", "CFG705", "train.yml", cwd=tmp_path)
    assert "CFG705" in proc.stdout
    assert "\x1b[" not in proc.stdout
    assert "\x1b[" not in proc.stderr


def test_output_file_receives_the_report(tmp_path):
    _config(tmp_path)
    proc = run_cfglint("--format", "json", "-o", "out.json", "--select", "CFG705", "train.yml",
                       cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert codes(json.loads((tmp_path / "out.json").read_text())) == ["CFG705"]


# --- standard input -----------------------------------------------------------------------


def test_stdin_is_linted_under_the_stdin_filename(tmp_path):
    proc = run_cfglint("--select", "CFG705", "--quiet", "-", "--stdin-filename",
                       "configs/train.yml", cwd=tmp_path, stdin=BASICSR.encode())
    no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stdout.startswith("configs/train.yml:7:9: CFG705 [error]")


def test_stdin_fix_writes_the_fixed_text_to_stdout(tmp_path):
    proc = run_cfglint("--fix", "--select", "CFG705", "-", "--stdin-filename", "train.yml",
                       cwd=tmp_path, stdin=BASICSR.encode())
    assert proc.returncode == 0
    assert proc.stdout == BASICSR_FIXED


def test_stdin_fix_keeps_bom_and_crlf(tmp_path):
    data = b"\xef\xbb\xbf" + BASICSR.replace("\n", "\r\n").encode()
    proc = subprocess.run([sys.executable, "-m", "cfglint", "--fix", "--select", "CFG705", "-",
                           "--stdin-filename", "train.yml"], cwd=tmp_path, input=data,
                          capture_output=True, env=env(), check=False)
    assert proc.returncode == 0
    assert proc.stdout == data.replace(b"2e-4", b"2.0e-4")


def test_stdin_fix_exits_1_and_echoes_input_when_it_does_not_parse(tmp_path):
    proc = run_cfglint("--fix", "-", "--stdin-filename", "train.yml", cwd=tmp_path,
                       stdin=b"a: [1\n")
    no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stdout == "a: [1\n"
    assert "CFG001" in proc.stderr


def test_stdin_fix_exits_1_when_unfixable_findings_remain(tmp_path):
    text = BASICSR + "val:\n  a: 1\n  a: 2\n"
    proc = run_cfglint("--fix", "--select", "CFG005,CFG705", "-", "--stdin-filename",
                       "train.yml", cwd=tmp_path, stdin=text.encode())
    assert proc.returncode == 1
    assert proc.stdout == text.replace("2e-4", "2.0e-4")
    assert "CFG005" in proc.stderr


def test_stdin_filename_picks_the_format_and_settings(tmp_path):
    (tmp_path / "cfglint.toml").write_text('[per-file-ignores]\n"ok/*.json" = ["CFG005"]\n')
    data = b'{"lr": 0.1, "lr": 0.2}\n'
    flagged = run_cfglint("--quiet", "--select", "CFG005", "-", "--stdin-filename", "x.json",
                          cwd=tmp_path, stdin=data)
    assert flagged.returncode == 1
    assert "x.json:1:13: CFG005" in flagged.stdout
    ignored = run_cfglint("--quiet", "--select", "CFG005", "-", "--stdin-filename", "ok/x.json",
                          cwd=tmp_path, stdin=data)
    assert ignored.returncode == 0


# --- discovery ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_directories_are_walked_respecting_gitignore_and_settings_exclude(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("ignored/\n*.local.yml\n")
    (tmp_path / "cfglint.toml").write_text('exclude = ["vendor"]\n')
    _config(tmp_path, "configs/a.yml")
    _config(tmp_path, "configs/b.local.yml")
    _config(tmp_path, "ignored/c.yml")
    _config(tmp_path, "vendor/d.yml")
    _config(tmp_path, "configs/notes.txt")
    proc = run_cfglint("--quiet", "--select", "CFG705", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert [ln.split(":")[0] for ln in proc.stdout.splitlines()] == ["configs/a.yml"]


def test_directory_walk_without_git_skips_hidden_folders_and_honours_exclude(tmp_path):
    (tmp_path / "cfglint.toml").write_text('exclude = ["vendor"]\n')
    _config(tmp_path, "configs/a.yml")
    _config(tmp_path, ".hidden/b.yml")
    _config(tmp_path, "vendor/c.yml")
    _config(tmp_path, "configs/d.json", '{"lr": 1, "lr": 2}')
    proc = run_cfglint("--quiet", "--select", "CFG005,CFG705", ".", cwd=tmp_path)
    assert proc.returncode == 1
    assert sorted(ln.split(":")[0] for ln in proc.stdout.splitlines()) == [
        "configs/a.yml", "configs/d.json"]


def test_an_explicitly_named_excluded_file_is_still_linted(tmp_path):
    (tmp_path / "cfglint.toml").write_text('exclude = ["vendor"]\n')
    _config(tmp_path, "vendor/c.yml")
    proc = run_cfglint("--quiet", "--select", "CFG705", "vendor/c.yml", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.startswith("vendor/c.yml:7:9")


def test_a_file_named_twice_is_linted_once(tmp_path):
    _config(tmp_path)
    proc = run_cfglint("--quiet", "--select", "CFG705", "train.yml", "./train.yml", ".",
                       cwd=tmp_path)
    assert len(proc.stdout.splitlines()) == 1


# --- family -------------------------------------------------------------------------------


def test_family_option_overrides_detection(tmp_path):
    _config(tmp_path, "gen.yml", GENERIC)
    _, [detected] = run_json("--select", "CFG705", "gen.yml", cwd=tmp_path)
    assert (detected["family"], detected["severity"]) == ("generic", "info")
    _, [forced] = run_json("--select", "CFG705", "--family", "basicsr", "gen.yml", cwd=tmp_path)
    assert (forced["family"], forced["severity"]) == ("basicsr", "error")
    # ai-toolkit's loader reads 5e-5 as a float: nothing to report
    _, none = run_json("--select", "CFG705", "--family", "ai-toolkit", "gen.yml", cwd=tmp_path)
    assert none == []


# --- rule, rules, version -----------------------------------------------------------------


def test_rule_command_explains_why_fix_safety_references_and_an_example(tmp_path):
    proc = run_cfglint("rule", "CFG705", cwd=tmp_path)
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith("CFG705 (yaml11-exponent-string)")
    assert "Why" in out and "PyYAML" in out
    assert "Fix: safe" in out
    assert "References" in out and "BasicSR" in out
    assert "Example (basicsr, yaml)" in out
    assert "lr: 2e-4" in out and "lr: 2.0e-4" in out


def test_rule_command_accepts_lowercase_and_rejects_unknown_codes(tmp_path):
    assert run_cfglint("rule", "cfg705", cwd=tmp_path).returncode == 0
    proc = run_cfglint("rule", "CFG999", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "unknown rule" in proc.stderr


def test_rules_command_lists_cfg705(tmp_path):
    proc = run_cfglint("rules", cwd=tmp_path)
    assert proc.returncode == 0
    [row] = [ln for ln in proc.stdout.splitlines() if ln.startswith("CFG705")]
    assert "yaml11-exponent-string" in row
    listed = json.loads(run_cfglint("rules", "--format", "json", cwd=tmp_path).stdout)
    [rule] = [r for r in listed if r["code"] == "CFG705"]
    assert rule["fix"] == "safe"


def test_version_prints_the_package_version(tmp_path):
    proc = run_cfglint("--version", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"cfglint, version {cfglint.__version__}"


def test_check_subcommand_is_the_same_as_bare_paths(tmp_path):
    _config(tmp_path)
    bare = run_cfglint("--quiet", "--select", "CFG705", "train.yml", cwd=tmp_path)
    explicit = run_cfglint("check", "--quiet", "--select", "CFG705", "train.yml", cwd=tmp_path)
    assert (bare.returncode, bare.stdout) == (explicit.returncode, explicit.stdout) != (0, "")


def test_schema_command_prints_a_schema_by_name_and_lists_names_when_unknown() -> None:
    import json

    from click.testing import CliRunner

    from cfglint.cli import main

    done = CliRunner().invoke(main, ["schema", "kohya-dataset"])
    assert done.exit_code == 0
    assert json.loads(done.output)["$id"] == "urn:cfglint:schema:kohya-dataset"
    done = CliRunner().invoke(main, ["schema", "kohya-datasets"])
    assert done.exit_code == 2 and "kohya-dataset" in done.output
