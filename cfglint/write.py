"""Write a fixed file: atomically (temp file in the same folder, then rename), keeping the
file mode, following symlinks to their target, keeping a BOM, and never touching a file whose
text did not change."""

from __future__ import annotations

import os
import stat

from cfglint.fix import encode


def write_atomic(path: str, text: str, bom: bool = False) -> bool:
    """Write ``text`` over ``path`` atomically; False when the bytes would not change."""
    target = os.path.realpath(path)
    data = encode(text, bom)
    try:
        with open(target, "rb") as fh:
            if fh.read() == data:
                return False
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o644
    import tempfile

    folder = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(prefix=".cfglint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True
