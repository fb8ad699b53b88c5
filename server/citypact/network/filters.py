"""A slice of the network: by country, region, sector, partnership type, status and years.

Filters are read from user input by :func:`parse_filters` (each bad value raises
:class:`FilterError` naming its parameter) and applied in memory by :meth:`Filters.apply`
to the network read from the graph, so a slice is always exactly a subset of the whole
export. A partnership is kept when:

- ``country``: one of its two places is in one of the countries (ISO 3166-1 alpha-2);
- ``region``: one of its places is on one of the continents (AF AN AS EU NA OC SA);
- ``sector``: one of its agreements commits to the sector or a narrower one;
- ``type`` / ``status``: its type / current status is one of those given (status ``unknown``
  for none);
- ``year_from`` / ``year_to``: it was in force in at least one year of the range (its panel);
  a partnership with no known date is then left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from citypact.network import countries
from citypact.network.tables import Edge, Network

_CODE = re.compile(r"^[A-Za-z]{2}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
FILTER_NAMES = ("country", "region", "sector", "type", "status", "year_from", "year_to")


class FilterError(ValueError):
    """A filter value that is malformed or unknown; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.reason = message


@dataclass(frozen=True)
class Filters:
    """The slice asked for; empty tuples and None mean "any"."""

    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    sector: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None

    @property
    def empty(self) -> bool:
        """No filter at all: the whole network."""
        return self == Filters()

    def keeps(self, network: Network, edge: Edge) -> bool:
        """Whether the edge belongs to the slice."""
        ends = (network.nodes[edge.a], network.nodes[edge.b])
        if self.country and not any(n.country in self.country for n in ends):
            return False
        if self.region and not any(n.region in self.region for n in ends):
            return False
        if self.sector and not edge.sector_closure.intersection(self.sector):
            return False
        if self.type and not set(edge.type.split(";")).intersection(self.type):
            return False
        if self.status and (edge.status[0] or "unknown") not in self.status:
            return False
        if self.year_from is not None or self.year_to is not None:
            low = self.year_from if self.year_from is not None else -10_000
            high = self.year_to if self.year_to is not None else 10_000
            if not any(low <= year <= high for year, _s, _a in edge.years()):
                return False
        return True

    def apply(self, network: Network) -> Network:
        """The slice: the kept edges and the nodes they join."""
        if self.empty:
            return network
        edges = [edge for edge in network.edges if self.keeps(network, edge)]
        used = {edge.a for edge in edges} | {edge.b for edge in edges}
        nodes = {key: node for key, node in network.nodes.items() if key in used}
        return replace(network, nodes=nodes, edges=edges)

    def describe(self) -> str:
        """The filters as ``name=value`` pairs (for file headers and messages)."""
        parts = []
        for name in FILTER_NAMES:
            value = getattr(self, name)
            if value is None or value == ():
                continue
            parts.append(f"{name}={','.join(value) if isinstance(value, tuple) else value}")
        return " ".join(parts) or "none"


def _split(values: Iterable[str] | str | None) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def _year(name: str, value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not re.fullmatch(r"-?\d{1,4}", text):
        raise FilterError(name, f"expected a year (YYYY), got {text!r}")
    return int(text)


def parse_filters(
    values: Mapping[str, Iterable[str] | str | int | None],
    vocabulary: Mapping[str, set[str]] | None = None,
) -> Filters:
    """Filters from user input (query parameters or command-line options).

    ``country`` and ``region`` are codes (case ignored; ``region`` also takes the continent's
    English name); ``sector``, ``type`` and ``status`` are slugs, checked against
    ``vocabulary`` (the network's ``sector``/``type``/``status`` slugs) when given; ``year``
    sets both ``year_from`` and ``year_to``. Several values: repeat or separate by commas.
    Raises FilterError naming the parameter.
    """
    known = vocabulary or {}
    country = []
    for given in _split(values.get("country")):  # type: ignore[arg-type]
        if not _CODE.match(given) or given.upper() not in countries.table():
            raise FilterError("country", f"expected an ISO 3166-1 alpha-2 code, got {given!r}")
        country.append(given.upper())
    names = {name.casefold(): code for code, name in countries.CONTINENTS.items()}
    region = []
    for value in _split(values.get("region")):  # type: ignore[arg-type]
        code: str | None = (
            value.upper() if value.upper() in countries.CONTINENTS else names.get(value.casefold())
        )
        if code is None:
            choices = ", ".join(countries.CONTINENTS)
            raise FilterError("region", f"expected a continent code ({choices}), got {value!r}")
        region.append(code)
    slugs: dict[str, list[str]] = {}
    for name in ("sector", "type", "status"):
        slugs[name] = []
        allowed = set(known.get(name, set())) | ({"unknown"} if name == "status" else set())
        for value in _split(values.get(name)):  # type: ignore[arg-type]
            if not _SLUG.match(value) or (known.get(name) is not None and value not in allowed):
                hint = f"; one of: {', '.join(sorted(allowed))}" if allowed else ""
                raise FilterError(name, f"unknown {name} {value!r}{hint}")
            slugs[name].append(value)
    year = _year("year", values.get("year"))  # type: ignore[arg-type]
    year_from = _year("year_from", values.get("year_from"))  # type: ignore[arg-type]
    year_to = _year("year_to", values.get("year_to"))  # type: ignore[arg-type]
    if year is not None:
        if year_from is not None or year_to is not None:
            raise FilterError("year", "give either year or year_from/year_to, not both")
        year_from = year_to = year
    if year_from is not None and year_to is not None and year_from > year_to:
        raise FilterError("year_from", f"year_from {year_from} is after year_to {year_to}")
    return Filters(
        tuple(dict.fromkeys(country)),
        tuple(dict.fromkeys(region)),
        tuple(dict.fromkeys(slugs["sector"])),
        tuple(dict.fromkeys(slugs["type"])),
        tuple(dict.fromkeys(slugs["status"])),
        year_from,
        year_to,
    )
