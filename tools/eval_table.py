"""Print the per-rule precision table of the evaluation set (users' configs, every warning
and error judged against the trainer's source), for closing notes.

    python tools/eval_table.py            # the corpus at ../shared/corpus or $CFGLINT_CORPUS
    python tools/eval_table.py --false    # also list the FALSE findings with their reasons
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corpus import corpus_root
from evaluation import (
    FindingKey,
    Verdict,
    evaluate,
    family_counts,
    lint,
    members,
    table,
    verdicts,
)

from cfglint.findings import FileResult


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--false", action="store_true", help="list the FALSE findings")
    args = ap.parse_args()
    root = corpus_root()
    if root is None:
        print("corpus not found: set CFGLINT_CORPUS or place it at ../shared/corpus",
              file=sys.stderr)
        return 2
    set_members = members()
    judged = verdicts()
    results = lint(root, [m.path for m in set_members])
    ev = evaluate(results, set_members, judged)
    counts = family_counts(set_members)
    print(f"set: {len(set_members)} files; "
          + ", ".join(f"{fam} {n}" for fam, n in sorted(counts.items())) + "\n")
    print(table(ev))
    if ev.unjudged:
        print(f"\n{len(ev.unjudged)} warnings/errors not judged yet (see the test)")
    if args.false:
        _print_false(results, judged)
    return 0


def _print_false(results: list[FileResult], judged: dict[FindingKey, Verdict]) -> None:
    print("\nFALSE warnings and errors:")
    for r in results:
        for f in r.findings:
            v = judged.get((r.path, f.code, f.key_text))
            if f.severity in ("warning", "error") and v is not None and not v.true:
                print(f"  {f.code} {f.severity} {r.path} {f.key_text}: {v.reason}")


if __name__ == "__main__":
    raise SystemExit(main())
