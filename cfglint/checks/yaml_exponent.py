"""CFG705: a dot-less exponent (``1e-4``) is a string to YAML 1.1 loaders.

PyYAML's float resolver needs a dot (and a signed exponent), so ``lr: 1e-4``
reaches BasicSR's optimizer as the string "1e-4" and traiNNer-redux's strict
decoder rejects it. ai-toolkit and OmegaConf add a resolver that reads it as a
float: there the trainer reads the value correctly and nothing is reported, unless
the rule's ``portability`` parameter asks for notes for files shared between
loaders. Settings' ``yaml-loader`` says which loader reads a generic file; it never
overrides a known trainer's loader. ``1.0e-4`` is the same float under every
loader, which makes the fix safe.
"""

from __future__ import annotations

from collections.abc import Iterable

from cfglint.engine.context import CheckContext
from cfglint.findings import Edit, Finding, Fix
from cfglint.source.yaml_dialect import DOTLESS_EXPONENT, EXPONENT_MARK


def dotted(raw: str) -> str:
    """``1e-4`` → ``1.0e-4``; ``-5E3`` → ``-5.0E3``."""
    for i, ch in enumerate(raw):
        if ch in "eE":
            return raw[:i] + ".0" + raw[i:]
    return raw


def run(ctx: CheckContext) -> Iterable[Finding]:
    doc = ctx.doc
    if doc.format != "yaml" or not EXPONENT_MARK.search(doc.text):
        return  # a scalar's raw text is the file's: without the mark, no scalar has it
    family = ctx.family
    severity = ctx.rule.severity_for(family.name)
    reads_float = family.yaml_dialect != "yaml11"
    loader = ctx.settings.yaml_loader if not family.loader_known else None
    if loader == "pyyaml":
        severity, reads_float = "error", False
    elif loader in ("omegaconf", "ruamel"):
        reads_float = True
    if reads_float:
        if not ctx.params.get("portability", False):
            return  # the trainer reads a float: nothing to act on
        severity = "info"
    for s in doc.scalars():
        if s.style != "plain" or s.tag is not None or not DOTLESS_EXPONENT.match(s.raw):
            continue
        new = dotted(s.raw)
        fix = Fix("safe", f"write `{new}`, a float under YAML 1.1 and 1.2 alike",
                  [Edit(s.span.start, s.span.end, new)], changes=[s.path])
        if reads_float:
            message = (f"`{s.raw}` is a float to {family.loader} but the string '{s.raw}' to "
                       f"PyYAML and other YAML 1.1 loaders; `{new}` reads the same everywhere")
        else:
            message = (f"`{s.raw}` is the string '{s.raw}' to {family.loader}, not a number; "
                       f"write `{new}`")
        yield ctx.finding(s.span, message, s.path, fix, severity=severity)
