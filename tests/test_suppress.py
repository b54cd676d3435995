"""Suppression comments (DESIGN §4): ignore on a key's line or the line above covers the key's
node, file-ignore covers the file, JSON uses per-file-ignores, unused ignores are CFG006."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import codes, run_cfglint, run_json

SELECT = ("--select", "CFG005,CFG006,CFG705", "--family", "basicsr")



def _lint(tmp_path: Path, text: str, name: str = "train.yml") -> list[tuple[str, int]]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    _, findings = run_json(*SELECT, name, cwd=tmp_path)
    return [(f["code"], f["line"]) for f in findings]


def test_end_of_line_ignore_covers_the_keys_value(tmp_path):
    assert _lint(tmp_path, "train:\n  lr: 2e-4  # cfglint: ignore[CFG705]\n  wd: 1e-2\n") == [
        ("CFG705", 3)]


def test_end_of_line_ignore_on_a_parent_key_covers_nested_children(tmp_path):
    text = ("train:  # cfglint: ignore[CFG705]\n"
            "  optim_g:\n"
            "    lr: 2e-4\n"
            "    betas: [9e-1, 99e-2]\n"
            "val:\n"
            "  lr: 1e-4\n")
    assert _lint(tmp_path, text) == [("CFG705", 6)]


def test_ignore_alone_on_the_line_above_covers_the_next_keys_node(tmp_path):
    text = ("train:\n"
            "  # cfglint: ignore[CFG705]\n"
            "  optim_g:\n"
            "    lr: 2e-4\n"
            "    sched:\n"
            "      eta_min: 1e-7\n"
            "  optim_d:\n"
            "    lr: 1e-4\n")
    assert _lint(tmp_path, text) == [("CFG705", 8)]


def test_line_above_ignore_skips_blank_and_comment_lines(tmp_path):
    text = ("# cfglint: ignore[CFG705]\n"
            "\n"
            "# the generator's learning rate\n"
            "lr: 2e-4\n"
            "wd: 1e-2\n")
    assert _lint(tmp_path, text) == [("CFG705", 5)]


def test_ignore_covers_a_sequence_item(tmp_path):
    text = "milestones:\n  - 1e3  # cfglint: ignore[CFG705]\n  - 2e3\n"
    assert _lint(tmp_path, text) == [("CFG705", 3)]


def test_ignore_takes_prefixes_and_several_codes(tmp_path):
    text = ("a: 1\n"
            "a: 2e-4  # cfglint: ignore[CFG7, CFG005]\n"
            "b: 3e-4\n")
    assert _lint(tmp_path, text) == [("CFG705", 3)]


def test_ignore_of_another_code_does_not_hide_the_finding(tmp_path):
    text = "lr: 2e-4  # cfglint: ignore[CFG005]\n"
    assert _lint(tmp_path, text) == [("CFG705", 1), ("CFG006", 1)]


def test_file_ignore_anywhere_covers_the_whole_file(tmp_path):
    text = ("train:\n"
            "  lr: 2e-4\n"
            "  wd: 1e-2\n"
            "# cfglint: file-ignore[CFG705]\n"
            "val:\n"
            "  lr: 1e-4\n")
    assert _lint(tmp_path, text) == []


def test_file_ignore_only_covers_its_codes(tmp_path):
    text = "# cfglint: file-ignore[CFG705]\na: 1e-4\na: 2\n"
    assert _lint(tmp_path, text) == [("CFG005", 3)]


def test_suppression_inside_a_quoted_string_is_not_a_comment(tmp_path):
    text = 'note: "# cfglint: file-ignore[CFG705]"\nlr: 2e-4\n'
    assert _lint(tmp_path, text) == [("CFG705", 2)]


def test_toml_comments_suppress_too(tmp_path):
    text = ("# cfglint: file-ignore[CFG005]\n"
            "[a]\nx = 1\n")
    (tmp_path / "c.toml").write_text(text)
    _, findings = run_json("--select", "CFG005,CFG006", "c.toml", cwd=tmp_path)
    assert [(f["code"], f["line"]) for f in findings] == [("CFG006", 1)]


def test_json_findings_are_suppressed_with_per_file_ignores(tmp_path):
    (tmp_path / "cfglint.toml").write_text('[per-file-ignores]\n"presets/*.json" = ["CFG005"]\n')
    (tmp_path / "presets").mkdir()
    (tmp_path / "presets" / "a.json").write_text('{"lr": 1, "lr": 2}\n')
    (tmp_path / "b.json").write_text('{"lr": 1, "lr": 2}\n')
    rc, findings = run_json("--select", "CFG005", "presets/a.json", "b.json", cwd=tmp_path)
    assert rc == 1
    assert [(f["path"], f["code"]) for f in findings] == [("b.json", "CFG005")]


# --- unused suppressions ------------------------------------------------------------------


def test_unused_ignore_is_reported_as_cfg006_info_at_the_comment(tmp_path):
    (tmp_path / "train.yml").write_text("lr: 2.0e-4  # cfglint: ignore[CFG705]\n")
    rc, [finding] = run_json(*SELECT, "train.yml", cwd=tmp_path)
    assert rc == 0  # info does not fail by default
    assert (finding["code"], finding["severity"]) == ("CFG006", "info")
    assert (finding["line"], finding["column"]) == (1, 13)
    assert "CFG705" in finding["message"]


def test_partly_unused_ignore_names_only_the_unused_code(tmp_path):
    (tmp_path / "train.yml").write_text("lr: 2e-4  # cfglint: ignore[CFG705,CFG005]\n")
    _, [finding] = run_json(*SELECT, "train.yml", cwd=tmp_path)
    assert finding["code"] == "CFG006"
    assert "CFG005" in finding["message"]
    assert "CFG705" not in finding["message"]


def test_unused_file_ignore_is_reported(tmp_path):
    (tmp_path / "train.yml").write_text("# cfglint: file-ignore[CFG705]\nlr: 0.1\n")
    _, findings = run_json(*SELECT, "train.yml", cwd=tmp_path)
    assert [(f["code"], f["line"]) for f in findings] == [("CFG006", 1)]


def test_unused_ignore_fails_with_fail_on_info(tmp_path):
    (tmp_path / "train.yml").write_text("lr: 2.0e-4  # cfglint: ignore[CFG705]\n")
    proc = run_cfglint(*SELECT, "--fail-on", "info", "train.yml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "CFG006 [info]" in proc.stdout


def test_ignoring_cfg006_silences_unused_suppressions(tmp_path):
    (tmp_path / "train.yml").write_text("lr: 2.0e-4  # cfglint: ignore[CFG705]\n")
    rc, findings = run_json(*SELECT, "--ignore", "CFG006", "train.yml", cwd=tmp_path)
    assert (rc, codes(findings)) == (0, [])


def test_fix_leaves_suppressed_findings_alone(tmp_path):
    text = "lr: 2e-4  # cfglint: ignore[CFG705]\nwd: 1e-2\n"
    path = tmp_path / "train.yml"
    path.write_text(text)
    proc = run_cfglint(*SELECT, "--fix", "train.yml", cwd=tmp_path)
    assert proc.returncode == 0
    assert path.read_text() == "lr: 2e-4  # cfglint: ignore[CFG705]\nwd: 1.0e-2\n"
