"""The composite GitHub Action: ``action.yml`` follows GitHub's metadata syntax, and its
shell steps run for real in a temporary repository (each mode), with the ``${{ }}``
expressions they use evaluated here the way the runner does."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from fake_github import NUMBER, FakeGitHub
from review_repo import GitRepo
from review_scenario import BASICSR

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))

# From GitHub's documentation "Metadata syntax for GitHub Actions": name, description and
# runs are required; an input has a required description and optional required/default/
# deprecationMessage; a composite action's output has description and value; branding
# colours are a fixed list; a composite step is `run` (which needs `shell`) or `uses`.
INPUT_ID = r"^[A-Za-z_][A-Za-z0-9_-]*$"
METADATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "description", "runs"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "author": {"type": "string"},
        "description": {"type": "string", "minLength": 1},
        "branding": {"type": "object", "additionalProperties": False, "properties": {
            "icon": {"type": "string"},
            "color": {"enum": ["white", "black", "yellow", "blue", "green", "orange", "red",
                               "purple", "gray-dark"]}}},
        "inputs": {"type": "object", "propertyNames": {"pattern": INPUT_ID},
                   "additionalProperties": {
                       "type": "object", "required": ["description"],
                       "additionalProperties": False,
                       "properties": {"description": {"type": "string"},
                                      "required": {"type": "boolean"},
                                      "default": {"type": "string"},
                                      "deprecationMessage": {"type": "string"}}}},
        "outputs": {"type": "object", "propertyNames": {"pattern": INPUT_ID},
                    "additionalProperties": {
                        "type": "object", "required": ["description", "value"],
                        "additionalProperties": False,
                        "properties": {"description": {"type": "string"},
                                       "value": {"type": "string"}}}},
        "runs": {"type": "object", "required": ["using", "steps"],
                 "additionalProperties": False,
                 "properties": {"using": {"const": "composite"},
                                "steps": {"type": "array", "minItems": 1,
                                          "items": {"$ref": "#/definitions/step"}}}},
    },
    "definitions": {"step": {
        "type": "object", "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "id": {"type": "string"},
                       "if": {"type": "string"}, "run": {"type": "string"},
                       "shell": {"type": "string"}, "uses": {"type": "string"},
                       "with": {"type": "object"}, "env": {"type": "object",
                                                          "additionalProperties": {
                                                              "type": "string"}},
                       "working-directory": {"type": "string"},
                       "continue-on-error": {"type": ["boolean", "string"]}},
        "oneOf": [{"required": ["run", "shell"], "not": {"required": ["uses"]}},
                  {"required": ["uses"], "not": {"required": ["run"]}}]}},
}


def test_action_yml_follows_githubs_metadata_syntax() -> None:
    validator = jsonschema.Draft7Validator(METADATA_SCHEMA)
    assert list(validator.iter_errors(ACTION)) == []
    broken = json.loads(json.dumps(ACTION))
    del next(s for s in broken["runs"]["steps"] if "run" in s)["shell"]
    assert list(validator.iter_errors(broken)) != []  # the schema does check


def test_every_expression_names_a_declared_input_or_step() -> None:
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    ids = {s.get("id") for s in ACTION["runs"]["steps"]}
    for name in re.findall(r"inputs\.([A-Za-z0-9_-]+)", text):
        assert name in ACTION["inputs"], name
    for step in re.findall(r"steps\.([A-Za-z0-9_-]+)\.", text):
        assert step in ids, step
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), "pass values through env, not into scripts"


# --- running the steps --------------------------------------------------------------------
_CONTEXT = re.compile(r"\b(?:inputs|steps|github)(?:\.[A-Za-z0-9_-]+)+")


def evaluate(expr: str, context: dict[str, Any]) -> Any:
    """The subset of GitHub's expression language action.yml uses: context lookups,
    string literals, ==, !=, &&, || and always()."""
    names: dict[str, Any] = {}

    def lookup(m: re.Match[str]) -> str:
        value: Any = context
        for part in m.group(0).split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        names[f"_v{len(names)}"] = value
        return f"_v{len(names) - 1}"

    py = _CONTEXT.sub(lookup, expr).replace("&&", " and ").replace("||", " or ")
    py = py.replace("always()", "True")
    return eval(py, {"__builtins__": {}}, names)  # only this repository's own action.yml


def substitute(value: str, context: dict[str, Any]) -> str:
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(evaluate(m.group(1), context) or ""),
                  value)


def run_action(repo: Path, inputs: dict[str, str], event: dict[str, Any], env: dict[str, str],
               tmp: Path, stub_python: bool = True) -> tuple[int, list[dict[str, Any]], str]:
    """Run the action's steps like the runner: returns the exit status of the first failing
    step (0 if none), what each `uses:` step would get, and the combined output."""
    defaults = {k: v.get("default", "") for k, v in ACTION["inputs"].items()}
    context: dict[str, Any] = {"inputs": {**defaults, **inputs}, "steps": {},
                               "github": {"event": event, "token": "write-token",
                                          "action_path": str(ROOT)}}
    context["inputs"] = {k: substitute(v, context) for k, v in context["inputs"].items()}
    stub = tmp / "stub-bin"
    stub.mkdir(exist_ok=True)
    (stub / "python").write_text(f'#!/bin/sh\necho "$@" > "{tmp}/pip-args"\n',
                                 encoding="utf-8")
    (stub / "python").chmod(0o755)
    status, used, output = 0, [], ""
    for step in ACTION["runs"]["steps"]:
        condition = step.get("if", "success()")
        ok = (evaluate(condition, context) if condition != "success()" else status == 0)
        if not ok or (status and "always()" not in condition):
            continue
        if "uses" in step:
            used.append({"uses": step["uses"], "with": {k: substitute(str(v), context)
                                                        for k, v in step["with"].items()}})
            continue
        outputs = tmp / f"output-{len(output)}"
        outputs.write_text("", encoding="utf-8")
        path = os.environ["PATH"]
        if stub_python and step.get("name") == "Install cfglint":
            path = f"{stub}{os.pathsep}{path}"
        step_env = {**os.environ, **env, "PATH": f"{path}", "GITHUB_OUTPUT": str(outputs),
                    "GITHUB_ACTION_PATH": str(ROOT), "RUNNER_TEMP": str(tmp),
                    **{k: substitute(str(v), context) for k, v in step.get("env", {}).items()}}
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=step_env,
                              capture_output=True, text=True, check=False)
        output += proc.stdout + proc.stderr
        if "id" in step:
            pairs = [ln.split("=", 1) for ln in outputs.read_text().splitlines() if "=" in ln]
            context["steps"][step["id"]] = {"outputs": dict(pairs)}
        status = status or proc.returncode
    return status, used, output


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    r = GitRepo(tmp_path / "repo")
    r.write("sr/train.yml", BASICSR.format(lr="2e-4", wd="0"))
    r.commit("base")
    return r


@pytest.fixture
def venv_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The steps find this interpreter's cfglint on PATH (setup-python is the runner's)."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}"
                                f"{os.environ['PATH']}")


def test_install_step_installs_this_checkout_with_the_probe_extra_when_asked(
        repo: GitRepo, tmp_path: Path, venv_path: None) -> None:
    run_action(repo.path, {"mode": "annotations", "probe": "true"}, {}, {}, tmp_path)
    args = (tmp_path / "pip-args").read_text().split()
    assert args[:2] == ["-m", "pip"] and args[-1] == f"{ROOT}[probe]"


def test_sarif_mode_writes_the_file_and_uploads_it_even_when_findings_fail_the_step(
        repo: GitRepo, tmp_path: Path, venv_path: None) -> None:
    status, used, _ = run_action(repo.path, {"mode": "sarif", "category": "configs"}, {}, {},
                                 tmp_path)
    assert status == 1
    [upload] = used[1:]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["category"] == "configs"
    log = json.loads(Path(upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    assert log["runs"][0]["results"]


def test_annotations_mode_writes_workflow_commands_and_fail_on_never_passes(
        repo: GitRepo, tmp_path: Path, venv_path: None) -> None:
    status, used, output = run_action(repo.path, {"mode": "annotations", "fail-on": "never"},
                                      {}, {}, tmp_path)
    assert status == 0 and len(used) == 1  # setup-python only: no upload
    assert "::error file=sr/train.yml,line=" in output


def test_an_unknown_mode_fails_with_a_clear_error(repo: GitRepo, tmp_path: Path,
                                                  venv_path: None) -> None:
    status, _, output = run_action(repo.path, {"mode": "lint"}, {}, {}, tmp_path)
    assert status == 2 and "unknown mode 'lint'" in output


@pytest.fixture
def github(repo: GitRepo) -> Iterator[FakeGitHub]:
    gh = FakeGitHub(repo.path)
    yield gh
    gh.close()


def test_review_mode_reviews_the_pull_request_of_the_event(repo: GitRepo, tmp_path: Path,
                                                           github: FakeGitHub,
                                                           venv_path: None) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.checkout("feature", new=True)
    repo.write("sr/clean.yml", BASICSR.format(lr="2.0e-4", wd="0"))
    head = repo.commit("a clean config")
    github.push(base, head)
    event = {"pull_request": {"number": NUMBER, "base": {"sha": base}, "head": {"sha": head}}}
    env = {k: v for k, v in github.env().items() if k != "GITHUB_TOKEN"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    status, _, output = run_action(repo.path, {"mode": "review"}, event, env, tmp_path)
    assert status == 0, output
    assert len(github.summaries()) == 1 and "**0 new**" in github.summaries()[0]["body"]
    assert any(r.headers.get("authorization") == "Bearer write-token"
               for r in github.requests)


def test_review_mode_with_probe_shows_each_changed_configs_verdict_in_the_summary(
        repo: GitRepo, tmp_path: Path, github: FakeGitHub, venv_path: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.checkout("feature", new=True)
    repo.write("sr/clean.yml", BASICSR.format(lr="2.0e-4", wd="0"))
    head = repo.commit("a clean config")
    github.push(base, head)
    fake = tmp_path / "fake-probe"  # the probe needs torch and minutes; its JSON is enough
    fake.mkdir()
    real = Path(sys.executable).parent / "cfglint"
    (fake / "cfglint").write_text(
        '#!/bin/sh\nif [ "$1" = probe ]; then\n'
        '  echo \'{"verdict": "FAIL", "margin": null, "checks": '
        '[{"code": "P902", "status": "FAIL", "name": "diverged"}]}\'; exit 2\nfi\n'
        f'exec "{real}" "$@"\n', encoding="utf-8")
    (fake / "cfglint").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    event = {"pull_request": {"number": NUMBER, "base": {"sha": base}, "head": {"sha": head}}}
    env = {k: v for k, v in github.env().items() if k != "GITHUB_TOKEN"}
    status, _, output = run_action(repo.path, {"mode": "review", "probe": "true"}, event, env,
                                   tmp_path)
    assert status == 0, output
    row = "| `sr/clean.yml` | FAIL | beyond the ladder | P902 FAIL |"
    assert row in github.summaries()[0]["body"]
