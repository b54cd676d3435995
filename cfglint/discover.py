"""Which files a run looks at: explicit paths as given, directories walked.

Directories respect ``.gitignore`` (through ``git ls-files`` when the folder is in a
git work tree, else a walk that reads the ``.gitignore`` files itself), skip tool and
virtual-env folders, files that are never training configs (lock files, package
manifests, editor and CI settings: ``NOT_CONFIG_FILES``/``NOT_CONFIG_FOLDERS``) and
settings' ``exclude``. Files named on the command line are linted as named, like ruff,
unless settings set ``force-exclude``; files pre-commit names skip the never-configs names
too (a local hook needs no ``exclude`` of its own); a name whose suffix is no config format
is never read (it is not parsed as YAML on a guess).

A file is *explicit* when a person named it: not when a folder walk found it, and not
when pre-commit (``PRE_COMMIT=1``) passed it. The pipeline keeps quiet about explicit
files only where the person could not have meant them; about the others it reports
nothing unless they state training settings (``cfglint.pipeline``).

Python files are linted only as search spaces: a walk takes a ``.py`` file only when its
text imports optuna, ray.tune or wandb (checked before anything parses it), and with
``python_search_only`` (what the pre-commit hooks ask for) named ``.py`` files pass the
same test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cfglint.source.read import format_for

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

    from cfglint.settings import Settings

# Folders no walk enters (with or without git), like ruff's default `exclude`.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
                       ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", ".nox", "build",
                       "dist", "site-packages"})

# File names (globs on the name alone) that are never training configs, though they are
# YAML, TOML or JSON: lock files, package manifests, tool, editor and CI settings. One
# regex built from these two lists (`hook_exclude`) is the pre-commit manifest's `exclude`
# and decides for discovery too.
NOT_CONFIG_FILES = (
    # lock files
    "*.lock", "*-lock.json", "*-lock.yaml", "*-lock.yml", "*.lock.json", "*.lock.yaml",
    "npm-shrinkwrap.json",
    # notebooks and package manifests
    "*.ipynb", "package.json", "composer.json", "bower.json", "deno.json", "deno.jsonc",
    "pyproject.toml", "Cargo.toml", "pixi.toml", "Project.toml", "Manifest.toml",
    "environment.yml", "environment.yaml", "meta.yaml", "pubspec.yaml", "Chart.yaml",
    # tool settings
    "tsconfig*.json", "jsconfig*.json", ".eslintrc*", ".prettierrc*", ".stylelintrc*",
    ".babelrc*", "babel.config.json", "biome.json", "biome.jsonc", "turbo.json", "nx.json",
    "lerna.json", "vercel.json", "netlify.toml", "renovate.json", "renovate.json5",
    ".renovaterc*", ".markdownlint*", ".yamllint*", "pyrightconfig.json", "ruff.toml",
    ".ruff.toml", "rustfmt.toml", ".rustfmt.toml", "rust-toolchain.toml", "clippy.toml",
    "taplo.toml", ".taplo.toml", "typos.toml", "_typos.toml", ".typos.toml", "cfglint.toml",
    ".cfglint.toml", "codecov.yml", ".codecov.yml", ".readthedocs.yml", ".readthedocs.yaml",
    "mkdocs.yml", "mkdocs.yaml", "devcontainer.json", ".devcontainer.json",
    # containers and CI
    "docker-compose*.yml", "docker-compose*.yaml", "compose.yml", "compose.yaml",
    "compose.*.yml", "compose.*.yaml", ".pre-commit-config.yaml", ".pre-commit-hooks.yaml",
    ".gitlab-ci.yml", ".travis.yml", "appveyor.yml", ".appveyor.yml", "azure-pipelines.yml",
    "bitbucket-pipelines.yml", ".golangci.yml", ".golangci.yaml",
)
# Folders (by name, at any depth) that hold editor, CI and dev-container settings only.
NOT_CONFIG_FOLDERS = (".github", ".gitlab", ".circleci", ".vscode", ".idea", ".devcontainer",
                      ".husky", ".changeset")


class Target(NamedTuple):
    """A file to lint, whether a person named it (see the module docstring), and the
    folder whose walk found it (None when it was named: --fix never writes through a
    symlink that leaves that folder)."""

    path: str
    explicit: bool = False
    walked: str | None = None


@cache
def _not_config_regex() -> re.Pattern[str]:
    return re.compile(hook_exclude())


def not_a_config(path: str) -> bool:
    """A lock file, package manifest, editor, tool or CI settings file (by name): the
    pre-commit manifest's `exclude`, the same regex, decides for discovery too."""
    return _not_config_regex().search(_relative(path)) is not None


def hook_exclude() -> str:
    """The pre-commit manifest's ``exclude``: the names ``not_a_config`` knows, as a verbose
    regex (pre-commit matches it with ``re.search`` on the '/'-separated path)."""
    names = [_glob_regex(g) for g in NOT_CONFIG_FILES]
    lines, line = [], ""
    for name in names:
        if line and len(line) + len(name) > 88:
            lines.append(line)
            line = ""
        line += name + "|"
    lines.append(line.rstrip("|"))
    folders = "|".join(_escape(d) for d in NOT_CONFIG_FOLDERS)
    body = "".join(f"  {ln}\n" for ln in lines)
    return f"(?x)(^|/)(\n{body})$\n|(^|/)({folders})/\n"


def hook_files() -> str:
    """The pre-commit manifest's ``files`` regex: the suffixes cfglint reads."""
    from cfglint.source.formats import SUFFIXES

    return r"\.(" + "|".join(_escape(s[1:]) for s in sorted(SUFFIXES)) + ")$"


