"""``citypact export-site DIR``: the linked-data site as static files, with web-server rules.

For each entity the export writes its page and its description in every RDF format
(``id/city/jakarta.html``, ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``), the same for the ontology
and the dataset description (also at ``.well-known/void``), the dumps, a sitemap, and the
configuration that makes a plain web server negotiate like the running app:

* ``nginx/citypact-http.conf`` (``map`` blocks, in the ``http`` context) and
  ``nginx/citypact-server.conf`` (in the ``server`` block whose root is DIR); ``nginx/example.conf``
  shows both in place;
* ``.htaccess`` for Apache (mod_rewrite, mod_mime, mod_headers).

Neither server reads q-values by itself, so the Accept header is matched with regular expressions
generated here from the app's own table of representations: for each q-value tier (1, 0.9, ...,
0.1, then anything above 0) and each representation in the server's order of preference, one
rule for the type named outright, one for ``type/*`` and one for ``*/*`` (these two only when the
type is not named, since a named type's own q-value wins). q-values are compared to one decimal.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from citypact.network.formats import write_all
from citypact.network.tables import read_network
from citypact.publishing import html_pages
from citypact.publishing.dataset_description import dataset_state, describe_dataset
from citypact.publishing.dumps import DUMPS, write_dump
from citypact.publishing.html_pages import DumpLink, Site
from citypact.publishing.linked_data import (
    HTML,
    REPRESENTATIONS,
    SITEMAP_LIMIT,
    Describer,
    IriSpace,
    page_paths,
    serialize,
    sitemap,
    sitemap_index,
    supported_types_text,
    triples_to_graph,
)
from citypact.publishing.ontology_docs import ontology_page
from citypact.store.embedded import EmbeddedStore
from citypact.store.port import Store

MARKER = ".citypact-export"
# Paths that are negotiated (a file per representation beside them), as a regular expression.
NEGOTIATED = r"^/(?:id/[^.]+|\.well-known/(?:void|genid/[^.]+)|ontology|dataset)$"
EXTRA_TYPES = {
    "trig": "application/trig",
    "gz": "application/gzip",
    "xml": "application/xml",
    "json": "application/json",
    "txt": "text/plain",
}


class ExportError(Exception):
    """The export cannot be written (wrong store, a directory that is not an export)."""


# --- Accept rules for web servers ---------------------------------------------------------------

_TIERS: tuple[tuple[str, str], ...] = (
    ("1", r"1(?:\.0*)?"),
    *((f"0.{d}", rf"0?\.{d}\d*") for d in range(9, 0, -1)),
    ("0.0x", r"0?\.0\d*[1-9]\d*"),
)
_PARAMS = r"(?:\s*;\s*(?!q\s*=)[^;,]*)*"


def _media_re(media: str) -> str:
    return media.replace(".", r"\.").replace("+", r"\+").replace("*", r"\*")


def _range_at(media: str, q: str, implicit: bool) -> str:
    """A media range of the Accept header whose q-value is in the tier ``q``."""
    weight = rf"\s*;\s*q\s*=\s*{q}(?:\s*;[^,]*)?"
    if implicit:
        weight = f"(?:{weight})?"
    return rf"(?:^|,)\s*{_media_re(media)}{_PARAMS}{weight}\s*(?:,|$)"


def _named(media: str) -> str:
    return rf"(?:^|,)\s*{_media_re(media)}\s*(?:[;,]|$)"


def accept_rules() -> list[tuple[str, str]]:
    """(regular expression, suffix) pairs, to try in order on the Accept header (no case)."""
    rules = []
    for tier, q in _TIERS:
        implicit = tier == "1"
        for rep in REPRESENTATIONS:
            main = rep.media_type.split("/")[0] + "/*"
            rules.append((_range_at(rep.media_type, q, implicit), rep.suffix))
            rules.append(
                (
                    rf"^(?!.*{_named(rep.media_type)})(?=.*{_range_at(main, q, implicit)})",
                    rep.suffix,
                )
            )
            rules.append(
                (
                    rf"^(?!.*{_named(rep.media_type)})(?!.*{_named(main)})"
                    rf"(?=.*{_range_at('*/*', q, implicit)})",
                    rep.suffix,
                )
            )
    return rules


def format_rules() -> list[tuple[str, str]]:
    """(regular expression, suffix) for the ``format=`` query parameter (URL-encoded)."""
    rules = []
    for rep in REPRESENTATIONS:
        media = _media_re(rep.media_type).replace("/", "(?:/|%2F)").replace(r"\+", r"(?:\+|%2B)")
        names = "|".join(re.escape(n) for n in rep.names)
        rules.append((rf"^(?:{names}|{media})$", rep.suffix))
    return rules


def webserver_choice(accept: str | None, fmt: str | None = None) -> str | None:
    """The suffix the generated web-server rules pick (None: 406); for tests and checks."""
    if fmt:
        return next(
            (s for regex, s in format_rules() if re.search(regex, fmt, re.IGNORECASE)), None
        )
    if not accept:
        return HTML.suffix
    return next((s for regex, s in accept_rules() if re.search(regex, accept, re.IGNORECASE)), None)


def _mime_types() -> dict[str, str]:
    return {**{r.suffix: r.media_type for r in REPRESENTATIONS}, **EXTRA_TYPES}


def nginx_http_conf() -> str:
    """The ``map`` blocks (http context): Accept and ``format=`` to a file suffix."""
    accept = "\n".join(f'    "~*{regex}" {suffix};' for regex, suffix in accept_rules())
    fmt = "\n".join(f'    "~*{regex}" {suffix};' for regex, suffix in format_rules())
    return f"""# CityPact static linked-data site: content negotiation for nginx (http context).
