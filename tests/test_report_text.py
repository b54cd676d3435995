"""The text reporter: ruff-like lines, aligned code frames, fix hints and a summary."""

from __future__ import annotations

import unicodedata

from report_fixtures import rules, sample_results

from cfglint.findings import FileResult, make_finding
from cfglint.report import render
from cfglint.source.document import Span
from cfglint.source.read import parse_text


def _block(out: str, headline_start: str) -> list[str]:
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(headline_start))
    end = lines.index("", i)
    return lines[i:end]


def test_headline_has_path_line_column_code_severity_and_message() -> None:
    out = render("text", sample_results(), rules())
    results = sample_results()
    toml = next(r for r in results if r.path.endswith(".toml"))
    f = next(f for f in toml.findings if f.code == "CFG205")
    assert f"configs/kohya.toml:{f.line}:{f.column}: CFG205 [warning] {f.message}" in out


def test_frame_shows_the_previous_line_and_a_marker_under_the_value_after_tabs() -> None:
    out = render("text", sample_results(), rules())
    block = _block(out, "configs/kohya.toml:2:")
    assert block[2].startswith("1 | optimizer_type")
    assert block[3].startswith("2 | learning_rate ")
    assert "\t" not in "\n".join(block)
    shown = block[3][len("2 | "):]
    marker = block[4][len("  | "):]
    caret = marker.index("^")
    width = len(marker.strip())
    assert shown[caret:caret + width] == "2e-4"
    assert marker.strip() == "^~~~"


def test_marker_covers_wide_characters_by_their_display_width() -> None:
    out = render("text", sample_results(), rules())
    block = _block(out, "configs/my run #2.yaml:2:")
    value = '"日本語モデル"'
    cells = sum(2 if unicodedata.east_asian_width(ch) == "W" else 1 for ch in value)
    marker = block[4][len("  | "):]
    assert marker.strip() == "^" + "~" * (cells - 1)
    assert marker.index("^") == block[3][len("2 | "):].index(value)


def test_fix_hint_follows_the_frame_and_can_be_hidden() -> None:
    out = render("text", sample_results(), rules())
    block = _block(out, "configs/kohya.toml:2:")
    assert block[-1] == "  fix (suggest): set learning_rate to 1.2e-4"
    hidden = render("text", sample_results(), rules(), show_fixes=False)
    assert "fix (" not in hidden


def test_summary_counts_findings_by_severity_and_files() -> None:
    out = render("text", sample_results(), rules())
    findings = [f for r in sample_results() for f in r.findings]
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    infos = sum(f.severity == "info" for f in findings)
    files = sum(1 for r in sample_results() if r.findings)
    assert (f"Found {len(findings)} findings ({errors} errors, {warnings} warning, "
            f"{infos} info) in {files} files.") in out


def test_summary_tells_how_many_fixes_each_flag_applies() -> None:
    results = sample_results()
    toml = next(r for r in results if r.path.endswith(".toml"))
    yaml = next(r for r in results if r.path.endswith(".yaml"))
    for f in toml.findings:
        if f.fix is not None:
            f.fix.safety = "safe"
    out = render("text", results, rules())
    assert "1 fixable with --fix (1 more with --unsafe-fixes)." in out
    for f in yaml.findings:
        f.fix = None
    assert "1 fixable with --fix.\n" in render("text", results, rules())


def test_quiet_prints_only_headlines() -> None:
    out = render("text", sample_results(), rules(), quiet=True)
    lines = out.splitlines()
    assert len(lines) == sum(len(r.findings) for r in sample_results())
    assert all(": CFG" in line for line in lines)
    assert "Found" not in out and " | " not in out


def test_clean_run_says_all_checks_passed_unless_quiet() -> None:
    clean = [r for r in sample_results() if not r.findings]
    assert render("text", clean, rules()) == "All checks passed!\n"
    assert render("text", clean, rules(), quiet=True) == ""


def test_statistics_table_counts_each_code_with_name_and_fixability() -> None:
    out = render("text", sample_results(), rules(), statistics=True)
    rows = {line.split()[1]: line.split() for line in out.splitlines()
            if line[:1].strip() and line.split()[0].isdigit()}
    assert rows["CFG205"] == ["1", "CFG205", "high-lr-8bit-adam", "fix:", "suggest"]
    assert rows["CFG004"][2:] == ["name-of-cfg004", "fix:", "-"]
    assert " | " not in out
    assert "Found 4 findings" in out


def test_color_adds_ansi_codes_only_when_asked() -> None:
    assert "\x1b[" in render("text", sample_results(), rules(), color=True)


def test_control_characters_from_a_config_never_reach_the_terminal() -> None:
    # a raw ESC makes the YAML unreadable, but the frame still shows the line
    doc = parse_text("evil.yaml", 'name: "\x1b[2Jboom"\n', "yaml")
    f = make_finding(doc, "CFG001", "parse-error", "error", "value \x1b[2J here", "generic",
                     Span(0, 4))
    out = render("text", [FileResult(doc=doc, family="generic", findings=[f])], {})
    assert "\x1b" not in out


def test_unreadable_file_gets_a_headline_without_a_frame() -> None:
    doc = parse_text("bin.yaml", "", "yaml")
    f = make_finding(doc, "CFG004", "unreadable", "error", "binary file", "generic", Span(0, 0))
    out = render("text", [FileResult(doc=doc, family="generic", findings=[f])], {})
    assert out.splitlines()[0] == "bin.yaml:1:1: CFG004 [error] binary file"
    assert " | " not in out


def test_a_long_line_is_framed_around_the_finding_with_the_marker_under_its_value() -> None:
    """Minified JSON is one line of megabytes: a frame shows a window of it, not all of it."""
    from cfglint.report.text import MAX_SHOWN, code_frame

    keys = ", ".join(f'"key_{i:05d}": {i}' for i in range(2000))
    text = "{\n" + keys + "}\n"
    doc = parse_text("big.json", text, "json")
    at = text.index('"key_01000"')
    f = make_finding(doc, "CFG701", "unknown-key", "error", "m", "generic",
                     Span(at, at + len('"key_01000"')), ("key_01000",))
    frame = code_frame(doc, f, color=False)
    assert frame[1] == "1 | {"  # the line before, short: whole
    shown, marker = frame[2][len("2 | "):], frame[3][len("  | "):]
    assert len(shown) <= MAX_SHOWN + 2 and shown.startswith("…") and shown.endswith("…")
    caret = marker.index("^")
    assert shown[caret:caret + len(marker.strip())] == '"key_01000"'
