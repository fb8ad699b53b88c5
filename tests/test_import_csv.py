"""`citypact import csv`: a sister-city table into partnerships, agreements and commitments.

``tests/data/import/sister-cities.csv`` holds partnerships of facts.md: Jakarta–Seoul (1984),
Jakarta–Berlin (LOI of 22 April 1993), Kuala Lumpur–Ankara (proclamation of 1 February 1984),
all already in the graph, and two it does not hold: Heidelberg–Cambridge (1965, heidelberg.de)
and Jakarta–Giessen (the wastewater letter of 17 December 2013; the table simplifies its parties,
the cities' wastewater companies PD PAL Jaya and MWB Giessen, to the two cities). Names are
matched in any language and case (``kuala lumpur``, ``Jerman``, ``Turki``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from citypact.curation.importing import csv_table
from citypact.namespaces import CP

from .test_import_wikidata import ID, init_store, run, select, submissions, triples

IMPORT_DATA = Path(__file__).parent / "data" / "import"
TABLE = IMPORT_DATA / "sister-cities.csv"
BROKEN = IMPORT_DATA / "broken"
HEADER = (
    "city,country,partner,partner_country,agreement_type,date,year,sectors,source_url,"
    "city_wikidata,partner_wikidata\n"
)
SECTOR = "https://w3id.org/citypact/id/sector/"


def test_table_import_creates_agreement_commitments_and_partnerships(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    code, out, err = run(capsys, "import", "csv", str(TABLE), "--data-dir", str(data))
    assert code == 0, err
    assert f"{TABLE}: 5 row(s)" in out
    assert "new partnerships: 2: Heidelberg – Cambridge since 1965" in out
    assert "Jakarta – Giessen" in out
    assert "new agreements: 1: Memorandum of Understanding of 2013-12-17" in out
    assert "already present (skipped): 3" in out
    assert "new places: 2: Cambridge; Giessen" in out
    assert "new countries: 1: United Kingdom" in out  # "Jerman" and "Turki" were recognised
    assert submissions(data) == 1

    agreement = ID + "agreement/jakarta-giessen-mou-2013-12-17"
    rows = select(
        data,
        f"""SELECT ?type ?date ?partnership ?partner WHERE {{
            <{agreement}> a cp:Agreement ; cp:documentType ?type ; cp:date ?date ;
                cp:partnership ?partnership ; cp:party <{ID}government/dki-jakarta> , ?partner .
            FILTER (?partner != <{ID}government/dki-jakarta>)
        }}""",
    )
    assert rows == [
        {
            "type": str(CP.MemorandumOfUnderstanding),
            "date": "2013-12-17",
            "partnership": ID + "partnership/jakarta-giessen",
            "partner": ID + "government/giessen",
        }
    ]
    commitments = select(
        data,
        f"""SELECT ?sector ?status ?url WHERE {{
            ?c cp:commitmentOf <{agreement}> ; cp:sector ?sector ; cp:status ?status ;
               prov:wasDerivedFrom/schema:url ?url }} ORDER BY ?sector""",
    )
    assert commitments == [
        {
            "sector": SECTOR + "environment",
            "status": str(CP.Stated),
            "url": "https://news.detik.com/berita/d-2445976",
        },
        {
            "sector": SECTOR + "water-sanitation",  # "air limbah", the Indonesian label
            "status": str(CP.Stated),
            "url": "https://news.detik.com/berita/d-2445976",
        },
    ]
    attested = select(
        data, f"SELECT ?d WHERE {{ <{ID}partnership/jakarta-giessen> cp:attestedOn ?d }}"
    )
    assert attested == [{"d": "2013-12-17"}]
    # The year-only row: a partnership with cp:startYear, a new city in a new country.
    rows = select(
        data,
        f"""SELECT ?year ?country WHERE {{
            <{ID}partnership/heidelberg-cambridge> cp:startYear ?year ;
                cp:partner <{ID}government/heidelberg> , ?gov .
            ?gov cp:governs <{ID}city/cambridge> .
            <{ID}city/cambridge> cp:country ?country .
            ?country a cp:Country ; rdfs:label "United Kingdom"@en }}""",
    )
    assert rows == [{"year": "1965", "country": ID + "country/united-kingdom"}]
    # Nothing duplicated: one Jakarta, one Ankara, one Jakarta–Berlin LOI.
    assert select(data, "SELECT ?p WHERE { ?p cp:wikidataItem wd:Q3630 }") == [
        {"p": ID + "city/jakarta"}
    ]
    assert len(select(data, 'SELECT ?p WHERE { ?p rdfs:label "Ankara"@en }')) == 1
    lois = select(
        data,
        f"SELECT ?a WHERE {{ ?a cp:partnership <{ID}partnership/jakarta-berlin> ; "
        f'cp:date "1993-04-22"^^<http://www.w3.org/2001/XMLSchema#date> }}',
    )
    assert lois == [{"a": ID + "agreement/jakarta-berlin-loi-1993-04-22"}]


def test_reimporting_the_table_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    assert run(capsys, "import", "csv", str(TABLE), "--data-dir", str(data))[0] == 0
    before = triples(data)
    code, out, _err = run(capsys, "import", "csv", str(TABLE), "--data-dir", str(data))
    assert code == 0
    assert "already present (skipped): 5" in out
    assert "nothing new to import" in out
    assert submissions(data) == 1
    assert triples(data) == before


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "csv-missing-column.csv",
            "row 3: the row has 7 field(s) but the header has 11: missing column(s) sectors",
        ),
        ("csv-unknown-sector.csv", "row 3: unknown sector 'space tourism'"),
        ("csv-bad-date.csv", "row 3: unparseable date '22/04/1993' (expected YYYY-MM-DD)"),
    ],
)
def test_rows_that_cannot_be_mapped_exit_1_and_store_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    data = tmp_path / "store"
    init_store(data)
    before = triples(data)
    path = BROKEN / name
    code, _out, err = run(capsys, "import", "csv", str(path), "--data-dir", str(data))
    assert code == 1
    assert f"{path}: {reason}" in err
    assert "nothing was stored" in err
    assert submissions(data) == 0
    assert triples(data) == before


def test_skip_bad_imports_the_other_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "store"
    path = BROKEN / "csv-unknown-sector.csv"
    code, out, err = run(capsys, "import", "csv", str(path), "--skip-bad", "--data-dir", str(data))
    assert code == 0, err
    assert f"{path}: row 3: unknown sector 'space tourism'" in err
    assert "new partnerships: 1: Heidelberg – Cambridge" in out
    assert submissions(data) == 1
    assert not select(data, f"SELECT ?p WHERE {{ <{ID}city/giessen> ?p ?o }}")


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            "Jakarta,Indonesia,Oslo,Norway,treaty,,2001,,https://e.org/x,,",
            "unknown agreement type 'treaty'",
        ),
        (
            "Jakarta,Indonesia,Oslo,Norway,MoU,2001-02-30,,,https://e.org/x,,",
            "unparseable date '2001-02-30'",
        ),
        ("Jakarta,Indonesia,Oslo,Norway,MoU,,20O1,,https://e.org/x,,", "unparseable year '20O1'"),
        ("Jakarta,Indonesia,Oslo,Norway,MoU,,,,https://e.org/x,,", "no date (YYYY-MM-DD) or year"),
        (
            "Jakarta,Indonesia,,Norway,MoU,,2001,,https://e.org/x,,",
            "missing value for column 'partner'",
        ),
        ("Jakarta,Indonesia,Oslo,Norway,MoU,,2001,,www.e.org,,", "source_url 'www.e.org' is not"),
        (
            "Jakarta,Indonesia,Oslo,Norway,MoU,,2001,,https://e.org/x,Jakarta,",
            "city_wikidata 'Jakarta'",
        ),
        ("Jakarta,Indonesia,Oslo,Norway,MoU,2001-02-03,2002,,https://e.org/x,,", "disagree"),
        ("Jakarta,Indonesia,Jakarta,Indonesia,MoU,,2001,,https://e.org/x,,", "its own partner"),
    ],
)
def test_row_problems_name_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, reason: str
) -> None:
    path = tmp_path / "table.csv"
    good = "Heidelberg,Germany,Cambridge,United Kingdom,sister city,,1965,,https://e.org/h,,\n"
    path.write_text(HEADER + good + row + "\n", encoding="utf-8")
    data = tmp_path / "store"
    code, _out, err = run(capsys, "import", "csv", str(path), "--data-dir", str(data))
    assert code == 1
    assert f"{path}: row 3: " in err
    assert reason in err


def test_header_without_a_column_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "no-sectors.csv"
    path.write_text(
        "city,country,partner,partner_country,agreement_type,year,source_url\n"
        "Heidelberg,Germany,Cambridge,United Kingdom,sister city,1965,https://e.org/h\n",
        encoding="utf-8",
    )
    code, _out, err = run(capsys, "import", "csv", str(path), "--data-dir", str(tmp_path / "s"))
    assert code == 2
    assert f"{path}: row 1: the header lacks column(s): sectors" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"city,country\n\xff\xfe\n", "not UTF-8 text"), (b"", "the file is empty")],
)
def test_unreadable_tables_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(content)
    code, _out, err = run(capsys, "import", "csv", str(path), "--data-dir", str(tmp_path / "s"))
    assert code == 2
    assert str(path) in err and message in err


@pytest.mark.parametrize(
    ("name", "partnership_type", "document_type"),
    [
        ("LOI", CP.UnspecifiedPartnership, CP.LetterOfIntent),
        ("letter-of-intent", CP.UnspecifiedPartnership, CP.LetterOfIntent),
        ("Surat Pernyataan Kehendak", CP.UnspecifiedPartnership, CP.LetterOfIntent),
        ("MoU", CP.UnspecifiedPartnership, CP.MemorandumOfUnderstanding),
        ("Nota Kesepahaman", CP.UnspecifiedPartnership, CP.MemorandumOfUnderstanding),
        ("Sister-City Agreement", CP.SisterCity, CP.SisterCityAgreement),
        ("proclamation", CP.UnspecifiedPartnership, CP.Proclamation),
        ("sister city", CP.SisterCity, None),
        ("자매도시", CP.SisterCity, None),
        ("우호도시", CP.FriendshipCity, None),
        ("kerja sama", CP.Cooperation, None),
    ],
)
def test_agreement_type_names(name: str, partnership_type: str, document_type: str | None) -> None:
    assert csv_table.agreement_type(name) == (partnership_type, document_type)


def test_a_document_type_row_does_not_make_a_sister_city_partnership(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Regression (issue 16): a row whose agreement_type is MoU or LOI made a partnership
    labelled "sister-city partnership"; only rows that say sister city make one."""
    path = tmp_path / "mou.csv"
    path.write_text(
        HEADER
        + "Jakarta,Indonesia,Oslo,Norway,MoU,2001-02-03,,trade,https://e.org/x,,\n"
        + "Jakarta,Indonesia,Bergen,Norway,sister city,,1999,,https://e.org/y,,\n"
    )
    store_dir = tmp_path / "s"
    code, _out, err = run(capsys, "import", "csv", str(path), "--data-dir", str(store_dir))
    assert code == 0, err
    rows = select(
        store_dir,
        "SELECT ?partnerLabel ?type ?label WHERE { ?p a cp:Partnership ; "
        "cp:partnershipType ?type ; rdfs:label ?label ; cp:partner ?gov . "
        "?gov cp:governs ?place . ?place rdfs:label ?partnerLabel . "
        "FILTER(STR(?partnerLabel) IN ('Oslo', 'Bergen')) }",
    )
    found = {(r["partnerLabel"], r["type"]) for r in rows}
    assert found == {("Oslo", str(CP.UnspecifiedPartnership)), ("Bergen", str(CP.SisterCity))}
    oslo_labels = {r["label"] for r in rows if r["partnerLabel"] == "Oslo"}
    assert not any("sister" in label.lower() for label in oslo_labels), oslo_labels


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("flood-management", "flood-management"),
        ("Urban Planning", "urban-planning"),
        ("city planning", "urban-planning"),
        ("perumahan", "housing"),
        ("pengangkutan awam", "public-transport"),
        ("air limbah", "water-sanitation"),
    ],
)
def test_sector_names_in_any_language(name: str, slug: str) -> None:
    assert csv_table.sector(name) == URIRef(SECTOR + slug)


def test_a_dated_row_with_a_partnership_type_makes_a_sister_city_agreement(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        HEADER + "Jakarta,Indonesia,Oslo,Norway,sister city,2001-02-03,,trade,https://e.org/x,,\n",
        encoding="utf-8",
    )
    read = csv_table.read_table(path)
    assert not read.problems
    (record,) = read.records
    assert record.agreement is not None
    assert record.agreement.document_type == CP.SisterCityAgreement
    assert record.agreement.sectors == (csv_table.sector("trade"),)
    assert record.start is None
