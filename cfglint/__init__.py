"""cfglint: lint and auto-fix machine-learning training configs.

The package root stays import-light on purpose: the check path must not pay for
jsonschema, libcst or torch unless a file needs them (DESIGN §3.7).
"""

__version__ = "0.1.0"
