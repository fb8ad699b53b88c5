"""The SPARQL validation engine reports what pySHACL reports.

Both engines validate the same graphs: the bundled data, every fixture, a generated graph, and
graphs broken at random (deleted triples, extra values, wrong datatypes and languages, wrong
types). Results are compared on focus node, path, value, severity, source shape, constraint
component and messages.

One difference is deliberate: for ``sh:node``, pySHACL also lists the nested shape's own results
at the top level of the report. SHACL reports the ``sh:node`` result on the outer value only
(details may go in ``sh:detail``), so the SPARQL engine does; those pySHACL-only results are
left out of the comparison, and a test pins that they are the only ones.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from citypact import rdf_io
from citypact.generator import GeneratorConfig, generate
from citypact.validation.shape_compiler import UnsupportedShape, compile_shapes
from citypact.validation.validator import ValidationResult, Validator, bundled_data_graph

from .conftest import TEST_DATA

FIXTURES = sorted((TEST_DATA / "invalid").glob("*.ttl")) + sorted(
    (TEST_DATA / "valid").glob("*.ttl")
)
CP = "https://w3id.org/citypact/ontology#"


@pytest.fixture(scope="module")
def engines(validator: Validator) -> tuple[Validator, Validator]:
    """Both engines over one shapes graph, so blank-node shapes compare equal."""
    sparql = Validator(validator.shapes, validator.ontology, "sparql")
    assert sparql.engine == "sparql"
    return sparql, Validator(validator.shapes, validator.ontology, "pyshacl")


def _path_key(shapes: Graph, path: object) -> str:
    if isinstance(path, BNode):
        return repr(sorted((str(p), str(o)) for p, o in shapes.predicate_objects(path)))
    return str(path)


def keys(report_results: list[ValidationResult], shapes: Graph) -> list[tuple[str, ...]]:
    """Comparable keys of results (shape and path blank nodes by identity / structure).

    Messages are compared where the shapes give them; each engine words its generic ones."""
    return sorted(
        (
            str(r.focus_node),
            _path_key(shapes, r.path),
            repr(r.value),
            r.severity,
            str(r.shape),
            str(r.node_shape),
            str(r.constraint),
            repr(sorted((m.language or "", str(m)) for m in r.messages))
            if (r.shape, SH.message, None) in shapes or r.constraint == SH.SPARQLConstraintComponent
            else "(generic message)",
        )
        for r in report_results
    )


def nested_only_shapes(shapes: Graph) -> set[object]:
    """Shapes reached only through sh:node (no targets of their own), and their properties."""
    targeted = {
        s
        for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        for s in shapes.subjects(p, None)
    }
    nested = set(shapes.objects(None, SH.node)) - targeted
    return nested | {p for n in nested for p in shapes.objects(n, SH.property)}


def compare(engines: tuple[Validator, Validator], data: Graph) -> tuple[int, int]:
    """Assert both engines agree on ``data``; return (results, pySHACL's nested extras)."""
    sparql, pyshacl = engines
    ours = sparql.validate(data).results
    theirs = pyshacl.validate(data).results
    nested = nested_only_shapes(sparql.shapes)
    extras = [r for r in theirs if r.shape in nested]
    theirs = [r for r in theirs if r.shape not in nested]
    a, b = keys(ours, sparql.shapes), keys(theirs, sparql.shapes)
    assert a == b, {"sparql only": sorted(set(a) - set(b)), "pyshacl only": sorted(set(b) - set(a))}
    return len(ours), len(extras)


def with_file(path: Path) -> Graph:
    return bundled_data_graph([rdf_io.quads_to_graph(rdf_io.read_file(path))])


def test_same_results_on_the_bundled_data(
    engines: tuple[Validator, Validator], bundled_graph: Graph
) -> None:
    results, extras = compare(engines, bundled_graph)
    assert results > 0 and extras == 0  # the bundled data has warnings, and no nested results


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_same_results_on_each_fixture(engines: tuple[Validator, Validator], path: Path) -> None:
    results, _extras = compare(engines, with_file(path))
    if path.parent.name == "invalid":
        assert results > 0


def test_nested_results_are_the_only_difference(engines: tuple[Validator, Validator]) -> None:
    """The commitment with a sector outside the scheme: both report the sh:node violation on the
    commitment; pySHACL alone repeats the nested hasValue result about the sector itself."""
    data = with_file(TEST_DATA / "invalid" / "commitment-sector-outside-scheme.ttl")
    _results, extras = compare(engines, data)
    assert extras == 1
    sparql, _ = engines
    node_results = [
        r for r in sparql.validate(data).violations if r.constraint == SH.NodeConstraintComponent
    ]
    assert [str(r.value) for r in node_results] == ["https://example.org/sectors/teleportation"]


@pytest.fixture(scope="module")
def generated() -> Graph:
    out = io.StringIO()
    generate(GeneratorConfig(cities=25, agreements=40, seed=7), out)
    graph = bundled_data_graph()
    graph.parse(data=out.getvalue(), format="turtle")
    return graph


def test_same_results_on_a_generated_graph(
    engines: tuple[Validator, Validator], generated: Graph
) -> None:
    compare(engines, generated)


def _break(graph: Graph, rng: random.Random, count: int) -> Graph:
    """A copy of ``graph`` with ``count`` random changes of the kinds curators get wrong."""
    broken = Graph()
    for triple in graph:
        broken.add(triple)
    triples = sorted(graph, key=lambda t: tuple(map(str, t)))
    instances = sorted(
        {
            s
            for s, p, _o in triples
            if p == RDF.type and str(s).startswith("https://w3id.org/citypact/id/")
        }
    )
    classes = sorted({o for _s, p, o in triples if p == RDF.type and str(o).startswith(CP)})
    dated = [t for t in triples if isinstance(t[2], Literal) and t[2].datatype == XSD.date]
    labels = [t for t in triples if t[1] == RDFS.label]
    bad_values = [
        Literal("2025-13-45", datatype=XSD.date),
        Literal("someday"),
        Literal("1999", datatype=XSD.gYear),
        Literal("label", lang="ms"),
        URIRef("https://example.org/nowhere"),
    ]
    for _ in range(count):
        kind = rng.randrange(6)
        s, p, o = rng.choice(triples)
        if kind == 0:  # a triple goes missing
            broken.remove((s, p, o))
        elif kind == 1:  # a second, different value
            broken.add((s, p, rng.choice(bad_values)))
        elif kind == 2:  # a value replaced by a wrong one
            broken.remove((s, p, o))
            broken.add((s, p, rng.choice(bad_values)))
        elif kind == 3 and dated:  # a date moved, maybe before a start or into the future
            s, p, o = rng.choice(dated)
            broken.remove((s, p, o))
            broken.add(
                (s, p, Literal(f"{rng.choice([1901, 2001, 2099])}-01-01", datatype=XSD.date))
            )
        elif kind == 4 and labels:  # a label in another language
            s, p, o = rng.choice(labels)
            broken.remove((s, p, o))
            broken.add((s, p, Literal(str(o), lang=rng.choice(["ms", "en-GB", "ID", ""]) or None)))
        elif kind == 5 and instances and classes:  # a node typed as something else too
            broken.add((rng.choice(instances), RDF.type, rng.choice(classes)))
    return broken


@pytest.mark.parametrize("seed", range(8))
def test_same_results_on_randomly_broken_graphs(
    engines: tuple[Validator, Validator], bundled_graph: Graph, seed: int
) -> None:
    rng = random.Random(seed)
    broken = _break(bundled_graph, rng, 25)
    results, _ = compare(engines, broken)
    assert results > 0


def test_focus_mode_equals_the_whole_report_restricted(
    engines: tuple[Validator, Validator], bundled_graph: Graph
) -> None:
    sparql, _ = engines
    broken = _break(bundled_graph, random.Random(99), 40)
    whole = sparql.validate(broken).results
    focus = sorted({r.focus_node for r in whole}, key=str)[::2]
    assert focus
    part = sparql.validate(broken, focus).results
    shapes = sparql.shapes
    assert keys(part, shapes) == keys([r for r in whole if r.focus_node in focus], shapes)


def test_a_store_is_validated_in_place_over_its_named_graphs(
    engines: tuple[Validator, Validator], bundled_graph: Graph
) -> None:
    sparql, _ = engines
    store = ox.Store()
    name = ox.NamedNode("https://w3id.org/citypact/graph/data")
    store.extend(rdf_io.graph_to_quads(bundled_graph, name))
    store.extend(rdf_io.graph_to_quads(sparql.ontology, ox.NamedNode("urn:x:ontology")))
    in_place = sparql.validate_store(store, union=True)
    assert keys(in_place.results, sparql.shapes) == keys(
        sparql.validate(bundled_graph).results, sparql.shapes
    )
    # Without the union, the default graph is empty: nothing to validate.
    assert sparql.validate_store(store).results == []


def test_report_graph_holds_every_result(
    engines: tuple[Validator, Validator], bundled_graph: Graph
) -> None:
    sparql, _ = engines
    report = sparql.validate(_break(bundled_graph, random.Random(3), 30))
    graph = report.graph
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms).toPython() is report.conforms()
    assert len(set(graph.objects(node, SH.result))) == len(report.results) > 0
    inverse = [r for r in report.results if isinstance(r.path, BNode)]
    for result in graph.objects(node, SH.result):
        path = graph.value(result, SH.resultPath)
        if isinstance(path, BNode):  # the path's structure travels with the report
            assert graph.value(path, SH.inversePath) is not None
    assert all(sparql.shapes.value(r.path, SH.inversePath) for r in inverse)


