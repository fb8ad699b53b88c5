"""Reading a news article: plain text or HTML, its body and its header (title, outlet, author,
editor, date, URL)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin

from citypact.extraction.dates import WEEKDAY_NAMES, date_in_url, find_dates, first_date, parse_date

_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<p[ >])", re.I)
_BY = re.compile(r"^(?:-\s*)?(?:by|oleh|penulis|reporter|pewarta|written by)\s*:?\s+(.+)$", re.I)
_EDITOR = re.compile(r"^(?:-\s*)?(?:editor|penyunting|redaktur|edited by)\s*:?\s+(.+)$", re.I)
_SEGMENT = re.compile(r"\s+[|–—-]\s+")
_TEAM = re.compile(r"^(?P<outlet>.+?)\s+(?:team|tim|redaksi|desk|staff)$", re.I)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<outlet>[^.\n]{3,60}?)\.?\s+all rights", re.I
)
_DATELINE_HEAD = re.compile(r"^(?P<head>[A-Z][^\n]{1,59}?)\s*(?:--|[–—:-]\s)", re.M)
_DOMAIN = re.compile(r"\.(?:com|co\.id|co|id|my|net|org|news)\b", re.I)
_SKIP_LINES = {"avatar photo", "×", "x", "sebarkan artikel ini", "share this article", "share"}
_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "li", "article", "section", "title"}
# An absolute http(s) URL that is also a valid IRI (the source's schema:url is an IRI).
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


@dataclass
class Article:
    """An article: its body text (what evidence offsets refer to) and what its header says."""

    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    editor: str | None = None
    date: date | None = None
    url: str | None = None
    section: str | None = None
    filename: str | None = None
    header: list[str] = field(default_factory=list)
    dateline: list[str] = field(default_factory=list)
    # False when the article's date was written without its year (a dateline ``KUCHING, Aug
    # 14:``): the year is then a guess the extractor may revise.
    year_known: bool = True

    def set_date(self, value: datetime.date, year_known: bool = True) -> None:
        """Take a date for the article unless it has one; a date with its year replaces one
        whose year was only guessed."""
        if self.date is None or (year_known and not self.year_known):
            self.date, self.year_known = value, year_known


class _HtmlText(HTMLParser):
    """Collects visible text by block, the <title>, and the <meta> properties."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.meta: dict[str, str] = {}
        self.skip = 0
        self.title: str | None = None
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag in ("script", "style", "noscript", "nav", "footer", "header", "aside"):
            self.skip += 1
        elif tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop")
            if key and "content" in values:
                self.meta.setdefault(key.lower(), values["content"].strip())
        elif tag == "link" and values.get("rel") == "canonical":
            self.meta.setdefault("canonical", values.get("href", ""))
        if tag == "title":
            self.in_title = True
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "nav", "footer", "header", "aside"):
            self.skip = max(0, self.skip - 1)
        if tag == "title":
            self.in_title = False
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title = (self.title or "") + data
        elif not self.skip:
            self.current.append(data)

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []


def read_article(raw: str, filename: str | None = None, url: str | None = None) -> Article:
    """Read plain text or HTML (detected by its first tag). ``url``, where the article was
    published, is kept as its URL unless the HTML names one, and gives its date when the
    text has none with a year (news URLs often carry it: ``/2023/08/02/``, ``/20250527/``)."""
    article = _from_html(raw, filename) if _HTML.match(raw) else _from_text(raw, filename)
    article.url = _web_address(article.url, url)
    if article.url and (day := date_in_url(article.url)):
        article.set_date(day)
    return article


def _web_address(own: str | None, given: str | None) -> str | None:
    """The article's URL as an absolute http(s) IRI: the page's own (``og:url``, canonical;
    resolved against ``given`` when relative), else ``given``; None when neither is one."""
    for candidate in (urljoin(given or "", own or ""), given):
        if candidate and _WEB_ADDRESS.fullmatch(candidate):
            return candidate
    return None


def _from_html(raw: str, filename: str | None) -> Article:
    parser = _HtmlText()
    parser.feed(raw)
    parser.close()
    parser._flush()
    meta = parser.meta
    title = meta.get("og:title") or meta.get("twitter:title") or (parser.title or "").strip()
    blocks = [b for b in parser.blocks if b != title]
    article = _from_text("\n".join(blocks), filename, header_title=title or None)
    article.outlet = meta.get("og:site_name") or article.outlet
    article.author = meta.get("author") or meta.get("article:author") or article.author
    published = meta.get("article:published_time") or meta.get("date") or meta.get("pubdate")
    if published and (found := parse_date(published)):
        article.date, article.year_known = found, True
    article.url = meta.get("og:url") or meta.get("canonical") or None
    return article


