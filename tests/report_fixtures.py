"""Small hand-made lint results that every reporter test renders.

Covers what reporters get wrong: a fix with edits, an info finding, a non-ASCII
line, a tab before a value, a path with a space and '#', a code with no rule
file, and a clean file.
"""

from __future__ import annotations

from pathlib import Path

from cfglint.engine.catalog import Rule
from cfglint.findings import Edit, FileResult, Finding, Fix, Severity, make_finding
from cfglint.source.document import Document, KeyPath, Span
from cfglint.source.read import parse_text

SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs"

KOHYA_TOML = (
    'optimizer_type = "AdamW8bit"\n'
    "learning_rate\t=\t2e-4\n"
    "network_dim = 16\n"
)

YAML_TEXT = (
    "model:\n"
    "  name: \"日本語モデル\"  # café\n"
    "  lr: 1e-4\n"
    "train:\n"
    "  steps: 100\n"
)


def span_of(doc: Document, path: KeyPath) -> Span:
    node = doc.find(path)
    assert node is not None, path
    return node.span


def finding(doc: Document, code: str, severity: Severity, message: str, path: KeyPath,
            fix: Fix | None = None, family: str = "generic") -> Finding:
    return make_finding(doc, code, f"name-of-{code.lower()}", severity, message, family,
                        span_of(doc, path), key=path, fix=fix)


def rules() -> dict[str, Rule]:
    return {
        "CFG205": Rule(code="CFG205", name="high-lr-8bit-adam", severity="warning",
                       summary="8-bit Adam state with a high effective learning rate",
                       why_sections=[("What it does",
                                      "8-bit optimizer state loses precision at high LR.\n\n"
                                      "Second paragraph with details.")],
                       when="true", tags=["optimizer", "lr"],
                       fix={"safety": "suggest"}),
        "CFG101": Rule(code="CFG101", name="name-not-ascii", severity="info",
                       summary="Non-ASCII model name", when="true"),
    }


def sample_results() -> list[FileResult]:
    """Three files: kohya TOML with a fixed finding, YAML at an odd path, a clean JSON."""
    toml = parse_text("configs/kohya.toml", KOHYA_TOML, "toml")
    lr = span_of(toml, ("learning_rate",))
    fix = Fix(safety="suggest", message="set learning_rate to 1.2e-4",
              edits=[Edit(lr.start, lr.end, "1.2e-4")], changes=[("learning_rate",)])
    toml_findings = [
        finding(toml, "CFG205", "warning",
                "effective LR 0.0002 on AdamW8bit is above 0.00012", ("learning_rate",),
                fix=fix, family="kohya"),
        finding(toml, "CFG004", "error", "built-in check, no rule file: dim, too small",
                ("network_dim",), family="kohya"),
    ]
    yaml = parse_text("configs/my run #2.yaml", YAML_TEXT, "yaml")
    name = span_of(yaml, ("model", "name"))
    insert_at = span_of(yaml, ("model", "lr")).end
    unsafe = Fix(safety="unsafe", message="quote the name and add a comment",
                 edits=[Edit(name.start, name.start, "'"), Edit(insert_at, insert_at, "  # x")])
    yaml_findings = [
        finding(yaml, "CFG101", "info", "model name has non-ASCII text: 日本語モデル",
                ("model", "name"), fix=unsafe),
        finding(yaml, "CFG300", "error", "steps: 100% of 100, line1\nline2, a:b",
                ("train", "steps")),
    ]
    clean = parse_text("configs/clean.json", '{"lr": 1e-4}\n', "json")
    # deliberately out of order: reporters sort
    return [
        FileResult(doc=yaml, family="generic", findings=list(reversed(yaml_findings)),
                   display_path="configs/my run #2.yaml"),
        FileResult(doc=clean, family="generic", findings=[], display_path="configs/clean.json"),
        FileResult(doc=toml, family="kohya", findings=list(reversed(toml_findings)),
                   display_path="configs/kohya.toml"),
    ]
