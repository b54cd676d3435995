"""Generate docs/rules/<CODE>.md, docs/rules/README.md and docs/facts.md.

The pages come from the rule files (rules/*.yaml) and the fact table
(cfglint/facts/names.py) through cfglint.pages, the same text `cfglint rule CODE`
prints and SARIF carries as help. Usage:

    python tools/gen_docs.py           # write the pages
    python tools/gen_docs.py --check   # exit 1 and name the pages that are stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cfglint.engine.catalog import load_rules  # noqa: E402
from cfglint.pages import facts_page, rule_page, rules_index  # noqa: E402


def expected_pages(docs: Path) -> dict[Path, str]:
    """Every generated page and its content."""
    rules = load_rules()
    pages = {docs / "rules" / f"{code}.md": rule_page(rule) for code, rule in rules.items()}
    pages[docs / "rules" / "README.md"] = rules_index(rules)
    pages[docs / "facts.md"] = facts_page()
    return pages


def stale_pages(docs: Path) -> list[Path]:
    """Pages that differ from what the sources give, are missing, or have no rule."""
    pages = expected_pages(docs)
    stale = [p for p, text in pages.items()
             if not p.is_file() or p.read_text(encoding="utf-8") != text]
    folder = docs / "rules"
    if folder.is_dir():
        stale += sorted(p for p in folder.glob("*.md") if p not in pages)
    return stale


def write_pages(docs: Path) -> None:
    pages = expected_pages(docs)
    for path, text in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    for old in (docs / "rules").glob("*.md"):
        if old not in pages:
            old.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale pages")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages(args.docs)
        for path in stale:
            print(f"stale: {path.relative_to(args.docs.parent)}")
        if stale:
            print("run `python tools/gen_docs.py` and commit the pages")
        return 1 if stale else 0
    write_pages(args.docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
