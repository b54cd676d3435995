"""The evaluation set: users' own configs from the shared corpus, and the reviewed verdict
on every warning and error cfglint reports on them (TRUE or FALSE against the trainer's
source). Shared by ``test_evaluation_set.py`` and ``tools/eval_table.py``.

The data lives in ``tests/data``: ``evaluation_set.tsv`` names each file with the family
cfglint should detect, ``evaluation_verdicts.tsv`` holds one judged finding a row.
"""

from __future__ import annotations

import collections
import csv
from dataclasses import dataclass, field
from pathlib import Path

from corpus import lint_relative

from cfglint.findings import FileResult

DATA = Path(__file__).resolve().parent / "data"
SET_FILE = DATA / "evaluation_set.tsv"
VERDICT_FILE = DATA / "evaluation_verdicts.tsv"
MEASURED = ("warning", "error")

FindingKey = tuple[str, str, str]  # corpus path, code, key path


@dataclass(frozen=True)
class Member:
    """One file of the set and the trainer that reads it."""

    path: str
    manifest_family: str  # the corpus folder's family, sometimes a folder-level guess
    expected: str  # the cfglint family that should be detected
    why: str  # why `expected` differs from the manifest's family, where it does


@dataclass(frozen=True)
class Verdict:
    true: bool
    reason: str


def members() -> list[Member]:
    with open(SET_FILE, newline="", encoding="utf-8") as fh:
        return [Member(r["path"], r["manifest_family"], r["expected_family"],
                       r["why_not_the_manifest_family"])
                for r in csv.DictReader(fh, delimiter="\t")]


def verdicts() -> dict[FindingKey, Verdict]:
    with open(VERDICT_FILE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {(r["path"], r["code"], r["key"]): Verdict(r["verdict"] == "TRUE", r["reason"])
            for r in rows}


def lint(root: Path, paths: list[str]) -> list[FileResult]:
    """cfglint on the set, with paths relative to the corpus root as the verdicts name them."""
    return lint_relative(root, paths)


@dataclass
class RuleCount:
    findings: int = 0
    true: int = 0
    false: int = 0
    unjudged: int = 0

    @property
    def precision(self) -> float:
        judged = self.true + self.false
        return self.true / judged if judged else 1.0


@dataclass
class Evaluation:
    """What the set measures: per-rule verdict counts and the detection rate."""

    per_rule: dict[str, RuleCount] = field(default_factory=dict)
    info_sample: dict[str, RuleCount] = field(default_factory=dict)
    unjudged: list[tuple[FindingKey, str, str]] = field(default_factory=list)
    false_errors: list[tuple[FindingKey, str]] = field(default_factory=list)
    detected: int = 0
    misdetected: list[tuple[str, str, str]] = field(default_factory=list)  # path, want, got
    files: int = 0

    @property
    def total(self) -> RuleCount:
        out = RuleCount()
        for c in self.per_rule.values():
            out.findings += c.findings
            out.true += c.true
            out.false += c.false
            out.unjudged += c.unjudged
        return out

    @property
    def detection_rate(self) -> float:
        return self.detected / self.files if self.files else 1.0


def evaluate(results: list[FileResult], set_members: list[Member],
             judged: dict[FindingKey, Verdict]) -> Evaluation:
    ev = Evaluation(files=len(results))
    want = {m.path: m.expected for m in set_members}
    for r in results:
        if r.family == want[r.path]:
            ev.detected += 1
        else:
            ev.misdetected.append((r.path, want[r.path], r.family))
        for f in r.findings:
            _count(ev, (r.path, f.code, f.key_text), f.severity, f.message, judged)
    return ev


def _count(ev: Evaluation, key: FindingKey, severity: str, message: str,
           judged: dict[FindingKey, Verdict]) -> None:
    verdict = judged.get(key)
    table = ev.per_rule if severity in MEASURED else ev.info_sample
    if severity not in MEASURED and verdict is None:
        return  # info findings are judged by sample only
    count = table.setdefault(key[1], RuleCount())
    count.findings += 1
    if verdict is None:
        count.unjudged += 1
        ev.unjudged.append((key, severity, message))
    elif verdict.true:
        count.true += 1
    else:
        count.false += 1
        if severity == "error":
            ev.false_errors.append((key, verdict.reason))


def table(ev: Evaluation) -> str:
    """The per-rule table of the closing note (warnings and errors; the info sample apart)."""
    lines = ["| rule | findings | TRUE | FALSE | precision |", "|---|---|---|---|---|"]
    lines += [_row(code, c) for code, c in sorted(ev.per_rule.items())]
    lines.append(_row("**all warnings and errors**", ev.total))
    if ev.info_sample:
        lines += ["", "info findings, judged by sample:", "",
                  "| rule | judged | TRUE | FALSE |", "|---|---|---|---|"]
        lines += [f"| {code} | {c.findings} | {c.true} | {c.false} |"
                  for code, c in sorted(ev.info_sample.items())]
    lines += ["", f"detection: {ev.detected}/{ev.files} = {ev.detection_rate:.1%}"]
    lines += [f"  {path}: want {want}, got {got}" for path, want, got in ev.misdetected]
    return "\n".join(lines)


def _row(name: str, c: RuleCount) -> str:
    extra = f" ({c.unjudged} unjudged)" if c.unjudged else ""
    return f"| {name} | {c.findings} | {c.true} | {c.false}{extra} | {c.precision:.1%} |"


def family_counts(set_members: list[Member]) -> collections.Counter[str]:
    return collections.Counter(m.expected for m in set_members)
