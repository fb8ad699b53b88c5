"""Synthetic CityPact data for benchmarks and tests: ``citypact generate``.

The generated graph conforms to the shapes (``shapes/``) and has the shape of the real data
(``data/ttl/``): cities and provinces in real countries, with coordinates, labels in English and
Indonesian or Malay, and (for some) a Wikidata item; one local government per place with one head
post (mayor or governor) held by a chain of officials whose tenures cover every day from 2005 on;
partnerships between governments, whose number per place follows a power law (a few hubs, a long
tail); agreements of every document type within those partnerships, each committing its parties
to one to eight sectors of the bundled sector scheme, signed (for most) by the heads in office on
the signing date; and news articles cited by every partnership, agreement, commitment and tenure.

Everything is written to Turtle as it is made (no rdflib graph is built), so a million triples
take seconds and little memory. The output depends only on the configuration: the same seed gives
a byte-identical file (on the same Python version). Entity IRIs live in their own namespace
(:data:`SYNTHETIC_NS` unless told otherwise), and a dataset node (:data:`DATASET_IRI`) marks the
data as synthetic with ``cp:synthetic true``.

Size: about 62 triples per city and 42.6 per agreement (with its share of partnerships, signatures,
commitments and sources), so ``--cities 1000 --agreements 4000`` gives about 236,000 triples;
:func:`sizes_for_triples` picks the sizes for a wanted number of triples (1M: 4,303 cities and
17,212 agreements).
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from .namespaces import CP, ENTITY_KINDS
from .vocabulary import document_types, ontology_graph, sectors

SYNTHETIC_NS = "https://w3id.org/citypact/synthetic/id/"
"""Where generated entities live by default: ``{SYNTHETIC_NS}{kind}/{slug}``."""
DATASET_IRI = "https://w3id.org/citypact/synthetic/dataset"
"""The dataset node that marks the generated data as synthetic."""

FIRST_TENURE = date(2001, 1, 1)
FIRST_AGREEMENT = date(2005, 1, 1)
LAST_AGREEMENT = date(2025, 6, 30)
"""Agreements are dated up to here (never in the future, which a shape forbids)."""

# The entity kinds the generator writes (a subset of namespaces.ENTITY_KINDS), each bound
# to a prefix in the output.
KINDS = tuple(
    k for k in ENTITY_KINDS if k not in {"sector", "challenge", "quotation", "claim", "event"}
)
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "cp": str(CP),
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "sector": "https://w3id.org/citypact/id/sector/",
}


# --- configuration and reference tables ----------------------------------------------------------


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. ``cities`` and ``agreements`` set the size; the rest its texture."""

    cities: int = 1000
    agreements: int = 4000
    seed: int = 1
    namespace: str = SYNTHETIC_NS
    provinces_per_city: float = 0.08
    agreements_per_partnership: float = 1.6
    hub_exponent: float = 0.6
    """Zipf exponent of how often a place is drawn as a partner (higher: stronger hubs). At 0.6
    the busiest place has about 60 times the mean number of partnerships (300 of 5,000 places'
    10,000 at a million triples), near the ratio of real twinning networks; 1.0 gives hubs with
    a thousand partnerships."""
    sector_count_exponent: float = 1.5
    """Power-law exponent of the number of sectors (1 to 8) an agreement commits to."""
    signed_share: float = 0.6
    """Share of agreements whose signatories are recorded."""
    wikidata_share: float = 0.5

    def __post_init__(self) -> None:
        if self.cities < 2:
            raise ValueError("at least 2 cities are needed for a partnership")
        if self.agreements < 1:
            raise ValueError("at least 1 agreement is needed")
        if not self.namespace.endswith(("/", "#")):
            raise ValueError("the namespace must end with '/' or '#'")


@dataclass(frozen=True)
class Country:
    """A real country the synthetic places lie in, with a bounding box for coordinates."""

    slug: str
    en: str
    id: str
    ms: str
    wikidata: str
    iso: str
    style: str
    weight: float
    lon: tuple[float, float]
    lat: tuple[float, float]


