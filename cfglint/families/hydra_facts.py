"""Facts of a generic Hydra app config (lightning-hydra-template, fairseq, ...).

Hydra has no fixed schema, so facts are found by common names exactly as for the
generic family, but with OmegaConf's typing of scalars (``1e-4`` is a float) and
skipping Hydra's own ``hydra:`` block, the ``defaults`` list and sweeper ``params``
(sweep grammar, not values). Composition of config groups is not done here
(DESIGN §7): only what the file itself says.
"""

from __future__ import annotations

from cfglint.facts.model import Facts
from cfglint.families import generic_facts
from cfglint.source.document import Document


def facts(doc: Document, family: str) -> Facts:
    return generic_facts.facts(doc, family)
