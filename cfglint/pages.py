"""The pages users read about rules and facts, built from the rule files and the fact table.

One rule page serves three places: ``docs/rules/<CODE>.md`` (written by
``tools/gen_docs.py``), the SARIF ``help`` of the rule (markdown and text), and
``cfglint rule CODE`` (text). References written as ``owner/repo:path``,
``owner/repo#N`` or ``arXiv NNNN.NNNNN`` become links to those public sources.
"""

from __future__ import annotations

import re
from typing import Any

from cfglint.engine.catalog import Example, Rule
from cfglint.facts.names import FACTS

_REPO_PATH = re.compile(r"^([\w.-]+/[\w.-]+):(\S+)(.*)$")
_REPO_ISSUE = re.compile(r"^([\w.-]+/[\w.-]+)#(\d+)(.*)$")
_ARXIV = re.compile(r"arXiv (\d{4}\.\d{4,5})")
_URL = re.compile(r"(https?://\S+)")
_FENCE = {"yaml": "yaml", "toml": "toml", "json": "json"}


def _reference_markdown(ref: str) -> str:
    """A reference as markdown, linked where it names a public source."""
    m = _REPO_PATH.match(ref)
    if m:
        repo, path, rest = m.groups()
        return f"[{repo}:{path}](https://github.com/{repo}/blob/HEAD/{path}){rest}"
    m = _REPO_ISSUE.match(ref)
    if m:
        repo, number, rest = m.groups()
        return f"[{repo}#{number}](https://github.com/{repo}/issues/{number}){rest}"
    ref = _ARXIV.sub(lambda a: f"[arXiv {a.group(1)}](https://arxiv.org/abs/{a.group(1)})", ref)
    return _URL.sub(lambda u: f"<{u.group(1)}>", ref)


def _severity_line(rule: Rule) -> str:
    line: str = rule.severity
    if rule.severity_by_family:
        line += " (" + ", ".join(f"{fam}: {sev}" for fam, sev in
                                 rule.severity_by_family.items()) + ")"
    if rule.escalate:
        line += "; some cases are graded differently, as described below"
    return line


def fix_safeties(rule: Rule) -> list[str]:
    """Every fix safety a rule's ``fix:`` chain can produce, in order, without repeats."""
    out: list[str] = []
    spec: Any = rule.fix
    while isinstance(spec, dict):
        for safety in [spec.get("safety"), *(spec.get("safety_by_family") or {}).values()]:
            if safety and safety not in out:
                out.append(str(safety))
        spec = spec.get("otherwise")
    return out


def _facts_table(rule: Rule) -> list[tuple[str, str]]:
    return [("Severity", _severity_line(rule)),
            ("Trainers", ", ".join(rule.families) if rule.families else "all"),
            ("Fix", ", ".join(fix_safeties(rule)) or "none"),
            *([("Supersedes", ", ".join(rule.supersedes) + " (reported as notes on this "
                "finding when both fire for one cause)")] if rule.supersedes else []),
            *([("Tags", ", ".join(rule.tags))] if rule.tags else [])]


def _example(rule: Rule) -> Example | None:
    return next((e for e in rule.examples if rule.code in e.expect), None)


