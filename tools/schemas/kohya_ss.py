"""schemas/kohya-gui.schema.json: bmaltais/kohya_ss, its JSON presets and saved configs
(numbers often stored as strings, which the GUI coerces) and its own app-config TOML,
told apart by the app config's section tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.schemas.common import Json, Tree, header, load_descriptions, load_keys
from tools.schemas.nodes import closed_node

SCHEMAS = ["kohya-gui"]
# dropdowns whose value is not restricted to the list (custom values are written by the
# GUI's own presets), and legacy values the GUI converts on load.
FREE_CHOICES = {"caption_extension"}
EXTRA_CHOICES: dict[str, list[Any]] = {"xformers": [True, False]}
# Sections of the GUI app config; a JSON preset never has object values.
APP_SECTIONS = ["model", "folders", "basic", "advanced", "accelerate_launch", "settings"]


def build(data: Path) -> dict[str, Json]:
    presets: dict[str, Json] = load_keys(data, "kohya_ss")["keys"]
    app: dict[str, Json] = load_keys(data, "kohya_ss-app-config")["keys"]

    def extra(path: str, meta: Json) -> set[str]:
        """What the GUI writes and still loads: coerced strings, observed types, null."""
        out = {"null"} | set(meta.get("observed_types_in_corpus") or {})
        if meta.get("load_coercion"):
            out.add("string")
        return out

    def where(meta: Json) -> str:
        guis = meta.get("guis") or []
        return "GUI tabs: " + ", ".join(guis) if guis and len(guis) < 4 else ""

    def tweak(path: str, s: Json) -> None:
        if path in FREE_CHOICES and "enum" in s:
            s["examples"] = [c for c in s.pop("enum") if c is not None]
        if path in EXTRA_CHOICES:
            s["enum"] = s["enum"] + EXTRA_CHOICES[path]
        meta = presets.get(path) or {}
        if meta.get("load_coercion") and "enum" in s:  # the GUI int()/float()s strings
            s["enum"] = s["enum"] + [str(c) for c in s["enum"] if isinstance(c, (int, float))]

    ptree = Tree()
    for path, meta in presets.items():
        ptree.add(path, meta)
    preset = closed_node(ptree, "", presets.get,
                         {"extra_types": extra, "where": where, "tweak": tweak,
                          "desc": load_descriptions(data, "kohya-gui")})
    preset["description"] = "A GUI preset or saved configuration (flat JSON object)."
    atree = Tree()
    for path, meta in app.items():
        atree.add(path, meta)
    appc = closed_node(atree, "", app.get, {})
    appc["description"] = "The GUI's own app config TOML (kohya_gui.py --config)."
    marker = {"anyOf": [{"required": [s], "properties": {s: {"type": "object"}}}
                        for s in APP_SECTIONS]}
    doc = header("kohya-gui", "kohya_ss GUI preset / app config",
                 "bmaltais/kohya_ss: JSON presets and saved configs (numbers often stored as "
                 "strings, which the GUI coerces) or the GUI's app config TOML, told apart by "
                 "its section tables. Unknown keys are ignored on load.", "the kohya_ss GUI")
    return {"kohya-gui": {**doc, "type": "object", "if": marker,
                          "then": {"$ref": "#/$defs/app_config"},
                          "else": {"$ref": "#/$defs/preset"},
                          "$defs": {"preset": preset, "app_config": appc}}}
