"""The researcher pages, server-rendered: home, search, map, example questions, timelines, the
readable overview of entity pages and the SPARQL editor page. On every store backend."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from citypact.resources import query_dir
from citypact.store.queries import QueryRegistry

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LOI = "/id/agreement/jakarta-kuala-lumpur-loi-2025-08-11"
LINE = re.compile(r'<line class="partnership" data-key="([^"]*)"')


class Page(HTMLParser):
    """Tags with their attributes, the text of the page, and the text of each heading."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, list[dict[str, str | None]]] = {}
        self.text: list[str] = []
        self.headings: list[str] = []
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.setdefault(tag, []).append(dict(attrs))
        if tag in ("h1", "h2", "h3"):
            self._heading = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3"):
            self._heading = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading:
            self.headings[-1] += data

    def hrefs(self) -> list[str]:
        return [str(a.get("href")) for a in self.tags.get("a", []) if a.get("href")]

    def plain(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.text))


def get_page(client: TestClient, path: str, status: int = 200, **params: str) -> Page:
    response = client.get(path, params=params, headers={"Accept": BROWSER})
    assert response.status_code == status, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    page = Page()
    page.feed(response.text)
    return page


def assert_accessible(page: Page) -> None:
    """Landmarks, a skip link, one h1, and a label for every form control."""
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in page.tags, landmark
    assert any(a.get("href") == "#main" for a in page.tags["a"])
    assert len(page.tags["h1"]) == 1
    labelled = {label.get("for") for label in page.tags.get("label", [])}
    for control in page.tags.get("input", []) + page.tags.get("select", []):
        assert control.get("id") in labelled, control


# --- home ---------------------------------------------------------------------------------------


def test_home_page_shows_what_the_graph_holds(api: TestClient) -> None:
    page = get_page(api, "/")
    assert_accessible(page)
    text = page.plain()
    assert "What the graph holds" in text and "Latest agreements" in text
    for name in ("agreement", "city", "partnership", "person", "sector"):
        assert re.search(rf"\b[1-9]\d* {name}\b", text), name
    assert LOI in page.hrefs()
    (form,) = page.tags["form"]
    assert form["action"] == "/search" and form["method"] == "get"
    assert any(i.get("name") == "q" for i in page.tags["input"])
    for href in ('"/dataset"', '"/ontology"', '"/dumps/"', '"/map"', '"/sparql"'):
        assert href.strip('"') in page.hrefs()


def test_home_page_links_every_example_question_to_its_answer(api: TestClient, registry) -> None:  # type: ignore[no-untyped-def]
    hrefs = get_page(api, "/").hrefs()
    # Every SELECT; submission_triples is a CONSTRUCT about a submission, which needs one.
    asked = [q.name for q in registry if q.name != "submission_triples"]
    assert len(asked) >= 10
    for name in asked:
        assert f"/questions/{name}" in hrefs, name
        assert f"/sparql?example={name}" in hrefs, name
    answer = get_page(api, "/questions/city_partners")
    assert "Kuala Lumpur" in answer.plain() and "/id/city/kuala-lumpur" in answer.hrefs()
    assert "table" in answer.tags
    signatories = get_page(api, "/questions/agreement_signatories").plain()
    assert "Pramono Anung" in signatories and "Maimunah Mohd Sharif" in signatories
    get_page(api, "/questions/no_such_question", status=404)


# --- search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("banjir", "/id/sector/flood-management"),
        ("kuala", "/id/city/kuala-lumpur"),
        ("KUALA", "/id/city/kuala-lumpur"),
        ("Pramono", "/id/person/pramono-anung"),
        ("pengurusan banjir", "/id/sector/flood-management"),
        ("Dewan Bandaraya", "/id/government/kuala-lumpur-city-hall"),
    ],
)
def test_search_finds_labels_in_every_language(api: TestClient, q: str, expected: str) -> None:
    page = get_page(api, "/search", q=q)
    assert expected in page.hrefs()
    assert_accessible(page)
    (field,) = [i for i in page.tags["input"] if i.get("name") == "q"]
    assert field["value"] == q


