"""Fetch the evaluation's further articles (tests/data/articles/manifest.json) into a directory,
for ``bench/extraction_eval.py --articles-dir DIR`` (or CITYPACT_ARTICLES_DIR).

    python bench/fetch_articles.py DIR [--timeout SECONDS]

The repository does not redistribute third-party articles, so each is saved, as the web serves
it (HTML), under the file name the manifest gives. Pages change: the expected statements were
written from the copies noted in the manifest, and a page fetched later may say more or less.
Exit 0 when every article was saved, 1 when some could not be fetched (they are listed).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

from citypact.extraction.evaluation import DEFAULT_DIR

USER_AGENT = "CityPact-evaluation/1.0 (+https://w3id.org/citypact)"


def fetch(directory: Path, timeout: float = 30.0, manifest: Path | None = None) -> list[str]:
    """Save every article of the manifest that is not in ``directory`` yet; the failures."""
    entries = json.loads((manifest or DEFAULT_DIR / "manifest.json").read_text("utf-8"))
    directory.mkdir(parents=True, exist_ok=True)
    failures = []
    for entry in entries["articles"]:
        target = directory / entry["file"]
        if target.exists():
            continue
        if not entry["url"].startswith(("https://", "http://")):
            failures.append(f"{entry['url']}: not a web address")
            continue
        request = urllib.request.Request(entry["url"], headers={"User-Agent": USER_AGENT})  # noqa: S310 - http(s) only, checked above
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                charset = response.headers.get_content_charset() or "utf-8"
                target.write_text(response.read().decode(charset, "replace"), "utf-8")
        except (OSError, ValueError) as err:
            failures.append(f"{entry['url']}: {err}")
    return failures


def main(argv: list[str] | None = None) -> int:
    """Fetch; list what failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    failures = fetch(args.directory, args.timeout)
    for failure in failures:
        print(f"not fetched: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
