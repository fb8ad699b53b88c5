"""What a release says about itself: how to cite it (``CITATION.cff``) and what changed since
the previous release (``CHANGELOG.md`` and the complete ``changes.csv``).

A partnership is *added* when the previous release's edge list lacks its IRI, *retracted* when
this one lacks it, and *changed* when any of its own facts differ: its places or governments,
type, known dates, status, sectors, agreements or sources (``CHANGE_COLUMNS``). Names and
coordinates of places are not the partnership's facts and do not count.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citypact import __version__
from citypact.publishing.dataset_description import LICENSE, PUBLISHER
from citypact.publishing.linked_data import IriSpace, linked_data_queries
from citypact.store.port import QueryOptions, Store

if TYPE_CHECKING:
    from citypact.publishing.release import Release

CHANGE_COLUMNS = (
    "place_a",
    "place_b",
    "place_a_government",
    "place_b_government",
    "type",
    "first_date",
    "last_date",
    "status",
    "status_date",
    "status_history",
    "sectors",
    "agreements",
    "source_iris",
)
LISTED = 200
_SPDX = (
    ("publicdomain/zero", "CC0-1.0"),
    ("licenses/by-sa/4.0", "CC-BY-SA-4.0"),
    ("licenses/by/4.0", "CC-BY-4.0"),
    ("opendatacommons.org/licenses/odbl", "ODbL-1.0"),
)


def read_edges(path: Path) -> dict[str, dict[str, str]]:
    """An edge list (CSV) by partnership IRI; empty when there is none."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["partnership"]: row for row in csv.DictReader(handle)}


def compare(
    old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]
) -> list[tuple[str, str, str]]:
    """(partnership, added|changed|retracted, changed columns) for every difference."""
    found = []
    for iri in sorted(set(old) | set(new)):
        if iri not in old:
            found.append((iri, "added", ""))
        elif iri not in new:
            found.append((iri, "retracted", ""))
        else:
            columns = [c for c in CHANGE_COLUMNS if old[iri].get(c, "") != new[iri].get(c, "")]
            if columns:
                found.append((iri, "changed", ";".join(columns)))
    return found


def changes_csv(changes: list[tuple[str, str, str]]) -> str:
    """Every change as CSV: partnership, change, columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["partnership", "change", "columns"])
    writer.writerows(changes)
    return out.getvalue()


def changelog(edges: Path, previous: Release | None, version: str, issued: str) -> str:
    """CHANGELOG.md of a release whose edge list is ``edges`` (``changes.csv`` is written beside
    the changelog's folder by the caller from :func:`compare`)."""
    new = read_edges(edges)
    lines = [f"# CityPact data release {version} ({issued})", ""]
    if previous is None:
        lines += [
            f"First release: {len(new)} partnerships. Later releases list the partnerships "
            "added, changed and retracted since the one before.",
            "",
        ]
        return "\n".join(lines)
    old = read_edges(previous.directory / "network" / "edges.csv")
    changes = compare(old, new)
    counts = {
        kind: sum(1 for c in changes if c[1] == kind) for kind in ("added", "changed", "retracted")
    }
    lines += [
        f"Since release {previous.version} ({previous.issued}): {len(old)} → {len(new)} "
        f"partnerships; {counts['added']} added, {counts['changed']} changed, "
        f"{counts['retracted']} retracted. The complete list is `changes.csv`; a partnership "
        "counts as changed when its places, governments, type, dates, status, sectors, "
        "agreements or sources differ.",
        "",
    ]
    for kind in ("added", "changed", "retracted"):
        chosen = [c for c in changes if c[1] == kind]
        if not chosen:
            continue
        lines += [f"## {kind.capitalize()} ({len(chosen)})", ""]
        for iri, _kind, columns in chosen[:LISTED]:
            lines.append(f"- <{iri}>" + (f": {columns.replace(';', ', ')}" if columns else ""))
        if len(chosen) > LISTED:
            lines.append(f"- … and {len(chosen) - LISTED} more (see `changes.csv`)")
        lines.append("")
    return "\n".join(lines)


def _spdx(licence: str) -> str | None:
    return next((spdx for key, spdx in _SPDX if key in licence), None)


def _quote(value: object) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted scalars."""
    return json.dumps(str(value), ensure_ascii=False)


def citation(
    store: Store,
    space: IriSpace,
    version: str,
    issued: str,
    partnerships: int,
    places: int,
    timeout: float = 60.0,
) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for the release: the dataset as the work to
    cite, the software and each outside source's data set as references."""
    sources = store.select(
        linked_data_queries()["source_graphs"].bind(), QueryOptions(timeout=timeout)
    ).rows
    licences = ["CC-BY-4.0"]
    for row in sources:
        spdx = _spdx(row["licence"].value) if "licence" in row else None
        if spdx and spdx not in licences:
            licences.append(spdx)
    url = f"{space.base}dumps/releases/{version}/"
    abstract = (
        f"A linked-data knowledge graph of city diplomacy, release {version}: {partnerships} "
        f"partnerships between {places} places, with the agreements, commitments by sector and "
        "officials of the curated part, every fact citing its source. CityPact's own data is "
        f"CC BY 4.0 ({LICENSE}); each outside source's named graph keeps its own licence "
        "(see void.ttl)."
    )
    out = [
        "cff-version: 1.2.0",
        'message: "If you use these data, please cite this release as below, and the sources '
        'you rely on (references)."',
        "type: dataset",
        f"title: {_quote(f'CityPact: partnerships and agreements of city diplomacy ({version})')}",
        f"version: {_quote(version)}",
        f"date-released: {_quote(issued)}",
        "license:",
        *[f"  - {_quote(x)}" for x in licences],
        "authors:",
        f"  - name: {_quote(PUBLISHER)}",
        f"url: {_quote(url)}",
        f"abstract: {_quote(abstract)}",
        "keywords:",
        *[
            f"  - {_quote(k)}"
            for k in (
                "city diplomacy",
                "sister cities",
                "twin towns",
                "local government",
                "linked data",
                "network",
            )
        ],
        "references:",
        "  - type: software",
        '    title: "CityPact"',
        f"    version: {_quote(__version__)}",
        '    license: "MIT"',
        "    authors:",
        f"      - name: {_quote(PUBLISHER)}",
        f"    url: {_quote(space.base)}",
    ]
    for row in sources:
        title = row["title"].value if "title" in row else row["graph"].value
        out += [
            "  - type: dataset",
            f"    title: {_quote(title)}",
            "    authors:",
            f"      - name: {_quote(_author(row))}",
        ]
        spdx = _spdx(row["licence"].value) if "licence" in row else None
        if spdx:
            out.append(f"    license: {_quote(spdx)}")
        if "url" in row:
            out.append(f"    url: {_quote(row['url'].value)}")
        if "version" in row:
            out.append(f"    version: {_quote(row['version'].value)}")
        if "rights" in row:
            out.append(f"    notes: {_quote(row['rights'].value)}")
    return "\n".join(out) + "\n"


def _author(row: dict[str, Any]) -> str:
    """The data set's maintainers as far as its title says (else its named graph)."""
    title = row["title"].value if "title" in row else ""
    return title.split(":")[0].strip() or row["graph"].value
