"""Dates as Indonesian, Malay and English news write them.

``Senin (11/8)`` (day/month, the year from the article's date or, failing that, from the
weekday), ``Selasa (27/5/2025)``, ``11/8/2025``, ``11 Agt 2025``, ``14 Ogos 2025``,
``27 May 2025``, ``August 14, 2025``, Malay ``11hb. Ogos 2025``, ISO ``2025-08-11``, and a day
and month without a year when the writing marks them as a date: ``Monday (Aug 11)``,
``(Aug 2)`` or a dateline ``KUCHING, Aug 14:`` (the year as for ``Senin (11/8)``).
Relative days (``today``, ``hari ini``, ``yesterday``, ``semalam``, ``kemarin``) are found by
``relative_day``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "januari january jan",
        "februari february feb pebruari",
        "maret mac march mar",
        "april apr",
        "mei may",
        "juni jun june",
        "juli julai july jul",
        "agustus ogos august agt agu ags aug ogo",
        "september sept sep",
        "oktober october okt oct",
        "november nopember nov",
        "desember disember december des dis dec",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "senin isnin monday",
        "selasa tuesday",
        "rabu wednesday",
        "kamis khamis thursday",
        "jumat jumaat jum'at friday",
        "sabtu saturday",
        "minggu ahad sunday",
    )
):
    for _name in _names.split():
        WEEKDAYS[_name] = _number

_SHORT_WEEKDAYS = dict(zip("mon tue wed thu fri sat sun".split(), range(7), strict=True))
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_NAMES = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
WEEKDAY_NAMES = _WEEKDAY_NAMES
_PATTERNS = (
    # Senin (11/8) or Selasa (27/5/2025) or (11/8/2025)
    re.compile(
        rf"(?:\b(?P<wd>{_WEEKDAY_NAMES})\s*,?\s*)?\(\s*(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})"
        r"(?:/(?P<y>\d{4}))?\s*\)",
        re.I,
    ),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"),
    re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b"),
    re.compile(
        rf"\b(?:(?P<wd>{_WEEKDAY_NAMES}),?\s+)?(?P<d>\d{{1,2}})(?:\s*hb\.?)?\s+(?P<mn>{_MONTH_NAMES})"
        r"\.?,?\s+(?P<y>\d{4})\b",
        re.I,
    ),
    re.compile(rf"\b(?P<mn>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b", re.I),
    # Monday (Aug 11), (Aug 2), Monday, Aug 11: a day and month the writing marks as a date
    re.compile(
        rf"(?:\b(?P<wd>{_WEEKDAY_NAMES})\s*,?\s*)?\(\s*(?P<mn>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})"
        r"\s*\)",
        re.I,
    ),
    re.compile(
        rf"\b(?P<wd>{_WEEKDAY_NAMES})\s*,\s*(?P<mn>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})\b(?!\s*,?\s*\d)",
        re.I,
    ),
    # "signed on Feb 7", "pada 7 Februari": a day and month after "on"/"pada"
    re.compile(
        rf"\b(?:on|pada|pada\s+tanggal)\s+(?:(?P<mn>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})"
        rf"|(?P<d2>\d{{1,2}})\s+(?P<mn2>{_MONTH_NAMES})\.?)\b(?!,?\s*\d{{4}})",
        re.I,
    ),
    # a wire service's header: "ID : 123456 / Tue, 03/16/2010 - 19:03" (month first)
    re.compile(
        rf"^ID\s*:\s*\d+\s*/\s*(?:(?P<wd>{_WEEKDAY_NAMES}|mon|tue|wed|thu|fri|sat|sun),?\s*)?"
        r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})",
        re.I | re.M,
    ),
    # a dateline: KUCHING, Aug 14: or KUALA LUMPUR, 14 Ogos --
    re.compile(
        rf"^[A-Z][A-Z .'’-]{{1,40}},\s*(?:(?P<mn>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})"
        rf"|(?P<d2>\d{{1,2}})\s+(?P<mn2>{_MONTH_NAMES})\.?)\s*(?::|--|[–—-]\s)",
        re.I | re.M,
    ),
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_RELATIVE = {
    "today": 0,
    "hari ini": 0,
    "tadi": 0,
    "yesterday": -1,
    "semalam": -1,
    "kemarin": -1,
    "kelmarin": -1,
    "tomorrow": 1,
    "besok": 1,
    "esok": 1,
}
_RELATIVE_WORDS = re.compile(
    r"\b(" + "|".join(sorted(_RELATIVE, key=len, reverse=True)) + r")\b", re.I
)


@dataclass(frozen=True)
class DateMention:
    """A date found in a text, with its character span. ``year_given`` is False when the text
    names only a day and month (the year was inferred: see ``infer_year``); ``weekday`` is the
    weekday the text names, if any (Monday is 0)."""

    value: date
    start: int
    end: int
    text: str
    year_given: bool = True
    weekday: int | None = None


def find_dates(
    text: str, article_date: date | None = None, today: date | None = None
) -> list[DateMention]:
    """Every date in ``text``, in order; overlapping matches keep the first pattern's."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    # "Jum’at": one kind of apostrophe (the same length, so spans stay the text's)
    text = text.translate(_APOSTROPHES)
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value, year_given, weekday = _value(m, article_date, today or date.today())
            if value is not None:
                found.append(
                    DateMention(value, m.start(), m.end(), m.group(0), year_given, weekday)
                )
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)


