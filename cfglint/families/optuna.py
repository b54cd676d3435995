"""Optuna search spaces in Python (``trial.suggest_*`` in an objective).

Claimed on a suggest call plus its imports (``import optuna``), or plus the name of
Optuna where another library runs it; read statically by
``cfglint.space.optuna`` (nothing is imported or run). A space states no single training
setting, so its facts are empty; the space rules read the space itself, and the trainer
the space feeds is linted through points of the space (``cfglint.space.points``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from cfglint.facts.model import Facts
from cfglint.families.base import CERTAIN, STRONG, Family
from cfglint.source.document import Document

if TYPE_CHECKING:
    import re

    from cfglint.space.model import Space


@cache
def _suggest() -> re.Pattern[str]:
    """Compiled on the first Python file only: YAML checks never pay for it."""
    import re

    return re.compile(r"\.suggest_(?:float|int|categorical|uniform|loguniform|discrete_uniform)\(")


class Optuna(Family):
    name: ClassVar[str] = "optuna"
    formats: ClassVar[tuple[str, ...]] = ("python",)
    loader: ClassVar[str] = "Optuna (the space is read from the code, never run)"

    def detect(self, doc: Document) -> float:
        from cfglint.space.imports import search_libraries

        if doc.format != "python" or not _suggest().search(doc.text):
            return 0.0
        if "optuna" in search_libraries(doc.text):
            return CERTAIN
        # a space handed to another library's Optuna backend (transformers'
        # ``hyperparameter_search(backend="optuna")``) names Optuna without importing it
        return STRONG if "optuna" in doc.text else 0.0

    def facts(self, doc: Document) -> Facts:
        return Facts(self.name)

    def space(self, doc: Document) -> Space:
        from cfglint.space.optuna import read_optuna

        return read_optuna(doc)

    def view(self, doc: Document) -> Any:
        return self.space(doc).view()
