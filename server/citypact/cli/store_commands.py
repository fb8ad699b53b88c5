"""Commands on a store: validate, submit, serve, load, query, generate, export-site."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rdflib import Graph

from citypact import rdf_io
from citypact.cli.common import EXIT_INPUT, EXIT_INVALID, EXIT_OK, say_error, settings_from
from citypact.curation.client import post_submission, submission_url
from citypact.curation.submissions import SubmissionRefused, SubmissionService, skolemize
from citypact.store.backends import ensure_bundled_data, open_store
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH, QueryOptions, StoreError
from citypact.store.queries import QueryError, QueryRegistry
from citypact.validation import reports
from citypact.validation.incremental import IncrementalValidator
from citypact.validation.validator import Validator, bundled_data_graph


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate files as additions to the bundled graph, or the bundled graph alone."""
    fmt = None
    if args.format:
        try:
            fmt = rdf_io.format_by_name(args.format)
        except ValueError as err:
            say_error(str(err))
            return EXIT_INPUT
    additions = Graph()
    try:
        for path in args.files:
            rdf_io.quads_to_graph(rdf_io.read_file(path, fmt), additions)
    except rdf_io.RdfInputError as err:
        say_error(f"cannot parse {err}")
        return EXIT_INPUT
    try:
        validator = Validator.bundled(args.engine or settings_from(args).validation_engine)
    except ValueError as err:
        say_error(str(err))
        return EXIT_INPUT
    if args.data_dir is not None:
        # An existing store, read in place (read-only, so a running server is not disturbed).
        if not args.data_dir.is_dir():
            say_error(f"no store at {args.data_dir}")
            return EXIT_INPUT
        try:
            store = EmbeddedStore(args.data_dir, read_only=True)
        except StoreError as err:
            say_error(str(err))
            return EXIT_INPUT
    else:
        store = None
    if not args.files:
        if store is not None:
            report = validator.validate_store(store.oxigraph, union=True)
        else:
            report = validator.validate(bundled_data_graph())
    else:
        # The same path as /api/validate: incremental validation of the additions against the
        # store, or an in-memory store holding the bundled graph.
        if store is None:
            store = EmbeddedStore()
            ensure_bundled_data(store)
        service = SubmissionService(store, IncrementalValidator(store, validator), QueryRegistry())
        try:
            report = service.validate(skolemize(additions))
        except SubmissionRefused as err:
            say_error(str(err))
            return EXIT_INVALID
    print(reports.render(report, args.report_format, args.lang, args.strict))
    return EXIT_OK if report.conforms(args.strict) else EXIT_INVALID


