"""cfglint: lint and auto-fix machine-learning training configs.

The package root stays import-light on purpose: the check path must not pay for
jsonschema, libcst or torch unless a file needs them.
"""

__version__ = "0.1.0"

# The distribution name on PyPI. `cfglint` there is an unrelated project, so cfglint is
# published as cfglint-ml; the command and the import package stay `cfglint`.
DISTRIBUTION = "cfglint-ml"


def install_hint(extra: str) -> str:
    """The pip command that installs one of cfglint's optional extras."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"
