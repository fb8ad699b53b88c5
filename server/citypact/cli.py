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
from typing import TYPE_CHECKING

from rdflib import Graph

from . import __version__, rdf_io, reports
from .backends import ensure_bundled_data, open_store
from .incremental import IncrementalValidator
from .queries import QueryError, QueryRegistry
from .settings import Settings
from .store import DATA_GRAPH, QueryOptions, StoreError
from .store_embedded import EmbeddedStore
from .submission_client import post_submission, submission_url
from .submissions import SubmissionRefused, SubmissionService, skolemize
from .validation import Validator, bundled_data_graph

if TYPE_CHECKING:
    from .importing.records import PartnershipInput, Problem

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
    try:
        validator = Validator.bundled(args.engine or _settings(args).validation_engine)
    except ValueError as err:
        _err(str(err))
        return EXIT_INPUT
    if args.data_dir is not None:
        # An existing store, read in place (read-only, so a running server is not disturbed).
        if not args.data_dir.is_dir():
            _err(f"no store at {args.data_dir}")
            return EXIT_INPUT
        try:
            store = EmbeddedStore(args.data_dir, read_only=True)
        except StoreError as err:
            _err(str(err))
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
            _err(str(err))
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
        _err(str(err))
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
    from .request_ids import log_config

    settings = _settings(args)
    host = args.host or settings.host
    port = args.port or settings.port
    try:
        app = create_app(settings)
    except QueryError as err:
        _err(str(err))
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


def cmd_generate(args: argparse.Namespace) -> int:
    """Write a synthetic dataset (streamed Turtle) for benchmarks and tests."""
    from .generator import GeneratorConfig, generate

    try:
        config = GeneratorConfig(
            cities=args.cities, agreements=args.agreements, seed=args.seed, namespace=args.namespace
        )
        stats = generate(config, args.output)
    except (ValueError, OSError) as err:
        _err(str(err))
        return EXIT_INPUT
    print(f"{args.output}: {stats.triples} triples (synthetic, seed {args.seed})")
    return EXIT_OK


# --- export-site: begin ---
def cmd_export_site(args: argparse.Namespace) -> int:
    """Write the static linked-data site (pages, RDF, dumps, web-server rules) into a directory."""
    from .linked_data import IriSpace
    from .static_export import ExportError, export_site

    settings = _settings(args)
    if args.base_iri:
        settings = settings.model_copy(update={"base_iri": args.base_iri})
    if settings.backend == "remote":
        _err("export-site reads the embedded store (--data-dir), not a remote endpoint")
        return EXIT_INPUT
    try:
        existing = settings.data_dir.is_dir()
        store = open_store(settings, read_only=existing)
        if not existing:
            ensure_bundled_data(store)
    except StoreError as err:
        _err(str(err))
        return EXIT_INPUT
    try:
        say = None if args.quiet else (lambda message: print(message, flush=True))
        summary = export_site(
            store, args.directory, IriSpace(settings.base_iri), args.site_url, progress=say
        )
    except (ExportError, OSError, StoreError) as err:
        _err(str(err))
        return EXIT_INPUT
    finally:
        store.close()
    print(f"exported {summary.entities} entities ({summary.files} files) to {args.directory}")
    return EXIT_OK


# --- export-site: end ---


# --- import and give back (Wikidata, CSV): begin ---
def _run_import(
    args: argparse.Namespace,
    what: str,
    source: str,
    read: tuple[Sequence[PartnershipInput], Sequence[Problem], Sequence[str]],
) -> int:
    """Reconcile, map, validate and store the records of a reader as one submission."""
    from .importing.commit import Target, run_import
    from .submissions import SubmissionMeta

    records, problems, notes = read
    target = Target(
        _settings(args), args.server, args.token, timeout=args.timeout, strict=args.strict
    )
    note = args.note or f"Imported from {what}: {source}"
    meta = SubmissionMeta(args.submitter, note, source)
    return run_import(records, problems, notes, target, meta, args.skip_bad)


