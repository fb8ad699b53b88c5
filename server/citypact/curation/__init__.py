"""Curation: how new triples get into the graph, and how ours go back out to Wikidata.

Public entry points: :class:`citypact.curation.submissions.SubmissionService` (parse,
validate incrementally, commit atomically, retract), :mod:`~citypact.curation.client` (the
CLI's HTTP client for a remote server), :mod:`~citypact.curation.importing` (Wikidata and CSV
imports, reconciled against the store) and :mod:`~citypact.curation.wikidata_export`
(QuickStatements and the diff against Wikidata).

Layer: may import the core modules, :mod:`citypact.store` and :mod:`citypact.validation`;
never publishing, web, extraction, http, routers or the app.
"""
