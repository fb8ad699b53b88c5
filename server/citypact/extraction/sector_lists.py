"""Sectors of an agreement as news lists them: "cooperation in strategic sectors, including
public health and welfare, flood prevention and mitigation, green building development and
energy decarbonization, ...".

A list is the part of a sentence after a cue ("bidang", "sektor", "in the fields of",
"meliputi", "antara lain", "such as", ...) in a sentence about the cooperation, or a sentence
that starts with such a cue right after one, or the enumerated lines after "seperti berikut" /
"as follows". Each item of the list (split at commas, semicolons, "serta", "as well as",
"hingga"; not at "dan"/"and", which join the words of one sector as often as two sectors) is
matched against the sector scheme's labels in every language: a label matches when each of its
words is in the item, allowing for inflection (``transportation`` for ``transport``,
``cultural`` for ``culture``: the same stem once common endings are removed). Of the sectors
an item matches, those whose matched words are all matched by another sector's label are
dropped, so "cultural and tourism exchanges" is cultural exchange and tourism, not also culture
and tourism on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef

from citypact.extraction.gazetteer import normalise, tokens
from citypact.extraction.sentences import Sentence

_CUE = re.compile(
    r"\b(?:bidang|sektor|sectors?|fields?|areas?|meliputi|mencakup|merangkumi|"
    r"termasuk|including|includes?|covering|covers|antara lain|seperti|such as|mulai dari|"
    r"fokus|focus(?:es|ing)? on|dalam program|under the programme|guna mendorong|"
    r"untuk mendorong|to promote|to boost|to improve|work together in|cooperate in|"
    r"bekerja sama dalam|yakni|yaitu|iaitu|ruang lingkup)\b",
    re.I,
)
_COOPERATION = re.compile(
    r"kerja ?sama|kolaborasi|cooperat|collaborat|partnership|kemitraan|agreement|perjanjian|"
    r"\bLO[Ii]\b|\bMoU\b|memorandum|letter of intent|sister[ -]city|persefahaman|kesepakatan|"
    r"sepakat|agreed?\b|tie-up|friendship|persahabatan|both cities|kedua kota|kedua-dua bandar|"
    r"both councils|kedua pihak|both sides",
    re.I,
)
_AS_FOLLOWS = re.compile(r"(?:seperti berikut|sebagai berikut|as follows|the following)\W*$", re.I)
_ENUMERATED = re.compile(r"^\s*(?:[ivxlc]+\)|\(?[ivxlc]+\.|\d{1,2}[.)]|[a-h]\)|[-•*·])\s*", re.I)
_PAST = re.compile(r"\b(?:sejak|since|sebelumnya|previously|earlier|terdahulu)\b", re.I)
_SPLIT = re.compile(
    r"\s*(?:[,;:]|\(|\)|\bserta\b|\bas well as\b|\bhingga\b|\bsampai\b|\bmulai dari\b|"
    r"\bincluding\b|\bantara lain\b|\bsuch as\b|\bseperti\b|\bdan juga\b|\band also\b)\s*",
    re.I,
)
# A purpose or relative clause ends a list: "... Electric Transportation to Support ...".
_END = re.compile(
    r"\b(?:to support|untuk mendukung|in support of|yang akan|which will|that will|untuk periode|"
    r"for the period)\b",
    re.I,
)
_STOP = set(
    "and dan serta of the di dalam in for untuk bagi yang & a an with dengan to ke atau or "
    "on pada its their kedua both".split()
)
_CUE_AT_START_WORDS = 6
_LEADING = re.compile(
    r"^(?:\W*\b(?:of|on|in|dalam|di|the|dan|and|utama|strategis|iaitu|yaitu)\b)*\W*", re.I
)


@dataclass(frozen=True)
class SectorMention:
    """A sector named by an item of a list: the item's words and span, the sentence it is in."""

    sector: URIRef | None  # None: a sector the scheme does not have yet (a new concept)
    wording: str
    start: int
    end: int
    sentence: Sentence


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in _STOP and len(w) > 1]


_SUFFIXES = (
    "ations",
    "ation",
    "ings",
    "ing",
    "ical",
    "ic",
    "al",
    "es",
    "s",
    "e",
    "y",
    "ed",
    "kan",
    "an",
    "nya",
)


def _stem(word: str) -> str:
    """The word without inflectional endings (English and Indonesian/Malay), kept at four
    letters or more: transportation → transport, cultural and culture → cultur."""
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                changed = True
                break
    return word


# Words news uses for one another in sectors' names: "kota pintar" is "kota cerdas".
_SYNONYMS = {"pintar": "cerdas", "commerce": "trade", "perniagaan": "perdagangan"}


def _same_word(a: str, b: str) -> bool:
    """Equal, a synonym, or one inflection of the other (the same stem)."""
    a, b = _SYNONYMS.get(a, a), _SYNONYMS.get(b, b)
    return a == b or _stem(a) == _stem(b)


