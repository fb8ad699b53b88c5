"""Measuring the extractor: precision and recall per kind of statement against hand-made
expected statements (``tests/data/articles/``: one ``*.json`` per local article, and
``manifest.json`` for articles known by URL whose text is fetched separately)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from citypact.extraction.gazetteer import normalise
from citypact.extraction.knowledge import Knowledge
from citypact.extraction.service import extract_article
from citypact.store.port import Store

EVALUATED_KINDS = (
    "agreement",
    "date",
    "place",
    "parties",
    "signatories",
    "sectors",
    "challenges",
    "quotations",
    "partnerships",
    "source",
)
DEFAULT_DIR = Path(__file__).resolve().parents[3] / "tests" / "data" / "articles"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def articles_dir(given: Path | None = None) -> Path:
    """The directory of article texts: ``given``, ``$CITYPACT_ARTICLES_DIR`` or the tests'."""
    if given is not None:
        return given
    env = os.environ.get("CITYPACT_ARTICLES_DIR")
    return Path(env) if env else DEFAULT_DIR


def canonical(kind: str, key: str) -> str:
    """A comparable key: normalised; a quotation is its speaker and its first six words."""
    if kind == "quotations" and ":" in key:
        speaker, words = key.split(":", 1)
        return f"{speaker.strip()}: {' '.join(_WORD.findall(normalise(words))[:6])}"
    return normalise(key)


@dataclass
class Case:
    """One article with its expected statements; a held-out article also has its round and
    its first run (``first_run_counts``: kind -> [hits, predicted, expected], or the overall
    precision and recall its ``first_run`` note records for the earlier rounds)."""

    name: str
    expected: dict[str, list[str]]
    file: str | None = None
    url: str | None = None
    lang: str | None = None
    date: date | None = None
    outlet: str | None = None
    round: int | None = None
    first_run: str | None = None
    first_run_counts: dict[str, list[int]] | None = None


@dataclass
class Counts:
    """True positives, predictions and expectations of one kind."""

    hits: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0


