"""The map at the scale of the world's partnerships (issue 22): country pairs at world scale,
single ties when filtered, a legend, tooltips and links on every line, the antimeridian."""

from __future__ import annotations

import re

from citypact.publishing.html_pages import Site
from citypact.web.map_layers import Layer, Place, Tie
from citypact.web.map_page import MAX_LINES, MapFilters, _aggregated, _individual
from citypact.web.world_map import MapLine, MapPoint, render_svg

COUNTRY = "https://w3id.org/citypact/id/country/"


def world(ties_per_pair: int = 900) -> Layer:
    """Three countries, ten towns each, and many ties between them."""
    layer = Layer(version="test")
    spots = {"DE": (10.0, 51.0), "FR": (2.0, 47.0), "JP": (138.0, 36.0)}
    for code, (lon, lat) in spots.items():
        for n in range(10):
            layer.places.append(
                Place(
                    f"https://w3id.org/citypact/id/city/{code.lower()}-{n}",
                    f"Town {n} ({code})",
                    (lon + n * 0.1, lat + n * 0.1),
                    COUNTRY + code.lower(),
                    {"DE": "Germany", "FR": "France", "JP": "Japan"}[code],
                    code,
                )
            )
    pairs = [(0, 10), (0, 20), (10, 20)]
    for a0, b0 in pairs:
        for n in range(ties_per_pair):
            a, b = a0 + n % 10, b0 + (n // 10) % 10
            layer.ties.append(
                Tie(f"https://w3id.org/citypact/id/partnership/p{a}-{b}-{n}", f"T{n}", a, b)
            )
    return layer


def test_the_world_is_drawn_as_country_pairs_with_tooltips_links_and_a_legend() -> None:
    layer = world()
    assert len(layer.ties) > MAX_LINES  # the world is drawn as country pairs
    lines, points = _aggregated(layer, layer.ties, MapFilters())
    assert {line.count for line in lines} == {900}
    assert len(lines) == 3
    svg = render_svg(lines, points, "the world", labels=5)
    pairs = re.findall(
        r'<a href="([^"]+)"><line x1="[^"]+" y1="[^"]+" x2="[^"]+" y2="[^"]+" '
        r'stroke-width="([^"]+)"><title>([^<]+)</title></line></a>',
        svg,
    )
    assert len(pairs) == 3
    for href, width, title in pairs:
        assert href.startswith("/map?country=") and "partner=" in href
        assert "900 partnerships" in title and float(width) > 1.6
    assert "Germany: 1,800 ties" in svg  # the dot's tooltip
    assert ">Japan</text>" in svg
    # France's and Germany's names would overlap: only one of them is written
    assert (">France</text>" in svg) != (">Germany</text>" in svg)


def test_a_filtered_map_draws_each_tie_and_fits_the_view() -> None:
    layer = world(ties_per_pair=20)
    europe = [t for t in layer.ties if t.a < 20 and t.b < 20]
    lines, points = _individual(layer, europe, Site())
    assert len(lines) == len(europe)
    svg = render_svg(lines, points, "Germany and France", labels=3, fit=True)
    view = [float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split()]
    assert view[2] < 960 and view[3] < 480  # zoomed to Europe, not the whole world
    assert svg.count('<line class="partnership"') == len(europe)
    assert all(f'data-key="{t.partnership.rsplit("/", 1)[-1]}"' in svg for t in europe)


def test_a_line_across_the_pacific_takes_the_short_way_round() -> None:
    tokyo = MapPoint(139.7, 35.7, "Tokyo")
    san_francisco = MapPoint(-122.4, 37.8, "San Francisco")
    svg = render_svg([MapLine(tokyo, san_francisco, "Tokyo – San Francisco", "/x", "tf")], [], "t")
    (d,) = re.findall(r'<path class="partnership" data-key="tf" d="([^"]+)"', svg)
    moves = re.findall(r"M([\d.]+),([\d.]+)L([\d.]+),([\d.]+)", d)
    assert len(moves) == 2  # split at the antimeridian, not drawn across Europe
    xs = sorted(float(v) for m in moves for v in (m[0], m[2]))
    assert xs[0] < 160 and xs[-1] > 800 and any(abs(x - 960) < 0.5 or x < 0.5 for x in xs)
