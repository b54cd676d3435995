"""reviewdog rdjson: schema-valid, UTF-8 byte columns, and suggestions that apply cleanly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from report_fixtures import SPECS, rules, sample_results

from cfglint.findings import Edit, FileResult, Fix, make_finding
from cfglint.report import render
from cfglint.source.read import read_bytes


def _result() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render("rdjson", sample_results(), rules()))
    return data


@pytest.mark.skipif(not SPECS.is_dir(), reason=f"shared specs folder {SPECS} is absent")
def test_rdjson_validates_against_the_reviewdog_schema() -> None:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    folder = SPECS / "reviewdog"
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8")),
                                                 default_specification=DRAFT4))
                 for p in sorted(folder.glob("*.json"))]
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = registry.contents("DiagnosticResult.json")
    validator = jsonschema.Draft4Validator(schema, registry=registry)
    data = _result()
    assert list(validator.iter_errors(data)) == []
    data["diagnostics"][0]["severity"] = "FATAL"  # the validator does check
    assert list(validator.iter_errors(data)) != []


def test_every_diagnostic_has_message_path_range_severity_and_code() -> None:
    data = _result()
    assert data["source"]["name"] == "cfglint"
    assert data["severity"] == "ERROR"  # the worst severity present
    assert len(data["diagnostics"]) == sum(len(r.findings) for r in sample_results())
    severities = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
    findings = {f.code: f for r in sample_results() for f in r.findings}
    for d in data["diagnostics"]:
        f = findings[d["code"]["value"]]
        assert d["message"].startswith(f.message)
        assert d["location"]["path"] in {"configs/kohya.toml", "configs/my run #2.yaml"}
        assert d["severity"] == severities[f.severity]
        assert "url" not in d["code"] and "url" not in d["source"]  # no page cfglint serves
        assert {"start", "end"} <= set(d["location"]["range"])


def test_columns_count_utf8_bytes_after_non_ascii_text() -> None:
    text = "name: \"日本\"  # café\nlr: 1\n"
    doc = read_bytes("u.yaml", text.encode(), "yaml")
    comment_at = text.index("# café") + len("# caf")  # the 'é'
    f = make_finding(doc, "CFG1", "n", "info", "m", "generic",
                     doc.line_span(1).__class__(comment_at, comment_at + 1))
    d = json.loads(render("rdjson", [FileResult(doc=doc, family="generic", findings=[f])], {}))
    rng = d["diagnostics"][0]["location"]["range"]
    raw_line = text.splitlines()[0].encode()
    assert rng["start"] == {"line": 1, "column": raw_line.index("é".encode()) + 1}
    assert rng["end"]["column"] - rng["start"]["column"] == len("é".encode())


def test_columns_on_the_first_line_include_a_byte_order_mark() -> None:
    data = "\ufefflr: 1\n".encode()
    doc = read_bytes("bom.yaml", data, "yaml")
    node = doc.find(("lr",))
    assert node is not None and doc.bom
    f = make_finding(doc, "CFG1", "n", "info", "m", "generic", node.span)
    d = json.loads(render("rdjson", [FileResult(doc=doc, family="generic", findings=[f])], {}))
    assert d["diagnostics"][0]["location"]["range"]["start"]["column"] == data.index(b"1") + 1


def _apply_bytes(data: bytes, rng: dict[str, Any], text: str) -> bytes:
    lines = data.splitlines(keepends=True)
    starts = [sum(len(x) for x in lines[:i]) for i in range(len(lines) + 1)]
    a = starts[rng["start"]["line"] - 1] + rng["start"]["column"] - 1
    b = starts[rng["end"]["line"] - 1] + rng["end"]["column"] - 1
    return data[:a] + text.encode() + data[b:]


def test_suggestions_applied_to_the_file_bytes_give_the_fixed_text() -> None:
    results = sample_results()
    data = json.loads(render("rdjson", results, rules()))
    with_sugg = [d for d in data["diagnostics"] if "suggestions" in d]
    assert {d["code"]["value"] for d in with_sugg} == {"CFG205", "CFG101"}
    for d in with_sugg:
        f = next(f for r in results for f in r.findings if f.code == d["code"]["value"])
        doc = next(r.doc for r in results if f in r.findings)
        assert f.fix is not None
        expected = doc.text
        for e in sorted(f.fix.edits, key=lambda e: e.start, reverse=True):
            expected = expected[:e.start] + e.content + expected[e.end:]
        (sugg,) = d["suggestions"]
        fixed = _apply_bytes(doc.text.encode(), sugg["range"], sugg["text"])
        assert fixed.decode() == expected
        assert f"fix ({f.fix.safety})" in d["message"]


def test_suggest_and_unsafe_fixes_are_offered_too() -> None:
    safeties = set()
    for r in sample_results():
        for f in r.findings:
            if f.fix is not None:
                safeties.add(f.fix.safety)
    offered = {d["message"].rsplit("fix (", 1)[1].split(")")[0]
               for d in _result()["diagnostics"] if "suggestions" in d}
    assert offered == safeties == {"suggest", "unsafe"}


def test_a_deletion_is_an_empty_suggestion_text() -> None:
    doc = read_bytes("del.yaml", b"a: 1\nb: 2\n", "yaml")
    line2 = doc.line_span(2)
    fix = Fix(safety="safe", message="drop b", edits=[Edit(line2.start, line2.end + 1, "")])
    f = make_finding(doc, "CFG2", "n", "warning", "m", "generic", line2, fix=fix)
    d = json.loads(render("rdjson", [FileResult(doc=doc, family="generic", findings=[f])], {}))
    (sugg,) = d["diagnostics"][0]["suggestions"]
    assert sugg["text"] == ""
    assert sugg["range"] == {"start": {"line": 2, "column": 1}, "end": {"line": 3, "column": 1}}
