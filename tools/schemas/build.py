"""Generate schemas/<name>.schema.json from the committed inputs in tools/data.

    python tools/schemas/build.py [NAME...] [--check]

Without names, every schema is built. ``--check`` writes nothing and exits 1 when a
committed schema differs from what its builder makes (a stale file or a hand edit).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import ModuleType

if __package__ in (None, ""):  # run as a script: make `tools.schemas` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.schemas import (
    ai_toolkit,
    basicsr,
    diffusion_pipe,
    hydra,
    kohya_ss,
    musubi_tuner,
    onetrainer,
    sd_scripts,
    sedd,
    simpletuner,
    trainner,
)
from tools.schemas.common import DATA, OUT, Json, write_or_check

BUILDERS: tuple[ModuleType, ...] = (ai_toolkit, sd_scripts, kohya_ss, sedd, hydra, basicsr,
                                    trainner, diffusion_pipe, musubi_tuner, onetrainer,
                                    simpletuner)


def builder_of(name: str) -> ModuleType:
    for module in BUILDERS:
        if name in module.SCHEMAS:
            return module
    known = ", ".join(n for m in BUILDERS for n in m.SCHEMAS)
    raise SystemExit(f"unknown schema {name!r}; known: {known}")


def main(argv: list[str] | None = None, data: Path = DATA, out: Path = OUT) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", metavar="NAME", help="schema names (default: all)")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if a generated schema differs from the file on disk")
    args = ap.parse_args(argv)
    names = args.names or [n for m in BUILDERS for n in m.SCHEMAS]
    stale = []
    built: dict[ModuleType, dict[str, Json]] = {}
    for name in names:
        module = builder_of(name)
        if module not in built:
            built[module] = module.build(data)
        if not write_or_check(name, built[module][name], out, args.check):
            stale.append(name)
        elif not args.check:
            print(f"wrote schemas/{name}.schema.json")
    if stale:
        print("stale (run python tools/schemas/build.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
