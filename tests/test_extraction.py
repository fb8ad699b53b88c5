"""From news to triples: the article extractor, its evaluation on the seed articles, the
``citypact extract`` command, ``POST /api/extract`` and the review page."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from rdflib import Graph, URIRef

from citypact.app import create_app
from citypact.cli import main
from citypact.extraction.article import read_article
from citypact.extraction.dates import find_dates, parse_date, relative_day
from citypact.extraction.evaluation import EVALUATED_KINDS, evaluate, load_cases
from citypact.extraction.gazetteer import Gazetteer, normalise
from citypact.extraction.knowledge import extraction_queries
from citypact.extraction.language import detect_language
from citypact.namespaces import CP
from citypact.settings import Settings
from citypact.store.embedded import EmbeddedStore

from .conftest import ROOT

ARTICLES = ROOT / "tests" / "data" / "articles"
S0 = ARTICLES / "000_8c38530ddb7b0270.txt"
S1 = ARTICLES / "001_054a8cbca290f82a.txt"
TOKEN = "tok-extract-9Vd3kQ"


@pytest.fixture(scope="module")
def store(bundled_embedded_store: EmbeddedStore) -> EmbeddedStore:
    """An in-memory store with the bundled graph."""
    return bundled_embedded_store


@pytest.fixture(scope="module")
def gazetteer(store: EmbeddedStore) -> Gazetteer:
    return Gazetteer.from_store(store, extraction_queries())


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on an embedded store, with a write token."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("extract") / "store", write_tokens=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as test_client:
        yield test_client


# --- the evaluation ---------------------------------------------------------------------------


def test_seed_articles_reach_090_precision_and_recall_on_every_kind(store: EmbeddedStore) -> None:
    seeds = [c for c in load_cases() if c.file in (S0.name, S1.name)]
    assert len(seeds) == 2
    result = evaluate(store, cases=seeds)
    assert len(result.evaluated) == 2
    for kind in EVALUATED_KINDS:
        counts = result.kinds[kind]
        assert counts.expected > 0, kind
        assert counts.precision >= 0.9, (kind, counts.extras)
        assert counts.recall >= 0.9, (kind, counts.misses)


def test_articles_without_local_text_are_listed_with_their_url(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    result = evaluate(store, tmp_path)
    assert len(result.unavailable) >= 6
    report = result.report()
    assert "text not available here (fetch https://" in report
    assert "| overall |" in report


def test_manifest_holds_urls_and_no_third_party_text() -> None:
    manifest = json.loads((ARTICLES / "manifest.json").read_text(encoding="utf-8"))
    languages = {a["language"] for a in manifest["articles"]}
    assert len(manifest["articles"]) >= 6 and languages == {"id", "ms", "en"}
    for entry in manifest["articles"]:
        assert entry["url"].startswith(("https://", "http://")) and entry["expected"]
        assert not (ARTICLES / entry["file"]).exists()


# --- dates, language, gazetteer ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "article_date", "expected"),
    [
        ("dirilis pada Senin (11/8), menekankan", date(2025, 8, 11), date(2025, 8, 11)),
        ("dirilis pada Senin (11/8), menekankan", None, date(2025, 8, 11)),
        ("pada Senin (11/8/2025).", None, date(2025, 8, 11)),
        ("Selasa (27/5/2025)", None, date(2025, 5, 27)),
        ("- 11 Agt 2025", None, date(2025, 8, 11)),
        ("11/8/2025", None, date(2025, 8, 11)),
        ("on 27 May 2025 at City Hall", None, date(2025, 5, 27)),
        ("Khamis, 14 Ogos 2025", None, date(2025, 8, 14)),
        ("pada 12 Mac 2015", None, date(2015, 3, 12)),
        ("August 14, 2025", None, date(2025, 8, 14)),
        ("2025-08-11T09:00:00+07:00", None, date(2025, 8, 11)),
        ("Selasa (31/12)", date(2025, 1, 2), date(2024, 12, 31)),
    ],
)
def test_dates(text: str, article_date: date | None, expected: date) -> None:
    assert parse_date(text, article_date, today=date(2026, 11, 28)) == expected


def test_date_spans_point_into_the_text() -> None:
    text = "Penandatanganan pada Senin (11/8/2025) di Kuala Lumpur."
    (found,) = find_dates(text)
    assert text[found.start : found.end] == "Senin (11/8/2025)"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (S0.read_text(encoding="utf-8"), "id"),
        (S1.read_text(encoding="utf-8"), "id"),
        (
            "Datuk Bandar Kuala Lumpur berkata kerjasama itu termeterai menerusi memorandum "
            "persefahaman dan turut melibatkan pengangkutan awam serta pelancongan.",
            "ms",
        ),
        (
            "The Mayor of Kuala Lumpur said the memorandum of understanding was signed with the "
            "city council of Kuching South, and that it covers public transport.",
            "en",
        ),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("name", "iri"),
    [
        ("Gubernur DKI Jakarta", "post/governor-of-jakarta"),
        ("Wali Kota Kuala Lumpur", "post/mayor-of-kuala-lumpur"),
        ("Datuk Bandar Kuala Lumpur", "post/mayor-of-kuala-lumpur"),
        ("banjir", "sector/flood-management"),
        ("pencegahan dan penanggulangan banjir", "sector/flood-management"),
        ("Dato’ Seri Maimunah", "person/maimunah-mohd-sharif"),
        ("DATO' SERI MAIMUNAH", "person/maimunah-mohd-sharif"),
        ("Pramono", "person/pramono-anung"),
        ("Pemprov DKI Jakarta", "government/dki-jakarta"),
        ("kemacetan lalu lintas", "challenge/traffic-congestion"),
        ("Nota Kesepahaman", "MemorandumOfUnderstanding"),
        ("Memorandum Persefahaman", "MemorandumOfUnderstanding"),
    ],
)
def test_gazetteer_matches_names_in_every_language(
    gazetteer: Gazetteer, name: str, iri: str
) -> None:
    (match,) = gazetteer.find(f"  {name}, ")
    assert match.text == name
    assert any(str(e.iri).endswith(iri) for e in match.entries)


def test_gazetteer_knows_bare_post_titles(gazetteer: Gazetteer) -> None:
    (match,) = gazetteer.find("Datuk Bandar")
    assert match.kinds == {"title"}


def test_normalise_ignores_case_diacritics_and_apostrophes() -> None:
    assert normalise("Dato’  Séri") == normalise("dato' seri") == "dato' seri"


# --- citypact extract -------------------------------------------------------------------------


def test_cli_extract_writes_turtle_that_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(S1)]) == 0
    captured = capsys.readouterr()
    graph = Graph().parse(data=captured.out, format="turtle")
    agreement = URIRef("https://w3id.org/citypact/id/agreement/jakarta-kuala-lumpur-loi-2025-08-11")
    assert (agreement, CP.documentType, CP.LetterOfIntent) in graph
    assert any(graph.objects(None, CP.evidence))
    assert any(graph.subjects(CP.needsReview, None))
    assert "0 violation(s)" in captured.err


def test_cli_extract_reads_standard_input_and_writes_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(S0.read_text(encoding="utf-8")))
    assert main(["extract", "-", "--format", "json", "--lang", "id"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["language"] == "id" and answer["validation"]["conforms"]
    assert {s["kind"] for s in answer["statements"]} >= {"agreement", "sectors", "quotations"}


def test_cli_extract_refuses_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "/nonexistent/article.txt"]) == 2


def test_cli_submit_accepts_standard_input() -> None:
    from citypact.cli import build_parser

    args = build_parser().parse_args(["submit", "-", "--server", "http://127.0.0.1:1"])
    assert args.file == "-"


# --- POST /api/extract ------------------------------------------------------------------------


def test_api_extract_returns_statements_with_evidence_offsets(client: TestClient) -> None:
    response = client.post(
        "/api/extract", content=S1.read_bytes(), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    text = answer["article"]["text"]
    assert answer["validation"]["conforms"] is True
    assert answer["article"]["outlet"] == "KBRN"
    kinds = {s["kind"] for s in answer["statements"]}
    assert kinds >= {"agreement", "date", "parties", "signatories", "sectors", "challenges"}
    for st in answer["statements"]:
        ev = st["evidence"]
        if ev["end"] > ev["start"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]
        assert {"subject", "predicate", "object", "new_entities"} <= set(st)
    assert any(st["new_entities"] for st in answer["statements"])
    Graph().parse(data=answer["turtle"], format="turtle")


def test_api_extract_reads_html_and_parameters(client: TestClient) -> None:
    body = S0.read_text(encoding="utf-8").replace("\n\n", "</p>\n<p>")
    html = (
        '<html><head><meta property="og:title" content="Jakarta dan Kuala Lumpur">'
        '<meta property="og:site_name" content="Contoh"><script>var x = 1;</script></head>'
        f"<body><article><p>{body}</p></article></body></html>"
    )
    response = client.post(
        "/api/extract?lang=id&date=2025-08-11",
        content=html.encode(),
        headers={"Content-Type": "text/html"},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["article"]["date"] == "2025-08-11" and answer["article"]["outlet"] == "Contoh"
    assert "var x" not in answer["article"]["text"]
    assert any(s["kind"] == "sectors" for s in answer["statements"])


def test_api_extract_refuses_other_media_types(client: TestClient) -> None:
    response = client.post(
        "/api/extract", content=b"{}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 415
    assert client.post("/api/extract?lang=fr", content=b"x").status_code == 422


# --- the review page --------------------------------------------------------------------------


def _form(client: TestClient, path: str, fields: list[tuple[str, str]]) -> Response:
    """POST an HTML form (repeated names kept, as a browser sends checkboxes)."""
    return client.post(
        path,
        content=urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def test_review_page_is_a_form_without_scripts(client: TestClient) -> None:
    response = client.get("/review")
    assert response.status_code == 200
    assert '<form method="post" action="/review"' in response.text
    assert "<script" not in response.text.lower()


def test_review_flow_submits_only_the_accepted_statements(client: TestClient) -> None:
    article = S0.read_text(encoding="utf-8")
    page = _form(client, "/review", [("article", article), ("lang", ""), ("date", "")])
    assert page.status_code == 200, page.text
    assert "<mark>" in page.text and 'type="password"' in page.text
    assert "<script" not in page.text.lower()
    ids = re.findall(r'name="accept" value="(s\d+)"', page.text)
    proposal = client.post(
        "/api/extract", content=article.encode(), headers={"Content-Type": "text/plain"}
    ).json()
    by_id = {s["id"]: s for s in proposal["statements"]}
    assert set(ids) == set(by_id)
    quotations = [i for i in ids if by_id[i]["kind"] == "quotations"]
    accepted = [i for i in ids if by_id[i]["kind"] in ("agreement", "sectors")] + quotations[:1]
    rejected = quotations[1:]
    fields = [("article", article), ("lang", ""), ("date", ""), ("note", "review test")]
    refused = _form(
        client, "/review/submit", [*fields, ("token", "wrong"), *(("accept", i) for i in accepted)]
    )
    assert refused.status_code == 403
    done = _form(
        client, "/review/submit", [*fields, ("token", TOKEN), *(("accept", i) for i in accepted)]
    )
    assert done.status_code == 201, done.text
    ident = re.search(r"/api/submissions/([0-9T-]+[0-9a-f]+)", done.text)
    assert ident is not None
    service = client.app.state.submissions  # type: ignore[attr-defined]
    stored = service.triples(ident.group(1))
    subjects = {str(s) for s in stored.subjects()}
    assert by_id[quotations[0]]["subject"] in subjects
    for i in rejected:
        assert by_id[i]["subject"] not in subjects
    assert (None, CP.evidence, None) in stored
    (meta,) = service.describe(ident.group(1))
    assert meta.get("note") == "review test"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pada 3hb. Mac 2024 kedua-dua majlis bertemu.", date(2024, 3, 3)),
        ("The mayors met on Tuesday (Mar 5) in the city.", date(2024, 3, 5)),
        ("SOMEWHERE, Mar 6: The council signed a pact.", date(2024, 3, 6)),
    ],
)
def test_dates_without_a_year_or_with_malay_day_marks(text: str, expected: date) -> None:
    assert find_dates(text, date(2024, 3, 10))[0].value == expected


def test_relative_days_count_from_the_article_date() -> None:
    assert relative_day("The pact was signed here yesterday.", date(2024, 3, 6)) == date(2024, 3, 5)
    assert relative_day("Perjanjian ditandatangani hari ini.", date(2024, 3, 6)) == date(2024, 3, 6)
    assert relative_day("No day is named.", date(2024, 3, 6)) is None


def test_header_byline_splits_author_date_and_editor() -> None:
    raw = "A Made Up Title About Two Towns\n\n"
    raw += "Oleh Ani, Senin, 4 Mar 2024 | 10:00 WIB - Redaktur: Budi\n\n"
    raw += "Kota A dan Kota B sepakat bekerja sama dalam berbagai bidang pembangunan kota hari ini."
    article = read_article(raw)
    assert (article.author, article.editor, article.date) == ("Ani", "Budi", date(2024, 3, 4))


def test_outlet_from_dateline_team_byline_and_copyright() -> None:
    body = "Two towns agreed today to cooperate on many matters of shared interest and growth."
    assert read_article(f"TOWNVILLE, EXAMPLENEWS.COM – {body}").outlet == "EXAMPLENEWS.COM"
    assert read_article(f"By Example Daily Team\n{body}").outlet == "Example Daily"
    assert read_article(f"{body}\n© 2024 Example Centre. All rights reserved.").outlet == (
        "Example Centre"
    )
    assert read_article(f"SOMEWHERE, Mar 6: {body}").outlet is None


def test_review_page_takes_the_article_url(client: TestClient) -> None:
    article = "KUCHING, Aug 14: " + S0.read_text(encoding="utf-8")
    form = client.get("/review")
    assert 'name="url"' in form.text
    page = _form(
        client,
        "/review",
        [("article", article), ("url", "https://news.example.org/2025/08/14/kl-jakarta/")],
    )
    assert page.status_code == 200, page.text
    assert 'value="https://news.example.org/2025/08/14/kl-jakarta/"' in page.text
    assert "date: 2025-08-14" in page.text
    bad = _form(client, "/review", [("article", article), ("url", "javascript:alert(1)")])
    assert bad.status_code == 422


def test_extract_of_an_article_whose_url_is_no_iri_is_not_a_crash(client: TestClient) -> None:
    """Regression (issue 16): an article URL that is not an absolute IRI (a relative og:url, as
    many sites have, or one with `<`) became the source's schema:url and broke the validation
    query: 400 or 500 from /api/extract, a traceback from `citypact extract`. A relative page URL is
    resolved against the given one (or left out); a given one that is no IRI is refused (422)."""
    body = S0.read_text(encoding="utf-8").replace("\n\n", "</p>\n<p>")
    html = (
        '<html><head><meta property="og:url" content="/berita/jakarta-kuala-lumpur"></head>'
        f"<body><article><p>{body}</p></article></body></html>"
    ).encode()
    headers = {"Content-Type": "text/html"}
    alone = client.post("/api/extract", content=html, headers=headers)
    assert alone.status_code == 200, alone.text
    assert alone.json()["article"]["url"] is None
    given = client.post(
        "/api/extract?url=https://example.org/2025/08/12/news", content=html, headers=headers
    )
    assert given.status_code == 200, given.text
    assert given.json()["article"]["url"] == "https://example.org/berita/jakarta-kuala-lumpur"
    refused = client.post(
        "/api/extract?url=https://example.org/a<b>", content=html, headers=headers
    )
    assert refused.status_code == 422, refused.text
