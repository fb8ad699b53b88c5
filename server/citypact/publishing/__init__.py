"""Publishing: the graph as linked data, for machines and for people.

Public entry points: :mod:`~citypact.publishing.linked_data` (IRI space, entity descriptions,
representations), :mod:`~citypact.publishing.negotiation` (Accept headers),
:mod:`~citypact.publishing.html_pages` (the HTML representation and the shared page layout),
:mod:`~citypact.publishing.dumps` (whole-graph downloads), :mod:`~citypact.publishing.
dataset_description` (VoID and DCAT), :mod:`~citypact.publishing.service_description` (the
SPARQL service description), :mod:`~citypact.publishing.ontology_docs` (the ontology as a page)
and :mod:`~citypact.publishing.static_export` (the whole site as files).

:mod:`~citypact.publishing.release` writes a citable, versioned release (dumps, network
tables, VoID, CITATION.cff, a changelog of the data).

Layer: may import the core modules, :mod:`citypact.store` and :mod:`citypact.network` (the
network tables a release and the dumps list hold); never validation, curation, web,
extraction, http, routers or the app.
"""
