"""The HTTP face of each capability: one router per resource, each thin.

A router validates input, calls one capability (a named query of the store, the submission
service, the linked-data describer, a page builder of :mod:`citypact.web`, the extractor) and
shapes the answer: :mod:`~citypact.routers.api` (REST), :mod:`~citypact.routers.sparql` (the
SPARQL 1.1 protocol), :mod:`~citypact.routers.submissions`, :mod:`~citypact.routers.
linked_data` (entity IRIs, /dataset, /dumps, /ontology), :mod:`~citypact.routers.extraction`
(/review and /api/extract) and the page routers (:mod:`~citypact.routers.home_pages`,
:mod:`~citypact.routers.entity_pages`, :mod:`~citypact.routers.map_pages`,
:mod:`~citypact.routers.question_pages`). Response models live in :mod:`~citypact.routers.models`.

Layer: may import every capability below it; only the app factory and the CLI import routers.
"""
