"""Files of trainers cfglint does not support (axolotl, third-party GUIs' presets) are
`generic`: they get no other trainer's unknown-key, duplicate-key or run-length findings."""

from __future__ import annotations

from corpus import lint_relative, manifest, require_corpus

# corpus path prefixes of files no supported trainer reads
UNSUPPORTED = (
    "axolotl/",
    "musubi-tuner/sdbds__musubi-tuner-scripts/gui/",  # a GUI's own presets for musubi-tuner
    "musubi-tuner/kohya-ss__musubi-tuner@pr-818/src/musubi_tuner/gui/",  # a PR-only GUI's table
)
# findings that only make sense for a known trainer: its keys, its table merging, its
# default run length and the horizon of its schedule
TRAINER_ONLY = {"CFG701", "CFG005", "CFG309", "CFG302", "CFG307"}


def test_files_of_unsupported_trainers_get_no_trainer_specific_findings() -> None:
    root = require_corpus()
    files = [row["corpus_path"] for row in manifest()
             if row["corpus_path"].startswith(UNSUPPORTED)]
    assert len(files) > 60
    results = lint_relative(root, files)
    claimed = sorted(f"{r.path}: {r.family}" for r in results
                     if r.family != "generic" and r.doc.ok)
    specific = sorted(f"{r.path}: {f.code} {f.key_text}" for r in results for f in r.findings
                      if f.code in TRAINER_ONLY)
    assert claimed == [] and specific == []