@dataclass
class Evaluation:
    """Counts per kind, the articles evaluated and those whose text is not here."""

    kinds: dict[str, Counts]
    evaluated: list[str]
    unavailable: list[Case]
    articles: dict[str, dict[str, Counts]] = field(default_factory=dict)

    def overall(self) -> Counts:
        total = Counts()
        for c in self.kinds.values():
            total.hits += c.hits
            total.predicted += c.predicted
            total.expected += c.expected
        return total

    def table(self) -> str:
        """A Markdown table: precision and recall per kind, then overall."""
        lines = [
            "| kind | precision | recall | hits | predicted | expected |",
            "|---|---|---|---|---|---|",
        ]
        rows = [*self.kinds.items(), ("overall", self.overall())]
        for kind, c in rows:
            lines.append(
                f"| {kind} | {c.precision:.2f} | {c.recall:.2f} | {c.hits} | {c.predicted} "
                f"| {c.expected} |"
            )
        return "\n".join(lines)

    def article_table(self) -> str:
        """A Markdown table: precision/recall of each article on each kind it is evaluated on."""
        lines = [
            "| article | " + " | ".join(EVALUATED_KINDS) + " |",
            "|---|" + "---|" * len(EVALUATED_KINDS),
        ]
        for name, kinds in self.articles.items():
            cells = [
                f"{kinds[k].precision:.2f}/{kinds[k].recall:.2f}" if k in kinds else "–"
                for k in EVALUATED_KINDS
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def rounds_table(self, cases: Iterable[Case]) -> str:
        """First runs beside the figures now, per held-out round: precision and recall overall,
        "agreement" recall and the lowest recall of any kind (first runs of rounds 1-5 were
        recorded as overall figures only)."""
        by_round: dict[int, list[Case]] = {}
        for case in cases:
            if case.round is not None:
                by_round.setdefault(case.round, []).append(case)
        lines = [
            "| round | articles | first run P / R | first run: agreement R, lowest kind R "
            "| now P / R | now: agreement R, lowest kind R |",
            "|---|---|---|---|---|---|",
        ]
        for number, members in sorted(by_round.items()):
            first = _sum_counts(c.first_run_counts for c in members if c.first_run_counts)
            if first:
                o = _overall(first)
                first_pr = f"{o.precision:.2f} / {o.recall:.2f}"
                first_kinds = _agreement_and_lowest(first)
            else:
                noted = _NOTED.search(members[0].first_run or "")
                first_pr = f"{noted.group(1)} / {noted.group(2)}" if noted else "–"
                first_kinds = "not recorded"
            now_counts = _sum_counts(
                {k: [c.hits, c.predicted, c.expected] for k, c in self.articles[m.name].items()}
                for m in members
                if m.name in self.articles
            )
            evaluated = sum(1 for m in members if m.name in self.articles)
            now = _overall(now_counts)
            lines.append(
                f"| {number} | {evaluated} of {len(members)} | {first_pr} | {first_kinds} "
                f"| {now.precision:.2f} / {now.recall:.2f} | {_agreement_and_lowest(now_counts)} |"
            )
        return "\n".join(lines)

    def report(self) -> str:
        """The tables, the articles evaluated and the ones to fetch, and what was missed."""
        out = [
            f"Articles evaluated: {len(self.evaluated)} ({', '.join(self.evaluated)})",
            "",
            self.table(),
            "",
            "Per article (precision/recall):",
            "",
            self.article_table(),
            "",
        ]
        for case in self.unavailable:
            out.append(f"- {case.name}: text not available here (fetch {case.url})")
        for kind, c in self.kinds.items():
            for miss in c.misses:
                out.append(f"- missed {kind}: {miss}")
            for extra in c.extras:
                out.append(f"- extra {kind}: {extra}")
        return "\n".join(out).rstrip() + "\n"


def load_cases(directory: Path | None = None) -> list[Case]:
    """The expected statements: ``*.json`` beside the default texts, and ``manifest.json``."""
    cases: list[Case] = []
    for path in sorted(DEFAULT_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "manifest.json":
            cases += [_case(entry) for entry in data["articles"]]
        else:
            cases.append(_case(data, default_name=path.stem))
    return cases


def _case(data: dict[str, Any], default_name: str = "") -> Case:
    return Case(
        name=data.get("name", default_name),
        expected={k: list(v) for k, v in data["expected"].items()},
        file=data.get("file"),
        url=data.get("url"),
        lang=data.get("language"),
        date=date.fromisoformat(data["date"])
        if data.get("date_given") and data.get("date")
        else None,
        outlet=data.get("outlet"),
        round=data.get("round"),
        first_run=data.get("first_run"),
        first_run_counts=data.get("first_run_counts"),
    )


def _text_of(case: Case, directory: Path) -> tuple[str, str] | None:
    for folder in (directory, DEFAULT_DIR):
        if case.file and (folder / case.file).is_file():
            return (folder / case.file).read_text(encoding="utf-8"), case.file
    return None


def evaluate(
    store: Store, directory: Path | None = None, cases: Iterable[Case] | None = None
) -> Evaluation:
    """Run the extractor on every case whose text is present and compare with its expectations."""
    folder = articles_dir(directory)
    kinds = {k: Counts() for k in EVALUATED_KINDS}
    articles: dict[str, dict[str, Counts]] = {}
    evaluated: list[str] = []
    unavailable: list[Case] = []
    known = Knowledge.from_store(store)  # once: the store does not change while evaluating
    for case in cases if cases is not None else load_cases(folder):
        found = _text_of(case, folder)
        if found is None:
            unavailable.append(case)
            continue
        text, filename = found
        done = extract_article(
            text,
            store,
            lang=case.lang,
            article_date=case.date,
            filename=filename,
            url=case.url,
            validate=False,
            known=known,
        )
        predicted = done.proposal.keys()
        evaluated.append(case.name)
        for kind in EVALUATED_KINDS:
            if kind not in case.expected:
                continue
            want = {canonical(kind, k) for k in case.expected[kind]}
            got = {canonical(kind, k) for k in predicted.get(kind, set())}
            if kind == "source":
                got = {k for k in got if _attribute(k) in {_attribute(w) for w in want}}
            one = articles.setdefault(case.name, {}).setdefault(kind, Counts())
            for c in (kinds[kind], one):
                c.hits += len(want & got)
                c.predicted += len(got)
                c.expected += len(want)
                c.misses += [f"{case.name}: {k}" for k in sorted(want - got)]
                c.extras += [f"{case.name}: {k}" for k in sorted(got - want)]
    return Evaluation(kinds, evaluated, unavailable, articles)


_NOTED = re.compile(r"P (\d\.\d\d) R (\d\.\d\d)")


def _sum_counts(per_article: Iterable[dict[str, list[int]]]) -> dict[str, list[int]]:
    total: dict[str, list[int]] = {}
    for counts in per_article:
        for kind, (hits, predicted, expected) in counts.items():
            row = total.setdefault(kind, [0, 0, 0])
            row[0] += hits
            row[1] += predicted
            row[2] += expected
    return total


def _overall(counts: dict[str, list[int]]) -> Counts:
    hits, predicted, expected = (sum(row[i] for row in counts.values()) for i in range(3))
    return Counts(hits, predicted, expected)


def _agreement_and_lowest(counts: dict[str, list[int]]) -> str:
    recall = {k: Counts(row[0], row[1], row[2]).recall for k, row in counts.items() if row[2]}
    if not recall:
        return "–"
    lowest = min(recall, key=lambda k: recall[k])
    return f"{recall.get('agreement', 1.0):.2f}, {recall[lowest]:.2f} ({lowest})"


def _attribute(key: str) -> str:
    """``publisher`` of ``publisher=organization/x``: a source is scored only on the
    attributes its expectation lists (a title proposed where none is expected is not an error,
    as a kind not listed for an article is not evaluated)."""
    return key.split("=", 1)[0]
