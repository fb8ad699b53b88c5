"""`citypact import wikidata`: Wikidata twinning results (P190) into partnerships, reconciled.

The fixture ``tests/data/import/wikidata-twinning.json`` is the answer of the shipped query
(``queries/external/wikidata_twinning.rq``, items Jakarta, Kuala Lumpur and Heidelberg) on the
Wikidata-shaped ``wikidata-twinning.ttl``; a test keeps the two in step. It holds the Jakarta
and Kuala Lumpur partnerships of facts.md that CityPact already has (Seoul, Berlin, Kuala Lumpur
both ways, Ankara) and one it does not (Heidelberg–Montpellier, 1961).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from citypact.cli import main
from citypact.curation.importing import wikidata
from citypact.curation.importing.records import DateValue
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.queries import load_query

from .conftest import TEST_DATA, require

IMPORT_DATA = TEST_DATA / "import"
RESULTS = IMPORT_DATA / "wikidata-twinning.json"
WIKIDATA_TTL = IMPORT_DATA / "wikidata-twinning.ttl"
MALFORMED = IMPORT_DATA / "broken" / "wikidata-malformed.json"
ITEMS = ["Q3630", "Q1865", "Q2966"]
ID = "https://w3id.org/citypact/id/"
PREFIXES = """
PREFIX cp: <https://w3id.org/citypact/ontology#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
STATEMENT_PAGE = "https://www.wikidata.org/wiki/Q2966#Q2966$0A1B2C3D-0007-4000-8000-000000000007"


# --- helpers ---------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process: exit code, standard output, standard error."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def select(data_dir: Path, query: str) -> list[dict[str, str]]:
    """A SELECT on the embedded store of ``data_dir`` (opened read-only), values as strings."""
    store = EmbeddedStore(data_dir, read_only=True)
    try:
        rows = store.select(PREFIXES + query).rows
        return [{k: v.value for k, v in row.items()} for row in rows]
    finally:
        store.close()


def submissions(data_dir: Path) -> int:
    """How many submissions the store's meta graph lists."""
    rows = select(
        data_dir,
        "SELECT (COUNT(?s) AS ?n) WHERE { GRAPH <https://w3id.org/citypact/graph/meta> "
        "{ ?s a prov:Bundle } }",
    )
    return int(rows[0]["n"])


