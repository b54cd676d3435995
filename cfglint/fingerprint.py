"""Line-independent identity of a finding, shared by every tool that tracks findings
across commits: SARIF ``partialFingerprints``, the GitLab Code Quality ``fingerprint``
and the review bot's hidden comment markers.

A fingerprint hashes the rule, the file, the key path and the message with numbers
blanked, never a line number, so a finding keeps its identity when lines move above it
and when the value it quotes changes.
"""

from __future__ import annotations

import hashlib
import re

from cfglint.findings import Finding

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def normalise_message(message: str) -> str:
    """The message with numbers blanked and whitespace collapsed, for fingerprints."""
    return " ".join(_NUMBER.sub("#", message).lower().split())


def finding_hash(f: Finding, path: str) -> str:
    data = "\0".join((f.code, path, f.key_text, normalise_message(f.message)))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def numbered(digests: list[str]) -> list[str]:
    """Digests made unique in order: the first of a kind keeps its digest, repeats in the
    same file get ``:2``, ``:3``... (two findings with the same rule, key and message)."""
    seen: dict[str, int] = {}
    out = []
    for d in digests:
        seen[d] = seen.get(d, 0) + 1
        out.append(d if seen[d] == 1 else f"{d}:{seen[d]}")
    return out
