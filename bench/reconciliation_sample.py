"""Draw the reconciliation precision sample (issue 17): 300 places the import matched or merged.

Usage:

    python bench/reconciliation_sample.py            # writes bench/reconciliation/sample.tsv
    python bench/reconciliation_sample.py --score    # precision from judgements.tsv

A place is in the population when the import identified it with another record: a GeoNames
place, a Wikidata item (by a tie both sources state, by a gazetteer keyed by item, or by a unique
name), another spelling, or a node the graph already held. Each row gives the evidence a judge
needs (the names as the sources write them, the country, the GeoNames place, the item), drawn
with a fixed seed so the sample is the same on every run. The judgements are made by hand, row
by row, against the sources (method in bench/reconciliation/README.md).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

import pyoxigraph as ox

from citypact.curation.bulk.build import RAW_FILES, build
from citypact.curation.bulk.geonames import GeoNames
from citypact.curation.bulk.lists import read_dr5hn, read_natural_earth
from citypact.curation.bulk.store_state import StoreState
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "reconciliation"
SEED = 17
SIZE = 300
COLUMNS = [
    "n",
    "key",
    "method",
    "flags",
    "names",
    "country",
    "geonames",
    "wikidata",
    "wikidata_label",
    "item_records",
    "point",
    "in_graph",
]


def sample() -> list[dict[str, str]]:
    """The sample's rows, evidence included."""
    store = EmbeddedStore.wrap(ox.Store())
    ensure_bundled_data(store, built=False)
    gn = GeoNames.bundled()
    made = build(ROOT / "data" / "raw", StoreState.read(store), gn)
    used = sorted({k for pair in made.result.ties() for k in pair})
    population = [
        made.result.places[k]
        for k in used
        if made.result.places[k].method != "unmatched"
        or made.result.places[k].existing
        or {"qid-from-natural-earth", "qid-from-dr5hn"} & made.result.places[k].flags
    ]
    chosen = random.Random(SEED).sample(population, SIZE)  # noqa: S311 - a sample, not a secret
    raw = ROOT / "data" / "raw"
    natural_earth = read_natural_earth(raw / RAW_FILES["natural-earth"][0])
    dr5hn = read_dr5hn(raw / RAW_FILES["dr5hn"][0])
    names_tsv = ROOT / "data" / "raw" / "wikidata-p190" / "names.tsv"
    labels = dict(
        line.split("\t", 1) for line in names_tsv.read_text(encoding="utf-8").splitlines()
    )
    rows = []
    for n, p in enumerate(chosen, start=1):
        g = gn.places.get(p.geonames_id) if p.geonames_id else None
        rows.append(
            {
                "n": str(n),
                "key": p.key,
                "method": p.method,
                "flags": ",".join(sorted(p.flags)),
                "names": " | ".join(sorted(p.names)),
                "country": p.country or "",
                "geonames": f"{g.geonames_id} {g.name}, {g.country}-{g.admin1}, pop {g.population}"
                if g
                else "",
                "wikidata": p.qid or "",
                "wikidata_label": labels.get(p.qid or "", "(not in the P190 crawl)").strip()
                if p.qid
                else "",
                "item_records": " | ".join(
                    f"{src}: {r.name}, {r.country}, {r.latitude:.3f},{r.longitude:.3f}"
                    for src, records in (
                        ("natural-earth", [natural_earth[p.qid]] if p.qid in natural_earth else []),
                        ("dr5hn", dr5hn.get(p.qid or "", [])),
                    )
                    for r in records
                ),
                "point": f"{p.point[0]:.4f},{p.point[1]:.4f} ({p.point_source})" if p.point else "",
                "in_graph": p.existing or "",
            }
        )
    print(f"population {len(population)} of {len(used)} places; sample {SIZE}", file=sys.stderr)
    return rows


def score(path: Path) -> None:
    """Precision from the judgements (verdict ``ok`` / ``wrong`` / ``unsure``), by method."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    by_method: dict[str, list[str]] = {}
    for row in rows:
        by_method.setdefault(row["method"], []).append(row["verdict"])
    judged = [r["verdict"] for r in rows if r["verdict"] in ("ok", "wrong")]
    ok = judged.count("ok")
    print(
        f"precision {ok}/{len(judged)} = {ok / len(judged):.3f} ({len(rows) - len(judged)} unsure)"
    )
    for method, verdicts in sorted(by_method.items()):
        good, bad = verdicts.count("ok"), verdicts.count("wrong")
        print(f"  {method}: {good} ok, {bad} wrong, {len(verdicts) - good - bad} unsure")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--score", action="store_true", help="score the judgements")
    args = parser.parse_args()
    if args.score:
        score(OUT / "judgements.tsv")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "sample.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(sample())
    return 0


if __name__ == "__main__":
    sys.exit(main())
