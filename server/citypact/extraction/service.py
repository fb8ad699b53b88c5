"""The whole path from an article to a validated proposal, as the CLI and the server run it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from citypact.curation.submissions import SubmissionRefused, SubmissionService
from citypact.extraction.article import read_article
from citypact.extraction.extractor import Extraction, Extractor
from citypact.extraction.knowledge import Knowledge
from citypact.extraction.proposal import Proposal, build_proposal
from citypact.store.port import Store
from citypact.store.queries import QueryRegistry
from citypact.validation.incremental import IncrementalValidator
from citypact.validation.reports import report_to_dict
from citypact.validation.validator import ValidationReport, Validator


@dataclass
class Extracted:
    """An article's extraction, its proposal and the proposal's validation report."""

    extraction: Extraction
    proposal: Proposal
    report: ValidationReport | None
    refused: str | None = None

    def summary(self, lang: str = "en") -> dict[str, Any]:
        """The validation report in short (as /api/validate gives it)."""
        if self.report is None:
            return {"conforms": False, "violations": 1, "warnings": 0, "refused": self.refused}
        return report_to_dict(self.report, lang)

    def standing(self) -> list[str]:
        """Event resolution in words: the graph's agreement the article reports, and per
        statement whether it is new, already stated (a new citation) or a conflicting claim."""
        statements = self.proposal.statements
        matched = sorted({st.matches for st in statements if st.matches})
        if not matched:
            return ["no agreement of the graph matches: every statement is new"]
        lines = [f"matches {matched[0]}"]
        for st in statements:
            lines.append(f"  {st.id} {st.kind} {st.key}: {st.status}")
        return lines

    def to_json(self) -> dict[str, Any]:
        """The answer of POST /api/extract."""
        article = self.extraction.article
        return {
            "language": self.extraction.lang,
            "article": {
                "title": article.title,
                "outlet": article.outlet,
                "author": article.author,
                "editor": article.editor,
                "date": article.date.isoformat() if article.date else None,
                "url": article.url,
                "text": article.text,
            },
            "source": str(self.proposal.source),
            "matches": next((st.matches for st in self.proposal.statements if st.matches), None),
            "statements": [s.to_json() for s in self.proposal.statements],
            "validation": self.summary(),
            "turtle": self.proposal.turtle(),
        }


def extract_article(
    raw: str,
    store: Store,
    *,
    lang: str | None = None,
    article_date: date | None = None,
    filename: str | None = None,
    url: str | None = None,
    service: SubmissionService | None = None,
    validate: bool = True,
    known: Knowledge | None = None,
) -> Extracted:
    """Read, extract, propose and (unless ``validate`` is False) validate against the store.
    ``url`` is where the article was published (its date and publisher may follow from it);
    ``known``, the store's knowledge when the caller read it already (the evaluation reads it
    once for all its articles)."""
    known = known or Knowledge.from_store(store)
    article = read_article(raw, filename, url)
    extraction = Extractor(known).extract(article, lang, article_date)
    proposal = build_proposal(known, extraction)
    if not validate:
        return Extracted(extraction, proposal, None)
    service = service or SubmissionService(
        store, IncrementalValidator(store, Validator.bundled()), QueryRegistry()
    )
    try:
        report = service.validate(proposal.graph())
    except SubmissionRefused as err:
        return Extracted(extraction, proposal, None, str(err))
    return Extracted(extraction, proposal, report)
