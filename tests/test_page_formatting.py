"""Entity pages for people (issue 22): properties by their names, values written out."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from citypact.app import create_app

from .conftest import settings_for

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    settings = settings_for("embedded", request, tmp_path_factory.mktemp("formatting"))
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def facts(client: TestClient, path: str) -> str:
    page = client.get(path, headers={"Accept": BROWSER})
    assert page.status_code == 200, page.text
    found = re.search(r'<dl class="facts">(.*?)</dl>', page.text, re.S)
    return found.group(1) if found else ""


def test_dates_numbers_and_points_are_written_for_people(client: TestClient) -> None:
    person = facts(client, "/id/person/pramono-anung")
    assert "(xsd:date)" not in person
    assert re.search(
        r"<time datetime=\"\d{4}-\d{2}-\d{2}\">\d{1,2} [A-Z][a-z]+ \d{4}</time>", person
    )
    geometry = facts(client, "/id/geometry/jakarta")
    assert "6.2000° S, 106.8170° E" in geometry


def test_terms_of_other_vocabularies_are_named_in_words(client: TestClient) -> None:
    city = facts(client, "/id/city/jakarta")
    assert ">has geometry<" in city and ">geo:hasGeometry<" not in city


def test_the_dataset_page_shows_counts_and_its_homepage(client: TestClient) -> None:
    page = client.get("/dataset", headers={"Accept": BROWSER}).text
    assert "(xsd:integer)" not in page
    assert not re.search(r"<a href=\"[^\"]*\"[^>]*></a>", page)  # no link without a name


def test_the_timeline_is_a_time_axis_linked_from_the_city_page(client: TestClient) -> None:
    city = client.get("/id/city/jakarta", headers={"Accept": BROWSER}).text
    assert 'href="/timeline/jakarta"' in city and 'href="/map?city=jakarta"' in city
    timeline = client.get("/timeline/jakarta", headers={"Accept": BROWSER}).text
    axis = re.search(r'<svg[^>]*class="time-axis".*?</svg>', timeline, re.S)
    assert axis is not None
    years = [int(y) for y in re.findall(r'text-anchor="middle">(\d{4})</text>', axis.group(0))]
    assert years == sorted(years) and len(years) >= 2
    # every agreement is a mark with a tooltip and a link to its page
    marks = re.findall(r'<a href="([^"]+)"><circle[^>]*><title>([^<]+)</title>', axis.group(0))
    assert marks and all(href.startswith("/id/agreement/") for href, _ in marks)
    assert any("2025-08-11" in title for _, title in marks)
