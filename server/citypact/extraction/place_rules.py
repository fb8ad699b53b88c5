"""Where an agreement was signed: a known place after a preposition or a venue, a new city in
the signing sentence, or the dateline's city.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from citypact.extraction.dates import MONTHS
from citypact.extraction.findings import Evidence, Finding, new_city
from citypact.extraction.gazetteer import Match, normalise
from citypact.extraction.knowledge import Knowledge
from citypact.extraction.new_entities import dateline_place

_PLACE_PREP = re.compile(
    r"\b(?i:di|in|at|ke|dalam|visited|mengunjungi)\s+(?:(?i:the\s+)?[A-Z][\w'’.-]*\s+){0,4}$"
)

_NEW_PLACE = re.compile(
    r"\b(?i:di|in|at)\s+(?P<name>[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?)"
    r"(?=\s*(?:[,.;]|$|\(|(?i:pada|on)\b))"
)

_VENUE_PREP = re.compile(r"\b(?:di|at|in)\s+(?:the\s+)?[A-Z]")

_VIRTUAL = re.compile(
    r"\b(?:virtual(?:ly)?|online|daring|secara virtual|video ?conference)\b", re.I
)

_HERE = re.compile(r"\b(?:here|di sini|disini)\b", re.I)


class PlaceRules:
    """The place rules of :class:`~citypact.extraction.extractor.Extractor`."""

    known: Knowledge
    place_of: dict[URIRef, URIRef]

    def _place(self, result, sentences, by_sentence, signing) -> None:  # type: ignore[no-untyped-def]
        """Where it was signed: a place named after "di"/"in"/"at" (directly or after a venue)
        in a sentence about the signing; the dateline's city when such a sentence says "here" or
        names only a venue the graph does not know; a place so named anywhere; the dateline's."""
        text = result.article.text
        virtual = any(_VIRTUAL.search(sentences[i].text) for i in signing)
        for i in signing:
            named = self._places_after_preposition(text, by_sentence[i])
            if not named and _VIRTUAL.search(sentences[i].text):
                return  # "in a virtual ceremony": signed where each party was
            if len(named) > 1:
                return  # signed in two places at once ("di Denpasar dan ... di Mossel Bay")
            if named:
                s = sentences[i]
                result.place = Finding(
                    named[0][0], Evidence(s.text, s.start, s.end), named[0][1].text
                )
                return
        if virtual:
            return
        at_dateline = any(
            _HERE.search(sentences[i].text) or _VENUE_PREP.search(sentences[i].text)
            for i in signing
        )
        if found := self._new_place(result, sentences, signing):
            result.place = found
            return
        if at_dateline and (found := self._dateline_place(result, sentences)):
            result.place = found
            return
        everywhere = range(len(sentences))
        result.place = self._place_after_preposition(
            text, sentences, by_sentence, everywhere
        ) or self._dateline_place(result, sentences)

    def _place_after_preposition(self, text, sentences, by_sentence, pool) -> Finding | None:  # type: ignore[no-untyped-def]
        """The first place named after a preposition in these sentences; none if the first
        sentence that names one names two."""
        for i in pool:
            found = self._places_after_preposition(text, by_sentence[i])
            if len(found) > 1:
                return None
            if found:
                s = sentences[i]
                return Finding(found[0][0], Evidence(s.text, s.start, s.end), found[0][1].text)
        return None

    def _places_after_preposition(
        self, text: str, matches: list[Match]
    ) -> list[tuple[URIRef, Match]]:
        """The places (or places of governments: "at Taipei City Hall") a sentence names after
        a preposition, directly or through a venue, each once."""
        found: list[tuple[URIRef, Match]] = []
        for m in matches:
            places = m.of_kind("place") or [
                self.place_of[g] for g in m.of_kind("government") if g in self.place_of
            ]
            if places and _PLACE_PREP.search(text[max(0, m.start - 60) : m.start]):
                if places[0] not in [p for p, _ in found]:
                    found.append((places[0], m))
        return found

    def _new_place(self, result, sentences, signing) -> Finding | None:  # type: ignore[no-untyped-def]
        """A city the graph does not know, named after a preposition in a signing sentence."""
        for i in signing:
            s = sentences[i]
            for m in _NEW_PLACE.finditer(s.text):
                name = m.group("name")
                # Not a name the graph knows (a country, say), nor a month ("di Mei 2025")
                if self.known.gazetteer.find(name) or normalise(name) in MONTHS:
                    continue
                return Finding(new_city(result, name), Evidence(s.text, s.start, s.end), name)
        return None

    def _dateline_place(self, result, sentences) -> Finding | None:  # type: ignore[no-untyped-def]
        article = result.article
        place, name = dateline_place(article.dateline, self.known.gazetteer)
        if place is None and name is not None:
            place = new_city(result, name)
        if place is None:
            return None
        first = sentences[0] if sentences else None
        ev = Evidence(first.text, first.start, first.end) if first else Evidence("", 0, 0)
        return Finding(place, ev, name or "")
