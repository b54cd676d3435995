"""The committed schemas are what tools/schemas/build.py makes from tools/data."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "tools" / "schemas" / "build.py"


def _tools(module: str) -> ModuleType:
    """A module of tools/schemas (tools/ is not an installed package)."""
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    return importlib.import_module(f"tools.schemas.{module}")


def test_every_committed_schema_is_fresh() -> None:
    done = subprocess.run([sys.executable, str(BUILD), "--check"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_every_committed_schema_has_a_builder() -> None:
    built = {name for module in _tools("build").BUILDERS for name in module.SCHEMAS}
    committed = {p.name.removesuffix(".schema.json") for p in (ROOT / "schemas").glob("*.json")}
    assert committed == built


def test_every_builder_builds_exactly_the_schemas_it_names() -> None:
    data = _tools("common").DATA
    for module in _tools("build").BUILDERS:
        assert sorted(module.build(data)) == sorted(module.SCHEMAS), module.__name__


def test_a_condition_keeps_its_properties_untyped_while_declared_keys_get_any_type() -> None:
    render = _tools("common").render
    schema = {"properties": {"free": {"description": "Any value."}},
              "if": {"properties": {"__version": {"minimum": 1}}}}
    rendered = json.loads(render(schema))
    assert rendered["if"] == schema["if"]
    assert rendered["properties"]["free"]["type"] == _tools("common").ANY_TYPE


def test_check_reports_a_hand_edited_or_missing_schema(tmp_path: Path) -> None:
    main, data = _tools("build").main, _tools("common").DATA
    assert main(["kohya-dataset"], data=data, out=tmp_path) == 0
    assert main(["kohya-dataset", "--check"], data=data, out=tmp_path) == 0
    path = tmp_path / "kohya-dataset.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["title"] = "edited by hand"
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    assert main(["kohya-dataset", "--check"], data=data, out=tmp_path) == 1
    assert main(["kohya", "--check"], data=data, out=tmp_path) == 1


def _described_properties(node: object) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    if isinstance(node, dict):
        for sub in (node.get("properties") or {}).values():
            if isinstance(sub, dict) and sub.get("description"):
                out.append(sub)
        for value in node.values():
            out += _described_properties(value)
    elif isinstance(node, list):
        for item in node:
            out += _described_properties(item)
    return out


def test_every_described_property_has_a_title_and_hover_text_for_editors() -> None:
    for path in sorted((ROOT / "schemas").glob("*.schema.json")):
        props = _described_properties(json.loads(path.read_text(encoding="utf-8")))
        assert props, path.name
        for sub in props:
            assert sub.get("title"), (path.name, sub)
            md = sub.get("markdownDescription")
            assert md is None or str(md).startswith(str(sub["description"])), (path.name, sub)
        if any("default" in s for s in props):
            assert any("Default: `" in str(s.get("markdownDescription")) for s in props), \
                path.name
