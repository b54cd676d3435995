"""The fixer's invariants on real configs: an edit changes its key's value and nothing else.

Every scalar of every corpus file is edited to another value of its type (all at once per
file, and a deterministic sample one at a time), and a key is inserted into mappings; each
time every byte outside the edit must be unchanged, the text must re-parse, and the parsed
tree must differ exactly at the edited key paths.
"""

from __future__ import annotations

from corpus import corpus_files
from exerciser import check_edits, insert_edit, insertable, value_edit

from cfglint.source.read import read_path

SAMPLE_PER_FILE = 6


def _docs():  # type: ignore[no-untyped-def]
    for path in corpus_files():
        doc = read_path(str(path))
        if doc.problems or doc.root is None or doc.format == "python":
            continue  # a search space's fixes are checked against its space (test_space.py)
        yield doc


def test_editing_every_scalar_of_every_corpus_file_changes_only_those_values() -> None:
    files = edits = 0
    for doc in _docs():
        batch = []
        for s in doc.scalars():
            e = value_edit(doc, s)
            if e is not None:
                batch.append((s.path, e))
        if batch:
            check_edits(doc, batch)
            files += 1
            edits += len(batch)
    print(f"\nexerciser (all at once): {files} files, {edits} scalar edits")
    assert files > 550 and edits > 20000


def test_editing_single_scalars_one_at_a_time_changes_only_that_value() -> None:
    edits = 0
    for doc in _docs():
        scalars = [s for s in doc.scalars() if value_edit(doc, s) is not None]
        step = max(1, len(scalars) // SAMPLE_PER_FILE)
        for s in scalars[::step][:SAMPLE_PER_FILE]:
            e = value_edit(doc, s)
            assert e is not None
            check_edits(doc, [(s.path, e)])
            edits += 1
    print(f"\nexerciser (one at a time): {edits} edits")
    assert edits > 2500


def test_inserting_a_key_into_mappings_adds_only_that_key() -> None:
    inserted = 0
    for doc in _docs():
        mappings = insertable(doc)
        step = max(1, len(mappings) // 4)
        for mp in mappings[::step][:4]:
            pe = insert_edit(doc, mp)
            assert pe is not None, (doc.path, mp.path)
            check_edits(doc, [pe])
            inserted += 1
    print(f"\nexerciser (insertions): {inserted} keys inserted")
    assert inserted > 1500
