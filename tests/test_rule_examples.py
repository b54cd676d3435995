"""Every rule file's examples are tests: the expected codes fire, the fixed text matches."""

from __future__ import annotations

import pytest
from example_settings import settings_of

from cfglint.engine.catalog import Example, Rule, load_rules
from cfglint.findings import FileResult
from cfglint.fix import fix_text
from cfglint.pipeline import RunOptions, lint_document
from cfglint.settings import Settings
from cfglint.source.document import Document
from cfglint.source.read import parse_text

RULES = load_rules()
CASES = [(rule, i, ex) for rule in RULES.values() for i, ex in enumerate(rule.examples)]


def _lint(ex: Example) -> tuple[Document, FileResult, Settings]:
    doc = parse_text(f"example.{ex.format}", ex.config, ex.format)  # type: ignore[arg-type]
    settings = settings_of(ex)
    return doc, lint_document(doc, settings, _options(ex), RULES), settings


def _options(ex: Example, select: list[str] | None = None) -> RunOptions:
    """``family: auto`` lets detection decide, as for a file on disk."""
    return RunOptions(family=None if ex.family == "auto" else ex.family, select=select)


@pytest.mark.parametrize(("rule", "index", "ex"), CASES,
                         ids=[f"{r.code}-{i}" for r, i, _ in CASES])
def test_rule_example_fires_exactly_the_expected_codes(rule: Rule, index: int, ex: Example) -> None:
    _, result, _ = _lint(ex)
    # a rule superseded by another for the same key fired too: it is reported as a note
    got = {f.code for f in result.findings} | {r.code for f in result.findings
                                               for r in f.related}
    if rule.code in ex.expect:
        assert rule.code in got, (rule.code, ex.config, result.findings)
    else:
        assert rule.code not in got, (rule.code, ex.config, result.findings)
    for code in ex.expect:
        assert code in got, (code, result.findings)


@pytest.mark.parametrize(("rule", "index", "ex"), [c for c in CASES if c[2].fixed is not None],
                         ids=[f"{r.code}-{i}" for r, i, e in CASES if e.fixed is not None])
def test_rule_example_fix_gives_the_fixed_text(rule: Rule, index: int, ex: Example) -> None:
    doc, _, settings = _lint(ex)
    # only this rule's fixes, so each example documents its own rule
    only = _options(ex, [rule.code])

    def lint(d: Document) -> FileResult:
        return lint_document(d, settings, only, RULES)

    outcome = fix_text(doc, lint, unsafe=ex.unsafe)
    assert outcome.text == ex.fixed
    assert rule.code not in {f.code for f in outcome.result.findings}
    again = fix_text(parse_text(doc.path, outcome.text, doc.format), lint, unsafe=ex.unsafe)
    assert again.text == outcome.text  # a second --fix changes nothing


def test_every_builtin_rule_condition_parses() -> None:
    assert load_rules(validate_builtin=True).keys() == RULES.keys()


# findings about the run itself (cfglint failing on a file, a rule failing, a fix not written
# or not converging, the per-file cap): no config text fires them; tests/test_robustness.py
# and tests/test_write_safety.py do
RUN_FINDINGS = frozenset({"CFG004", "CFG009", "CFG010", "CFG011", "CFG012"})


def test_every_rule_has_why_references_and_a_firing_and_a_clean_example() -> None:
    for rule in RULES.values():
        assert rule.why and rule.references, rule.code
        fires = [e for e in rule.examples if rule.code in e.expect]
        clean = [e for e in rule.examples if rule.code not in e.expect]
        assert fires or rule.code in RUN_FINDINGS, f"{rule.code} has no firing example"
        assert clean, f"{rule.code} has no clean example"
