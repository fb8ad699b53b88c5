"""Governments, posts, people and places an article names that the graph does not hold yet.

The graph's own names find the entities it knows (gazetteer.py). News also names others, in a
few regular forms, and these are proposed as new entities (marked for review):

- a government by its kind and name: ``Pemerintah Provinsi Jawa Barat``, ``Pemkot Surabaya``,
  ``Kabupaten Nanjing``, ``Pemerintah Kota Denpasar dan Mossel Bay`` (two governments of one
  kind); ``Tai'an City`` or ``Penang City Council`` when the name also stands alone elsewhere in
  the article (so not ``Friendship City``); Korean names with their kind (``Gochang-gun``); a
  partner "with Wei Hai city"; a name before a country ("Georgetown, Malaysia");
- a post by its title and its government, title first as Indonesian and Malay write it
  (``Gubernur Jawa Barat``) or after the name in English (``Tai'an Municipal secretary``,
  ``Taipei Mayor``: the government is new if the name stands alone elsewhere), and the person
  named right after it (``Gubernur Jawa Barat Dedi Mulyadi``); a person after a post the graph
  knows, or after a bare title ("Mayor Adam Yii");
- the city of a dateline (``BANDUNG--``), found by ``dateline_place``.

Each new government governs a new place (a region for provincial governments, else a city)
unless the graph knows a place by that name; each new post belongs to its government. The forms
in which one article writes one name are reconciled by name_forms.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.term import Node

from citypact.curation.importing.reconcile import slugify
from citypact.extraction.entity_patterns import (
    _CITY_OF,
    _CITY_PART,
    _ENGLISH_TITLES,
    _GOV_AFTER,
    _GOV_AND,
    _GOV_BEFORE,
    _KIND_WORDS,
    _KOREAN,
    _NAME,
    _NAME_WORD,
    _NOT_PERSON,
    _NOT_PLACE_NAMES,
    _PERSON,
    _REGIONAL,
    _STRONG_KIND,
    _TITLE_RE,
    _TITLE_WORDS,
    _TITLES,
    _WITH_CITY,
    _WORLD_PATTERNS,
    HONORIFIC,
)
from citypact.extraction.gazetteer import Entry, Gazetteer, Match, normalise
from citypact.extraction.name_forms import (
    GLUED,
    abbreviates,
    clean_name,
    fuller_name,
    name_as_written,
    same_person,
    spelled_otherwise,
    stands_alone,
)
from citypact.extraction.place_resolution import PlaceResolver
from citypact.namespaces import CP, entity_iri


@dataclass
class NewEntity:
    """An entity to propose: its kind, class, name and links to other entities."""

    iri: URIRef
    kind: str
    cls: URIRef
    label: str
    links: list[tuple[URIRef, Node]] = field(default_factory=list)


@dataclass
class Found:
    """The new entities of one article and the matches that name them."""

    entities: dict[URIRef, NewEntity] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)

    @property
    def post_government(self) -> dict[URIRef, URIRef]:
        """The government of each new post."""
        return self._linked(CP.postIn)

    @property
    def government_of_place(self) -> dict[URIRef, URIRef]:
        """The new government of each place a new government governs."""
        return {place: gov for gov, place in self._linked(CP.governs).items()}

    def _linked(self, predicate: URIRef) -> dict[URIRef, URIRef]:
        return {
            e.iri: target
            for e in self.entities.values()
            for p, target in e.links
            if p == predicate and isinstance(target, URIRef)
        }

    def add(self, entity: NewEntity) -> NewEntity:
        return self.entities.setdefault(entity.iri, entity)

    def match(self, entity: NewEntity, start: int, end: int, text: str) -> None:
        entry = Entry(entity.iri, entity.kind, entity.label)
        self.matches.append(Match((entry,), start, end, text[start:end]))


class NewEntityFinder:
    """Finds the new entities of one text, given the gazetteer's matches in it."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        government_of_place: dict[URIRef, URIRef],
        post_government: dict[URIRef, URIRef],
        resolver: PlaceResolver | None = None,
    ) -> None:
        self.gazetteer = gazetteer
        self.government_of_place = government_of_place
        self.resolver = resolver or PlaceResolver(gazetteer, government_of_place, {}, None)
        self.title = ""
        self.aliases: dict[str, URIRef] = {}
        self.posts_of: dict[URIRef, list[URIRef]] = {}
        for post, government in sorted(post_government.items()):
            self.posts_of.setdefault(government, []).append(post)

    def find(self, text: str, known: list[Match], title: str = "") -> Found:
        """The new entities and their matches (none overlaps a match of a known entity of the
        same kind). The article's title counts where a name must stand alone elsewhere
        ("Mandaue, Cauayan ink sisterhood agreement")."""
        self.title = title
        found = Found()
        governments: dict[str, NewEntity] = {}
        self._governments(text, known, found, governments)
        self._cities_in_countries(text, known, found, governments)
        self.aliases = _short_names(text, [*known, *found.matches])
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
                target
                for predicate, target in government.links
                if predicate == CP.governs and isinstance(target, URIRef)
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
            name = clean_name(before.group("name"))
            start = (
                country.start
                - len(text[max(0, country.start - 50) : country.start])
                + before.start("name")
            )
            if normalise(name) in names or normalise(name.split()[0]) in _KIND_WORDS:
                continue
            if any(k.start < start + len(name) and start < k.end for k in [*known, *found.matches]):
                continue
            if self._known_government(name) is not None or GLUED.search(name):
                continue
            government = self._new_government(name, False, found)
            names[normalise(name)] = government
            found.match(government, start, start + len(name), text)

    def _governments(
        self, text: str, known: list[Match], found: Found, names: dict[str, NewEntity]
    ) -> None:
        candidates: list[tuple[str, bool, re.Match[str]]] = []
        for pattern in (
            _GOV_BEFORE,
            _GOV_AND,
            _GOV_AFTER,
            _KOREAN,
            _WITH_CITY,
            _CITY_PART,
            *_WORLD_PATTERNS,
        ):
            for m in pattern.finditer(text):
                name = clean_name(m.group("name"))
                kind = m.group("kind")
                if normalise(name.split()[0]) in _KIND_WORDS:
                    continue
                if _covered(known, m.start(), m.end(), "government"):
                    continue
                if (known_gov := self._known_government(name)) is not None:
                    if not any(
                        k.start <= m.start("name") < k.end for k in [*known, *found.matches]
                    ):
                        # "Wei Hai city": the graph's Weihai under another name GeoNames gives
                        entry = Entry(known_gov, "government", name)
                        span = (m.start("name"), m.start("name") + len(name))
                        found.matches.append(Match((entry,), *span, text[span[0] : span[1]]))
                    continue
                if self._known_prefix(name):
                    continue
                # "Friendship City", "Green Smart City", "Kantor Municipality": a name must
                # also stand on its own; "DenpasarWalikota" is two words glued by a scraper.
                if pattern in (_GOV_BEFORE, _GOV_AND) and kind != "Kota":
                    # The kind is written out ("Provinsi Fujian Lin Ruiliang"): the name is as
                    # much of what follows as the article also writes as a name of its own.
                    name = name_as_written(text, name)
                world = self.resolver.world_place(name, bool(_REGIONAL.search(kind)))
                if pattern in _WORLD_PATTERNS and world is None:
                    continue  # "the city of" anything: only a place the world knows
                if normalise(name) in _NOT_PLACE_NAMES:
                    continue  # "kota kembar", "Friendship City": what a tie is, not a place
                alone = (
                    pattern in (_KOREAN, _WITH_CITY, _CITY_PART, *_WORLD_PATTERNS)
                    or (pattern in (_GOV_BEFORE, _GOV_AND) and kind != "Kota")
                    or (pattern is _GOV_AFTER and bool(_STRONG_KIND.search(kind)))
                    or world is not None
                    or stands_alone(f"{text}\n{self.title}", name)
                )
                if not alone and (variant := spelled_otherwise(text, name)):
                    # "Shantau City" in an article that otherwise writes Shantou
                    name, alone = variant, True
                if not alone or GLUED.search(name):
                    continue
                candidates.append((name, bool(_REGIONAL.search(kind)), m))
        # Full names first, so that "Pemprov Jabar" is the government of "Jawa Barat".
        candidates = [
            (full, r, m)
            for n, r, m in candidates
            if self._known_government(full := fuller_name(text, n, _TITLE_WORDS)) is None
        ]
        for name, regional, m in sorted(candidates, key=lambda c: (-len(c[0]), c[2].start())):
            government = names.get(normalise(name)) or next(
                (g for full, g in names.items() if abbreviates(normalise(name), full)), None
            )
            if government is None:
                government = self._new_government(name, regional, found)
                names[normalise(name)] = government
            start = m.start("name") if m.re in (_WITH_CITY, _GOV_AND, _CITY_OF) else m.start()
            found.match(government, start, m.end(), text)

    def _known_prefix(self, name: str) -> bool:
        """Whether the name's first words are a government or place the graph knows, and the
        rest is no part of a place's name ("Denpasar I Gusti Ngurah" is Denpasar and a
        person)."""
        words = name.split()
        for size in range(len(words) - 1, 0, -1):
            rest = words[size]
            if rest in ("City", "Province", "Regency", "Municipal", "North", "South", "East"):
                return False
            if self._known_government(" ".join(words[:size])) is not None:
                return True
        return False

    def _known_government(self, name: str) -> URIRef | None:
        """The government the graph knows by this name, or as governing the place so named
        (also under another name GeoNames gives the place: "Wei Hai" for Weihai)."""
        return self.resolver.known_government(name)

    def _new_government(self, name: str, regional: bool, found: Found) -> NewEntity:
        place_iri = self.resolver.known_place(name)
        if place_iri is None:
            # A place the world gazetteer knows takes its name there ("Tangerang Selatan" is
            # South Tangerang) and its identifiers.
            new_place = self.resolver.new_place(name, regional)
            name = new_place.name
            kind = "region" if regional else "city"
            place = found.add(
                NewEntity(
                    URIRef(entity_iri(kind, slugify(name))),
                    "place",
                    CP.Region if regional else CP.City,
                    name,
                    list(new_place.links),
                )
            )
            place_iri = place.iri
        slug = slugify(name)
        government = found.add(
            NewEntity(
                URIRef(entity_iri("government", slug)),
                "government",
                CP.LocalGovernment,
                name,
                [(CP.governs, place_iri)],
            )
        )
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
                rf"[ ]+(?P<of>of[ ]+(?:the[ ]+)?)?(?P<seq>{_NAME_WORD}(?:[ ]+{_NAME_WORD}){{0,7}})",
                text[m.end() : m.end() + 120],
            )
            english_of = (
                bool(after and after.group("of")) and normalise(title_text) in _ENGLISH_TITLES
            )
            if after and (title_text[0].isupper() or english_of):
                seq_start = m.end() + after.start("seq")
                words = after.group("seq").split()
                for size in range(len(words), 0, -1):
                    name = clean_name(" ".join(words[:size]))
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
                name = clean_name(before.group("name"))
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
            name = clean_name(" ".join(words[:size]))
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
        return stands_alone(f"{elsewhere}\n{self.title}", name) and not GLUED.search(name)

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
        # "Mandaue City Mayor": the government of Mandaue; "Yibin Municipal People's Government"
        name = _KIND_TAIL.sub("", " ".join(words)).strip() or " ".join(words)
        words = name.split()
        while len(words) > 1 and words[-1] in ("City", "Municipal", "Municipality"):
            words = words[:-1]
        name = " ".join(words)
        if (new := governments.get(normalise(name))) is not None:
            return new.iri
        if (aliased := self.aliases.get(name)) is not None:
            return aliased  # "MPP chairman Tan Kai" after "Padawan Municipal Council (MPP)"
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
        name = clean_name(m.group("name"))
        first = normalise(name.split()[0])
        if first in _NOT_PERSON or first in _KIND_WORDS:
            return
        start = position + offset + m.start("name")
        end = start + len(name)
        # A known place within a person's name ("Tan Kai", Kai a place) does not stop it.
        blocking = [k for k in known if k.kinds - {"place"}] + found.matches
        if any(k.start < end and start < k.end for k in blocking):
            return
        person = found.add(
            NewEntity(URIRef(entity_iri("person", slugify(name))), "person", CP.Person, name)
        )
        found.match(person, start, end, text)


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


