"""The researcher pages in a real browser: headless Chromium (Debian packages ``chromium`` and
``chromium-driver``, installed by scripts/install-test-servers.sh) driven by Playwright, against
a real ``citypact serve`` process. Playwright never downloads a browser here: it launches the
system Chromium at /usr/bin/chromium.

Every test saves a screenshot under tests/artifacts/ (git-ignored). Locally the tests skip when
Chromium or Playwright is missing; in CI (CI=true) they fail.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from .conftest import ROOT, require
from .servers import free_port

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
STARTUP_TIMEOUT = 120.0
LOI = "/id/agreement/jakarta-kuala-lumpur-loi-2025-08-11"
WIDER_THAN_SCREEN = (
    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


def playwright_available() -> bool:
    return importlib.util.find_spec("playwright") is not None


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


# --- a real server ------------------------------------------------------------------------------


@dataclass
class Server:
    """A ``citypact serve`` process on an embedded store of its own."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _serve_command(port: int) -> list[str]:
    script = Path(sys.executable).parent / "citypact"
    if script.is_file():
        return [str(script), "serve", "--port", str(port)]
    found = shutil.which("citypact")
    if found:
        return [found, "serve", "--port", str(port)]
    return [sys.executable, "-m", "citypact.cli", "serve", "--port", str(port)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require(chromium_available(), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    require(playwright_available(), "Playwright for Python (pip install playwright)")
    tmp = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = {
        **os.environ,
        "CITYPACT_DATA_DIR": str(tmp / "store"),
        "CITYPACT_HOST": "127.0.0.1",
        "CITYPACT_LOG_LEVEL": "warning",
    }
    env.pop("CITYPACT_SPARQL_ENDPOINT", None)
    log = tmp / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            _serve_command(port), env=env, stdout=out, stderr=subprocess.STDOUT
        )
    running = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"citypact serve exited with {process.returncode}:\n{running.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{running.url}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"citypact serve did not answer in time:\n{running.tail()}")
            time.sleep(0.2)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


# --- a real browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Tab:
    """A browser page on the server, with what it logged and what it tried to fetch elsewhere."""

    page: Any
    base: str
    console_errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.external == [], self.external


@contextlib.contextmanager
def _opened(
    browser: Any, server: Server, request: pytest.FixtureRequest, viewport: dict[str, int]
) -> Iterator[Tab]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30_000)
    opened = Tab(page, server.url)
    origin = urlsplit(server.url).netloc

    def guard(route: Any) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https") and parts.netloc != origin:
            opened.external.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    def console(message: Any) -> None:
        if message.type == "error":
            opened.console_errors.append(message.text)

    context.route("**/*", guard)
    page.on("console", console)
    page.on("pageerror", lambda error: opened.console_errors.append(f"page error: {error}"))
    try:
        yield opened
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        context.close()


