"""``cfglint review --format text``: the plan for a person to read in a terminal or log."""

from __future__ import annotations

from cfglint.report.common import clean, plural
from cfglint.review.body import SUMMARY_MARKER
from cfglint.review.plan import Plan


def render_text(plan: Plan) -> str:
    lines = [f"cfglint review {plan.base[:7]}..{plan.head[:7]}: {plan.new} new, "
             f"{plan.fixed} fixed, {plan.existing} existing", ""]
    lines.append(f"Inline comments: {len(plan.comments)}")
    for c in plan.comments:
        where = f"{c.path}:{c.start_line}-{c.line}" if c.start_line else f"{c.path}:{c.line}"
        extra = "  [suggestion]" if "suggestion\n" in c.body else ""
        lines.append(f"  {where}  {c.code} [{c.severity}] {clean(c.message)}{extra}")
    lines += ["", f"Threads to resolve: {plural(len(plan.resolve), 'fixed finding')}"]
    lines += [f"  {fp}" for fp in plan.resolve]
    lines += ["", "Summary comment:", ""]
    lines += ["  " + ln if ln else "" for ln in plan.summary.replace(SUMMARY_MARKER, "")
              .strip().splitlines()]
    return clean("\n".join(lines)) + "\n"