# slug|English|Indonesian|Malay|Wikidata|ISO|naming style|weight|longitudes|latitudes
_COUNTRY_TABLE = """
indonesia|Indonesia|Indonesia|Indonesia|Q252|ID|id|30|95.3 140.9|-10.9 5.8
malaysia|Malaysia|Malaysia|Malaysia|Q833|MY|ms|12|100.1 118.9|1.3 6.9
south-korea|South Korea|Korea Selatan|Korea Selatan|Q884|KR|ko|7|126.1 129.5|34.4 38.5
japan|Japan|Jepang|Jepun|Q17|JP|ja|7|130.2 144.9|31.2 43.9
china|China|Tiongkok|China|Q148|CN|zh|8|100.2 121.9|22.1 40.9
germany|Germany|Jerman|Jerman|Q183|DE|de|5|6.1 14.9|47.6 54.8
netherlands|Netherlands|Belanda|Belanda|Q55|NL|de|2|3.6 6.9|51.1 53.4
thailand|Thailand|Thailand|Thailand|Q869|TH|th|5|98.4 104.9|6.2 19.9
vietnam|Vietnam|Vietnam|Vietnam|Q881|VN|vi|4|103.1 108.9|9.1 22.9
australia|Australia|Australia|Australia|Q408|AU|en|4|115.1 152.9|-37.9 -12.1
united-states|United States|Amerika Serikat|Amerika Syarikat|Q30|US|en|5|-122.9 -71.1|26.1 47.9
turkey|Turkey|Turki|Turki|Q43|TR|tr|3|27.1 43.9|36.1 41.9
france|France|Prancis|Perancis|Q142|FR|fr|3|-4.1 7.4|43.1 50.4
india|India|India|India|Q668|IN|in|4|70.1 87.9|9.1 29.9
philippines|Philippines|Filipina|Filipina|Q928|PH|ph|4|119.9 125.9|6.1 18.4
"""


def _range(text: str) -> tuple[float, float]:
    low, high = text.split()
    return float(low), float(high)


def _countries(table: str) -> tuple[Country, ...]:
    countries = []
    for line in table.strip().splitlines():
        slug, en, id_, ms, wikidata, iso, style, weight, lon, lat = line.split("|")
        countries.append(
            Country(
                slug, en, id_, ms, wikidata, iso, style, float(weight), _range(lon), _range(lat)
            )
        )
    return tuple(countries)


COUNTRIES = _countries(_COUNTRY_TABLE)

