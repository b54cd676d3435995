"""``--format junit``: JUnit XML for CI systems that only show test reports.

One suite per file, one test case per finding: a finding at or above the file's fail
level (``--fail-on``, settings; warning by default) fails, one below it passes with its
message in ``system-out``, so the report is red exactly when the exit code is 1. A clean
file is one passing case. Test cases are named by rule and key (``CFG705 train.lr``),
not by line, so a case keeps its identity when lines move. No ``time`` or ``timestamp``
attributes, so the report is reproducible.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from cfglint.engine.catalog import Rule
from cfglint.findings import SEVERITY_RANK, FileResult, Finding
from cfglint.report.common import TOOL_NAME, RenderOptions, clean, ordered, ordered_results


def _xml_text(text: str) -> str:
    """XML 1.0 cannot hold most control characters; replace them."""
    return clean(text.replace("\r\n", "\n"))


def _body(result: FileResult, f: Finding, show_fixes: bool) -> str:
    text = f"{result.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}"
    if f.key:
        text += f"\nkey: {f.key_text}"
    if show_fixes and f.fix is not None:
        text += f"\nfix ({f.fix.safety}): {f.fix.message}"
    return _xml_text(text)


def _fails(result: FileResult, f: Finding) -> bool:
    return SEVERITY_RANK[f.severity] >= SEVERITY_RANK.get(result.fail_on, 1)


def case_name(f: Finding) -> str:
    return f"{f.code} {f.key_text}" if f.key else f.code


def _suite(result: FileResult, findings: list[Finding], show_fixes: bool) -> ET.Element:
    failures = sum(1 for f in findings if _fails(result, f))
    suite = ET.Element("testsuite", {
        "name": _xml_text(result.path),
        "tests": str(max(1, len(findings))),
        "failures": str(failures),
        "errors": "0",
        "skipped": "0",
    })
    if not findings:
        ET.SubElement(suite, "testcase", {"classname": _xml_text(result.path),
                                          "name": TOOL_NAME})
    for f in findings:
        case = ET.SubElement(suite, "testcase", {
            "classname": _xml_text(result.path), "name": _xml_text(case_name(f))})
        if _fails(result, f):
            failure = ET.SubElement(case, "failure", {
                "type": f.code, "message": _xml_text(f.message)})
            failure.text = _body(result, f, show_fixes)
        else:
            ET.SubElement(case, "system-out").text = _body(result, f, show_fixes)
    return suite


def render(results: list[FileResult], rules: dict[str, Rule], options: RenderOptions) -> str:
    suites = [_suite(r, [f for _, f in ordered([r])], options.show_fixes)
              for r in ordered_results(results)]
    root = ET.Element("testsuites", {
        "name": TOOL_NAME,
        "tests": str(sum(int(s.get("tests", "0")) for s in suites)),
        "failures": str(sum(int(s.get("failures", "0")) for s in suites)),
        "errors": "0",
    })
    root.extend(suites)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
