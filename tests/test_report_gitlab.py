"""``--format gitlab``: a Code Quality report GitLab accepts, with fingerprints that are
unique in the report and do not change when lines move."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from report_fixtures import rules, sample_results

from cfglint.findings import FileResult, make_finding
from cfglint.report import render
from cfglint.source.document import Span
from cfglint.source.read import parse_text

# Written from GitLab's documentation of the Code Quality report format
# (docs.gitlab.com/ci/testing/code_quality, "Code Quality report format"): a JSON array of
# objects with description, check_name, fingerprint, severity (info, minor, major,
# critical, blocker), location.path (relative) and location.lines.begin or
# location.positions.begin.line, an integer. Other Code Climate properties are ignored.
CODE_QUALITY_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path"],
                "properties": {
                    "path": {"type": "string", "pattern": r"^(?!/)(?!\./)"},
                    "lines": {"type": "object", "required": ["begin"],
                              "properties": {"begin": {"type": "integer", "minimum": 1},
                                             "end": {"type": "integer", "minimum": 1}}},
                    "positions": {"type": "object", "required": ["begin"], "properties": {
                        "begin": {"type": "object", "required": ["line"],
                                  "properties": {"line": {"type": "integer"}}}}},
                },
                "anyOf": [{"required": ["lines"]}, {"required": ["positions"]}],
            },
        },
    },
}


def _report(results: list[FileResult] | None = None) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(render("gitlab", results or sample_results(),
                                                   rules()))
    return data


def test_the_report_validates_against_gitlabs_code_quality_format() -> None:
    report = _report()
    validator = jsonschema.Draft7Validator(CODE_QUALITY_SCHEMA)
    assert report and list(validator.iter_errors(report)) == []
    report[0]["location"]["lines"]["begin"] = "3"  # GitLab needs an integer line
    assert list(validator.iter_errors(report)) != []


def test_severities_map_onto_gitlabs_scale() -> None:
    by_code = {i["check_name"]: i["severity"] for i in _report()}
    assert by_code["CFG004"] == "major" and by_code["CFG205"] == "minor"
    assert by_code["CFG101"] == "info"


def _one(text: str) -> dict[str, Any]:
    from cfglint.pipeline import lint_document
    from cfglint.settings import Settings

    doc = parse_text("sr/train.yml", text, "yaml")
    result = lint_document(doc, Settings())
    result.display_path = "sr/train.yml"
    return {i["check_name"] + i["description"][:20]: i["fingerprint"]
            for i in _report([result])}


def test_fingerprints_are_unique_and_survive_lines_moving() -> None:
    text = ("name: sr\nnetwork_g:\n  type: RRDBNet\ntrain:\n  optim_g:\n    type: Adam\n"
            "    lr: 2e-4\n    weight_decay: 1e-2\n")
    before = _one(text)
    assert len(set(before.values())) == len(before)
    assert _one("# a comment above\n\n" + text) == before


def test_fingerprints_are_the_sarif_fingerprints() -> None:
    sarif = json.loads(render("sarif", sample_results(), rules()))
    hashes = {r["partialFingerprints"]["cfglintFindingHash/v1"]
              for r in sarif["runs"][0]["results"]}
    assert {i["fingerprint"] for i in _report()} == hashes


def test_paths_and_fingerprints_are_the_same_from_a_sub_folder(tmp_path, monkeypatch) -> None:
    (tmp_path / "configs").mkdir()

    def issues_from(cwd: str, path: str) -> list[tuple[str, str]]:
        monkeypatch.chdir(cwd)
        doc = parse_text(path, "x: 1\n", "yaml")
        f = make_finding(doc, "CFG501", "odd", "info", "m", "generic", Span(3, 4))
        out = render("gitlab", [FileResult(doc=doc, family="generic", findings=[f])], {},
                     root=str(tmp_path))
        return [(i["location"]["path"], i["fingerprint"]) for i in json.loads(out)]

    from_root = issues_from(str(tmp_path), "configs/c.yaml")
    assert from_root[0][0] == "configs/c.yaml"
    assert issues_from(str(tmp_path / "configs"), "c.yaml") == from_root