def test_unsupported_shapes_fall_back_to_pyshacl(validator: Validator) -> None:
    shapes = Graph()
    for triple in validator.shapes:
        shapes.add(triple)
    closed = URIRef("https://example.org/shapes#Closed")
    shapes.add((closed, RDF.type, SH.NodeShape))
    shapes.add((closed, SH.targetClass, URIRef(CP + "Person")))
    shapes.add((closed, SH.closed, Literal(True)))
    with pytest.raises(UnsupportedShape, match="closed"):
        compile_shapes(shapes)
    fallback = Validator(shapes, validator.ontology, "sparql")
    assert fallback.engine == "pyshacl"
    assert not fallback.validate(bundled_data_graph()).conforms()  # people have more than a label


def test_unknown_engine_is_refused(validator: Validator) -> None:
    with pytest.raises(ValueError, match="engine"):
        Validator(validator.shapes, validator.ontology, "jena")


FEATURE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

ex:ThingShape a sh:NodeShape ;
    sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:a ; sh:equals ex:b ] ,
        [ sh:path ex:a ; sh:disjoint ex:c ] ,
        [ sh:path ex:start ; sh:lessThan ex:end ] ,
        [ sh:path ex:colour ; sh:in ( "red" "green" ex:Blue ) ] ,
        [ sh:path ex:tag ; sh:minCount 3 ; sh:maxCount 3 ] ,
        [ sh:path ex:part ; sh:not [ sh:class ex:Thing ] ] ,
        [ sh:path ex:part ; sh:and ( [ sh:nodeKind sh:BlankNodeOrIRI ]
                                     [ sh:property [ sh:path ex:a ; sh:maxCount 1 ] ] ) ] ,
        [ sh:path ex:note ; sh:nodeKind sh:Literal ; sh:uniqueLang true ] ,
        [ sh:path ( ex:part ex:tag ) ; sh:maxCount 2 ] ,
        [ sh:path [ sh:alternativePath ( ex:a ex:b ) ] ; sh:minCount 2 ] ,
        [ sh:path [ sh:zeroOrMorePath ex:part ] ; sh:class ex:Thing ] ,
        [ sh:path ex:size ; sh:datatype xsd:integer ; sh:pattern "^[0-9]{1,2}$" ] ,
        [ sh:path ex:label ; sh:languageIn ( "en" ) ;
          sh:qualifiedValueShape [ sh:pattern "^[A-Z]" ] ; sh:qualifiedMaxCount 1 ] .