def cmd_submit(args: argparse.Namespace) -> int:
    """Send a file (or standard input) to a server's /api/submissions."""

    try:
        fmt = (
            rdf_io.format_by_name(args.format)
            if args.format
            else (
                rdf_io.format_by_name("turtle")
                if args.file == "-"
                else rdf_io.format_for_path(args.file)
            )
        )
        body = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except (ValueError, OSError) as err:
        say_error(str(err))
        return EXIT_INPUT
    url = submission_url(
        args.server,
        {
            "submitter": args.submitter,
            "note": args.note,
            "source": args.source,
            "strict": "true" if args.strict else None,
            "lang": args.lang,
        },
    )
    token = args.token or os.environ.get("CITYPACT_TOKEN", "")
    return post_submission(url, body, fmt.media_type, token, args.timeout)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the API and SPARQL endpoint with uvicorn."""
    import uvicorn

    from citypact.app import create_app
    from citypact.http.request_ids import log_config

    settings = settings_from(args)
    host = args.host or settings.host
    port = args.port or settings.port
    try:
        app = create_app(settings)
    except QueryError as err:
        say_error(str(err))
        return EXIT_INPUT
    print(f"CityPact serving on http://{host}:{port}/ ({settings.backend} store)", flush=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level),
        access_log=False,  # the request-id middleware logs each request, with its id
    )
    return EXIT_OK


def cmd_load(args: argparse.Namespace) -> int:
    """Load RDF files into the store (embedded by default, or --endpoint)."""
    settings = settings_from(args)
    try:
        store = open_store(settings)
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    try:
        if not args.no_bundle:
            ensure_bundled_data(store)
        total = 0
        for path in args.files:
            started = time.perf_counter()
            count = store.load_file(path, graph=args.graph or DATA_GRAPH, progress=not args.quiet)
            total += count
            if not args.quiet:
                seconds = time.perf_counter() - started
                print(f"{path}: {count} triples in {seconds:.2f} s", flush=True)
        if not args.quiet:
            print(f"loaded {total} triples")
        return EXIT_OK
    except (rdf_io.RdfInputError, ValueError) as err:
        say_error(f"cannot load {err}")
        return EXIT_INPUT
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    finally:
        store.close()


def _resolve_query(text: str) -> str:
    registry = QueryRegistry()
    if text in registry:
        return registry[text].text
    path = Path(text)
    if path.suffix == ".rq" and path.is_file():
        return path.read_text(encoding="utf-8")
    return text


def cmd_query(args: argparse.Namespace) -> int:
    """Run a query (a name from queries/, a .rq file or query text) and print the answer."""
    from citypact.store.output import render_result

    settings = settings_from(args)
    try:
        text = _resolve_query(args.query)
        # Read-only beside a running server; a new store is created and loaded first.
        existing = settings.backend == "embedded" and settings.data_dir.is_dir()
        store = open_store(settings, read_only=existing)
        if settings.backend == "embedded" and not existing:
            ensure_bundled_data(store)
    except (StoreError, QueryError, OSError) as err:
        say_error(str(err))
        return EXIT_INPUT
    try:
        result = store.query(
            text,
            QueryOptions(
                timeout=args.timeout or settings.query_timeout, max_results=settings.max_results
            ),
        )
        sys.stdout.write(render_result(result, args.output))
        return EXIT_OK
    except StoreError as err:
        say_error(str(err))
        return EXIT_INVALID if err.status < 500 else EXIT_INPUT
    finally:
        store.close()


def cmd_generate(args: argparse.Namespace) -> int:
    """Write a synthetic dataset (streamed Turtle) for benchmarks and tests."""
    from citypact.generator import GeneratorConfig, generate

    try:
        config = GeneratorConfig(
            cities=args.cities, agreements=args.agreements, seed=args.seed, namespace=args.namespace
        )
        stats = generate(config, args.output)
    except (ValueError, OSError) as err:
        say_error(str(err))
        return EXIT_INPUT
    print(f"{args.output}: {stats.triples} triples (synthetic, seed {args.seed})")
    return EXIT_OK


def cmd_export_site(args: argparse.Namespace) -> int:
    """Write the static linked-data site (pages, RDF, dumps, web-server rules) into a directory."""
    from citypact.publishing.linked_data import IriSpace
    from citypact.publishing.static_export import ExportError, export_site

    settings = settings_from(args)
    if args.base_iri:
        settings = settings.model_copy(update={"base_iri": args.base_iri})
    if settings.backend == "remote":
        say_error("export-site reads the embedded store (--data-dir), not a remote endpoint")
        return EXIT_INPUT
    try:
        existing = settings.data_dir.is_dir()
        store = open_store(settings, read_only=existing)
        if not existing:
            ensure_bundled_data(store)
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    try:
        say = None if args.quiet else (lambda message: print(message, flush=True))
        summary = export_site(
            store, args.directory, IriSpace(settings.base_iri), args.site_url, progress=say
        )
    except (ExportError, OSError, StoreError) as err:
        say_error(str(err))
        return EXIT_INPUT
    finally:
        store.close()
    print(f"exported {summary.entities} entities ({summary.files} files) to {args.directory}")
    return EXIT_OK
