"""Inventory tree -> schema, in the two conventions the trainers' loaders call for.

``closed_node``: every object lists its keys and rejects others (argparse namespaces,
dataclasses, voluptuous schemas: ai-toolkit, sd-scripts, kohya_ss, diffusion-pipe,
musubi-tuner). ``open_node``: sections stay open unless named closed, registry-typed
blocks are filled in by the builder (BasicSR, traiNNer-redux, SEDD, Hydra).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tools.schemas.common import (
    ALL_TYPES,
    ANY_KEY,
    ITEMS,
    Json,
    Tree,
    describe,
    header,
)

# --- closed objects -----------------------------------------------------------------------------


def json_types(meta: Json, extra: set[str] | None = None) -> list[str]:
    t = meta.get("type", "any")
    ts = list(ALL_TYPES) if t == "any" else ([t] if isinstance(t, str) else list(t))
    out = [x for x in [*ALL_TYPES, "integer"] if x in set(ts) | (extra or set())]
    if "number" in out and "integer" in out:
        out.remove("integer")
    return out


def one_type(types: list[str]) -> str | list[str]:
    return types[0] if len(types) == 1 else types


MetaOf = Callable[[str], "Json | None"]


def closed_node(tree: Tree, path: str, meta_of: MetaOf, ctx: Json) -> Json:
    """Schema of one inventory node (its own metadata plus its children).

    ``ctx`` may hold ``extra_types(path, meta)``, ``where(meta)``, ``desc`` (own
    descriptions), ``no_enum`` (paths whose choices are only examples) and
    ``tweak(path, schema)`` for a builder's last word on a node."""
    meta = meta_of(path) or {"type": "object" if tree.keys else "array"}
    s: Json = {}
    extra = set(ctx.get("extra_types", lambda p, m: set())(path, meta))
    types = json_types(meta, extra)
    if tree.keys and "object" not in types:
        types.append("object")
    if tree.item is not None and "array" not in types:
        types.append("array")
    s["type"] = one_type(types)
    own = ctx.get("desc", {}).get(path.replace("config.process[].", "").replace(ITEMS, ""))
    s["description"] = own or describe(
        path.split(".")[-1].replace(ITEMS, ""), types, meta.get("default"),
        where=ctx.get("where", lambda m: "")(meta), deprecated=bool(meta.get("deprecated")))
    if tree.keys:
        props = {}
        for name in sorted(tree.keys):
            props[name] = closed_node(tree.keys[name], f"{path}.{name}" if path else name,
                                      meta_of, ctx)
        s["properties"] = props
        if meta.get("open_object"):
            s["x-cfglint-open"] = True
        else:
            s["additionalProperties"] = False
    elif meta.get("open_object") or meta.get("type") == "object":
        s["x-cfglint-open"] = True
    if tree.item is not None:
        s["items"] = closed_node(tree.item, path + ITEMS, meta_of, ctx)
        s["items"].pop("description", None)
        s["items"]["description"] = f"One item of {path.split('.')[-1]}."
    choices = [c for c in meta.get("choices") or [] if c is not None]
    for v in meta.get("variants") or []:
        choices += [c for c in v.get("choices") or [] if c is not None and c not in choices]
    if choices and path not in ctx.get("no_enum", set()):
        s["enum"] = choices + ([None] if "null" in types else [])
    elif meta.get("known_values") or choices:
        s["examples"] = list(meta.get("known_values") or choices)[:12]
    default = meta.get("default")
    if default is not None and not isinstance(default, dict):
        s["default"] = default
    if meta.get("deprecated"):
        s["deprecated"] = True
    ctx.get("tweak", lambda p, sch: None)(path, s)
    return s


# --- open sections --------------------------------------------------------------------------------


def json_type(t: Any) -> Json:
    """Inventory type ("integer", ["string", "null"], "any") -> schema fragment."""
    if t in (None, "any"):
        return {}
    if isinstance(t, list):
        ts = [x for x in t if x != "any"]
        return {"type": ts if len(ts) > 1 else ts[0]} if ts else {}
    return {"type": t}


def nullable(sch: Json) -> Json:
    t = sch.get("type")
    if t is None:
        return sch
    ts = [t] if isinstance(t, str) else list(t)
    if "null" not in ts:
        ts.append("null")
    sch["type"] = ts
    if "enum" in sch and None not in sch["enum"]:
        sch["enum"] = [*sch["enum"], None]
    return sch


