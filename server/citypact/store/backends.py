"""Choosing and preparing the store: the embedded adapter or a remote endpoint, by settings."""

from __future__ import annotations

import logging

from citypact import __version__, resources
from citypact.settings import Settings
from citypact.store.port import DATA_GRAPH, ONTOLOGY_GRAPH, Store, graph_iri

META_GRAPH = graph_iri("meta")
_LOADED = "http://purl.org/dc/terms/hasVersion"

log = logging.getLogger("citypact")


def open_store(settings: Settings, read_only: bool = False) -> Store:
    """Open the store the settings select (no data is loaded here)."""
    if settings.backend == "remote":
        from citypact.store.remote import RemoteStore

        assert settings.sparql_endpoint is not None
        password = settings.sparql_password.get_secret_value() if settings.sparql_password else None
        return RemoteStore(
            settings.sparql_endpoint,
            settings.sparql_update_endpoint,
            settings.sparql_user,
            password,
            settings.sparql_auth,
        )
    from citypact.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.data_dir, read_only=read_only)


def ensure_bundled_data(store: Store, built: bool | None = None) -> bool:
    """Load the bundled ontology and data into their named graphs unless already loaded.

    With ``built`` (default: ``CITYPACT_BUNDLE=full``), the graphs built from the pinned raw
    inputs (``data/built/*.nq.gz``, one named graph per source) are loaded too. Returns True
    when it loaded. A marker written last (in the meta graph) records a complete load, so
    starting on an existing store never parses the bundled files again, and a load cut short
    is simply done again.
    """
    marker = f"ASK {{ GRAPH <{META_GRAPH}> {{ <{DATA_GRAPH}> <{_LOADED}> ?v }} }}"
    if store.ask(marker):
        return False
    if built is None:
        built = Settings().bundle == "full"
    for path in resources.ontology_files():
        store.load_file(path, graph=ONTOLOGY_GRAPH)
    for path in resources.data_files():
        store.load_file(path, graph=DATA_GRAPH)
    if built:
        for path in resources.built_files():
            store.load_file(path)  # N-Quads: each quad names its graph
    store.update(
        f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{DATA_GRAPH}> <{_LOADED}> "{__version__}" }} }}'
    )
    log.info("loaded the bundled ontology and data")
    return True
