"""Which files a run lints, and what it says about files that are no training configs:
gitignore-style globs, .gitignore without git, `force-exclude`, names that are never
configs, unknown suffixes, and silence about files nobody named that state no training."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import BASICSR, no_traceback, run_cfglint

from cfglint.discover import (
    NOT_CONFIG_FILES,
    NOT_CONFIG_FOLDERS,
    discover,
    hook_exclude,
    not_a_config,
)
from cfglint.pipeline import lint_document
from cfglint.settings import Settings, settings_for
from cfglint.source.read import parse_text


def _write(root: Path, name: str, text: str = BASICSR) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _listed(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted({ln.split(":")[0] for ln in proc.stdout.splitlines() if ln.strip()})


# --- settings globs are gitignore patterns ---------------------------------------------------


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("configs/*.json", "configs/a.json", True),
    ("configs/*.json", "configs/sub/deep.json", False),
    ("configs/sr/*.yml", "other/configs/sr/x.yml", False),
    ("/runs", "runs/a.yaml", True),
    ("/runs", "sub/runs/a.yaml", False),
    ("runs/", "sub/runs/a.yaml", True),
    ("**/presets/*.json", "presets/a.json", True),
    ("**/presets/*.json", "a/b/presets/c.json", True),
    ("*.generated.yml", "deep/x.generated.yml", True),
    ("legacy", "legacy/old/c.yml", True),
])
def test_settings_globs_follow_gitignore_semantics(pattern, path, matches):
    settings = Settings(root="/project", exclude=[pattern], per_file_ignores={pattern: ["CFG005"]},
                        families={pattern: "basicsr"})
    full = f"/project/{path}"
    assert settings.excluded(full) is matches
    assert (settings.ignored_for(full) == {"CFG005"}) is matches
    assert (settings.family_for(full) == "basicsr") is matches


# --- walking -----------------------------------------------------------------------------


def test_walk_without_git_honours_gitignore_files_at_every_level(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, ".gitignore", "runs/\n*.local.yml\n!keep.local.yml\n")
    _write(tmp_path, "configs/.gitignore", "scratch.yml\n")
    for name in ("configs/a.yml", "configs/scratch.yml", "configs/b.local.yml",
                 "configs/keep.local.yml", "runs/c.yml", "build/d.yml"):
        _write(tmp_path, name)
    found = [t.path for t in discover(["."], settings_for)]
    assert sorted(found) == ["configs/a.yml", "configs/keep.local.yml"]


def test_walk_below_the_working_directory_honours_its_gitignore(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, ".gitignore", "sub/runs/\n")
    _write(tmp_path, "sub/runs/x.yml")
    _write(tmp_path, "sub/ok.yml")
    assert [t.path for t in discover(["sub"], settings_for)] == ["sub/ok.yml"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_walk_in_git_skips_tool_folders_and_names_that_are_never_configs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q", "."], check=True)
    for name in ("configs/a.yml", "build/b.yml", "package-lock.json", "tsconfig.json",
                 ".github/workflows/ci.yml", "docker-compose.yml", "poetry.lock"):
        _write(tmp_path, name)
    assert [t.path for t in discover(["."], settings_for)] == ["configs/a.yml"]


@pytest.mark.parametrize("name", [
    "poetry.lock", "uv.lock", "Cargo.lock", "Pipfile.lock", "package-lock.json",
    "pnpm-lock.yaml", "nb.ipynb", "package.json", "pyproject.toml", "tsconfig.json",
    "tsconfig.base.json", ".vscode/settings.json", ".devcontainer/devcontainer.json",
    "docker-compose.yml", "docker-compose.prod.yaml", "compose.yaml",
    ".github/workflows/train.yml", ".pre-commit-config.yaml", ".gitlab-ci.yml", "cfglint.toml",
    "sub/dir/.eslintrc.json",
])
def test_names_that_are_never_training_configs_are_known_to_discovery_and_the_hook(name):
    assert not_a_config(name)
    assert re.search(hook_exclude(), name)


@pytest.mark.parametrize("name", [
    "train.yaml", "configs/lora.toml", "presets/lora/SDXL.json", "options/train_x4.yml",
    "config/examples/train_lora_flux_24gb.yaml", "locks/train.yaml", "composer_model.yaml",
    "github/train.yml", "configs/package.yaml",
])
def test_training_config_names_pass_discovery_and_the_hook(name):
    assert not not_a_config(name)
    assert not re.search(hook_exclude(), name)


def test_every_listed_name_and_folder_is_recognised_at_any_depth():
    pattern = re.compile(hook_exclude())
    for glob in NOT_CONFIG_FILES:
        example = glob.replace("*", "x")
        assert not_a_config(example) and pattern.search(f"a/{example}"), glob
    for folder in NOT_CONFIG_FOLDERS:
        assert not_a_config(f"{folder}/x.yml") and pattern.search(f"a/{folder}/x.yml"), folder


# --- named files ---------------------------------------------------------------------------


def test_force_exclude_makes_exclude_hold_for_named_files(tmp_path):
    _write(tmp_path, "cfglint.toml", 'exclude = ["runs/"]\nforce-exclude = true\n')
    _write(tmp_path, "runs/a.yml")
    _write(tmp_path, "configs/b.yml")
    proc = run_cfglint("--quiet", "--select", "CFG705", "runs/a.yml", "configs/b.yml",
                       cwd=tmp_path)
    no_traceback(proc)
    assert _listed(proc) == ["configs/b.yml"]


def test_without_force_exclude_a_named_file_is_linted_even_if_excluded(tmp_path):
    _write(tmp_path, "cfglint.toml", 'exclude = ["runs/"]\n')
    _write(tmp_path, "runs/a.yml")
    proc = run_cfglint("--quiet", "--select", "CFG705", "runs/a.yml", cwd=tmp_path)
    assert _listed(proc) == ["runs/a.yml"]


def test_force_exclude_fix_never_touches_an_excluded_file(tmp_path):
    _write(tmp_path, "cfglint.toml", 'exclude = ["runs/"]\nforce-exclude = true\n')
    path = _write(tmp_path, "runs/a.yml")
    proc = run_cfglint("--fix", "runs/a.yml", cwd=tmp_path)
    assert proc.returncode == 0
    assert path.read_text() == BASICSR


def test_names_that_are_never_configs_are_skipped_when_pre_commit_names_them(tmp_path):
    _write(tmp_path, "docker-compose.yml", "services:\n  t:\n    environment:\n      LR: 1e-4\n")
    named = run_cfglint("--quiet", "docker-compose.yml", cwd=tmp_path)
    assert _listed(named) == ["docker-compose.yml"]  # a person asked for it
    hooked = run_cfglint("--quiet", "docker-compose.yml", cwd=tmp_path,
                         extra_env={"PRE_COMMIT": "1"})
    assert (hooked.returncode, hooked.stdout) == (0, "")


def test_a_named_file_with_an_unknown_suffix_is_skipped_not_parsed_as_yaml(tmp_path):
    _write(tmp_path, "poetry.lock", '[[package]]\nname = "click"\nversion = "8.1.7"\n')
    proc = run_cfglint("poetry.lock", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    assert "CFG001" not in proc.stdout
    assert "skipped poetry.lock: not a YAML, TOML, JSON or Python file name" in proc.stderr


def test_show_files_lists_what_a_check_would_lint(tmp_path):
    _write(tmp_path, ".gitignore", "ignored/\n")
    _write(tmp_path, "cfglint.toml", 'exclude = ["legacy/"]\n')
    for name in ("a.yml", "ignored/b.yml", "legacy/c.yml", "tsconfig.json", "d/e.json"):
        _write(tmp_path, name)
    proc = run_cfglint("--show-files", ".", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == ["a.yml", "d/e.json"]


# --- files nobody named that state no training -----------------------------------------------

COMPOSE = "services:\n  app:\n    image: x\n    ports: ['80:80']\n    ports: ['81:81']\n"
BROKEN = "name: x\nsteps: [1, 2\n"
BROKEN_TRAINING = "learning_rate: 1e-4\noptimizer: [adam\n"


def _lint(text: str, name: str, explicit: bool, settings: Settings | None = None) -> list[str]:
    doc = parse_text(name, text, "yaml")
    result = lint_document(doc, settings or Settings(), explicit=explicit)
    return [f.code for f in result.findings]


def test_a_found_file_without_training_facts_gets_no_findings():
    assert _lint(COMPOSE, "stack.yml", explicit=False) == []
    assert "CFG005" in _lint(COMPOSE, "stack.yml", explicit=True)


def test_a_found_file_that_does_not_parse_is_silent_unless_it_names_a_training_key():
    assert _lint(BROKEN, "chart.yaml", explicit=False) == []
    assert _lint(BROKEN, "chart.yaml", explicit=True) == ["CFG001"]
    assert _lint(BROKEN_TRAINING, "train.yaml", explicit=False) == ["CFG001"]


def test_a_found_file_gets_its_findings_when_settings_name_its_trainer():
    settings = Settings(root="/", families={"*.yaml": "basicsr"})
    assert _lint(BROKEN, "/x/chart.yaml", explicit=False, settings=settings) == ["CFG001"]


def test_a_found_training_config_still_gets_every_finding():
    assert "CFG705" in _lint(BASICSR, "train.yml", explicit=False)
    assert "CFG705" in _lint("learning_rate: 5e-5\n", "gen.yml", explicit=False)


def test_a_folder_walk_and_pre_commit_treat_found_files_alike(tmp_path):
    _write(tmp_path, "chart/broken.yaml", BROKEN)
    _write(tmp_path, "train.yml")
    walked = run_cfglint("--quiet", ".", cwd=tmp_path)
    assert _listed(walked) == ["train.yml"]
    named = run_cfglint("--quiet", "chart/broken.yaml", "train.yml", cwd=tmp_path)
    assert _listed(named) == ["chart/broken.yaml", "train.yml"]
    hooked = run_cfglint("--quiet", "chart/broken.yaml", "train.yml", cwd=tmp_path,
                         extra_env={"PRE_COMMIT": "1"})
    assert _listed(hooked) == ["train.yml"]
