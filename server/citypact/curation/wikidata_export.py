"""Giving back to Wikidata: QuickStatements for what Wikidata lacks, and a diff of both sides.

Only partnerships whose two places carry a ``cp:wikidataItem`` can be exported. Each becomes
two P190 ("twinned administrative body") statements, one on each item, because Wikidata stores
each side separately. A statement carries the start time (P580) when we know one: the
partnership's ``cp:startDate`` (day precision, ``/11``), else its ``cp:startYear`` (year
precision, ``/9``), else the date of its first agreement (``/11``); and a reference URL (S854):
the first, in alphabetical order, of the partnership's sources that have a URL outside
wikidata.org. Partnerships without such a source are not exported.

QuickStatements (version 1 syntax, ``|`` between fields) writes a time as
``+1984-00-00T00:00:00Z/9`` (year) or ``+2025-08-11T00:00:00Z/11`` (day). For a statement
that already exists with the same value it adds the qualifier and the reference instead of a
second statement; with ``--compare`` the statements Wikidata already has with an agreeing start
time are left out, and those whose start time disagrees are only counted (see ``diff``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rdflib import URIRef

from citypact.curation.importing.reconcile import Ambiguous, Found, Reconciler, importing_queries
from citypact.curation.importing.records import DateValue, PlaceInput
from citypact.curation.importing.wikidata import ReadResult, partnerships
from citypact.store.port import Store, Term

STATUS_ORDER = ("start dates differ", "only in Wikidata", "only in CityPact")
DIFF_COLUMNS = (
    "status",
    "place",
    "place_wikidata",
    "partner",
    "partner_wikidata",
    "citypact_start",
    "wikidata_start",
    "partnership",
)


@dataclass
class Side:
    """One side of a partnership: the place its government governs."""

    place: str = ""
    label: str = ""
    item: str | None = None


@dataclass
class OurPartnership:
    """A partnership of our graph as the export and the diff see it."""

    iri: URIRef
    side: Side = field(default_factory=Side)
    other: Side = field(default_factory=Side)
    places: set[str] = field(default_factory=set)
    start: DateValue | None = None
    start_from: str = ""
    urls: dict[str, int] = field(default_factory=dict)
    """Source URL → rank (0 published by a partner, 1 a partner's account, 2 other)."""

    @property
    def label(self) -> str:
        """The first place's label."""
        return self.side.label

    @property
    def item(self) -> str | None:
        """The first place's Wikidata item."""
        return self.side.item

    @property
    def other_label(self) -> str:
        """The second place's label."""
        return self.other.label

    @property
    def other_item(self) -> str | None:
        """The second place's Wikidata item."""
        return self.other.item

    @property
    def start_text(self) -> str:
        """``1994 (start year)``; empty when no start is known."""
        return f"{self.start} ({self.start_from})" if self.start else ""

    def reference(self) -> str | None:
        """The reference URL for Wikidata: of the source URLs outside wikidata.org, the best
        ranked (published by a partner, then giving a partner's account), then the first in
        alphabetical order."""
        for url in sorted(self.urls, key=lambda u: (self.urls[u], u)):
            host = url.split("://", 1)[-1].split("/", 1)[0].lower()
            usable = not any(c in url for c in '"|\t ') and url.startswith(("http://", "https://"))
            if usable and not host.endswith("wikidata.org"):
                return url
        return None

    def orient(self) -> None:
        """Name the sides in the order of the partnership's slug (``jakarta-berlin``)."""
        slug = str(self.iri).rsplit("/", 1)[-1]
        first, second = (s.place.rsplit("/", 1)[-1] for s in (self.side, self.other))
        if second and slug.startswith(second + "-") and not slug.startswith(first + "-"):
            self.side, self.other = self.other, self.side


def our_partnerships(store: Store) -> list[OurPartnership]:
    """Every partnership of the store with its places, items, start and source URLs.

    When a government governs several places, the one with a Wikidata item is named.
    """
    text = importing_queries()["exportable_partnerships"].bind()
    found: dict[str, OurPartnership] = {}
    for row in store.select(text).rows:
        key = row["partnership"].value
        entry = found.get(key)
        if entry is None:
            entry = found[key] = OurPartnership(URIRef(key))
            entry.start, entry.start_from = _start(row)
        _fill(entry.side, row, "place", "placeLabel", "item")
        _fill(entry.other, row, "otherPlace", "otherLabel", "otherItem")
        entry.places |= {row[k].value for k in ("place", "otherPlace") if k in row}
        if "sourceUrl" in row:
            rank = int(row["sourceRank"].value) if "sourceRank" in row else 2
            url = row["sourceUrl"].value
            entry.urls[url] = min(rank, entry.urls.get(url, rank))
    for entry in found.values():
        entry.orient()
    return sorted(found.values(), key=lambda p: (p.label, p.other_label, str(p.iri)))


def _fill(side: Side, row: dict[str, Term], place: str, label: str, item: str) -> None:
    """Name the side after the row's place, unless a place with a Wikidata item is named."""
    if place not in row or (side.item and side.place != row[place].value):
        return
    qid = row[item].value.rsplit("/", 1)[-1] if item in row else None
    if side.place and side.place != row[place].value and not qid:
        return
    side.place = row[place].value
    side.label = row[label].value if label in row else side.place.rsplit("/", 1)[-1]
    side.item = qid


def _start(row: dict[str, Term]) -> tuple[DateValue | None, str]:
    if "startDate" in row:
        return DateValue(date.fromisoformat(row["startDate"].value[:10]), "day"), "start date"
    if "startYear" in row:
        return DateValue.of_year(int(row["startYear"].value[:4])), "start year"
    if "firstAgreementDate" in row:
        value = date.fromisoformat(row["firstAgreementDate"].value[:10])
        return DateValue(value, "day"), "first agreement"
    return None, ""


def qs_time(value: DateValue) -> str:
    """A QuickStatements time: ``+2025-08-11T00:00:00Z/11`` or ``+1984-00-00T00:00:00Z/9``."""
    if value.precision == "day":
        return f"+{value.value.isoformat()}T00:00:00Z/11"
    return f"+{value.year:04d}-00-00T00:00:00Z/9"


@dataclass
class WikidataState:
    """What Wikidata results say: start times per directed pair, and whose statements they hold."""

    starts: dict[tuple[str, str], list[DateValue | None]] = field(default_factory=dict)
    subjects: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, read: ReadResult) -> WikidataState:
        """From read results."""
        state = cls(subjects=read.subjects)
        for s in read.statements:
            state.starts.setdefault((s.item.qid, s.partner.qid), []).append(s.start)
        return state


