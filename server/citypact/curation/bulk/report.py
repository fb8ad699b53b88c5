"""What a bulk import found, decided and wrote: the figures, the refused rows (line and
reason) and the ambiguous places left for a curator, as Markdown, JSON and TSV."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from citypact.curation.bulk.places import Tie
from citypact.curation.bulk.reconcile import Reconciled

if TYPE_CHECKING:
    from citypact.curation.bulk.emit import Emitter


@dataclass
class Figures:
    """The import's figures (``data/built/import-figures.json``)."""

    rows: dict[str, int] = field(default_factory=dict)
    refused_rows: int = 0
    partnerships: int = 0
    partnerships_by_sources: dict[str, int] = field(default_factory=dict)
    places: int = 0
    places_with_coordinates: int = 0
    places_with_country: int = 0
    places_with_wikidata: int = 0
    places_with_geonames: int = 0
    places_by_method: dict[str, int] = field(default_factory=dict)
    coordinates_by_source: dict[str, int] = field(default_factory=dict)
    ambiguous: int = 0
    ambiguous_by_reason: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    quads_by_graph: dict[str, int] = field(default_factory=dict)
    merges: dict[str, int] = field(default_factory=dict)

    def share(self, part: int) -> float:
        """``part`` as a share of the places."""
        return part / self.places if self.places else 0.0


def figures_of(
    result: Reconciled,
    ties: dict[tuple[str, str], Tie],
    emitter: Emitter,
    wikipedia_rows: int,
    wikidata_rows: int,
) -> Figures:
    """Count what a reconciliation decided and what its emitter wrote."""
    used = sorted({k for pair in ties for k in pair})
    places = [result.places[k] for k in used]
    by_sources = Counter(" + ".join(sorted(t.lines)) for t in ties.values())
    return Figures(
        rows={"wikipedia-twin-cities": wikipedia_rows, "wikidata-p190": wikidata_rows},
        refused_rows=len(result.refused),
        partnerships=len(ties),
        partnerships_by_sources=dict(sorted(by_sources.items())),
        places=len(places),
        places_with_coordinates=sum(1 for p in places if p.point is not None),
        places_with_country=sum(1 for p in places if p.country),
        places_with_wikidata=sum(1 for p in places if p.qid),
        places_with_geonames=sum(1 for p in places if p.geonames_id),
        places_by_method=dict(sorted(Counter(p.method for p in places).items())),
        coordinates_by_source=dict(
            sorted(Counter(p.point_source or "none" for p in places).items())
        ),
        ambiguous=len(result.ambiguous),
        ambiguous_by_reason=dict(sorted(Counter(a.reason for a in result.ambiguous).items())),
        written=dict(sorted(emitter.counts.items())),
        quads_by_graph={
            g.rsplit("/", 1)[-1]: len(set(q)) for g, q in sorted(emitter.quads.items())
        },
        merges={k: v for k, v in sorted(result.counts.items())},
    )


def write_report(
    out: Path,
    figures: Figures,
    result: Reconciled,
    seconds: dict[str, float],
    violations: int,
    warnings: Counter[str],
) -> None:
    """``import-report.md``, ``import-figures.json``, ``refused.tsv`` and ``ambiguous.tsv``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "import-figures.json").write_text(json.dumps(asdict(figures), indent=2) + "\n")
    refused = io.StringIO()
    writer = csv.writer(refused, delimiter="\t", lineterminator="\n")
    writer.writerow(["source", "file", "line", "reason"])
    for r in sorted(result.refused, key=lambda r: (r.path, r.line)):
        writer.writerow([r.source, r.path, r.line, r.reason])
    (out / "refused.tsv").write_text(refused.getvalue())
    ambiguous = io.StringIO()
    writer = csv.writer(ambiguous, delimiter="\t", lineterminator="\n")
    writer.writerow(["source", "mention", "reason", "candidates"])
    for a in sorted(result.ambiguous, key=lambda a: (a.source, a.mention, a.reason)):
        writer.writerow([a.source, a.mention, a.reason, " | ".join(a.candidates)])
    (out / "ambiguous.tsv").write_text(ambiguous.getvalue())
    (out / "import-report.md").write_text(markdown(figures, violations, warnings))


def markdown(figures: Figures, violations: int, warnings: Counter[str]) -> str:
    """The report a curator reads first."""
    f = figures

    def pct(n: int) -> str:
        return f"{n:,} ({100 * f.share(n):.1f}%)"

    lines = [
        "# Import of the partnership lists (`citypact import lists`)",
        "",
        "Written by the import; `make data` writes it again from the pinned inputs in `data/raw/`.",
        "",
        "| figure | value |",
        "|---|---|",
        *(f"| rows read: {k} | {v:,} |" for k, v in f.rows.items()),
        f"| rows refused (line and reason in refused.tsv) | {f.refused_rows:,} |",
        f"| distinct partnerships | {f.partnerships:,} |",
        *(f"| partnerships stated by {k} | {v:,} |" for k, v in f.partnerships_by_sources.items()),
        f"| places | {f.places:,} |",
        f"| places with coordinates | {pct(f.places_with_coordinates)} |",
        f"| places with a country | {pct(f.places_with_country)} |",
        f"| places with a Wikidata item | {pct(f.places_with_wikidata)} |",
        f"| places with a GeoNames id | {pct(f.places_with_geonames)} |",
        f"| ambiguous mentions left for a curator (ambiguous.tsv) | {f.ambiguous:,} |",
        f"| validation of the bundled graph with the import: violations | {violations:,} |",
        *(f"| validation warnings: {k} | {v:,} |" for k, v in sorted(warnings.items())),
        "",
        "## How places were identified",
        "",
        "| method | places |",
        "|---|---|",
        *(f"| {k} | {v:,} |" for k, v in f.places_by_method.items()),
        "",
        "## Where coordinates come from",
        "",
        "| source | places |",
        "|---|---|",
        *(f"| {k} | {v:,} |" for k, v in f.coordinates_by_source.items()),
        "",
        "## Merges and dropped evidence",
        "",
        "| what | count |",
        "|---|---|",
        *(f"| {k} | {v:,} |" for k, v in f.merges.items()),
        "",
        "## Ambiguous mentions, by reason",
        "",
        "| reason | count |",
        "|---|---|",
        *(f"| {k} | {v:,} |" for k, v in f.ambiguous_by_reason.items()),
        "",
        "## Written",
        "",
        "| what | count |",
        "|---|---|",
        *(f"| {k} | {v:,} |" for k, v in f.written.items()),
        *(f"| quads in graph source/{k} | {v:,} |" for k, v in f.quads_by_graph.items()),
        "",
    ]
    return "\n".join(lines)
