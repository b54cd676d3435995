"""Safe means the run is unchanged: a safe fix that would change another training fact is
demoted to unsafe, with a note saying what would change."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run_json
from corpus import corpus_files

from cfglint.edit import set_path
from cfglint.families import detect, get_family
from cfglint.families.base import Family
from cfglint.findings import Finding, Fix, make_finding
from cfglint.pipeline import build_facts, lint_document
from cfglint.safety import FactsOf, _changed_facts, check_safe_fixes
from cfglint.settings import Settings
from cfglint.source.document import Document, Span
from cfglint.source.read import format_for, parse_text, read_path

KOHYA = """\
pretrained_model_name_or_path = "model.safetensors"
network_module = "networks.lora"
network_dim = 16
network_alpha = 16
max_train_steps = 1000
"""


def _facts_of(family: Family, settings: Settings) -> FactsOf:
    return lambda d: build_facts(d, family, settings)


def _finding_with(doc: Document, fix: Fix) -> Finding:
    return make_finding(doc, "TEAM900", "team-epochs", "warning", "state epochs", "kohya",
                        Span(0, 0), (), fix)


def test_a_safe_fix_that_changes_the_run_length_is_demoted_with_a_note() -> None:
    doc = parse_text("train.toml", KOHYA, "toml")
    family, settings = get_family("kohya"), Settings()
    facts = build_facts(doc, family, settings)
    fix = Fix("safe", "count the run in epochs", [set_path(doc, ("max_train_epochs",), 10)],
              [("max_train_epochs",)])
    (checked,) = check_safe_fixes(doc, facts, _facts_of(family, settings),
                                  [_finding_with(doc, fix)])
    # sd-scripts: max_train_epochs overrides max_train_steps, so the run is no longer 1000 steps
    assert checked.fix is not None and checked.fix.safety == "unsafe"
    assert checked.fix.message == ("count the run in epochs (not safe: it would also change "
                                   "total_steps (1000 → unknown))")
    assert checked.fix.edits == fix.edits


def test_a_safe_fix_of_a_declared_key_alone_is_left_safe() -> None:
    doc = parse_text("train.toml", KOHYA, "toml")
    family, settings = get_family("kohya"), Settings()
    facts = build_facts(doc, family, settings)
    fix = Fix("safe", "same steps", [set_path(doc, ("max_train_steps",), 1000)],
              [("max_train_steps",)])
    (checked,) = check_safe_fixes(doc, facts, _facts_of(family, settings),
                                  [_finding_with(doc, fix)])
    assert checked.fix is fix


def test_a_safe_fix_that_changes_only_its_own_fact_stays_safe(tmp_path: Path) -> None:
    # BasicSR reads `lr: 2e-4` as a string (YAML 1.1): writing 2.0e-4 changes lr, as declared
    (tmp_path / "opt.yml").write_text(
        "name: x\nmodel_type: SRModel\nnetwork_g: {type: RRDBNet}\n"
        "train:\n  optim_g:\n    type: Adam\n    lr: 2e-4\n  total_iter: 1000\n",
        encoding="utf-8")
    _, findings = run_json("--select", "CFG705", "opt.yml", cwd=tmp_path)
    (f,) = findings
    assert f["fix"]["safety"] == "safe" and "not safe" not in f["fix"]["message"]


def test_every_safe_fix_on_the_corpus_keeps_every_undeclared_fact() -> None:
    files = [p for p in corpus_files() if format_for(str(p))]
    checked = demoted = 0
    for path in files:
        doc = read_path(str(path))
        if doc.problems or doc.root is None:
            continue
        # portability notes on, so their safe fixes are checked too
        settings = Settings(params={"CFG705": {"portability": True},
                                    "CFG706": {"portability": True}})
        result = lint_document(doc, settings)
        family = get_family(detect(doc).family)
        fixes = [f.fix for f in result.findings if f.fix is not None]
        demoted += sum(1 for fx in fixes if "(not safe:" in fx.message)
        safe = [fx for fx in fixes if fx.safety == "safe" and fx.edits]
        if not safe:
            continue
        checked += len(safe)
        batch = Fix("safe", "", [e for fx in safe for e in fx.edits],
                    [c for fx in safe for c in fx.changes])
        facts = build_facts(doc, family, settings)
        assert _changed_facts(doc, facts, _facts_of(family, settings), batch) == [], path
    print(f"\ncorpus safe fixes: {checked} checked, {demoted} demoted to unsafe")
    assert checked > 100
