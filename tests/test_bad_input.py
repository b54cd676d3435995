"""Bad input never gives a traceback (DESIGN §3.6): a located finding, the documented exit code,
and no file written."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from cli_helpers import BASICSR, codes, env, no_traceback, run_cfglint, run_json

from cfglint.source.read import DEFAULT_MAX_BYTES, read_path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _billion_laughs(levels: int = 9, fan_out: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * fan_out) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan_out) + "]")
    lines += ["network_g: {type: RRDBNet}", "train: {optim_g: {type: Adam, lr: 2e-4}}"]
    return "\n".join(lines) + "\n"


# --- parse errors -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "line", "column"), [
    ("bad.yml", b"train:\n  lr: [1, 2\n", 2, 7),
    ("bad.json", b'{\n  "lr": 0.1\n  "steps": 2\n}\n', 3, 3),
    ("bad.toml", b"lr = 0.1\nsteps = \n", 2, 9),
])
def test_parse_error_is_a_located_cfg001_finding_and_exit_1(tmp_path, name, text, line, column):
    _write(tmp_path / name, text)
    proc = run_cfglint("--format", "json", "--select", "CFG001", name, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    [finding] = json.loads(proc.stdout)
    assert finding["code"] == "CFG001"
    assert finding["severity"] == "error"
    assert (finding["line"], finding["column"]) == (line, column)


def test_parse_error_file_is_not_written_by_fix(tmp_path):
    path = _write(tmp_path / "bad.yml", b"train:\n  lr: 2e-4\n  x: [1\n")
    proc = run_cfglint("--fix", "bad.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert "CFG001" in proc.stdout
    assert path.read_bytes() == b"train:\n  lr: 2e-4\n  x: [1\n"


# --- empty files --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.yml", "empty.toml"])
@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_yaml_and_toml_files_pass_without_a_traceback(tmp_path, name, content):
    _write(tmp_path / name, content)
    proc = run_cfglint("--select", "CFG001,CFG004,CFG005,CFG705", name, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    assert "All checks passed" in proc.stdout


def test_empty_json_file_is_a_cfg001_finding(tmp_path):
    _write(tmp_path / "empty.json", b"")
    rc, findings = run_json("--select", "CFG001", "empty.json", cwd=tmp_path)
    assert rc == 1
    assert codes(findings) == ["CFG001"]
    assert (findings[0]["line"], findings[0]["column"]) == (1, 1)


# --- binary and non-UTF-8 -----------------------------------------------------------------


def test_binary_file_is_a_cfg004_finding_and_is_not_written(tmp_path):
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"
    path = _write(tmp_path / "image.yml", data)
    proc = run_cfglint("--fix", "--format", "json", "image.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    [finding] = json.loads(proc.stdout)
    assert finding["code"] == "CFG004"
    assert "binary" in finding["message"]
    assert path.read_bytes() == data


@pytest.mark.parametrize("name", ["latin1.yml", "latin1.toml", "latin1.json"])
def test_non_utf8_file_is_a_cfg004_finding_naming_the_encoding_problem(tmp_path, name):
    body = {"latin1.yml": "name: café\n", "latin1.toml": 'name = "café"\n',
            "latin1.json": '{"name": "café"}\n'}[name]
    data = body.encode("cp1252")
    path = _write(tmp_path / name, data)
    proc = run_cfglint("--fix", "--format", "json", name, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    [finding] = json.loads(proc.stdout)
    assert finding["code"] == "CFG004"
    assert "not valid UTF-8" in finding["message"]
    assert "0xe9" in finding["message"]
    assert path.read_bytes() == data


# --- BOM and CRLF -------------------------------------------------------------------------


def test_fix_keeps_utf8_bom_and_crlf_byte_for_byte(tmp_path):
    text = BASICSR.replace("lr: 2e-4", "lr: 2e-4  # generator LR").replace("\n", "\r\n")
    path = _write(tmp_path / "train.yml", b"\xef\xbb\xbf" + text.encode())
    proc = run_cfglint("--fix", "--family", "basicsr", "--select", "CFG705", "train.yml",
                       cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    expected = b"\xef\xbb\xbf" + text.replace("2e-4", "2.0e-4").encode()
    assert path.read_bytes() == expected


def test_fix_keeps_crlf_without_bom(tmp_path):
    text = BASICSR.replace("\n", "\r\n")
    path = _write(tmp_path / "train.yml", text.encode())
    proc = run_cfglint("--fix", "--family", "basicsr", "--select", "CFG705", "train.yml",
                       cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    assert path.read_bytes() == text.replace("2e-4", "2.0e-4").encode()


def test_bom_file_without_findings_is_linted_and_not_written(tmp_path):
    data = b"\xef\xbb\xbf" + BASICSR.replace("2e-4", "2.0e-4").replace("\n", "\r\n").encode()
    path = _write(tmp_path / "train.yml", data)
    before = path.stat().st_mtime_ns
    proc = run_cfglint("--fix", "--select", "CFG705", "train.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == before


# --- YAML alias bomb ----------------------------------------------------------------------


def test_alias_bomb_is_refused_with_cfg004_quickly(tmp_path):
    bomb = _billion_laughs()
    path = _write(tmp_path / "bomb.yml", bomb.encode())
    start = time.monotonic()
    proc = run_cfglint("--fix", "--format", "json", "bomb.yml", cwd=tmp_path, timeout=60)
    elapsed = time.monotonic() - start
    no_traceback(proc)
    assert proc.returncode == 1
    assert "CFG004" in codes(json.loads(proc.stdout))
    assert elapsed < 20
    assert path.read_bytes() == bomb.encode()  # refused files are never written


def test_alias_bomb_lint_stays_within_a_small_memory_budget(tmp_path):
    _write(tmp_path / "bomb.yml", _billion_laughs().encode())
    # measure the cfglint process alone: a wrapper runs it and reports its children's peak RSS
    wrapper = (
        "import json, resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'cfglint', '--fix', '--family', 'basicsr',"
        " 'bomb.yml'], capture_output=True, timeout=60)\n"
        "print(json.dumps({'rc': p.returncode, 'err': p.stderr.decode(),"
        " 'kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", wrapper], cwd=tmp_path, env=env(),
                          capture_output=True, text=True, timeout=90, check=True)
    report = json.loads(proc.stdout)
    assert report["rc"] == 1
    assert "Traceback" not in report["err"]
    assert report["kb"] < 200 * 1024  # 9**9 expanded nodes would need tens of GB


def test_alias_bomb_is_refused_in_process_with_bounded_allocations(tmp_path):
    path = _write(tmp_path / "bomb.yml", _billion_laughs().encode())
    tracemalloc.start()
    try:
        doc = read_path(str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.code for p in doc.problems] == ["CFG004"]
    assert "alias" in doc.problems[0].message
    assert peak < 20 * 1024 * 1024


def test_self_referencing_alias_is_refused_not_looped(tmp_path):
    _write(tmp_path / "cycle.yml", b"a: &a [1, *a]\n")
    proc = run_cfglint("--fix", "--format", "json", "cycle.yml", cwd=tmp_path, timeout=60)
    no_traceback(proc)
    assert proc.returncode == 1
    assert codes(json.loads(proc.stdout)) == ["CFG004"]


def test_ordinary_anchors_and_merge_keys_are_not_refused(tmp_path):
    text = ("base: &base {type: Adam, lr: 2e-4}\n"
            "train:\n  optim_g:\n    <<: *base\n  optim_d: *base\n")
    _write(tmp_path / "anchors.yml", text.encode())
    rc, findings = run_json("--select", "CFG004,CFG705", "--family", "basicsr", "anchors.yml",
                            cwd=tmp_path)
    assert "CFG004" not in codes(findings)
    assert codes(findings) == ["CFG705"]
    assert rc == 1


# --- duplicate keys -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "severity"), [
    ("dup.yml", b"train:\n  lr: 0.1\n  lr: 0.2\n", "warning"),
    ("dup.json", b'{\n  "lr": 0.1,\n  "lr": 0.2\n}\n', "warning"),
    ("dup.toml", b"lr = 0.1\nlr = 0.2\n", "error"),
])
def test_duplicate_key_is_a_cfg005_finding_on_the_second_key(tmp_path, name, text, severity):
    _write(tmp_path / name, text)
    proc = run_cfglint("--format", "json", "--select", "CFG005", name, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    [finding] = json.loads(proc.stdout)
    assert finding["code"] == "CFG005"
    assert finding["severity"] == severity
    assert finding["line"] == (3 if name != "dup.toml" else 2)
    assert "line" in finding["message"]


def test_duplicate_key_file_is_not_written_by_fix(tmp_path):
    data = b"train:\n  lr: 0.1\n  lr: 0.2\n"
    path = _write(tmp_path / "dup.yml", data)
    before = path.stat().st_mtime_ns
    proc = run_cfglint("--fix", "--select", "CFG005", "dup.yml", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == before


# --- huge files ---------------------------------------------------------------------------


@pytest.fixture
def huge_file(tmp_path) -> Path:
    path = tmp_path / "huge.yml"
    line = b"# " + b"x" * 1021 + b"\n"
    with path.open("wb") as fh:
        fh.write(b"lr: 2e-4\n")
        for _ in range(50 * 1024):
            fh.write(line)
    assert path.stat().st_size > 50 * 1024 * 1024
    return path


def test_50mb_file_is_cfg004_over_the_limit(huge_file):
    proc = run_cfglint("--fix", "--format", "json", huge_file.name, cwd=huge_file.parent)
    no_traceback(proc)
    assert proc.returncode == 1
    [finding] = json.loads(proc.stdout)
    assert finding["code"] == "CFG004"
    assert "over the" in finding["message"]
    assert "52.4 MB" in finding["message"]
    assert huge_file.read_bytes()[:9] == b"lr: 2e-4\n"  # not fixed, not written


def test_50mb_file_is_not_read_whole(huge_file):
    tracemalloc.start()
    try:
        doc = read_path(str(huge_file))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.code for p in doc.problems] == ["CFG004"]
    assert peak < 2 * DEFAULT_MAX_BYTES + 1024 * 1024  # at most the limit (plus a byte) is read


def test_huge_input_on_stdin_is_cfg004_not_slurped(tmp_path):
    data = b"lr: 0.1\n" + b"# " + b"x" * (12 * 1024 * 1024) + b"\n"
    proc = run_cfglint("--format", "json", "-", "--stdin-filename", "big.yml", cwd=tmp_path,
                       stdin=data)
    no_traceback(proc)
    assert proc.returncode == 1
    assert codes(json.loads(proc.stdout)) == ["CFG004"]


def test_settings_max_file_size_lowers_the_limit(tmp_path):
    (tmp_path / "cfglint.toml").write_text("max-file-size = 100\n")
    _write(tmp_path / "small.yml", b"lr: 0.1\n" + b"#" * 200 + b"\n")
    rc, findings = run_json("small.yml", cwd=tmp_path)
    assert rc == 1
    assert codes(findings) == ["CFG004"]
    assert "max-file-size" in findings[0]["message"]
