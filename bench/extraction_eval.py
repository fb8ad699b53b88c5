"""Precision and recall of the article extractor per kind of statement (``make bench`` prints it).

    python bench/extraction_eval.py [--articles-dir DIR]     (or CITYPACT_ARTICLES_DIR)

Evaluates every article of tests/data/articles/ whose text is present (in DIR or beside the
expectations) and lists the others as "text not available here (fetch URL)".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from citypact.extraction.evaluation import Evaluation, evaluate
from citypact.store.backends import ensure_bundled_data
from citypact.store.embedded import EmbeddedStore


def run(directory: Path | None = None) -> Evaluation:
    """Evaluate on the bundled graph in an in-memory store."""
    store = EmbeddedStore()
    ensure_bundled_data(store)
    return evaluate(store, directory)


def main(argv: list[str] | None = None) -> int:
    """Print the report; exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles-dir", type=Path, help="directory of article texts")
    args = parser.parse_args(argv)
    print(run(args.articles_dir).report(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
