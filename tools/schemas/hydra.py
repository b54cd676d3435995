"""schemas/hydra.schema.json: any Hydra app's primary config or config-group option.

Application keys are free; the defaults list grammar, the structured ``hydra:`` node
and the instantiate keys (``_target_``, ...) are checked. The pieces here are shared
with the SEDD schema (SEDD configs are Hydra configs).
"""

from __future__ import annotations

from pathlib import Path

from tools.schemas.common import Json, Tree, ci_enum, header, load_descriptions, load_keys
from tools.schemas.nodes import OpenBuild

SCHEMAS = ["hydra"]
SWEEP_NOTE = ("values may be interpolations (${...}), ??? or sweep syntax; those are not "
              "type-checked")
DEFAULTS_KEY = r"^(?:(?:optional|override)\s+){0,2}[^\s]+$"
# structured dataclass levels of the hydra node: unknown keys fail composition
CLOSED = {"hydra", "hydra.run", "hydra.sweep", "hydra.job", "hydra.job.config",
          "hydra.job.config.override_dirname", "hydra.help", "hydra.hydra_help",
          "hydra.runtime", "hydra.overrides"}


def build(data: Path) -> dict[str, Json]:
    keys = load_keys(data, "hydra")["keys"]
    desc = load_descriptions(data, "hydra")
    defs = hydra_defs(desc)
    inst = defs["instantiable"]["properties"]
    sch: Json = header(
        "hydra", "Hydra application config",
        "A primary config or config-group option of a Hydra app. Application keys are free; "
        "cfglint checks the defaults list grammar, the structured `hydra:` node and the types "
        "of the instantiate keys (_target_, _partial_, _recursive_, _convert_, _args_).",
        "Hydra", rejects_unknown=True)
    sch["properties"] = {
        "defaults": {"description": desc["defaults"], "$ref": "#/$defs/defaultsList"},
        "hydra": {"description": desc["hydra"], **hydra_node(keys, desc)},
        **inst,
    }
    sch["additionalProperties"] = {"$ref": "#/$defs/instantiable"}
    sch["items"] = {"$ref": "#/$defs/instantiable"}
    sch["$defs"] = defs
    return {"hydra": accept_interpolations(sch)}


# OmegaConf resolves `${...}` (anywhere in a string) and `???` (a mandatory value) when the
# app reads the key, so such a string stands for a value of any type; cfglint's engine skips
# them itself (x-cfglint-interpolation), other validators need the alternative spelled out.
INTERPOLATION: Json = {
    "description": "An OmegaConf interpolation (${...}) or a mandatory value (???), resolved "
                   "when the app reads the key.",
    "type": "string", "pattern": r"\$\{|^\?\?\?$", "x-cfglint-interpolation": True}
_VALIDATION = ("type", "enum", "const", "pattern", "x-cfglint-enum-ci", "minimum", "maximum",
               "exclusiveMinimum", "exclusiveMaximum", "items", "prefixItems", "minItems",
               "maxItems")
_SUBSCHEMAS = ("properties", "patternProperties", "$defs")


def accept_interpolations(schema: Json) -> Json:
    """Let every scalar that would reject a string also take an interpolation or ``???``."""
    schema["$defs"]["interpolation"] = INTERPOLATION
    return _walk(schema)


def _walk(node: object) -> object:
    if isinstance(node, list):
        return [_walk(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in _SUBSCHEMAS and isinstance(v, dict):
            out[k] = {name: _leaf(_walk(sub)) for name, sub in v.items()}
        elif k in ("additionalProperties", "items") and isinstance(v, dict):
            out[k] = _leaf(_walk(v))
        else:
            out[k] = _walk(v)
    return out


def _leaf(sch: object) -> object:
    """``{type: integer, ...}`` -> ``{anyOf: [{type: integer, ...}, interpolation]}``."""
    if not isinstance(sch, dict) or sch.get("x-cfglint-interpolation"):
        return sch
    if set(sch) & {"properties", "additionalProperties", "$ref", "anyOf", "allOf", "oneOf"}:
        return sch
    t = sch.get("type")
    types = [t] if isinstance(t, str) else list(t or [])
    takes_strings = "string" in types and not set(sch) & {"enum", "const", "pattern",
                                                          "x-cfglint-enum-ci"}
    if not types or takes_strings or types in (["object"], ["array"]):
        return sch
    rule = {k: v for k, v in sch.items() if k in _VALIDATION}
    rest = {k: v for k, v in sch.items() if k not in _VALIDATION}
    return {**rest, "anyOf": [rule, {"$ref": "#/$defs/interpolation"}]}


def hydra_defs(desc: dict[str, str]) -> dict[str, Json]:
    """The defaults list and the instantiate keys, as ``$defs``."""
    option = {"description": "Option(s) chosen for the group: a config name, null, or a list "
                             "of names.",
              "type": ["string", "null", "array"], "items": {"type": "string"}}
    return {
        "defaultsList": {
            "description": "A Hydra defaults list.",
            "type": "array",
            "items": {"$ref": "#/$defs/defaultsItem"},
            "x-cfglint-note": "each mapping element must have exactly one key (Hydra: 'Too "
                              "many keys in default item')",
        },
        "defaultsItem": {
            "description": "_self_, a config path (group/option, /abs, name@pkg), or a "
                           "one-key mapping `[optional|override] group[@pkg]: option`.",
            "type": ["string", "object"],
            "pattern": r"^\S+$",
            "propertyNames": {"pattern": DEFAULTS_KEY},
            "additionalProperties": option,
        },
        "instantiable": {
            "description": "Any value; mappings may carry Hydra's instantiate keys.",
            "properties": {
                "_target_": {"description": desc["_target_"], "type": "string"},
                "_partial_": {"description": desc["_partial_"], "type": "boolean",
                              "default": False},
                "_recursive_": {"description": desc["_recursive_"], "type": "boolean",
                                "default": True},
                "_convert_": {"description": desc["_convert_"],
                              **ci_enum(["none", "partial", "object", "all"]),
                              "default": "none"},
                "_args_": {"description": desc["_args_"], "type": "array"},
            },
            "additionalProperties": {"$ref": "#/$defs/instantiable"},
            "items": {"$ref": "#/$defs/instantiable"},
        },
    }


def hydra_node(hydra_keys: dict[str, Json], desc: dict[str, str]) -> Json:
    """The strict ``hydra:`` node from the Hydra inventory."""
    tree = Tree()
    for path, entry in hydra_keys.items():
        if path.startswith("hydra.") or path == "hydra":
            tree.add(path, entry)
    # launcher/sweeper keys depend on the selected (possibly third-party) plugin: open
    overrides: dict[str, Json] = {
        "hydra.defaults": {"$ref": "#/$defs/defaultsList"},
        "hydra.launcher": {"type": ["object", "null"], "x-cfglint-open": True},
        "hydra.sweeper": {"type": ["object", "null"], "x-cfglint-open": True},
        "hydra.sweeper.params": {"type": ["object", "null"], "x-cfglint-open": True,
                                 "x-cfglint-note": SWEEP_NOTE},
        "hydra.hydra_logging": {"type": ["object", "null"], "x-cfglint-open": True},
        "hydra.job_logging": {"type": ["object", "null"], "x-cfglint-open": True},
        "hydra.verbose": {"type": ["boolean", "string", "array"], "default": False},
    }
    # plugin sub-trees (launcher, sweeper) keep their types but are not closed
    build = OpenBuild(desc, closed=CLOSED, use_notes=True, overrides=overrides)
    return build.node(tree.children["hydra"], "hydra")
