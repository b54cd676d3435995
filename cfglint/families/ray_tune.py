"""Ray Tune search spaces in Python (``tune.loguniform``, ``tune.choice``... in a config
dict), with hyperopt's ``hp.*`` spaces that Ray's HyperOptSearch takes.

Claimed on its imports (``from ray import tune``) plus a sampling call; read statically
by ``cfglint.space.ray``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from cfglint.facts.model import Facts
from cfglint.families.base import CERTAIN, Family
from cfglint.source.document import Document

if TYPE_CHECKING:
    import re

    from cfglint.space.model import Space


@cache
def _sampler() -> re.Pattern[str]:
    """Compiled on the first Python file only: YAML checks never pay for it."""
    import re

    return re.compile(r"\btune\.(?:q?(?:log)?uniform|q?(?:log)?randint|q?randn|choice|"
                      r"grid_search|sample_from)\(")


class RayTune(Family):
    name: ClassVar[str] = "ray-tune"
    formats: ClassVar[tuple[str, ...]] = ("python",)
    loader: ClassVar[str] = "Ray Tune (the space is read from the code, never run)"

    def detect(self, doc: Document) -> float:
        from cfglint.space.imports import search_libraries

        if doc.format != "python" or "ray.tune" not in search_libraries(doc.text):
            return 0.0
        return CERTAIN if _sampler().search(doc.text) else 0.0

    def facts(self, doc: Document) -> Facts:
        return Facts(self.name)

    def space(self, doc: Document) -> Space:
        from cfglint.space.ray import read_ray

        return read_ray(doc)

    def view(self, doc: Document) -> Any:
        return self.space(doc).view()