def cmd_import_wikidata(args: argparse.Namespace) -> int:
    """Import Wikidata twinning results (a saved JSON file, or --endpoint) as one submission."""
    from .importing import wikidata

    try:
        if args.wikidata_endpoint:
            query = wikidata.query_text(args.item or ())
            data = wikidata.fetch_results(args.wikidata_endpoint, query, args.timeout)
            source = args.wikidata_endpoint
            if args.file:
                text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
                args.file.write_text(text, encoding="utf-8")
            bindings = wikidata.bindings_of(data, source)
        elif args.file:
            source, bindings = str(args.file), wikidata.read_results(args.file)
        else:
            _err("give a results file (FILE.json) or --endpoint URL")
            return EXIT_INPUT
    except (wikidata.WikidataInputError, OSError) as err:
        _err(str(err))
        return EXIT_INPUT
    read = wikidata.read_statements(bindings, source)
    records, notes = wikidata.partnerships(read.statements)
    print(f"{source}: {read.rows} result row(s), {len(read.statements)} P190 statement(s)")
    results = (records, read.problems, read.notes + notes)
    return _run_import(args, "Wikidata twinning results", source, results)


def cmd_import_csv(args: argparse.Namespace) -> int:
    """Import a sister-city table (CSV with the documented columns) as one submission."""
    from .importing import csv_table

    try:
        table = csv_table.read_table(args.file)
    except csv_table.CsvInputError as err:
        _err(str(err))
        return EXIT_INPUT
    print(f"{args.file}: {table.rows} row(s)")
    results = (table.records, table.problems, table.notes)
    return _run_import(args, "a sister-city table", str(args.file), results)


def _wikidata_results(path: Path):  # type: ignore[no-untyped-def]
    from .importing import wikidata

    read = wikidata.read_statements(wikidata.read_results(path), str(path))
    for problem in read.problems:
        _err(f"{problem} (row left out)")
    return read


def cmd_export_wikidata(args: argparse.Namespace) -> int:
    """Write QuickStatements for our partnerships (and start dates) that Wikidata lacks."""
    from .importing.commit import open_for_reading
    from .importing.wikidata import WikidataInputError
    from .wikidata_export import WikidataState, our_partnerships, quickstatements

    try:
        state = WikidataState.of(_wikidata_results(args.compare)) if args.compare else None
        store = open_for_reading(_settings(args))
    except (WikidataInputError, StoreError) as err:
        _err(str(err))
        return EXIT_INPUT
    try:
        export = quickstatements(our_partnerships(store), state)
    except StoreError as err:
        _err(str(err))
        return EXIT_INPUT
    finally:
        store.close()
    text = "".join(line + "\n" for line in export.lines)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"{args.output}: " + export.summary())
    else:
        sys.stdout.write(text)
        print(export.summary(), file=sys.stderr)
    return EXIT_OK


def cmd_diff_wikidata(args: argparse.Namespace) -> int:
    """Compare Wikidata twinning results with our partnerships: one-sided pairs, other dates."""
    from .importing.commit import open_for_reading
    from .importing.wikidata import WikidataInputError
    from .wikidata_export import diff, render_diff

    try:
        read = _wikidata_results(args.file)
        store = open_for_reading(_settings(args))
    except (WikidataInputError, StoreError) as err:
        _err(str(err))
        return EXIT_INPUT
    try:
        rows = diff(store, read)
    except StoreError as err:
        _err(str(err))
        return EXIT_INPUT
    finally:
        store.close()
    sys.stdout.write(render_diff(rows, args.format))
    return EXIT_OK


# --- import and give back (Wikidata, CSV): end ---