def parse_date(
    text: str, article_date: date | None = None, today: date | None = None
) -> date | None:
    """The first date in ``text``, or None."""
    found = find_dates(text, article_date, today)
    return found[0].value if found else None


def first_date(text: str) -> DateMention | None:
    """The first date in ``text`` (whether its year was written or inferred), or None."""
    found = find_dates(text)
    return found[0] if found else None


def candidate_days(mention: DateMention, today: date | None = None, years: int = 40) -> list[date]:
    """The days a date written without its year can be, latest first: its day and month in each
    of the last ``years`` years up to today, on the weekday it names if it names one."""
    return _days(
        mention.value.month, mention.value.day, mention.weekday, today or date.today(), years
    )


def _days(month: int, day: int, weekday: int | None, today: date, years: int) -> list[date]:
    out = []
    for year in range(today.year, today.year - years, -1):
        value = _safe(year, month, day)
        if value is not None and value <= today and (weekday is None or value.weekday() == weekday):
            out.append(value)
    return out


_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/|$)"
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?:/|$)"
)


def date_in_url(url: str) -> date | None:
    """The date a news URL's path carries (``/2023/08/02/`` or ``/20250527/``), or None."""
    m = _URL_DATE.search(url)
    if m is None:
        return None
    year, month, day = (m.group("y"), m.group("m"), m.group("d"))
    if year is None:
        year, month, day = m.group("y2"), m.group("m2"), m.group("d2")
    return _safe(int(year), int(month), int(day))


def relative_day(text: str, reference: date | None) -> date | None:
    """The day ``today``, ``yesterday`` (``hari ini``, ``semalam``, ...) in ``text`` names,
    counted from ``reference`` (the article's date); None without either."""
    if reference is None or not (m := _RELATIVE_WORDS.search(text)):
        return None
    return reference + timedelta(days=_RELATIVE[m.group(1).lower()])


def _value(
    m: re.Match[str], article_date: date | None, today: date
) -> tuple[date | None, bool, int | None]:
    groups = m.groupdict()
    groups["mn"] = groups.get("mn") or groups.get("mn2")
    groups["d"] = groups.get("d") or groups.get("d2")
    month = MONTHS[groups["mn"].lower()] if groups.get("mn") else int(groups["m"])
    day = int(groups["d"])
    weekday = WEEKDAYS.get(
        (groups.get("wd") or "").lower(), _SHORT_WEEKDAYS.get((groups.get("wd") or "").lower())
    )
    if groups.get("y"):
        return _safe(int(groups["y"]), month, day), True, weekday
    return _infer_year(month, day, weekday, article_date, today), False, weekday


def _infer_year(
    month: int, day: int, weekday: int | None, article_date: date | None, today: date
) -> date | None:
    """A day and month without a year: the article's year (a date after the article is the
    year before); without an article date, the latest year up to this one whose calendar puts
    the day on the weekday given."""
    if article_date is not None:
        value = _safe(article_date.year, month, day)
        if value is not None and value > article_date:
            value = _safe(article_date.year - 1, month, day)
        return value
    days = _days(month, day, weekday, today, 12)
    return days[0] if days else None


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
