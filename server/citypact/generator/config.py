"""What to generate: sizes, seed, namespace, and the sizes that give a wanted number of triples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from citypact.namespaces import ENTITY_KINDS

SYNTHETIC_NS = "https://w3id.org/citypact/synthetic/id/"
"""Where generated entities live by default: ``{SYNTHETIC_NS}{kind}/{slug}``."""


DATASET_IRI = "https://w3id.org/citypact/synthetic/dataset"
"""The dataset node that marks the generated data as synthetic."""


FIRST_TENURE = date(2001, 1, 1)


FIRST_AGREEMENT = date(2005, 1, 1)


LAST_AGREEMENT = date(2025, 6, 30)
"""Agreements are dated up to here (never in the future, which a shape forbids)."""


# The entity kinds the generator writes (a subset of namespaces.ENTITY_KINDS), each bound
# to a prefix in the output.
KINDS = tuple(
    k for k in ENTITY_KINDS if k not in {"sector", "challenge", "quotation", "claim", "event"}
)


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. ``cities`` and ``agreements`` set the size; the rest its texture."""

    cities: int = 1000
    agreements: int = 4000
    seed: int = 1
    namespace: str = SYNTHETIC_NS
    provinces_per_city: float = 0.08
    agreements_per_partnership: float = 1.6
    hub_exponent: float = 0.6
    """Zipf exponent of how often a place is drawn as a partner (higher: stronger hubs). At 0.6
    the busiest place has about 60 times the mean number of partnerships (300 of 5,000 places'
    10,000 at a million triples), near the ratio of real twinning networks; 1.0 gives hubs with
    a thousand partnerships."""
    sector_count_exponent: float = 1.5
    """Power-law exponent of the number of sectors (1 to 8) an agreement commits to."""
    signed_share: float = 0.6
    """Share of agreements whose signatories are recorded."""
    wikidata_share: float = 0.5

    def __post_init__(self) -> None:
        if self.cities < 2:
            raise ValueError("at least 2 cities are needed for a partnership")
        if self.agreements < 1:
            raise ValueError("at least 1 agreement is needed")
        if not self.namespace.endswith(("/", "#")):
            raise ValueError("the namespace must end with '/' or '#'")


TRIPLES_PER_CITY = 62.0


TRIPLES_PER_AGREEMENT = 42.6
"""Measured (see bench/README.md): triples ≈ 62 × cities + 42.6 × agreements (each agreement
brings its share of partnerships, signatures, commitments and sources)."""


def sizes_for_triples(triples: int, agreements_per_city: int = 4) -> tuple[int, int]:
    """(cities, agreements) with ``agreements_per_city`` agreements per city that give about
    ``triples`` triples."""
    per_city = TRIPLES_PER_CITY + agreements_per_city * TRIPLES_PER_AGREEMENT
    cities = max(2, round(triples / per_city))
    return cities, cities * agreements_per_city
