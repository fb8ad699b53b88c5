"""Commands that exchange data with the outside: imports, Wikidata export and diff, extraction
from news articles.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from citypact.cli.common import (
    EXIT_INPUT,
    EXIT_INVALID,
    EXIT_OK,
    UsageError,
    say_error,
    settings_from,
    web_address,
)
from citypact.curation.importing.records import PartnershipInput, Problem
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import StoreError


def _run_import(
    args: argparse.Namespace,
    what: str,
    source: str,
    read: tuple[Sequence[PartnershipInput], Sequence[Problem], Sequence[str]],
) -> int:
    """Reconcile, map, validate and store the records of a reader as one submission."""
    from citypact.curation.importing.commit import Target, run_import
    from citypact.curation.submissions import SubmissionMeta

    records, problems, notes = read
    target = Target(
        settings_from(args), args.server, args.token, timeout=args.timeout, strict=args.strict
    )
    note = args.note or f"Imported from {what}: {source}"
    meta = SubmissionMeta(args.submitter, note, source)
    return run_import(records, problems, notes, target, meta, args.skip_bad)


def cmd_import_wikidata(args: argparse.Namespace) -> int:
    """Import Wikidata twinning results (a saved JSON file, or --endpoint) as one submission."""
    from citypact.curation.importing import wikidata

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
            say_error("give a results file (FILE.json) or --endpoint URL")
            return EXIT_INPUT
    except (wikidata.WikidataInputError, OSError) as err:
        say_error(str(err))
        return EXIT_INPUT
    read = wikidata.read_statements(bindings, source)
    records, notes = wikidata.partnerships(read.statements)
    print(f"{source}: {read.rows} result row(s), {len(read.statements)} P190 statement(s)")
    results = (records, read.problems, read.notes + notes)
    return _run_import(args, "Wikidata twinning results", source, results)


def cmd_import_csv(args: argparse.Namespace) -> int:
    """Import a sister-city table (CSV with the documented columns) as one submission."""
    from citypact.curation.importing import csv_table

    try:
        table = csv_table.read_table(args.file)
    except csv_table.CsvInputError as err:
        say_error(str(err))
        return EXIT_INPUT
    print(f"{args.file}: {table.rows} row(s)")
    results = (table.records, table.problems, table.notes)
    return _run_import(args, "a sister-city table", str(args.file), results)


def _wikidata_results(path: Path):  # type: ignore[no-untyped-def]
    from citypact.curation.importing import wikidata

    read = wikidata.read_statements(wikidata.read_results(path), str(path))
    for problem in read.problems:
        say_error(f"{problem} (row left out)")
    return read


def cmd_export_wikidata(args: argparse.Namespace) -> int:
    """Write QuickStatements for our partnerships (and start dates) that Wikidata lacks."""
    from citypact.curation.importing.commit import open_for_reading
    from citypact.curation.importing.wikidata import WikidataInputError
    from citypact.curation.wikidata_export import WikidataState, our_partnerships, quickstatements

    try:
        state = WikidataState.of(_wikidata_results(args.compare)) if args.compare else None
        store = open_for_reading(settings_from(args))
    except (WikidataInputError, StoreError) as err:
        say_error(str(err))
        return EXIT_INPUT
    try:
        export = quickstatements(our_partnerships(store), state)
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    finally:
        store.close()
    text = "".join(line + "\n" for line in export.lines)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as err:
            say_error(f"cannot write {args.output}: {err.strerror or err}")
            return EXIT_INPUT
        print(f"{args.output}: " + export.summary())
    else:
        sys.stdout.write(text)
        print(export.summary(), file=sys.stderr)
    return EXIT_OK


def cmd_diff_wikidata(args: argparse.Namespace) -> int:
    """Compare Wikidata twinning results with our partnerships: one-sided pairs, other dates."""
    from citypact.curation.importing.commit import open_for_reading
    from citypact.curation.importing.wikidata import WikidataInputError
    from citypact.curation.wikidata_export import diff, render_diff

    try:
        read = _wikidata_results(args.file)
        store = open_for_reading(settings_from(args))
    except (WikidataInputError, StoreError) as err:
        say_error(str(err))
        return EXIT_INPUT
    try:
        rows = diff(store, read)
    except StoreError as err:
        say_error(str(err))
        return EXIT_INPUT
    finally:
        store.close()
    sys.stdout.write(render_diff(rows, args.format))
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    """Propose graph additions from a news article; Turtle (or JSON) on standard output."""
    from datetime import date

    from citypact.extraction.service import extract_article

    try:
        article_date = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise UsageError(f"--date: expected YYYY-MM-DD, got {args.date!r}") from None
    if args.url is not None:
        web_address("--url", args.url)  # it becomes the source's schema:url, an IRI
    name = "<stdin>" if args.article == "-" else args.article
    try:
        raw = sys.stdin.read() if args.article == "-" else Path(args.article).read_text("utf-8")
    except OSError as err:
        say_error(f"cannot read {name}: {err.strerror or err}")
        return EXIT_INPUT
    except UnicodeDecodeError as err:
        say_error(f"cannot read {name}: not UTF-8 text (byte {err.start})")
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
    for line in done.standing():
        print(f"citypact: {line}", file=sys.stderr)
    for result in summary.get("results", []):
        if result["severity"] == "Violation":
            say_error(f"violation: {result['focus_node']}: {result['message']}")
    if done.refused:
        say_error(done.refused)
    return EXIT_OK if summary["conforms"] else EXIT_INVALID