def _escape(text: str) -> str:
    return re.sub(r"([.+^$()\[\]{}|\\])", r"\\\1", text)


def _glob_regex(glob: str) -> str:
    """A name glob as a regex fragment that stays within one path component."""
    out = ""
    for part in re.split(r"(\*|\?)", glob):
        out += {"*": "[^/]*", "?": "[^/]"}.get(part, _escape(part))
    return out


def _relative(path: str) -> str:
    """'/'-separated, relative to the working directory when the path is below it."""
    full = os.path.abspath(path)
    rel = os.path.relpath(full)
    if rel.startswith(".."):
        rel = full.lstrip("/\\")
    return rel.replace(os.sep, "/")


def _git_files(folder: str) -> list[str] | None:
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "-C", folder, "ls-files", "-z", "--cached", "--others", "--exclude-standard",
             "--", "."], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    names = [n for n in proc.stdout.decode("utf-8", "replace").split("\0") if n]
    return [os.path.join(folder, n) for n in names if not set(Path(n).parts[:-1]) & SKIP_DIRS]


class _GitIgnores:
    """``.gitignore`` files read without git: each applies below its own folder, and the
    last matching pattern of the deepest file wins (``!`` re-includes), as in git. Files
    in the walked folder, below it, and above it up to the working directory count."""

    def __init__(self, top: str) -> None:
        top = os.path.abspath(top)
        cwd = os.path.abspath(os.getcwd())
        self.stop = cwd if (top + os.sep).startswith(cwd + os.sep) else top
        self.specs: dict[str, GitIgnoreSpec | None] = {}

    def _spec(self, folder: str) -> GitIgnoreSpec | None:
        if folder not in self.specs:
            spec = None
            try:
                with open(os.path.join(folder, ".gitignore"), encoding="utf-8",
                          errors="replace") as fh:
                    lines = fh.read().splitlines()
                from pathspec import GitIgnoreSpec

                spec = GitIgnoreSpec.from_lines(lines)
            except OSError:
                pass
            self.specs[folder] = spec
        return self.specs[folder]

    def ignored(self, path: str, is_dir: bool) -> bool:
        path = os.path.abspath(path)
        chain = []
        current = os.path.dirname(path)
        while True:
            chain.append(current)
            if current == self.stop or os.path.dirname(current) == current:
                break
            current = os.path.dirname(current)
        verdict = False
        for folder in reversed(chain):
            spec = self._spec(folder)
            if spec is None:
                continue
            rel = Path(os.path.relpath(path, folder)).as_posix() + ("/" if is_dir else "")
            found = spec.check_file(rel).include
            if found is not None:
                verdict = found
        return verdict


def _walk(folder: str) -> list[str]:
    ignores = _GitIgnores(folder)
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                             and not ignores.ignored(os.path.join(dirpath, d), True))
        out += [os.path.join(dirpath, f) for f in sorted(filenames)
                if not ignores.ignored(os.path.join(dirpath, f), False)]
    return out


def _wanted_python(path: str) -> bool:
    from cfglint.space.imports import is_search_space_source

    return is_search_space_source(path)


def _lintable(path: str, search_only: bool) -> bool:
    """Config formats always; a Python file only as a search space when ``search_only``."""
    fmt = format_for(path)
    return fmt is not None and (fmt != "python" or not search_only or _wanted_python(path))


def discover(paths: list[str], settings_of: Callable[[str], Settings], *,
             named_by_person: bool = True, python_search_only: bool = False,
             skipped: Callable[[str], None] | None = None) -> list[Target]:
    """The files to lint, each once, in the order given (folders sorted).

    ``named_by_person`` is False under pre-commit, which names files itself. A named
    file whose suffix is no config format is skipped (``skipped`` hears of it). A walk, or
    ``python_search_only``, takes a Python file only when it is a search space.
    """
    targets: list[Target] = []
    for p in paths:
        if os.path.isdir(p):
            listed = _git_files(p)
            candidates = listed if listed is not None else _walk(p)
            for f in sorted(candidates):
                if (_lintable(f, True) and os.path.isfile(f)
                        and not _excluded(f, settings_of(f))):
                    targets.append(Target(os.path.normpath(f), walked=p))
            continue
        if format_for(p) is None:
            if skipped is not None:
                skipped(p)
            continue
        if not _lintable(p, python_search_only or not named_by_person):
            continue
        settings = settings_of(p)
        if (not named_by_person and not_a_config(p)) or (
                settings.force_exclude and _excluded(p, settings)):
            continue
        targets.append(Target(p, explicit=named_by_person))
    seen: set[str] = set()
    unique = []
    for t in targets:
        key = str(Path(t.path).resolve()) if os.path.exists(t.path) else t.path
        if key not in seen:
            seen.add(key)
            unique.append(t)
    return unique


def _excluded(path: str, settings: Settings) -> bool:
    return not_a_config(path) or settings.excluded(path)


def repository_root(settings: Settings) -> str:
    """The folder report paths are relative to: the git top level of the working
    directory, else the folder of the settings file that applies there, else the
    working directory itself."""
    import subprocess

    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                              timeout=30, check=False)
        if proc.returncode == 0 and proc.stdout.strip():
            return os.path.abspath(proc.stdout.decode("utf-8", "replace").strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    if settings.path is not None:
        return os.path.abspath(settings.root)
    return os.path.abspath(os.getcwd())