# --- extract: begin ---
def cmd_extract(args: argparse.Namespace) -> int:
    """Propose graph additions from a news article; Turtle (or JSON) on standard output."""
    from datetime import date

    from .extraction.service import extract_article

    try:
        raw = sys.stdin.read() if args.article == "-" else Path(args.article).read_text("utf-8")
        article_date = date.fromisoformat(args.date) if args.date else None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        _err(str(err))
        return EXIT_INPUT
    store = EmbeddedStore()
    ensure_bundled_data(store)
    name = None if args.article == "-" else Path(args.article).name
    done = extract_article(
        raw, store, lang=args.lang, article_date=article_date, filename=name, url=args.url
    )
    summary = done.summary()
    if args.format == "json":
        print(json.dumps(done.to_json(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(done.proposal.turtle())
    print(
        f"citypact: {len(done.proposal.statements)} statement(s) proposed; "
        f"{summary['violations']} violation(s), {summary['warnings']} warning(s)",
        file=sys.stderr,
    )
    for result in summary.get("results", []):
        if result["severity"] == "Violation":
            _err(f"violation: {result['focus_node']}: {result['message']}")
    if done.refused:
        _err(done.refused)
    return EXIT_OK if summary["conforms"] else EXIT_INVALID


# --- extract: end ---


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
        "added to the bundled graph (or to the store in --data-dir). With no files, validate "
        "the bundled data itself (or the whole store in --data-dir). "
        "Exit 0: conforms; 1: violations (or warnings with --strict); 2: unreadable input.",
    )
    val.add_argument("files", nargs="*", type=Path, help="RDF files to validate")
    val.add_argument("--format", help="RDF format of the files (default: from the extension)")
    val.add_argument(
        "--report-format", choices=reports.REPORT_FORMATS, default="text", help="report format"
    )
    val.add_argument("--strict", action="store_true", help="warnings fail too")
    val.add_argument("--lang", default="en", help="language of messages: en or id (default en)")
    val.add_argument(
        "--data-dir", type=Path, help="validate against (or, with no files, all of) this store"
    )
    val.add_argument(
        "--engine",
        choices=("sparql", "pyshacl"),
        help="validation engine (CITYPACT_VALIDATION_ENGINE, default sparql)",
    )
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
    # --- extract: begin ---
    ext = sub.add_parser(
        "extract",
        help="propose graph additions from a news article (Turtle on standard output)",
        description="Read a news article (plain text or HTML; - for standard input), match it "
        "against the graph's names and write the proposed statements, each with its evidence, "
        "validated against the bundled graph. Exit 0: conforms; 1: violations; 2: unreadable.",
    )
    ext.add_argument("article", help="article file (.txt or .html), or - for standard input")
    ext.add_argument("--lang", choices=("id", "ms", "en"), help="language (default: detected)")
    ext.add_argument("--date", help="the article's date, YYYY-MM-DD (default: from its header)")
    ext.add_argument(
        "--url", help="where the article was published (its date and publisher may follow)"
    )
    ext.add_argument("--format", choices=("turtle", "json"), default="turtle")
    ext.set_defaults(func=cmd_extract)
    # --- extract: end ---

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

    # --- export-site: begin ---
    exp = sub.add_parser(
        "export-site",
        help="write the linked-data site as static files, with nginx and Apache rules",
        description="Write every entity's page and RDF (Turtle, JSON-LD, N-Triples, RDF/XML), "
        "the ontology documentation, the dataset description, the dumps, a sitemap and "
        "web-server configuration doing content negotiation (nginx/, .htaccess) into DIR: a new "
        "or empty directory, or an earlier export (which is replaced).",
    )
    exp.add_argument("directory", type=Path, help="output directory")
    exp.add_argument("--base-iri", help="base IRI of the entities (CITYPACT_BASE_IRI)")
    exp.add_argument(
        "--site-url", help="URL the site is served at, for the sitemap (default: the base IRI)"
    )
    exp.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    exp.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
    exp.set_defaults(func=cmd_export_site)
    # --- export-site: end ---

    gen = sub.add_parser(
        "generate",
        help="write a synthetic dataset that conforms to the shapes (for benchmarks)",
        description="Stream a synthetic CityPact graph to a Turtle file: the same seed gives "
        "the same file. About 235 triples per city with four agreements.",
    )
    gen.add_argument("output", type=Path, help="Turtle file to write")
    gen.add_argument("--cities", type=int, default=1000, help="number of cities (default 1000)")
    gen.add_argument("--agreements", type=int, default=4000, help="agreements (default 4000)")
    gen.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    gen.add_argument(
        "--namespace",
        default="https://w3id.org/citypact/synthetic/id/",
        help="namespace of the entity IRIs (default: the synthetic one)",
    )
    gen.set_defaults(func=cmd_generate)

    # --- import and give back (Wikidata, CSV): begin ---
    def import_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--skip-bad", action="store_true", help="import the good records anyway")
        p.add_argument("--server", help="submit to this server instead of the local store")
        p.add_argument("--token", help="bearer token for --server (default: $CITYPACT_TOKEN)")
        p.add_argument("--submitter", help="who submits")
        p.add_argument("--note", help="a note stored with the submission")
        p.add_argument("--strict", action="store_true", help="warnings are rejected too")
        p.add_argument("--timeout", type=float, default=300, help="seconds to wait for a server")
        p.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")

    imp = sub.add_parser(
        "import",
        help="import partnerships from Wikidata results or a CSV table, as one submission",
        description="Reconcile the records with the graph (by Wikidata item, then by name and "
        "country), print what is new, reused or already present, validate, and store all as one "
        "submission (local store, or --server). Exit 0: stored or nothing new; 1: records that "
        "cannot be mapped or violations (nothing stored); 2: unreadable input or unreachable.",
    )
    imp_sub = imp.add_subparsers(dest="source", required=True)
    iwd = imp_sub.add_parser(
        "wikidata",
        help="SPARQL JSON results of queries/external/wikidata_twinning.rq (see README)",
    )
    iwd.add_argument(
        "file", nargs="?", type=Path, help="results file (with --endpoint: where to save them)"
    )
    iwd.add_argument(
        "--endpoint", dest="wikidata_endpoint", help="run the query on this SPARQL endpoint"
    )
    iwd.add_argument(
        "--item", action="append", metavar="QID", help="with --endpoint: an item (repeatable)"
    )
    import_options(iwd)
    iwd.set_defaults(func=cmd_import_wikidata)
    icsv = imp_sub.add_parser(
        "csv",
        help="a sister-city table: city, country, partner, partner_country, agreement_type, "
        "date or year, sectors, source_url[, city_wikidata, partner_wikidata] (see README)",
    )
    icsv.add_argument("file", type=Path, help="CSV file (UTF-8, comma-separated, header row)")
    import_options(icsv)
    icsv.set_defaults(func=cmd_import_csv)

    out = sub.add_parser("export", help="give partnerships back to Wikidata (QuickStatements)")
    out_sub = out.add_subparsers(dest="target", required=True)
    qs = out_sub.add_parser(
        "wikidata",
        help="QuickStatements (P190 with P580 and S854, both directions) for what Wikidata lacks",
        description="Only partnerships whose two places have a Wikidata item (cp:wikidataItem) "
        "and a source with a URL are exported; the others are counted.",
    )
    qs.add_argument("--compare", type=Path, metavar="FILE.json", help="Wikidata results to skip")
    qs.add_argument("--output", "-o", type=Path, help="write the statements to a file")
    qs.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
    qs.set_defaults(func=cmd_export_wikidata)

    dif = sub.add_parser("diff", help="compare our partnerships with Wikidata's")
    dif_sub = dif.add_subparsers(dest="target", required=True)
    dwd = dif_sub.add_parser(
        "wikidata",
        help="partnerships on one side only, and start dates that disagree, as a table",
    )
    dwd.add_argument("file", type=Path, help="results of queries/external/wikidata_twinning.rq")
    dwd.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    dwd.add_argument("--data-dir", type=Path, help="embedded store directory (CITYPACT_DATA_DIR)")
    dwd.set_defaults(func=cmd_diff_wikidata)
    # --- import and give back (Wikidata, CSV): end ---
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
