"""f. Extraction: precision and recall of the article extractor per kind of statement, on every
article of tests/data/articles/ whose text is present (see bench/extraction_eval.py)."""

from __future__ import annotations

import time

import extraction_eval
from common import Section
from context import Context

from citypact.extraction.evaluation import load_cases


def run(ctx: Context, section: Section) -> None:
    """Evaluate; the table and the articles to fetch go into the report."""
    started = time.perf_counter()
    evaluation = extraction_eval.run()
    seconds = time.perf_counter() - started
    section.tables.append(evaluation.table())
    print(evaluation.table(), flush=True)
    # Held-out rounds: the first run (recorded in the manifest before any rule was changed for
    # them) beside the figures now. Only the first runs measure articles the rules never saw.
    rounds = evaluation.rounds_table(load_cases())
    section.tables.append(rounds)
    print(rounds, flush=True)
    section.notes.append(
        f"{len(evaluation.evaluated)} article(s) evaluated in {seconds:.1f} s: "
        + ", ".join(evaluation.evaluated)
    )
    for case in evaluation.unavailable:
        section.notes.append(f"{case.name}: text not available here (fetch {case.url})")
    overall = evaluation.overall()
    worst = min(
        (
            min(c.precision, c.recall)
            for c in evaluation.kinds.values()
            if c.expected or c.predicted
        ),
        default=1.0,
    )
    ctx.results.target(
        "extraction: precision and recall ≥ 0.9 on every kind",
        f"worst kind {worst:.2f}; overall P {overall.precision:.2f} R {overall.recall:.2f}",
        worst >= 0.9,
    )
