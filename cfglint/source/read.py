"""Bytes on disk → Document: decoding, BOM, size limits, and the format by name.

Everything that makes a file unreadable becomes a located ParseProblem (CFG004
for binary, non-UTF-8 or oversized input), never an exception (DESIGN §3.6).
"""

from __future__ import annotations

from pathlib import PurePath

from cfglint.source.document import Document, Format, ParseProblem

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_EXT: dict[str, Format] = {
    ".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json", ".jsonc": "json",
}


def format_for(path: str) -> Format | None:
    return _EXT.get(PurePath(path).suffix.lower())


def _unreadable(path: str, fmt: Format, message: str, text: str = "") -> Document:
    return Document(path=path, text=text, format=fmt, root=None,
                    problems=[ParseProblem(message, 0, code="CFG004")])


def decode(data: bytes) -> tuple[str | None, bool, str | None]:
    """(text, had_bom, error) for UTF-8 input; binary and other encodings are errors."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    if b"\x00" in data[:8192]:
        return None, bom, "binary file (NUL bytes); not a text config"
    try:
        return data.decode("utf-8"), bom, None
    except UnicodeDecodeError as err:
        return None, bom, (
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "trainers read configs as UTF-8: re-save the file as UTF-8"
        )


def parse_text(path: str, text: str, fmt: Format) -> Document:
    if fmt == "yaml":
        from cfglint.source.yaml_reader import read_yaml

        return read_yaml(path, text)
    if fmt == "toml":
        from cfglint.source.toml_reader import read_toml

        return read_toml(path, text)
    from cfglint.source.json_reader import read_json

    return read_json(path, text)


def read_bytes(path: str, data: bytes, fmt: Format,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    if len(data) > max_bytes:
        return _unreadable(path, fmt, f"file is {len(data) / 1e6:.1f} MB, over the "
                           f"{max_bytes / 1e6:.0f} MB limit (`max-file-size` in settings)")
    text, bom, error = decode(data)
    if text is None:
        return _unreadable(path, fmt, error or "unreadable")
    doc = parse_text(path, text, fmt)
    doc.bom = bom
    return doc


def read_path(path: str, fmt: Format | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              display: str | None = None) -> Document:
    fmt = fmt or format_for(path) or "yaml"
    name = display or path
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        return _unreadable(name, fmt, f"cannot read: {err.strerror or err}")
    if len(data) > max_bytes:
        import os

        size = os.path.getsize(path)
        return _unreadable(name, fmt, f"file is {size / 1e6:.1f} MB, over the "
                           f"{max_bytes / 1e6:.0f} MB limit (`max-file-size` in settings)")
    return read_bytes(name, data, fmt, max_bytes)