# Invented but plausible names by naming style: for places, first parts and second parts and
# the joiner between them; for people, given names and family names.
PLACE_PARTS_TEXT: dict[str, tuple[str, str, str]] = {
    "id": (
        (
            "Suka Tanjung Karang Sumber Banjar Pasir Teluk Batu Muara Wono Purwo Mekar "
            "Sindang Rawa Bojong"
        ),
        "jaya makmur sari asri mulya raya rejo agung baru indah wangi harjo sentosa",
        "",
    ),
    "ms": (
        "Bandar Kuala Sri Bukit Pulau Sungai Batu Teluk Padang Tanjung",
        "Permai Jaya Indah Baru Utama Damai Setia Mas Emas Perdana Seri",
        " ",
    ),
    "ko": (
        "Gang Cheon Yang Pyeong Gwang Dae Jin Hwa Seong Mun Nam Buk",
        "ju won san cheon yang gu jin seong po do",
        "",
    ),
    "ja": (
        "Kawa Yama Naka Shima Hara Mori Ishi Oka Matsu Taka Fuji Kita",
        "saki mura moto zawa hama gawa yama da oka shiro",
        "",
    ),
    "zh": (
        "Jiang Shan Hai Ning An Ping Yang Lin Xin Hua Long Qing",
        "zhou ning yang cheng shan an men jiang hai de",
        "",
    ),
    "de": (
        "Neu Alt Ober Unter Ros Lin Wald Berg Stein Eich Linden Hohen",
        "burg dorf hausen heim feld stadt bach au kirchen hagen",
        "",
    ),
    "th": (
        "Chiang Nakhon Ban Phra Sri Mueang Nong Pak",
        "Buri Thani Rat Sawan Chai Nakhon Phanom Khai",
        " ",
    ),
    "vi": (
        "Ha Long Bien Vinh Quang Tan Thanh Phu Dong Tay",
        "Hoa Ninh Yen An Binh Lam Son Giang Tho",
        " ",
    ),
    "en": (
        "Spring River Oak Lake Green Fair Maple Clear Stone Port Mill",
        "field ton wood dale view ford port bury ridge haven",
        "",
    ),
    "tr": (
        "Kara Ak Yeni Eski Bey Kizil Gol Sari Kay",
        "kent dere pinar ova tepe su koy hisar yurt",
        "",
    ),
    "fr": (
        "Mont Ville Beau Clair Roche Val Fontaine Bourg",
        "mont lieu ville court fort mare champ pré val",
        "",
    ),
    "in": (
        "Ram Shiv Chandra Hari Ganga Raj Madhya Vijay Krishna",
        "pur nagar abad garh ganj puram kota wadi",
        "",
    ),
    "ph": (
        "San Santa Puerto Bagong Dalig Balang",
        "Isidro Rosa Carlos Pilar Fernando Vicente Maria Tomas Jose",
        " ",
    ),
}
PERSON_PARTS_TEXT: dict[str, tuple[str, str]] = {
    "id": (
        (
            "Budi Siti Agus Dewi Rudi Sri Andi Nur Hendra Rina Joko Yusuf Ahmad Ratna "
            "Bambang Wahyu Eko Indah"
        ),
        (
            "Santoso Wijaya Pratama Saputra Hidayat Setiawan Kurniawan Lestari Nugroho "
            "Siregar Harahap Rahman Susanto Gunawan"
        ),
    ),
    "ms": (
        "Ahmad Siti Mohd Nurul Azman Farah Hafiz Aisyah Zainal Rosnah Kamal Faridah",
        "Ismail Hassan Abdullah Rahim Yusof Hamid Othman Ibrahim Osman Salleh",
    ),
    "ko": (
        "Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Soo-ah Jae-won Hye-jin",
        "Kim Lee Park Choi Jung Kang Cho Yoon",
    ),
    "ja": (
        "Hiroshi Yuki Kenji Aiko Takeshi Naoko Satoshi Emi",
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura",
    ),
    "zh": (
        "Wei Fang Jun Li Ming Xiu Hao Yan",
        "Wang Li Zhang Liu Chen Yang Zhao Huang",
    ),
    "de": (
        "Anna Thomas Julia Michael Stefan Katrin Jan Sabine Lukas",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker",
    ),
    "th": (
        "Somchai Suda Niran Malee Prasert Ratana",
        "Srisuk Chaiyaporn Thongdee Wongsa Boonmee Saelim",
    ),
    "vi": (
        "Minh Lan Hung Thu Quang Mai",
        "Nguyen Tran Le Pham Hoang Vu",
    ),
    "en": (
        "James Mary Robert Linda David Sarah Emily Daniel",
        "Smith Johnson Brown Taylor Wilson Clark Walker Hall",
    ),
    "tr": (
        "Mehmet Ayse Mustafa Fatma Ali Zeynep",
        "Yilmaz Kaya Demir Sahin Celik Ozturk",
    ),
    "fr": (
        "Marie Jean Pierre Sophie Luc Claire",
        "Martin Bernard Dubois Durand Lefebvre Moreau",
    ),
    "in": (
        "Amit Priya Rahul Sunita Vikram Anjali",
        "Sharma Patel Singh Kumar Gupta Reddy",
    ),
    "ph": (
        "Jose Maria Juan Ana Ramon Liza",
        "Santos Reyes Cruz Bautista Garcia Mendoza",
    ),
}
PLACE_PARTS = {
    k: (tuple(a.split()), tuple(b.split()), j) for k, (a, b, j) in PLACE_PARTS_TEXT.items()
}
PERSON_PARTS = {k: (tuple(a.split()), tuple(b.split())) for k, (a, b) in PERSON_PARTS_TEXT.items()}
OUTLET_NAMES = {
    "id": ("Warta {}", "Harian {}", "Kabar {}"),
    "ms": ("Berita {}", "Utusan {}"),
    "en": ("{} Times", "{} Post", "{} Herald"),
}
DOC_ABBREVIATIONS = {
    "letter-of-intent": "loi",
    "memorandum-of-understanding": "mou",
    "joint-declaration": "joint-declaration",
    "sister-city-agreement": "sister-city-agreement",
    "proclamation": "proclamation",
    "minutes-of-talks": "minutes",
    "unspecified": "agreement",
}
FIRST_DOC_WEIGHTS = {
    "letter-of-intent": 35,
    "memorandum-of-understanding": 30,
    "sister-city-agreement": 12,
    "joint-declaration": 8,
    "minutes-of-talks": 6,
    "proclamation": 4,
    "unspecified": 5,
}
LATER_DOC_WEIGHTS = {
    "memorandum-of-understanding": 35,
    "sister-city-agreement": 20,
    "joint-declaration": 15,
    "minutes-of-talks": 12,
    "letter-of-intent": 8,
    "proclamation": 4,
    "unspecified": 6,
}
PARTNERSHIP_TYPES = (
    ("SisterCity", "sister-city", 5),
    ("FriendshipCity", "friendship-city", 2),
    ("Cooperation", "cooperation", 3),
)
STATUSES = (("Stated", 55), ("InProgress", 20), ("Implemented", 15), ("Lapsed", 10))


