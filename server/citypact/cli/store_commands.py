"""Commands on a store: validate, submit, serve, load, query, generate, export-site."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from citypact import rdf_io
from citypact.cli.common import (
    EXIT_INPUT,
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    say_error,
    settings_from,
    web_address,
)
from citypact.curation.client import post_submission, submission_url
from citypact.curation.submissions import SubmissionRefused, SubmissionService, skolemize
from citypact.store.backends import ensure_bundled_data, open_store
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH, QueryOptions, QuerySyntaxError, StoreError
from citypact.store.queries import QueryError, QueryRegistry
from citypact.validation import reports
from citypact.validation.incremental import IncrementalValidator
from citypact.validation.validator import Validator, bundled_data_graph


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate files as additions to the bundled graph, or the bundled graph alone."""
    fmt = _format_option(args.format)
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


def _format_option(name: str | None) -> rdf_io.RdfFormat | None:
    """The RDF format ``--format`` names (None without it); :class:`UsageError` naming it."""
    if not name:
        return None
    try:
        return rdf_io.format_by_name(name)
    except ValueError as err:
        raise UsageError(f"--format: {err}") from None


def cmd_submit(args: argparse.Namespace) -> int:
    """Send a file (or standard input) to a server's /api/submissions.

    The file is parsed here first, with the server's parser, so a syntax error names the file,
    line and column (exit 2) before anything is sent.
    """
    fmt = _format_option(args.format)
    stdin = args.file == "-"
    source = "<stdin>" if stdin else args.file
    if fmt is None:
        try:
            fmt = rdf_io.format_by_name("turtle") if stdin else rdf_io.format_for_path(args.file)
        except ValueError as err:  # the message asks for --format
            say_error(str(err))
            return EXIT_INPUT
    try:
        body = sys.stdin.buffer.read() if stdin else Path(args.file).read_bytes()
    except OSError as err:
        say_error(f"cannot read {source}: {err.strerror or err}")
        return EXIT_INPUT
    try:
        base = None if stdin else Path(args.file).resolve().as_uri()
        rdf_io.parse_quads(body, fmt, source, base_iri=base)
    except rdf_io.RdfInputError as err:
        say_error(f"cannot parse {err}")
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
    if settings.backend == "embedded":
        # Opened once here, so a directory that cannot be a store (a file, one another process
        # holds) is reported by name rather than as a failed start-up of the app.
        try:
            open_store(settings).close()
        except StoreError as err:
            say_error(str(err))
            return EXIT_INPUT
    try:
        app = create_app(settings)
    except QueryError as err:
        say_error(str(err))
        return EXIT_INPUT
    print(f"CityPact serving on http://{host}:{port}/ ({settings.backend} store)", flush=True)
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level=settings.log_level,
            log_config=log_config(settings.log_level),
            access_log=False,  # the request-id middleware logs each request, with its id
        )
    except SystemExit as stop:  # uvicorn exits 3 when it cannot start (logged above)
        if stop.code in (None, 0):
            return EXIT_OK
        say_error(f"cannot serve on {host}:{port} (--host, --port): see the error above")
        return EXIT_INPUT
    return EXIT_OK


def cmd_load(args: argparse.Namespace) -> int:
    """Load RDF files into the store (embedded by default, or --endpoint)."""
    settings = settings_from(args)
    for path in args.files:
        if not path.is_file():
            raise UsageError(f"cannot read {path}: no such file")
    if args.graph:
        try:
            ox.NamedNode(args.graph)
        except ValueError as err:
            raise UsageError(f"--graph: not an absolute IRI: {args.graph!r} ({err})") from None
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
    except OSError as err:
        say_error(f"cannot read {err.filename}: {err.strerror or err}")
        return EXIT_INPUT
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    finally:
        store.close()


_QUERY_NAME = re.compile(r"[\w.-]+")


def _resolve_query(text: str) -> tuple[str, str]:
    """The query text and what to call it in messages: a name from queries/, a .rq file or
    the text itself. :class:`UsageError` for a name that is not known or a missing file."""
    registry = QueryRegistry()
    if text in registry:
        return registry[text].text, f"query {text!r}"
    path = Path(text)
    if path.suffix == ".rq":
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as err:
            reason = err.strerror if isinstance(err, OSError) else "not UTF-8 text"
            raise UsageError(f"cannot read {path}: {reason or err}") from None
    if _QUERY_NAME.fullmatch(text):  # a bare word is never a query: a misspelt name
        known = ", ".join(sorted(q.name for q in registry))
        raise UsageError(f"no query named {text!r} in queries/ (known: {known})")
    return text, "the query"


def cmd_query(args: argparse.Namespace) -> int:
    """Run a query (a name from queries/, a .rq file or query text) and print the answer."""
    from citypact.store.output import render_result

    settings = settings_from(args)
    text, name = _resolve_query(args.query)
    try:
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
    except QuerySyntaxError as err:
        say_error(f"{name} does not parse: {err}")
        return EXIT_INPUT
    except StoreError as err:
        say_error(f"{name}: {err}" if err.status < 500 else str(err))
        return EXIT_INPUT
    finally:
        store.close()


def cmd_generate(args: argparse.Namespace) -> int:
    """Write a synthetic dataset (streamed Turtle) for benchmarks and tests."""
    from citypact.generator import GeneratorConfig, generate

    if args.cities < 2:
        raise UsageError(f"--cities: at least 2 are needed for a partnership, got {args.cities}")
    if args.agreements < 1:
        raise UsageError(f"--agreements: at least 1 is needed, got {args.agreements}")
    if not args.namespace.endswith(("/", "#")):
        raise UsageError(f"--namespace: must end with '/' or '#', got {args.namespace!r}")
    try:
        config = GeneratorConfig(
            cities=args.cities, agreements=args.agreements, seed=args.seed, namespace=args.namespace
        )
        stats = generate(config, args.output)
    except ValueError as err:
        say_error(str(err))
        return EXIT_INPUT
    except OSError as err:
        say_error(f"cannot write {args.output}: {err.strerror or err}")
        return EXIT_INPUT
    print(f"{args.output}: {stats.triples} triples (synthetic, seed {args.seed})")
    return EXIT_OK


def cmd_export_site(args: argparse.Namespace) -> int:
    """Write the static linked-data site (pages, RDF, dumps, web-server rules) into a directory."""
    from citypact.publishing.linked_data import IriSpace
    from citypact.publishing.static_export import ExportError, export_site

    base = {"base_iri": args.base_iri.rstrip("/") + "/"} if args.base_iri else {}
    settings = settings_from(args, **base)
    if args.site_url:
        web_address("--site-url", args.site_url)
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
