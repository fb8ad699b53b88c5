"""Running the pages' named queries (``queries/pages/`` and ``queries/``) and reading their answers.

Page builders run in a worker thread under the query deadline (:func:`render`); parameters are
bound as RDF terms (``NamedQuery.bind``), never pasted into query text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from citypact import vocabulary
from citypact.namespaces import ID
from citypact.resources import query_dir
from citypact.store.gate import in_thread
from citypact.store.port import QueryOptions, SelectResult
from citypact.store.queries import NamedQuery, QueryRegistry
from citypact.store.versioned_cache import data_version
from citypact.web.page_layout import Row

T = TypeVar("T")


@cache
def page_queries() -> QueryRegistry:
    """The queries of ``queries/pages/``, parsed once."""
    return QueryRegistry(query_dir() / "pages")


def run_select(app: FastAPI, query: NamedQuery, **bindings: Any) -> SelectResult:
    settings = app.state.settings
    options = QueryOptions(timeout=settings.query_timeout, max_results=settings.max_results)
    return app.state.store.select(query.bind(**bindings), options)  # type: ignore[no-any-return]


def rows(app: FastAPI, name: str, **bindings: Any) -> list[Row]:
    """Rows of a page query (``queries/pages/``), or of a named query of ``queries/``."""
    registry = page_queries()
    query = registry[name] if name in registry else app.state.queries[name]
    return run_select(app, query, **bindings).rows


async def render(request: Request, build: Callable[..., T], *args: object) -> T:
    """Run a page builder (it queries the store) in a worker thread, with the query deadline.

    What a builder returns depends only on its arguments and the data, so it is kept per data
    version (:mod:`citypact.store.versioned_cache`): a burst of identical requests costs one
    computation, and later ones none until a submission changes the data.
    """
    timeout = request.app.state.settings.query_timeout * 4
    cache = getattr(request.app.state, "cache", None)
    if cache is None:
        return await in_thread(build, *args, timeout=timeout)
    key = (build.__module__, build.__qualname__, *(_key_part(a) for a in args))
    version = data_version(request.app.state.store)

    def lookup() -> T:
        return cache.get(key, version, lambda: build(*args)).value  # type: ignore[no-any-return]

    return await in_thread(lookup, timeout=timeout)


def _key_part(arg: object) -> object:
    """The part of a cache key an argument makes: the app is one, a site is its base."""
    if isinstance(arg, FastAPI):
        return "app"
    site = getattr(arg, "space", None)
    if site is not None:
        return ("site", getattr(site, "base", ""), getattr(arg, "dynamic", None))
    return arg


@cache
def vocab_label(iri: str) -> str:
    """The English label of an ontology term or vocabulary concept, else its local name."""
    graph = vocabulary.ontology_graph()
    labels = {
        getattr(o, "language", None) or "": str(o) for o in graph.objects(URIRef(iri), RDFS.label)
    }
    return labels.get("en") or labels.get("") or re.split(r"[/#]", iri)[-1]


def slug_of(iri: str | None) -> str:
    """The last path segment of an IRI."""
    return re.split(r"[/#]", (iri or "").rstrip("/"))[-1]


def kind_of(iri: str) -> str | None:
    """The kind segment of an entity IRI (``city`` for ``.../id/city/jakarta``), or None."""
    if not iri.startswith(str(ID)):
        return None
    kind, _, rest = iri[len(str(ID)) :].partition("/")
    return kind if rest else None


def today() -> Literal:
    return Literal(datetime.now(UTC).date().isoformat(), datatype=XSD.date)


def wkt_point(wkt: str | None) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKT point literal, or None."""
    if not wkt:
        return None
    found = re.search(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", wkt, re.IGNORECASE)
    return (float(found.group(1)), float(found.group(2))) if found else None


def unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
