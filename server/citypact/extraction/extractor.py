"""The rules: from an article's sentences and the gazetteer's matches to findings (document
type, date, place, parties, signatories, sectors, challenges, quotations, earlier partnerships),
each with the sentence it rests on."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from rdflib import URIRef

from citypact.extraction.article import Article
from citypact.extraction.dates import DateMention, candidate_days, find_dates, relative_day
from citypact.extraction.findings import Evidence, Extraction, Finding, Signatory, new_sector
from citypact.extraction.gazetteer import Match, normalise
from citypact.extraction.knowledge import Knowledge
from citypact.extraction.language import detect_language
from citypact.extraction.name_forms import with_aliases
from citypact.extraction.new_entities import HONORIFIC, NewEntityFinder
from citypact.extraction.place_resolution import PlaceResolver
from citypact.extraction.place_rules import PlaceRules
from citypact.extraction.quotation_rules import QuotationRules
from citypact.extraction.sector_lists import SectorLexicon, find_sectors
from citypact.extraction.sentences import Sentence, split_sentences
from citypact.namespaces import CP

_SIGNING = re.compile(
    r"penandatangan|ditandatangan|menandatangan|tanda ?tangan|signing|signed|\bsign\b|"
    r"\bink(?:ed|ing)?\b|"
    r"diwakili oleh|represented by|"
    r"memeterai|dimeterai|termeterai|pemeteraian|menjalin kerja ?sama|resmi jadi|sealed",
    re.I,
)
_EARLIER = re.compile(
    r"sudah melakukan kerja ?sama|telah melakukan kerja ?sama|sebelumnya|sebelum ini|previously|"
    r"earlier|already|telah menjalin|telah mempunyai|sudah menjalin|selain itu|also has|"
    r"juga (?:telah|sudah)|existing|terdahulu",
    re.I,
)
# "Bima akan melakukan penandatangan ...", "awal dari rencana MoU": a signing or a document
# still to come, when one of these words comes shortly before.
_NOT_YET = re.compile(
    r"\b(?:akan|bakal|hendak|rencana|merencanakan|will|would|plans?(?: to| for)?|planned|"
    r"proposed|future|is to|are to)\b(?:\s+\S+){0,3}\s*$",
    re.I,
)
_RENEWAL = re.compile(
    r"perpanjangan|memperpanjang|diperpanjang|renewal of|renewed|renews|extension of|extends the|"
    r"revitali[sz]|memperbarui|diperbarui|kembali menyepakati|\b\d+\s+tahun kerja ?sama|"
    r"\b\d+(?:st|nd|rd|th)\s+anniversary of (?:the|their) (?:sister|twin|friendship)",
    re.I,
)
_ALREADY = re.compile(
    r"telah menjalin|sudah menjalin|telah mempunyai|sudah melakukan kerja ?sama|"
    r"telah melakukan kerja ?sama|sejak (?:tahun )?\d{4}|since \d{4}|"
    r"already (?:had|have|has)",
    re.I,
)
_RECENTLY = re.compile(
    r"\b(?:recently|lately|baru-baru ini|belum lama ini|beberapa waktu lalu)\b", re.I
)
_DEPUTY = re.compile(r"\b(?:deputy|vice|wakil|timbalan)\b", re.I)
# Who signed, said outright: "ditandatangani oleh X dengan Y", "signed for", "represented by".
_EXPLICIT = re.compile(
    r"ditandatangani\s+oleh|diwakili(?:\s+oleh)?|signed\s+(?:by|for)|(?:was\s+)?represented\s+by|"
    r"\brepresented\b|mewakili|dilakukan\s+oleh|penandatanganan\s+dilakukan",
    re.I,
)
# Who watched: "disaksikan", "witnessed by", "turut menyaksikan", "also present were".
_WITNESS = re.compile(
    r"disaksikan|menyaksikan|witness(?:ed)?\b|hadir\b|also\s+present|among\s+those\s+present|"
    r"didampingi|accompanied\s+by",
    re.I,
)
# "The mayors of Miri city and Weihai city signed": the heads of both parties signed.
_HEADS_SIGNED = re.compile(
    r"\b(?:mayors|governors|both\s+mayors|kedua\s+wali\s*kota|kedua\s+gubernur)\b", re.I
)
_FACING = re.compile(
    r"\b(?:face[sd]?|facing|menghadapi|dihadapi|tackle|tackling|mengatasi|menangani|"
    r"challenges?|tantangan|cabaran)\b",
    re.I,
)
_QUOTE = re.compile(r"“([^”]{2,1500})”|\"([^\"]{2,1500})\"")
# "di Kuala Lumpur", "at Jakarta", and through a venue: "di Balai Kota Jakarta", "di Grand Hyatt
# Kuala Lumpur".
# "di Semarang.", "in Petaling Jaya,": a place the graph does not know, named after a
# preposition in a sentence about the signing.
_SISTER = re.compile(
    r"sister[ -]city|kota kembar|bandar (?:raya )?berkembar|twin[ -]cit|kota bersaudara", re.I
)


class Extractor(PlaceRules, QuotationRules):
    """Applies the rules with one store's knowledge."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.known = knowledge
        self.sector_lexicon = SectorLexicon(knowledge.gazetteer.names("sector"))

    def extract(
        self, article: Article, lang: str | None = None, article_date: date | None = None
    ) -> Extraction:
        """The findings of one article (``lang`` and ``article_date`` override detection)."""
        if article_date is not None:
            article.date, article.year_known = article_date, True
        if article.outlet is None:
            article.outlet = self._dateline_outlet(article)
        text = article.text
        result = Extraction(article, lang or detect_language(f"{article.title or ''} {text}"))
        sentences = split_sentences(text)
        known = self.known
        matches = known.gazetteer.find(text)
        resolver = PlaceResolver(
            known.gazetteer, known.government_of_place, known.place_of_geonames, known.world
        )
        found = NewEntityFinder(
            known.gazetteer, known.government_of_place, known.post_government, resolver
        ).find(text, matches, article.title or "")
        matches = with_aliases(
            text,
            [
                m
                for m in matches
                if not any(m.start < n.end and n.start < m.end for n in found.matches)
            ]
            + found.matches,
        )
        self.post_government = {**known.post_government, **found.post_government}
        self.government_of_place = {**known.government_of_place, **found.government_of_place}
        self.place_of = {gov: place for place, gov in self.government_of_place.items()}
        result.new_entities = found.entities
        quotes = [m for m in _QUOTE.finditer(text)]
        in_quote = [(q.start(), q.end()) for q in quotes]

        def outside(m: Match) -> bool:
            return not any(s <= m.start < e for s, e in in_quote)

        by_sentence = [
            [m for m in matches if s.start <= m.start < s.end and outside(m)] for s in sentences
        ]
        signing = [
            i
            for i, s in enumerate(sentences)
            if (m := _SIGNING.search(s.text)) and not _NOT_YET.search(s.text[: m.start()])
        ]
        if _SISTER.search(f"{article.title or ''} {text}"):
            result.partnership_type = CP.SisterCity
        signing, several = _latest_signing_first(sentences, by_sentence, signing)
        # When a page tells of several signings, the people are those of the one it is about.
        self.signed_in = signing[:1] if several else signing
        self._document_type(result, sentences, by_sentence, signing)
        self.people = self._people_at_signing(by_sentence, signing)
        if article.date is not None and not article.year_known:
            guess = DateMention(article.date, 0, 0, "", False)
            # A year nothing supports (no tenure, no weekday, no URL) is no date at all.
            article.date = self._likeliest(guess) if self._supported(guess) else None
        self._date(result, sentences, signing)
        self._parties(result, sentences, by_sentence, signing)
        self._place(result, sentences, by_sentence, signing)
        self._signatories(result, sentences, by_sentence, signing)
        self._sectors(result, sentences, by_sentence)
        self._challenges(result, sentences)
        self._quotations(result, sentences, matches, quotes)
        all_by_sentence = [[m for m in matches if s.start <= m.start < s.end] for s in sentences]
        self._earlier(result, sentences, by_sentence, all_by_sentence)
        return result

    def _dateline_outlet(self, article: Article) -> str | None:
        """The part of the dateline (``KBRN, Jakarta:``, ``Jakarta, InfoPublik -``) that names
        an organization of the graph."""
        for part in article.dateline:
            for m in self.known.gazetteer.find(part):
                if m.of_kind("organization"):
                    return part
        return None

    # --- the agreement ------------------------------------------------------------------------

    def _document_type(self, result, sentences, by_sentence, signing) -> None:  # type: ignore[no-untyped-def]
        order = _signing_first(signing, len(sentences))
        text = result.article.text
        for i in order:
            for m in by_sentence[i]:
                if types := m.of_kind("document-type"):
                    if _NOT_YET.search(text[max(0, m.start - 40) : m.start]):
                        continue  # "awal dari rencana MoU": a document still to come
                    ev = Evidence.of(result.article, sentences[i].start, sentences[i].end)
                    result.document_type = Finding(types[0], ev, m.text)
                    return
        if signing:
            s = sentences[signing[0]]
            ev = Evidence.of(result.article, s.start, s.end)
            result.document_type = Finding(CP.UnspecifiedAgreement, ev)

    def _people_at_signing(self, by_sentence, signing) -> list[URIRef]:  # type: ignore[no-untyped-def]
        """The people named in the sentences about the signing (in any sentence if none)."""
        for pool in (signing, range(len(by_sentence))):
            people = sorted({p for i in pool for m in by_sentence[i] for p in m.of_kind("person")})
            if people:
                return people
        return []

    def _likeliest(self, mention: DateMention) -> date:
        """The day a date written without its year most likely is: the one on which most of the
        people at the signing held a post the graph knows of (weekday and calendar permitting),
        the latest of equals; the mention's own guess when the graph knows no tenure."""
        best, best_score = mention.value, 0
        for day in candidate_days(mention):
            score = sum(1 for person in self.people if self.known.posts_held(person, day))
            if score > best_score:
                best, best_score = day, score
        return best

    def _supported(self, mention: DateMention) -> bool:
        """Whether anything but the calendar picks a year for a date written without one: a
        weekday it names, or people at the signing in posts the graph knows that year."""
        if mention.weekday is not None:
            return True
        return any(
            self.known.posts_held(person, day)
            for day in candidate_days(mention)
            for person in self.people
        )

    def _date(self, result, sentences, signing) -> None:  # type: ignore[no-untyped-def]
        article = result.article
        for i in _signing_first(signing, len(sentences)):
            s = sentences[i]
            found = find_dates(s.text, article.date)
            day = found[0].value if found else None
            if found and not found[0].year_given and not (article.date and article.year_known):
                day = self._likeliest(found[0]) if self._supported(found[0]) else None
            # The dateline's date is the day of writing: "... here yesterday" counts from it.
            in_dateline = bool(found) and s.start + found[0].start < 40 and day == article.date
            if in_dateline:
                # Not the signing's date unless nothing else says when: the fallback below.
                day = relative_day(s.text, article.date) if i in signing else None
            elif day is None and i in signing:
                day = relative_day(s.text, article.date)
            if day is not None:
                result.date = day
                result.date_evidence = Evidence.of(article, s.start, s.end)
                return
        if any(_RECENTLY.search(sentences[i].text) for i in signing):
            return  # "signed ... recently": not the day of writing
        if article.date is not None:
            result.date = article.date
            head = " · ".join(article.header) or (article.title or "")
            result.date_evidence = Evidence(head, 0, 0)

    def _parties(self, result, sentences, by_sentence, signing) -> None:  # type: ignore[no-untyped-def]
        known = self.known
        scores: Counter[URIRef] = Counter()
        first: dict[URIRef, int] = {}
        title_matches = known.gazetteer.find(result.article.title or "")
        lead = set(signing) | {0, 1}
        earlier = {i for i, s in enumerate(sentences) if _EARLIER.search(s.text)}
        pools = [(None, title_matches)] + [
            (i, by_sentence[i]) for i in sorted(lead) if i < len(sentences) and i not in earlier
        ]
        for i, pool in pools:
            for m in pool:
                for gov, weight in self._governments_of(m):
                    scores[gov] += weight
                    first.setdefault(gov, i if i is not None else -1)
        ranked: list[URIRef] = []
        for gov in sorted(scores, key=lambda g: (-scores[g], first[g])):
            # Never a self-partnership: not a city and one of its own councils ("Kuching" and
            # "Kuching City North"), nor two governments of one place.
            same = [g for g in ranked if self._one_place(g, gov, result)]
            if same:
                if len(self._name_of(gov, result)) > len(self._name_of(same[0], result)):
                    ranked[ranked.index(same[0])] = gov  # the council, not the city
                continue
            ranked.append(gov)
            if len(ranked) == 2:
                break
        ranked.sort(key=lambda g: first[g])
        for gov in ranked:
            i = first[gov]
            if i >= 0:
                s = sentences[i]
                ev = Evidence.of(result.article, s.start, s.end)
            else:
                ev = Evidence(result.article.title or "", 0, 0)
            result.parties.append(Finding(gov, ev))

    def _name_of(self, government: URIRef, result: Extraction) -> str:
        if (new := result.new_entities.get(government)) is not None:
            return normalise(new.label)
        place = self.place_of.get(government)
        return normalise(self.known.gazetteer.label(place if place is not None else government))

    def _one_place(self, a: URIRef, b: URIRef, result: Extraction) -> bool:
        """Whether two governments are one place's: the same place, or a name that is the
        other's first words ("Kuching" and "Kuching City North")."""
        if self.place_of.get(a) is not None and self.place_of.get(a) == self.place_of.get(b):
            return True
        one, other = sorted(
            (self._name_of(a, result).split(), self._name_of(b, result).split()), key=len
        )
        return (
            bool(one)
            and other[: len(one)] == one
            and len(other) > len(one)
            and (other[len(one)] in {"city", "kota", "bandaraya", "municipal", "town"})
        )

    def _governments_of(self, m: Match) -> list[tuple[URIRef, int]]:
        out = [(g, 3) for g in m.of_kind("government")]
        out += [
            (self.post_government[p], 2) for p in m.of_kind("post") if p in self.post_government
        ]
        out += [
            (self.government_of_place[p], 1)
            for p in m.of_kind("place")
            if p in self.government_of_place
        ]
        return out

    def _signatories(self, result, sentences, by_sentence, signing) -> None:  # type: ignore[no-untyped-def]
        parties = [p.value for p in result.parties]
        seen: set[URIRef] = set()
        text = result.article.text
        people: list[tuple[int, Match, URIRef | None]] = []
        witnessed: set[int] = set()
        explicit: set[int] = set()
        for i in self.signed_in:
            s = sentences[i]
            for w in _WITNESS.finditer(s.text):
                end = _clause_end(s.text, w.end())
                witnessed |= set(range(s.start + w.start(), s.start + end))
            for e in _EXPLICIT.finditer(s.text):
                until = _WITNESS.search(s.text, e.end())
                explicit |= set(
                    range(s.start + e.end(), s.start + (until.start() if until else len(s.text)))
                )
        heads = any(_HEADS_SIGNED.search(sentences[i].text) for i in self.signed_in)
        for i, ms in enumerate(by_sentence):
            for j, m in enumerate(ms):
                if m.of_kind("person") and m.start not in witnessed:
                    people.append((i, m, _adjacent_post(ms, j, text)))
        for in_signing in (True, False):
            # Someone named in a party's post outside the sentences about the signing signed
            # for it if the article names who signed for the other party, if the lead names
            # them ("A conversation between Mayor X and Mayor Y has resulted in ..."), or if the
            # signing sentence says the heads signed ("The mayors of A and B signed").
            elsewhere = range(len(sentences)) if result.signatories or heads else (0, 1)
            for i, m, post in people:
                if i in signing and i not in self.signed_in:
                    continue
                if (i in signing) != in_signing or (not in_signing and i not in elsewhere):
                    continue
                person = m.of_kind("person")[0]
                if person in seen:
                    continue
                post = post or self._post_on(person, result.date, parties)
                party = self.post_government.get(post) if post else None
                # A deputy signs when the article says so ("ditandatangani oleh Wakil ...").
                deputy = self._deputy(post, result) and m.start not in explicit
                if party not in parties or deputy:
                    continue
                if not in_signing and any(s.party == party for s in result.signatories):
                    continue
                seen.add(person)
                s = sentences[i]
                ev = Evidence.of(result.article, s.start, s.end)
                result.signatories.append(Signatory(person, m.text, post, party, ev))
        self._holders_of_posts(result, sentences, by_sentence, seen, witnessed)

    def _holders_of_posts(self, result, sentences, by_sentence, seen, witnessed) -> None:  # type: ignore[no-untyped-def]
        """A party's post named in a signing sentence without its holder ("Gubernur DKI
        Jakarta menandatangani ..."): the person the graph shows in it on the day."""
        parties = [p.value for p in result.parties]
        signed_for = {s.party for s in result.signatories}
        if result.date is None:
            return
        for i in self.signed_in:
            for m in by_sentence[i]:
                for post in m.of_kind("post"):
                    party = self.post_government.get(post)
                    if party not in parties or party in signed_for or m.start in witnessed:
                        continue
                    if self._deputy(post, result):
                        continue
                    holders = [
                        t.person
                        for t in self.known.tenures
                        if t.post == post and t.covers(result.date)
                    ]
                    if len(set(holders)) != 1 or holders[0] in seen:
                        continue
                    seen.add(holders[0])
                    signed_for.add(party)
                    s = sentences[i]
                    ev = Evidence.of(result.article, s.start, s.end)
                    name = self.known.gazetteer.label(holders[0])
                    result.signatories.append(Signatory(holders[0], name, post, party, ev))

    def _deputy(self, post: URIRef | None, result: Extraction) -> bool:
        """Whether a post is a deputy's (deputy mayor, wakil gubernur): deputies attend
        signings more often than they sign."""
        if post is None:
            return False
        labels = list(self.known.gazetteer.labels.get(post, {}).values())
        if (new := result.new_entities.get(post)) is not None:
            labels.append(new.label)
        return any(_DEPUTY.search(label) for label in labels)

    def _post_on(self, person: URIRef, day: date | None, parties: list[URIRef]) -> URIRef | None:
        for post in self.known.posts_held(person, day) or self.known.posts_held(person, None):
            if self.post_government.get(post) in parties:
                return post
        return None

    # --- sectors and challenges ---------------------------------------------------------------

    def _sectors(self, result, sentences, by_sentence) -> None:  # type: ignore[no-untyped-def]
        for found in find_sectors(result.article.text, sentences, self.sector_lexicon):
            s = found.sentence
            ev = Evidence.of(result.article, s.start, s.end)
            sector = found.sector or new_sector(result, found.wording)
            result.sectors.append(Finding(sector, ev, found.wording))

    def _challenges(self, result, sentences) -> None:  # type: ignore[no-untyped-def]
        seen: set[URIRef] = set()
        for s in sentences:
            found = [
                m for m in self.known.gazetteer.find(s.text, s.start) if m.of_kind("challenge")
            ]
            # Two challenges named together, or one the sentence says a city faces.
            if not found or (len(found) < 2 and not _FACING.search(s.text)):
                continue
            ev = Evidence.of(result.article, s.start, s.end)
            for m in found:
                challenge = m.of_kind("challenge")[0]
                if challenge not in seen:
                    seen.add(challenge)
                    result.challenges.append(Finding(challenge, ev, m.text))

    # --- quotations ---------------------------------------------------------------------------

    # --- earlier partnerships -----------------------------------------------------------------

    def _earlier(self, result, sentences, by_sentence, all_by_sentence) -> None:  # type: ignore[no-untyped-def]
        parties = [p.value for p in result.parties]
        if not parties:
            return
        seen: set[object] = set()

        def add(a: URIRef, b: URIRef, s: Sentence) -> None:
            key = frozenset((a, b))
            if a != b and key not in seen:
                seen.add(key)
                result.earlier.append((a, b, Evidence.of(result.article, s.start, s.end)))

        for i, s in enumerate(sentences):
            if len(parties) == 2 and _RENEWAL.search(s.text):
                # "perpanjangan dari MoU ... yang telah habis masa berlakunya": the parties had
                # an agreement before this one.
                add(parties[0], parties[1], s)
            if not _EARLIER.search(s.text):
                continue
            governments = self._governments_in(by_sentence[i])
            own = [g for g in governments if g in parties] or parties[:1]
            if len(parties) == 2 and set(parties) <= set(governments) and _ALREADY.search(s.text):
                # The parties' own earlier tie: "Jawa Barat dan Chungnam telah menjalin
                # hubungan Sister Province sejak tahun 2021".
                add(parties[0], parties[1], s)
            others = [g for g in self._governments_in(all_by_sentence[i]) if g not in parties]
            if len(others) == 2 and not set(governments) & set(parties) and _ALREADY.search(s.text):
                # Two others' tie, even when quoted: "Pemprov Jawa Tengah sudah melakukan kerja
                # sama dengan Provinsi Fujian".
                add(others[0], others[1], s)
                continue
            for gov in governments:
                if gov in parties or gov in seen:
                    continue
                seen.add(gov)
                add(own[0], gov, s)

    def _governments_in(self, matches: list[Match]) -> list[URIRef]:
        governments: list[URIRef] = []
        for m in matches:
            for gov, _weight in self._governments_of(m):
                if gov not in governments:
                    governments.append(gov)
        return governments


