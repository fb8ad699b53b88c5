"""The ``citypact`` command line.

Exit codes: 0 success (data conforms), 1 validation failed, 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from . import __version__, rdf_io, reports
from .backends import ensure_bundled_data, open_store
from .incremental import IncrementalValidator
from .queries import QueryError, QueryRegistry
from .settings import Settings
from .store import DATA_GRAPH, QueryOptions, StoreError
from .store_embedded import EmbeddedStore
from .submissions import SubmissionRefused, SubmissionService, skolemize
from .validation import Validator, bundled_data_graph

EXIT_OK, EXIT_INVALID, EXIT_INPUT = 0, 1, 2


def _err(message: str) -> None:
    print(f"citypact: {message}", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate files as additions to the bundled graph, or the bundled graph alone."""
    fmt = None
    if args.format:
        try:
            fmt = rdf_io.format_by_name(args.format)
        except ValueError as err:
            _err(str(err))
            return EXIT_INPUT
    additions = Graph()
    try:
        for path in args.files:
            rdf_io.quads_to_graph(rdf_io.read_file(path, fmt), additions)
    except rdf_io.RdfInputError as err:
        _err(f"cannot parse {err}")
        return EXIT_INPUT
    validator = Validator.bundled()
    if not args.files:
        report = validator.validate(bundled_data_graph())
    else:
        # The same path as /api/validate: incremental validation of the additions against an
        # in-memory store holding the bundled graph.
        store = EmbeddedStore()
        ensure_bundled_data(store)
        service = SubmissionService(store, IncrementalValidator(store, validator), QueryRegistry())
        try:
            report = service.validate(skolemize(additions))
        except SubmissionRefused as err:
            _err(str(err))
            return EXIT_INVALID
    print(reports.render(report, args.report_format, args.lang, args.strict))
    return EXIT_OK if report.conforms(args.strict) else EXIT_INVALID


