"""When a partnership was in force: known dates, status over time and the years of the panel.

The rules (also in the data dictionary, ``formats.COLUMNS``):

- A **known date** is any date or year a source gives the partnership: its start
  (``cp:startDate``, ``cp:startYear``), when it was formed (``cp:formedOn``) or known to be in
  force (``cp:inForceOn``, or ``cp:attestedOn`` before the two were split), the date of one of
  its agreements, or the date of one of its status changes. Its first and last known dates keep
  their precision (``day`` or ``year``); a year stands for the whole year, so it sorts before
  the days of that year as a first date and after them as a last date.
- Its **status** is the new status of its latest status change (``cp:PartnershipStatusChange``);
  with none, a ``cp:endDate`` makes it ``ended``; otherwise it is empty (unknown): the graph
  does not assume a tie is active because it once was.
- The **panel** has a row for each year from the first known year to the last known year
  (status changes and the end date count as known dates). A year in or after an ``ended`` or
  ``suspended`` change (or an end date) has no row until a later ``active`` or ``renewed``
  change; a ``dormant`` tie is still in force. Each row says whether a source dates the
  partnership in that year (``attested``) or the year lies between dates (``interpolated``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DAY, YEAR = "day", "year"
NOT_IN_FORCE = frozenset({"ended", "suspended"})
_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})-(\d{2}))?")


@dataclass(frozen=True, order=True)
class KnownDate:
    """A date or a year a source gives; ``text`` is ``YYYY-MM-DD`` or ``YYYY``."""

    year: int
    month: int
    day: int
    precision: str

    @property
    def text(self) -> str:
        """ISO 8601: the day, or the year alone."""
        if self.precision == YEAR:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def first_key(self) -> tuple[int, int, int]:
        """Sort key as a first date: a year stands before its days."""
        return (self.year, 0, 0) if self.precision == YEAR else (self.year, self.month, self.day)

    def last_key(self) -> tuple[int, int, int]:
        """Sort key as a last date: a year stands after its days."""
        if self.precision == YEAR:
            return (self.year, 13, 32)
        return (self.year, self.month, self.day)


def parse_known(value: str, datatype: str | None = None) -> KnownDate | None:
    """A literal's lexical form (``xsd:date``, ``xsd:dateTime``, ``xsd:gYear`` or an integer
    year) as a known date; None when it is none of these."""
    text = value.strip()
    year_only = (datatype or "").endswith(("#gYear", "#integer", "#int")) or bool(
        re.fullmatch(r"-?\d{1,4}", text)
    )
    if year_only:
        try:
            return KnownDate(int(text[:5] if text.startswith("-") else text[:4]), 0, 0, YEAR)
        except ValueError:
            return None
    found = _DATE.match(text)
    if not found or found.group(2) is None:
        return None
    year, month, day = int(found.group(1)), int(found.group(2)), int(found.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return KnownDate(year, month, day, DAY)


@dataclass(frozen=True)
class StatusChange:
    """A partnership's new status from a date or year, with the sources that state it."""

    status: str
    when: KnownDate | None
    sources: tuple[str, ...] = ()


@dataclass
class Timeline:
    """What the graph says about a partnership's time: known dates, end, status changes."""

    known: list[KnownDate] = field(default_factory=list)
    end: KnownDate | None = None
    changes: list[StatusChange] = field(default_factory=list)

    def all_known(self) -> list[KnownDate]:
        """Known dates, including the end date and status changes' dates."""
        ends = [self.end] if self.end is not None else []
        return self.known + ends + [c.when for c in self.changes if c.when is not None]

    def first(self) -> KnownDate | None:
        """The first known date."""
        dates = self.all_known()
        return min(dates, key=KnownDate.first_key) if dates else None

    def last(self) -> KnownDate | None:
        """The last known date."""
        dates = self.all_known()
        return max(dates, key=KnownDate.last_key) if dates else None

    def ordered_changes(self) -> list[StatusChange]:
        """Status changes with a date or year, oldest first (same day: in status order)."""
        dated = [c for c in self.changes if c.when is not None]
        return sorted(dated, key=lambda c: (c.when.first_key(), c.status))  # type: ignore[union-attr]

    def status(self) -> tuple[str, KnownDate | None]:
        """The current status and its date: the latest change's, else ``ended`` at the end
        date, else ``("", None)`` (unknown)."""
        changes = self.ordered_changes()
        if changes:
            latest = changes[-1]
            return latest.status, latest.when
        undated = [c for c in self.changes if c.when is None]
        if undated:
            return undated[-1].status, None
        if self.end is not None:
            return "ended", self.end
        return "", None

    def history(self) -> str:
        """The status changes as ``YYYY[-MM-DD]:status`` separated by ``;``, oldest first."""
        items = [f"{c.when.text}:{c.status}" for c in self.ordered_changes() if c.when]
        if self.end is not None:
            items.append(f"{self.end.text}:ended (end date)")
        return ";".join(items)

    def panel_years(self) -> list[tuple[int, str, bool]]:
        """(year, status in that year, attested) for each year the partnership was in force."""
        first, last = self.first(), self.last()
        if first is None or last is None:
            return []
        events = [(c.when.year, c.status) for c in self.ordered_changes() if c.when]
        if self.end is not None:
            events.append((self.end.year, "ended"))
        events.sort(key=lambda e: e[0])
        attested = {d.year for d in self.all_known()}
        rows: list[tuple[int, str, bool]] = []
        for year in range(first.year, last.year + 1):
            current = ""
            for event_year, status in events:
                if event_year <= year:
                    current = status
            if current not in NOT_IN_FORCE:
                rows.append((year, current, year in attested))
        return rows
