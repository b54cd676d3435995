"""schemas/ai-toolkit.schema.json: ostris/ai-toolkit job files (run.py).

Process keys depend on the process ``type``: each type gets the keys its class reads
(``process_types`` in the inventory), switched by ``if type == ...``.
"""

from __future__ import annotations

from pathlib import Path

from tools.schemas.common import Json, Tree, ci_pattern, header, load_descriptions, load_keys
from tools.schemas.nodes import MetaOf, closed_node, json_types

SCHEMAS = ["ai-toolkit"]
PREFIX = "config.process[]."
# process keys every process type tolerates: `device` is written by every shipped example;
# trainers that use accelerate's device ignore it harmlessly.
COMMON_PROCESS_KEYS = {"type", "device"}
# keys whose value the trainer lowercases and then rejects when unknown.
ENUM_CI = {"train.optimizer"}


def build(data: Path) -> dict[str, Json]:
    inv = load_keys(data, "ai-toolkit")
    keys: dict[str, Json] = inv["keys"]
    desc = load_descriptions(data, "ai-toolkit")

    def meta_of(path: str) -> Json | None:
        m = keys.get(path)
        if m is None:
            return None
        if m.get("default") is None and "null" not in json_types(m):
            m = {**m, "type": [*json_types(m), "null"]}
        return m

    def tweak(path: str, s: Json) -> None:
        if path.replace(PREFIX, "") in ENUM_CI:
            # ai-toolkit (toolkit/optimizer.py) lowers the name and matches some by prefix:
            # any "prodigy..." builds Prodigy (or Prodigy8bit), "dadaptation...lion/adam"
            # builds a DAdapt optimizer; every other name must match exactly
            s["if"] = {"pattern": "^(" + ci_pattern("prodigy") + "|" + ci_pattern("dadaptation")
                       + ".*(" + ci_pattern("lion") + "|" + ci_pattern("adam") + ")$)"}
            s["else"] = {"x-cfglint-enum-ci": inv["enums"]["optimizer"]}
            s.pop("examples", None)

    ctx = {"tweak": tweak, "no_enum": {PREFIX + "type"}, "desc": desc}
    top, proc = Tree(), Tree()
    for path, meta in keys.items():
        if path.startswith(PREFIX):
            proc.add(path[len(PREFIX):], meta)
        elif path != "config.process":
            top.add(path, meta)
    defs = _process_defs(proc, keys, meta_of, ctx)
    root = closed_node(top, "", meta_of, ctx)
    root["properties"]["config"]["properties"]["process"] = {
        "type": "array", "description": desc["config.process"],
        "items": {"$ref": "#/$defs/process"}}
    root.pop("description", None)
    root["properties"]["job"].pop("default", None)
    body = {k: v for k, v in root.items() if k != "type"}
    doc = header("ai-toolkit", "ai-toolkit job config",
                 "ostris/ai-toolkit YAML/JSON job files (run.py). Unknown keys are "
                 "silently ignored by the trainer; process keys depend on `type`.",
                 "ai-toolkit")
    return {"ai-toolkit": {**doc, "type": "object", **body, "$defs": defs}}


def _process_defs(proc: Tree, keys: dict[str, Json], meta_of: MetaOf, ctx: Json) -> Json:
    """One definition per process key, one closed object per process type."""
    defs: Json = {}
    for name, sub in sorted(proc.keys.items()):
        defs[f"process.{name}"] = closed_node(sub, PREFIX + name, meta_of, ctx)
    branches = []
    types = sorted({t for m in keys.values() for t in m.get("process_types") or []})
    for t in types:
        props = {}
        for name in sorted(proc.keys):
            m = keys.get(PREFIX + name) or {}
            if t in (m.get("process_types") or []) or name in COMMON_PROCESS_KEYS:
                props[name] = {"$ref": f"#/$defs/process.{name}",
                               "description": defs[f"process.{name}"]["description"]}
        defs[f"process_type.{t}"] = {"type": "object", "properties": props,
                                     "additionalProperties": False}
        branches.append({"if": {"properties": {"type": {"const": t}}, "required": ["type"]},
                         "then": {"$ref": f"#/$defs/process_type.{t}"}})
    defs["process"] = {
        "type": "object",
        "description": "One process; the keys it reads depend on its `type`.",
        "properties": {"type": {"$ref": "#/$defs/process.type",
                                "description": defs["process.type"]["description"]}},
        "allOf": branches,
    }
    return defs