ex:NamedShape a sh:NodeShape ;
    sh:targetNode ex:n1 , ex:n2 ;
    sh:targetSubjectsOf ex:colour ;
    sh:targetObjectsOf ex:part ;
    sh:nodeKind sh:IRI ;
    sh:hasValue ex:n1 ;
    sh:or ( [ sh:path ex:a ; sh:minCount 1 ] [ sh:class ex:Thing ] ) .
"""

FEATURE_DATA = """
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .

ex:t1 a ex:Thing ; ex:a ex:x , ex:y ; ex:b ex:x ; ex:c ex:y ;
    ex:start 5 ; ex:end 3 ; ex:colour "red" , "blue" , ex:Blue ;
    ex:tag 1 , 2 ; ex:part ex:t2 , [ ex:a 1 , 2 ] , "loose" ;
    ex:note "a"@en , "b"@EN , "c"@id , ex:n1 ;
    ex:size 7 , 123 , "8" , "x"^^xsd:integer ;
    ex:label "One"@en , "Two"@en , "three"@en-GB , "vier"@de .
ex:t2 a ex:Thing ; ex:a ex:x , ex:z ; ex:b ex:x , ex:z ;
    ex:start "2020-01-01"^^xsd:date ; ex:end "2019-01-01"^^xsd:date ;
    ex:tag 1 , 2 , 3 , 4 ; ex:part ex:t1 .
ex:t3 a ex:Thing ; ex:start "a" ; ex:end 3 ; ex:tag "x" , "y" , "z" ; ex:a ex:q , ex:r .
"""


def test_same_results_for_every_supported_feature() -> None:
    """Features the CityPact shapes do not use yet, on a tiny graph built to break them."""
    shapes = Graph().parse(data=FEATURE_SHAPES, format="turtle")
    data = Graph().parse(data=FEATURE_DATA, format="turtle")
    sparql = Validator(shapes, Graph(), "sparql")
    assert sparql.engine == "sparql"
    results, _ = compare((sparql, Validator(shapes, Graph(), "pyshacl")), data)
    assert results >= 20
