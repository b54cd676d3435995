"""``cfglint review --post github`` against a fake GitHub that keeps its state across
pushes: one review per run, a sticky summary, no comment twice, fixed threads resolved,
rate limits honoured, and a read-only token falling back to annotations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_forge import READ_ONLY_TOKEN, Reply
from fake_github import NUMBER, FakeGitHub
from review_scenario import BASICSR, KOHYA, Clock, Scenario, scenario

from cfglint.review.build import ReviewOptions
from cfglint.review.github import PostError


@pytest.fixture
def pr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Scenario, FakeGitHub]]:
    s = scenario(tmp_path, monkeypatch)
    gh = FakeGitHub(s.repo.path)
    s.env = gh.env()
    yield s, gh
    gh.close()


def _first_push(s: Scenario, gh: FakeGitHub) -> tuple[str, str]:
    base = s.start({"train/lora.toml": KOHYA.format(steps=2000),
                    "sr/train.yml": BASICSR.format(lr="2.0e-4", wd="0")})
    head = s.push({"train/lora.toml": KOHYA.format(steps=1000),
                   "sr/train.yml": BASICSR.format(lr="2e-4", wd="1e-2")})
    gh.push(base, head)
    return base, head


def test_first_push_posts_one_review_with_every_new_finding_and_a_summary(pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    result = s.review("github", number=NUMBER)
    assert len(gh.reviews) == 1
    review = gh.reviews[0]
    assert review["commit_id"] == gh.head
    codes = sorted(c["body"].split("**")[1] for c in review["comments"])
    assert codes == ["CFG302", "CFG705", "CFG705"]
    [lr] = [c for c in review["comments"] if "`2e-4`" in c["body"]]
    assert "Same cause, also reported by:\n- **CFG002**" in lr["body"]  # one finding
    assert len(gh.summaries()) == 1
    assert "**3 new**" in gh.summaries()[0]["body"]
    assert result.code == 1  # new warnings and errors fail the run by default
    assert gh.schema_errors == []


def test_review_requests_validate_against_githubs_published_schema(pr) -> None:
    s, gh = pr
    if gh.validator is None:
        pytest.skip("../shared/specs/github-pr-review-request.schema.json is absent")
    _first_push(s, gh)
    s.review("github", number=NUMBER)
    assert gh.reviews and gh.schema_errors == []


def test_a_finding_caused_by_a_changed_key_is_commented_on_that_key(pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    s.review("github", number=NUMBER)
    [warmup] = [c for c in gh.reviews[0]["comments"] if "CFG302" in c["body"]]
    assert (warmup["path"], warmup["line"]) == ("train/lora.toml", 8)  # max_train_steps
    assert "`lr_warmup_steps` (line 7)" in warmup["body"]
    assert "`max_train_steps`" in warmup["body"]


def test_a_push_that_fixes_one_finding_resolves_its_thread_and_posts_nothing_twice(pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    s.review("github", number=NUMBER)
    summary_id = gh.summaries()[0]["id"]
    fixed = s.push({"sr/train.yml": BASICSR.format(lr="2e-4", wd="1.0e-2")})
    gh.push(gh.base, fixed)
    s.review("github", number=NUMBER)
    assert len(gh.reviews) == 1  # nothing new: no second review
    resolved = [t for t in gh.threads if t.resolved]
    assert len(resolved) == 1 and all("1e-2" in t.comments[0]["body"] for t in resolved)
    assert all(t.comments[-1]["body"].startswith(f"Fixed in {fixed[:12]}") for t in resolved)
    assert len(gh.threads) == 3  # nothing deleted
    assert [c["id"] for c in gh.summaries()] == [summary_id]  # edited in place
    assert "**2 new**" in gh.summaries()[0]["body"]
    assert len(gh.fingerprints()) == len(set(gh.fingerprints()))


def test_a_rebase_and_force_push_keep_every_comment_and_post_nothing_again(pr) -> None:
    s, gh = pr
    _, head = _first_push(s, gh)
    s.review("github", number=NUMBER)
    before = sorted(gh.fingerprints())
    s.repo.checkout("main")
    s.repo.write("README.md", "docs\n")
    s.repo.write("sr/train.yml", "# a comment that shifts every line\n" + s.repo.read(
        "sr/train.yml"))
    new_base = s.repo.commit("main moves on")
    s.repo.checkout("feature")
    s.repo.git("rebase", "-q", "-X", "theirs", "main")
    s.repo.git("commit", "-q", "--amend", "-m", "rewritten")  # a force-push of new commits
    new_head = s.repo.git("rev-parse", "HEAD")
    assert new_head != head
    gh.push(new_base, new_head)
    s.review("github", number=NUMBER)
    assert len(gh.reviews) == 1
    assert sorted(gh.fingerprints()) == before
    assert not any(t.resolved for t in gh.threads)
    assert len(gh.summaries()) == 1


def test_sixty_findings_are_batched_thirty_per_review_and_the_rest_follow(pr) -> None:
    s, gh = pr
    base = s.start({"train/lora.toml": KOHYA.format(steps=4000)})
    # sixty unknown keys: the modeline keeps a file that is mostly unknown keys kohya's
    extra = "# yaml-language-server: $schema=urn:cfglint:schema:kohya\n" + "".join(
        f"custom_key_{i:02d} = {i}\n" for i in range(60))
    head = s.push({"train/lora.toml": KOHYA.format(steps=4000) + extra})
    gh.push(base, head)
    first = s.review("github", number=NUMBER)
    assert [len(r["comments"]) for r in gh.reviews] == [30]
    assert "30 more new finding(s)" in gh.summaries()[0]["body"]
    s.review("github", number=NUMBER)
    s.review("github", number=NUMBER)
    assert [len(r["comments"]) for r in gh.reviews] == [30, 30]
    assert len(set(gh.fingerprints())) == 60
    assert "more new finding" not in gh.summaries()[0]["body"]
    assert first.code == 1


def test_a_read_only_token_falls_back_to_annotations_and_the_step_summary(
        pr, tmp_path: Path) -> None:
    s, gh = pr
    _first_push(s, gh)
    step_summary = tmp_path / "step-summary.md"
    result = s.review("github", number=NUMBER, env={"GITHUB_TOKEN": READ_ONLY_TOKEN,
                                                    "GITHUB_STEP_SUMMARY": str(step_summary)})
    assert gh.reviews == [] and gh.issue_comments == []
    assert any("cannot write to the pull request (HTTP 403: Resource not accessible by "
               "integration)" in line for line in result.log)
    annotations = [ln for ln in result.out if ln.startswith("::")]
    assert len(annotations) == 3
    assert any(a.startswith("::warning file=train/lora.toml,line=8,") for a in annotations)
    assert "### cfglint review" in step_summary.read_text(encoding="utf-8")
    assert result.code == 1


def test_a_429_with_retry_after_is_honoured_then_the_review_is_posted(pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    gh.fail("POST", r"/reviews$", Reply(429, {"message": "Too Many Requests"},
                                        {"Retry-After": "7"}))
    result = s.review("github", number=NUMBER)
    assert 7.0 in result.sleeps
    assert len(gh.reviews) == 1


def test_a_secondary_rate_limit_backs_off_a_minute_and_a_spent_quota_waits_for_its_reset(
        pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    clock = Clock()
    gh.fail("POST", r"/reviews$", Reply(403, {
        "message": "You have exceeded a secondary rate limit. Please wait a few minutes."}))
    reset = int(clock.now) + 600
    gh.fail("POST", r"/issues/\d+/comments$", Reply(
        403, {"message": "API rate limit exceeded"},
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}))
    result = s.review("github", number=NUMBER, clock=clock)
    assert result.sleeps[0] == 60.0  # the secondary limit, before the review went through
    assert reset < clock.now <= reset + 2  # waited for the quota's reset, not longer
    assert len(gh.reviews) == 1 and len(gh.summaries()) == 1


def test_content_writes_are_spaced_to_stay_under_the_creation_limit(pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    result = s.review("github", number=NUMBER)
    writes = len(gh.writes())
    assert writes == 2  # the review and the summary
    assert sum(result.sleeps) >= (writes - 1) * 1.0


def test_a_review_github_refuses_with_422_leaves_the_findings_in_the_summary(pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    gh.fail("POST", r"/reviews$", Reply(422, {
        "message": "Unprocessable Entity",
        "errors": ["Pull request review thread line must be part of the diff"]}))
    result = s.review("github", number=NUMBER)
    assert gh.reviews == []
    assert "could not be posted" in gh.summaries()[0]["body"]
    assert any("refused the review" in line for line in result.log)


def test_without_permission_to_resolve_the_thread_gets_one_fixed_reply_only(pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    s.review("github", number=NUMBER)
    gh.can_resolve = False
    fixed = s.push({"sr/train.yml": BASICSR.format(lr="2e-4", wd="1.0e-2")})
    gh.push(gh.base, fixed)
    result = s.review("github", number=NUMBER)
    s.review("github", number=NUMBER)
    threads = [t for t in gh.threads if "1e-2" in t.comments[0]["body"]]
    assert len(threads) == 1 and not any(t.resolved for t in threads)
    assert all([c["body"][:9] for c in t.comments[1:]] == ["Fixed in "] for t in threads)
    assert any("contents: write" in line for line in result.log)


def test_outdated_threads_of_findings_still_there_are_left_alone(pr) -> None:
    s, gh = pr
    _first_push(s, gh)
    s.review("github", number=NUMBER)
    moved = s.push({"sr/train.yml": "# moved down\n" + s.repo.read("sr/train.yml")})
    gh.push(gh.base, moved)
    s.review("github", number=NUMBER)
    assert len(gh.threads) == 3 and not any(t.resolved for t in gh.threads)
    assert all(len(t.comments) == 1 for t in gh.threads)


def test_a_fork_plan_made_with_a_read_only_token_is_posted_by_the_trusted_job(
        pr, tmp_path: Path) -> None:
    s, gh = pr
    _first_push(s, gh)
    plan_file = tmp_path / "plan.json"
    untrusted = s.review("github", number=NUMBER, dry_run=True, output_file=str(plan_file),
                         env={"GITHUB_TOKEN": READ_ONLY_TOKEN})
    assert gh.writes() == [] and untrusted.code == 1
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    assert len(plan["comments"]) == 3
    s.review("github", number=NUMBER, plan_file=str(plan_file))
    assert len(gh.reviews) == 1 and len(gh.reviews[0]["comments"]) == 3
    s.review("github", number=NUMBER, plan_file=str(plan_file))
    assert len(gh.reviews) == 1  # the saved plan is deduplicated too


def test_a_saved_plan_is_posted_only_on_the_head_it_reviewed(pr, tmp_path: Path) -> None:
    s, gh = pr
    _first_push(s, gh)
    plan_file = tmp_path / "plan.json"
    s.review(None, dry_run=True, output_file=str(plan_file))
    other = ReviewOptions(base="main", head="f" * 40)
    with pytest.raises(PostError, match="the plan reviews"):
        s.review("github", number=NUMBER, plan_file=str(plan_file), options=other)
    gh.push(gh.base, s.push({"README.md": "a later push\n"}))
    with pytest.raises(PostError, match="refusing to post"):
        s.review("github", number=NUMBER, plan_file=str(plan_file))
    assert gh.writes() == []
