"""Governments, posts, people and places an article names that the graph does not hold yet.

The graph's own names find the entities it knows (gazetteer.py). News also names others, in a
few regular forms, and these are proposed as new entities (marked for review):

- a government by its kind and name: ``Pemerintah Provinsi Jawa Barat``, ``Pemkot Surabaya``,
  ``Majlis Bandaraya Johor Bahru``; ``Tai'an City`` (only when the name also stands alone
  elsewhere in the article, so ``Friendship City`` or ``Green Smart City`` are not taken), or
  ``Penang City Council``;
- a post by its title and its government: ``Gubernur Jawa Barat`` (title first, as Indonesian
  and Malay write it) or ``Tai'an Municipal secretary`` (English order), and the person named
  right after it: ``Gubernur Jawa Barat Dedi Mulyadi``;
- a person named right after a post the graph knows: ``Gubernur DKI Jakarta Budi Santoso``;
- the city of a dateline (``BANDUNG--``), found by ``dateline_place``.

Each new government governs a new place (a region for provincial governments, else a city)
unless the graph knows a place by that name; each new post belongs to its government.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from ..importing.reconcile import slugify
from ..namespaces import CP, entity_iri
from .gazetteer import Entry, Gazetteer, Match, normalise

_NAME_WORD = r"[A-Z][\w'’-]*"
_NAME = rf"{_NAME_WORD}(?:[ ]+{_NAME_WORD}){{0,3}}"
_GOV_BEFORE = re.compile(
    r"\b(?P<kind>Pemerintah\s+Provinsi|Pemerintah\s+Kota|Pemerintah\s+Kabupaten|Pemerintah\s+Daerah|"
    r"Pemprov|Pemkot|Pemkab|Majlis\s+Bandaraya|Majlis\s+Perbandaran|Dewan\s+Bandaraya|"
    r"Kerajaan\s+Negeri|Kabupaten|Provinsi|(?<!Wali\s)(?<!Balai\s)Kota)\s+(?P<name>" + _NAME + ")"
)
# "Pemerintah Kota Denpasar dan Mossel Bay": one kind for two governments.
_GOV_AND = re.compile(
    r"\b(?P<kind>Pemerintah\s+Provinsi|Pemerintah\s+Kota|Pemerintah\s+Kabupaten|Pemprov|Pemkot|"
    r"Pemkab)\s+"
    + _NAME_WORD
    + r"(?:[ ]+"
    + _NAME_WORD
    + r")*?\s+(?:dan|and)\s+(?P<name>"
    + _NAME
    + ")"
)
_KIND_WORDS = {"pemerintah", "kota", "kabupaten", "provinsi", "pemprov", "pemkot", "pemkab"}
_GOV_AFTER = re.compile(
    r"(?<![\w'’])(?P<name>" + _NAME + r")\s+(?P<kind>City\s+Council|City\s+Hall|"
    r"Municipal\s+(?:People's\s+)?Government|Provincial\s+Government|City\s+Government|"
    r"Metropolitan\s+Government|Municipal\s+Council|Municipality|City)\b(?!\s+(?:Council|Hall))"
)
# "signed an MoU with Wei Hai city": a partner city, named after "with" ("dengan").
_WITH_CITY = re.compile(r"\b(?:with|dengan)\s+(?P<name>" + _NAME + r")\s+(?P<kind>city|kota)\b")
# Korean local governments are named with their kind: Gochang-gun, Suwon-si, Jeollabuk-do.
_KOREAN = re.compile(r"(?<![\w'’-])(?P<name>[A-Z][a-z]+-(?P<kind>gun|si|do|gu))(?![\w'’-])")
_REGIONAL = re.compile(r"provinsi|provincial|pemprov|negeri|^do$", re.I)
# Titles of posts: how news writes them, and the English title the new post's IRI uses.
_TITLES = {
    "gubernur": "governor",
    "gabenor": "governor",
    "governor": "governor",
    "wakil gubernur": "vice-governor",
    "vice governor": "vice-governor",
    "deputy governor": "vice-governor",
    "wali kota": "mayor",
    "walikota": "mayor",
    "wakil wali kota": "vice-mayor",
    "datuk bandar": "mayor",
    "mayor": "mayor",
    "vice mayor": "vice-mayor",
    "deputy mayor": "vice-mayor",
    "bupati": "regent",
    "regent": "regent",
    "municipal secretary": "municipal-secretary",
    "party secretary": "party-secretary",
    "sekretaris daerah": "regional-secretary",
}
_TITLE = "|".join(sorted((re.escape(t).replace(r"\ ", r"\s+") for t in _TITLES), key=len)[::-1])
_TITLE_WORDS = {word for title in _TITLES for word in title.split()}
_ENGLISH_TITLES = {t for t, english in _TITLES.items() if t.replace(" ", "-") == english} | {
    "deputy mayor",
    "deputy governor",
}
_TITLE_RE = re.compile(rf"\b(?P<title>{_TITLE})\b", re.I)
HONORIFIC = re.compile(
    r"^(?:(?:Dato['’]?|Datuk|Dato['’]?\s+Sri|Datuk\s+Seri|Tan\s+Sri|Dr\.?|Ir\.?|Prof\.?|Haji|H\.|"
    r"Bapak|Pak|Ibu|Bu|Mr\.?|Mrs\.?|Ms\.?|Madam|Tuan|Puan|Encik|Alderman|Councillor|Cllr\.?|"
    r"YB|YBhg\.?|Yang\s+Berhormat|Executive)\s+)+"
)
_GLUED = re.compile(r"[a-z][A-Z]")
_PERSON = re.compile(rf"^[ ,]{{0,3}}(?P<name>{_NAME_WORD}(?:[ ]+{_NAME_WORD}){{1,4}})")
_NOT_PERSON = {"di", "in", "at", "dan", "and", "said", "the"}


@dataclass
class NewEntity:
    """An entity to propose: its kind, class, name and links to other entities."""

    iri: URIRef
    kind: str
    cls: URIRef
    label: str
    links: list[tuple[URIRef, URIRef]] = field(default_factory=list)


@dataclass
class Found:
    """The new entities of one article and the matches that name them."""

    entities: dict[URIRef, NewEntity] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)
    post_government: dict[URIRef, URIRef] = field(default_factory=dict)
    government_of_place: dict[URIRef, URIRef] = field(default_factory=dict)

    def add(self, entity: NewEntity) -> NewEntity:
        return self.entities.setdefault(entity.iri, entity)

    def match(self, entity: NewEntity, start: int, end: int, text: str) -> None:
        entry = Entry(entity.iri, entity.kind, entity.label)
        self.matches.append(Match((entry,), start, end, text[start:end]))


def _clean(name: str) -> str:
    """A name without trailing punctuation or a leading article ("The Miri" is Miri)."""
    return re.sub(r"^(?:The|A|An)\s+", "", re.sub(r"[.,;:]+$", "", name.strip()))


class NewEntityFinder:
    """Finds the new entities of one text, given the gazetteer's matches in it."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        government_of_place: dict[URIRef, URIRef],
        post_government: dict[URIRef, URIRef],
    ) -> None:
        self.gazetteer = gazetteer
        self.government_of_place = government_of_place
        self.posts_of: dict[URIRef, list[URIRef]] = {}
        for post, government in sorted(post_government.items()):
            self.posts_of.setdefault(government, []).append(post)

    def find(self, text: str, known: list[Match]) -> Found:
        """The new entities and their matches (none overlaps a match of a known entity of the
        same kind)."""
        found = Found()
        governments: dict[str, NewEntity] = {}
        self._governments(text, known, found, governments)
        self._cities_in_countries(text, known, found, governments)
        self._posts(text, known, found, governments)
        self._standalone(text, known, found, governments)
        _merge_people(found)
        return found

    def _standalone(
        self, text: str, known: list[Match], found: Found, governments: dict[str, NewEntity]
    ) -> None:
        """A new government's name on its own ("Provinsi Jawa Barat") names its place."""
        for government in governments.values():
            place = next(
                target for predicate, target in government.links if predicate == CP.governs
            )
            entity = found.entities.get(place)
            entry = Entry(place, "place", entity.label if entity else government.label)
            pattern = rf"(?<![\w'’]){re.escape(government.label)}(?![\w'’])"
            for m in re.finditer(pattern, text):
                taken = [*known, *found.matches]
                if any(k.start < m.end() and m.start() < k.end for k in taken):
                    continue
                found.matches.append(Match((entry,), m.start(), m.end(), m.group(0)))

    # --- governments --------------------------------------------------------------------------

    def _cities_in_countries(
        self, text: str, known: list[Match], found: Found, names: dict[str, NewEntity]
    ) -> None:
        """ "with Georgetown, Malaysia": a name the graph does not know, before a country."""
        for country in (m for m in known if m.of_kind("country")):
            before = re.search(
                rf"(?P<name>{_NAME}),[ ]*$", text[max(0, country.start - 50) : country.start]
            )
            if before is None:
                continue
            name = _clean(before.group("name"))
            start = (
                country.start
                - len(text[max(0, country.start - 50) : country.start])
                + before.start("name")
            )
            if normalise(name) in names or normalise(name.split()[0]) in _KIND_WORDS:
                continue
            if any(k.start < start + len(name) and start < k.end for k in [*known, *found.matches]):
                continue
            if self._known_government(name) is not None or _GLUED.search(name):
                continue
            government = self._new_government(name, False, found)
            names[normalise(name)] = government
            found.match(government, start, start + len(name), text)

    def _governments(
        self, text: str, known: list[Match], found: Found, names: dict[str, NewEntity]
    ) -> None:
        candidates: list[tuple[str, bool, re.Match[str]]] = []
        for pattern in (_GOV_BEFORE, _GOV_AND, _GOV_AFTER, _KOREAN, _WITH_CITY):
            for m in pattern.finditer(text):
                name = _clean(m.group("name"))
                kind = m.group("kind")
                if normalise(name.split()[0]) in _KIND_WORDS:
                    continue
                if _covered(known, m.start(), m.end(), "government"):
                    continue
                if self._known_government(name) is not None:
                    continue
                # "Friendship City", "Green Smart City", "Kantor Municipality": a name must
                # also stand on its own; "DenpasarWalikota" is two words glued by a scraper.
                if pattern in (_GOV_BEFORE, _GOV_AND) and kind != "Kota":
                    # The kind is written out ("Provinsi Fujian Lin Ruiliang"): the name is as
                    # much of what follows as the article also writes as a name of its own.
                    name = _name_as_written(text, name)
                alone = (
                    pattern in (_KOREAN, _WITH_CITY)
                    or (pattern in (_GOV_BEFORE, _GOV_AND) and kind != "Kota")
                    or _stands_alone(text, name)
                )
                if not alone and (variant := _spelled_otherwise(text, name)):
                    # "Shantau City" in an article that otherwise writes Shantou
                    name, alone = variant, True
                if not alone or _GLUED.search(name):
                    continue
                candidates.append((name, bool(_REGIONAL.search(kind)), m))
        # Full names first, so that "Pemprov Jabar" is the government of "Jawa Barat".
        candidates = [
            (full, r, m)
            for n, r, m in candidates
            if self._known_government(full := _fuller_name(text, n)) is None
        ]
        for name, regional, m in sorted(candidates, key=lambda c: (-len(c[0]), c[2].start())):
            government = names.get(normalise(name)) or next(
                (g for full, g in names.items() if _abbreviates(normalise(name), full)), None
            )
            if government is None:
                government = self._new_government(name, regional, found)
                names[normalise(name)] = government
            start = m.start("name") if m.re in (_WITH_CITY, _GOV_AND) else m.start()
            found.match(government, start, m.end(), text)

    def _known_government(self, name: str) -> URIRef | None:
        for m in self.gazetteer.find(name):
            if m.start == 0 and m.end == len(name):
                if govs := m.of_kind("government"):
                    return govs[0]
                for place in m.of_kind("place"):
                    if place in self.government_of_place:
                        return self.government_of_place[place]
        return None

    def _known_place(self, name: str) -> URIRef | None:
        for m in self.gazetteer.find(name):
            if m.start == 0 and m.end == len(name) and (places := m.of_kind("place")):
                return places[0]
        return None

    def _new_government(self, name: str, regional: bool, found: Found) -> NewEntity:
        slug = slugify(name)
        place_iri = self._known_place(name)
        if place_iri is None:
            kind = "region" if regional else "city"
            place = found.add(
                NewEntity(
                    URIRef(entity_iri(kind, slug)),
                    "place",
                    CP.Region if regional else CP.City,
                    name,
                )
            )
            place_iri = place.iri
        government = found.add(
            NewEntity(
                URIRef(entity_iri("government", slug)),
                "government",
                CP.LocalGovernment,
                name,
                [(CP.governs, place_iri)],
            )
        )
        found.government_of_place[place_iri] = government.iri
        return government

    # --- posts and the people in them ---------------------------------------------------------

    def _posts(
        self, text: str, known: list[Match], found: Found, governments: dict[str, NewEntity]
    ) -> None:
        for m in _TITLE_RE.finditer(text):
            title_text = m.group("title")
            title = _TITLES[normalise(re.sub(r"\s+", " ", title_text))]
            # Title first: "Gubernur Jawa Barat Dedi Mulyadi".
            after = re.match(
                rf"[ ]+(?P<seq>{_NAME_WORD}(?:[ ]+{_NAME_WORD}){{0,7}})",
                text[m.end() : m.end() + 120],
            )
            if after and title_text[0].isupper():
                seq_start = m.end() + after.start("seq")
                words = after.group("seq").split()
                for size in range(len(words), 0, -1):
                    name = _clean(" ".join(words[:size]))
                    government = self._government_named(name, governments)
                    if government is not None:
                        end = text.find(name, seq_start) + len(name)
                        self._post(
                            text,
                            (m.start(), end),
                            government,
                            name,
                            title,
                            f"{title_text} {name}",
                            known,
                            found,
                        )
                        break
                else:
                    new_name = self._new_name_after_title(text, seq_start, words, known)
                    if new_name is not None:
                        name = new_name
                        # "Bupati Klaten Hamenang Wajar Ismoyo" in an article that also writes
                        # "Klaten" on its own: Klaten's new government.
                        new_government = self._new_government(name, title == "governor", found)
                        governments[normalise(name)] = new_government
                        self._post(
                            text,
                            (m.start(), seq_start + len(name)),
                            new_government.iri,
                            name,
                            title,
                            f"{title_text} {name}",
                            known,
                            found,
                        )
                    else:
                        # "Mayor Adam Yii said": a person whose government the article leaves
                        # to the reader; the person is proposed, the post is not guessed.
                        self._person_after(text, m.end(), known, found)
            # Title after the government's name: "Tai'an Municipal secretary Yang Hong Tao".
            window = text[max(0, m.start() - 60) : m.start()]
            if before := re.search(rf"(?P<name>{_NAME})[ ]+$", window):
                name = _clean(before.group("name"))
                government = self._government_named(name, governments)
                start = m.start() - len(window) + before.start()
                english = normalise(title_text) in _ENGLISH_TITLES
                if (
                    government is None
                    and english
                    and self._may_name_government(text, name, known, start)
                ):
                    # "Taipei Mayor Hau Lung-bin", "Johor Bahru Mayor, Burhan Amin"
                    new_government = self._new_government(name, title == "governor", found)
                    governments[normalise(name)] = new_government
                    government = new_government.iri
                if government is not None:
                    self._post(
                        text,
                        (start, m.end()),
                        government,
                        name,
                        title,
                        f"{name} {title_text}",
                        known,
                        found,
                    )

    def _post(  # noqa: PLR0913
        self,
        text: str,
        span: tuple[int, int],
        government: URIRef,
        name: str,
        title: str,
        label: str,
        known: list[Match],
        found: Found,
    ) -> None:
        """The post a title and government name (a known one, else a new one), and the new
        person named right after it."""
        start, end = span
        if not _covered(known, start, end, "post"):
            existing = self._existing_post(government, title)
            if existing is not None:
                entry = Entry(existing, "post", label)
                found.matches.append(Match((entry,), start, end, text[start:end]))
            else:
                post = found.add(
                    NewEntity(
                        URIRef(
                            entity_iri("post", f"{title}-of-{str(government).rsplit('/', 1)[-1]}")
                        ),
                        "post",
                        CP.Post,
                        " ".join(label.split()),
                        [(CP.postIn, government)],
                    )
                )
                found.post_government[post.iri] = government
                found.match(post, start, end, text)
        self._person_after(text, end, known, found)

    def _new_name_after_title(
        self, text: str, start: int, words: list[str], known: list[Match]
    ) -> str | None:
        """The first one or two of the capitalised words after a title, when a person's name
        follows them and the article writes them elsewhere on their own."""
        for size in (1, 2):
            if len(words) < size + 2:
                break
            name = _clean(" ".join(words[:size]))
            if name != " ".join(words[:size]):
                break  # "Bupati Klaten, Hamenang ...": the comma ends the name
            if self._may_name_government(text, name, known, start):
                return name
        return None

    def _may_name_government(self, text: str, name: str, known: list[Match], start: int) -> bool:
        """Whether the words before an English title ("Taipei Mayor") can be a new government's
        name: not a title or an honorific, not known as something else, and standing alone
        elsewhere in the text."""
        words = [normalise(w) for w in name.split()]
        if any(w in _TITLE_WORDS or w in _KIND_WORDS for w in words) or HONORIFIC.match(name + " "):
            return False
        if any(k.start < start + len(name) and start < k.end for k in known):
            return False
        elsewhere = text[:start] + " " * len(name) + text[start + len(name) :]
        return _stands_alone(elsewhere, name) and not _GLUED.search(name)

    def _existing_post(self, government: URIRef, title: str) -> URIRef | None:
        """A post of a known government with this title (its labels name the title)."""
        for post in self.posts_of.get(government, []):
            for label in self.gazetteer.labels.get(post, {}).values():
                if _title_of(label) == title:
                    return post
        return None

    def _government_named(self, name: str, governments: dict[str, NewEntity]) -> URIRef | None:
        """A known or new government by its name ("Kabupaten Klaten" is Klaten's)."""
        words = name.split()
        while len(words) > 1 and normalise(words[0]) in _KIND_WORDS:
            words = words[1:]
        name = " ".join(words)
        if (new := governments.get(normalise(name))) is not None:
            return new.iri
        return self._known_government(name)

    def _person_after(
        self,
        text: str,
        position: int,
        known: list[Match],
        found: Found,
    ) -> None:
        rest = text[position : position + 100]
        lead = re.match(r"[ ,]{0,3}", rest)
        offset = lead.end() if lead else 0
        honorific = HONORIFIC.match(rest[offset:])
        if honorific:
            offset += honorific.end()
        m = _PERSON.match(rest[offset:])
        if m is None:
            return
        name = _clean(m.group("name"))
        first = normalise(name.split()[0])
        if first in _NOT_PERSON or first in _KIND_WORDS:
            return
        start = position + offset + m.start("name")
        end = start + len(name)
        if any(k.start < end and start < k.end for k in [*known, *found.matches]):
            return
        person = found.add(
            NewEntity(URIRef(entity_iri("person", slugify(name))), "person", CP.Person, name)
        )
        found.match(person, start, end, text)