def _signing_first(signing: list[int], count: int) -> list[int]:
    """Sentence indices: those about the signing in their order, then the others."""
    return signing + [i for i in range(count) if i not in signing]


def _latest_signing_first(
    sentences: list[Sentence], by_sentence: list[list[Match]], signing: list[int]
) -> tuple[list[int], bool]:
    """The sentences about signing, the latest dated signing of a document first: a page that
    tells how a proclamation of 1984 led to a memorandum in 1990 is about the memorandum. True
    with them if the text tells of several dated signings."""
    dated = []
    for i in signing:
        days = [d.value for d in find_dates(sentences[i].text) if d.year_given]
        if days and any(m.of_kind("document-type") for m in by_sentence[i]):
            dated.append((days[0], i))
    if len({day for day, _ in dated}) < 2:
        return signing, False
    latest = max(dated)[1]
    return [latest] + [i for i in signing if i != latest], True


def _clause_end(text: str, start: int) -> int:
    """Where a witnesses' clause ends: at "while"/"sementara", a semicolon or the end."""
    m = re.compile(r";|\bwhile\b|\bsementara\b|\bmanakala\b", re.I).search(text, start)
    return m.start() if m else len(text)


def _adjacent_post(ms: list[Match], j: int, text: str) -> URIRef | None:
    """The post named right before ("Gubernur DKI Jakarta, Pramono Anung") or after a person."""
    # the nearest post before or after (another match may lie within the post's span)
    near = sorted(
        (k for k in range(len(ms)) if k != j and ms[k].of_kind("post")),
        key=lambda k: abs(k - j),
    )[:2]
    for k in near:
        if posts := ms[k].of_kind("post"):
            a, b = sorted((ms[k], ms[j]), key=lambda m: m.start)
            gap = text[a.end : b.start]
            if a is ms[k] and gap.strip():
                # "Wali Kota Mossel Bay Alderman Harry Levendal", "Walikota Denpasar, I Gusti
                # Ngurah Jaya Negara", "Wali Kota Darwin, The Hon. Kon Vatskalis"
                rest = HONORIFIC.sub("", text[a.end : b.end].lstrip(" ,"))
                gap = "" if rest.endswith(b.text) and len(rest) == len(b.text) else gap
            if len(gap) <= 4 and normalise(gap).strip(" ,(") == "":
                return posts[0]
    return None
