"""schemas/sedd.schema.json: louaaron/Score-Entropy-Discrete-Diffusion and its forks
(including the protein_lig_sedd curriculum fork), or one of its config-group files.

Every key is optional so group files validate; sections are open because both loaders
(Hydra upstream, yaml.safe_load in the fork) silently ignore unknown keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.schemas.common import Json, Tree, header, load_descriptions, load_keys
from tools.schemas.hydra import accept_interpolations, hydra_defs, hydra_node
from tools.schemas.nodes import OpenBuild

SCHEMAS = ["sedd"]


def build(data: Path) -> dict[str, Json]:
    desc = load_descriptions(data, "sedd")
    tree = Tree()
    for path, entry in _merged(data).items():
        tree.add(path, entry)
    hydra_desc = load_descriptions(data, "hydra")
    overrides = {"defaults": {"$ref": "#/$defs/defaultsList"},
                 "hydra": hydra_node(load_keys(data, "hydra")["keys"], hydra_desc),
                 "curriculum.difficulty_ramp": {"type": "string", "default": "exponential",
                                                "examples": ["linear", "exponential", "cosine"]}}
    sch = OpenBuild(desc, closed=set(), use_notes=True, overrides=overrides).node(tree, "")
    props = sch["properties"]
    # a bare model group file (configs/model/small.yaml) has the model keys at the top
    for key, val in props["model"]["properties"].items():
        if key not in props:
            props[key] = {**val, "description": "Model group file: "
                          + val["description"][0].lower() + val["description"][1:]}
    sch["additionalProperties"] = {"$ref": "#/$defs/instantiable"}
    sch["$defs"] = hydra_defs(hydra_desc)
    sch.update(header(
        "sedd", "SEDD (Score-Entropy Discrete Diffusion) config",
        "Hydra config of louaaron/Score-Entropy-Discrete-Diffusion and its forks (including "
        "the protein_lig_sedd curriculum fork), or one of its config-group files. Every key "
        "is optional so group files validate; sections are open because unknown keys are "
        "silently ignored by both loaders.", "SEDD"))
    return {"sedd": accept_interpolations(sch)}


def _merged(data: Path) -> dict[str, dict[str, Any]]:
    """The upstream and fork inventories as one: upstream's default, both forks' choices."""
    up = load_keys(data, "sedd")
    fork = load_keys(data, "sedd-protein-fork")
    merged: dict[str, dict[str, Any]] = {p: dict(e) for p, e in fork["keys"].items()}
    for path, entry in up["keys"].items():
        if path not in merged:
            merged[path] = dict(entry)
            continue
        e = dict(merged[path])
        ch = sorted(set(e.get("choices") or []) | set(entry.get("choices") or []), key=str)
        if path == "noise.type":
            ch = ["cosine", "geometric", "loglinear"]
        if ch:
            e["choices"] = ch
        e["default"] = entry.get("default")
        e["read_by_code"] = entry.get("read_by_code", True) or e.get("read_by_code")
        if entry.get("note"):
            e["note"] = entry["note"]
        merged[path] = e
    for entry in merged.values():
        entry["required"] = False  # model group files and partial configs are sedd too
    return merged
