"""``citypact export-site``: the static linked-data site, its web-server rules, and a real nginx
serving it with the same content negotiation as the app."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from citypact import rdf_io, resources
from citypact.cli import main
from citypact.publishing import html_pages
from citypact.publishing.linked_data import (
    REPRESENTATIONS,
    Describer,
    IriSpace,
    by_media_type,
    serialize,
)
from citypact.publishing.negotiation import negotiate
from citypact.publishing.static_export import (
    MARKER,
    ExportError,
    accept_rules,
    export_site,
    format_rules,
    htaccess,
    webserver_choice,
)
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import DATA_GRAPH, ONTOLOGY_GRAPH

from .conftest import require
from .servers import free_port
from .test_linked_data import ACCEPT_MATRIX, BROWSER, FORMAT_MATRIX, SUFFIX_MATRIX, media

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ID = "https://w3id.org/citypact/id/"
RDF_SUFFIXES = [r.suffix for r in REPRESENTATIONS]
# Accept headers beyond the matrix on which the generated rules must agree with the app.
MORE_ACCEPT = [
    "",
    "text/*",
    "application/*",
    "text/*;q=0.3, application/ld+json;q=0.2",
    "text/html;q=0.1, */*",
    "text/html;q=0, */*",
    "TEXT/TURTLE",
    "text/turtle; charset=utf-8",
    "text/turtle;charset=utf-8;q=0.4, application/rdf+xml;q=0.6",
    "application/n-triples;q=0.9,text/turtle;q=0.8,*/*;q=0.1",
    "application/rdf+xml, text/turtle",
    "application/json",
    "application/xml;q=0.9",
    "text/turtle;q=0",
    "text/plain, image/*;q=0.5",
    "application/ld+json;q=0.05",
    "text/html;level=1",
    "*/*;q=0.5, text/turtle;q=0.6",
]


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore()
    ensure_bundled_data(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def site(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("export") / "site"
    summary = export_site(store, directory, IriSpace(), site_url="http://127.0.0.1:8080")
    assert summary.entities > 300
    return directory


# --- what is written -----------------------------------------------------------------------------


def test_every_entity_has_a_page_and_every_rdf_format(site: Path, store: EmbeddedStore) -> None:
    entities = Describer(store).entities(IriSpace().entity_prefixes)
    assert len(entities) > 300
    for iri in entities:
        stem = site / iri[len("https://w3id.org/citypact/") :]
        for suffix in RDF_SUFFIXES:
            assert Path(f"{stem}.{suffix}").is_file(), f"{stem}.{suffix}"


def test_the_documents_dumps_and_rules_are_written(site: Path) -> None:
    for stem in ("ontology", "dataset", ".well-known/void", "id/sector", "id/challenge"):
        for suffix in RDF_SUFFIXES:
            assert (site / f"{stem}.{suffix}").is_file(), f"{stem}.{suffix}"
    for name in ("citypact.ttl", "citypact.nt.gz", "citypact.jsonld", "citypact.trig"):
        assert (site / "dumps" / name).stat().st_size > 1000
    for name in (
        "index.html",
        "dumps/index.html",
        "sitemap.xml",
        ".htaccess",
        "nginx/citypact-http.conf",
        "nginx/citypact-server.conf",
        "nginx/example.conf",
        "_errors/404.html",
        "_errors/404.json",
        "_errors/406.html",
        "_errors/406.json",
        MARKER,
    ):
        assert (site / name).is_file(), name


def test_the_exported_rdf_is_what_the_app_serves(site: Path, store: EmbeddedStore) -> None:
    describer = Describer(store)
    triples = describer.description(ID + "city/jakarta")
    for rep in REPRESENTATIONS:
        if rep.is_rdf:
            path = site / f"id/city/jakarta.{rep.suffix}"
            assert path.read_bytes() == serialize(triples, rep)


def test_the_exported_dumps_parse(site: Path) -> None:
    ontology = rdf_io.load_files(resources.ontology_files())
    data = rdf_io.load_files(resources.data_files())
    nt = Graph().parse(
        data=gzip.decompress((site / "dumps/citypact.nt.gz").read_bytes()), format="nt"
    )
    assert len(nt) == len(ontology + data)
    turtle = Graph().parse(site / "dumps/citypact.ttl", format="turtle")
    assert isomorphic(turtle, nt)
    dataset = Dataset()
    dataset.parse(site / "dumps/citypact.trig", format="trig")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {ONTOLOGY_GRAPH, DATA_GRAPH}


def test_the_sitemap_uses_the_site_url(site: Path) -> None:
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text())
    assert "http://127.0.0.1:8080/id/city/jakarta" in locs
    assert all(loc.startswith("http://127.0.0.1:8080/") for loc in locs)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k in ("href", "src") and v]


def test_no_page_of_the_export_links_to_a_missing_file(site: Path) -> None:
    """Every same-site link of every exported page resolves to a file (as nginx would)."""
    missing = []
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = site / parts.path.lstrip("/")
            candidates = [target, Path(f"{target}.html"), target / "index.html"]
            if not any(c.is_file() for c in candidates):
                missing.append((str(page.relative_to(site)), link))
    assert not missing, missing[:20]


def test_static_pages_have_no_server_only_links(site: Path) -> None:
    page = (site / "id/city/jakarta.html").read_text(encoding="utf-8")
    assert 'href="/sparql' not in page and 'href="/api' not in page and 'href="/docs' not in page
    assert 'href="/dataset"' in page


# --- re-exporting, the command line ------------------------------------------------------------


def test_export_refuses_a_directory_that_is_not_an_export(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(ExportError, match="not empty"):
        export_site(store, tmp_path, IriSpace())
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_the_command_line_exports_and_replaces_an_earlier_export(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out"
    args = ["export-site", str(target), "--data-dir", str(tmp_path / "store"), "--quiet"]
    assert main(args) == 0
    assert "exported" in capsys.readouterr().out
    (target / "id" / "stale.html").write_text("from an older export")
    assert main(args) == 0
    assert not (target / "id" / "stale.html").exists()
    assert (target / "id/city/jakarta.ttl").is_file()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "file").write_text("x")
    bad = ["export-site", str(tmp_path / "other"), "--data-dir", str(tmp_path / "store"), "-q"]
    assert main(bad) == 2
    assert "not empty" in capsys.readouterr().err


# --- the web-server rules ------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [m[0] for m in ACCEPT_MATRIX] + MORE_ACCEPT)
def test_the_webserver_rules_negotiate_like_the_app(accept: str) -> None:
    picked = negotiate(accept, [r.media_type for r in REPRESENTATIONS])
    expected = by_media_type(picked).suffix if picked else None  # type: ignore[union-attr]
    assert webserver_choice(accept) == expected


def test_format_rules_match_the_app_names() -> None:
    for rep in REPRESENTATIONS:
        for name in rep.names:
            assert webserver_choice(None, name) == rep.suffix
        assert webserver_choice(None, rep.media_type.replace("/", "%2F")) == rep.suffix
    assert webserver_choice(None, "bogus") is None
    assert len(format_rules()) == len(REPRESENTATIONS)


def test_htaccess_holds_the_same_rules() -> None:
    text = htaccess()
    assert "RewriteEngine On" in text and "Options -MultiViews" in text
    assert "[R=406,L]" in text and "Header merge Vary Accept" in text
    for regex, suffix in accept_rules():
        assert f'RewriteCond %{{HTTP_ACCEPT}} "{regex}" [NC]' in text
        assert f"E=CP_EXT:{suffix}" in text
    for rep in REPRESENTATIONS:
        assert f"AddType {rep.media_type} .{rep.suffix}" in text


# --- a real nginx serving the export ------------------------------------------------------------


def nginx_available() -> bool:
    return os.path.isfile(NGINX) and os.access(NGINX, os.X_OK)


NGINX_CONF = """# test configuration: one process, everything inside {prefix}
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site}/nginx/citypact-http.conf;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {site};
        include {site}/nginx/citypact-server.conf;
    }}
}}
"""


@pytest.fixture(scope="module")
def nginx(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """nginx (Debian package `nginx`) in the foreground, serving the export on a free port."""
    require(nginx_available(), "nginx (apt-get install nginx, see scripts/install-test-servers.sh)")
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, site=site, port=port), encoding="utf-8")
    log = prefix / "output.log"
    command = [NGINX, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, trust_env=False, timeout=10)
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                errors = (prefix / "error.log").read_text(errors="replace")
                pytest.fail(f"nginx exited ({process.returncode}): {log.read_text()} {errors}")
            try:
                client.get("/")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not answer within 15 s")
                time.sleep(0.05)
        yield client
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


NGINX_PATHS = ["/id/city/jakarta", "/id/sector", "/ontology", "/dataset", "/.well-known/void"]


@pytest.mark.parametrize("path", NGINX_PATHS)
@pytest.mark.parametrize(
    ("accept", "status", "media_type", "suffix"), ACCEPT_MATRIX, ids=[m[0] for m in ACCEPT_MATRIX]
)
def test_nginx_accept_matrix(nginx: httpx.Client, path, accept, status, media_type, suffix) -> None:  # type: ignore[no-untyped-def]
    response = nginx.get(path, headers={"Accept": accept})
    assert response.status_code == status, response.text[:300]
    assert media(response) == media_type
    if status == 200:
        assert "Accept" in response.headers.get("vary", "")
        assert response.headers["content-location"] == f"{path}.{suffix}"
        assert response.headers["etag"] and response.headers["last-modified"]


@pytest.mark.parametrize(("suffix", "media_type"), SUFFIX_MATRIX)
def test_nginx_suffixes(nginx: httpx.Client, suffix: str, media_type: str) -> None:
    response = nginx.get(f"/id/city/jakarta.{suffix}", headers={"Accept": "image/png"})
    assert response.status_code == 200 and media(response) == media_type


@pytest.mark.parametrize(("fmt", "status", "media_type"), FORMAT_MATRIX)
def test_nginx_format_parameter(
    nginx: httpx.Client, fmt: str, status: int, media_type: str
) -> None:
    response = nginx.get(
        "/id/city/jakarta", params={"format": fmt}, headers={"Accept": "text/html"}
    )
    assert response.status_code == status and media(response) == media_type


@pytest.mark.parametrize("accept", MORE_ACCEPT)
def test_nginx_agrees_with_the_app_on_more_headers(nginx: httpx.Client, accept: str) -> None:
    picked = negotiate(accept, [r.media_type for r in REPRESENTATIONS])
    response = nginx.get("/id/city/jakarta", headers={"Accept": accept} if accept else {})
    if picked is None:
        assert response.status_code == 406
    else:
        assert response.status_code == 200 and media(response) == picked


@pytest.mark.parametrize("suffix", ["ttl", "jsonld", "nt", "rdf"])
def test_nginx_serves_parseable_rdf(nginx: httpx.Client, suffix: str) -> None:
    formats = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
    graphs = [
        Graph().parse(data=nginx.get(f"/id/city/jakarta.{s}").content, format=formats[s])
        for s in ("ttl", suffix)
    ]
    assert len(graphs[0]) > 5 and isomorphic(*graphs)


def test_nginx_conditional_get(nginx: httpx.Client) -> None:
    first = nginx.get("/id/city/jakarta", headers={"Accept": "text/turtle"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = nginx.get("/id/city/jakarta", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304
    since = nginx.get(
        "/id/city/jakarta", headers={"Accept": "text/turtle", "If-Modified-Since": modified}
    )
    assert since.status_code == 304
    other = nginx.get(
        "/id/city/jakarta", headers={"Accept": "application/ld+json", "If-None-Match": etag}
    )
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [("text/html", "text/html"), (BROWSER, "text/html"), ("text/turtle", "application/json")],
)
def test_nginx_unknown_iris_are_404_in_the_negotiated_format(
    nginx: httpx.Client, accept: str, media_type: str
) -> None:
    response = nginx.get("/id/city/atlantis", headers={"Accept": accept})
    assert response.status_code == 404 and media(response) == media_type
    if media_type == "application/json":
        assert response.json()["error"]["status"] == 404


def test_nginx_serves_the_rest_of_the_site(nginx: httpx.Client) -> None:
    assert media(nginx.get("/")) == "text/html"
    assert nginx.get("/dumps/", headers={"Accept": BROWSER}).status_code == 200
    dump = nginx.get("/dumps/citypact.nt.gz")
    assert dump.status_code == 200 and media(dump) == "application/gzip"
    assert media(nginx.get("/dumps/citypact.trig")) == "application/trig"
    assert media(nginx.get("/sitemap.xml")) == "application/xml"
    assert nginx.get("/nginx/citypact-http.conf").status_code == 404
    assert nginx.get("/.htaccess").status_code == 404
    assert nginx.get("/_errors/404.html").status_code == 404
    page = nginx.get("/ontology", headers={"Accept": BROWSER}).text
    assert 'id="City"' in page and html_pages.LICENSE in page
