"""The generator: places and their officials, outlets, partnerships, agreements, signatures
and commitments, written in one pass (:func:`generate`).
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from citypact.generator.config import (
    DATASET_IRI,
    FIRST_AGREEMENT,
    FIRST_TENURE,
    LAST_AGREEMENT,
    GeneratorConfig,
)
from citypact.generator.model import Outlet, Place, Tenure, Vocabulary
from citypact.generator.sampling import Slugs, ZipfSampler, add_years, power_law_count, weighted
from citypact.generator.turtle import (
    Stats,
    TurtleWriter,
    literal,
    long_date,
    ref,
    slugify,
    xsd_date,
)
from citypact.generator.world import (
    COUNTRIES,
    DOC_ABBREVIATIONS,
    FIRST_DOC_WEIGHTS,
    LATER_DOC_WEIGHTS,
    OUTLET_NAMES,
    PARTNERSHIP_TYPES,
    PERSON_PARTS,
    PLACE_PARTS,
    STATUSES,
    Country,
)


class Generator:
    """Generates one synthetic dataset; call :meth:`write` once."""

    def __init__(self, config: GeneratorConfig, vocabulary: Vocabulary | None = None) -> None:
        self.config = config
        self.vocab = vocabulary or Vocabulary.bundled()
        self.rng = random.Random(config.seed)  # noqa: S311 - reproducible, not secret
        self.slugs = Slugs()
        self.places: list[Place] = []
        self.outlets: dict[str, list[Outlet]] = {}
        self.url_counter = itertools.count(1)
        self.person_names: dict[str, str] = {}
        self.regions_by_country: dict[str, list[Place]] = {}
        sector_order = list(range(len(self.vocab.sectors)))
        self.rng.shuffle(sector_order)
        self.sector_weights = [0.0] * len(sector_order)
        for rank, index in enumerate(sector_order):
            self.sector_weights[index] = 1.0 / (rank + 1) ** 0.8

    # names ----------------------------------------------------------------------------------------

    def place_name(self, style: str) -> str:
        """An invented place name in a country's style."""
        first, second, joiner = PLACE_PARTS[style]
        return f"{self.rng.choice(first)}{joiner}{self.rng.choice(second)}".replace("- ", "-")

    def person_name(self, style: str) -> str:
        """An invented personal name in a country's style."""
        given, family = PERSON_PARTS[style]
        if style in ("ko", "zh", "vi"):
            return f"{self.rng.choice(family)} {self.rng.choice(given)}"
        if style == "ms" and self.rng.random() < 0.6:
            link = "bin" if self.rng.random() < 0.5 else "binti"
            return f"{self.rng.choice(given)} {link} {self.rng.choice(family)}"
        return f"{self.rng.choice(given)} {self.rng.choice(family)}"

    # places, governments, officials ---------------------------------------------------------------

    def make_places(self) -> None:
        """Cities and provinces, each with its government, head post and tenures."""
        cfg = self.config
        weights = [c.weight for c in COUNTRIES]
        provinces = max(1, round(cfg.cities * cfg.provinces_per_city))
        for kind, count in (("region", provinces), ("city", cfg.cities)):
            for _ in range(count):
                country = self.rng.choices(COUNTRIES, weights=weights)[0]
                name = self.place_name(country.style)
                slug = self.slugs.unique("place", slugify(name))
                self.places.append(Place(kind, slug, name, country))
        for place in self.places:
            self.make_officials(place)

    def make_officials(self, place: Place) -> None:
        """The place's government, head post and an unbroken chain of tenures to today."""
        head = "Governor" if place.kind == "region" else "Mayor"
        place.government = place.slug
        place.post = slugify(f"{head} of {place.slug}")
        place.post_title = f"{head} of {place.name}"
        start = FIRST_TENURE + timedelta(days=self.rng.randrange(0, 4 * 365))
        start = min(start, FIRST_AGREEMENT)
        while start <= LAST_AGREEMENT:
            years = 10 if self.rng.random() < 0.3 else 5
            end = add_years(start, years) - timedelta(days=1)
            name = self.person_name(place.country.style)
            person = self.slugs.unique("person", slugify(name))
            self.person_names[person] = name
            slug = self.slugs.unique("tenure", f"{person}-{place.post}-{start.year}")
            place.tenures.append(Tenure(slug, person, start, end))
            start = end + timedelta(days=1)
        place.tenures[-1].end = None

    def make_outlets(self) -> None:
        """A few news outlets per language."""
        names = ("Nusantara", "Metro", "Kota", "Rakyat", "Pagi", "Global", "Asia", "Daily")
        for lang, patterns in OUTLET_NAMES.items():
            outlets = []
            for pattern, name in itertools.product(patterns, names[:3]):
                title = pattern.format(name)
                slug = slugify(title)
                outlets.append(Outlet(slug, title, lang, f"{slug}.example"))
            self.outlets[lang] = outlets

    # writing places -------------------------------------------------------------------------------

    def write_countries(self, w: TurtleWriter) -> None:
        """The countries (real ones, with their real Wikidata items)."""
        w.section("countries")
        for c in COUNTRIES:
            pairs = [
                ("a", "cp:Country"),
                ("rdfs:label", literal(c.en, "en")),
                ("rdfs:label", literal(c.id, "id")),
                ("rdfs:label", literal(c.ms, "ms")),
                ("cp:isoCode", literal(c.iso)),
                ("cp:wikidataItem", f"wd:{c.wikidata}"),
            ]
            w.block(ref("country", c.slug), "country", pairs)

    def write_outlets(self, w: TurtleWriter) -> None:
        """The news outlets that publish the sources."""
        w.section("news outlets")
        for outlet in itertools.chain.from_iterable(self.outlets.values()):
            pairs = [("a", "cp:Organization"), ("rdfs:label", literal(outlet.name, "en"))]
            pairs.append(("schema:url", f"<https://{outlet.domain}/>"))
            w.block(ref("organization", outlet.slug), "organization", pairs)

    def write_place(self, w: TurtleWriter, place: Place, index: int) -> None:
        """A place with its geometry, government, post, officials, tenures and their source."""
        c = place.country
        kind = "region" if place.kind == "region" else "city"
        second = "ms" if c.style == "ms" else "id"
        if place.kind == "region":
            types = "cp:Province"
            labels = [(place.name, "en"), (f"Provinsi {place.name}", "id")]
            if second == "ms":
                labels.append((f"Negeri {place.name}", "ms"))
        else:
            types = "cp:City"
            local = f"Bandar Raya {place.name}" if second == "ms" else f"Kota {place.name}"
            labels = [(place.name, "en"), (local, second)]
        pairs = [("a", types)] + [("rdfs:label", literal(t, lg)) for t, lg in labels]
        pairs.append(("cp:country", ref("country", c.slug)))
        if place.kind == "city" and self.rng.random() < 0.6:
            region = self.region_in(c)
            if region is not None:
                pairs.append(("cp:locatedIn", ref("region", region.slug)))
        if self.rng.random() < self.config.wikidata_share:
            pairs.append(("cp:wikidataItem", f"wd:Q{900_000_000 + index}"))
        pairs.append(("geo:hasGeometry", ref("geometry", place.slug)))
        w.block(ref(kind, place.slug), kind, pairs)
        lon = round(self.rng.uniform(*c.lon), 5)
        lat = round(self.rng.uniform(*c.lat), 5)
        wkt = f'"POINT({lon} {lat})"^^geo:wktLiteral'
        w.block(ref("geometry", place.slug), None, [("a", "geo:Geometry"), ("geo:asWKT", wkt)])
        self.write_government(w, place, kind)

    def region_in(self, country: Country) -> Place | None:
        """A random province of ``country``, if it has one."""
        regions = self.regions_by_country.get(country.slug)
        return self.rng.choice(regions) if regions else None

    def write_government(self, w: TurtleWriter, place: Place, kind: str) -> None:
        """The government of a place, its head post and the tenures of that post."""
        level = "Provincial Government" if place.kind == "region" else "City Government"
        level_id = "Pemerintah Provinsi" if place.kind == "region" else "Pemerintah Kota"
        pairs = [
            ("a", "cp:LocalGovernment"),
            ("rdfs:label", literal(f"{level} of {place.name}", "en")),
            ("rdfs:label", literal(f"{level_id} {place.name}", "id")),
            ("cp:governs", ref(kind, place.slug)),
        ]
        w.block(ref("government", place.government), "government", pairs)
        title_id = ("Gubernur " if place.kind == "region" else "Wali Kota ") + place.name
        pairs = [
            ("a", "cp:Post"),
            ("rdfs:label", literal(place.post_title, "en")),
            ("rdfs:label", literal(title_id, "id")),
            ("cp:postIn", ref("government", place.government)),
            ("cp:jurisdiction", ref(kind, place.slug)),
        ]
        w.block(ref("post", place.post), "post", pairs)
        source = self.write_officials_source(w, place)
        for tenure in place.tenures:
            self.write_tenure(w, place, tenure, source)

    def write_officials_source(self, w: TurtleWriter, place: Place) -> str:
        """The news article a place's tenures are read from (a profile of its heads)."""
        published = place.tenures[-1].start + timedelta(days=self.rng.randrange(1, 30))
        title_en = f"The heads of {place.name} since {place.tenures[0].start.year}"
        return self.write_source(w, place.country, published, title_en, place.name)

    def write_tenure(self, w: TurtleWriter, place: Place, tenure: Tenure, source: str) -> None:
        """One official and the tenure in which they held the place's head post."""
        name = self.person_label(tenure.person)
        person = [("a", "cp:Person"), ("rdfs:label", literal(name, "en"))]
        w.block(ref("person", tenure.person), "person", person)
        span = f"from {tenure.start.year}"
        if tenure.end is not None:
            span = f"{tenure.start.year}–{tenure.end.year}"
        pairs = [
            ("a", "cp:Tenure"),
            ("rdfs:label", literal(f"{name}, {place.post_title} ({span})", "en")),
            ("cp:holder", ref("person", tenure.person)),
            ("cp:post", ref("post", place.post)),
            ("cp:startDate", xsd_date(tenure.start)),
        ]
        if tenure.end is not None:
            pairs.append(("cp:endDate", xsd_date(tenure.end)))
        pairs.append(("prov:wasDerivedFrom", source))
        w.block(ref("tenure", tenure.slug), "tenure", pairs)

    def person_label(self, slug: str) -> str:
        """The display name of a generated person (kept when the person is made)."""
        return self.person_names[slug]

    # sources --------------------------------------------------------------------------------------

    def write_source(
        self, w: TurtleWriter, country: Country, published: date, title_en: str, topic: str
    ) -> str:
        """A news article from an outlet of the country's language; returns its reference."""
        lang = {"id": "id", "ms": "ms"}.get(country.style, "en")
        outlet = self.rng.choice(self.outlets[lang])
        number = next(self.url_counter)
        slug = f"{outlet.slug}-{published.isoformat()}-{number}"
        path = f"{published:%Y/%m/%d}/{slugify(topic)}-{number}"
        label_lang = "id" if lang == "id" else "en"
        pairs = [
            ("a", "cp:NewsArticle"),
            ("rdfs:label", literal(f"{outlet.name}: {title_en}", label_lang)),
            ("dcterms:date", xsd_date(published)),
            ("dcterms:language", f'"{lang}"^^xsd:language'),
            ("dcterms:publisher", ref("organization", outlet.slug)),
            ("schema:url", f"<https://{outlet.domain}/{path}>"),
        ]
        w.block(ref("source", slug), "source", pairs)
        return ref("source", slug)

    # partnerships and agreements ------------------------------------------------------------------

    def make_pairs(self) -> list[tuple[int, int]]:
        """Partner pairs (place indices), hubs drawn more often (Zipf), no repeats."""
        cfg = self.config
        n = len(self.places)
        wanted = max(1, round(cfg.agreements / cfg.agreements_per_partnership))
        wanted = min(wanted, cfg.agreements, n * (n - 1) // 2)
        sampler = ZipfSampler(self.rng, n, cfg.hub_exponent)
        pairs: dict[tuple[int, int], None] = {}
        attempts = 0
        while len(pairs) < wanted and attempts < wanted * 50:
            attempts += 1
            a, b = sampler.draw(), sampler.draw()
            if a != b:
                pairs.setdefault((min(a, b), max(a, b)), None)
        return list(pairs)

    def agreement_counts(self, partnerships: int) -> list[int]:
        """How many agreements each partnership gets (at least one; the total is as asked)."""
        counts = [1] * partnerships
        for _ in range(self.config.agreements - partnerships):
            counts[self.rng.randrange(partnerships)] += 1
        return counts

    def agreement_dates(self, count: int) -> list[date]:
        """Dates of a partnership's agreements, in order, none after LAST_AGREEMENT."""
        span = (LAST_AGREEMENT - FIRST_AGREEMENT).days
        day = FIRST_AGREEMENT + timedelta(days=self.rng.randrange(0, span - 30))
        dates = [day]
        for _ in range(count - 1):
            day = min(LAST_AGREEMENT, day + timedelta(days=self.rng.randrange(60, 1200)))
            dates.append(day)
        return dates

    def write_partnerships(self, w: TurtleWriter) -> None:
        """Every partnership with its agreements, signatures, commitments and sources."""
        pairs = self.make_pairs()
        counts = self.agreement_counts(len(pairs))
        types = [t for t, _, _ in PARTNERSHIP_TYPES]
        type_weights = [wt for _, _, wt in PARTNERSHIP_TYPES]
        w.section("partnerships, agreements, signatures, commitments and their sources")
        for (a, b), count in zip(pairs, counts, strict=True):
            ptype = self.rng.choices(types, weights=type_weights)[0]
            self.write_partnership(w, self.places[a], self.places[b], ptype, count)

    def write_partnership(
        self, w: TurtleWriter, first: Place, second: Place, ptype: str, count: int
    ) -> None:
        """One partnership and its ``count`` agreements."""
        slug = self.slugs.unique("partnership", f"{first.slug}-{second.slug}")
        dates = self.agreement_dates(count)
        previous: str | None = None
        sources: list[str] = []
        for number, day in enumerate(dates):
            agreement, source = self.write_agreement(w, slug, first, second, day, number, previous)
            previous = agreement
            sources.append(source)
        kind_label = next(label for t, label, _ in PARTNERSHIP_TYPES if t == ptype)
        pairs = [
            ("a", "cp:Partnership"),
            ("rdfs:label", literal(f"{first.name} – {second.name} {kind_label} partnership", "en")),
            ("cp:partner", ref("government", first.government)),
            ("cp:partner", ref("government", second.government)),
            ("cp:partnershipType", f"cp:{ptype}"),
            ("cp:startDate" if ptype == "SisterCity" else "cp:attestedOn", xsd_date(dates[0])),
            ("prov:wasDerivedFrom", sources[0]),
        ]
        w.block(ref("partnership", slug), "partnership", pairs)

    def write_agreement(
        self,
        w: TurtleWriter,
        partnership: str,
        first: Place,
        second: Place,
        day: date,
        number: int,
        previous: str | None,
    ) -> tuple[str, str]:
        """One agreement with its source, signatures and commitments; returns (ref, source)."""
        doc_weights = FIRST_DOC_WEIGHTS if number == 0 else LATER_DOC_WEIGHTS
        known = {term.notation: term for term in self.vocab.document_types}
        notation = weighted(self.rng, {k: v for k, v in doc_weights.items() if k in known})
        doc = known[notation]
        doc_label = doc.en
        abbreviation = DOC_ABBREVIATIONS.get(notation, notation)
        slug = self.slugs.unique("agreement", f"{partnership}-{abbreviation}-{day.isoformat()}")
        title = f"{doc_label} between {first.name} and {second.name}"
        host = first if self.rng.random() < 0.5 else second
        source = self.write_source(
            w,
            first.country,
            day + timedelta(days=self.rng.randrange(0, 4)),
            f"{first.name} and {second.name} sign a {doc_label.lower()}",
            f"{first.name} {second.name}",
        )
        pairs = [
            ("a", "cp:Agreement"),
            ("rdfs:label", literal(f"{title} ({long_date(day)})", "en")),
            ("rdfs:label", literal(f"{doc.id} {first.name} – {second.name} ({day})", "id")),
            ("cp:documentType", f"<{doc.iri}>"),
            ("cp:date", xsd_date(day)),
            ("cp:partnership", ref("partnership", partnership)),
            ("cp:party", ref("government", first.government)),
            ("cp:party", ref("government", second.government)),
            ("cp:signedIn", self.place_ref(host)),
        ]
        if self.rng.random() < 0.3:
            pairs.append(("cp:venue", literal(f"City Hall of {host.name}", "en")))
        if previous is not None:
            pairs.append(("cp:follows", previous))
        if self.rng.random() < self.config.signed_share:
            for place in (first, second):
                pairs.append(("cp:signature", self.write_signature(w, slug, place, day)))
        pairs.append(("prov:wasDerivedFrom", source))
        if self.rng.random() < 0.15:
            other = self.write_source(
                w,
                second.country,
                day + timedelta(days=self.rng.randrange(0, 4)),
                f"{second.name} and {first.name} sign a {doc_label.lower()}",
                f"{second.name} {first.name}",
            )
            pairs.append(("prov:wasDerivedFrom", other))
        w.block(ref("agreement", slug), "agreement", pairs)
        short = f"{first.name} – {second.name} {abbreviation.upper()} {day.isoformat()}"
        self.write_commitments(w, slug, short, source)
        return ref("agreement", slug), source

    def place_ref(self, place: Place) -> str:
        """Prefixed name of a place."""
        return ref("region" if place.kind == "region" else "city", place.slug)

    def write_signature(self, w: TurtleWriter, agreement: str, place: Place, day: date) -> str:
        """The signature of the place's head in office on ``day``; returns its reference."""
        tenure = place.holder_on(day)
        slug = self.slugs.unique("signature", f"{agreement}-{tenure.person}")
        name = self.person_label(tenure.person)
        pairs = [
            ("a", "cp:Signature"),
            ("rdfs:label", literal(f"Signature of {name} for {place.name} ({day})", "en")),
            ("cp:signatory", ref("person", tenure.person)),
            ("cp:signedFor", ref("government", place.government)),
            ("cp:signedAs", ref("post", place.post)),
        ]
        w.block(ref("signature", slug), "signature", pairs)
        return ref("signature", slug)

    def write_commitments(self, w: TurtleWriter, agreement: str, short: str, source: str) -> None:
        """One commitment per sector, 1 to 8 sectors (power law), popular sectors more often."""
        count = power_law_count(self.rng, 1, 8, self.config.sector_count_exponent)
        chosen: list[int] = []
        while len(chosen) < min(count, len(self.vocab.sectors)):
            index = self.rng.choices(range(len(self.sector_weights)), self.sector_weights)[0]
            if index not in chosen:
                chosen.append(index)
        statuses = [s for s, _ in STATUSES]
        status_weights = [wt for _, wt in STATUSES]
        for index in chosen:
            sector = self.vocab.sectors[index]
            notation, label = sector.notation, sector.en
            status = self.rng.choices(statuses, weights=status_weights)[0]
            pairs = [
                ("a", "cp:Commitment"),
                ("rdfs:label", literal(f"{short}: {label}", "en")),
                ("cp:commitmentOf", ref("agreement", agreement)),
                ("cp:sector", f"sector:{notation}"),
                ("cp:status", f"cp:{status}"),
                ("prov:wasDerivedFrom", source),
            ]
            w.block(ref("commitment", f"{agreement}-{notation}"), "commitment", pairs)

    # the whole file -------------------------------------------------------------------------------

    def write(self, out: TextIO) -> Stats:
        """Generate and write everything; returns the counts."""
        w = TurtleWriter(out, self.config.namespace)
        cfg = self.config
        w.header(
            "CityPact SYNTHETIC data: generated by `citypact generate`, not real.\n"
            f"cities={cfg.cities} agreements={cfg.agreements} seed={cfg.seed}\n"
            "Every name, person, date and agreement is invented; countries and sectors are real."
        )
        self.make_places()
        for place in self.places:
            if place.kind == "region":
                self.regions_by_country.setdefault(place.country.slug, []).append(place)
        self.make_outlets()
        self.write_countries(w)
        self.write_outlets(w)
        w.section("places, governments, posts, officials and tenures")
        for index, place in enumerate(self.places):
            self.write_place(w, place, index)
        self.write_partnerships(w)
        self.write_dataset(w)
        return w.stats

    def write_dataset(self, w: TurtleWriter) -> None:
        """The dataset node, written last so that it can count the triples."""
        cfg = self.config
        description = (
            "Synthetic CityPact data made by `citypact generate` for benchmarks and tests "
            f"(cities={cfg.cities}, agreements={cfg.agreements}, seed={cfg.seed}). Its places, "
            "people, agreements and sources are invented; it must never be cited as fact."
        )
        pairs = [
            ("a", "void:Dataset"),
            ("rdfs:label", literal("CityPact synthetic data", "en")),
            ("dcterms:description", literal(description, "en")),
            ("cp:synthetic", "true"),
            ("void:uriSpace", literal(cfg.namespace)),
            ("void:triples", ""),
        ]
        pairs[-1] = ("void:triples", str(w.stats.triples + len(pairs)))
        w.section("the dataset")
        w.block(f"<{DATASET_IRI}>", None, pairs)


def generate(config: GeneratorConfig, out: Path | TextIO) -> Stats:
    """Write the synthetic dataset for ``config`` to a path or an open text stream."""
    generator = Generator(config)
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle:
            return generator.write(handle)
    return generator.write(out)