_ALIAS = re.compile(r"\s*\((?P<alias>[A-Z][A-Za-z0-9-]{1,15})\)")


def with_aliases(text: str, matches: list[Match]) -> list[Match]:
    """The matches and, for a government, place or organization followed by a short name in
    brackets ("Chungcheongnam-do (Chungnam)", "Kuching South City Council (MBKS)"), every
    other mention of that short name in the article."""
    out = list(matches)
    for m in matches:
        if not m.kinds & {"government", "place", "organization"}:
            continue
        alias = _ALIAS.match(text, m.end)
        if alias is None:
            continue
        name = alias.group("alias")
        for other in re.finditer(rf"(?<![\w'’]){re.escape(name)}(?![\w'’])", text):
            if other.start() == alias.start("alias"):
                continue
            if any(k.start < other.end() and other.start() < k.end for k in out):
                continue
            out.append(Match(m.entries, other.start(), other.end(), name))
    return sorted(out, key=lambda m: m.start)


def _merge_people(found: Found) -> None:
    """One new person for the forms of one name an article uses: "IB Rai Dharmawijaya Mantra"
    and "Ida Bagus Rai Dharmawijaya Mantra", "Hong Tao" and "Yang Hong Tao"."""
    people = sorted(
        (e for e in found.entities.values() if e.kind == "person"),
        key=lambda e: -len(e.label.split()),
    )
    same: dict[URIRef, NewEntity] = {}
    for short in people:
        for long in people:
            if long is short or long.iri in same:
                continue
            if len(long.label.split()) > len(short.label.split()) and same_person(
                short.label, long.label
            ):
                same[short.iri] = long
                break
    if not same:
        return
    for i, m in enumerate(found.matches):
        if any(e.iri in same for e in m.entries):
            entries = tuple(
                Entry(same[e.iri].iri, e.kind, same[e.iri].label) if e.iri in same else e
                for e in m.entries
            )
            found.matches[i] = Match(entries, m.start, m.end, m.text)
    for iri in same:
        del found.entities[iri]


