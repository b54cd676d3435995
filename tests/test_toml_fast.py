"""The TOML reader's fast way (for large files) changes nothing: a line read with one match
gives the tree the general scanner gives (spans, paths, values, raw texts, comments,
problems), and a scalar's value decoded from its own text is the value tomllib gives it in
the file."""

from __future__ import annotations

import itertools
import math
import random
import sys
from typing import Any

import pytest
from corpus import corpus_files
from document_data import node_data
from hypothesis import given, settings
from hypothesis import strategies as st

from cfglint.source import toml_reader
from cfglint.source.document import Document, to_python
from cfglint.source.toml_reader import FAST_FROM, read_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _document(doc: Document) -> Any:
    return (node_data(doc.root), [(c.span, c.text, c.own_line) for c in doc.comments],
            [(p.message, p.offset, p.end, p.code) for p in doc.problems])


def _same_as_general_scanner(text: str) -> Document:
    doc = read_toml("x.toml", text, fast=True)
    assert _document(doc) == _document(read_toml("x.toml", text, fast=False))
    return doc


def _same(a: Any, b: Any) -> bool:
    """Equal, of the same types, all the way down (NaN equals NaN)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b and type(a) is type(b))


# keys with a number in place of {} (few of them meet twice)
_BARE = ["a{}", "lr{}", "max_train_steps{}", "k-{}", "{}", "true{}", "_x{}"]
_KEYS = [*_BARE, '"q k{}"', "'lit{}'", '"esc\\tk{}"', "a.b{}", "a . b{}", '"a.b".c{}',
         "x{}.y.z"]
_VALUES = [
    "1", "-0", "+17", "1_000", "0x1F", "0o17", "0b101", "1.5", "-1e-4", "6.02E+23", "1_0.5",
    "inf", "-inf", "nan", "+nan", "true", "false", '"s"', '""', '"a # b"', '"tab\\there"',
    '"\\u00e9"', "'lit'", "''", "'a \\ b'", '"""\nml\\\n  x"""', "'''\nraw\n'''", "1979-05-27",
    "1979-05-27 07:32:00", "1979-05-27T07:32:00Z", "07:32:00", "[1, 2]", "[ ]",
    '[ "a", [1], {x = 1} ]', "[\n  1, # c\n  2,\n]", "{ a = 1, b = 'x' }", "{}", "{ a.b = 1 }",
    "[0.9, 0.999]", "[1,2,]", "[ 'x' , \"y\" ]", '["a,b", 1]', '["a # b", true]', "[[]]",
    "[1979-05-27 07:32:00]", "[1979-05-27, inf]", '["""x"""]', "['''y''']", "[ 1 , ]",
    "{ b = [0.9, 0.999], c = 1 }", "{b=[1,2]}", "{ t = { u = [1] } }", "{ a = 1, a.b = 2 }",
    "[\n  1,\n  2,\n]", "[\n\n  'a' ,\r\n  \"b\"\n]", "[ 1\n, 2 ]", "[\n]",
]
_INVALID = ["007", "1.", "tru", '"bad \\q"', '"open', "ü", "1 2", "[1,", "{ a = 1,}",
            "[1 2]", "[,]", "[1,,2]", "[007]", "[1.]", '["a" "b"]', "1" * 4400,
            '"ctl\x01"', "1 # ctl\x7f"]
# lines that are valid alone and may conflict with each other: a dotted key into a value or
# an inline table, a header naming a value, a table or a static array, a table defined twice
_CONFLICTS = ["t = 1", "t.u = 2", "t.u.v = 3", "t = {u = 1}", "t = [1]", "t = [{u = 1}]",
              "t = []", "[t]", "[[t]]", "[t.u]", "[[t.u]]", "u.t = 1", "[u]", "[[u]]",
              "t.w = 'x'", "u = {t.v = 1}", "u.t.v = true"]
_COMMENTS = ["", "", "", " # c", "   #", '# "q"', " # ü"]
_GAPS = ["", " ", "\t", "  "]


@st.composite
def _line(draw: Any) -> str:
    kind = draw(st.integers(0, 11))
    if kind >= 10:
        return draw(st.sampled_from(_CONFLICTS))
    if kind == 0:
        name = draw(st.sampled_from(_KEYS)).format(draw(st.integers(0, 9)))
        opener = draw(st.sampled_from(["[", "[[", "[ ", "[[ "]))
        closer = "]]" if opener.startswith("[[") else "]"
        if draw(st.integers(0, 20)) == 0:
            closer = draw(st.sampled_from(["]", "]]", "]x", ""]))
        return opener + name + draw(st.sampled_from(_GAPS)) + closer + draw(
            st.sampled_from(_COMMENTS))
    if kind == 1:
        return draw(st.sampled_from(["", "# a comment", "  # indented", "\t", "#"]))
    key = draw(st.sampled_from(_BARE if kind < 6 else _KEYS)).format(draw(st.integers(0, 40)))
    value = draw(st.sampled_from(_VALUES if draw(st.integers(0, 30)) else _INVALID))
    eq = draw(st.sampled_from(_GAPS)) + "=" + draw(st.sampled_from(_GAPS))
    if draw(st.integers(0, 30)) == 0:
        eq = draw(st.sampled_from([" ", " == ", ": "]))
    return (draw(st.sampled_from(_GAPS)) + key + eq + value
            + draw(st.sampled_from(_GAPS)) + draw(st.sampled_from(_COMMENTS)))


@st.composite
def toml_texts(draw: Any) -> str:
    lines = draw(st.lists(_line(), max_size=14))
    brk = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    end = draw(st.sampled_from(["", brk, brk + brk, "\r", "\r" + brk, " # \x00" + brk]))
    return brk.join(lines) + end


@settings(max_examples=400, deadline=None)
@given(toml_texts())
def test_fast_lines_give_the_general_scanners_tree_on_generated_toml(text: str) -> None:
    doc = _same_as_general_scanner(text)
    if doc.root is not None:
        assert _same(to_python(doc.root), tomllib.loads(text))


def test_fast_lines_give_the_general_scanners_tree_on_every_corpus_toml_file() -> None:
    for path in corpus_files():
        if path.suffix == ".toml":
            _same_as_general_scanner(path.read_text(encoding="utf-8", errors="replace"))


@pytest.mark.parametrize("text", [
    "a = 1979-05-27 07:32:00\n",  # a date-time with a space: one value, not two
    'a = """x"""\nb = 1\n',  # a multi-line string that fits on one line
    "a = 1\r",  # a carriage return without a line feed
    "a = 1 \f\n",  # a form feed is no blank
    "[a]]\n",  # brackets that do not pair
    "[[a]\n",
    "a = 1]\n",
    "a = 'x'y\n",
    "[[runs]]\nname = 'a'\n[[runs]]\nname = 'b' # c\n[runs.sub]\nx = 1\n",
    "a = 1\na = 2\n",  # a duplicate key
    "[t]\nx = 1\n[t]\ny = 2\n",  # a table defined twice
    "a.b = 1\n[a]\nc = 2\n",
    "a . b\t.c = 1\na.b.d = 'x'\n[t]\na.b = 2\n",  # dotted keys, into the current table
    "a.b = 1\na.b.c = 2\n",  # a value used as a table
    ".".join(["k"] * 101) + " = 1\n",  # too deep: said where, as the general scanner says it
    "t = { a = 1, b.c = 'x' , d = \"y\"}\n",  # simple pairs in an inline table
    "t = { a = 1979-05-27 07:32:00, b = \"\"\"x\"\"\" }\n",  # pairs the fast path leaves
    "t = { a = 1 b = 2 }\n",
    "t = { a = 1, a = 2 }\n",
    "t = 1\nt.u = 2\n",  # conflicts between lines valid alone, which only tomllib decides
    "t = {u = 1}\nt.v = 2\n",
    "t = [1]\n[[t]]\n",
    "t.u = 1\n[t]\n",
    "[t]\n[[t]]\n",
    "[[t]]\n[t]\n",
    "a = " + "1" * 4400 + "\n",  # past Python's int conversion limit
])
def test_lines_the_fast_path_leaves_alone_read_as_before(text: str) -> None:
    _same_as_general_scanner(text)


@pytest.mark.parametrize("lexeme", [
    "0", "-0", "+0", "1_000", "-17", "0.0", "-0.0", "1e5", "1E-5", "6.02e+23", "1_0.5e1_0",
    "0x1F", "0o17", "0b101", "inf", "+inf", "-nan", "true", "false", '"x"', '""', "'y'",
    "''", '"a\\tb"', '"""\nx"""', "'''\ny'''", "1979-05-27", "07:32:00",
    "1979-05-27T07:32:00+01:00", "1979-05-27 07:32:00",
])
def test_a_lexeme_decodes_to_tomllibs_value(lexeme: str) -> None:
    decimal = toml_reader._patterns().decimal
    assert _same(toml_reader._decode(lexeme, decimal), tomllib.loads(f"v = {lexeme}")["v"])


def test_a_value_that_does_not_decode_alone_is_taken_from_tomllibs_tree(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(raw: str, decimal: Any) -> Any:
        raise ValueError(raw)

    monkeypatch.setattr(toml_reader, "_decode", refuse)
    text = "[[runs]]\nlr = 0x10\nat = [1979-05-27, 2]\nt = { s = 'x' }\n"
    doc = read_toml("x.toml", text, fast=True)
    assert _same(to_python(doc.root), tomllib.loads(text))


def test_small_files_are_read_the_plain_way_and_large_ones_the_fast_way(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A small file starts sooner without the fast way's patterns to compile."""
    calls: list[int] = []
    patterns = toml_reader._patterns

    def spy() -> Any:
        calls.append(1)
        return patterns()

    monkeypatch.setattr(toml_reader, "_patterns", spy)
    assert read_toml("x.toml", "a = 1\n").root is not None
    assert calls == []
    big = "[[runs]]\nlr = 0.5\n" * (FAST_FROM // 17 + 1)
    assert _same(to_python(read_toml("x.toml", big).root), tomllib.loads(big))
    assert calls == [1]


_COMMON = '[[runs]]\nname = "a" # c\nopt = {lr = 1e-4, betas = [0.9, 0.999], on = true}\n'


@pytest.mark.parametrize(("extra", "parsed"), [
    ("", False),
    ("n.m = 'x'\n[[runs]]\n", False),
    ("at = 1979-05-27\n", True),  # a value the patterns do not check
    ("[runs.sub]\n", True),  # a header they do not read
    ("t = 1\nt.u = 2\n", True),  # a conflict between lines
    ('q = "\\t"\n', True),  # an escape
    ("c = 1 # \x01\n", True),  # a control character
])
def test_tomllib_parses_a_large_file_only_where_the_fast_patterns_do_not_check_it(
        monkeypatch: pytest.MonkeyPatch, extra: str, parsed: bool) -> None:
    """A file of common lines is parsed once (by the scanner), not twice."""
    calls: list[str] = []
    validate = toml_reader._validate

    def spy(text: str) -> Any:
        calls.append(text)
        return validate(text)

    monkeypatch.setattr(toml_reader, "_validate", spy)
    text = _COMMON + extra
    doc = read_toml("x.toml", text, fast=True)
    assert calls == ([text] if parsed else [])
    assert _document(doc) == _document(read_toml("x.toml", text, fast=False))
    if doc.root is not None:  # the conflict is a problem, as tomllib says
        assert _same(to_python(doc.root), tomllib.loads(text))


def test_every_sequence_of_three_conflicting_lines_reads_as_the_general_scanner_reads_it(
        ) -> None:
    """Lines valid alone, in every order: tables that grow after a key names them, headers
    over dotted keys, duplicates, with the problems the general scanner and tomllib give."""
    lines = [*_CONFLICTS, "t.u = {v = 1}", "x.y = [1, 2]", "[[runs]]"]
    for n in (1, 2, 3):
        for combo in itertools.product(lines, repeat=n):
            _same_as_general_scanner("\n".join(combo) + "\n")


_EDITS = ["[", "]", "{", "}", ",", "=", ".", '"', "'", "\n", "#", "[[x]]\n", "[x]\n", "x = 1\n",
          "a.b = 2\n", "= {", "[1, 2]", "\\", "\r", "\x01", "1979-05-27", "0x1F", "{a = 1}"]


def _mutant(text: str, rng: random.Random) -> str:
    """A corpus file with a few lines repeated, dropped, swapped or edited by a character."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        j = rng.randrange(len(lines))
        op = rng.randint(0, 4)
        if op == 0:
            lines.insert(j, rng.choice(lines))
        elif op == 1 and len(lines) > 1:
            del lines[j]
        elif op in (2, 3):
            s = lines[j]
            k = rng.randint(0, len(s))
            lines[j] = s[:k] + (rng.choice(_EDITS) if op == 2 else "") + s[k + (op == 3):]
        else:
            a = rng.randrange(len(lines))
            lines[a], lines[j] = lines[j], lines[a]
    return "\n".join(lines)


def test_mutated_corpus_files_read_the_fast_way_as_the_general_scanner_reads_them() -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in corpus_files() if p.suffix == ".toml"]
    rng = random.Random(11)
    for _ in range(400):
        _same_as_general_scanner(_mutant(rng.choice(texts), rng))


_LONG = ", ".join(f'"item {i}"' if i % 3 else str(i) for i in range(1500))  # > _FAST_SPAN


@pytest.mark.parametrize("text", [
    f"x = [{_LONG}]\n", f"x = [ {_LONG} , ]\n", f"t = {{a = [{_LONG}]}}\n",
    "x = [\n" + _LONG.replace(", ", ",\n  ") + "\n]\n", f"x = [{_LONG}, # c\n 1]\n",
    f"x = [{_LONG}, [1]]\n", f"x = [{_LONG},, 1]\n", f"x = [{_LONG}\n", f"x = [{_LONG} 1]\n",
])
def test_an_array_longer_than_the_patterns_span_reads_as_the_general_scanner_reads_it(
        text: str) -> None:
    assert len(text) > toml_reader._FAST_SPAN
    _same_as_general_scanner(text)


def test_a_file_of_more_values_than_the_bound_is_refused_at_the_value_past_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toml_reader, "MAX_NODES", 50)
    text = "x = [" + ", ".join(["1"] * 100) + "]\n"
    [problem] = read_toml("x.toml", text, fast=True).problems
    assert problem.code == "CFG004" and "more than 1,200,000 values" in problem.message
    assert problem.offset == len("x = [") + len("1, ") * 50  # at the 51st item
