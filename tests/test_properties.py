"""Property-based tests for the parts that take outside text or write RDF: parameter binding
and the exports' round trips (generated graphs with Khmer/Thai text, language tags,
datatypes and blank nodes)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from accsm_kg.bind import ParamError, resolve_iri, to_term
from accsm_kg.catalog import Param, parse_saved_query
from accsm_kg.engine import OxigraphEngine
from accsm_kg.export import to_nquads, to_ntriples, to_rdfxml, to_trig, to_turtle
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.namespaces import BASE
from accsm_kg.query import run_saved

SCRIPTS = "abc xyzកខគឃងចឆ្នាំกขคงจฉภาษาไทยăâđêôơưạảấ\"'\\<>{}#\n\t"
text = st.text(alphabet=st.sampled_from(list(SCRIPTS)), max_size=30)
local = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
iris = local.map(lambda s: URIRef(f"{BASE}id/test/{s}"))
literals = st.one_of(
    text.map(Literal),
    st.tuples(text, st.sampled_from(["en", "vi", "km", "th", "en-gb"])).map(
        lambda t: Literal(t[0], lang=t[1])
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(
        lambda n: Literal(str(n), datatype=XSD.integer)
    ),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)).map(
        lambda d: Literal(d.isoformat(), datatype=XSD.date)
    ),
    st.integers(min_value=1900, max_value=2100).map(lambda y: Literal(str(y), datatype=XSD.gYear)),
)
bnodes = st.sampled_from([BNode("b1"), BNode("b2"), BNode("b3")])
triples = st.tuples(st.one_of(iris, bnodes), iris, st.one_of(iris, bnodes, literals))


def _graph(items: list) -> Graph:
    graph = Graph()
    for triple in items:
        graph.add(triple)
    return graph


@settings(max_examples=60, deadline=None)
@given(st.lists(triples, min_size=1, max_size=15))
def test_turtle_and_ntriples_round_trip(items: list) -> None:
    graph = _graph(items)
    for writer, fmt in ((to_turtle, "turtle"), (to_ntriples, "nt")):
        back = Graph().parse(data=writer(set(graph)), format=fmt)
        assert isomorphic(back, graph), fmt


def _xml_safe(graph: Graph) -> bool:
    return all(
        not isinstance(o, Literal) or ("\r" not in o and all(c >= " " or c in "\n\t" for c in o))
        for o in graph.objects()
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(triples, min_size=1, max_size=15))
def test_rdfxml_round_trips(items: list) -> None:
    graph = _graph(items)
    assume(_xml_safe(graph))  # XML 1.0 cannot carry control characters or CR
    back = Graph().parse(data=to_rdfxml(set(graph)), format="xml")
    assert isomorphic(back, graph)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(triples, st.sampled_from(["g1", "g2"])), min_size=1, max_size=12))
def test_trig_and_nquads_round_trip(items: list) -> None:
    dataset = Dataset()
    quads = set()
    for (s, p, o), g in items:
        name = URIRef(f"{BASE}graph/{g}")
        dataset.graph(name).add((s, p, o))
        quads.add((s, p, o, name))
    for writer, fmt in ((to_trig, "trig"), (to_nquads, "nquads")):
        back = Dataset().parse(data=writer(quads), format=fmt)
        for name in {q[3] for q in quads}:
            assert isomorphic(back.graph(name), dataset.graph(name)), fmt


# --------------------------------------------------------------------------- binding

ECHO = parse_saved_query(
    "# title: echo\n# param: value (text, required)\nSELECT ?value WHERE { }", "echo"
)


@pytest.fixture(scope="module")
def engine() -> OxigraphEngine:
    kg: KnowledgeGraph = load_knowledge_graph()
    return OxigraphEngine(kg)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_any_text_value_comes_back_as_the_same_literal(engine, value: str) -> None:
    result = run_saved(engine, ECHO, {"value": value}).result
    assert result.rows == [{"value": Literal(value)}]


@given(st.text(max_size=100))
def test_an_iri_parameter_is_refused_or_a_clean_iri_of_its_kind(value: str) -> None:
    try:
        iri = resolve_iri(value, "work-plan")
    except ParamError:
        return
    assert str(iri).startswith(f"{BASE}id/work-plan/")
    assert not any(c in str(iri) for c in ' <>"{}|^`\\\n\t')


@given(st.text(max_size=20))
def test_a_language_parameter_is_one_of_four_or_refused(value: str) -> None:
    param = Param("lang", "lang")
    try:
        term = to_term(param, value)
    except ParamError:
        return
    assert str(term) in ("en", "vi", "km", "th")
