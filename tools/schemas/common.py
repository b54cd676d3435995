"""What every schema builder shares: inputs, the key tree, descriptions, rendering, writing.

A builder module (one per trainer, ``tools/schemas/<trainer>.py``) exposes ``SCHEMAS``,
the schema names it writes, and ``build(data) -> {name: schema}``; ``build.py`` runs
them and writes ``schemas/<name>.schema.json`` or checks that the files are fresh.
Inputs live in ``tools/data``: key inventories extracted from each trainer's source
(``keys/<inventory>.json``) and our own one-line descriptions of the keys that matter
most (``keys/<schema>.descriptions.json``). Help texts are never copied.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tools" / "data"
OUT = ROOT / "schemas"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID = "urn:cfglint:schema:{}"  # a name, not a URL: the project serves no schema site
ALL_TYPES = ["string", "number", "boolean", "array", "object", "null"]

Json = dict[str, Any]


# --- inputs -------------------------------------------------------------------------------

def load_keys(data: Path, inventory: str) -> Json:
    """A key inventory (``tools/data/keys/<inventory>.json``)."""
    with open(data / "keys" / f"{inventory}.json", encoding="utf-8") as fh:
        out: Json = json.load(fh)
    return out


def load_descriptions(data: Path, schema: str) -> dict[str, str]:
    """Our own one-liners for a schema's main keys (path -> text)."""
    path = data / "keys" / f"{schema}.descriptions.json"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as fh:
        out: dict[str, str] = json.load(fh)
    return out


# --- words ----------------------------------------------------------------------------------