# Generated by `citypact export-site`. Include it in the http block, and
# citypact-server.conf in the server block whose root is the export directory.

# The Accept header (q-values in tiers of one decimal, server preference within a tier).
map $http_accept $citypact_accept {{
    default "";
    "" html;
{accept}
}}

# format= overrides Accept; an unknown format gives "" (406).
map $arg_format $citypact_ext {{
    default "";
    "" $citypact_accept;
{fmt}
}}

# Errors: an HTML page for browsers, a JSON body for everyone else.
map $citypact_ext $citypact_error {{
    default json;
    html html;
}}
"""


def nginx_server_conf() -> str:
    """The server-context rules: types, negotiated locations, error pages."""
    types = "\n".join(f"        {media} {suffix};" for suffix, media in _mime_types().items())
    return f"""# CityPact static linked-data site: nginx server-context rules.
# Generated by `citypact export-site`; needs citypact-http.conf in the http context.
# An entity IRI /id/{{kind}}/{{slug}} is served as the file /id/{{kind}}/{{slug}}.{{suffix}} the
# request negotiates: 200 with Content-Location and Vary: Accept (ETag, Last-Modified and 304
# come from nginx's static file handling).

index index.html;
types {{
{types}
}}
default_type application/octet-stream;
charset utf-8;
charset_types text/turtle text/plain application/trig;  # text/html is in by default

error_page 404 /_errors/404.$citypact_error;
error_page 406 /_errors/406.$citypact_error;

location ^~ /_errors/ {{
    internal;
}}
location ^~ /nginx/ {{
    return 404;
}}
location = /.htaccess {{
    return 404;
}}
location ~ "{NEGOTIATED}" {{
    if ($citypact_ext = "") {{
        return 406;
    }}
    set $citypact_document $uri.$citypact_ext;
    add_header Vary Accept always;
    add_header Content-Location $citypact_document;
    try_files $citypact_document =404;
}}
"""


def nginx_example_conf() -> str:
    """A whole server block, for copying."""
    return """# Example: serve the export at the root of a host (adapt server_name, root, listen).