def test_search_without_a_match_or_a_term(api: TestClient) -> None:
    assert "Nothing in the graph" in get_page(api, "/search", q="zzqxj").plain()
    empty = api.get("/search", headers={"Accept": BROWSER})
    assert empty.status_code == 200 and 'id="results"' not in empty.text
    get_page(api, "/search", status=400, q="x" * 201)


@pytest.mark.parametrize(
    "q",
    [
        'kuala") } SELECT * WHERE { ?s ?p ?o } #',
        '" || true || "',
        "\\",
        "}} UNION {{",
        "'''",
        '"""} UNION { ?entity ?p ?label } #',
        "line\nbreak",
        "nul\x00byte",
    ],
)
def test_search_terms_reach_the_query_only_as_literals(api: TestClient, q: str) -> None:
    text = get_page(api, "/search", q=q).plain()
    assert "Nothing in the graph" in text


def test_search_terms_never_reach_a_query(registry) -> None:  # type: ignore[no-untyped-def]
    """The search index is read with queries that take no parameter: a term is matched in memory."""
    pages = QueryRegistry(query_dir() / "pages")
    for name in ("search_names", "search_types"):
        assert pages[name].parameters == ()
    text = pages["search_names"].text
    for prop in ("rdfs:label", "skos:prefLabel", "skos:altLabel"):
        assert prop in text


def test_search_ranks_exact_names_first_pages_and_filters_by_kind(api: TestClient) -> None:
    response = api.get("/search", params={"q": "jakarta"}, headers={"Accept": BROWSER})
    first = re.search(r'id="results".*?<a href="([^"]+)"', response.text, re.S)
    assert first is not None and first.group(1) == "/id/city/jakarta"  # the exact name first
    cities = get_page(api, "/search", q="jakarta", kind="city")
    assert "/id/city/jakarta" in cities.hrefs()
    assert "/id/government/dki-jakarta" not in cities.hrefs()
    assert 'href="/search?q=jakarta&amp;kind=government"' in response.text  # a facet's link
    get_page(api, "/search", status=400, q="jakarta", kind="spaceship")
    get_page(api, "/search", status=400, q="jakarta", page="x")


# --- map ----------------------------------------------------------------------------------------


def map_keys(client: TestClient, status: int = 200, **params: str) -> list[str]:
    response = client.get("/map", params=params, headers={"Accept": BROWSER})
    assert response.status_code == status
    return LINE.findall(response.text)


def test_map_draws_the_partnerships_that_fit_the_filters(api: TestClient) -> None:
    everything = map_keys(api)
    assert "jakarta-kuala-lumpur" in everything and len(everything) >= 3
    assert map_keys(api, sector="flood-management", year="2025") == ["jakarta-kuala-lumpur"]
    assert map_keys(api, sector="flood-management") == ["jakarta-kuala-lumpur"]
    assert "jakarta-kuala-lumpur" in map_keys(api, year="2025")
    assert "jakarta-kuala-lumpur" not in map_keys(api, sector="trade")
    assert "jakarta-kuala-lumpur" not in map_keys(api, year="1994")
    assert map_keys(api, sector="flood-management", year="1994") == []


def test_map_form_and_bad_filters(api: TestClient) -> None:
    page = get_page(api, "/map", sector="flood-management", year="2025")
    assert_accessible(page)
    (form,) = page.tags["form"]
    assert form["method"] == "get" and form["action"] == "/map"
    selected = {o.get("value") for o in page.tags["option"] if "selected" in o}
    assert selected - {""} == {"flood-management", "2025"}  # "" is "All countries"
    assert "svg" in page.tags and "Jakarta – Kuala Lumpur" in page.plain()
    assert "/id/partnership/jakarta-kuala-lumpur" in page.hrefs()
    assert "no sector" in get_page(api, "/map", status=400, sector="atlantis").plain()
    assert "not a year" in get_page(api, "/map", status=400, year="20x5").plain()


# --- entity pages -------------------------------------------------------------------------------