@dataclass
class Export:
    """QuickStatements lines and what was left out, and why."""

    lines: list[str] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)
    without_items: list[str] = field(default_factory=list)
    without_source: list[str] = field(default_factory=list)
    present: int = 0
    disagreeing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Counts for the terminal."""
        lines = [
            f"{len(self.lines)} QuickStatements line(s) for {len(self.exported)} partnership(s)",
            f"skipped {len(self.without_items)} partnership(s): a place has no Wikidata item "
            "(cp:wikidataItem)",
            f"skipped {len(self.without_source)} partnership(s): no source with a URL"
            + (f" ({'; '.join(self.without_source)})" if self.without_source else ""),
        ]
        if self.present or self.disagreeing:
            lines.append(f"left out {self.present} statement(s) Wikidata already has")
            lines.append(
                f"left out {len(self.disagreeing)} partnership(s) whose start time disagrees "
                "with Wikidata (see `citypact diff wikidata`)"
                + (f": {'; '.join(self.disagreeing)}" if self.disagreeing else "")
            )
        return "\n".join(lines)


def quickstatements(ours: Iterable[OurPartnership], wikidata: WikidataState | None) -> Export:
    """P190 statements (both directions) for our partnerships that Wikidata lacks."""
    out = Export()
    for partnership in ours:
        name = f"{partnership.label or '?'} – {partnership.other_label or '?'}"
        if not (partnership.item and partnership.other_item):
            out.without_items.append(name)
            continue
        url = partnership.reference()
        if url is None:
            out.without_source.append(name)
            continue
        pair = (partnership.item, partnership.other_item)
        verdicts = {
            (a, b): _compare(partnership.start, wikidata, a, b) for a, b in (pair, pair[::-1])
        }
        if "disagrees" in verdicts.values():
            out.disagreeing.append(f"{name} ({partnership.start} here)")
            continue
        lines = []
        for (a, b), verdict in verdicts.items():
            if verdict == "present":
                out.present += 1
                continue
            line = f"{a}|P190|{b}"
            if partnership.start is not None:
                line += f"|P580|{qs_time(partnership.start)}"
            lines.append(f'{line}|S854|"{url}"')
        if lines:
            out.lines += lines
            out.exported.append(name)
    return out


def _compare(start: DateValue | None, wikidata: WikidataState | None, a: str, b: str) -> str:
    if wikidata is None or a not in wikidata.subjects or (a, b) not in wikidata.starts:
        return "missing"
    theirs = [s for s in wikidata.starts[(a, b)] if s is not None]
    if start is None or any(start.agrees_with(s) for s in theirs):
        return "present"
    return "disagrees" if theirs else "missing"


@dataclass
class DiffRow:
    """One line of the diff."""

    status: str
    place: str
    place_wikidata: str
    partner: str
    partner_wikidata: str
    citypact_start: str
    wikidata_start: str
    partnership: str

    def cells(self) -> list[str]:
        """The values in DIFF_COLUMNS order."""
        return [getattr(self, c) for c in DIFF_COLUMNS]


def diff(store: Store, read: ReadResult) -> list[DiffRow]:
    """Partnerships on one side only, and start dates that disagree.

    Wikidata's pairs are matched to our partnerships through the places (by Wikidata item,
    then by name and country) and their governments. Our partnerships count as missing from
    Wikidata only when one of their places is an item whose statements the results hold.
    """
    reconciler = Reconciler(store)
    ours = {str(p.iri): p for p in our_partnerships(store)}
    matched: set[str] = set()
    rows: list[DiffRow] = []
    records, _notes = partnerships(read.statements)
    for record in records:
        iri = _our_partnership(reconciler, record.city, record.partner)
        theirs = str(record.start) if record.start else ""
        if iri is None or iri not in ours:
            rows.append(
                DiffRow(
                    "only in Wikidata",
                    record.city.name,
                    record.city.wikidata or "",
                    record.partner.name,
                    record.partner.wikidata or "",
                    "",
                    theirs,
                    "",
                )
            )
            continue
        matched.add(iri)
        mine = ours[iri]
        if mine.start and record.start and not mine.start.agrees_with(record.start):
            rows.append(_row("start dates differ", mine, theirs))
    scope = set()
    for statement in read.statements:
        found = _find(reconciler, statement.item.place())
        if found is not None:
            scope.add(str(found.iri))
    for iri, mine in ours.items():
        if iri not in matched and mine.places & scope:
            rows.append(_row("only in CityPact", mine, ""))
    rows.sort(key=lambda r: (STATUS_ORDER.index(r.status), r.place, r.partner))
    return rows


def _row(status: str, mine: OurPartnership, theirs: str) -> DiffRow:
    return DiffRow(
        status,
        mine.label,
        mine.item or "",
        mine.other_label,
        mine.other_item or "",
        mine.start_text,
        theirs,
        str(mine.iri),
    )


def _find(reconciler: Reconciler, place: PlaceInput) -> Found | None:
    """The place of our graph that a Wikidata entity names (None when none or ambiguous)."""
    try:
        country = reconciler.find_country(place.country) if place.country else None
        return reconciler.find_place(place, country.iri if country else None, bool(place.country))
    except Ambiguous:
        return None


def _our_partnership(reconciler: Reconciler, a: PlaceInput, b: PlaceInput) -> str | None:
    found_a, found_b = _find(reconciler, a), _find(reconciler, b)
    if found_a is None or found_b is None or not (found_a.government and found_b.government):
        return None
    partnership = reconciler.partnership(found_a.government, found_b.government)
    return str(partnership) if partnership else None


def render_diff(rows: list[DiffRow], fmt: str = "markdown") -> str:
    """The diff as a Markdown table or as CSV."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(DIFF_COLUMNS)
        for row in rows:
            writer.writerow(row.cells())
        return buffer.getvalue()
    if fmt != "markdown":
        raise ValueError(f"unknown format {fmt!r}; expected markdown or csv")
    headers = (
        "status",
        "place",
        "Wikidata",
        "partner",
        "Wikidata",
        "CityPact start",
        "Wikidata start",
        "CityPact partnership",
    )
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        cells = [c.replace("|", "\\|") or "—" for c in row.cells()]
        lines.append("| " + " | ".join(cells) + " |")
    if not rows:
        lines.append("| " + " | ".join(["—"] * len(headers)) + " |")
    counts = {s: sum(r.status == s for r in rows) for s in STATUS_ORDER}
    lines.append("")
    lines.append("; ".join(f"{s}: {n}" for s, n in counts.items()))
    return "\n".join(lines) + "\n"
