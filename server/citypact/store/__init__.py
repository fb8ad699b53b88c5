"""The store: one port, two adapters, and everything that runs a query.

Public entry points: :class:`citypact.store.port.Store` (the port: select, ask, construct,
describe, update, load), :func:`citypact.store.backends.open_store` (the adapter the settings
choose: :mod:`~citypact.store.embedded` pyoxigraph in the process, or :mod:`~citypact.store.remote`
any SPARQL 1.1 endpoint), :class:`citypact.store.queries.QueryRegistry` (the named queries of
``queries/``, parsed once), :class:`citypact.store.gate.QueryGate` and
:class:`citypact.store.workers.QueryProcessPool` (deadlines and worker processes), and
:mod:`~citypact.store.results` / :mod:`~citypact.store.output` (result formats).

Layer: may import only the package's core modules (settings, namespaces, resources, rdf_io,
vocabulary); never validation, curation, publishing, web, http, routers or the app.
"""
