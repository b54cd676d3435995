"""The pre-commit hooks: the manifest is valid, passes only files that can be training
configs, and `pre-commit try-repo` runs both hooks.

The try-repo tests copy this working tree into a temporary git repository once, and
pre-commit pip-installs cfglint from it into its own environment (network to PyPI).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_helpers import BASICSR, BASICSR_FIXED, ROOT

from cfglint.discover import hook_exclude, hook_files

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
SCHEMA = Path(os.environ.get("CFGLINT_SPECS", ROOT.parent / "shared" / "specs")) / \
    "schemastore" / "pre-commit-hooks.json"
COPY_SKIP = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".hypothesis",
             ".venv", "build", "dist"}


def _hooks() -> dict[str, dict[str, object]]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return {h["id"]: h for h in data}


def test_manifest_declares_check_and_fix_hooks_for_the_files_cfglint_reads():
    hooks = _hooks()
    assert set(hooks) == {"cfglint", "cfglint-fix"}
    # Python files reach cfglint only to be filtered to search spaces before any parse
    assert hooks["cfglint"]["entry"] == "cfglint check --python-search-only"
    assert hooks["cfglint-fix"]["entry"] == "cfglint check --fix --python-search-only"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["files"] == hook_files()
        assert hook["types"] == ["text"]
        assert hook["require_serial"] is True  # one cfglint spreads the files over the cores
        assert hook["minimum_pre_commit_version"] == "2.9.0"


def test_manifest_exclude_is_the_list_discovery_skips():
    for hook in _hooks().values():
        assert hook["exclude"] == hook_exclude(), (
            "regenerate: python -c 'from cfglint.discover import hook_exclude; "
            "print(hook_exclude())'")


@pytest.mark.parametrize(("path", "passed"), [
    ("configs/train.yaml", True), ("presets/lora.json", True), ("x.jsonc", True),
    ("train.toml", True), ("search/optuna_lora.py", True), ("poetry.lock", False),
    ("uv.lock", False), ("Cargo.lock", False),
    ("Pipfile.lock", False), ("package-lock.json", False), ("nb.ipynb", False),
    ("tsconfig.json", False), (".vscode/settings.json", False), ("docker-compose.yml", False),
    (".github/workflows/ci.yml", False), (".pre-commit-config.yaml", False),
    ("web/package.json", False), ("pyproject.toml", False), ("README.md", False),
])
def test_the_hooks_pass_only_files_that_can_be_training_configs(path, passed):
    for hook in _hooks().values():
        # pre-commit keeps a file when `files` searches it and `exclude` does not
        kept = bool(re.search(str(hook["files"]), path)) and not re.search(
            str(hook["exclude"]), path)
        assert kept is passed, hook["id"]


def test_manifest_is_valid_against_the_schemastore_schema():
    if not SCHEMA.is_file():
        pytest.skip(f"SchemaStore schema not found at {SCHEMA}")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(data))
    assert errors == []


def test_manifest_is_accepted_by_pre_commits_own_loader():
    from pre_commit.clientlib import load_manifest

    hooks = load_manifest(str(MANIFEST))
    assert [h["id"] for h in hooks] == ["cfglint", "cfglint-fix"]
    assert all(h["types"] == ["text"] for h in hooks)


# --- pre-commit try-repo ------------------------------------------------------------------


def _network() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


def _git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                   timeout=60)


def _copy_working_tree(dest: Path) -> None:
    """Tracked and untracked (not ignored) files of this checkout; git state is only read."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True, timeout=60).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = ROOT / name
        if not src.is_file() or set(Path(name).parts) & COPY_SKIP:
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def _try_repo(hook: str | None, repo: Path, work: Path, env: dict[str, str]):
    """`pre-commit try-repo` with one hook, or every hook of the manifest (``None``). Each call
    builds the hook environment afresh (try-repo uses a temporary store): about 20 s."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(repo), *([hook] if hook else []),
         "--ref", "HEAD", "--all-files", "--color", "never"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A git snapshot of this working tree to try, and the environment pre-commit runs in
    (one pre-commit home, so the hook environment is built once per repository state)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not _network():
        pytest.skip("no network: pre-commit must pip-install cfglint from PyPI")
    base = tmp_path_factory.mktemp("precommit")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "CFGLINT_DEBUG", "PRE_COMMIT", "GITHUB_STEP_SUMMARY")}
    env.update(PRE_COMMIT_HOME=str(base / "pre-commit-home"), GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")
    repo = base / "hook-repo"
    _copy_working_tree(repo)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    _git("init", "-q", ".", cwd=repo, env=env)
    _git("add", "-A", cwd=repo, env=env)
    _git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=repo, env=env)
    return repo, env


def test_try_repo_check_fails_then_fix_rewrites_once_then_both_pass(tmp_path, hook_env):
    repo, env = hook_env
    work = tmp_path / "work"
    work.mkdir()
    config = work / "options" / "train_sr.yml"
    config.parent.mkdir()
    config.write_text(BASICSR, encoding="utf-8")
    # only the codes these tests rely on (the rule set grows)
    (work / "cfglint.toml").write_text('select = ["CFG001", "CFG004", "CFG005", "CFG705"]\n')
    _git("init", "-q", ".", cwd=work, env=env)
    _git("add", "-A", cwd=work, env=env)

    check = _try_repo("cfglint", repo, work, env)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "options/train_sr.yml:7:9: CFG705" in check.stdout
    assert config.read_text() == BASICSR

    fix = _try_repo("cfglint-fix", repo, work, env)
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    assert config.read_text() == BASICSR_FIXED

    both = _try_repo(None, repo, work, env)
    assert both.returncode == 0, both.stdout + both.stderr
    assert both.stdout.count("Passed") == 2
    assert config.read_text() == BASICSR_FIXED


CLEAN_BASICSR = BASICSR_FIXED.replace("  type: RRDBNet\n",
                                      "  type: RRDBNet\n  num_in_ch: 3\n  num_out_ch: 3\n")
# Files every ordinary repository has, none of them a training config; each one made cfglint
# fail a commit before the hooks were restricted (lock files parsed as YAML, JSONC as JSON,
# `LR: 1e-4` in a compose file or workflow given a "safe" fix, settings' exclude bypassed).
ORDINARY_REPOSITORY = {
    "poetry.lock": '[[package]]\nname = "click"\nversion = "8.1.7"\n',
    "uv.lock": 'version = 1\n[[package]]\nname = "x"\n',
    "package-lock.json": '{"name": "web", "lockfileVersion": 3, "packages": {}}\n',
    "tsconfig.json": '{\n  // strict mode\n  "compilerOptions": {"strict": true,},\n}\n',
    ".vscode/settings.json": '{\n  "editor.tabSize": 2, // team style\n}\n',
    "docker-compose.yml": "services:\n  train:\n    image: trainer\n    environment:\n"
                          "      LR: 1e-4\n",
    ".github/workflows/ci.yml": "on: push\nenv:\n  LR: 1e-4\njobs:\n  t:\n"
                                "    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
    "nb.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
    "charts/templates/deploy.yaml": "kind: Deployment\nspec: {{ .Values.spec }\n",
    "runs/2024-01-01/train_sr.yml": BASICSR,  # excluded in settings, with force-exclude
    "options/train_sr.yml": CLEAN_BASICSR,  # the one training config, and it is clean
    "cfglint.toml": 'exclude = ["runs/"]\nforce-exclude = true\n',
}


def test_try_repo_in_an_ordinary_repository_passes_and_writes_nothing(tmp_path, hook_env):
    repo, env = hook_env
    work = tmp_path / "ordinary"
    for name, text in ORDINARY_REPOSITORY.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    _git("init", "-q", ".", cwd=work, env=env)
    _git("add", "-A", cwd=work, env=env)
    before = {name: (work / name).read_bytes() for name in ORDINARY_REPOSITORY}
    both = _try_repo(None, repo, work, env)  # cfglint and cfglint-fix
    assert both.returncode == 0, both.stdout + both.stderr
    assert both.stdout.count("Passed") == 2
    assert {name: (work / name).read_bytes() for name in ORDINARY_REPOSITORY} == before
