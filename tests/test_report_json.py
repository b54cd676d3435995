"""The JSON reporter follows the DESIGN §4 contract, sorted and with display paths."""

from __future__ import annotations

import json

from report_fixtures import rules, sample_results

from cfglint.report import render

CONTRACT_KEYS = {"code", "name", "severity", "message", "path", "family", "line", "column",
                 "end_line", "end_column", "key", "fix", "url"}


def test_json_is_an_array_of_contract_findings_for_all_files() -> None:
    data = json.loads(render("json", sample_results(), rules()))
    assert len(data) == sum(len(r.findings) for r in sample_results())
    assert all(set(item) == CONTRACT_KEYS for item in data)


def test_json_is_sorted_by_path_line_column_code() -> None:
    data = json.loads(render("json", sample_results(), rules()))
    keys = [(d["path"], d["line"], d["column"], d["code"]) for d in data]
    assert keys == sorted(keys)


def test_json_fix_edits_carry_line_and_column_of_each_edit() -> None:
    results = sample_results()
    data = json.loads(render("json", results, rules()))
    item = next(d for d in data if d["code"] == "CFG205")
    toml = next(r for r in results if r.path.endswith(".toml"))
    edit_start = toml.doc.text.index("2e-4")
    line, col = toml.doc.line_col(edit_start)
    assert item["fix"]["safety"] == "suggest"
    assert item["fix"]["edits"] == [{"line": line, "column": col, "end_line": line,
                                     "end_column": col + len("2e-4"), "content": "1.2e-4"}]
    assert next(d for d in data if d["code"] == "CFG004")["fix"] is None


def test_json_uses_the_display_path() -> None:
    results = sample_results()
    results[0].display_path = "shown/elsewhere.yaml"
    paths = {d["path"] for d in json.loads(render("json", results, rules()))}
    assert "shown/elsewhere.yaml" in paths


def test_json_for_no_findings_is_an_empty_array() -> None:
    assert render("json", [], rules()) == "[]\n"