# A stored page's date before its text (" date 2023-05-14 KUCHING (May 14): ...").
_STORED_DATE = re.compile(r"^\s*date (?P<day>\d{4}-\d{2}(?:-\d{2})?)\s+")
# A wire service's header line: "ID : 123456 / Tue, 03/16/2010 - 19:03".
_WIRE_HEADER = re.compile(r"^ID\s*:\s*\d+\s*/\s*[^\n]{0,40}\d{1,2}:\d{2}\s*$", re.M)


def unwrap(text: str) -> str:
    """Hard-wrapped lines (wire copy broken at a fixed width) joined where a sentence runs on:
    a line ending without a full stop, quote or colon, and the next starting in lower case or
    with a number. Each joining newline becomes a space, so offsets stay the text's."""
    return re.sub(r"(?<=[\w,;&–-])\n(?=[ \t]*[a-z0-9(])", " ", text)


def _from_text(raw: str, filename: str | None, header_title: str | None = None) -> Article:
    """Header lines (title, by, editor, date) first; the body from the first long paragraph."""
    raw = raw.replace("\r\n", "\n")
    stored = _STORED_DATE.match(raw)
    stored_day = (
        parse_date(stored.group("day")) if stored and len(stored.group("day")) == 10 else None
    )
    if stored:
        raw = raw[stored.end() :]
    wire = _WIRE_HEADER.search(raw[:400])
    wire_day = first_date(wire.group(0)) if wire else None
    if wire:
        raw = raw[: wire.start()] + raw[wire.end() :]
    lines = unwrap(raw).split("\n")
    article = Article(text="", title=header_title, filename=filename)
    body_start = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if len(stripped) > 160 or (stripped.endswith(".") and len(stripped.split()) > 12):
            body_start = index
            break
        article.header.append(stripped)
        bare = stripped.lstrip("-• ").strip()
        if _BY.match(stripped) or _EDITOR.match(stripped):
            _byline(article, stripped)
        elif (found := first_date(bare)) and len(bare.split()) <= 6:
            article.set_date(found.value, found.year_given)
        elif bare.lower() in _SKIP_LINES or len(bare) <= 2 or bare.isdigit():
            continue
        elif article.title is None and len(bare.split()) >= 3:
            article.title = bare
        elif article.title is None and len(bare.split()) == 1 and article.section is None:
            article.section = bare
    body = "\n".join(line.rstrip() for line in lines[body_start:]).strip()
    article.text = body
    if article.author and (m := _TEAM.match(article.author)):
        article.outlet = article.outlet or m.group("outlet").strip()
        article.author = None
    if m := _COPYRIGHT.search(body):
        article.outlet = article.outlet or m.group("outlet").strip()
    for line in body.split("\n")[:6]:
        if len(line) < 160 and (_BY.match(line.strip()) or _EDITOR.match(line.strip())):
            _byline(article, line.strip())
    first_lines = [
        line
        for line in body.split("\n")[:12]
        if line.strip() and not (_BY.match(line.strip()) or _EDITOR.match(line.strip()))
    ][:6]
    heads = list(_DATELINE_HEAD.finditer("\n".join(first_lines)))
    # A caption's heading ("TANDATANGAN KERJASAMA: ...") can come first; the dateline that
    # names the outlet ("TRIBUNJATENG.COM, KLATEN -") is the one.
    if m := next(
        (h for h in heads if _DOMAIN.search(h.group("head"))), heads[0] if heads else None
    ):
        parts = [re.sub(r"\([^)]*\)", "", p).strip() for p in m.group("head").split(",")]
        article.dateline = [p for p in parts if p and not parse_date(p)]
    if article.outlet is None:
        article.outlet = next((p for p in article.dateline if _DOMAIN.search(p)), None)
    if (lead := find_dates(body[:120])) and lead[0].start < 40:
        article.set_date(lead[0].value, lead[0].year_given)
    if stored_day is not None:
        article.set_date(stored_day)
    if wire_day is not None:
        article.set_date(wire_day.value)
        article.header.append(wire.group(0).strip())  # type: ignore[union-attr]
    return article


def _byline(article: Article, line: str) -> None:
    """``Oleh Juli, Selasa, 27 Mei 2025 | 19:21 WIB - Redaktur: Untung S``: author, date, editor."""
    for segment in _SEGMENT.split(line):
        segment = segment.strip()
        if m := _BY.match(segment):
            name = m.group(1).strip()
            if found := find_dates(name):
                article.set_date(found[0].value, found[0].year_given)
                name = name[: found[0].start].rstrip(" ,")
                name = re.sub(rf",?\s*(?:{WEEKDAY_NAMES})\s*,?$", "", name, flags=re.I).strip()
            article.author = article.author or name or None
        elif m := _EDITOR.match(segment):
            article.editor = article.editor or m.group(1).strip()