def test_agreement_page_lists_parties_signatories_commitments_and_sources(
    api: TestClient,
) -> None:
    page = get_page(api, LOI)
    assert_accessible(page)
    text = page.plain()
    for heading in ("At a glance", "Parties", "Signatories", "Which source says what"):
        assert heading in page.headings, heading
    assert any(h.startswith("Commitments by sector (7)") for h in page.headings)
    for name in ("Pramono Anung", "Maimunah Mohd Sharif", "Governor of Jakarta"):
        assert name in text, name
    assert "Mayor of Kuala Lumpur" in text and "11 August 2025" in text
    hrefs = page.hrefs()
    for href in (
        "/id/person/pramono-anung",
        "/id/person/maimunah-mohd-sharif",
        "/id/government/dki-jakarta",
        "/id/government/kuala-lumpur-city-hall",
        "/id/city/kuala-lumpur",
        "/id/sector/flood-management",
    ):
        assert href in hrefs, href
    assert "Grand Hyatt Kuala Lumpur" in text
    # Where the sources disagree (green buildings), both sides are shown.
    assert "The sources disagree on" in text and "green buildings" in text
    assert "Stated by" in text and "Left out by" in text
    assert "<script" not in api.get(LOI, headers={"Accept": BROWSER}).text


def test_city_page_has_partners_by_sector_timeline_officials_and_map(api: TestClient) -> None:
    response = api.get("/id/city/jakarta", headers={"Accept": BROWSER})
    page = Page()
    page.feed(response.text)
    assert_accessible(page)
    for heading in ("Current officials", "Partners by sector"):
        assert heading in page.headings, heading
    assert any(h.startswith("Partners (") for h in page.headings)
    assert any(h.startswith("Agreements in time order") for h in page.headings)
    text = page.plain()
    assert "Pramono Anung" in text and "Governor of Jakarta" in text
    assert "flood management" in page.headings
    assert 'data-key="jakarta-kuala-lumpur"' in response.text
    timeline = re.search(r'id="timeline".*?</ol>', response.text, re.S)
    assert timeline is not None
    dates = re.findall(r'<time datetime="([\d-]+)"', timeline.group(0))
    assert len(dates) >= 3 and dates == sorted(dates)
    standalone = get_page(api, "/timeline/jakarta")
    assert "2025" in standalone.plain() and "/id/city/kuala-lumpur" in standalone.hrefs()
    get_page(api, "/timeline/atlantis", status=404)


def test_person_page_has_posts_agreements_and_quotations(api: TestClient) -> None:
    page = get_page(api, "/id/person/pramono-anung")
    assert_accessible(page)
    text = page.plain()
    assert "Posts and tenures" in page.headings
    assert "Governor of Jakarta" in text and "Cabinet Secretary of Indonesia" in text
    assert "20 February 2025" in text and "present" in text
    assert any(h.startswith("Agreements signed (2)") for h in page.headings)
    assert LOI in page.hrefs()
    assert any(h.startswith("Quotations") for h in page.headings)
    assert "blockquote" in page.tags and "Quoted in" in text
    assert "/id/source/seed-000-8c38530ddb7b0270" in page.hrefs()


def test_sector_page_lists_the_partnerships_cooperating_on_it(api: TestClient) -> None:
    page = get_page(api, "/id/sector/flood-management")
    assert any(h.startswith("Partnerships cooperating on this sector") for h in page.headings)
    assert "/id/partnership/jakarta-kuala-lumpur" in page.hrefs()
    assert "/map?sector=flood-management" in page.hrefs()
    assert "Kuala Lumpur" in page.plain()
    empty = get_page(api, "/id/sector/disaster-management")
    assert "No agreement in the graph commits to this sector yet" in empty.plain()


def test_rdf_of_entities_is_unchanged(api: TestClient) -> None:
    turtle = api.get("/id/city/jakarta.ttl")
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    assert "<section" not in turtle.text


# --- the SPARQL editor --------------------------------------------------------------------------


