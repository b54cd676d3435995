"""facts_for runs on every parseable corpus file with its detected family, quickly."""

from __future__ import annotations

import time

from corpus import corpus_files

from cfglint.facts.collect import facts_for
from cfglint.facts.model import Facts
from cfglint.families import detect_family, get_family
from cfglint.source.read import read_path


def test_facts_for_every_corpus_file_without_exception_and_fast() -> None:
    docs = []
    for path in corpus_files():
        doc = read_path(str(path))
        if doc.ok and doc.root is not None:
            docs.append((doc, detect_family(doc)))
    assert docs
    start = time.perf_counter()
    results: list[tuple[str, Facts]] = [(fam, facts_for(doc, get_family(fam))) for doc, fam in docs]
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"facts for {len(docs)} files took {elapsed:.2f}s"
    # each trainer family yields its core facts for most of its files
    for fam in ("ai-toolkit", "kohya-gui", "sedd", "basicsr"):
        of_fam = [f for name, f in results if name == fam]
        with_lr = [f for f in of_fam if "lr" in f]
        assert len(with_lr) >= 0.8 * len(of_fam), fam


def test_every_explicit_fact_has_a_span_inside_its_document() -> None:
    for path in corpus_files():
        doc = read_path(str(path))
        if not doc.ok or doc.root is None:
            continue
        f = facts_for(doc, get_family(detect_family(doc)))
        for name, fact in f.items.items():
            if fact.origin == "explicit":
                assert fact.span is not None, (path, name)
                assert 0 <= fact.span.start <= fact.span.end <= len(doc.text), (path, name)
