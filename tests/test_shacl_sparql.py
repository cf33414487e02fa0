"""The shapes' SPARQL queries answered by Oxigraph give exactly pySHACL's own report.

validate() hands pySHACL a data graph whose SPARQL queries run on an Oxigraph copy
(accsm_kg.shacl_sparql). Its report graph must be isomorphic to the report pySHACL writes
when rdflib answers the queries, on the shipped graph and on the shipped graph plus each
invalid shape fixture (every SPARQL constraint is proved by one of them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from accsm_kg.load import KnowledgeGraph, extend_knowledge_graph, load_knowledge_graph
from accsm_kg.shacl_sparql import OxigraphQueryGraph
from accsm_kg.validate import validate
from conftest import plain_pyshacl

SHAPE_FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
INVALID = sorted(SHAPE_FIXTURES.glob("*/invalid.trig"))
EX = "http://example.org/"


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return load_knowledge_graph()


def test_shipped_graph_report_is_plain_pyshacls(shipped: KnowledgeGraph) -> None:
    plain_conforms, plain = plain_pyshacl(shipped)
    report = validate(shipped)
    assert report.sparql_engine == "oxigraph"
    assert plain_conforms and report.conforms
    assert isomorphic(report.graph, plain)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.parent.name)
def test_same_report_as_rdflib_answering(shipped: KnowledgeGraph, path: Path) -> None:
    kg = extend_knowledge_graph(shipped, [path])
    by_oxigraph = validate(kg)
    by_rdflib = validate(kg, sparql="rdflib")
    assert by_oxigraph.sparql_engine == "oxigraph" and by_rdflib.sparql_engine == "rdflib"
    assert by_rdflib.results, "an invalid fixture must give results"
    assert isomorphic(by_oxigraph.graph, by_rdflib.graph)


def _graph(*triples: tuple[object, object, object]) -> OxigraphQueryGraph:
    """A view of a dataset holding ``triples`` in a named graph."""
    dataset = Dataset()
    named = dataset.graph(URIRef(EX + "graph"))
    for triple in triples:
        named.add(triple)  # type: ignore[arg-type]
    return OxigraphQueryGraph(dataset)


def test_a_literal_oxigraph_would_rewrite_sends_every_query_to_rdflib() -> None:
    """Oxigraph stores "1.50"^^xsd:decimal as "1.5" (rdflib keeps "1.50"): an answer from
    the copy would then hold a term the graph does not have."""
    thing, p = URIRef(EX + "thing"), URIRef(EX + "p")
    written = Literal("1.50", datatype=XSD.decimal)
    graph = _graph((thing, p, written))
    rows = list(
        graph.query(f"SELECT $this ?v WHERE {{ $this <{p}> ?v }}", initBindings={"this": thing})
    )
    assert not graph.uses_oxigraph and graph.oxigraph_queries == 0
    assert [str(row.v) for row in rows] == ["1.50"]


def test_canonical_literals_are_answered_by_oxigraph_with_the_same_terms() -> None:
    thing, p = URIRef(EX + "thing"), URIRef(EX + "p")
    values = {
        Literal("5", datatype=XSD.integer),
        Literal("2020-02", datatype=XSD.gYearMonth),
        Literal("ស្រុក", lang="km"),
        Literal("plain"),
    }
    graph = _graph(*((thing, p, v) for v in values))
    rows = list(
        graph.query(f"SELECT $this ?v WHERE {{ $this <{p}> ?v }}", initBindings={"this": thing})
    )
    assert graph.uses_oxigraph and graph.oxigraph_queries == 1
    assert {row.v for row in rows} == values
    assert all(isinstance(row.v, Literal) for row in rows)


def test_a_query_oxigraph_refuses_is_answered_by_rdflib() -> None:
    """Oxigraph substitutes only projected variables; pySHACL may pre-bind others."""
    thing, p = URIRef(EX + "thing"), URIRef(EX + "p")
    graph = _graph((thing, p, Literal("x")))
    rows = list(graph.query(f"SELECT ?v WHERE {{ $this <{p}> ?v }}", initBindings={"this": thing}))
    assert [row.v for row in rows] == [Literal("x")]
    assert graph.uses_oxigraph and graph.oxigraph_queries == 0
