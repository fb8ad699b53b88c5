"""Committing an import as one submission: into the local store, or through a server.

Locally, the store of the settings (the embedded one in ``CITYPACT_DATA_DIR`` unless a remote
endpoint is configured) is opened, loaded with the bundled data if new, and the triples go
through the same :class:`~citypact.curation.submissions.SubmissionService` as ``/api/submissions``
(namespace checks, incremental SHACL validation, one named graph). With a server, the records
are reconciled against the server's ``/sparql`` endpoint and the Turtle is POSTed to its
``/api/submissions`` with a bearer token. Either way the import is all or nothing.

Exit codes follow the CLI's: 0 stored (or nothing new), 1 records that cannot be mapped or a
graph that does not conform (nothing stored), 2 unreachable store or server.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Graph

from citypact.curation.client import post_submission, submission_url
from citypact.curation.importing.mapping import ImportPlan, Mapper
from citypact.curation.importing.reconcile import Reconciler
from citypact.curation.importing.records import PartnershipInput, Problem
from citypact.curation.submissions import SubmissionMeta, SubmissionRefused, SubmissionService
from citypact.namespaces import bind_prefixes
from citypact.settings import Settings
from citypact.store.backends import ensure_bundled_data, open_store
from citypact.store.port import Store, StoreError
from citypact.store.queries import QueryRegistry
from citypact.validation import reports
from citypact.validation.incremental import IncrementalValidator
from citypact.validation.validator import Validator

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2


@dataclass
class Target:
    """Where an import goes: the local store of ``settings``, or a server."""

    settings: Settings
    server: str | None = None
    token: str | None = None
    timeout: float = 300.0
    strict: bool = False


def open_local(settings: Settings) -> Store:
    """The store of the settings, writable, with the bundled data loaded if it is new."""
    store = open_store(settings)
    try:
        ensure_bundled_data(store)
    except BaseException:
        store.close()
        raise
    return store


def open_for_reading(settings: Settings) -> Store:
    """The store of the settings for reading: read-only when an embedded store exists (a
    server may be using it), otherwise created and loaded with the bundled data."""
    existing = settings.backend == "embedded" and settings.data_dir.is_dir()
    store = open_store(settings, read_only=existing)
    if not existing:
        try:
            ensure_bundled_data(store)
        except BaseException:
            store.close()
            raise
    return store


def service_for(store: Store, settings: Settings) -> SubmissionService:
    """A submission service on the store, built as the app builds it."""
    validator = IncrementalValidator(store, Validator.bundled(), timeout=settings.query_timeout * 4)
    return SubmissionService(store, validator, QueryRegistry())


def _store_for(target: Target) -> Store:
    if target.server:
        from citypact.store.remote import RemoteStore

        return RemoteStore(target.server.rstrip("/") + "/sparql")
    return open_local(target.settings)


def run_import(
    records: Sequence[PartnershipInput],
    problems: Sequence[Problem],
    notes: Sequence[str],
    target: Target,
    meta: SubmissionMeta,
    skip_bad: bool = False,
) -> int:
    """Reconcile, map, report, and commit the records as one submission; the exit code."""
    if target.server and not target.server.startswith(("http://", "https://")):
        _err("--server must be an http(s) URL")
        return EXIT_INPUT
    if problems and not skip_bad:
        return _refuse(problems)
    try:
        store = _store_for(target)
    except StoreError as err:
        _err(str(err))
        return EXIT_INPUT
    try:
        plan = Mapper(Reconciler(store)).build(records)
        every_problem = [*problems, *plan.problems]
        print(plan.summary())
        for note in [*notes, *plan.notes]:
            print(f"  note: {note}")
        if plan.problems and not skip_bad:
            return _refuse(every_problem)
        for problem in every_problem:
            _err(f"{problem} (left out)")
        if len(plan.graph) == 0:
            print("nothing new to import; nothing was stored")
            return EXIT_OK
        if target.server:
            return _post(plan, target, meta)
        return _commit(plan, store, target, meta)
    except StoreError as err:
        _err(str(err))
        return EXIT_INPUT
    finally:
        store.close()


def _refuse(problems: Sequence[Problem]) -> int:
    for problem in problems:
        _err(str(problem))
    _err(
        f"{len(problems)} record(s) cannot be mapped; nothing was stored "
        "(fix them, or use --skip-bad to import the others)"
    )
    return EXIT_INVALID


def _commit(plan: ImportPlan, store: Store, target: Target, meta: SubmissionMeta) -> int:
    service = service_for(store, target.settings)
    try:
        outcome = service.submit(plan.graph, meta, strict=target.strict)
    except SubmissionRefused as err:
        _err(f"refused: {err}; nothing was stored")
        return EXIT_INVALID
    report = outcome.report
    if outcome.accepted:
        print(
            f"accepted: {outcome.submission} ({outcome.triples} triples, "
            f"{len(report.warnings)} warning(s))"
        )
        return EXIT_OK
    print(reports.render(report, "text", "en", target.strict))
    print(f"rejected: {len(report.violations)} violation(s); nothing was stored")
    return EXIT_INVALID


def turtle(graph: Graph) -> bytes:
    """The graph as Turtle with the usual prefixes."""
    bind_prefixes(graph)
    return graph.serialize(format="turtle").encode("utf-8")


def _post(plan: ImportPlan, target: Target, meta: SubmissionMeta) -> int:
    assert target.server is not None
    url = submission_url(
        target.server,
        {
            "submitter": meta.submitter,
            "note": meta.note,
            "source": meta.source,
            "strict": "true" if target.strict else None,
        },
    )
    token = target.token or os.environ.get("CITYPACT_TOKEN", "")
    return post_submission(url, turtle(plan.graph), "text/turtle", token, target.timeout)


def _err(message: str) -> None:
    print(f"citypact: {message}", file=sys.stderr, flush=True)