def same_person(short: str, long: str) -> bool:
    """Whether ``short`` is a shorter form of the name ``long``: its last two words, and before
    them words of the longer name or their initials ("IB" for "Ida Bagus")."""
    s, full = short.split(), long.split()
    if len(s) < 2 or [w.casefold() for w in s[-2:]] != [w.casefold() for w in full[-2:]]:
        return False
    rest = full[:-2]
    i = len(rest)
    for token in reversed(s[:-2]):
        if i > 0 and token.casefold() == rest[i - 1].casefold():
            i -= 1
            continue
        k = len(token)
        if token.isupper() and k <= i and "".join(w[0] for w in rest[i - k : i]).upper() == token:
            i -= k
            continue
        return False
    return True


def _fuller_name(text: str, name: str) -> str:
    """The name as the article mostly writes it: "Pemerintah Kota Mossel" in an article that
    otherwise writes "Mossel Bay" is Mossel Bay's government."""
    pattern = rf"(?<![\w'’]){re.escape(name)}(?![\w'’])(?:[ ]+(?P<next>[A-Z][\w'’-]*))?"
    following = [m.group("next") for m in re.finditer(pattern, text)]
    bare = sum(1 for word in following if word is None)
    counts = {w: following.count(w) for w in following if w is not None}
    if counts:
        word, count = max(counts.items(), key=lambda item: item[1])
        if (
            count >= 2
            and count > bare
            and word not in _NOT_NAME_CONTINUATION
            and normalise(word) not in _TITLE_WORDS
        ):
            return f"{name} {word}"
    return name


