"""JUnit XML: one suite per file, one case per finding, counts that add up."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from report_fixtures import rules, sample_results

from cfglint.findings import FileResult, make_finding
from cfglint.report import render
from cfglint.source.document import Span
from cfglint.source.read import parse_text

SUITE_REQUIRED = ("name", "tests", "failures", "errors")


def _root(results: list[FileResult] | None = None) -> ET.Element:
    out = render("junit", sample_results() if results is None else results, rules())
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(out.split("\n", 1)[1])


def test_one_suite_per_file_with_the_required_attributes() -> None:
    root = _root()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert sorted(s.get("name") or "" for s in suites) == sorted(r.path for r in sample_results())
    for suite in suites:
        assert all(suite.get(a) is not None for a in SUITE_REQUIRED)
        for case in suite.findall("testcase"):
            assert case.get("name")
            assert case.get("classname") == suite.get("name")


def test_counts_match_findings_and_failing_severities() -> None:
    root = _root()
    for result in sample_results():
        suite = next(s for s in root.findall("testsuite") if s.get("name") == result.path)
        failing = sum(f.severity in ("error", "warning") for f in result.findings)
        cases = suite.findall("testcase")
        assert int(suite.get("tests") or -1) == len(cases) == max(1, len(result.findings))
        assert int(suite.get("failures") or -1) == failing == len(suite.findall("testcase/failure"))
        assert suite.get("errors") == "0"
    assert int(root.get("tests") or -1) == sum(int(s.get("tests") or 0)
                                               for s in root.findall("testsuite"))
    assert int(root.get("failures") or -1) == sum(int(s.get("failures") or 0)
                                                  for s in root.findall("testsuite"))


def test_failure_names_the_code_and_info_goes_to_system_out() -> None:
    root = _root()
    findings = [f for r in sample_results() for f in r.findings]
    for f in findings:
        case = root.find(f".//testcase[@name='{f.code} {f.key_text}']")
        assert case is not None
        failure = case.find("failure")
        if f.severity == "info":
            assert failure is None
            out = case.find("system-out")
            assert out is not None and f.message in (out.text or "")
        else:
            assert failure is not None
            assert failure.get("type") == f.code
            assert failure.get("message") == f.message
            assert f"{f.code} [{f.severity}]" in (failure.text or "")


def test_clean_file_is_one_passing_case() -> None:
    root = _root()
    suite = next(s for s in root.findall("testsuite") if s.get("name") == "configs/clean.json")
    (case,) = suite.findall("testcase")
    assert list(case) == []


def test_no_time_or_timestamp_attributes() -> None:
    root = _root()
    for el in root.iter():
        assert "timestamp" not in el.attrib and "time" not in el.attrib


def test_control_characters_in_messages_still_give_well_formed_xml() -> None:
    doc = parse_text("c.yaml", "a: 1\n", "yaml")
    f = make_finding(doc, "CFG1", "n", "error", "bad \x00\x1b value <&>", "generic", Span(3, 4))
    root = _root([FileResult(doc=doc, family="generic", findings=[f])])
    failure = root.find(".//failure")
    assert failure is not None
    assert "<&>" in (failure.get("message") or "")


def test_case_names_hold_no_line_or_column_so_cases_keep_their_identity() -> None:
    names = [case.get("name") or "" for case in _root().iter("testcase")]
    assert names and not any(re.search(r"\d+:\d+", n) for n in names)
    assert "CFG205 learning_rate" in names


def test_only_findings_at_or_above_the_files_fail_level_fail() -> None:
    results = sample_results()
    for r in results:
        r.fail_on = "error"
    root = _root(results)
    failing = [f for r in results for f in r.findings if f.severity == "error"]
    assert int(root.get("failures") or -1) == len(failing) == len(root.findall(".//failure"))
    warning = root.find(".//testcase[@name='CFG205 learning_rate']")
    assert warning is not None and warning.find("failure") is None
    assert warning.find("system-out") is not None
