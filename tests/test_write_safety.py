"""--fix loses nothing: a concurrent edit, a read-only or unwritable file, owner, group,
mode, hard links, and files outside the folder being fixed; non-convergence is reported.

The tests run as root here, which ignores permission bits: a read-only file is recognised
by its mode bits (which cfglint checks itself), and "unwritable" is simulated by making
``os.access`` deny the file (what it returns for an ordinary user) and, separately, by making
the temp file's creation fail with EACCES, the error a read-only folder gives.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from cli_helpers import BASICSR, BASICSR_FIXED
from click.testing import CliRunner

from cfglint.cli import main


def _fix(cwd: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        res = CliRunner().invoke(main, ["check", "--fix", "--format", "json", *args],
                                 catch_exceptions=False)
    finally:
        os.chdir(old)
    return res.exit_code, json.loads(res.output)


def _pair(tmp: Path) -> tuple[Path, Path]:
    a, b = tmp / "a.yml", tmp / "b.yml"
    a.write_text(BASICSR, encoding="utf-8")
    b.write_text(BASICSR, encoding="utf-8")
    return a, b


def _not_written(findings: list[dict[str, object]], name: str) -> str:
    hits = [f for f in findings if f["path"] == name and f["code"] == "CFG010"]
    assert len(hits) == 1, findings
    return str(hits[0]["message"])


def test_an_edit_saved_while_fixing_survives_and_the_file_is_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfglint.runner as runner

    a, b = _pair(tmp_path)
    real = runner.safe_process

    def edit_meanwhile(path, job, settings, doc):  # type: ignore[no-untyped-def]
        out = real(path, job, settings, doc)
        if path.endswith("a.yml"):
            a.write_text(BASICSR + "# saved by the editor\n", encoding="utf-8")
        return out

    monkeypatch.setattr(runner, "safe_process", edit_meanwhile)
    code, findings = _fix(tmp_path, "--exit-zero", "a.yml", "b.yml")
    assert code == 0
    assert a.read_text(encoding="utf-8") == BASICSR + "# saved by the editor\n"
    assert "changed on disk" in _not_written(findings, "a.yml")
    assert b.read_text(encoding="utf-8") == BASICSR_FIXED


def test_a_read_only_file_is_skipped_with_a_finding_and_the_rest_are_fixed(tmp_path: Path
                                                                          ) -> None:
    a, b = _pair(tmp_path)
    a.chmod(0o444)
    code, findings = _fix(tmp_path, "a.yml", "b.yml")
    assert code == 1
    assert a.read_text(encoding="utf-8") == BASICSR
    assert stat.S_IMODE(a.stat().st_mode) == 0o444
    assert "read-only" in _not_written(findings, "a.yml")
    assert any(f["code"] == "CFG705" for f in findings if f["path"] == "a.yml")
    assert b.read_text(encoding="utf-8") == BASICSR_FIXED


def test_a_file_the_user_may_not_write_is_skipped_and_the_rest_are_fixed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfglint.write as write

    a, b = _pair(tmp_path)
    real_access = os.access
    monkeypatch.setattr(write.os, "access", lambda p, mode: False if (
        str(p).endswith("a.yml") and mode & os.W_OK) else real_access(p, mode))
    code, findings = _fix(tmp_path, "--exit-zero", "a.yml", "b.yml")
    assert code == 0
    assert a.read_text(encoding="utf-8") == BASICSR
    assert "may not write" in _not_written(findings, "a.yml")
    assert b.read_text(encoding="utf-8") == BASICSR_FIXED


def test_a_folder_that_refuses_the_temp_file_leaves_the_file_intact(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfglint.write as write

    locked = tmp_path / "locked"
    locked.mkdir()
    a = locked / "a.yml"
    a.write_text(BASICSR, encoding="utf-8")
    b = tmp_path / "b.yml"
    b.write_text(BASICSR, encoding="utf-8")
    real = write.tempfile.mkstemp

    def mkstemp(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("dir") == str(locked.resolve()):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr(write.tempfile, "mkstemp", mkstemp)
    code, findings = _fix(tmp_path, "--exit-zero", "locked/a.yml", "b.yml")
    assert code == 0
    assert a.read_text(encoding="utf-8") == BASICSR
    assert "Permission denied" in _not_written(findings, "locked/a.yml")
    assert list(locked.iterdir()) == [a]
    assert b.read_text(encoding="utf-8") == BASICSR_FIXED


def test_owner_group_and_mode_are_kept(tmp_path: Path) -> None:
    a, _ = _pair(tmp_path)
    a.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(a, 1234, 1234)  # a CI container fixing a mounted workspace
    before = a.stat()
    _fix(tmp_path, "a.yml")
    after = a.stat()
    assert a.read_text(encoding="utf-8") == BASICSR_FIXED
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert stat.S_IMODE(after.st_mode) == 0o640


def test_hard_links_are_written_through_in_place(tmp_path: Path) -> None:
    a, _ = _pair(tmp_path)
    other = tmp_path / "elsewhere.yml"
    os.link(a, other)
    inode = a.stat().st_ino
    _fix(tmp_path, "a.yml")
    assert a.stat().st_ino == inode and a.stat().st_nlink == 2
    assert other.read_text(encoding="utf-8") == BASICSR_FIXED


def test_a_folder_walk_never_fixes_through_a_symlink_out_of_the_folder(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    target = outside / "target.yml"
    target.write_text(BASICSR, encoding="utf-8")
    (repo / "escape.yml").symlink_to(target)
    (repo / "inside.yml").write_text(BASICSR, encoding="utf-8")
    (repo / "link.yml").symlink_to(repo / "inside.yml")
    code, findings = _fix(tmp_path, "--exit-zero", "repo")
    assert code == 0
    assert target.read_text(encoding="utf-8") == BASICSR
    assert "outside" in _not_written(findings, "repo/escape.yml")
    assert (repo / "inside.yml").read_text(encoding="utf-8") == BASICSR_FIXED
    assert (repo / "link.yml").is_symlink()
    _fix(tmp_path, "--exit-zero", "repo/escape.yml")  # named explicitly: the user's choice
    assert target.read_text(encoding="utf-8") == BASICSR_FIXED


def test_a_fix_that_never_converges_is_reported(tmp_path: Path) -> None:
    (tmp_path / "lint").mkdir()
    (tmp_path / "lint" / "TEAM001.yaml").write_text(
        "code: TEAM001\nname: doubling\nseverity: warning\nsummary: s\nwhy: w\nreferences: [r]\n"
        "when: lr > 0\nmessage: m\nat: lr\nfix: {safety: safe, set: {lr: \"lr * 2\"}}\n",
        encoding="utf-8")
    (tmp_path / "cfglint.toml").write_text('rule-folders = ["lint"]\n', encoding="utf-8")
    (tmp_path / "train.yaml").write_text("learning_rate: 1.0\nbatch_size: 4\n", encoding="utf-8")
    code, findings = _fix(tmp_path, "--exit-zero", "train.yaml")
    assert code == 0
    hits = [f for f in findings if f["code"] == "CFG011"]
    assert len(hits) == 1 and "did not converge after 10 passes" in str(hits[0]["message"])
    assert "TEAM001" in str(hits[0]["message"])


_MISPLACED = """\
output_dir = '/runs/out'
dataset = 'dataset.toml'
epochs = 10