class SectorLexicon:
    """The sector scheme's labels as word lists, matched against list items."""

    def __init__(self, labels: Iterable[tuple[URIRef, str]]) -> None:
        self.labels: list[tuple[URIRef, list[str]]] = []
        for sector, label in labels:
            words = _content(t.norm for t in tokens(label))
            if words:
                self.labels.append((sector, words))

    def match(self, item: str) -> list[URIRef]:
        """The sectors an item names (see the module's docstring)."""
        words = _content(t.norm for t in tokens(item))
        covered: dict[URIRef, frozenset[int]] = {}
        for sector, label in self.labels:
            hit: set[int] = set()
            for word in label:
                found = next(
                    (i for i, w in enumerate(words) if i not in hit and _same_word(word, w)),
                    None,
                )
                if found is None:
                    break
                hit.add(found)
            else:
                if len(hit) > len(covered.get(sector, frozenset())):
                    covered[sector] = frozenset(hit)
        return [
            sector
            for sector, hit in covered.items()
            if not any(other != sector and hit < more for other, more in covered.items())
        ]


def list_spans(sentences: list[Sentence]) -> list[tuple[int, int, int, bool]]:
    """The lists of sectors: (sentence index, start, end) of each list's text, and whether it
    is an enumerated line (a clause, not a list of names)."""
    spans: list[tuple[int, int, int, bool]] = []
    following = False
    for i, s in enumerate(sentences):
        if following and _ENUMERATED.match(s.text):
            start = s.start + _ENUMERATED.match(s.text).end()  # type: ignore[union-attr]
            spans.append((i, start, s.end, True))
            continue
        following = bool(_AS_FOLLOWS.search(s.text)) and bool(_COOPERATION.search(s.text))
        if _PAST.search(s.text):
            continue
        cue = _CUE.search(s.text)
        if cue is None:
            continue
        about = _COOPERATION.search(s.text)
        at_start = len(s.text[: cue.start()].split()) < _CUE_AT_START_WORDS
        if about is None and not (
            at_start and i > 0 and _COOPERATION.search(sentences[i - 1].text)
        ):
            continue
        start = s.start + cue.end()
        text = s.text[cue.end() :]
        end = start + (m.start() if (m := _END.search(text)) else len(text))
        if not _content(t.norm for t in tokens(text)):
            # The list before its cue: "... as well as the arts and tourism sector."
            start, end = s.start, s.start + cue.start()
        spans.append((i, start, end, False))
    return spans


def find_sectors(
    text: str, sentences: list[Sentence], lexicon: SectorLexicon
) -> list[SectorMention]:
    """Every sector the article's lists name, in order, each once."""
    seen: set[URIRef] = set()
    new_seen: set[str] = set()
    out: list[SectorMention] = []
    for i, start, end, enumerated in list_spans(sentences):
        position = start
        candidates: list[SectorMention] = []
        found_here = False
        for part in _SPLIT.split(text[start:end]):
            at = text.find(part, position, end) if part else -1
            if at < 0 or not part.strip():
                continue
            position = at + len(part)
            wording = _TRAILING.sub("", _LEADING.sub("", part)).strip()
            if _EVENT_NAME.search(part):
                continue  # "the Maritime Silk Road International Arts Festival": a name
            matched = lexicon.match(part)
            if not matched and not enumerated and _new_concept(wording):
                candidates.append(SectorMention(None, wording, at, at + len(part), sentences[i]))
            for sector in matched:
                found_here = True
                if sector not in seen:
                    seen.add(sector)
                    out.append(SectorMention(sector, wording, at, at + len(part), sentences[i]))
        if found_here:
            # An item of a list that names sectors of the scheme, but none of them: a sector
            # the scheme lacks ("clean energy", "science and technology", "teknologi").
            for mention in candidates:
                if normalise(mention.wording) not in new_seen:
                    new_seen.add(normalise(mention.wording))
                    out.append(mention)
    return out


# Proper names in a list: events and institutions, not sectors.
_EVENT_NAME = re.compile(
    r"\b[A-Z]\w+\s+(?:Festival|Expo|Fair|Forum|Summit|Week|Awards?|Conference|Centre|Center|"
    r"Museum|Games|Carnival)\b"
)
# Words of an item that make it no sector: "and other areas", "bidang lainnya", "dan lain-lain".
# A relative or comparative clause after an item: "organisasi sebagaimana seperti yang ...".
_TRAILING = re.compile(r"\s+(?:sebagaimana|yang|which|that|as proposed|di masa)\b.*$", re.I | re.S)
_NOT_SECTOR_WORDS = set(
    "persahabatan persaudaraan friendship friendly goodwill other others lain lainnya "
    "lain-lain matters areas area fields field bidang hal sebagainya etc sektor sectors "
    "sector perkara berbagai various both kedua pihak sides parties which would could will "
    "to be been have has in which ".split()
)


def _new_concept(wording: str) -> bool:
    """Whether a list item can name a sector of its own: one to three words in lower case (no
    name, no number, no clause), none of them a filler ("other areas")."""
    words = _WORD_RE.findall(wording)
    if not 1 <= len(_content(w.lower() for w in words)) <= 3 or len(words) > 4:
        return False
    if any(w[0].isupper() or w.isdigit() for w in words):
        return False
    return not any(w.lower() in _NOT_SECTOR_WORDS for w in words) and len(wording) >= 4


_WORD_RE = re.compile(r"[^\W\d_]+|\d+")
