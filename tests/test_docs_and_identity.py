"""What users install and open: the distribution name in every install hint, generated pages
that match their sources, canonical fact names, links only where settings name a site, and
schemas an editor can use from a local file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from cli_helpers import BASICSR, ROOT, run_cfglint, run_json

import cfglint
from cfglint.engine.catalog import load_rules
from cfglint.engine.expr import names_in
from cfglint.facts.names import CANONICAL, FACTS
from cfglint.families import family_from_schema_ref
from cfglint.settings import SettingsError, load_settings_file
from tools.gen_docs import stale_pages

RULES = load_rules()



# --- identity -----------------------------------------------------------------------------


def test_the_distribution_is_named_in_pyproject_and_the_command_stays_cfglint() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == cfglint.DISTRIBUTION == "cfglint-ml"
    assert project["scripts"] == {"cfglint": "cfglint.launch:main"}
    assert "urls" not in project  # no address the project does not serve


def test_every_install_hint_names_the_distribution_not_the_pypi_cfglint() -> None:
    from cfglint.probe.optim import MissingExtra

    message = str(MissingExtra("bitsandbytes", "probe-8bit", "optimizer 'adamw8bit'"))
    assert "pip install 'cfglint-ml[probe-8bit]'" in message
    hints = [text for path in (ROOT / "cfglint").rglob("*.py")
             for text in re.findall(r"pip install[^\n\"]*", path.read_text(encoding="utf-8"))]
    hints += re.findall(r"pip install[^\n`]*", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert hints
    assert [h for h in hints if re.search(r"\bcfglint\[", h)] == []


# --- generated pages and the fact table ---------------------------------------------------


def test_generated_rule_pages_and_fact_table_are_up_to_date() -> None:
    # on failure: run `python tools/gen_docs.py` and commit docs/
    assert stale_pages(ROOT / "docs") == []


def _rule_fact_names() -> dict[str, set[str]]:
    """Fact names each rule reads in `when:`, `escalate`, message wordings, `at:` and its fix."""
    out: dict[str, set[str]] = {}
    for rule in RULES.values():
        exprs = [rule.when or "", *(str(e["when"]) for e in rule.escalate),
                 *(v.when for v in rule.messages if v.when)]
        names = {rule.at} if rule.at else set()
        spec = rule.fix
        while isinstance(spec, dict):
            exprs.append(str(spec.get("when") or ""))
            for key, value in (spec.get("set") or {}).items():
                if not key.startswith("optimizer.args."):
                    names.add(key)
                if isinstance(value, str):
                    exprs.append(value)
            spec = spec.get("otherwise")
        for expr in filter(None, exprs):
            names.update(names_in(expr))
        out[rule.code] = {n for n in names if n not in rule.params}
    return out


def test_every_fact_a_rule_reads_or_sets_is_canonical_or_a_parameter() -> None:
    unknown = {code: sorted(names - CANONICAL) for code, names in _rule_fact_names().items()
               if names - CANONICAL}
    assert unknown == {}


def test_every_fact_the_adapters_produce_on_the_rule_examples_is_canonical() -> None:
    from cfglint.families import detect, get_family
    from cfglint.pipeline import build_facts
    from cfglint.settings import Settings
    from cfglint.source.read import parse_text

    produced: set[str] = set()
    for rule in RULES.values():
        for ex in rule.examples:
            doc = parse_text(f"example.{ex.format}", ex.config, ex.format)  # type: ignore[arg-type]
            if doc.problems:
                continue
            fam = get_family(detect(doc, None if ex.family == "auto" else ex.family).family)
            produced |= set(build_facts(doc, fam, Settings()).items)
    assert sorted(produced - CANONICAL) == []
    assert len({f.name for f in FACTS}) == len(FACTS)  # each name listed once


# --- links only where the user serves pages -----------------------------------------------


def test_docs_url_setting_links_each_finding_to_its_rule_page(tmp_path: Path) -> None:
    (tmp_path / "train.yml").write_text(BASICSR, encoding="utf-8")
    (tmp_path / "cfglint.toml").write_text(
        'docs-url = "https://lint.example.org/rules/{code}.html"\n', encoding="utf-8")
    _, [finding] = run_json("--select", "CFG705", "train.yml", cwd=tmp_path)
    assert finding["url"] == "https://lint.example.org/rules/CFG705.html"


@pytest.mark.parametrize("value", ['"https://example.org/rules"', '"example.org/{code}"',
                                   '"https://example.org/{code}/{name}"', "3"])
def test_docs_url_must_be_an_http_url_with_a_code_field(tmp_path: Path, value: str) -> None:
    path = tmp_path / "cfglint.toml"
    path.write_text(f"docs-url = {value}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="docs-url"):
        load_settings_file(str(path))


# --- schemas for editors ------------------------------------------------------------------


def test_schema_output_option_writes_the_schema_an_editor_modeline_can_name(tmp_path):
    proc = run_cfglint("schema", "basicsr", "-o", ".schemas/basicsr.schema.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    written = (tmp_path / ".schemas" / "basicsr.schema.json").read_text(encoding="utf-8")
    assert written == (ROOT / "schemas" / "basicsr.schema.json").read_text(encoding="utf-8")
    # a modeline naming the local file decides the family, whatever the content says
    text = "# yaml-language-server: $schema=.schemas/basicsr.schema.json\nlr: 2e-4\n"
    (tmp_path / "cfg.yaml").write_text(text, encoding="utf-8")
    _, findings = run_json("--select", "CFG705", "cfg.yaml", cwd=tmp_path)
    assert [(f["family"], f["severity"]) for f in findings] == [("basicsr", "error")]


@pytest.mark.parametrize(("ref", "family"), [
    ("urn:cfglint:schema:kohya-gui", "kohya-gui"),
    ("https://cfglint.dev/schemas/sedd.schema.json", "sedd"),  # older files keep working
    (".schemas/ai-toolkit.schema.json", "ai-toolkit"),
    ("C:\\configs\\traiNNer.schema.json", "traiNNer"),
    ("cfglint:hydra", "hydra"),
    ("https://json.schemastore.org/github-workflow.json", None),
    ("generic.schema.json", None),
    ("my-trainer.schema.json", None),
])
def test_schema_references_name_a_family_by_the_schema_name(ref: str, family: str | None):
    assert family_from_schema_ref(ref) == family


def test_every_schema_id_is_a_stable_name_not_an_address() -> None:
    for path in sorted((ROOT / "schemas").glob("*.schema.json")):
        family = path.name.removesuffix(".schema.json")
        assert f'"$id": "urn:cfglint:schema:{family}"' in path.read_text(encoding="utf-8")


# --- the README's pre-commit snippet works as written ---------------------------------------


def _readme_local_hook_config() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## pre-commit", 1)[1]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    return next(b for b in blocks if "repo: local" in b)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_readme_local_pre_commit_hook_fixes_a_config_as_written(tmp_path: Path) -> None:
    config = _readme_local_hook_config()
    assert yaml.safe_load(config)["repos"][0]["hooks"][0]["id"] == "cfglint-fix"
    env = {k: v for k, v in os.environ.items() if k != "CFGLINT_DEBUG"}
    # `language: system` runs the cfglint of the environment: this test's
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(PRE_COMMIT_HOME=str(tmp_path / "home"), GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")
    (tmp_path / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "cfglint.toml").write_text('select = ["CFG705"]\n', encoding="utf-8")
    (tmp_path / "train.yml").write_text(BASICSR, encoding="utf-8")
    for args in (["init", "-q", "."], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, timeout=60)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files",
                               "--color", "never"], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=300, check=False)

    first = run()
    assert first.returncode == 1 and "files were modified" in first.stdout, first.stdout
    assert "lr: 2.0e-4" in (tmp_path / "train.yml").read_text(encoding="utf-8")
    second = run()
    assert second.returncode == 0, second.stdout
