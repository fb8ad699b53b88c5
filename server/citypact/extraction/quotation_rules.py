"""Quotations: who said what, bound to a speaker named after or before the quotation, one
quotation per paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rdflib import URIRef

from citypact.extraction.dates import find_dates
from citypact.extraction.findings import Evidence, Extraction, Quotation
from citypact.extraction.gazetteer import Gazetteer, normalise
from citypact.extraction.knowledge import Knowledge
from citypact.extraction.new_entities import HONORIFIC
from citypact.extraction.sentences import Sentence, sentence_end, sentence_start

_SPEECH = (
    r"(?:ujar|kata|ucap|tambah|jelas|tutur|tegas|ungkap|imbuh|lanjut|terang|sebut|pungkas|"
    r"katanya|berkata|menurut|urai|papar|tandas|sambung|tutup|said|says|added|told|stated|"
    r"explained|noted|remarked)"
)

_AFTER = re.compile(
    rf"^[\s,.]*(?:demikian\s+)?(?P<pronoun>(?:he|she|they|beliau|dia|ia)\s+)?"
    rf"(?P<verb>{_SPEECH})(?P<nya>nya)?\b"
    r"[\s,]*(?P<rest>.{0,80})",
    re.I | re.S,
)

_PRONOUN_AFTER = re.compile(r"^(?:beliau|dia|ia|he|she|they)\b", re.I)

_BEFORE = re.compile(
    rf"(?:{_SPEECH}|menyebut\b.{{0,80}}\bsebagai|called\b.{{0,60}}|described\b.{{0,60}}\bas|berkata)[\s:,]*$",
    re.I | re.S,
)

_MIN_QUOTE_WORDS = 4


class QuotationRules:
    """The quotation rules of :class:`~citypact.extraction.extractor.Extractor`."""

    known: Knowledge

    def _quotations(self, result, sentences, matches, quotes) -> None:  # type: ignore[no-untyped-def]
        text = result.article.text
        last_speaker: tuple[URIRef | None, str | None] = (None, None)
        last_end = 0
        for q in quotes:
            words = (q.group(1) or q.group(2)).strip()
            before = text[max(0, q.start() - 120) : q.start()]
            after = text[q.end() : q.end() + 120]
            speaker: URIRef | None = None
            name: str | None = None
            attributed = False
            if m := _AFTER.match(after):
                attributed = True
                rest_start = q.end() + m.start("rest")
                if not (m.group("nya") or m.group("pronoun")) and not _PRONOUN_AFTER.match(
                    m.group("rest")
                ):
                    at = rest_start
                    # "kata Wali Kota Denpasar IB Rai Dharmawijaya Mantra": past the post.
                    post = [x for x in matches if at <= x.start <= at + 3 and "post" in x.kinds]
                    if post:
                        at = post[0].end + 1
                    named = [x for x in matches if at <= x.start <= at + 3 and x.of_kind("person")]
                    if named:
                        speaker, name = named[0].of_kind("person")[0], named[0].text
                    elif (
                        name := speaker_name(m.group("rest"), self.known.gazetteer, self._is_city)
                    ) is not None:
                        speaker = self._new_person_named(result, name) or self._known_person(name)
                        if speaker is None:
                            name = fullest_form(text, name)
            elif _BEFORE.search(before):
                attributed = True
                inline = [
                    x
                    for x in matches
                    if sentence_start(sentences, q.start()) <= x.start < q.start()
                    and x.of_kind("person")
                ]
                if inline and not re.search(r"sebagai\s*$|\bas\s*$", before, re.I):
                    speaker, name = inline[0].of_kind("person")[0], inline[0].text
            if not attributed:
                continue
            if len(words.split()) < _MIN_QUOTE_WORDS and not _BEFORE.search(before):
                continue
            if speaker is None and name is None:
                # "..." katanya / he said: the last speaker when nobody else is named since.
                between = [
                    x
                    for x in matches
                    if last_end <= x.start < q.start()
                    and x.of_kind("person")
                    and not any(a.start() <= x.start < a.end() for a in quotes)
                ]
                if last_speaker != (None, None) and not between:
                    speaker, name = last_speaker
                else:
                    speaker, name = self._subject_before(sentences, matches, quotes, q.start())
            last_speaker, last_end = (speaker, name), q.end()
            # A quotation running over paragraphs opens each one again and closes only the
            # last: “First paragraph. “Second paragraph,” he said. Each is a quotation.
            offset = q.start(1) if q.group(1) is not None else q.start(2)
            for piece, piece_start in paragraphs_of(words, offset):
                if len(piece.split()) < _MIN_QUOTE_WORDS and piece is not words:
                    continue
                start = sentence_start(sentences, piece_start)
                end = sentence_end(sentences, min(q.end(), piece_start + len(piece) + 1))
                ev = Evidence.of(result.article, start, end)
                dates = find_dates(text[start:end], result.article.date)
                spoken = dates[0].value if dates else result.date
                result.quotations.append(Quotation(piece, speaker, name, spoken, ev))

    def _is_city(self, word: str) -> bool:
        return self.known.world is not None and self.known.world.city(word) is not None

    def _known_person(self, name: str) -> URIRef | None:
        """The one person of the graph a word of whose name is ``name`` ("Basuki")."""
        words = set(normalise(name).split())
        people = {
            iri
            for iri, label in self.known.gazetteer.names("person")
            if words <= set(normalise(label).split())
        }
        return next(iter(people)) if len(people) == 1 else None

    def _new_person_named(self, result: Extraction, name: str) -> URIRef | None:
        """The one new person of the article a word of whose name is ``name`` ("Rosli" for
        Rosli Latif), if there is exactly one."""
        words = set(normalise(name).split())
        people = [
            e.iri
            for e in result.new_entities.values()
            if e.kind == "person" and words <= set(normalise(e.label).split())
        ]
        return people[0] if len(people) == 1 else None

    def _subject_before(self, sentences, matches, quotes, position):  # type: ignore[no-untyped-def]
        """The first person named (outside quotations) in the nearest sentence before."""
        inside = [(q.start(), q.end()) for q in quotes]
        current = [s for s in sentences if s.start <= position < s.end + 1]
        candidates = [s for s in sentences if s.end <= position]
        if current:
            candidates.append(Sentence(current[0].text, current[0].start, position))
        for s in reversed(candidates):
            people = [
                m
                for m in matches
                if s.start <= m.start < s.end
                and m.of_kind("person")
                and not any(a <= m.start < b for a, b in inside)
            ]
            if people:
                return people[0].of_kind("person")[0], people[0].text
        return None, None


# Words that open a post, not a name: "kata Konsul Jenderal RI untuk Shanghai Siti ...".
_TITLE_WORDS = set(
    "konsul konjen jenderal wali walikota gubernur bupati menteri duta kepala wakil ketua "
    "sekretaris mayor governor minister ambassador consul president presiden deputy chief head "
    "datuk bandar yang dipertua executive premier chairman secretary director direktur".split()
)
_RUN = re.compile(r"[A-Z][\w'’-]*(?:[ ]+[A-Z][\w'’-]*)*")


def speaker_name(rest: str, gazetteer: Gazetteer, is_place: Callable[[str], bool]) -> str | None:
    """The speaker's name after a speech verb: honorifics dropped ("said Dr Sim" is Sim); past a
    post ("Konsul Jenderal RI untuk Shanghai Siti Nugraha Mauludiah" is Siti Nugraha
    Mauludiah); None when what follows is no name."""
    head = rest[:100]
    previous = 0
    for run in _RUN.finditer(head):
        gap = head[previous : run.start()]
        if run.start() > 0 and not re.fullmatch(r"[\s,]*|[\s,]*[a-z]+[\s,]+", gap):
            break  # a clause, not the name: "said the mayor of ..."
        previous = run.end()
        words = HONORIFIC.sub("", run.group(0) + " ").split()
        if words and normalise(words[0]) in _TITLE_WORDS:
            continue  # a post: the name follows
        # leading places ("Shanghai Siti Nugraha Mauludiah")
        while len(words) > 2 and _is_place(words[0], gazetteer, is_place):
            words = words[1:]
        if words:
            return " ".join(words[:4])
    return None


def _is_place(word: str, gazetteer: Gazetteer, is_place: Callable[[str], bool]) -> bool:
    m = gazetteer.whole(word)
    return bool(m is not None and m.kinds & {"place", "country"}) or is_place(word)


def fullest_form(text: str, name: str) -> str:
    """The longest form of a name the article writes: "ucap Mohamad Siradj" is the "Mohamad
    Siradj Parwito" named earlier."""
    forms = re.findall(rf"(?<![\w'’-]){re.escape(name)}(?:[ ]+[A-Z][\w'’-]+){{0,3}}", text)
    return max(forms, key=len) if forms else name


def paragraphs_of(words: str, offset: int) -> list[tuple[str, int]]:
    """The paragraphs of a quotation (split where an opening mark starts one again), each with
    its offset in the article."""
    if "“" not in words:
        return [(words, offset)]
    out: list[tuple[str, int]] = []
    position = 0
    for part in words.split("“"):
        stripped = part.strip()
        if stripped:
            out.append((stripped, offset + position + part.index(stripped[0])))
        position += len(part) + 1
    return out
