"""The terminal conventions a command-line tool owes its users: colour only where it is
wanted (``--color``, ``NO_COLOR``, ``FORCE_COLOR``, ``TERM=dumb``), and output that never
dies on a console that cannot encode a character (cp1252 pipes on Windows).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from typing import TextIO

COLOR_CHOICES = ("auto", "always", "never")


def use_color(choice: str, stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """``always``/``never`` decide; ``auto`` follows NO_COLOR (no-color.org), then
    FORCE_COLOR (force-color.org), then TERM=dumb, then whether ``stream`` is a terminal.
    NO_COLOR wins over FORCE_COLOR: a user who asked for none gets none."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def safe_streams() -> None:
    """Make stdout and stderr write characters their encoding lacks as escapes (``α`` →
    ``\\u03b1``) instead of raising: a report is still readable on a cp1252 pipe."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")


def write_out(text: str) -> None:
    """Standard output for a command's report, flushed (a pipe sees each part at once)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def write_err(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()