#   http {
#       include /path/to/export/nginx/citypact-http.conf;
#       server {
#           listen 80;
#           server_name data.example.org;
#           root /path/to/export;
#           include /path/to/export/nginx/citypact-server.conf;
#       }
#   }
"""


def htaccess() -> str:
    """Apache rules (mod_rewrite, mod_mime, mod_headers) doing the same negotiation."""
    lines = [
        "# CityPact static linked-data site: content negotiation for Apache httpd 2.4.",
        "# Generated by `citypact export-site`. Needs AllowOverride FileInfo Options, and",
        "# mod_rewrite, mod_mime and mod_headers. The Accept rules are the ones of the nginx",
        "# configuration (nginx/citypact-http.conf): q-values in tiers of one decimal.",
        "Options -MultiViews -Indexes",
        "DirectoryIndex index.html",
        "RemoveEncoding .gz",
        "AddDefaultCharset off",
    ]
    lines += [f"AddType {media} .{suffix}" for suffix, media in _mime_types().items()]
    lines += [
        "AddCharset utf-8 .html .ttl .trig .txt",
        "ErrorDocument 404 /_errors/404.html",
        "ErrorDocument 406 /_errors/406.html",
        "RedirectMatch 404 ^/(?:nginx/|_errors/|\\.htaccess$)",
        "",
        "RewriteEngine On",
        "# format= first; an unknown one marks the request as not acceptable.",
    ]
    for regex, suffix in format_rules():
        lines += [
            f'RewriteCond %{{QUERY_STRING}} "(?:^|&)format=(?:{regex[1:-1]})(?:&|$)" [NC]',
            f"RewriteRule ^ - [E=CP_EXT:{suffix}]",
        ]
    lines += [
        "RewriteCond %{ENV:CP_EXT} ^$",
        'RewriteCond %{QUERY_STRING} "(?:^|&)format=[^&]" [NC]',
        "RewriteRule ^ - [E=CP_EXT:none]",
        "# No Accept header: the HTML page.",
        "RewriteCond %{ENV:CP_EXT} ^$",
        'RewriteCond %{HTTP_ACCEPT} "^\\s*$"',
        "RewriteRule ^ - [E=CP_EXT:html]",
        "# Accept, tier by tier.",
    ]
    for regex, suffix in accept_rules():
        lines += [
            "RewriteCond %{ENV:CP_EXT} ^$",
            f'RewriteCond %{{HTTP_ACCEPT}} "{regex}" [NC]',
            f"RewriteRule ^ - [E=CP_EXT:{suffix}]",
        ]
    inner = NEGOTIATED.removeprefix("^/").removesuffix("$")  # per-directory: no leading /
    lines += [
        "# Nothing fits: 406.",
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{ENV:CP_EXT} ^(?:|none)$",
        f'RewriteRule "^{inner}$" - [R=406,L]',
        "# Serve the negotiated file, naming it in Content-Location.",
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{REQUEST_FILENAME}.%{ENV:CP_EXT} -f",
        f'RewriteRule "^({inner})$" "$1.%{{ENV:CP_EXT}}" [E=CP_LOCATION:/$1.%{{ENV:CP_EXT}},END]',
        '<If "%{REQUEST_URI} =~ m#^/(?:id/|ontology|dataset|\\.well-known/(?:void|genid/))#">',
        "    Header merge Vary Accept",
        "    Header set Content-Location %{REDIRECT_CP_LOCATION}e env=REDIRECT_CP_LOCATION",
        "</If>",
        "",
    ]
    return "\n".join(lines)


# --- writing the site ----------------------------------------------------------------------------


@dataclass
class ExportSummary:
    """What an export wrote."""

    entities: int = 0
    files: int = 0


class _Writer:
    def __init__(self, root: Path, summary: ExportSummary) -> None:
        self.root = root
        self.summary = summary

    def path(self, site_path: str) -> Path:
        relative = site_path.lstrip("/")
        if not relative or ".." in Path(relative).parts:
            raise ExportError(f"refusing to write {site_path!r}")
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        self.summary.files += 1
        return target

    def write(self, site_path: str, data: bytes | str) -> None:
        target = self.path(site_path)
        target.write_bytes(data.encode() if isinstance(data, str) else data)


def _prepare(directory: Path) -> None:
    """An empty directory, a former export (emptied), or a new one; anything else is refused."""
    if directory.exists():
        if not directory.is_dir():
            raise ExportError(f"{directory} is not a directory")
        children = list(directory.iterdir())
        if children and not (directory / MARKER).exists():
            raise ExportError(
                f"{directory} is not empty and holds no earlier export ({MARKER}); "
                "give an empty or new directory"
            )
        for child in children:
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("written by citypact export-site\n", encoding="utf-8")


def _write_resource(
    writer: _Writer, path: str, triples: list[ox.Triple], page: Callable[[], str]
) -> None:
    for rep in REPRESENTATIONS:
        if rep.is_rdf:
            writer.write(f"{path}.{rep.suffix}", serialize(triples, rep))
        else:
            writer.write(f"{path}.html", page())


def _write_errors(writer: _Writer, site: Site) -> None:
    messages = {
        404: ("Not found", "This site does not describe that resource."),
        406: (
            "Not acceptable",
            f"Nothing here fits the request. Offered: {supported_types_text()}",
        ),
    }
    for status, (title, message) in messages.items():
        writer.write(f"/_errors/{status}.html", html_pages.error_page(site, status, title, message))
        body = {"error": {"status": status, "message": message}}
        writer.write(f"/_errors/{status}.json", json.dumps(body) + "\n")


def _write_sitemap(writer: _Writer, urls: list[str], site_url: str) -> None:
    if len(urls) <= SITEMAP_LIMIT:
        writer.write("/sitemap.xml", sitemap(urls))
        return
    parts = []
    for number, start in enumerate(range(0, len(urls), SITEMAP_LIMIT), start=1):
        writer.write(f"/sitemaps/{number}.xml", sitemap(urls[start : start + SITEMAP_LIMIT]))
        parts.append(f"{site_url}/sitemaps/{number}.xml")
    writer.write("/sitemap.xml", sitemap_index(parts))


def export_site(
    store: Store,
    directory: Path,
    space: IriSpace | None = None,
    site_url: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportSummary:
    """Write the static site into ``directory`` (empty, new, or a former export).

    ``site_url`` is where the site will be served (for the sitemap); by default the base IRI.
    """
    if not isinstance(store, EmbeddedStore):
        raise ExportError("the static export reads the embedded store (the dumps need it)")
    space = space or IriSpace()
    site_url = (site_url or space.base).rstrip("/")
    _prepare(directory)
    summary = ExportSummary()
    writer = _Writer(directory, summary)
    site = Site(space, dynamic=False)
    describer = Describer(store, timeout=600)
    say = progress or (lambda _message: None)

    entities = describer.entities(space.entity_prefixes)
    say(f"{len(entities)} entities")
    for iri in entities:
        path = space.site_path(iri, dynamic=False)
        triples = describer.description(iri)
        if path is None or not triples:
            continue
        _write_resource(
            writer,
            path,
            triples,
            lambda iri=iri, triples=triples, path=path: html_pages.entity_page(  # type: ignore[misc]
                site, describer.view(iri, triples), path
            ),
        )
        summary.entities += 1

    say("ontology")
    ontology = describer.ontology()
    _write_resource(
        writer, "/ontology", ontology, lambda: ontology_page(site, triples_to_graph(ontology))
    )

    say("dataset description")
    state = dataset_state(store)
    void = describe_dataset(store, space, state.modified)
    graph = triples_to_graph(void)
    labels = describer.labels({str(o) for o in graph.objects() if isinstance(o, URIRef)})
    page = html_pages.dataset_page(site, space.dataset_iri, graph, labels)
    for path in ("/dataset", "/.well-known/void"):
        _write_resource(writer, path, void, lambda: page)

    say("dumps")
    for dump in DUMPS:
        with writer.path(f"/dumps/{dump.name}").open("wb") as handle:
            write_dump(store.oxigraph, dump, handle)
    links = [DumpLink(f"/dumps/{d.name}", d.title, d.media_type, d.description) for d in DUMPS]
    say("network tables")
    for written in write_all(read_network(store, 600), directory / "dumps" / "network"):
        summary.files += 1
        links.append(
            DumpLink(f"/dumps/network/{written.name}", written.name, "", "the whole network")
        )
    writer.write("/dumps/index.html", html_pages.dumps_page(site, links))

    urls = [site_url + p for p in page_paths(space, entities)]
    _write_sitemap(writer, urls, site_url)
    writer.write("/index.html", html_pages.index_page(site))
    _write_errors(writer, site)
    writer.write("/.htaccess", htaccess())
    writer.write("/nginx/citypact-http.conf", nginx_http_conf())
    writer.write("/nginx/citypact-server.conf", nginx_server_conf())
    writer.write("/nginx/example.conf", nginx_example_conf())
    say(f"wrote {summary.files} files")
    return summary
