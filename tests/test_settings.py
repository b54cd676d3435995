"""Settings: ``[tool.cfglint]`` in pyproject.toml, cfglint.toml, .cfglint.toml; closest wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import BASICSR, codes, no_traceback, run_cfglint, run_json

from cfglint.settings import load_settings_file, settings_for, settings_for_dir

DUPLICATE = "val:\n  a: 1\n  a: 2\n"
GENERIC = "learning_rate: 5e-5\n"  # CFG705: info for an unknown loader, error for PyYAML



def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- which file applies -------------------------------------------------------------------


def test_closest_settings_file_wins_in_nested_folders(tmp_path):
    _write(tmp_path / "pyproject.toml",
           '[tool.cfglint]\nselect = ["CFG005", "CFG705"]\nignore = ["CFG705"]\n')
    _write(tmp_path / "sub" / "cfglint.toml", 'select = ["CFG705"]\n')
    _write(tmp_path / "top.yml", BASICSR)
    _write(tmp_path / "sub" / "deeper" / "inner.yml", BASICSR)
    proc = run_cfglint("--quiet", "top.yml", "sub/deeper/inner.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert [ln.split(":")[0] for ln in proc.stdout.splitlines()] == ["sub/deeper/inner.yml"]


def test_closest_settings_are_found_from_the_files_folder_not_the_working_directory(tmp_path):
    _write(tmp_path / "proj" / "cfglint.toml", 'ignore = ["CFG705"]\n')
    _write(tmp_path / "proj" / "train.yml", BASICSR)
    proc = run_cfglint("--quiet", "--select", "CFG705", "proj/train.yml", cwd=tmp_path)
    # the command line --select does not re-enable a code the file's settings ignore
    assert proc.returncode == 0


def test_cfglint_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    _write(tmp_path / "pyproject.toml", '[tool.cfglint]\nselect = ["CFG005"]\n')
    _write(tmp_path / "cfglint.toml", 'select = ["CFG705"]\n')
    _write(tmp_path / "train.yml", BASICSR + DUPLICATE)
    _, findings = run_json("train.yml", cwd=tmp_path)
    assert codes(findings) == ["CFG705"]


def test_dot_cfglint_toml_wins_over_cfglint_toml(tmp_path):
    _write(tmp_path / "cfglint.toml", 'select = ["CFG005"]\n')
    _write(tmp_path / ".cfglint.toml", 'select = ["CFG705"]\n')
    _write(tmp_path / "train.yml", BASICSR + DUPLICATE)
    _, findings = run_json("train.yml", cwd=tmp_path)
    assert codes(findings) == ["CFG705"]


def test_pyproject_tool_cfglint_table_is_read(tmp_path):
    _write(tmp_path / "pyproject.toml",
           '[project]\nname = "x"\n\n[tool.cfglint]\nselect = ["CFG005"]\n')
    _write(tmp_path / "train.yml", BASICSR + DUPLICATE)
    _, findings = run_json("train.yml", cwd=tmp_path)
    assert codes(findings) == ["CFG005"]


def test_pyproject_without_a_cfglint_table_is_skipped_for_a_settings_file_above(tmp_path):
    _write(tmp_path / "cfglint.toml", 'select = ["CFG005"]\n')
    _write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n')
    _write(tmp_path / "pkg" / "train.yml", BASICSR + DUPLICATE)
    _, findings = run_json("pkg/train.yml", cwd=tmp_path)
    assert codes(findings) == ["CFG005"]
    assert settings_for(str(tmp_path / "pkg" / "train.yml")).path == str(
        tmp_path / "cfglint.toml")


def test_defaults_apply_when_no_settings_file_exists(tmp_path):
    settings = settings_for(str(tmp_path / "train.yml"))
    assert settings.path is None
    assert (settings.select, settings.fail_on, settings.exclude) == (None, "warning", [])


# --- each key -----------------------------------------------------------------------------


def test_select_and_ignore_take_prefixes(tmp_path):
    _write(tmp_path / "cfglint.toml", 'select = ["CFG0", "CFG7"]\nignore = ["CFG70"]\n')
    _write(tmp_path / "train.yml", BASICSR + DUPLICATE)
    _, findings = run_json("train.yml", cwd=tmp_path)
    assert "CFG005" in codes(findings)
    assert not [c for c in codes(findings) if c.startswith("CFG70")]


def test_extend_select_adds_to_the_selection(tmp_path):
    _write(tmp_path / "cfglint.toml", 'select = ["CFG005"]\nextend-select = ["CFG705"]\n')
    _write(tmp_path / "train.yml", BASICSR + DUPLICATE)
    _, findings = run_json("train.yml", cwd=tmp_path)
    assert sorted(codes(findings)) == ["CFG005", "CFG705"]


def test_command_line_select_replaces_the_settings_select(tmp_path):
    _write(tmp_path / "cfglint.toml", 'select = ["CFG005"]\n')
    _write(tmp_path / "train.yml", BASICSR + DUPLICATE)
    _, findings = run_json("--select", "CFG705", "train.yml", cwd=tmp_path)
    assert codes(findings) == ["CFG705"]


def test_fail_on_error_lets_warnings_pass(tmp_path):
    _write(tmp_path / "cfglint.toml", 'fail-on = "error"\nselect = ["CFG701"]\n')
    _write(tmp_path / "t.toml", 'pretrained_model_name_or_path = "m"\nnetwork_module = '
                                '"networks.lora"\nnetwrk_dim = 8\n')
    proc = run_cfglint("--quiet", "t.toml", cwd=tmp_path)
    assert proc.returncode == 0
    assert "CFG701 [warning]" in proc.stdout
    assert run_cfglint("--quiet", "--fail-on", "warning", "t.toml", cwd=tmp_path).returncode == 1


def test_fail_on_info_fails_on_an_unused_suppression(tmp_path):
    _write(tmp_path / "cfglint.toml", 'fail-on = "info"\nselect = ["CFG006", "CFG705"]\n')
    _write(tmp_path / "train.yml", "lr: 2.0e-4  # cfglint: ignore[CFG705]\n")
    assert run_cfglint("train.yml", cwd=tmp_path).returncode == 1


def test_fail_on_comes_from_each_files_closest_settings(tmp_path):
    unknown = ('pretrained_model_name_or_path = "m"\nnetwork_module = "networks.lora"\n'
               "netwrk_dim = 8\n")
    _write(tmp_path / "lenient" / "cfglint.toml", 'fail-on = "error"\n')
    _write(tmp_path / "lenient" / "t.toml", unknown)
    _write(tmp_path / "strict" / "t.toml", unknown)
    assert run_cfglint("--select", "CFG701", "lenient", cwd=tmp_path).returncode == 0
    assert run_cfglint("--select", "CFG701", "lenient", "strict", cwd=tmp_path).returncode == 1


def test_exclude_skips_matching_files_when_walking(tmp_path):
    _write(tmp_path / "cfglint.toml", 'exclude = ["legacy", "*.generated.yml"]\n')
    _write(tmp_path / "configs" / "a.yml", BASICSR)
    _write(tmp_path / "configs" / "b.generated.yml", BASICSR)
    _write(tmp_path / "legacy" / "old" / "c.yml", BASICSR)
    proc = run_cfglint("--quiet", "--select", "CFG705", ".", cwd=tmp_path)
    assert [ln.split(":")[0] for ln in proc.stdout.splitlines()] == ["configs/a.yml"]


def test_exclude_globs_are_relative_to_the_settings_file(tmp_path):
    _write(tmp_path / "proj" / "cfglint.toml", 'exclude = ["configs/skip/*"]\n')
    _write(tmp_path / "proj" / "configs" / "skip" / "a.yml", BASICSR)
    _write(tmp_path / "proj" / "configs" / "keep" / "b.yml", BASICSR)
    proc = run_cfglint("--quiet", "--select", "CFG705", "proj", cwd=tmp_path)
    assert [ln.split(":")[0] for ln in proc.stdout.splitlines()] == ["proj/configs/keep/b.yml"]


def test_per_file_ignores_drop_codes_for_matching_files(tmp_path):
    _write(tmp_path / "pyproject.toml",
           '[tool.cfglint.per-file-ignores]\n"presets/*.json" = ["CFG005"]\n')
    _write(tmp_path / "presets" / "a.json", '{"lr": 1, "lr": 2}\n')
    _write(tmp_path / "other" / "b.json", '{"lr": 1, "lr": 2}\n')
    proc = run_cfglint("--quiet", "--select", "CFG005", ".", cwd=tmp_path)
    assert [ln.split(":")[0] for ln in proc.stdout.splitlines()] == ["other/b.json"]


def test_families_map_globs_to_a_family(tmp_path):
    _write(tmp_path / "cfglint.toml", '[families]\n"sr/*.yml" = "basicsr"\n')
    _write(tmp_path / "sr" / "a.yml", GENERIC)
    _write(tmp_path / "b.yml", GENERIC)
    _, findings = run_json("--select", "CFG705", "sr/a.yml", "b.yml", cwd=tmp_path)
    by_path = {f["path"]: (f["family"], f["severity"]) for f in findings}
    assert by_path == {"sr/a.yml": ("basicsr", "error"), "b.yml": ("generic", "info")}


def test_family_key_sets_the_family_of_every_file(tmp_path):
    _write(tmp_path / "cfglint.toml", 'family = "basicsr"\n')
    _write(tmp_path / "b.yml", GENERIC)
    _, [finding] = run_json("--select", "CFG705", "b.yml", cwd=tmp_path)
    assert (finding["family"], finding["severity"]) == ("basicsr", "error")


def test_yaml_loader_setting_decides_cfg705_severity_for_generic_files(tmp_path):
    _write(tmp_path / "cfglint.toml", 'yaml-loader = "pyyaml"\n')
    _write(tmp_path / "b.yml", GENERIC)
    _, [finding] = run_json("--select", "CFG705", "b.yml", cwd=tmp_path)
    assert finding["severity"] == "error"


def test_yaml_loader_setting_never_changes_a_known_trainers_loader(tmp_path):
    # ai-toolkit reads 1e-4 as a float whatever the settings say about generic files
    _write(tmp_path / "cfglint.toml", 'yaml-loader = "pyyaml"\n')
    _write(tmp_path / "job.yaml", "job: extension\nconfig:\n  name: demo\n  process:\n"
                                  "    - type: sd_trainer\n      train:\n        lr: 1e-4\n")
    _, findings = run_json("--select", "CFG705", "job.yaml", cwd=tmp_path)
    assert findings == []


def test_yaml_loader_omegaconf_silences_the_exponent_note_on_generic_files(tmp_path):
    _write(tmp_path / "cfglint.toml", 'yaml-loader = "omegaconf"\n')
    _write(tmp_path / "b.yml", GENERIC)
    _, findings = run_json("--select", "CFG705", "b.yml", cwd=tmp_path)
    assert findings == []


PROBE_RULE = """\
code: TST901
name: param-probe
severity: warning
summary: fires when the limit parameter is above one
when: limit > 1
params: {limit: 0}
message: "limit is {limit}"
"""


def test_params_override_a_rules_parameters(tmp_path):
    _write(tmp_path / "rules" / "TST901-param-probe.yaml", PROBE_RULE)
    _write(tmp_path / "train.yml", "lr: 0.1\n")
    _write(tmp_path / "cfglint.toml", 'rule-folders = ["rules"]\n')
    rc, findings = run_json("--select", "TST901", "train.yml", cwd=tmp_path)
    assert (rc, findings) == (0, [])  # the default limit (0) keeps the rule quiet
    settings_for_dir.cache_clear()
    load_settings_file.cache_clear()
    _write(tmp_path / "cfglint.toml", 'rule-folders = ["rules"]\n[params.TST901]\nlimit = 5\n')
    rc, findings = run_json("--select", "TST901", "train.yml", cwd=tmp_path)
    assert rc == 1
    assert [(f["code"], f["message"]) for f in findings] == [("TST901", "limit is 5")]


# --- invalid settings ---------------------------------------------------------------------


def test_unknown_key_exits_2_with_location_and_did_you_mean(tmp_path):
    _write(tmp_path / "pyproject.toml", '[tool.cfglint]\nselect = ["CFG705"]\nignroe = ["X"]\n')
    _write(tmp_path / "train.yml", BASICSR)
    proc = run_cfglint("train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert f"{tmp_path / 'pyproject.toml'}:3:1: unknown setting `ignroe`" in proc.stderr
    assert "did you mean `ignore`?" in proc.stderr
    assert proc.stdout == ""


def test_unknown_key_in_cfglint_toml_is_located_too(tmp_path):
    _write(tmp_path / "cfglint.toml", '\n  fail_on = "error"\n')
    _write(tmp_path / "train.yml", BASICSR)
    proc = run_cfglint("train.yml", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{tmp_path / 'cfglint.toml'}:2:3: unknown setting `fail_on`" in proc.stderr
    assert "did you mean `fail-on`?" in proc.stderr


@pytest.mark.parametrize(("text", "message"), [
    ('fail-on = "fatal"\n', "`fail-on` must be error, warning or info"),
    ('select = "CFG705"\n', "`select` must be a list of strings"),
    ('families = {"*.yml" = "basic-sr"}\n', "unknown family `basic-sr`"),
    ("max-file-size = -1\n", "`max-file-size` must be a positive number of bytes"),
    ('yaml-loader = "yaml"\n', "`yaml-loader` must be one of"),
    ('per-file-ignores = {"*.json" = "CFG005"}\n', "`per-file-ignores` maps globs"),
    ('target-gpu = "Z100"\n', "unknown GPU `Z100` in `target-gpu`"),
])
def test_invalid_setting_value_exits_2_with_location(tmp_path, text, message):
    _write(tmp_path / "cfglint.toml", text)
    _write(tmp_path / "train.yml", BASICSR)
    proc = run_cfglint("train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert f"{tmp_path / 'cfglint.toml'}:1:" in proc.stderr
    assert message in proc.stderr


def test_settings_file_that_does_not_parse_exits_2_with_location(tmp_path):
    _write(tmp_path / "cfglint.toml", 'select = ["CFG705"\n')
    _write(tmp_path / "train.yml", BASICSR)
    proc = run_cfglint("train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert f"{tmp_path / 'cfglint.toml'}:" in proc.stderr
