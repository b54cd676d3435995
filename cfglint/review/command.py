"""``cfglint review``: the click command (imported only when it runs)."""

from __future__ import annotations

import os
import sys

import click

from cfglint.pipeline import RunOptions
from cfglint.review.build import ReviewOptions
from cfglint.review.run import ReviewRequest, run


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


@click.command("review", epilog="""\b
Examples:
  cfglint review --base origin/main --dry-run --format json
  cfglint review --post github            (in a pull_request workflow)
  cfglint review --post github --plan plan.json --pr 12   (post a saved plan)
\b
Exit codes: 0 no new finding at or above the fail level; 1 there is one;
2 usage error, git or API failure.""")
@click.option("--base", default=None, metavar="REF",
              help="Base of the change (default: $GITHUB_BASE_REF, else the default branch); "
                   "the merge base with HEAD is used.")
@click.option("--head", default="HEAD", show_default=True, metavar="REF")
@click.option("--dry-run", is_flag=True, help="Print the plan; post nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How the plan is printed (json: the documented contract).")
@click.option("--post", type=click.Choice(["github", "gitlab"]), default=None,
              help="Post the review (token from GITHUB_TOKEN, or GITLAB_TOKEN/CI_JOB_TOKEN).")
@click.option("--plan", "plan_file", type=click.Path(exists=True, dir_okay=False),
              default=None, help="Post this saved plan instead of computing one.")
@click.option("--unsafe-fixes", is_flag=True,
              help="Offer behaviour-changing fixes as suggestions too.")
@click.option("--show-existing", is_flag=True,
              help="List the findings that were already there in the summary.")
@click.option("--probe-results", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="`cfglint probe --format json` output to show in the summary (repeatable).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity of a NEW finding that fails the run (default: settings).")
@click.option("--select", multiple=True, help="Only these codes or prefixes.")
@click.option("--ignore", multiple=True, help="Skip these codes or prefixes.")
@click.option("--repo", "repository", default=None, metavar="OWNER/NAME|PROJECT",
              help="GitHub repository or GitLab project (default: from the CI environment).")
@click.option("--pr", "number", type=int, default=None,
              help="Pull request number or merge request IID (default: from the CI event).")
@click.option("--max-comments", type=click.IntRange(1, 100), default=30, show_default=True,
              help="Inline comments per review; the rest wait in the summary.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False), default=None)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when new findings fail the run.")
def review(base: str | None, head: str, dry_run: bool, fmt: str, post: str | None,
           plan_file: str | None, unsafe_fixes: bool, show_existing: bool,
           probe_results: tuple[str, ...], fail_on: str | None, select: tuple[str, ...],
           ignore: tuple[str, ...], repository: str | None, number: int | None,
           max_comments: int, output_file: str | None, exit_zero: bool) -> None:
    """Review a change: comment new findings on the lines it touches."""
    from cfglint.engine.catalog import RuleFileError
    from cfglint.review.git import GitError
    from cfglint.review.github import PostError
    from cfglint.review.http import HttpError
    from cfglint.settings import SettingsError

    if plan_file and not post:
        raise click.UsageError("--plan needs --post github or --post gitlab")
    options = ReviewOptions(base=base, head=head, unsafe=unsafe_fixes,
                            show_existing=show_existing, probe_results=list(probe_results),
                            run_options=RunOptions(select=_codes(select) or None,
                                                   ignore=_codes(ignore)), fail_on=fail_on)
    request = ReviewRequest(options=options, dry_run=dry_run, fmt=fmt, post=post,
                            plan_file=plan_file, repository=repository, number=number,
                            max_comments=max_comments, output_file=output_file,
                            exit_zero=exit_zero)
    try:
        code = run(request)
    except (GitError, PostError, HttpError, SettingsError, RuleFileError, ValueError) as err:
        if os.environ.get("CFGLINT_DEBUG"):
            raise
        click.echo(f"cfglint: {err}", err=True)
        sys.exit(2)
    sys.exit(code)
