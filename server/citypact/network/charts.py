"""The analyses drawn as SVG on the server with matplotlib (Agg canvas, SVG output).

Figures are built with matplotlib's object API (no pyplot, so no global state shared between
threads); text stays text in the SVG (``svg.fonttype: none``), and ids and metadata are fixed
so the same numbers give the same bytes.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from citypact.network.analyses import Table

CHARTS = ("growth", "hubs", "network-in-year", "sectors-by-region")
_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "citypact",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
BLUE, ORANGE = "#1f5f8b", "#c2571a"


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=96, layout="constrained")


def _svg(figure: Any, title: str) -> bytes:
    import matplotlib

    out = io.BytesIO()
    with matplotlib.rc_context(_STYLE):  # type: ignore[arg-type]
        figure.savefig(out, format="svg", metadata={"Date": None, "Title": title})
    return out.getvalue()


def _empty(axes: Any, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def draw(table: Table) -> bytes:
    """The chart of an analysis as SVG bytes (ValueError for an analysis without a chart)."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):  # type: ignore[arg-type]
        if table.name == "growth":
            figure = _growth(table)
        elif table.name == "hubs":
            figure = _hubs(table)
        elif table.name == "network-in-year":
            figure = _in_year(table)
        elif table.name == "sectors-by-region":
            figure = _sectors(table)
        else:
            raise ValueError(f"no chart for {table.name!r}")
        return _svg(figure, table.title)


def _growth(table: Table) -> Any:
    figure = _figure(7, 3.4)
    axes = figure.add_subplot()
    if not table.rows:
        _empty(axes, "no dated partnerships")
        return figure
    decades = [row[0] for row in table.rows]
    axes.bar(decades, [row[1] for row in table.rows], color=BLUE, label="new partnerships")
    axes.set_ylabel("new partnerships")
    axes.set_title(table.title)
    axes.tick_params(axis="x", rotation=45)
    total = axes.twinx()
    total.plot(
        decades, [row[2] for row in table.rows], color=ORANGE, marker="o", label="cumulative"
    )
    total.set_ylabel("cumulative")
    total.spines["right"].set_visible(True)
    figure.legend(loc="upper left")
    return figure


def _hubs(table: Table) -> Any:
    rows = table.rows[:20]
    figure = _figure(7, 0.6 + 0.25 * max(len(rows), 4))
    axes = figure.add_subplot()
    if not rows:
        _empty(axes, "no partnerships")
        return figure
    names = [f"{row[2] or row[1]} ({row[3]})" if row[3] else (row[2] or row[1]) for row in rows]
    axes.barh(names[::-1], [row[4] for row in rows][::-1], color=BLUE)
    axes.set_xlabel("partnerships")
    axes.set_title(table.title)
    return figure


def _in_year(table: Table) -> Any:
    figure = _figure(7, 3.2)
    axes = figure.add_subplot()
    if not table.rows:
        _empty(axes, "no dated partnerships")
        return figure
    years = [row[0] for row in table.rows]
    axes.plot(years, [row[1] for row in table.rows], color=BLUE, label="partnerships in force")
    axes.plot(years, [row[2] for row in table.rows], color=ORANGE, label="places")
    axes.set_xlabel("year")
    axes.set_title(table.title)
    axes.legend(loc="upper left")
    return figure


def _sectors(table: Table) -> Any:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for region, _decade, sector, count in table.rows:
        totals[(sector, region)] += count
    sectors = sorted({s for s, _r in totals})
    regions = sorted({r for _s, r in totals})
    figure = _figure(7, 0.9 + 0.25 * max(len(sectors), 4))
    axes = figure.add_subplot()
    if not totals:
        _empty(axes, "no partnership with sectors")
        return figure
    grid = [[totals.get((s, r), 0) for r in regions] for s in sectors]
    image = axes.imshow(grid, cmap="Blues", aspect="auto")
    axes.set_xticks(range(len(regions)), regions)
    axes.set_yticks(range(len(sectors)), sectors)
    high = max(max(row) for row in grid) or 1
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value:
                colour = "white" if value > high / 2 else "black"
                axes.text(j, i, str(value), ha="center", va="center", color=colour)
    axes.set_title("Partnerships per sector and continent (all decades)")
    figure.colorbar(image, ax=axes, label="partnerships")
    return figure