def triples(data_dir: Path) -> int:
    """How many quads the store holds."""
    rows = select(data_dir, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"])


def init_store(data_dir: Path) -> None:
    """Create the store with the bundled data, as the first command would."""
    store = EmbeddedStore(data_dir)
    ensure_bundled_data(store)
    store.close()


def query_fixture(items: list[str]) -> dict[str, object]:
    """The shipped query run on the Wikidata-shaped fixture (in memory), as SPARQL JSON."""
    store = ox.Store()
    store.load(path=str(WIKIDATA_TTL), format=ox.RdfFormat.TURTLE)
    result = store.query(wikidata.query_text(items))
    assert isinstance(result, ox.QuerySolutions)
    return json.loads(result.serialize(format=ox.QueryResultsFormat.JSON))  # type: ignore[no-any-return]


def canonical(bindings: list[dict[str, object]]) -> list[str]:
    return sorted(json.dumps(b, sort_keys=True) for b in bindings)


# --- the query and the reader ----------------------------------------------------------------


def test_shipped_query_has_a_valid_header_and_parses() -> None:
    query = load_query(wikidata.query_path())
    assert "P190" in query.question
    assert query.parameters == ()
    for column in ("item", "partner", "statement", "start", "startPrecision", "end", "refURL"):
        assert column in query.columns
    assert "VALUES ?item { wd:Q3630 wd:Q1865 }" in query.text
    assert "VALUES ?item { wd:Q2966 }" in wikidata.query_text(["Q2966"])


def test_fixture_json_is_the_shipped_query_on_the_fixture_ttl() -> None:
    saved = json.loads(RESULTS.read_text(encoding="utf-8"))
    fresh = query_fixture(ITEMS)
    assert canonical(saved["results"]["bindings"]) == canonical(fresh["results"]["bindings"])  # type: ignore[index]
    assert len(saved["results"]["bindings"]) == 6  # the deprecated Jakarta–Paris is left out


def test_reader_groups_statements_and_merges_both_directions() -> None:
    read = wikidata.read_statements(wikidata.read_results(RESULTS), str(RESULTS))
    assert not read.problems
    assert read.subjects == {"Q3630", "Q1865", "Q2966"}
    records, notes = wikidata.partnerships(read.statements)
    assert not notes
    pairs = {frozenset((r.city.wikidata, r.partner.wikidata)): r for r in records}
    assert len(records) == 5
    kl = pairs[frozenset(("Q3630", "Q1865"))]  # stated on both items: one record
    assert kl.start == DateValue(date(2025, 8, 11), "day")
    assert len([s for s in kl.sources if s.kind == "wikidata"]) == 2
    montpellier = pairs[frozenset(("Q2966", "Q6441"))]
    assert montpellier.start == DateValue.of_year(1961)
    assert montpellier.partner.wkt == "POINT(3.876944 43.611944)"
    assert montpellier.partner.country is not None
    assert montpellier.partner.country.wikidata == "Q142"
    assert montpellier.partner.country.labels == {"en": "France", "id": "Prancis", "ms": "Perancis"}
    assert [s.url for s in montpellier.sources] == [
        "https://www.heidelberg.de/511803.html",
        STATEMENT_PAGE,
    ]


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("1993-04-22T00:00:00Z", "11", "1993-04-22"),
        ("1961-01-01T00:00:00Z", "9", "1961"),
        ("1989-04-01T00:00:00Z", "10", "1989"),  # a month: the model keeps the year
        ("1984-01-01T00:00:00Z", None, "1984"),  # no precision column: 1 January is a year
        ("1984-02-01T00:00:00Z", None, "1984-02-01"),
    ],
)
def test_time_precision(value: str, precision: str | None, expected: str) -> None:
    row = {"start": {"type": "literal", "value": value}}
    if precision:
        row["startPrecision"] = {"type": "literal", "value": precision}
    assert str(wikidata._time(row, "start")) == expected


def test_coordinates_of_other_globes_are_ignored() -> None:
    assert wikidata.point_wkt("Point(8.695 49.409)") == "POINT(8.695 49.409)"
    assert wikidata.point_wkt("<http://www.wikidata.org/entity/Q405> Point(1 2)") is None
    assert wikidata.point_wkt("Point(500 2)") is None


# --- importing into the embedded store -------------------------------------------------------


