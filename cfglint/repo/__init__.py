"""The repository a config lives in, read statically: the names its own code registers in
a trainer's open registries, and the modules it holds.

Families declare their open registries (``declare``); the schema engine asks ``check``
about the values that name an entry, and only then is the repository found (``root``),
walked within bounds (``index``) and its Python files parsed with ``ast`` (``pyfacts``).
Nothing found in a repository is ever imported or run.
"""
