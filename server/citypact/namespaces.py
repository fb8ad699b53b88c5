"""Every namespace CityPact uses, defined once."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/citypact/"
CP = Namespace(BASE + "ontology#")
ONTOLOGY_IRI = BASE + "ontology"
ID = Namespace(BASE + "id/")
SHAPES = Namespace(BASE + "shapes#")
SECTOR_SCHEME = ID["sector"]
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
TIME = Namespace("http://www.w3.org/2006/time#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

ENTITY_KINDS = (
    "city",
    "region",
    "country",
    "government",
    "organization",
    "person",
    "post",
    "tenure",
    "partnership",
    "agreement",
    "signature",
    "commitment",
    "sector",
    "challenge",
    "source",
    "quotation",
    "claim",
    "event",
    "geometry",
)

PREFIXES: dict[str, str] = {
    "cp": str(CP),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "geo": str(GEO),
    "time": str(TIME),
    "sh": str(SH),
    "wd": str(WD),
    "wdt": str(WDT),
}


def entity_iri(kind: str, slug: str) -> str:
    """The IRI of an entity: ``https://w3id.org/citypact/id/{kind}/{slug}``."""
    return f"{ID}{kind}/{slug}"


def bind_prefixes(graph: object) -> None:
    """Bind the usual prefixes on an rdflib graph so serialisations read well."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)  # type: ignore[attr-defined]