def test_import_adds_the_new_partnership_and_reuses_what_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    code, out, err = run(capsys, "import", "wikidata", str(RESULTS), "--data-dir", str(data))
    assert code == 0, err
    assert "6 result row(s), 6 P190 statement(s)" in out
    assert "new partnerships: 1: Heidelberg – Montpellier since 1961" in out
    assert "already present (skipped): 4" in out
    for pair in ("Jakarta – Seoul", "Jakarta – Berlin", "Kuala Lumpur – Ankara"):
        assert pair in out
    assert "reused places: 6" in out
    assert "new places: 1: Montpellier" in out
    assert "accepted: https://w3id.org/citypact/graph/submission/" in out
    assert submissions(data) == 1

    # Jakarta is still one node, with its one government.
    jakarta = select(data, "SELECT ?place WHERE { ?place cp:wikidataItem wd:Q3630 }")
    assert jakarta == [{"place": ID + "city/jakarta"}]
    governments = select(data, f"SELECT ?g WHERE {{ ?g cp:governs <{ID}city/jakarta> }}")
    assert governments == [{"g": ID + "government/dki-jakarta"}]
    # Places without an item got theirs by name and country (no second Berlin or Ankara).
    for qid, place in (("Q64", "city/berlin"), ("Q3640", "city/ankara"), ("Q43", "country/turkey")):
        rows = select(data, f"SELECT ?place WHERE {{ ?place cp:wikidataItem wd:{qid} }}")
        assert rows == [{"place": ID + place}]
    berlins = select(data, 'SELECT ?p WHERE { ?p a cp:City ; rdfs:label "Berlin"@en }')
    assert len(berlins) == 1
    # No second Jakarta–Seoul partnership.
    seoul = select(
        data,
        f"SELECT ?p WHERE {{ ?p cp:partner <{ID}government/dki-jakarta> , "
        f"<{ID}government/seoul> }}",
    )
    assert seoul == [{"p": ID + "partnership/jakarta-seoul"}]

    # The new partnership: its start year, its places and its sources.
    partnership = ID + "partnership/heidelberg-montpellier"
    rows = select(
        data,
        f"""SELECT ?year ?type ?city ?country ?wkt WHERE {{
            <{partnership}> cp:startYear ?year ; cp:partnershipType ?type ;
                cp:partner <{ID}government/heidelberg> , ?gov .
            ?gov cp:governs ?city . ?city a cp:City ; cp:wikidataItem wd:Q6441 ;
                cp:country ?country ; geo:hasGeometry/geo:asWKT ?wkt .
        }}""",
    )
    assert rows == [
        {
            "year": "1961",
            "type": "https://w3id.org/citypact/ontology#SisterCity",
            "city": ID + "city/montpellier",
            "country": ID + "country/france",
            "wkt": "POINT(3.876944 43.611944)",
        }
    ]
    sources = select(
        data,
        f"""SELECT ?source ?url WHERE {{
            <{partnership}> prov:wasDerivedFrom ?source .
            ?source a cp:WebPage ; schema:url ?url }} ORDER BY ?url""",
    )
    assert sources == [
        {
            "source": ID + "source/heidelberg-de-511803",
            "url": "https://www.heidelberg.de/511803.html",
        },
        {"source": ID + "source/wikidata-q2966-p190-q6441", "url": STATEMENT_PAGE},
    ]
    cites = select(
        data,
        f"SELECT ?cited WHERE {{ <{ID}source/wikidata-q2966-p190-q6441> cp:citesSource ?cited }}",
    )
    assert cites == [{"cited": ID + "source/heidelberg-de-511803"}]


def test_reimporting_the_same_file_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    assert run(capsys, "import", "wikidata", str(RESULTS), "--data-dir", str(data))[0] == 0
    before = triples(data)
    code, out, _err = run(capsys, "import", "wikidata", str(RESULTS), "--data-dir", str(data))
    assert code == 0
    assert "new partnerships: 0" in out
    assert "already present (skipped): 5" in out
    assert "nothing new to import; nothing was stored" in out
    assert submissions(data) == 1
    assert triples(data) == before


# --- bad input: nothing is stored ------------------------------------------------------------


def test_malformed_json_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    init_store(data)
    code, _out, err = run(capsys, "import", "wikidata", str(MALFORMED), "--data-dir", str(data))
    assert code == 2
    assert str(MALFORMED) in err
    assert "not valid JSON" in err and "line " in err
    assert submissions(data) == 0


def test_json_that_is_not_sparql_results_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"items": ["Q3630"]}', encoding="utf-8")
    code, _out, err = run(
        capsys, "import", "wikidata", str(path), "--data-dir", str(tmp_path / "s")
    )
    assert code == 2
    assert f"{path}: not SPARQL JSON results" in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.json"
    code, _out, err = run(capsys, "import", "wikidata", str(missing), "--data-dir", str(tmp_path))
    assert code == 2
    assert str(missing) in err


def test_a_row_that_cannot_be_read_exits_1_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    bindings = results["results"]["bindings"]
    number = next(i for i, b in enumerate(bindings, 1) if b["partner"]["value"].endswith("/Q6441"))
    bindings[number - 1]["start"]["value"] = "sometime in the sixties"
    path = tmp_path / "bad-row.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    data = tmp_path / "store"
    init_store(data)
    code, _out, err = run(capsys, "import", "wikidata", str(path), "--data-dir", str(data))
    assert code == 1
    assert f"{path}: result row {number}: ?start 'sometime in the sixties'" in err
    assert "nothing was stored" in err
    assert submissions(data) == 0
    # With --skip-bad the other statements are imported (here: nothing new besides links).
    code, out, err = run(
        capsys, "import", "wikidata", str(path), "--skip-bad", "--data-dir", str(data)
    )
    assert code == 0, err
    assert "new partnerships: 0" in out
    assert submissions(data) == 1