def is_registry_type(path: str) -> bool:
    return path.endswith(".type") and (
        path.startswith(("network_", "datasets.", "val.metrics."))
        or re.search(r"^train\.[a-z0-9_]+_opt\.type$", path) is not None)


def leaf_schema(entry: Json, path: str, enforce_choices: bool = True) -> Json:
    sch = json_type(entry.get("type"))
    choices = entry.get("choices")
    if choices and enforce_choices and not is_registry_type(path):
        sch["enum"] = list(choices)
        if None in choices:
            sch = nullable(sch)
    elif choices:
        # a registry's names in full: cfglint tells upstream's names from a repository's
        names = [c for c in choices if c is not None]
        sch["examples"] = names if is_registry_type(path) else names[:5]
    if entry.get("known_values"):
        sch.setdefault("examples", list(entry["known_values"])[:6])
    if entry.get("default") is not None and entry.get("default") != "???":
        sch["default"] = entry["default"]
    if entry.get("deprecated"):
        sch["deprecated"] = True
    if entry.get("aliases"):
        sch["x-cfglint-aliases"] = list(entry["aliases"])
    notes = []
    if entry.get("set_by_code") or entry.get("set_by_hydra"):
        notes.append("set at runtime; a value in the file is overwritten")
    if entry.get("read_by_code") is False:
        notes.append("no code reads this key")
    elif entry.get("read_by_code") == "logging-only":
        notes.append("only logged, not used for training")
    if notes:
        sch["x-cfglint-note"] = "; ".join(notes)
    return sch


class OpenBuild:
    """One open-section build: the family's own descriptions, which levels are closed,
    whether inventory notes may finish a description, and per-path overrides."""

    def __init__(self, desc: dict[str, str], *, closed: set[str], use_notes: bool,
                 overrides: dict[str, Json], required: bool = False) -> None:
        self.desc = desc
        self.closed = closed
        self.use_notes = use_notes
        self.overrides = overrides
        self.required = required  # the inventory's `required` flags become `required`

    def describe(self, path: str, key: str, sch: Json, entry: Json | None) -> str:
        own = self.desc.get(path)
        if own:
            return own
        t = sch.get("type")
        entry = entry or {}
        note = str(entry.get("note") or "") if self.use_notes else ""
        return describe(key, [t] if isinstance(t, str) else list(t or []), entry.get("default"),
                        note=note)

    def node(self, tree: Tree, path: str) -> Json:
        """Schema for the node at ``path`` (without its description)."""
        entry = tree.entry or {}
        if path in self.overrides:
            sch = dict(self.overrides[path])
        else:
            sch = leaf_schema(entry, path) if tree.entry else {}
        if entry.get("open_object"):
            sch["x-cfglint-open"] = True
        kids = tree.keys
        if kids and "type" not in sch:
            sch["type"] = "object"
        if kids:
            props: Json = dict(sch.get("properties", {}))
            required = list(sch.get("required", []))
            for key in sorted(kids):
                child = kids[key]
                cpath = f"{path}.{key}" if path else key
                csch = self.node(child, cpath)
                props[key] = {"description": self.describe(cpath, key, csch, child.entry),
                              **csch}
                if self.required and child.entry and child.entry.get("required") is True:
                    required.append(key)
            sch["properties"] = props
            if required:
                sch["required"] = sorted(set(required))
        if ANY_KEY in tree.children:
            sch.setdefault("type", "object")
            sch["additionalProperties"] = self.node(tree.children[ANY_KEY],
                                                    f"{path}.*" if path else "*")
        elif path in self.closed and not entry.get("open_object"):
            sch["additionalProperties"] = False
        if tree.item is not None:
            sch["items"] = self.node(tree.item, f"{path}.[]")
        return sch


def flattened_config(keys: dict[str, Json], ctx: Json, name: str, title: str, about: str,
                     trainer: str) -> Json:
    """The schema of a kohya-style ``--config_file`` TOML: top-level tables are flattened
    into one argparse namespace, so their names are free and each holds option keys."""
    tree = Tree()
    for path, meta in keys.items():
        tree.add(path, meta)
    props = {key: closed_node(sub, key, keys.get, ctx) for key, sub in sorted(tree.keys.items())}
    return {**header(name, title, about, trainer), "type": "object", "x-cfglint-flatten": True,
            "properties": props, "additionalProperties": {"$ref": "#/$defs/section"},
            "$defs": {"section": {"$ref": "#", "description":
                                  f"A table; {trainer} ignores its name and reads its keys."}}}
