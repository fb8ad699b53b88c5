"""Synthetic CityPact data for benchmarks and tests: ``citypact generate``.

The generated graph conforms to the shapes (``shapes/``) and has the shape of the real data
(``data/ttl/``): cities and provinces in real countries, with coordinates, labels in English and
Indonesian or Malay, and (for some) a Wikidata item; one local government per place with one head
post (mayor or governor) held by a chain of officials whose tenures cover every day from 2005 on;
partnerships between governments, whose number per place follows a power law (a few hubs, a long
tail); agreements of every document type within those partnerships, each committing its parties
to one to eight sectors of the bundled sector scheme, signed (for most) by the heads in office on
the signing date; and news articles cited by every partnership, agreement, commitment and tenure.

Everything is written to Turtle as it is made (no rdflib graph is built), so a million triples
take seconds and little memory. The output depends only on the configuration: the same seed gives
a byte-identical file (on the same Python version). Entity IRIs live in their own namespace
(:data:`SYNTHETIC_NS` unless told otherwise), and a dataset node (:data:`DATASET_IRI`) marks the
data as synthetic with ``cp:synthetic true``.

Size: about 62 triples per city and 42.6 per agreement (with its share of partnerships, signatures,
commitments and sources), so ``--cities 1000 --agreements 4000`` gives about 236,000 triples;
:func:`sizes_for_triples` picks the sizes for a wanted number of triples (1M: 4,303 cities and
17,212 agreements).

Modules: :mod:`.config` (sizes), :mod:`.world` (countries and names), :mod:`.model` (what is
generated), :mod:`.sampling` (random draws), :mod:`.turtle` (the writer) and :mod:`.generator`
(the pass that makes and writes everything).

Layer: may import only the package's core modules (namespaces, vocabulary); nothing imports it
but the CLI, the tests and the benchmark.
"""

from citypact.generator.config import DATASET_IRI, SYNTHETIC_NS, GeneratorConfig, sizes_for_triples
from citypact.generator.generator import Generator, generate

__all__ = [
    "DATASET_IRI",
    "SYNTHETIC_NS",
    "Generator",
    "GeneratorConfig",
    "generate",
    "sizes_for_triples",
]
