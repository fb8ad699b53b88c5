"""A world map drawn on the server as SVG, from the bundled Natural Earth outline (world-atlas
TopoJSON, 1:110m): no tile server, no JavaScript. Equirectangular projection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from html import escape

from citypact.resources import static_dir

ATLAS = static_dir() / "vendor" / "world-atlas" / "countries-110m.json"
WIDTH, HEIGHT = 960, 480


@dataclass(frozen=True)
class MapPoint:
    """A place on the map."""

    lon: float
    lat: float
    label: str
    href: str | None = None


@dataclass(frozen=True)
class MapLine:
    """A partnership drawn between two places."""

    a: MapPoint
    b: MapPoint
    label: str
    href: str | None = None
    key: str = ""


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
    parts = []
    for ring in rings:
        previous = None
        for lon, lat in ring:
            x, y = project(lon, lat)
            # Break the outline where it crosses the antimeridian instead of striping the map.
            move = previous is None or abs(lon - previous) > 180
            parts.append(f"{'M' if move else 'L'}{x:.1f},{y:.1f}")
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


def render_svg(lines: list[MapLine], points: list[MapPoint], title: str) -> str:
    """An accessible SVG: country outlines, a line per partnership, a dot per place."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="map-title" class="world-map">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#dcebf5"/>',
        '<g fill="#f4f1ea" stroke="#9a9a9a" stroke-width="0.4">',
    ]
    out += [f'<path d="{d}"><title>{escape(name)}</title></path>' for name, d in country_paths()]
    out.append('</g><g fill="none" stroke="#b3261e" stroke-width="1.6" stroke-opacity="0.8">')
    for line in lines:
        (x1, y1), (x2, y2) = project(line.a.lon, line.a.lat), project(line.b.lon, line.b.lat)
        element = (
            f'<line class="partnership" data-key="{escape(line.key)}" x1="{x1:.1f}" y1="{y1:.1f}" '
            f'x2="{x2:.1f}" y2="{y2:.1f}"><title>{escape(line.label)}</title></line>'
        )
        if line.href:
            element = f'<a href="{escape(line.href)}">{element}</a>'
        out.append(element)
    out.append('</g><g fill="#0b57d0" stroke="#ffffff" stroke-width="0.8">')
    for point in points:
        x, y = project(point.lon, point.lat)
        dot = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(point.label)}</title></circle>'
        )
        if point.href:
            dot = f'<a href="{escape(point.href)}">{dot}</a>'
        out.append(dot)
    out.append("</g></svg>")
    return "\n".join(out)
