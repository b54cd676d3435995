"""GitHub workflow commands: one annotation per finding, escaped like actions/toolkit."""

from __future__ import annotations

from report_fixtures import rules, sample_results

from cfglint.findings import FileResult, make_finding
from cfglint.report import render
from cfglint.report.github import escape_data, escape_property
from cfglint.source.document import Span
from cfglint.source.read import parse_text


def test_data_escaping_encodes_percent_first_then_line_breaks() -> None:
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_data("%0A") == "%250A"


def test_property_escaping_also_encodes_colon_and_comma() -> None:
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_one_command_per_finding_with_severity_mapped_to_command() -> None:
    lines = render("github", sample_results(), rules()).splitlines()
    assert len(lines) == sum(len(r.findings) for r in sample_results())
    by_code = {line.split("title=")[1].split(" ")[0]: line for line in lines}
    assert by_code["CFG205"].startswith("::warning file=configs/kohya.toml,line=2,col=")
    assert by_code["CFG004"].startswith("::error ")
    assert by_code["CFG101"].startswith("::notice ")


def test_command_carries_positions_title_and_escaped_message() -> None:
    results = sample_results()
    yaml = next(r for r in results if r.path.endswith(".yaml"))
    f = next(f for f in yaml.findings if f.code == "CFG300")
    line = next(x for x in render("github", results, rules()).splitlines() if "CFG300" in x)
    assert line == (f"::error file=configs/my run #2.yaml,line={f.line},col={f.column},"
                    f"endLine={f.end_line},endColumn={f.end_column},"
                    f"title=CFG300 name-of-cfg300::steps: 100%25 of 100, line1%0Aline2, a:b")


def test_fix_hint_is_part_of_the_message_unless_hidden() -> None:
    out = render("github", sample_results(), rules())
    assert "%0Afix (suggest): set learning_rate to 1.2e-4" in out
    assert "fix (" not in render("github", sample_results(), rules(), show_fixes=False)


def test_multi_line_findings_leave_out_columns() -> None:
    doc = parse_text("m.yaml", "a:\n  b: 1\n  c: 2\n", "yaml")
    f = make_finding(doc, "CFG500", "block", "warning", "whole block", "generic",
                     Span(doc.text.index("b"), doc.text.index("2") + 1))
    out = render("github", [FileResult(doc=doc, family="generic", findings=[f])], {})
    assert out == "::warning file=m.yaml,line=2,endLine=3,title=CFG500 block::whole block\n"


def test_property_values_in_paths_and_titles_are_escaped() -> None:
    doc = parse_text("a,b:c.yaml", "x: 1\n", "yaml")
    f = make_finding(doc, "CFG501", "odd", "info", "m", "generic", Span(3, 4))
    out = render("github", [FileResult(doc=doc, family="generic", findings=[f])], {})
    assert out.startswith("::notice file=a%2Cb%3Ac.yaml,line=1,")


def _many(counts: dict[str, int]) -> list[FileResult]:
    """One file with ``counts[severity]`` findings of each severity, one per line."""
    total = sum(counts.values())
    doc = parse_text("many.yaml", "".join(f"k{i}: {i}\n" for i in range(total)), "yaml")
    findings = []
    line = 1
    for severity, n in counts.items():
        for _ in range(n):
            span = doc.line_span(line)
            findings.append(make_finding(doc, "CFG900", "many", severity,  # type: ignore[arg-type]
                                         f"finding | {line}", "generic", span))
            line += 1
    return [FileResult(doc=doc, family="generic", findings=findings)]


def test_annotations_are_capped_as_github_shows_them_and_the_rest_are_log_lines(
        monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out = render("github", _many({"error": 3, "warning": 14, "info": 12}), {}).splitlines()
    commands = [line.split(" ", 1)[0] for line in out if line.startswith("::")]
    assert commands.count("::error") == 3
    assert commands.count("::warning") == commands.count("::notice") == 10
    rest = [line for line in out if line.startswith("many.yaml:")]
    assert len(rest) == 4 + 2
    assert any("6 more findings than GitHub shows as annotations" in line for line in out)


def test_the_rest_go_to_the_step_summary_as_a_table_when_there_is_one(tmp_path,
                                                                      monkeypatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = render("github", _many({"warning": 12}), {})
    assert "see the step summary and below" in out
    text = summary.read_text()
    assert text.startswith("earlier step\n### cfglint\n")
    rows = [line for line in text.splitlines() if line.startswith("| many.yaml")]
    assert rows == [f"| many.yaml | {n} | CFG900 | warning | finding \\| {n} |" for n in (11, 12)]


def test_no_summary_is_written_when_every_finding_is_annotated(tmp_path, monkeypatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    render("github", _many({"error": 10, "warning": 10, "info": 10}), {})
    assert not summary.exists()


def test_file_names_are_relative_to_the_repository_root(tmp_path, monkeypatch) -> None:
    (tmp_path / "configs").mkdir()
    monkeypatch.chdir(tmp_path / "configs")
    doc = parse_text("c.yaml", "x: 1\n", "yaml")
    f = make_finding(doc, "CFG501", "odd", "info", "m", "generic", Span(3, 4))
    out = render("github", [FileResult(doc=doc, family="generic", findings=[f])], {},
                 root=str(tmp_path))
    assert out.startswith("::notice file=configs/c.yaml,line=1,")