def dateline_place(dateline: list[str], gazetteer: Gazetteer) -> tuple[URIRef | None, str | None]:
    """The place of a dateline (``KUCHING``, ``BANDUNG``): a place of the graph, or the name of
    a new city (in title case) when the part is a bare name in capitals."""
    for part in dateline:
        if (m := gazetteer.whole(part)) and (places := m.of_kind("place")):
            return places[0], None
    for part in dateline:
        if re.fullmatch(r"[A-Z][A-Z '’-]{2,40}", part) and part.isupper():
            return None, part.title()
    return None, None


_KIND_TAIL = re.compile(
    r"\s+(?:Municipal\s+People['’]s\s+Government|People['’]s\s+Government|Municipal\s+Government|"
    r"City\s+Government|City\s+Council|Municipal\s+Council|City\s+Hall)$"
)
_SHORT = re.compile(r"\s*\((?P<alias>[A-Z][A-Za-z]{1,7})\)")


def _short_names(text: str, matches: list[Match]) -> dict[str, URIRef]:
    """Short names in brackets after a government ("Padawan Municipal Council (MPP)")."""
    out: dict[str, URIRef] = {}
    for m in matches:
        if (govs := m.of_kind("government")) and (alias := _SHORT.match(text, m.end)):
            out.setdefault(alias.group("alias"), govs[0])
    return out