# Words that follow a place's name without being part of it.
_NOT_NAME_CONTINUATION = {"City", "Council", "Province", "Provinsi", "Mayor", "Governor", "The"}


def _abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` is made of the beginnings of ``full``'s words, in order, as Indonesian
    abbreviates names: "jabar" for "jawa barat", "jateng" for "jawa tengah"."""
    words = full.split()
    if len(words) < 2 or " " in short:
        return False

    def fits(rest: str, index: int) -> bool:
        if not rest:
            return index == len(words)
        if index == len(words):
            return False
        word = words[index]
        return any(
            rest.startswith(word[:size]) and fits(rest[size:], index + 1)
            for size in range(min(len(word), len(rest)), 1, -1)
        )

    return fits(short, 0)


def _title_of(label: str) -> str | None:
    """The (English) title a post's label names, by its longest title word."""
    norm = normalise(label)
    named = [t for t in _TITLES if re.search(rf"\b{re.escape(t)}\b", norm)]
    return _TITLES[max(named, key=len)] if named else None


def _covered(matches: list[Match], start: int, end: int, kind: str) -> bool:
    """Whether a known entity of ``kind`` is named within this span."""
    return any(start <= m.start and m.end <= end and kind in m.kinds for m in matches) or any(
        m.start <= start and end <= m.end and kind in m.kinds for m in matches
    )


def _name_as_written(text: str, name: str) -> str:
    """The shortest beginning of ``name`` that the text also ends a name with (followed by
    anything but another capitalised word): "Nanjing Republik Rakyat Cina" → "Nanjing" when the
    article also writes "Kabupaten Nanjing sebagai"; "Jawa Barat", never "Jawa"."""
    words = name.split()
    for size in range(1, len(words) + 1):
        part = " ".join(words[:size])
        pattern = rf"(?<![\w'’-]){re.escape(part)}(?![\w'’-])(?![ ]+[A-Z])"
        if re.search(pattern, text):
            return part
    return words[0]


def _spelled_otherwise(text: str, name: str) -> str | None:
    """The spelling of a one-word name that differs from it by one letter and stands alone in
    the text, if there is exactly one such spelling (a typo the article makes once)."""
    if " " in name or len(name) < 5:
        return None
    words = {w for w in re.findall(r"(?<![\w'’-])[A-Z][a-z]+(?![\w'’-])", text)}
    variants = [
        w
        for w in words
        if w != name
        and len(w) == len(name)
        and sum(a != b for a, b in zip(w, name, strict=True)) == 1
        and _stands_alone(text, w)
    ]
    return variants[0] if len(variants) == 1 else None


def _stands_alone(text: str, name: str) -> bool:
    """Whether ``name`` occurs in the text other than as part of a government's name
    ("Pemerintah Kota X", "X City Council")."""
    for m in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])", text, re.I):
        before = text[max(0, m.start() - 30) : m.start()]
        after = text[m.end() : m.end() + 30]
        if not (_KIND_BEFORE.search(before) or _KIND_AFTER.match(after)):
            return True
    return False


_KIND_BEFORE = re.compile(_GOV_BEFORE.pattern.split(r"\s+(?P<name>")[0] + r"\s+$")
_KIND_AFTER = re.compile(r"\s+(?:City|Municipal|Municipality|Provincial|Metropolitan)\b", re.I)


def dateline_place(dateline: list[str], gazetteer: Gazetteer) -> tuple[URIRef | None, str | None]:
    """The place of a dateline (``KUCHING``, ``BANDUNG``): a place of the graph, or the name of
    a new city (in title case) when the part is a bare name in capitals."""
    for part in dateline:
        for m in gazetteer.find(part):
            if m.start == 0 and m.end == len(part) and (places := m.of_kind("place")):
                return places[0], None
    for part in dateline:
        if re.fullmatch(r"[A-Z][A-Z '’-]{2,40}", part) and part.isupper():
            return None, part.title()
    return None, None
