"""Precision on users' own configs: every warning and error cfglint reports on the
evaluation set is judged TRUE or FALSE against the trainer's source, in
``tests/data/evaluation_verdicts.tsv``; ``python tools/eval_table.py`` prints the per-rule
table.

A new or changed warning on the set fails here until someone judges it: read the trainer's
code for that key, then add a row (path, code, key, TRUE or FALSE, one-line reason citing
``owner/repo:path``). A FALSE error, precision under 95 %, or detection under 95 % fails.
"""

from __future__ import annotations

import csv

import pytest
from corpus import require_corpus
from evaluation import (
    Evaluation,
    evaluate,
    family_counts,
    lint,
    members,
    table,
    verdicts,
)

from cfglint.families import FAMILY_NAMES

MIN_FILES = 80
MIN_PRECISION = 0.95
MIN_DETECTION = 0.95
# the trainers the set must cover: every family but generic (no trainer) and Ray Tune (no
# users' files in the corpus yet)
TRAINERS = set(FAMILY_NAMES) - {"generic", "ray-tune"}


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    root = require_corpus()
    set_members = members()
    results = lint(root, [m.path for m in set_members])
    ev = evaluate(results, set_members, verdicts())
    print("\n" + table(ev))
    return ev


def test_the_set_has_80_users_configs_across_every_trainer() -> None:
    root = require_corpus()
    set_members = members()
    with open(root / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        in_manifest = {r["corpus_path"] for r in csv.DictReader(fh, delimiter="\t")}
    assert len(set_members) >= MIN_FILES
    assert len({m.path for m in set_members}) == len(set_members), "a file listed twice"
    assert sorted(m.path for m in set_members if m.path not in in_manifest) == []
    assert TRAINERS <= set(family_counts(set_members))


def test_every_verdict_is_about_a_file_of_the_set_and_gives_a_reason() -> None:
    paths = {m.path for m in members()}
    for (path, code, key), v in verdicts().items():
        assert path in paths, f"verdict on a file outside the set: {path}"
        assert code.startswith("CFG") and v.reason.strip(), (path, code, key)


def test_every_warning_and_error_on_the_set_is_judged(evaluation: Evaluation) -> None:
    unjudged = [f"{path}\t{code}\t{key}\t({sev}: {msg})"
                for (path, code, key), sev, msg in evaluation.unjudged]
    assert not unjudged, (
        "judge these findings against the trainer's source and add them to "
        "tests/data/evaluation_verdicts.tsv (path, code, key, TRUE/FALSE, reason):\n"
        + "\n".join(unjudged))


def test_no_error_on_the_set_is_false(evaluation: Evaluation) -> None:
    assert [f"{k}: {why}" for k, why in evaluation.false_errors] == []


def test_warnings_and_errors_on_the_set_are_at_least_95_percent_true(
        evaluation: Evaluation) -> None:
    total = evaluation.total
    assert total.findings > 0
    assert total.precision >= MIN_PRECISION, table(evaluation)


def test_the_trainer_is_detected_on_at_least_95_percent_of_the_set(
        evaluation: Evaluation) -> None:
    assert evaluation.detection_rate >= MIN_DETECTION, evaluation.misdetected
