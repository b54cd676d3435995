"""How each YAML loader types a plain scalar.

The same text means different things to different trainers (formats.md §0.4):
PyYAML's SafeLoader (YAML 1.1) reads ``1e-4`` as the string "1e-4" and ``010``
as 8; OmegaConf and ai-toolkit's loader add a float resolver that accepts
dot-less exponents; a YAML 1.2 core-schema loader reads ``010`` as 10 and
``yes`` as a string. Facts must carry the value the trainer will see.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

Dialect = Literal["yaml11", "yaml11-float", "yaml12"]


# PyYAML's implicit resolvers (YAML 1.1 as PyYAML implements it).
_BOOL_11 = re.compile(
    r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_FLOAT_11 = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
    r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
    r"|[-+]?\.(?:inf|Inf|INF)"
    r"|\.(?:nan|NaN|NAN))$"
)
# OmegaConf's and ai-toolkit's replacement float resolver: optional exponent sign,
# dot-less exponents accepted.
_FLOAT_11_FIXED = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
    r"|\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
    r"|[-+]?\.(?:inf|Inf|INF)"
    r"|\.(?:nan|NaN|NAN))$"
)
_INT_11 = re.compile(
    r"^(?:[-+]?0b[0-1_]+"
    r"|[-+]?0[0-7_]+"
    r"|[-+]?(?:0|[1-9][0-9_]*)"
    r"|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"
)
_NULL_11 = re.compile(r"^(?:~|null|Null|NULL|)$")

# YAML 1.2 core schema.
_NULL_12 = _NULL_11
_BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_12 = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_12 = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)

DOTLESS_EXPONENT = re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$")
# what a text has somewhere when a scalar of it is a dot-less exponent (a search for the
# letter first: a large file is searched in milliseconds)
EXPONENT_MARK = re.compile(r"[eE](?<=[0-9_][eE])")


def _sexagesimal(text: str) -> float:
    sign = -1 if text.startswith("-") else 1
    parts = [float(p) for p in text.lstrip("+-").split(":")]
    value = 0.0
    for p in parts:
        value = value * 60 + p
    return sign * value


def _int_11(text: str) -> int:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    if t == "0":
        return 0
    if t.startswith("0b"):
        return sign * int(t[2:], 2)
    if t.startswith("0x"):
        return sign * int(t[2:], 16)
    if ":" in t:  # base 60 in whole numbers, as PyYAML computes it (a float overflows)
        value = 0
        for part in t.split(":"):
            value = value * 60 + int(part)
        return sign * value
    if t.startswith("0"):
        return sign * int(t, 8)
    return sign * int(t)


def _float_text(text: str) -> float:
    t = text.replace("_", "")
    low = t.lower()
    if low.endswith(".inf"):
        return -math.inf if t.startswith("-") else math.inf
    if low.endswith(".nan"):
        return math.nan
    if ":" in t:
        return _sexagesimal(t)
    return float(t)


# What the resolvers above decide without a regex: the words they match whole (null and
# bool), and the first characters a number can start with; any other text is a string.
WORDS_12: dict[str, Any] = {word: None for word in ("", "~", "null", "Null", "NULL")}
WORDS_12.update({word: word.lower() == "true"
                  for word in ("true", "True", "TRUE", "false", "False", "FALSE")})
_WORDS_11: dict[str, Any] = {word: None for word in ("", "~", "null", "Null", "NULL")}
_WORDS_11.update({word: word.lower() in ("yes", "true", "on") for word in (
    "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF")})
NUMBER_STARTS = frozenset("0123456789+-.")


def resolve_plain(text: str, dialect: Dialect) -> Any:
    """The Python value a loader of ``dialect`` gives an untagged plain scalar."""
    # a config has a million scalars: most are told apart by a word or their first
    # character (a text ending in a line break, which ``$`` matches before, goes the long way)
    if text[-1:] != "\n":
        words = WORDS_12 if dialect == "yaml12" else _WORDS_11
        if text in words:
            return words[text]
        if text[0] not in NUMBER_STARTS:
            return text
    return _resolve(text, dialect)


def _resolve(text: str, dialect: Dialect) -> Any:
    """``resolve_plain`` by the resolvers' regular expressions."""
    if dialect == "yaml12":
        if _NULL_12.match(text):
            return None
        if _BOOL_12.match(text):
            return text.lower() == "true"
        if _INT_12.match(text):
            if text.startswith("0o"):
                return int(text[2:], 8)
            if text.startswith("0x"):
                return int(text[2:], 16)
            return int(text)
        if _FLOAT_12.match(text):
            return _float_text(text)
        return text
    if _NULL_11.match(text):
        return None
    if _BOOL_11.match(text):
        return text.lower() in ("yes", "true", "on")
    if _INT_11.match(text):
        try:
            return _int_11(text)
        except ValueError:
            return text
    float_re = _FLOAT_11_FIXED if dialect == "yaml11-float" else _FLOAT_11
    if float_re.match(text):
        try:
            return _float_text(text)
        except ValueError:
            return text
    return text


_TAG = "tag:yaml.org,2002:"


def resolve_tagged(text: str, tag: str, dialect: Dialect) -> Any:
    """Value of an explicitly tagged scalar (``!!float "5e-5"`` is a float everywhere)."""
    name = tag[len(_TAG) :] if tag.startswith(_TAG) else None
    try:
        if name == "str":
            return text
        if name == "float":
            return _float_text(text)
        if name == "int":
            return _int_11(text) if dialect != "yaml12" else int(text.replace("_", ""), 0)
        if name == "bool":
            return text.lower() in ("yes", "true", "on")
        if name == "null":
            return None
    except ValueError:
        return text
    return text
