"""SARIF 2.1.0: valid against the OASIS schema and shaped the way GitHub code scanning reads it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from cli_helpers import BASICSR, run_cfglint
from report_fixtures import SPECS, rules, sample_results

from cfglint import __version__
from cfglint.findings import FileResult, make_finding
from cfglint.report import render
from cfglint.report.sarif import FINGERPRINT_KEY, artifact_location
from cfglint.source.read import parse_text


def _log(results: list[FileResult] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render("sarif", results or sample_results(), rules()))
    return data


@pytest.mark.skipif(not SPECS.is_dir(), reason=f"shared specs folder {SPECS} is absent")
@pytest.mark.parametrize("schema_file", ["sarif-schema-2.1.0.json",
                                         "schemastore/sarif-2.1.0.json"])
def test_sarif_validates_against_the_schema(schema_file: str) -> None:
    import jsonschema

    schema = json.loads((SPECS / schema_file).read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    log = _log()
    assert list(validator_cls(schema).iter_errors(log)) == []
    log["runs"][0]["results"][0]["level"] = "fatal"  # the validator does check
    assert list(validator_cls(schema).iter_errors(log)) != []


def test_driver_names_the_tool_version_and_every_rule_with_github_required_text() -> None:
    driver = _log()["runs"][0]["tool"]["driver"]
    assert driver["name"] == "cfglint"
    assert driver["version"] == __version__
    assert "informationUri" not in driver  # cfglint serves no site
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(ids)
    assert set(rules()) | {"CFG004", "CFG300"} <= set(ids)
    for rule in driver["rules"]:
        for prop in ("shortDescription", "fullDescription"):
            assert 0 < len(rule[prop]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert "helpUri" not in rule  # no address unless settings name a `docs-url`
        assert len(rule["properties"]["tags"]) <= 20


def test_help_is_the_rule_page_and_help_uri_follows_the_docs_url_setting() -> None:
    from cfglint.pages import rule_page, rule_text

    log = json.loads(render("sarif", sample_results(), rules(),
                            docs_url="https://example.org/lint/{code}.html"))
    driver = log["runs"][0]["tool"]["driver"]
    rule = next(r for r in driver["rules"] if r["id"] == "CFG205")
    assert rule["help"]["markdown"] == rule_page(rules()["CFG205"])
    assert rule["help"]["text"] == rule_text(rules()["CFG205"])
    assert rule["helpUri"] == "https://example.org/lint/CFG205.html"


def test_rule_metadata_comes_from_the_rule_file() -> None:
    driver = _log()["runs"][0]["tool"]["driver"]
    rule = next(r for r in driver["rules"] if r["id"] == "CFG205")
    assert rule["name"] == "high-lr-8bit-adam"
    assert rule["shortDescription"]["text"] == rules()["CFG205"].summary
    assert rule["fullDescription"]["text"] == "8-bit optimizer state loses precision at high LR."
    assert rule["defaultConfiguration"]["level"] == "warning"
    assert rule["properties"]["tags"] == sorted(rules()["CFG205"].tags)
    info_rule = next(r for r in driver["rules"] if r["id"] == "CFG101")
    assert info_rule["defaultConfiguration"]["level"] == "note"


def test_results_point_at_their_rule_and_carry_level_message_and_region() -> None:
    run = _log()["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    findings = sorted((f for r in sample_results() for f in r.findings),
                      key=lambda f: (f.path, f.line, f.column))
    assert len(run["results"]) == len(findings)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    by_code = {f.code: f for f in findings}
    for res in run["results"]:
        f = by_code[res["ruleId"]]
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] == levels[f.severity]
        assert res["message"]["text"] == f.message
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region == {"startLine": f.line, "startColumn": f.column,
                          "endLine": f.end_line, "endColumn": f.end_column}


def test_uris_are_relative_percent_encoded_and_based_on_srcroot() -> None:
    uris = {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for res in _log()["runs"][0]["results"]}
    assert uris == {"configs/kohya.toml", "configs/my%20run%20%232.yaml"}
    assert unquote("configs/my%20run%20%232.yaml") == "configs/my run #2.yaml"
    for res in _log()["runs"][0]["results"]:
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] \
            == "%SRCROOT%"


def _located(path: str) -> FileResult:
    doc = parse_text(path, "a: 1\n", "yaml")
    return FileResult(doc=doc, family="generic", findings=[])


def test_paths_are_relative_to_the_repository_root_and_absolute_outside_it() -> None:
    root = os.getcwd()
    inside = os.path.join(root, "sub dir", "x.yaml")
    assert artifact_location(_located(inside), root) == {"uri": "sub%20dir/x.yaml",
                                                         "uriBaseId": "%SRCROOT%"}
    assert artifact_location(_located("./sub/b.yaml"), root)["uri"] == "sub/b.yaml"
    assert artifact_location(_located("sub/b.yaml"), os.path.join(root, "sub"))["uri"] == "b.yaml"
    outside = Path(root).anchor + "elsewhere-cfglint-test/x.yaml"
    assert artifact_location(_located(outside), root) == {"uri": Path(outside).as_uri()}


def test_a_run_from_a_sub_folder_files_the_same_uris_and_fingerprints(tmp_path, monkeypatch):
    (tmp_path / "configs").mkdir()
    monkeypatch.chdir(tmp_path)
    from_root = _log_at(str(tmp_path), "configs/c.yaml")
    monkeypatch.chdir(tmp_path / "configs")
    from_sub = _log_at(str(tmp_path), "c.yaml")
    assert from_root == from_sub
    (uri, _), = from_root
    assert uri == "configs/c.yaml"


def _log_at(root: str, path: str) -> list[tuple[str, str]]:
    doc = parse_text(path, "lr: 2e-4\n", "yaml")
    node = doc.find(("lr",))
    assert node is not None
    f = make_finding(doc, "CFG205", "lr", "warning", "lr is too high", "generic", node.span,
                     key=("lr",))
    result = FileResult(doc=doc, family="generic", findings=[f])
    log = json.loads(render("sarif", [result], rules(), root=root))
    assert log["runs"][0]["originalUriBaseIds"] == {
        "%SRCROOT%": {"uri": Path(root).as_uri() + "/"}}
    return [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["partialFingerprints"][FINGERPRINT_KEY]) for r in log["runs"][0]["results"]]


def _fingerprints(text: str) -> list[tuple[str, int]]:
    doc = parse_text("c.yaml", text, "yaml")
    node = doc.find(("lr",))
    assert node is not None
    f = make_finding(doc, "CFG205", "lr", "warning", f"lr {doc.text[node.span.start:node.span.end]}"
                     " is too high", "generic", node.span, key=("lr",))
    res = _log([FileResult(doc=doc, family="generic", findings=[f])])["runs"][0]["results"][0]
    return [(res["partialFingerprints"][FINGERPRINT_KEY],
             res["locations"][0]["physicalLocation"]["region"]["startLine"])]


def test_fingerprint_survives_lines_added_above_and_value_changes() -> None:
    (before, line_before), = _fingerprints("lr: 2e-4\n")
    (after, line_after), = _fingerprints("# a comment\nsteps: 10\nlr: 3e-4\n")
    assert line_before != line_after
    assert before == after


def test_fingerprint_differs_per_rule_key_and_repeats_get_distinct_primary_hashes() -> None:
    log = _log()
    hashes = [r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"]]
    assert len(set(hashes)) == len(hashes)
    doc = parse_text("d.yaml", "a: 1\nb: 1\n", "yaml")
    twins = [make_finding(doc, "CFG1", "n", "info", "same", "generic", doc.line_span(n))
             for n in (1, 2)]
    results = _log([FileResult(doc=doc, family="generic", findings=twins)])["runs"][0]["results"]
    primary = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(primary)) == 2


def _apply_sarif(text: str, replacements: list[dict[str, Any]]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [sum(len(x) for x in lines[:i]) for i in range(len(lines) + 1)]

    def offset(line: int, col: int) -> int:
        return starts[line - 1] + col - 1

    for rep in sorted(replacements, key=lambda r: (r["deletedRegion"]["startLine"],
                                                   r["deletedRegion"]["startColumn"]),
                      reverse=True):
        reg = rep["deletedRegion"]
        a = offset(reg["startLine"], reg["startColumn"])
        b = offset(reg["endLine"], reg["endColumn"])
        text = text[:a] + rep["insertedContent"]["text"] + text[b:]
    return text


def test_fixes_are_replacements_that_reproduce_the_fixed_text() -> None:
    results = sample_results()
    log = _log(results)
    with_fix = [res for res in log["runs"][0]["results"] if "fixes" in res]
    assert {res["ruleId"] for res in with_fix} == {"CFG205", "CFG101"}
    for res in with_fix:
        f = next(f for r in results for f in r.findings if f.code == res["ruleId"])
        doc = next(r.doc for r in results if f in r.findings)
        assert f.fix is not None
        expected = doc.text
        for e in sorted(f.fix.edits, key=lambda e: e.start, reverse=True):
            expected = expected[:e.start] + e.content + expected[e.end:]
        change = res["fixes"][0]["artifactChanges"][0]
        assert change["artifactLocation"] == \
            res["locations"][0]["physicalLocation"]["artifactLocation"]
        assert _apply_sarif(doc.text, change["replacements"]) == expected
        assert f.fix.safety in res["fixes"][0]["description"]["text"]


def test_sarif_names_the_root_only_in_original_uri_base_ids_and_has_no_timestamps() -> None:
    log = _log()
    root = log["runs"][0].pop("originalUriBaseIds")
    assert root == {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri() + "/"}}
    out = json.dumps(log)
    assert os.getcwd() not in out
    assert "startTimeUtc" not in out and "endTimeUtc" not in out


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_check_from_a_sub_folder_of_a_repository_files_the_same_alerts(tmp_path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "train.yml").write_text(BASICSR)

    def alerts(cwd: Path, path: str) -> list[tuple[str, str]]:
        proc = run_cfglint("--format", "sarif", "--select", "CFG705", path, cwd=cwd)
        run = json.loads(proc.stdout)["runs"][0]
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
        return [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                 r["partialFingerprints"][FINGERPRINT_KEY]) for r in run["results"]]

    from_root = alerts(tmp_path, "configs/train.yml")
    assert from_root and from_root[0][0] == "configs/train.yml"
    assert alerts(tmp_path / "configs", "train.yml") == from_root