# --- small helpers --------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """Lower-case ASCII slug: accents dropped, runs of other characters turned into hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def literal(text: str, lang: str | None = None) -> str:
    """A Turtle string literal, with a language tag when given."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


MONTHS = (
    "January February March April May June July August September October November December"
).split()


def long_date(day: date) -> str:
    """``11 August 2025`` (English month names, whatever the locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def xsd_date(day: date) -> str:
    """A Turtle xsd:date literal."""
    return f'"{day.isoformat()}"^^xsd:date'


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    """One key drawn by weight (keys in insertion order, so the draw is deterministic)."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def power_law_count(rng: random.Random, low: int, high: int, exponent: float) -> int:
    """An integer in [low, high] with P(k) proportional to k**-exponent."""
    values = range(low, high + 1)
    return rng.choices(values, weights=[k**-exponent for k in values])[0]


class ZipfSampler:
    """Draws indices 0..n-1, index i with weight 1/(rank(i)+1)**s for a random ranking."""

    def __init__(self, rng: random.Random, n: int, exponent: float) -> None:
        ranks = list(range(n))
        rng.shuffle(ranks)
        weights = [0.0] * n
        for index, rank in enumerate(ranks):
            weights[index] = 1.0 / (rank + 1) ** exponent
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]
        self.rng = rng

    def draw(self) -> int:
        """One index."""
        return bisect.bisect_left(self.cumulative, self.rng.random() * self.total)


class Slugs:
    """Hands out unique slugs per kind, appending -2, -3, ... to repeated names."""

    def __init__(self) -> None:
        self.used: dict[str, dict[str, int]] = {}

    def unique(self, kind: str, base: str) -> str:
        """A slug for ``kind`` based on ``base``, never handed out before."""
        seen = self.used.setdefault(kind, {})
        slug = base
        while slug in seen:
            seen[base] = seen.get(base, 1) + 1
            slug = f"{base}-{seen[base]}"
        seen[slug] = 1
        return slug


def _label(iri: URIRef, lang: str = "en") -> str:
    """The rdfs:label (or prefLabel) of an ontology term in ``lang``, else its English one."""
    graph = ontology_graph()
    for language in (lang, "en"):
        for prop in (RDFS.label, SKOS.prefLabel):
            labels = sorted(
                str(o)
                for o in graph.objects(iri, prop)
                if isinstance(o, Literal) and o.language == language
            )
            if labels:
                return labels[0]
    return re.split(r"[/#]", str(iri))[-1]


@dataclass(frozen=True)
class Term:
    """A term of the ontology: its notation (slug), IRI and English and Indonesian labels."""

    notation: str
    iri: str
    en: str
    id: str


@dataclass(frozen=True)
class Vocabulary:
    """The ontology's sectors and document types, sorted by notation."""

    sectors: tuple[Term, ...]
    document_types: tuple[Term, ...]

    @classmethod
    def bundled(cls) -> Vocabulary:
        """Read from the bundled ontology."""
        return cls(_terms(sectors()), _terms(document_types()))


def _terms(by_notation: dict[str, URIRef]) -> tuple[Term, ...]:
    return tuple(
        Term(notation, str(iri), _label(iri), _label(iri, "id"))
        for notation, iri in sorted(by_notation.items())
    )


# --- the model of what is generated ---------------------------------------------------------------


@dataclass
class Tenure:
    """One official holding a place's head post from ``start`` to ``end`` (None: in office)."""

    slug: str
    person: str
    start: date
    end: date | None


@dataclass
class Place:
    """A city or province, with its government, head post and the tenures of that post."""

    kind: str  # "city" or "region"
    slug: str
    name: str
    country: Country
    government: str = ""
    post: str = ""
    post_title: str = ""
    tenures: list[Tenure] = field(default_factory=list)

    def holder_on(self, day: date) -> Tenure:
        """The tenure in force on ``day`` (tenures cover every day from FIRST_TENURE on)."""
        starts = [t.start for t in self.tenures]
        return self.tenures[bisect.bisect_right(starts, day) - 1]


@dataclass(frozen=True)
class Outlet:
    """A news outlet: publisher of the generated sources."""

    slug: str
    name: str
    lang: str
    domain: str


@dataclass
class Stats:
    """What was written."""

    triples: int = 0
    entities: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, count: int = 1) -> None:
        """Count ``count`` entities of ``kind``."""
        self.entities[kind] = self.entities.get(kind, 0) + count


