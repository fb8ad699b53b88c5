"""A world map drawn on the server as SVG, from the bundled Natural Earth outline (world-atlas
TopoJSON, 1:110m): no tile server, no JavaScript. Equirectangular projection.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from html import escape

from citypact.resources import static_dir

ATLAS = static_dir() / "vendor" / "world-atlas" / "countries-110m.json"
WIDTH, HEIGHT = 960, 480


@dataclass(frozen=True)
class MapPoint:
    """A place (or a country's centre) on the map; ``weight`` orders labels (most first)."""

    lon: float
    lat: float
    label: str
    href: str | None = None
    weight: float = 0.0
    name: str = ""  # the text of its label on the map, when shorter than ``label`` (the tooltip)


@dataclass(frozen=True)
class MapLine:
    """A partnership drawn between two places, or (``count`` > 1) the ties of two countries."""

    a: MapPoint
    b: MapPoint
    label: str
    href: str | None = None
    key: str = ""
    count: int = 1


@dataclass(frozen=True)
class Legend:
    """What the map's marks mean: a line of each width, and what a dot is."""

    dot: str = "a place"
    line: str = "a partnership"
    widths: tuple[tuple[float, str], ...] = ()


def project(
    lon: float, lat: float, width: int = WIDTH, height: int = HEIGHT
) -> tuple[float, float]:
    """Equirectangular projection of longitude/latitude into SVG coordinates."""
    return (lon + 180.0) / 360.0 * width, (90.0 - lat) / 180.0 * height


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indices: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def _path(rings: list[list[tuple[float, float]]]) -> str:
    """Path data in relative moves, one decimal, points closer than 0.8 units to the last one
    dropped (the outline stays exact to the eye and weighs half as much)."""
    parts = []
    for ring in rings:
        previous = None
        last: tuple[float, float] | None = None
        for lon, lat in ring:
            x, y = (round(v, 1) for v in project(lon, lat))
            # Break the outline where it crosses the antimeridian instead of striping the map.
            if previous is None or abs(lon - previous) > 180 or last is None:
                parts.append(f"M{x:g},{y:g}")
                last = (x, y)
            elif abs(x - last[0]) + abs(y - last[1]) >= 0.8:
                parts.append(f"l{round(x - last[0], 1):g},{round(y - last[1], 1):g}")
                last = (x, y)
            previous = lon
        parts.append("Z")
    return "".join(parts)


@cache
def country_paths() -> tuple[tuple[str, str], ...]:
    """(country name, SVG path data) for every country of the bundled outline."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    out = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        out.append((geometry.get("properties", {}).get("name", ""), _path(rings)))
    return tuple(out)


def line_width(count: int) -> float:
    """The stroke width of a line standing for ``count`` ties (1: a single partnership)."""
    return round(1.2 + 1.6 * math.log10(count), 2) if count > 1 else 1.6


def _segments(a: MapPoint, b: MapPoint) -> list[tuple[float, float, float, float]]:
    """The line from a to b the short way round: split at the antimeridian when it crosses it."""
    lon_a, lon_b = a.lon, b.lon
    if abs(lon_b - lon_a) <= 180:
        return [(lon_a, a.lat, lon_b, b.lat)]
    shifted = lon_b - 360 if lon_b > lon_a else lon_b + 360
    edge = -180.0 if shifted < lon_a else 180.0
    share = (edge - lon_a) / (shifted - lon_a)
    lat_edge = a.lat + share * (b.lat - a.lat)
    return [(lon_a, a.lat, edge, lat_edge), (-edge, lat_edge, lon_b, b.lat)]


def _view_box(points: list[MapPoint], lines: list[MapLine]) -> tuple[float, float, float, float]:
    """Fit the view to what is drawn (the whole world when it spans it or wraps around)."""
    if not points or any(abs(line.a.lon - line.b.lon) > 180 for line in lines):
        return 0.0, 0.0, float(WIDTH), float(HEIGHT)
    xs, ys = zip(*(project(p.lon, p.lat) for p in points), strict=True)
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    # At least a continent's size, padded, in the map's own proportions.
    w, h = max(x1 - x0, 120.0) * 1.25, max(y1 - y0, 60.0) * 1.25
    if w / h > WIDTH / HEIGHT:
        h = w * HEIGHT / WIDTH
    else:
        w = h * WIDTH / HEIGHT
    if w >= WIDTH or h >= HEIGHT:
        return 0.0, 0.0, float(WIDTH), float(HEIGHT)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    x = min(max(cx - w / 2, 0.0), WIDTH - w)
    y = min(max(cy - h / 2, 0.0), HEIGHT - h)
    return round(x, 1), round(y, 1), round(w, 1), round(h, 1)


def render_svg(
    lines: list[MapLine],
    points: list[MapPoint],
    title: str,
    labels: int = 0,
    legend: Legend | None = None,
    fit: bool = False,
) -> str:
    """An accessible SVG: country outlines, a line per partnership (or per country pair, its
    width by the number of ties), a dot per place, names of the ``labels`` heaviest points, a
    legend; with ``fit``, the view is fitted to what is drawn. Every line and dot has a title
    (its tooltip) and, when it has one, a link."""
    vx, vy, vw, vh = _view_box(points, lines) if fit else (0.0, 0.0, float(WIDTH), float(HEIGHT))
    scale = vw / WIDTH  # marks keep their size on screen when the view is zoomed in
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{vx:g} {vy:g} {vw:g} {vh:g}" '
        'role="img" aria-labelledby="map-title" class="world-map">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<rect x="{vx:g}" y="{vy:g}" width="{vw:g}" height="{vh:g}" fill="#dcebf5"/>',
        f'<g fill="#f4f1ea" stroke="#9a9a9a" stroke-width="{0.4 * scale:.2f}">',
    ]
    out += [f'<path d="{d}"><title>{escape(name)}</title></path>' for name, d in country_paths()]
    out.append(
        f'</g><g fill="none" stroke="#b3261e" stroke-width="{1.6 * scale:.2f}" '
        'stroke-opacity="0.75" stroke-linecap="round">'
    )
    for line in lines:
        width = f' stroke-width="{line_width(line.count) * scale:.2f}"' if line.count > 1 else ""
        kind = "partnership"
        segments = _segments(line.a, line.b)
        tip = f"<title>{escape(line.label)}</title>"
        # A country pair is marked by its width; a single tie by its class and key.
        marks = f'class="{kind}" data-key="{escape(line.key)}" ' if line.count == 1 else ""
        if len(segments) == 1:
            (x1, y1), (x2, y2) = project(*segments[0][:2]), project(*segments[0][2:])
            element = (
                f'<line {marks}x1="{x1:.1f}" '
                f'y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"{width}>{tip}</line>'
            )
        else:
            d = "".join(
                "M{:.1f},{:.1f}L{:.1f},{:.1f}".format(*project(s[0], s[1]), *project(s[2], s[3]))
                for s in segments
            )
            element = f'<path {marks}d="{d}"{width}>{tip}</path>'
        if line.href:
            element = f'<a href="{escape(line.href)}">{element}</a>'
        out.append(element)
    radius = 4 * scale
    out.append(f'</g><g fill="#0b57d0" stroke="#ffffff" stroke-width="{0.8 * scale:.2f}">')
    for point in points:
        x, y = project(point.lon, point.lat)
        dot = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.2f}">'
            f"<title>{escape(point.label)}</title></circle>"
        )
        if point.href:
            dot = f'<a href="{escape(point.href)}">{dot}</a>'
        out.append(dot)
    out.append("</g>")
    if labels:
        size = 11 * scale
        out.append(
            f'<g class="labels" font-size="{size:.2f}" font-family="system-ui,sans-serif" '
            f'fill="#1b1b1b" stroke="#ffffff" stroke-width="{2.5 * scale:.2f}" '
            'paint-order="stroke">'
        )
        placed: list[tuple[float, float, float, float]] = []
        for point in sorted(points, key=lambda p: (-p.weight, p.label)):
            if len(placed) >= labels:
                break
            x, y = project(point.lon, point.lat)
            tx, ty = x + radius * 1.5, y + size / 3
            text = point.name or point.label
            box = (tx, ty - size, tx + 0.58 * size * len(text), ty + size * 0.25)
            if any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
            ):
                continue  # a busier place's name is there already
            placed.append(box)
            out.append(f'<text x="{tx:.1f}" y="{ty:.1f}">{escape(text)}</text>')
        out.append("</g>")
    if legend is not None:
        out.append(_legend(legend, vx, vy, vw, vh, scale))
    out.append("</svg>")
    return "".join(out)


def _legend(legend: Legend, vx: float, vy: float, vw: float, vh: float, scale: float) -> str:
    rows = [("dot", legend.dot, 0.0)] + [("line", text, w) for w, text in legend.widths]
    if not legend.widths:
        rows.append(("line", legend.line, 1.6))
    size, gap = 11 * scale, 16 * scale
    height = gap * len(rows) + 8 * scale
    x, y = vx + 8 * scale, vy + vh - height - 8 * scale
    out = [
        f'<g class="legend" font-size="{size:.2f}" font-family="system-ui,sans-serif">',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{190 * scale:.1f}" height="{height:.1f}" '
        f'fill="#ffffff" fill-opacity="0.85" stroke="#9a9a9a" stroke-width="{0.5 * scale:.2f}"/>',
    ]
    for number, (mark, text, width) in enumerate(rows):
        cy = y + gap * (number + 0.5) + 4 * scale
        mx = x + 10 * scale
        if mark == "dot":
            dx, r = mx + 8 * scale, 4 * scale
            out.append(f'<circle cx="{dx:.1f}" cy="{cy:.1f}" r="{r:.2f}" fill="#0b57d0"/>')
        else:
            out.append(
                f'<line x1="{mx:.1f}" y1="{cy:.1f}" x2="{mx + 18 * scale:.1f}" y2="{cy:.1f}" '
                f'stroke="#b3261e" stroke-width="{width * scale:.2f}"/>'
            )
        out.append(f'<text x="{mx + 26 * scale:.1f}" y="{cy + size / 3:.1f}">{escape(text)}</text>')
    out.append("</g>")
    return "".join(out)
