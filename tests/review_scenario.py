"""A pull request to review: a real git repository, a fake forge, and one call of
``cfglint review`` per run with time and output captured (no test ever sleeps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from review_repo import GitRepo

from cfglint.review.build import ReviewOptions
from cfglint.review.run import Io, ReviewRequest, run

KOHYA = (
    'pretrained_model_name_or_path = "stabilityai/stable-diffusion-xl-base-1.0"\n'
    'network_module = "networks.lora"\n'
    "network_dim = 16\n"
    "network_alpha = 8\n"
    "learning_rate = 1e-4\n"
    'lr_scheduler = "cosine"\n'
    "lr_warmup_steps = 600\n"
    "max_train_steps = {steps}\n"
)

BASICSR = (
    "name: sr\n"
    "model_type: SRModel\n"
    "network_g:\n"
    "  type: RRDBNet\n"
    "  num_in_ch: 3\n"
    "  num_out_ch: 3\n"
    "train:\n"
    "  optim_g:\n"
    "    type: Adam\n"
    "    lr: {lr}\n"
    "    weight_decay: {wd}\n"
    "  total_iter: 100000\n"
)


class Clock:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def time(self) -> float:
        return self.now


@dataclass
class Outcome:
    code: int
    out: list[str]
    log: list[str]
    sleeps: list[float]

    @property
    def stdout(self) -> str:
        return "\n".join(self.out)


@dataclass
class Scenario:
    repo: GitRepo
    monkeypatch: pytest.MonkeyPatch
    env: dict[str, str] = field(default_factory=dict)

    def start(self, files: dict[str, str]) -> str:
        """A main branch with ``files`` and a feature branch for the pull request."""
        for path, text in files.items():
            self.repo.write(path, text)
        sha = self.repo.commit("base")
        self.repo.checkout("feature", new=True)
        return sha

    def push(self, files: dict[str, str | None], message: str = "change") -> str:
        for path, text in files.items():
            if text is None:
                self.repo.remove(path)
            else:
                self.repo.write(path, text)
        return self.repo.commit(message)

    def review(self, post: str | None = None, *, dry_run: bool = False, fmt: str = "json",
               number: int | None = None, clock: Clock | None = None,
               env: dict[str, str] | None = None, **kwargs: Any) -> Outcome:
        options = kwargs.pop("options", None) or ReviewOptions(base="main")
        for name in ("GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH", "GITHUB_BASE_REF",
                     "GITLAB_TOKEN", "CI_JOB_TOKEN", "GITHUB_TOKEN"):
            self.monkeypatch.delenv(name, raising=False)
        for k, v in {**self.env, **(env or {})}.items():
            self.monkeypatch.setenv(k, v)
        clock = clock or Clock()
        out: list[str] = []
        log: list[str] = []
        io = Io(out=out.append, log=log.append, sleep=clock.sleep, clock=clock.time)
        request = ReviewRequest(options=options, dry_run=dry_run, fmt=fmt, post=post,
                                number=number, cwd=str(self.repo.path), **kwargs)
        return Outcome(run(request, io), out, log, clock.sleeps)


def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scenario:
    return Scenario(GitRepo(tmp_path / "repo"), monkeypatch)