# --- --endpoint: the query through SPARQLWrapper, on a local Oxigraph server -----------------


@pytest.mark.servers
def test_endpoint_runs_the_shipped_query(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .servers import oxigraph_available, start_oxigraph

    require(oxigraph_available(), "the Oxigraph server (pip install oxigraph)")
    server = start_oxigraph(tmp_path / "oxigraph")
    try:
        assert server.gsp_url is not None
        request = urllib.request.Request(
            server.gsp_url + "?default",
            data=WIKIDATA_TTL.read_bytes(),
            method="POST",
            headers={"Content-Type": "text/turtle"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201, 204)
        saved, data = tmp_path / "saved.json", tmp_path / "store"
        items = [arg for qid in ITEMS for arg in ("--item", qid)]
        argv = ["import", "wikidata", str(saved), "--endpoint", server.query_url, *items]
        code, out, err = run(capsys, *argv, "--data-dir", str(data))
    finally:
        server.stop()
    assert code == 0, err
    assert f"{server.query_url}: 6 result row(s), 6 P190 statement(s)" in out
    assert "new partnerships: 1: Heidelberg – Montpellier since 1961" in out
    fetched = json.loads(saved.read_text(encoding="utf-8"))["results"]["bindings"]
    expected = json.loads(RESULTS.read_text(encoding="utf-8"))["results"]["bindings"]
    assert canonical(fetched) == canonical(expected)
    rows = select(
        data, f"SELECT ?y WHERE {{ <{ID}partnership/heidelberg-montpellier> cp:startYear ?y }}"
    )
    assert rows == [{"y": "1961"}]


def test_unreachable_endpoint_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .servers import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    code, _out, err = run(
        capsys, "import", "wikidata", "--endpoint", url, "--data-dir", str(tmp_path / "s")
    )
    assert code == 2
    assert url in err


# --- --server: reconciled on the server's /sparql, posted to /api/submissions ----------------


@pytest.fixture
def citypact_server(tmp_path: Path) -> Iterator[str]:
    """A ``citypact serve`` process with a write token; yields its base URL."""
    from .servers import free_port

    port = free_port()
    env = {
        **os.environ,
        "CITYPACT_DATA_DIR": str(tmp_path / "server-store"),
        "CITYPACT_HOST": "127.0.0.1",
        "CITYPACT_PORT": str(port),
        "CITYPACT_LOG_LEVEL": "warning",
        "CITYPACT_WRITE_TOKENS": "test-token",
    }
    env.pop("CITYPACT_SPARQL_ENDPOINT", None)
    log = tmp_path / "server.log"
    command = [sys.executable, "-c", "import sys; from citypact.cli import main; sys.exit(main())"]
    with open(log, "wb") as output:
        process = subprocess.Popen([*command, "serve"], env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"citypact serve exited:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"citypact serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_server_option_submits_through_the_api(
    citypact_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = citypact_server
    code, _out, err = run(
        capsys, "import", "wikidata", str(RESULTS), "--server", base, "--token", "wrong"
    )
    assert code == 2
    assert "403" in err
    code, out, err = run(
        capsys, "import", "wikidata", str(RESULTS), "--server", base, "--token", "test-token"
    )
    assert code == 0, err
    assert "new partnerships: 1: Heidelberg – Montpellier" in out
    assert "accepted: https://w3id.org/citypact/graph/submission/" in out
    with urllib.request.urlopen(base + "/api/submissions", timeout=10) as response:
        listed = json.loads(response.read())
    assert listed["count"] == 1
    # Reconciled against the server's graph: a second run finds everything there.
    code, out, _err = run(
        capsys, "import", "wikidata", str(RESULTS), "--server", base, "--token", "test-token"
    )
    assert code == 0
    assert "nothing new to import" in out


def test_readme_shows_the_shipped_query_and_the_csv_columns() -> None:
    from citypact.curation.importing.csv_table import COLUMNS

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Importing and giving back") :]
    text = wikidata.query_path().read_text(encoding="utf-8")
    body = text[text.index("PREFIX") :].strip()
    assert body in section
    for column in COLUMNS:
        assert f"`{column}`" in section
