"""Event resolution: several articles about one signing are one agreement.

An extraction's agreement is an agreement the graph holds when the parties are the same, the
dates are the same or near (within :data:`NEAR_DAYS`), and the document types are compatible
(the same, one of them unspecified, or any two on the very same day: one outlet's "MoU" is
another's "minutes of talks"). Then each proposed statement is one of:

- ``new``: a fact the graph does not state;
- ``existing``: a fact the graph states already; accepting it adds this article as a new
  source (``prov:wasDerivedFrom``) of that fact, not a second fact;
- ``conflict``: the graph states another value (a date, a document type); accepting it adds a
  ``cp:Claim`` of this source, as the Jakarta–Kuala Lumpur LOI records its sources'
  disagreements, and leaves the graph's value as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rdflib import URIRef

from citypact.namespaces import CP

NEAR_DAYS = 7


@dataclass
class KnownAgreement:
    """An agreement of the graph with what it states."""

    iri: URIRef
    date: date | None
    document_type: URIRef | None
    place: URIRef | None
    parties: set[URIRef] = field(default_factory=set)
    sectors: dict[URIRef, URIRef] = field(default_factory=dict)  # sector -> commitment
    signatories: dict[URIRef, URIRef] = field(default_factory=dict)  # person -> signature


def known_agreements(rows: list[dict[str, str]]) -> dict[URIRef, KnownAgreement]:
    """The agreements in the rows of ``queries/extraction/existing.rq``."""
    out: dict[URIRef, KnownAgreement] = {}
    for r in rows:
        if not r.get("agreement"):
            continue
        iri = URIRef(r["agreement"])
        day = _day(r.get("date"))
        doc = URIRef(r["documentType"]) if r.get("documentType") else None
        place = URIRef(r["place"]) if r.get("place") else None
        known = out.setdefault(iri, KnownAgreement(iri, day, doc, place))
        if r.get("party"):
            known.parties.add(URIRef(r["party"]))
        if r.get("sector") and r.get("commitment"):
            known.sectors[URIRef(r["sector"])] = URIRef(r["commitment"])
        if r.get("signatory") and r.get("signature"):
            known.signatories[URIRef(r["signatory"])] = URIRef(r["signature"])
    return out


def compatible(a: URIRef | None, b: URIRef | None, same_day: bool) -> bool:
    """Whether two document types can name one signed document."""
    if a is None or b is None or a == b or same_day:
        return True
    return CP.UnspecifiedAgreement in (a, b)


def match(
    agreements: dict[URIRef, KnownAgreement],
    parties: list[URIRef],
    day: date | None,
    document_type: URIRef | None,
) -> KnownAgreement | None:
    """The graph's agreement an extraction reports, if one fits: the nearest in date."""
    fitting = []
    for known in agreements.values():
        if set(parties) != known.parties or day is None or known.date is None:
            continue
        apart = abs((known.date - day).days)
        if apart <= NEAR_DAYS and compatible(known.document_type, document_type, apart == 0):
            fitting.append((apart, str(known.iri), known))
    return min(fitting)[2] if fitting else None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