[model]
type = 'wan'
ckpt_path = '/models/wan'
dtype = 'bfloat16'
micro_batch_size_per_gpu = 1
pipeline_stages = 1
gradient_accumulation_steps = 1
gradient_clipping = 1.0
eval_every_n_epochs = 1
eval_before_first_step = true
save_every_n_epochs = 5
checkpoint_every_n_minutes = 120
partition_method = 'parameters'
save_dtype = 'bfloat16'
caching_batch_size = 1
steps_per_print = 1

[adapter]
type = 'lora'
rank = 32
dtype = 'bfloat16'

[optimizer]
type = 'adamw'
lr = 2e-5
"""


def test_fixes_that_each_wait_for_the_one_before_all_apply_in_one_run(tmp_path: Path) -> None:
    """Twelve diffusion-pipe keys written under [model], each moved to the top level in a
    pass of its own (the moves edit one place): one --fix moves them all, and a second
    changes nothing. A fuzzing campaign found a second --fix moving what the first left."""
    path = tmp_path / "wan.toml"
    path.write_text(_MISPLACED, encoding="utf-8")
    code, findings = _fix(tmp_path, "--exit-zero", "--family", "diffusion-pipe", "wan.toml")
    assert code == 0 and findings == []
    fixed = path.read_text(encoding="utf-8")
    assert fixed.index("steps_per_print") < fixed.index("[model]")
    _fix(tmp_path, "--exit-zero", "--family", "diffusion-pipe", "wan.toml")
    assert path.read_text(encoding="utf-8") == fixed