def editor_config(client: TestClient, **params: str) -> dict:  # type: ignore[type-arg]
    text = client.get("/sparql", params=params, headers={"Accept": BROWSER}).text
    found = re.search(r'<script type="application/json" id="sparql-config">(.*?)</script>', text)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_sparql_editor_page_uses_local_yasgui_and_offers_the_examples(
    api: TestClient, registry
) -> None:  # type: ignore[no-untyped-def]
    page = get_page(api, "/sparql")
    scripts = [s.get("src") for s in page.tags["script"] if s.get("src")]
    assert scripts == ["/static/vendor/yasgui/yasgui.min.js", "/static/sparql-editor.js"]
    styles = [link.get("href") for link in page.tags["link"] if link.get("rel") == "stylesheet"]
    assert "/static/vendor/yasgui/yasgui.min.css" in styles
    assert "noscript" in page.tags and "textarea" in page.tags
    editor_js = api.get("/static/sparql-editor.js").text
    assert 'autocompleters: ["prefixes", "variables"]' in editor_js
    assert "prefixCcApi: null" in editor_js
    config = editor_config(api)
    assert config["endpoint"] == "/sparql"
    assert set(config["examples"]) == {q.name for q in registry}
    for name in config["examples"]:
        assert f"/sparql?example={name}" in page.hrefs()
    assert "jakarta" in config["query"]
    chosen = editor_config(api, example="partners_by_sector")
    assert chosen["query"] == chosen["examples"]["partners_by_sector"]
    assert "flood-management" in chosen["query"]


def test_the_editor_examples_run(api: TestClient) -> None:
    examples = editor_config(api)["examples"]
    answered = 0
    accept = "application/sparql-results+json, text/turtle;q=0.5"
    for name, text in examples.items():
        response = api.post("/sparql", data={"query": text}, headers={"Accept": accept})
        assert response.status_code == 200, (name, response.text[:300])
        answered += 1
    assert answered >= 10


def test_static_assets_are_served(api: TestClient) -> None:
    for path, media in (
        ("/static/site.css", "text/css"),
        ("/static/vendor/yasgui/yasgui.min.js", "javascript"),
        ("/static/vendor/yasgui/yasgui.min.css", "text/css"),
    ):
        response = api.get(path)
        assert response.status_code == 200 and media in response.headers["content-type"], path
    assert api.get("/static/nothing.css").status_code == 404


# --- errors, robots, titles (issue 22) ----------------------------------------------------------


def test_an_unknown_url_answers_a_page_to_browsers_and_json_to_others(api: TestClient) -> None:
    for path in ("/no/such/page", "/static/no-such-file.css"):
        page = api.get(path, headers={"Accept": BROWSER})
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "<title>Not found · CityPact</title>" in page.text and 'href="/search"' in page.text
        data = api.get(path, headers={"Accept": "*/*"})
        assert data.status_code == 404 and data.json()["error"]["status"] == 404


def test_robots_txt_keeps_crawlers_off_the_query_endpoints_and_names_the_sitemap(
    api: TestClient,
) -> None:
    robots = api.get("/robots.txt")
    assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
    lines = robots.text.splitlines()
    assert "Disallow: /sparql" in lines and "Disallow: /api/" in lines
    assert "Sitemap: https://w3id.org/citypact/sitemap.xml" in lines


def test_page_titles_name_the_site_once(api: TestClient) -> None:
    home = api.get("/", headers={"Accept": BROWSER}).text
    assert "<title>CityPact</title>" in home
    search = api.get("/search", params={"q": "jakarta"}, headers={"Accept": BROWSER}).text
    assert "<title>Search: jakarta · CityPact</title>" in search


def test_a_question_answers_about_the_city_the_query_string_names(api: TestClient) -> None:
    jakarta = api.get("/questions/city_partners", headers={"Accept": BROWSER}).text
    kuala_lumpur = api.get(
        "/questions/city_partners", params={"city": "kuala-lumpur"}, headers={"Accept": BROWSER}
    ).text
    assert "/id/city/kuala-lumpur" in jakarta  # Jakarta's partner
    assert "/id/city/jakarta" in kuala_lumpur  # Kuala Lumpur's partner: another answer
    assert "<code>?city</code> = kuala-lumpur" in kuala_lumpur
    assert re.search(r"\b1 row\b", kuala_lumpur) or " rows" in kuala_lumpur
    assert "1 rows" not in kuala_lumpur
    missing = api.get(
        "/questions/city_partners", params={"city": "atlantis"}, headers={"Accept": BROWSER}
    )
    assert missing.status_code == 404 and "atlantis" in missing.text