def rule_page(rule: Rule) -> str:
    """The rule's page as markdown."""
    out = [f"# {rule.code}: {rule.name}", "", rule.summary, "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in _facts_table(rule)]
    for title, text in rule.why_sections:
        out += ["", f"## {title or 'Why'}", "", text]
    if rule.params:
        out += ["", "## Parameters", "",
                f"Override them in `[tool.cfglint.params.{rule.code}]`.", "",
                "| name | default |", "|---|---|"]
        out += [f"| `{k}` | `{v!r}` |" for k, v in rule.params.items()]
    ex = _example(rule)
    if ex is not None:
        fence = _FENCE.get(ex.format, "")
        trainer = "" if ex.family in ("auto", "generic") else f"{ex.family} "
        out += ["", "## Example", "", f"This {trainer}config gets {rule.code}:", "",
                f"```{fence}", ex.config.rstrip("\n"), "```"]
        if ex.fixed:
            flag = "--fix --unsafe-fixes" if ex.unsafe else "--fix"
            out += ["", f"`cfglint {flag}` makes it:", "", f"```{fence}",
                    ex.fixed.rstrip("\n"), "```"]
    if rule.references:
        out += ["", "## References", ""]
        out += [f"- {_reference_markdown(r)}" for r in rule.references]
    return "\n".join(out) + "\n"


def rule_text(rule: Rule) -> str:
    """The rule's page as plain text (``cfglint rule CODE``, SARIF ``help.text``)."""
    out = [f"{rule.code} ({rule.name}) — {rule.severity}", "", rule.summary, ""]
    out += [f"{k}: {v}" for k, v in _facts_table(rule)]
    for title, text in rule.why_sections:
        heading = title or "Why"
        out += ["", heading, "-" * len(heading), text]
    if rule.params:
        out += ["", f"Parameters (override in [tool.cfglint.params.{rule.code}])"]
        out += [f"  {k} = {v!r}" for k, v in rule.params.items()]
    if rule.references:
        out += ["", "References"] + [f"  - {r}" for r in rule.references]
    ex = _example(rule)
    if ex is not None:
        out += ["", f"Example ({ex.family}, {ex.format}):", ""]
        out += ["    " + ln for ln in ex.config.rstrip("\n").splitlines()]
        if ex.fixed:
            out += ["", "Fixed:", ""] + ["    " + ln for ln in ex.fixed.rstrip().splitlines()]
    return "\n".join(out) + "\n"


def rules_index(rules: dict[str, Rule]) -> str:
    """docs/rules/README.md: every built-in rule with its severity and fix."""
    out = ["# Rules", "", "One page per rule, generated from `rules/*.yaml` by "
           "`tools/gen_docs.py`; `cfglint rule CODE` prints the same text.", "",
           "| code | name | severity | fix | summary |", "|---|---|---|---|---|"]
    for r in rules.values():
        out.append(f"| [{r.code}]({r.code}.md) | {r.name} | {r.severity} | "
                   f"{', '.join(fix_safeties(r)) or '—'} | {r.summary} |")
    return "\n".join(out) + "\n"


_FACTS_INTRO = """\
# Canonical facts

Rules are written against these trainer-neutral names; each trainer's module in
`cfglint/families/` maps its native keys to them. Every value is what the **trainer** sees,
after its own defaults and rewrites, with its origin: `explicit` (set in the file), `default`
(the trainer's own default), `derived` (computed from other facts; the note shows the
arithmetic) or `mapped` (a value your mapping states; a key your mapping points at is
`explicit`, its note says it was mapped). Anything that cannot be known statically is absent
or unknown, and rules that need it stay silent.

This page is generated from `cfglint/facts/names.py` by `tools/gen_docs.py`.
"""

_FACTS_OUTRO = """\
Values that are strings to the trainer stay strings (BasicSR reads `lr: 1e-4` as `"1e-4"`);
derived facts that need a number are then absent. kohya_ss GUI strings are converted the way
the GUI converts them (`float()`/`int()`, an unreadable value becomes its fallback) and the
fact's note says so.

## Mapping your own keys

A custom training script is linted as `generic`: facts are found by common key names. Map your
own keys in settings, canonical name = dotted key path (`a.b[0].c` for list items):

```toml
[tool.cfglint.mapping]
"lr" = "optim.base_lr"
"ema.decay" = "quality.ema.decay"
"ema.used_for_sampling" = "quality.ema.use_ema_weights_for_inference"
"ema.schedule" = "=constant"   # a value starting with = states what the file cannot
```

Mapped facts replace the ones found by name; a path that does not exist changes nothing.
Rule expressions can also call `ema_init_share(n)` (the starting weights' share of the EMA
after n updates, under `ema.schedule`) and `lr_at(step)` (the scheduled LR at a step).
"""


def facts_page() -> str:
    """docs/facts.md: the canonical fact table."""
    out = [_FACTS_INTRO, "| name | type | meaning |", "|---|---|---|"]
    for f in FACTS:
        kind = f"{f.type}, derived" if f.derived else f.type
        out.append(f"| `{f.name}` | {kind} | {f.meaning} |")
    return "\n".join(out) + "\n\n" + _FACTS_OUTRO