@pytest.fixture
def tab(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A desktop-sized page; its screenshot is saved when the test ends."""
    with _opened(browser, server, request, {"width": 1280, "height": 900}) as opened:
        yield opened


@pytest.fixture
def phone_tab(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A phone-sized page (390 x 844 CSS pixels)."""
    with _opened(browser, server, request, {"width": 390, "height": 844}) as opened:
        yield opened


# --- the tests ----------------------------------------------------------------------------------


def test_home_page_loads_without_console_errors(tab: Tab) -> None:
    tab.open("/")
    page = tab.page
    assert page.title().startswith("CityPact")
    assert page.locator("h1").inner_text() == "CityPact"
    assert page.locator("main .counts li").count() >= 5
    assert page.locator('a[href="/questions/city_partners"]').count() == 1
    tab.assert_clean()


def test_search_finds_kuala_lumpur(tab: Tab) -> None:
    tab.open("/")
    page = tab.page
    page.get_by_label("Search names in every language").fill("kuala")
    with page.expect_navigation():
        page.locator("form.search button[type=submit]").click()
    assert "/search?q=kuala" in page.url
    result = page.locator('#results a[href="/id/city/kuala-lumpur"]')
    assert result.is_visible() and result.inner_text() == "Kuala Lumpur"
    with page.expect_navigation():
        result.click()
    assert page.locator("h1").inner_text() == "Kuala Lumpur"
    tab.assert_clean()


def test_a_query_typed_into_yasgui_returns_rows(tab: Tab) -> None:
    tab.open("/sparql")
    page = tab.page
    editor = page.locator(".yasqe .CodeMirror")
    editor.wait_for()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label WHERE {\n"
        "  <https://w3id.org/citypact/id/city/kuala-lumpur> rdfs:label ?label .\n"
        "} ORDER BY ?label"
    )
    with page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST"):
        page.locator(".yasqe_queryButton").click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 1
    assert "Kuala Lumpur" in page.locator(".yasr table").inner_text()
    assert page.evaluate(WIDER_THAN_SCREEN) <= 1
    # An example loads into the editor, and runs too.
    page.locator('a[data-example="partners_by_sector"]').click()
    assert "flood-management" in page.evaluate(
        "() => window.citypactEditor.getTab().getYasqe().getValue()"
    )
    with page.expect_response(lambda r: r.url.endswith("/sparql") and r.request.method == "POST"):
        page.locator(".yasqe_queryButton").click()
    page.locator(".yasr table tbody tr").first.wait_for()
    assert "Kuala Lumpur" in page.locator(".yasr table").inner_text()
    assert page.evaluate(WIDER_THAN_SCREEN) <= 1, "the results table overflows the page"
    tab.assert_clean()


def test_the_map_draws_jakarta_kuala_lumpur_and_the_sector_filter_hides_it(tab: Tab) -> None:
    tab.open("/map?sector=flood-management&year=2025")
    page = tab.page
    line = page.locator('svg line.partnership[data-key="jakarta-kuala-lumpur"]')
    assert line.count() == 1
    box = line.bounding_box()
    assert box is not None and box["width"] + box["height"] > 5
    page.get_by_label("Sector").select_option("trade")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert "sector=trade" in page.url
    assert page.locator('svg line.partnership[data-key="jakarta-kuala-lumpur"]').count() == 0
    assert page.locator("figure.map svg").is_visible()
    tab.assert_clean()


def test_an_agreement_page_shows_both_signatories(tab: Tab) -> None:
    tab.open(LOI)
    page = tab.page
    signatories = page.locator("section:has(#signatories)")
    assert signatories.get_by_role("link", name="Pramono Anung").is_visible()
    assert signatories.get_by_role("link", name="Maimunah Mohd Sharif").is_visible()
    assert signatories.get_by_text("Governor of Jakarta").is_visible()
    assert signatories.get_by_text("Mayor of Kuala Lumpur").is_visible()
    tab.assert_clean()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/id/city/jakarta",
        LOI,
        "/id/person/pramono-anung",
        "/map",
        "/search?q=kuala",
        "/sparql",
        "/review",
        "/timeline/jakarta",
        "/map?city=jakarta",
        "/questions/city_partners",
    ],
    ids=[
        "home",
        "city",
        "agreement",
        "person",
        "map",
        "search",
        "sparql",
        "review",
        "timeline",
        "city-map",
        "question",
    ],
)
def test_pages_fit_a_phone_screen(phone_tab: Tab, path: str) -> None:
    phone_tab.open(path)
    overflow = phone_tab.page.evaluate(WIDER_THAN_SCREEN)
    assert overflow <= 1, f"{path} is {overflow}px wider than a phone screen"
    phone_tab.assert_clean()


def test_the_review_page_button_can_be_tapped_on_a_phone(phone_tab: Tab) -> None:
    """Regression (issue 22): on a phone the URL field overflowed by 168 px and the "Propose
    statements" button could not be tapped."""
    phone_tab.open("/review")
    page = phone_tab.page
    button = page.get_by_role("button", name="Propose statements")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["height"] >= 40  # a finger's size
    field = page.locator("#url").bounding_box()
    assert field is not None and field["x"] + field["width"] <= 390
    phone_tab.assert_clean()


def test_every_map_line_has_a_tooltip_and_a_link_and_the_map_has_a_legend(tab: Tab) -> None:
    tab.open("/map?city=jakarta")
    page = tab.page
    lines = page.locator("figure.map svg line.partnership")
    assert lines.count() >= 1
    for i in range(lines.count()):
        line = lines.nth(i)
        assert line.locator("title").count() == 1
        href = line.evaluate("node => node.parentElement.getAttribute('href')")
        assert href and href.startswith("/id/partnership/")
    assert page.locator("figure.map svg g.legend").count() == 1
    tab.assert_clean()


def test_the_sparql_editor_leaves_the_first_line_and_every_result_column_visible(tab: Tab) -> None:
    """Regression (issue 22): the run button covered the first query line, and result columns
    were cut off."""
    tab.open("/sparql")
    page = tab.page
    page.wait_for_selector(".yasqe .CodeMirror-line")
    first = page.locator(".yasqe .CodeMirror-line").first.bounding_box()
    button = page.locator(".yasqe_queryButton").bounding_box()
    assert first is not None and button is not None
    text_end = page.locator(".yasqe .CodeMirror-line").first.evaluate(
        "node => { const r = document.createRange(); r.selectNodeContents(node);"
        " return r.getBoundingClientRect().right; }"
    )
    overlaps_vertically = (
        first["y"] < button["y"] + button["height"] and button["y"] < first["y"] + first["height"]
    )
    assert not (overlaps_vertically and text_end > button["x"]), "the run button covers text"
    tab.assert_clean()


def test_an_unknown_page_is_a_page_that_fits_a_phone(phone_tab: Tab) -> None:
    phone_tab.open("/no/such/page")
    page = phone_tab.page
    assert page.title() == "Not found · CityPact"
    assert page.evaluate(WIDER_THAN_SCREEN) <= 1
    assert page.get_by_role("link", name="Search").first.is_visible()