def cmd_submit(args: argparse.Namespace) -> int:
    """Send a file (or standard input) to a server's /api/submissions."""
    import urllib.error
    import urllib.parse
    import urllib.request

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
        _err(str(err))
        return EXIT_INPUT
    params = {
        k: v
        for k, v in (
            ("submitter", args.submitter),
            ("note", args.note),
            ("source", args.source),
            ("strict", "true" if args.strict else None),
            ("lang", args.lang),
        )
        if v
    }
    url = args.server.rstrip("/") + "/api/submissions?" + urllib.parse.urlencode(params)
    if not url.startswith(("http://", "https://")):
        _err("--server must be an http(s) URL")
        return EXIT_INPUT
    token = args.token or os.environ.get("CITYPACT_TOKEN", "")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": fmt.media_type,
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:  # noqa: S310
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, payload = err.code, err.read()
    except (urllib.error.URLError, OSError) as err:
        _err(f"cannot reach {args.server}: {getattr(err, 'reason', err)}")
        return EXIT_INPUT
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = {"error": {"message": payload.decode(errors="replace")[:500]}}
    if status == 201:
        print(
            f"accepted: {answer.get('iri')} ({answer.get('triples')} triples, "
            f"{answer.get('warnings', 0)} warning(s))"
        )
        return EXIT_OK
    if status == 422 and "results" in answer:
        for result in answer["results"]:
            print(f"{result['severity']}: {result['focus_node']}: {result['message']}")
        print(f"rejected: {answer.get('violations')} violation(s); nothing was stored")
        return EXIT_INVALID
    _err(f"the server answered {status}: {answer.get('error', {}).get('message', answer)}")
    return EXIT_INPUT


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    if getattr(args, "endpoint", None):
        overrides["sparql_endpoint"] = args.endpoint
    if getattr(args, "update_endpoint", None):
        overrides["sparql_update_endpoint"] = args.update_endpoint
    return Settings(**overrides)  # type: ignore[arg-type]


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the API and SPARQL endpoint with uvicorn."""
    import uvicorn

    from .app import create_app

    settings = _settings(args)
    host = args.host or settings.host
    port = args.port or settings.port
    try:
        app = create_app(settings)
    except QueryError as err:
        _err(str(err))
        return EXIT_INPUT
    print(f"CityPact serving on http://{host}:{port}/ ({settings.backend} store)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level)
    return EXIT_OK


def cmd_load(args: argparse.Namespace) -> int:
    """Load RDF files into the store (embedded by default, or --endpoint)."""
    settings = _settings(args)
    try:
        store = open_store(settings)
    except StoreError as err:
        _err(str(err))
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
        _err(f"cannot load {err}")
        return EXIT_INPUT
    except StoreError as err:
        _err(str(err))
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
    from .query_output import render_result

    settings = _settings(args)
    try:
        text = _resolve_query(args.query)
        # Read-only beside a running server; a new store is created and loaded first.
        existing = settings.backend == "embedded" and settings.data_dir.is_dir()
        store = open_store(settings, read_only=existing)
        if settings.backend == "embedded" and not existing:
            ensure_bundled_data(store)
    except (StoreError, QueryError, OSError) as err:
        _err(str(err))
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
        _err(str(err))
        return EXIT_INVALID if err.status < 500 else EXIT_INPUT
    finally:
        store.close()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="citypact", description="CityPact: a linked-data knowledge graph of city diplomacy."
    )
    parser.add_argument("--version", action="version", version=f"citypact {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    val = sub.add_parser(
        "validate",
        help="validate RDF files with the SHACL shapes, as additions to the bundled graph",
        description="Validate RDF files (Turtle, N-Triples, JSON-LD, RDF/XML) as new triples "
        "added to the bundled graph. With no files, validate the bundled data itself. "
        "Exit 0: conforms; 1: violations (or warnings with --strict); 2: unreadable input.",
    )
    val.add_argument("files", nargs="*", type=Path, help="RDF files to validate")
    val.add_argument("--format", help="RDF format of the files (default: from the extension)")
    val.add_argument(
        "--report-format", choices=reports.REPORT_FORMATS, default="text", help="report format"
    )
    val.add_argument("--strict", action="store_true", help="warnings fail too")
    val.add_argument("--lang", default="en", help="language of messages: en or id (default en)")
    val.set_defaults(func=cmd_validate)

    def store_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
        p.add_argument("--endpoint", help="remote SPARQL query endpoint (CITYPACT_SPARQL_ENDPOINT)")

    srv = sub.add_parser("serve", help="serve the REST API and the SPARQL endpoint")
    srv.add_argument("--host", help="address to listen on (CITYPACT_HOST, default 127.0.0.1)")
    srv.add_argument("--port", type=int, help="port (CITYPACT_PORT, default 8000)")
    store_options(srv)
    srv.set_defaults(func=cmd_serve)

    load = sub.add_parser(
        "load",
        help="load RDF files into the store (bulk loading, progress bar on large files)",
        description="Load RDF files into the embedded store (or --endpoint). The bundled data "
        "is loaded first if the store does not hold it yet.",
    )
    load.add_argument("files", nargs="+", type=Path, help="RDF files")
    load.add_argument("--graph", help="named graph to load into (default: the data graph)")
    load.add_argument("--update-endpoint", help="remote SPARQL update endpoint")
    load.add_argument("--no-bundle", action="store_true", help="do not load the bundled data")
    load.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    store_options(load)
    load.set_defaults(func=cmd_load)

    smt = sub.add_parser(
        "submit",
        help="submit an RDF file (or - for standard input) to a server's /api/submissions",
        description="Exit 0: accepted; 1: rejected with violations (nothing stored); "
        "2: unreadable input, refused or unreachable.",
    )
    smt.add_argument("file", help="RDF file, or - for standard input (Turtle unless --format)")
    smt.add_argument("--server", required=True, help="base URL, e.g. http://127.0.0.1:8000")
    smt.add_argument("--token", help="bearer token (default: $CITYPACT_TOKEN)")
    smt.add_argument("--format", help="RDF format (default: from the extension)")
    smt.add_argument("--submitter", help="who submits")
    smt.add_argument("--note", help="a note stored with the submission")
    smt.add_argument("--source", help="the source of the submitted facts (URL)")
    smt.add_argument("--strict", action="store_true", help="warnings are rejected too")
    smt.add_argument("--lang", default="en", help="language of messages: en or id")
    smt.add_argument("--timeout", type=float, default=300, help="seconds to wait")
    smt.set_defaults(func=cmd_submit)

    qry = sub.add_parser(
        "query",
        help="run a SPARQL query: a name from queries/, a .rq file, or query text",
    )
    qry.add_argument("query", help="query name (e.g. partners_by_sector), .rq file or text")
    qry.add_argument(
        "--output",
        "-o",
        choices=("table", "csv", "tsv", "json"),
        default="table",
        help="output format (default: table)",
    )
    qry.add_argument("--timeout", type=float, help="seconds (default CITYPACT_QUERY_TIMEOUT)")
    store_options(qry)
    qry.set_defaults(func=cmd_query)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``citypact`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
