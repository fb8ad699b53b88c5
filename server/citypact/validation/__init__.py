"""Validation: SHACL shapes checked against the ontology and the graph.

Public entry points: :class:`citypact.validation.validator.Validator` (a whole graph, with the
SPARQL engine of :mod:`~citypact.validation.sparql_engine`, compiled from the shapes by
:mod:`~citypact.validation.shape_compiler`, or pySHACL as the reference),
:class:`citypact.validation.incremental.IncrementalValidator` (a submission against a store,
checking only the nodes it can affect) and :mod:`~citypact.validation.reports` (reports as
Turtle, JSON or text, in English or Indonesian).

Layer: may import the core modules and :mod:`citypact.store`; never curation, publishing,
web, http, routers or the app.
"""
