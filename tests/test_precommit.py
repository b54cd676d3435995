"""The pre-commit hooks: the manifest is valid, and `pre-commit try-repo` runs both hooks.

The try-repo test copies this working tree into a temporary git repository, and pre-commit
pip-installs cfglint from it into its own environment (network to PyPI; about a minute).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_helpers import BASICSR, BASICSR_FIXED, ROOT

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
SCHEMA = Path(os.environ.get("CFGLINT_SPECS", ROOT.parent / "shared" / "specs")) / \
    "schemastore" / "pre-commit-hooks.json"
COPY_SKIP = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".hypothesis",
             ".venv", "build", "dist"}


def _hooks() -> dict[str, dict[str, object]]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return {h["id"]: h for h in data}


def test_manifest_declares_check_and_fix_hooks_for_configs_and_search_space_python():
    hooks = _hooks()
    assert set(hooks) == {"cfglint", "cfglint-fix"}
    # Python files reach cfglint only to be filtered to search spaces before any parse
    assert hooks["cfglint"]["entry"] == "cfglint --python-search-only"
    assert hooks["cfglint-fix"]["entry"] == "cfglint --fix --python-search-only"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["yaml", "toml", "json", "python"]
        assert hook["require_serial"] is False


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
    assert all(h["types_or"] == ["yaml", "toml", "json", "python"] for h in hooks)


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


def _try_repo(hook: str, repo: Path, work: Path, env: dict[str, str]):
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(repo), hook, "--ref", "HEAD",
         "--all-files", "--color", "never"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_try_repo_check_fails_then_fix_rewrites_once_then_both_pass(tmp_path):
    if not _network():
        pytest.skip("no network: pre-commit must pip-install cfglint from PyPI")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CFGLINT_DEBUG")}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")

    repo = tmp_path / "hook-repo"
    _copy_working_tree(repo)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    _git("init", "-q", ".", cwd=repo, env=env)
    _git("add", "-A", cwd=repo, env=env)
    _git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=repo, env=env)

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

    for hook in ("cfglint-fix", "cfglint"):
        again = _try_repo(hook, repo, work, env)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "Passed" in again.stdout
    assert config.read_text() == BASICSR_FIXED
