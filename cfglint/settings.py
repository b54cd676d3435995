"""Project settings: ``[tool.cfglint]`` in pyproject.toml, or cfglint.toml / .cfglint.toml.

The closest settings file to each linted file wins (searching upwards), like
ruff. Unknown keys are errors with their location, because a misspelled
setting that silently does nothing is exactly the bug cfglint exists to catch.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cfglint.project import SETTINGS_FILES
from cfglint.source.document import Document, Mapping, Scalar, resolve_alias

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

    from cfglint.gpus import Gpu

KNOWN_KEYS = {
    "select", "ignore", "extend-select", "extend-ignore", "fail-on", "exclude", "extend-exclude",
    "force-exclude", "per-file-ignores", "families", "params", "rule-folders", "mapping",
    "max-file-size", "yaml-loader", "family", "output-format", "allow-external-rule-folders",
    "docs-url", "search-space", "target-gpu",
}
SEARCH_SPACE_KEYS = {"trainer", "keys"}
YAML_LOADERS = ("pyyaml", "omegaconf", "ruamel")
SELECTOR_KEYS = ("select", "ignore", "extend-select", "extend-ignore")


class SettingsError(ValueError):
    """A settings file is invalid; the message starts with path:line:col."""


@dataclass
class Settings:
    """The settings that apply to one file: from a settings file, or the defaults."""

    path: str | None = None  # the settings file, or None for defaults
    root: str = "."  # folder the settings apply from (globs are relative to it)
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    fail_on: str = "warning"
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)  # glob → family
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    rule_folders: list[str] = field(default_factory=list)
    # rule folders may lie outside the settings file's folder only when settings say so
    allow_external_rule_folders: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    max_file_size: int = 10 * 1024 * 1024
    yaml_loader: str | None = None
    family: str | None = None
    docs_url: str | None = None  # e.g. "https://example.org/cfglint/rules/{code}.html"
    force_exclude: bool = False  # `exclude` holds for files named on the command line too
    output_format: str | None = None
    # where each key was set (``path:line:col``), for errors found after parsing
    where: dict[str, str] = field(default_factory=dict)
    # search spaces: the trainer their points are linted for, and search name → config key
    search_space: dict[str, Any] = field(default_factory=dict)
    # the GPU the runs are meant for (a name or a compute capability), for precision rules
    target_gpu: Gpu | None = None

    def rule_url(self, code: str) -> str:
        """The page of rule ``code`` where the user serves rule pages, else ""."""
        return self.docs_url.replace("{code}", code) if self.docs_url else ""

    def relpath(self, path: str) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root)).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def family_for(self, path: str) -> str | None:
        rel = self.relpath(path)
        for pattern, fam in self.families.items():
            if _match(rel, pattern):
                return fam
        return self.family

    def ignored_for(self, path: str) -> set[str]:
        rel = self.relpath(path)
        out: set[str] = set()
        for pattern, codes in self.per_file_ignores.items():
            if _match(rel, pattern):
                out.update(codes)
        return out

    def validate_selectors(self, known: list[str]) -> None:
        """Every code in ``select``, ``ignore``, ``extend-select`` and ``per-file-ignores``
        selects at least one rule: a misspelled code that silently selects nothing is the
        kind of mistake cfglint exists to catch."""
        lists = [("select", self.select or []), ("ignore", self.ignore),
                 ("extend-select", self.extend_select)]
        lists += [(f"per-file-ignores.{glob}", codes)
                  for glob, codes in self.per_file_ignores.items()]
        for key, selectors in lists:
            for selector in selectors:
                problem = unknown_selector(selector, known)
                if problem:
                    where = self.where.get(key.split(".")[0], self.path or "settings")
                    raise SettingsError(f"{where}: `{key}`: {problem}")

    def validate_params(self, known: dict[str, set[str]]) -> None:
        """``params.CODE.NAME`` must name a rule and one of its parameters."""
        where = self.path or "settings"
        for code, table in sorted(self.params.items()):
            if code not in known:
                close = _close_matches(code, known)
                hint = f"; did you mean `{close[0]}`?" if close else ""
                raise SettingsError(f"{where}: `params.{code}`: no rule {code}{hint}")
            for name in sorted(table):
                if name not in known[code]:
                    close = _close_matches(name, known[code])
                    hint = f"; did you mean `{close[0]}`?" if close else ""
                    have = ", ".join(sorted(known[code])) or "none"
                    raise SettingsError(f"{where}: `params.{code}.{name}` is not a parameter of "
                                        f"{code} (its parameters: {have}){hint}")

    def excluded(self, path: str) -> bool:
        rel = self.relpath(path)
        return any(_match(rel, p) for p in self.exclude)


def _close_matches(word: str, choices: Iterable[str]) -> list[str]:
    """The closest of ``choices`` to a misspelt ``word``; difflib is imported only here,
    when a name is unknown, so a valid run does not pay for it."""
    import difflib

    return difflib.get_close_matches(word, sorted(choices), n=1)


@lru_cache(maxsize=512)
def _spec(pattern: str) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec  # only runs that have patterns pay for the import

    return GitIgnoreSpec.from_lines([pattern])


def _match(rel: str, pattern: str) -> bool:
    """Whether a '/'-separated path relative to the settings folder matches a glob, with
    .gitignore semantics (as ruff): ``configs/*.json`` stays in ``configs/``, ``/runs`` is
    the top-level ``runs`` only, ``runs/`` any folder named runs, ``**/x`` any depth."""
    return _spec(pattern).match_file(rel)


def code_matches(code: str, selectors: list[str]) -> bool:
    """``CFG7`` selects CFG701..CFG799 (prefix match, like ruff); ``ALL`` selects all.
    Selectors are case-insensitive."""
    code = code.upper()
    return any(s.upper() == "ALL" or code.startswith(s.upper()) for s in selectors)


def unknown_selector(selector: str, known: list[str]) -> str | None:
    """Why ``selector`` selects no rule (with a did-you-mean), or None when it selects one."""
    if code_matches_any(selector, known):
        return None
    from cfglint.spelling import closest

    close = closest(selector, sorted(known), cutoff=0.6)
    hint = f"; did you mean `{close}`?" if close else "; `cfglint rules` lists the codes"
    return f"unknown rule selector `{selector}`{hint}"


def code_matches_any(selector: str, codes: list[str]) -> bool:
    return any(code_matches(code, [selector]) for code in codes)


def _located(doc: Document, node: Any, message: str) -> SettingsError:
    line, col = doc.line_col(node.span.start if node is not None else 0)
    return SettingsError(f"{doc.path}:{line}:{col}: {message}")


def _str_list(doc: Document, node: Any, key: str) -> list[str]:
    from cfglint.source.document import Sequence

    node = resolve_alias(node)
    if isinstance(node, Sequence) and all(isinstance(i, Scalar) and isinstance(i.value, str)
                                          for i in node.items):
        return [str(i.value) for i in node.items if isinstance(i, Scalar)]
    raise _located(doc, node, f"`{key}` must be a list of strings")


def parse_settings(doc: Document, table: Mapping) -> Settings:
    from cfglint.families import FAMILY_NAMES
    from cfglint.source.document import to_python

    s = Settings(path=doc.path, root=str(Path(doc.path).resolve().parent))
    rule_folders_node: Any = None
    for entry in table.entries:
        line, col = doc.line_col(entry.key.span.start)
        s.where[entry.name] = f"{doc.path}:{line}:{col}"
        key, node = entry.name, resolve_alias(entry.value)
        if key not in KNOWN_KEYS:
            import difflib

            close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise _located(doc, entry.key, f"unknown setting `{key}`{hint}")
        value = to_python(node)
        if key in ("select", "ignore", "extend-select", "extend-ignore", "exclude",
                   "extend-exclude", "rule-folders"):
            items = _str_list(doc, node, key)
            if key in SELECTOR_KEYS:
                items = [i.strip().upper() for i in items]
            if key == "select":
                s.select = items
            elif key in ("ignore", "extend-ignore"):
                s.ignore += items
            elif key == "extend-select":
                s.extend_select = items
            elif key in ("exclude", "extend-exclude"):
                s.exclude += items
            else:
                s.rule_folders = [str((Path(s.root) / f).resolve()) for f in items]
                rule_folders_node = node
        elif key == "fail-on":
            if value not in ("error", "warning", "info"):
                raise _located(doc, node, "`fail-on` must be error, warning or info")
            s.fail_on = value
        elif key == "per-file-ignores":
            if not isinstance(value, dict) or not all(
                    isinstance(v, list) and all(isinstance(c, str) for c in v)
                    for v in value.values()):
                raise _located(doc, node, "`per-file-ignores` maps globs to lists of codes")
            s.per_file_ignores = {glob: [c.strip().upper() for c in codes]
                                  for glob, codes in value.items()}
        elif key in ("families", "family"):
            pairs = value if key == "families" else {"": value}
            if not isinstance(pairs, dict):
                raise _located(doc, node, "`families` maps globs to family names")
            for glob, fam in pairs.items():
                if fam not in FAMILY_NAMES:
                    raise _located(doc, node, f"unknown family `{fam}`; known: "
                                   f"{', '.join(FAMILY_NAMES)}")
                if key == "family":
                    s.family = fam
                else:
                    s.families[glob] = fam
        elif key == "params":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise _located(doc, node, "`params` maps rule codes to tables of parameters")
            s.params = value
        elif key == "mapping":
            if not isinstance(value, dict) or not all(
                    isinstance(v, str) for v in value.values()):
                raise _located(doc, node, "`mapping` maps canonical fact names to key paths")
            s.mapping = value
        elif key == "max-file-size":
            if not isinstance(value, int) or value <= 0:
                raise _located(doc, node, "`max-file-size` must be a positive number of bytes")
            s.max_file_size = value
        elif key == "allow-external-rule-folders":
            if not isinstance(value, bool):
                raise _located(doc, node, "`allow-external-rule-folders` must be true or false")
            s.allow_external_rule_folders = value
        elif key == "docs-url":
            s.docs_url = _docs_url(doc, node, value)
        elif key == "force-exclude":
            if not isinstance(value, bool):
                raise _located(doc, node, "`force-exclude` must be true or false")
            s.force_exclude = value
        elif key == "output-format":
            from cfglint.report import FORMATS

            if value not in FORMATS:
                raise _located(doc, node, f"`output-format` must be one of {', '.join(FORMATS)}")
            s.output_format = value
        elif key == "search-space":
            s.search_space = _search_space(doc, node, value, FAMILY_NAMES)
        elif key == "target-gpu":
            from cfglint.gpus import parse_gpu

            try:
                s.target_gpu = parse_gpu(value)
            except ValueError as err:
                raise _located(doc, node, str(err)) from None
        elif key == "yaml-loader":
            if value not in YAML_LOADERS:
                raise _located(doc, node, f"`yaml-loader` must be one of {', '.join(YAML_LOADERS)}")
            s.yaml_loader = value
    if s.rule_folders and not s.allow_external_rule_folders:
        _check_rule_folders(doc, rule_folders_node, s)
    return s


def _check_rule_folders(doc: Document, node: Any, s: Settings) -> None:
    """Rule folders stay inside the project (the settings file's folder): a repository's
    settings must not make cfglint read files elsewhere on the machine."""
    root = os.path.realpath(s.root)
    for folder in s.rule_folders:
        real = os.path.realpath(folder)
        if os.path.commonpath([real, root]) != root:
            raise _located(doc, node, f"rule folder {folder} is outside the project ({root}); "
                           "set `allow-external-rule-folders = true` to allow it")
def _docs_url(doc: Document, node: Any, value: Any) -> str:
    """An absolute http(s) URL template with a `{code}` field and no other field."""
    import re
    from urllib.parse import urlsplit

    if not isinstance(value, str):
        raise _located(doc, node, "`docs-url` must be a string")
    fields = set(re.findall(r"\{([^{}]*)\}", value))
    parts = urlsplit(value.replace("{code}", "CFG001"))
    if fields != {"code"} or parts.scheme not in ("http", "https") or not parts.netloc:
        raise _located(doc, node, "`docs-url` must be an http(s) URL with a `{code}` field, "
                       "e.g. \"https://example.org/cfglint/rules/{code}.html\"")
    return value


def _search_space(doc: Document, node: Any, value: Any,
                  families: tuple[str, ...]) -> dict[str, Any]:
    """``[search-space]``: ``trainer`` (a trainer family) and ``keys`` (search name →
    config key), for search spaces whose code does not say where values go."""
    if not isinstance(value, dict):
        raise _located(doc, node, "`search-space` is a table with `trainer` and `keys`")
    extra = sorted(set(value) - SEARCH_SPACE_KEYS)
    if extra:
        raise _located(doc, node, f"unknown `search-space` setting `{extra[0]}`; known: "
                       f"{', '.join(sorted(SEARCH_SPACE_KEYS))}")
    trainer = value.get("trainer")
    if trainer is not None and trainer not in families:
        raise _located(doc, node, f"`search-space.trainer`: unknown family `{trainer}`; known: "
                       f"{', '.join(families)}")
    keys = value.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in keys.items()):
        raise _located(doc, node, "`search-space.keys` maps search names to config keys")
    return {"trainer": trainer, "keys": dict(keys)}


@lru_cache(maxsize=256)
def load_settings_file(path: str) -> Settings | None:
    """Settings from one file, or None when a pyproject.toml has no [tool.cfglint]."""
    from cfglint.source.read import read_path

    if os.path.basename(path) == "pyproject.toml":
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                if "[tool.cfglint" not in fh.read():
                    return None  # most pyproject.toml files: no need to parse them
        except OSError:
            return None
    return settings_from_document(read_path(path, "toml"))


def settings_from_document(doc: Document) -> Settings | None:
    """Settings from a parsed settings file; ``doc.path`` names the file (its folder is the
    root globs are relative to). None when a pyproject.toml has no [tool.cfglint]."""
    if doc.problems:
        raise SettingsError(doc.first_problem())
    root = resolve_alias(doc.root)
    if not isinstance(root, Mapping):
        return None
    if os.path.basename(doc.path) == "pyproject.toml":
        tool = resolve_alias(root.get("tool"))
        table = resolve_alias(tool.get("cfglint")) if isinstance(tool, Mapping) else None
        if not isinstance(table, Mapping):
            return None
        return parse_settings(doc, table)
    return parse_settings(doc, root)


@lru_cache(maxsize=1024)
def settings_for_dir(folder: str) -> Settings:
    """The closest settings file at or above ``folder`` (defaults when none)."""
    current = Path(folder).resolve()
    while True:
        for name in SETTINGS_FILES:
            candidate = current / name
            if candidate.is_file():
                found = load_settings_file(str(candidate))
                if found is not None:
                    return found
        if current.parent == current:
            return Settings(root=str(Path(folder).resolve()))
        current = current.parent


def settings_for(path: str, config: str | None = None) -> Settings:
    """The settings that apply to ``path``: the file named by ``--config`` when given (as
    ruff, it then applies to every file, with globs relative to its folder), else the
    closest settings file at or above the file's folder."""
    if config is not None:
        return load_config(config)
    return settings_for_dir(str(Path(os.path.abspath(path)).parent))


def load_config(path: str) -> Settings:
    """The settings file named by ``--config``; a file that is missing or holds no
    settings is an error, not a silent fallback to defaults."""
    full = os.path.abspath(path)
    if not os.path.isfile(full):
        raise SettingsError(f"{path}: no such settings file (--config)")
    found = load_settings_file(full)
    if found is None:
        raise SettingsError(f"{path}: no [tool.cfglint] table in this pyproject.toml (--config)")
    return found
