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


def _validator() -> Any:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    folder = SPECS / "reviewdog"
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text(encoding="utf-8")),
                                                 default_specification=DRAFT4))
                 for p in sorted(folder.glob("*.json"))]
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = registry.contents("DiagnosticResult.json")
    return jsonschema.Draft4Validator(schema, registry=registry)


@pytest.mark.skipif(not SPECS.is_dir(), reason=f"shared specs folder {SPECS} is absent")
def test_rdjson_validates_against_the_reviewdog_schema() -> None:
    validator = _validator()
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
    assert {d["code"]["value"] for d in with_sugg} == {"CFG101"}
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


def test_only_fixes_that_fix_applies_become_suggestions() -> None:
    safeties = set()
    for r in sample_results():
        for f in r.findings:
            if f.fix is not None:
                safeties.add(f.fix.safety)
    assert safeties == {"suggest", "unsafe"}
    offered = {d["message"].rsplit("fix (", 1)[1].split(")")[0]
               for d in _result()["diagnostics"] if "suggestions" in d}
    assert offered == {"unsafe"}
    hint = next(d for d in _result()["diagnostics"] if d["code"]["value"] == "CFG205")
    assert "suggestions" not in hint
    assert "fix (suggest): set learning_rate to 1.2e-4" in hint["message"]


def _lines(rng: dict[str, Any]) -> tuple[int, int]:
    return rng["start"]["line"], rng["end"]["line"]


def test_every_suggestion_sits_on_its_diagnostics_own_lines() -> None:
    for d in _result()["diagnostics"]:
        for sugg in d.get("suggestions", []):
            assert _lines(sugg["range"]) == _lines(d["location"]["range"])


def _fix_elsewhere() -> dict[str, Any]:
    """A finding on `learning_rate` whose fix edits `unet_lr`, two lines further."""
    doc = read_bytes("gui.json", b'{\n  "learning_rate": 0.002,\n  "unet_lr": 0.002\n}\n', "json")
    lr = doc.find(("learning_rate",))
    unet = doc.find(("unet_lr",))
    assert lr is not None and unet is not None
    fix = Fix(safety="safe", message="lower unet_lr",
              edits=[Edit(unet.span.start, unet.span.end, "0.0005")])
    f = make_finding(doc, "CFG204", "n", "warning", "effective LR too high", "kohya-gui",
                     lr.span, fix=fix)
    data: dict[str, Any] = json.loads(render(
        "rdjson", [FileResult(doc=doc, family="kohya-gui", findings=[f])], {}))
    return data


def test_a_fix_on_other_lines_moves_the_diagnostic_there_and_points_back() -> None:
    (d,) = _fix_elsewhere()["diagnostics"]
    assert _lines(d["location"]["range"]) == _lines(d["suggestions"][0]["range"]) == (3, 3)
    (related,) = d["related_locations"]
    assert _lines(related["location"]["range"]) == (2, 2)
    assert related["location"]["path"] == "gui.json"


@pytest.mark.skipif(not SPECS.is_dir(), reason=f"shared specs folder {SPECS} is absent")
def test_a_moved_diagnostic_with_its_related_location_is_valid_rdjson() -> None:
    assert list(_validator().iter_errors(_fix_elsewhere())) == []


def test_a_deletion_is_an_empty_suggestion_text() -> None:
    doc = read_bytes("del.yaml", b"a: 1\nb: 2\n", "yaml")
    line2 = doc.line_span(2)
    fix = Fix(safety="safe", message="drop b", edits=[Edit(line2.start, line2.end + 1, "")])
    f = make_finding(doc, "CFG2", "n", "warning", "m", "generic", line2, fix=fix)
    d = json.loads(render("rdjson", [FileResult(doc=doc, family="generic", findings=[f])], {}))
    (sugg,) = d["diagnostics"][0]["suggestions"]
    assert sugg["text"] == ""
    assert sugg["range"] == {"start": {"line": 2, "column": 1}, "end": {"line": 3, "column": 1}}
