"""Ship the top-level schemas/ and rules/ folders inside the wheel as cfglint/_data/.

Metadata lives in pyproject.toml; this only adds the folder mapping, which the
declarative configuration cannot combine with automatic package discovery.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["cfglint", "cfglint.*"]), "cfglint._data.schemas",
              "cfglint._data.rules"],
    package_dir={"cfglint._data.schemas": "schemas", "cfglint._data.rules": "rules"},
    package_data={"cfglint": ["py.typed"], "cfglint._data.schemas": ["*.json", "*.md"],
                  "cfglint._data.rules": ["*.yaml"]},
)