def ci_pattern(word: str) -> str:
    """A portable (ECMA-262 and Python) regex matching ``word`` in any case, without
    inline flags (editors use ECMA regex)."""
    out = []
    for ch in word:
        if ch.isalpha() and ch.lower() != ch.upper():
            out.append(f"[{ch.upper()}{ch.lower()}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def ci_enum(words: list[str]) -> Json:
    """Case-insensitive choices: the cfglint annotation (the engine enforces it)."""
    return {"type": "string", "x-cfglint-enum-ci": list(words)}


def humanize(key: str) -> str:
    words = re.sub(r"[_\-]+", " ", key).strip()
    return words[:1].upper() + words[1:] if words else key


TYPE_WORDS = {"integer": "an integer", "number": "a number", "string": "a string",
              "boolean": "a boolean", "array": "a list", "object": "a mapping",
              "null": "null"}


def type_words(types: list[str]) -> str:
    """``["string", "null"]`` -> "a string"; every type -> "any value"."""
    named = [t for t in types if t != "null"]
    if set(named) >= {"string", "number", "boolean", "array", "object"}:
        return "any value"
    return " or ".join(TYPE_WORDS.get(t, t) for t in named)


_LONGEST_DEFAULT = 60  # longer defaults stay in `default` only


def describe(key: str, types: list[str], default: Any = None, *, where: str = "",
             deprecated: bool = False, note: str = "") -> str:
    """One line for a key we wrote no description for: its name, type and default, where
    it applies, and the first sentence of an inventory note."""
    text = humanize(key)
    kind = type_words(types)
    if kind:
        nullable = "null" in types and kind != "any value"
        text += f" ({kind}{', may be null' if nullable else ''})"
    shown = json.dumps(default, ensure_ascii=False)
    if default is not None and default != "???" and len(shown) <= _LONGEST_DEFAULT:
        text += f"; default {shown}"
    if where:
        text += f"; {where}"
    if deprecated:
        text += "; deprecated"
    if note:
        text += ": " + first_sentence(note)[:160].rstrip(".")
    return text + "."


# What a value becomes, for trainers that convert values (int(), float(), str(), a truth
# test) rather than check their type.
VALUE_WORDS = {"integer": "a whole number", "number": "a number", "boolean": "true or false",
               "string": "text"}


def describe_converted(key: str, words: str, default: Any = None, *,
                       nullable: bool = False) -> str:
    """One line for a key of a trainer that converts values (OneTrainer, SimpleTuner): its
    name, what its value becomes (``words``) and its default, however long."""
    text = humanize(key) + (f" ({words})" if words else "")
    if nullable:
        text += ", may be null"
    if default not in (None, "", [], {}):
        text += f"; default {json.dumps(default)}"
    return text + "."


def first_sentence(note: str) -> str:
    note = " ".join(note.split())
    m = re.match(r"(.+?[.;])(\s|$)", note)
    s = m.group(1).rstrip(";") if m else note
    return s if s.endswith(".") else s + "."


# --- the key tree ---------------------------------------------------------------------------

ITEMS = "[]"  # child name of a list's items
ANY_KEY = "*"  # child name of a mapping whose keys the user chooses


def split_path(path: str) -> list[str]:
    """``a.b[].c`` / ``a.[].c`` -> ``[a, b, [], c]``; ``*`` stays a part of its own."""
    parts: list[str] = []
    for seg in path.split("."):
        arrays = 0
        while seg.endswith(ITEMS) and seg != ITEMS:
            seg, arrays = seg[:-2], arrays + 1
        parts.append(seg)
        parts += [ITEMS] * arrays
    return parts


class Tree:
    """Inventory key paths as nested nodes; ``[]`` children are list items, ``*`` children
    stand for any key of a mapping. The first entry added for a path is kept."""

    def __init__(self) -> None:
        self.entry: Json | None = None
        self.children: dict[str, Tree] = {}

    def add(self, path: str, entry: Json) -> None:
        node = self
        for part in split_path(path):
            node = node.children.setdefault(part, Tree())
        if node.entry is None:
            node.entry = entry

    @property
    def item(self) -> Tree | None:
        return self.children.get(ITEMS)

    @property
    def keys(self) -> dict[str, Tree]:
        """Named children (not list items, not the any-key child)."""
        return {k: v for k, v in self.children.items() if k not in (ITEMS, ANY_KEY)}

    def find(self, path: str) -> Tree | None:
        node: Tree | None = self
        for part in split_path(path):
            node = node.children.get(part) if node else None
        return node


# --- documents and rendering -----------------------------------------------------------------

def header(name: str, title: str, description: str, trainer: str,
           rejects_unknown: bool = False) -> Json:
    out: Json = {"$schema": DRAFT, "$id": ID.format(name), "title": title,
                 "description": description, "x-cfglint-trainer": trainer}
    if rejects_unknown:
        out["x-cfglint-unknown-keys"] = "rejected"
    return out


KEY_ORDER = ["$schema", "$id", "title", "description", "markdownDescription",
             "x-cfglint-trainer",
             "x-cfglint-unknown-keys", "type", "required", "default",
             "examples", "deprecated", "x-cfglint-aliases", "x-cfglint-open",
             "x-cfglint-enum-ci", "x-cfglint-note", "enum", "const", "pattern"]
_NAMED = ("properties", "patternProperties", "$defs")


def order(sch: Any) -> Any:
    """Stable, readable key order (header first, $defs last); names keep their order."""
    if isinstance(sch, list):
        return [order(x) for x in sch]
    if not isinstance(sch, dict):
        return sch
    keys = sorted(sch, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else
                  len(KEY_ORDER) + (1 if k == "$defs" else 0))
    out = {}
    for k in keys:
        v = sch[k]
        out[k] = {pk: order(pv) for pk, pv in v.items()} if k in _NAMED else order(v)
    return out


# A key the trainer accepts but whose type its source does not pin down (an unannotated
# keyword argument, a value set at runtime): say so explicitly rather than leave it untyped.
ANY_TYPE = list(ALL_TYPES)
_TYPED = {"type", "$ref", "allOf", "anyOf", "oneOf", "const", "enum"}


def with_explicit_types(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _typed_member(k, v) for k, v in node.items()}
        props = out.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                if isinstance(sub, dict) and not set(sub) & _TYPED:
                    props[name] = {"type": ANY_TYPE, **sub}
        return out
    if isinstance(node, list):
        return [with_explicit_types(v) for v in node]
    return node


def _typed_member(key: str, value: Any) -> Any:
    """A condition (``if``) tests values and declares no key: it stays as written."""
    if key == "if":
        return value
    if key in _NAMED and isinstance(value, dict):
        return {name: with_explicit_types(sub) for name, sub in value.items()}
    return with_explicit_types(value)


# --- editor hovers ------------------------------------------------------------------------------

ACRONYMS = {"lr": "LR", "ema": "EMA", "gpu": "GPU", "gpus": "GPUs", "vae": "VAE", "te": "TE",
            "te1": "TE1", "te2": "TE2", "unet": "UNet", "lora": "LoRA", "lokr": "LoKr",
            "fp8": "FP8", "fp16": "FP16", "bf16": "BF16", "fp32": "FP32", "nf4": "NF4",
            "snr": "SNR", "t5": "T5", "t5xxl": "T5-XXL", "clip": "CLIP", "llm": "LLM",
            "cfg": "CFG", "json": "JSON", "toml": "TOML", "url": "URL", "id": "ID",
            "dit": "DiT", "cpu": "CPU", "sd": "SD", "sdxl": "SDXL", "xl": "XL", "ar": "AR",
            "hf": "HF", "ddp": "DDP", "amp": "AMP", "onnx": "ONNX", "gui": "GUI"}
_MAX_CHOICES = 16


def title(key: str) -> str:
    """A property's short label: its name in words, acronyms spelled as people write them."""
    words = [w for w in re.split(r"[_\-\s]+", key) if w]
    if not words:
        return key
    out = [ACRONYMS.get(w.lower(), w) for w in words]
    if out[0] == words[0]:
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


def markdown(sch: Json) -> str | None:
    """The hover text: the description, then the default and the choices when known."""
    parts = [str(sch["description"])]
    default = sch.get("default")
    if default is not None and "default" not in parts[0].lower():
        shown = json.dumps(default, ensure_ascii=False)
        if len(shown) <= _LONGEST_DEFAULT:
            parts.append(f"Default: `{shown}`")
    choices = sch.get("enum") or sch.get("x-cfglint-enum-ci")
    if choices:
        listed = ", ".join(f"`{json.dumps(c, ensure_ascii=False)}`"
                           for c in choices[:_MAX_CHOICES])
        more = f", … ({len(choices)} in all)" if len(choices) > _MAX_CHOICES else ""
        case = " (any case)" if "x-cfglint-enum-ci" in sch and "enum" not in sch else ""
        parts.append(f"One of {listed}{more}{case}.")
    if sch.get("deprecated"):
        parts.append("Deprecated.")
    text = "\n\n".join(parts)
    return text if len(parts) > 1 or "`" in text else None


def for_editors(node: Any) -> Any:
    """Give every described property a ``title`` and, where it says more than the plain
    ``description`` (code, a default, the choices), a ``markdownDescription``."""
    if isinstance(node, list):
        return [for_editors(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: for_editors(v) for k, v in node.items()}
    props = out.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            if isinstance(sub, dict) and sub.get("description"):
                sub.setdefault("title", title(name))
                md = markdown(sub)
                if md:
                    sub["markdownDescription"] = md
    return out


def render(schema: Json) -> str:
    """The one JSON style of every committed schema."""
    finished = order(for_editors(with_explicit_types(schema)))
    return json.dumps(finished, indent=2, ensure_ascii=False) + "\n"


def write_or_check(name: str, schema: Json, out: Path, check: bool) -> bool:
    """Write ``out/<name>.schema.json``, or with ``check`` say whether it is fresh."""
    text = render(schema)
    path = out / f"{name}.schema.json"
    if check:
        return path.is_file() and path.read_text(encoding="utf-8") == text
    path.write_text(text, encoding="utf-8")
    return True
