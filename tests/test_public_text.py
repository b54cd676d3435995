"""Users read only public sources: every text cfglint shows cites papers, trainers' files,
issue threads and official docs, never an internal document, a field report or a rule code
that does not exist (DESIGN §3.11).

The scan covers every rule file (all fields and comments), the generated pages, the README,
the schemas editors show, the help of every command, every string the package can print
(all string literals outside docstrings, so probe texts, check messages and fact notes too),
the SARIF help of every rule, and the messages, fix titles and fact notes rendered on every
rule example.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from example_settings import settings_of

from cfglint.cli import main
from cfglint.engine.catalog import WHY_SECTIONS, Example, load_rules
from cfglint.engine.expr import is_interpolation, template_fields
from cfglint.findings import FileResult
from cfglint.pipeline import RunOptions, lint_document
from cfglint.report import render
from cfglint.settings import Settings
from cfglint.source.read import parse_text

ROOT = Path(__file__).resolve().parents[1]
RULES = load_rules()

# what no user-facing text may contain: internal documents and field reports by name, paths
# into the team's shared folder, and addresses the project does not serve
INTERNAL = {
    "field report by number": re.compile(r"\bseeds?[ _-]?0\d\d\b", re.I),
    "seed files": re.compile(r"\bseed (file|diagnos\w*)", re.I),
    "rules.md": re.compile(r"rules\.md", re.I),
    "research/": re.compile(r"(?<![\w-])research/", re.I),
    "DESIGN": re.compile(r"\bDESIGN\b"),
    "formats.md": re.compile(r"formats\.md", re.I),
    "field.md": re.compile(r"field\.md", re.I),
    "anchors.md": re.compile(r"anchors\.md", re.I),
    "cfglint.dev": re.compile(r"cfglint\.dev", re.I),
    "../shared": re.compile(r"\.\./shared|\bshared/(research|corpus|seeds|specs)\b"),
    "audits": re.compile(r"\baudits?\b", re.I),
    "the research prototype": re.compile(r"\bprototype\b", re.I),
    "a repository that does not exist": re.compile(r"github\.com/cfglint\b", re.I),
    "local paths": re.compile(r"/work/|(?:^|[\s(`'\"])notes/"),
}
CODE = re.compile(r"\bCFG\d{3}\b")


def _problems(text: str) -> list[str]:
    found = [f"{what}: {m.group(0)!r}" for what, rx in INTERNAL.items()
             for m in rx.finditer(text)]
    found += [f"no such rule: {c}" for c in CODE.findall(text) if c not in RULES]
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of a module, its classes and functions."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _package_strings() -> Iterator[tuple[str, str]]:
    """Every string literal the package can show a user (docstrings are for developers)."""
    for path in sorted((ROOT / "cfglint").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in skip:
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.value


def _help_texts() -> Iterator[tuple[str, str]]:
    runner = CliRunner()
    yield "cfglint --help", runner.invoke(main, ["--help"]).output
    for name in sorted(main.commands):
        if name == "probe":
            from cfglint.probe.command import probe

            yield "cfglint probe --help", runner.invoke(probe, ["--help"]).output
        else:
            yield f"cfglint {name} --help", runner.invoke(main, [name, "--help"]).output


def _files() -> Iterator[tuple[str, str]]:
    paths = [*sorted((ROOT / "rules").glob("*.yaml")), *sorted((ROOT / "docs").rglob("*.md")),
             *sorted((ROOT / "schemas").glob("*.schema.json")), ROOT / "README.md",
             ROOT / ".pre-commit-hooks.yaml", ROOT / "pyproject.toml"]
    for path in paths:
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def _lint_example(ex: Example) -> FileResult:
    settings = settings_of(ex)
    doc = parse_text(f"example.{ex.format}", ex.config, ex.format)  # type: ignore[arg-type]
    family = None if ex.family == "auto" else ex.family
    return lint_document(doc, settings, RunOptions(family=family), RULES)


def _rendered_examples() -> Iterator[tuple[str, str]]:
    """Messages, fix titles and fact notes as users see them on every rule example."""
    from cfglint.families import detect, get_family
    from cfglint.pipeline import build_facts

    for rule in RULES.values():
        for i, ex in enumerate(rule.examples):
            where = f"{rule.code} example {i}"
            result = _lint_example(ex)
            for f in result.findings:
                yield where, f.message
                if f.fix is not None:
                    yield where, f.fix.message
            if result.doc.problems:
                continue
            family = get_family(detect(result.doc, None if ex.family == "auto"
                                       else ex.family).family)
            facts = build_facts(result.doc, family, Settings())
            for name, fact in facts.items.items():
                yield f"{where} fact {name}", fact.note


def _sarif_help() -> Iterator[tuple[str, str]]:
    log = json.loads(render("sarif", [], RULES))
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        yield f"SARIF help {rule['id']}", rule["help"]["text"] + rule["help"]["markdown"]


SOURCES = {
    "files": _files,
    "help": _help_texts,
    "package strings": _package_strings,
    "rendered examples": _rendered_examples,
    "SARIF help": _sarif_help,
}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_user_facing_text_cites_only_public_sources(source: str) -> None:
    bad = [f"{where}: {p}" for where, text in SOURCES[source]() for p in _problems(text)]
    assert bad == []


def test_the_scan_catches_what_it_is_meant_to_catch() -> None:
    for text in ("the combination seed 003 saw fail", "see research/rules.md §1",
                 "(DESIGN §3)", "https://cfglint.dev/rules/CFG205", "../shared/corpus",
                 "the probe confirms CFG404", "per the newcomer audit", "see notes/x.md"):
        assert _problems(text), text
    for text in ("facebookresearch/hydra", "google-research/t5x#1", '"seed": 42',
                 "arXiv 2106.09685, §4.1", "CFG205 and CFG101",
                 "kohya-ss/sd-scripts:library/train_util.py", "/merge_requests/7/notes/3"):
        assert not _problems(text), text


def test_messages_and_fix_titles_interpolate_values_and_compute_nothing() -> None:
    bad = []
    for rule in RULES.values():
        templates = [v.text for v in rule.messages]
        spec = rule.fix
        while isinstance(spec, dict):
            templates.append(str(spec.get("title") or ""))
            spec = spec.get("otherwise")
        for template in templates:
            bad += [f"{rule.code}: {{{expr}}}" for expr, _spec in template_fields(template)
                    if not is_interpolation(expr)]
    assert bad == []


def test_every_rule_explains_itself_in_the_same_sections() -> None:
    titles = list(WHY_SECTIONS.values())
    for rule in RULES.values():
        assert [t for t, _ in rule.why_sections] == titles, rule.code
        assert all(text for _, text in rule.why_sections), rule.code


# a reference is a repository file (owner/repo:path), an issue or PR (owner/repo#N), a paper
# with its arXiv id, an official document with its address, or a named standard
REFERENCE = re.compile(
    r"^[\w.-]+/[\w.-]+:\S"
    r"|^[\w.-]+/[\w.-]+#\d+"
    r"|arXiv \d{4}\.\d{4,5}"
    r"|https?://\S+"
    r"|^(CVE-\d{4}-\d+|IEEE 754)")


def test_every_reference_names_a_public_source_in_a_citable_form() -> None:
    bad = [f"{rule.code}: {ref}" for rule in RULES.values() for ref in rule.references
           if not REFERENCE.search(ref)]
    assert bad == []


def test_messages_render_without_unknown_values_or_leftover_braces() -> None:
    bad = []
    for rule in (r for r in RULES.values() if r.when):
        for i, ex in enumerate(rule.examples):
            for f in _lint_example(ex).findings:
                if f.code == rule.code and re.search(r"[{}]|(?:^|[\s(])\?(?=[\s),;:]|$)",
                                                     f.message):
                    bad.append(f"{rule.code} example {i}: {f.message}")
    assert bad == []