# --- writing Turtle -------------------------------------------------------------------------------


class TurtleWriter:
    """Writes subject blocks to a text stream and counts the triples."""

    def __init__(self, out: TextIO, namespace: str) -> None:
        self.out = out
        self.stats = Stats()
        prefixes = dict(PREFIXES)
        for kind in KINDS:
            prefixes[f"s{kind}"] = f"{namespace}{kind}/"
        self.prefixes = prefixes

    def header(self, comment: str) -> None:
        """Leading comment lines and the prefix declarations."""
        for line in comment.splitlines():
            self.out.write(f"# {line}".rstrip() + "\n")
        for prefix, iri in self.prefixes.items():
            self.out.write(f"@prefix {prefix}: <{iri}> .\n")

    def section(self, title: str) -> None:
        """A comment line between groups of subjects."""
        self.out.write(f"\n# --- {title}\n")

    def block(self, subject: str, kind: str | None, pairs: Sequence[tuple[str, str]]) -> None:
        """One subject with its (predicate, object) pairs, objects already in Turtle syntax."""
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.out.write(f"\n{subject} {body} .\n")
        self.stats.triples += len(pairs)
        if kind:
            self.stats.add(kind)


def ref(kind: str, slug: str) -> str:
    """Prefixed name of a generated entity (``scity:sukamaju``)."""
    return f"s{kind}:{slug}"


# --- the generator --------------------------------------------------------------------------------


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


TRIPLES_PER_CITY = 62.0
TRIPLES_PER_AGREEMENT = 42.6
"""Measured (see bench/README.md): triples ≈ 62 × cities + 42.6 × agreements (each agreement
brings its share of partnerships, signatures, commitments and sources)."""


def sizes_for_triples(triples: int, agreements_per_city: int = 4) -> tuple[int, int]:
    """(cities, agreements) with ``agreements_per_city`` agreements per city that give about
    ``triples`` triples."""
    per_city = TRIPLES_PER_CITY + agreements_per_city * TRIPLES_PER_AGREEMENT
    cities = max(2, round(triples / per_city))
    return cities, cities * agreements_per_city
