"""The JSON-LD context of the REST API's answers: field names mapped to ontology terms.

Fields with no ontology counterpart (``slug``, ``count``, ...) fall in the API's own vocabulary
``https://w3id.org/citypact/api#``, never in the ontology namespace.
"""

CP = "https://w3id.org/citypact/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

JSONLD_CONTEXT: dict[str, object] = {
    "@vocab": "https://w3id.org/citypact/api#",
    "iri": "@id",
    "data": {"@id": "http://www.w3.org/2000/01/rdf-schema#member", "@container": "@set"},
    "label": "http://www.w3.org/2000/01/rdf-schema#label",
    "labels": {"@id": "http://www.w3.org/2000/01/rdf-schema#label", "@container": "@language"},
    "date": {"@id": f"{CP}date", "@type": f"{XSD}date"},
    "start": {"@id": f"{CP}startDate", "@type": f"{XSD}date"},
    "end": {"@id": f"{CP}endDate", "@type": f"{XSD}date"},
    "document_type": {"@id": f"{CP}documentType", "@type": "@id"},
    "partnership": {"@id": f"{CP}partnership", "@type": "@id"},
    "partner": {"@id": f"{CP}partner"},
    "parties": {"@id": f"{CP}party", "@container": "@set"},
    "sectors": {"@id": f"{CP}sector", "@container": "@set"},
    "sector": {"@id": f"{CP}sector"},
    "signed_in": {"@id": f"{CP}signedIn"},
    "country": {"@id": f"{CP}country"},
    "wikidata": {"@id": f"{CP}wikidataItem", "@type": "@id"},
    "wkt": {
        "@id": "http://www.opengis.net/ont/geosparql#asWKT",
        "@type": "http://www.opengis.net/ont/geosparql#wktLiteral",
    },
    "government": {"@id": f"{CP}postIn", "@type": "@id"},
    "broader": {"@id": "http://www.w3.org/2004/02/skos/core#broader", "@type": "@id"},
    "sdgs": {
        "@id": "http://www.w3.org/2004/02/skos/core#relatedMatch",
        "@type": "@id",
        "@container": "@set",
    },
    "sources": {"@id": "http://www.w3.org/ns/prov#wasDerivedFrom", "@container": "@set"},
    "account_of": {"@id": f"{CP}accountOf", "@type": "@id"},
    "status": {"@id": f"{CP}status", "@type": "@id"},
}
