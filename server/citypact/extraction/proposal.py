"""A proposal: the findings as RDF statements for a curator to review, each with its evidence.

Modelling (docs/model.md, "Extracted from news"): every proposed node cites the article with
``prov:wasDerivedFrom`` and carries the sentence it was read from as ``cp:evidence``; entities
the graph does not hold get new IRIs under ``https://w3id.org/citypact/id/{kind}/{slug}`` and
``cp:needsReview true``. Each statement holds the triples it needs (its node's type, label and
source too), so any subset of accepted statements is a graph of its own.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from citypact.curation.importing.reconcile import slugify
from citypact.extraction.events import KnownAgreement, known_agreements, match
from citypact.extraction.extractor import Evidence, Extraction, Finding
from citypact.extraction.gazetteer import normalise
from citypact.extraction.knowledge import Knowledge, host_of
from citypact.extraction.statements import Proposal, Statement, Triple, short
from citypact.namespaces import CP, SCHEMA, entity_iri

_ABBREVIATION = {
    CP.LetterOfIntent: "loi",
    CP.MemorandumOfUnderstanding: "mou",
    CP.JointDeclaration: "joint-declaration",
    CP.SisterCityAgreement: "sister-city-agreement",
    CP.MinutesOfTalks: "minutes-of-talks",
    CP.Proclamation: "proclamation",
    CP.UnspecifiedAgreement: "agreement",
}


class ProposalBuilder:
    """Turns one extraction into statements, reusing the graph's IRIs where it has the entity."""

    def __init__(self, known: Knowledge, extraction: Extraction) -> None:
        self.known = known
        self.x = extraction
        self.lang = extraction.lang
        self.statements: list[Statement] = []
        self.minted: set[URIRef] = set(extraction.new_entities)
        self.new_partnerships: dict[frozenset[URIRef], tuple[URIRef, URIRef]] = {}

    # --- helpers ------------------------------------------------------------------------------

    def label(self, iri: URIRef, lang: str = "en") -> str:
        """A name for labels: the graph's, or the new entity's as the article writes it."""
        if (new := self.x.new_entities.get(iri)) is not None:
            return new.label
        return self.known.gazetteer.label(iri, lang)

    def text(self, value: str) -> Literal:
        return Literal(value, lang=self.lang)

    def mint(self, kind: str, slug: str) -> URIRef:
        iri = URIRef(entity_iri(kind, slugify(slug)))
        self.minted.add(iri)
        return iri

    def ident(self, iri: URIRef, cls: URIRef, label: Literal) -> list[Triple]:
        """Type and label of a minted node (an entity the graph holds keeps its own)."""
        if iri not in self.minted:
            return []
        return [(iri, RDF.type, cls), (iri, RDFS.label, label)]

    def _descriptions(self, triples: list[Triple]) -> list[Triple]:
        """The type, name, links and review flag of every new entity these triples name, and
        of the new entities those link to (a new post's new government and its new place)."""
        out: list[Triple] = []
        todo = [t for tr in triples for t in tr[::2] if t in self.x.new_entities]
        done: set[Node] = set()
        while todo:
            iri = todo.pop()
            if iri in done:
                continue
            done.add(iri)
            entity = self.x.new_entities[iri]  # type: ignore[index]
            out += [
                (entity.iri, RDF.type, entity.cls),
                (entity.iri, RDFS.label, self.text(entity.label)),
                (entity.iri, CP.needsReview, Literal(True)),
                (entity.iri, PROV.wasDerivedFrom, self.source),
            ]
            for predicate, target in entity.links:
                out.append((entity.iri, predicate, target))
                if target in self.x.new_entities:
                    todo.append(target)
        return out

    def flag(self, iri: URIRef) -> list[Triple]:
        return [(iri, CP.needsReview, Literal(True))] if iri in self.minted else []

    def cite(self, iri: URIRef, evidence: Evidence) -> list[Triple]:
        out: list[Triple] = [(iri, PROV.wasDerivedFrom, self.source)]
        if evidence.text and evidence.end > evidence.start:
            out.append((iri, CP.evidence, self.text(evidence.text)))
        return out + self.flag(iri)

    def add(
        self,
        kind: str,
        triple: Triple,
        evidence: Evidence,
        key: str,
        triples: list[Triple],
    ) -> None:
        s, p, o = triple
        triples = triples + self._descriptions([triple, *triples])
        new = sorted(
            {str(t) for t in (s, o) if isinstance(t, URIRef) and t in self.minted}
            | {
                str(t)
                for tr in triples
                for t in tr[::2]
                if isinstance(t, URIRef) and t in self.minted
            }
        )
        self.statements.append(
            Statement(
                f"s{len(self.statements) + 1}",
                kind,
                s,  # type: ignore[arg-type]
                p,  # type: ignore[arg-type]
                o,
                evidence,
                key,
                new,
                [triple, *triples, *self.source_base],
            )
        )

    # --- the proposal -------------------------------------------------------------------------

    def build(self) -> Proposal:
        self.matched: KnownAgreement | None = None
        self._source()
        self._agreement()
        if self.matched is not None:
            for st in self.statements:
                st.matches = str(self.matched.iri)
                if st.status == "new" and st.kind in ("signatories", "sectors", "partnership"):
                    # a signature, commitment or partnership the graph already holds
                    st.status = "existing" if st.subject not in self.minted else "new"
        return Proposal(self.statements, self.source, self.lang)

    def _source(self) -> None:
        article = self.x.article
        known = self.known.sources
        existing = None
        for name in (article.url, article.filename, article.title):
            if name and (found := known.get(normalise(name))):
                existing = found
                break
        title = article.title or (article.text[:80] + "…")
        slug = f"{article.outlet or 'article'}-{title}"[:80]
        self.source = existing or self.mint("source", slug)
        src = self.source
        head = Evidence(" · ".join(article.header), 0, 0)
        self.source_base: list[Triple] = [
            *self.ident(src, CP.NewsArticle, self.text(title)),
            (src, DCTERMS.language, Literal(self.lang, datatype=XSD.language)),
            *self.flag(src),
        ]
        if article.url:
            self.source_base.append((src, SCHEMA.url, URIRef(article.url)))
        if article.filename:
            self.source_base.append((src, CP.localCopy, Literal(article.filename)))
        if article.title:
            self.add(
                "source",
                (src, DCTERMS.title, self.text(title)),
                head,
                f"title={normalise(title)}",
                [],
            )
        outlet = self._outlet()
        if outlet is not None:
            org, outlet_name = outlet
            extra = self._new_entity(org, CP.Organization, outlet_name)
            self.add(
                "source", (src, DCTERMS.publisher, org), head, f"publisher={short(org)}", extra
            )
        for role, name in ((SCHEMA.author, article.author), (SCHEMA.editor, article.editor)):
            if name:
                person = self._named("person", name)
                extra = self._new_entity(person, CP.Person, name)
                label = "author" if role == SCHEMA.author else "editor"
                self.add("source", (src, role, person), head, f"{label}={short(person)}", extra)
        if article.date:
            value = Literal(article.date.isoformat(), datatype=XSD.date)
            self.add("source", (src, DCTERMS.date, value), head, f"date={article.date}", [])

    def _outlet(self) -> tuple[URIRef, str] | None:
        """The publisher: the outlet the article names or a known organization named in its
        dateline (``Jakarta, InfoPublik -``); else the publisher of the graph's other pages
        from the article's web host; else a new organization named for the outlet or host."""
        article = self.x.article
        names = [article.outlet] if article.outlet else []
        for name in [*names, *article.dateline]:
            for m in self.known.gazetteer.find(name):
                if orgs := m.of_kind("organization"):
                    return orgs[0], name
        host = host_of(article.url) if article.url else ""
        if host and (publisher := self.known.publisher_of_host.get(host)):
            return publisher, host
        if article.outlet:
            return self.mint("organization", article.outlet), article.outlet
        if host:
            return self.mint("organization", host), host
        return None

    def _named(self, kind: str, name: str) -> URIRef:
        for m in self.known.gazetteer.find(name):
            if m.text == name.strip() and (iris := m.of_kind(kind)):
                return iris[0]
        return self.mint(kind, name)

    def _new_entity(self, iri: URIRef, cls: URIRef, name: str) -> list[Triple]:
        if iri not in self.minted:
            return []
        return [(iri, RDF.type, cls), (iri, RDFS.label, self.text(name)), *self.flag(iri)]

    def _agreement(self) -> None:
        x = self.x
        # An agreement without a date the article gives is still proposed: the shapes then
        # report the missing date to the curator, who knows where to look.
        if x.document_type is None or len(x.parties) < 2:
            return
        when = x.date.isoformat() if x.date else "date unknown"
        parties = [p.value for p in x.parties]
        places = [self._place_slug(g) for g in parties]
        existing = self.known.existing(parties)
        doc = x.document_type.value
        self.matched = match(known_agreements(existing), parties, x.date, doc)
        agreement = self.matched.iri if self.matched is not None else None
        if agreement is None:
            agreement = self.mint(
                "agreement",
                f"{places[0]}-{places[1]}-{_ABBREVIATION.get(doc, 'agreement')}"
                + (f"-{x.date}" if x.date else ""),
            )
        self.agreement = agreement
        names = f"{self.label(parties[0])} and {self.label(parties[1])}"
        label = f"{self.label(doc, 'en')} between {names} ({when})"
        base: list[Triple] = [
            *self.ident(agreement, CP.Agreement, Literal(label, lang="en")),
            *self.cite(agreement, x.document_type.evidence),
        ]
        self.agreement_base = base
        known = self.matched
        self._fact(
            "agreement",
            CP.documentType,
            doc,
            known.document_type if known else None,
            x.document_type.evidence,
            short(doc),
        )
        if x.date is not None:
            self._fact(
                "date",
                CP.date,
                Literal(x.date.isoformat(), datatype=XSD.date),
                Literal(known.date.isoformat(), datatype=XSD.date)
                if known and known.date
                else None,
                x.date_evidence or x.document_type.evidence,
                x.date.isoformat(),
            )
        if x.place is not None:
            self._fact(
                "place",
                CP.signedIn,
                x.place.value,
                known.place if known else None,
                x.place.evidence,
                short(x.place.value),
            )
        for party in x.parties:
            self.add(
                "parties",
                (agreement, CP.party, party.value),
                party.evidence,
                short(party.value),
                base,
            )
            if known is not None and party.value in known.parties:
                self._mark("existing")
        self._partnership(existing, parties)
        self._signatures(existing)
        self._commitments(existing)
        for ch in x.challenges:
            self.add(
                "challenges",
                (agreement, CP.motivatedBy, ch.value),
                ch.evidence,
                short(ch.value),
                base,
            )
        self._quotations()
        self._earlier()

    def _fact(
        self, kind: str, predicate: URIRef, value: Node, held: Node | None, ev: Evidence, key: str
    ) -> None:
        """A fact of the agreement: new; the graph's own (this article is a new source); or,
        where the graph holds another value, a claim of this article (events.py)."""
        agreement = self.agreement
        if self.matched is None or held is None:
            self.add(kind, (agreement, predicate, value), ev, key, self.agreement_base)
        elif held == value:
            self.add(kind, (agreement, predicate, value), ev, key, self.agreement_base)
            self._mark("existing")
        else:
            claim = self.mint(
                "claim",
                f"{short(agreement).split('/')[-1]}-{kind}-{short(self.source).split('/')[-1][:40]}",
            )
            said = value if isinstance(value, Literal) else short(value)
            triples: list[Triple] = [
                (claim, RDF.type, CP.Claim),
                (
                    claim,
                    RDFS.label,
                    Literal(f"{self.label(agreement)}: {kind} {said} (one source)", lang="en"),
                ),
                (claim, CP.subject, agreement),
                (claim, CP.predicate, predicate),
                *self.cite(claim, ev),
            ]
            self.add(kind, (claim, CP.object, value), ev, key, triples)
            self._mark("conflict")

    def _mark(self, status: str) -> None:
        self.statements[-1].status = status

    def _place_slug(self, government: URIRef) -> str:
        for place, gov in self.known.government_of_place.items():
            if gov == government:
                return str(place).rsplit("/", 1)[-1]
        return str(government).rsplit("/", 1)[-1]

    def _partnership_triples(
        self, a: URIRef, b: URIRef, ev: Evidence, kind: URIRef
    ) -> tuple[URIRef, list[Triple]]:
        found = self.known.partnerships.get(frozenset((a, b)))
        if found is not None:
            return found, self.cite(found, ev)
        # One new partnership per pair, of the type it was first proposed with.
        iri, kind = self.new_partnerships.setdefault(
            frozenset((a, b)),
            (self.mint("partnership", f"{self._place_slug(a)}-{self._place_slug(b)}"), kind),
        )
        return iri, [
            *self.ident(
                iri,
                CP.Partnership,
                Literal(f"{self.label(a)} – {self.label(b)} partnership", lang="en"),
            ),
            (iri, CP.partner, a),
            (iri, CP.partner, b),
            (iri, CP.partnershipType, kind),
            *self.cite(iri, ev),
        ]

    def _partnership(self, existing: list[dict[str, str]], parties: list[URIRef]) -> None:
        ev = self.x.parties[0].evidence
        iri, triples = self._partnership_triples(
            parties[0], parties[1], ev, self.x.partnership_type
        )
        self.add(
            "partnership",
            (self.agreement, CP.partnership, iri),
            ev,
            short(iri),
            self.agreement_base + triples,
        )

    def _signatures(self, existing: list[dict[str, str]]) -> None:
        x = self.x
        when = x.date.isoformat() if x.date else "date unknown"
        for sig in x.signatories:
            if sig.person is None or sig.party is None:
                continue
            found = next(
                (
                    URIRef(r["signature"])
                    for r in existing
                    if r.get("agreement") == str(self.agreement)
                    and r.get("signatory") == str(sig.person)
                    and r.get("signature")
                ),
                None,
            )
            iri = found or self.mint(
                "signature",
                f"{short(self.agreement).split('/')[-1]}-{short(sig.person).split('/')[-1]}",
            )
            triples: list[Triple] = [
                *self.ident(
                    iri,
                    CP.Signature,
                    Literal(
                        f"Signature of {self.label(sig.person)} for {self.label(sig.party)}"
                        f" ({when})",
                        lang="en",
                    ),
                ),
                (iri, CP.signatureOf, self.agreement),
                (self.agreement, CP.signature, iri),
                (iri, CP.signedFor, sig.party),
                *self.cite(iri, sig.evidence),
                *self.agreement_base,
            ]
            if sig.post is not None:
                triples.append((iri, CP.signedAs, sig.post))
                if x.date is not None and not self.known.holds(sig.person, sig.post, x.date):
                    tenure = self.mint(
                        "tenure",
                        f"{short(sig.person).split('/')[-1]}-{short(sig.post).split('/')[-1]}-{x.date}",
                    )
                    triples += [
                        *self.ident(
                            tenure,
                            CP.Tenure,
                            Literal(f"{self.label(sig.person)}, {self.label(sig.post)}", lang="en"),
                        ),
                        (tenure, CP.holder, sig.person),
                        (tenure, CP.post, sig.post),
                        (tenure, CP.attestedOn, Literal(x.date.isoformat(), datatype=XSD.date)),
                        *self.cite(tenure, sig.evidence),
                    ]
            key = f"{short(sig.person)}|{short(sig.post) if sig.post else ''}"
            self.add("signatories", (iri, CP.signatory, sig.person), sig.evidence, key, triples)

    def _commitments(self, existing: list[dict[str, str]]) -> None:
        committed = {
            URIRef(r["sector"]): URIRef(r["commitment"])
            for r in existing
            if r.get("agreement") == str(self.agreement) and r.get("commitment") and r.get("sector")
        }
        proposed: set[URIRef] = set()
        for finding in self.x.sectors:
            if finding.value not in committed:
                # A narrower wording of a sector the agreement already commits to is that
                # commitment ("pengangkutan awam" in a letter on sustainable transport).
                broader = sorted(self.known.broader.get(finding.value, set()) & set(committed))
                if broader:
                    finding = Finding(broader[0], finding.evidence, finding.wording)
            if finding.value in proposed:
                continue
            proposed.add(finding.value)
            found = committed.get(finding.value)
            sector_slug = short(finding.value).split("/")[-1]
            iri = found or self.mint(
                "commitment", f"{short(self.agreement).split('/')[-1]}-{sector_slug}"
            )
            triples: list[Triple] = [
                *self.ident(
                    iri,
                    CP.Commitment,
                    Literal(
                        f"{self.label(self.agreement)}: {self.label(finding.value)}", lang="en"
                    ),
                ),
                (iri, CP.commitmentOf, self.agreement),
                (iri, CP.status, CP.Stated),
                *self.cite(iri, finding.evidence),
                *self.agreement_base,
            ]
            if finding.wording:
                triples.append((iri, CP.statedAs, self.text(finding.wording)))
            self.add(
                "sectors",
                (iri, CP.sector, finding.value),
                finding.evidence,
                short(finding.value),
                triples,
            )

    def _quotations(self) -> None:
        for number, q in enumerate(self.x.quotations, start=1):
            speaker = q.speaker
            extra: list[Triple] = []
            if speaker is None:
                if not q.speaker_name:
                    continue
                speaker = self.mint("person", q.speaker_name)
                extra = self._new_entity(speaker, CP.Person, q.speaker_name)
            words = " ".join(normalise(q.text).split()[:5])
            iri = self.mint(
                "quotation",
                f"{short(self.source).split('/')[-1][:40]}-{short(speaker).split('/')[-1]}-{words}",
            )
            triples: list[Triple] = [
                *self.ident(
                    iri,
                    CP.Quotation,
                    Literal(f"{self.label(speaker)}: “{' '.join(q.text.split()[:8])}…”", lang="en"),
                ),
                (iri, CP.text, self.text(q.text)),
                (iri, CP.about, self.agreement),
                *self.cite(iri, q.evidence),
                *self.agreement_base,
                *extra,
            ]
            if q.spoken_on is not None:
                triples.append(
                    (iri, CP.spokenOn, Literal(q.spoken_on.isoformat(), datatype=XSD.date))
                )
            for ch in self.x.challenges:
                if normalise(ch.wording) in normalise(q.text):
                    triples.append((iri, CP.mentionsChallenge, ch.value))
            key = f"{short(speaker)}: {' '.join(normalise(q.text).split()[:6])}"
            self.add("quotations", (iri, CP.speaker, speaker), q.evidence, key, triples)
            del number

    def _earlier(self) -> None:
        for own, other, ev in self.x.earlier:
            iri, triples = self._partnership_triples(own, other, ev, CP.Cooperation)
            key = " + ".join(sorted((short(own), short(other))))
            self.add("partnerships", (iri, CP.partner, other), ev, key, triples)


def build_proposal(known: Knowledge, extraction: Extraction) -> Proposal:
    """The proposal of one extraction."""
    return ProposalBuilder(known, extraction).build()
