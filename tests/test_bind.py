"""Parameter binding: where the VALUES block goes (more cases in test_query.py)."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from accsm_kg import bind
from accsm_kg.bind import QueryRefused, QuerySyntaxError, apply_bindings, check_read_only
from accsm_kg.engine import OxigraphEngine
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph

PLAN = URIRef("https://w3id.org/accsm-kg/id/work-plan/accsm-2008-2012")
QUERY = """SELECT ?priority WHERE {
  ?plan accsm:hasPriority ?priority .
  FILTER NOT EXISTS { ?priority a accsm:Thrust . OPTIONAL { ?priority accsm:order ?o } }
  OPTIONAL { ?priority skos:notation ?n FILTER EXISTS { ?priority accsm:order ?x } }
}"""


def test_no_values_block_inside_exists_groups() -> None:
    bound = apply_bindings(QUERY, {"plan": PLAN, "lang": Literal("en")})
    # the WHERE group and the OPTIONAL group get the block; the EXISTS groups (and the
    # group nested in one) do not: Virtuoso ignores a NOT EXISTS that holds a VALUES block
    assert bound.count("VALUES (?plan ?lang)") == 2
    assert "NOT EXISTS { ?priority a accsm:Thrust . OPTIONAL { ?priority" in bound
    assert "FILTER EXISTS { ?priority accsm:order ?x }" in bound


def test_exists_still_sees_the_bound_values() -> None:
    kg: KnowledgeGraph = load_knowledge_graph()
    text = """PREFIX accsm: <https://w3id.org/accsm-kg/ontology/>
    SELECT ?priority WHERE { ?plan accsm:hasPriority ?priority .
      FILTER NOT EXISTS { ?plan accsm:hasPriority ?priority . ?priority a accsm:Thrust } }"""
    rows = OxigraphEngine(kg).query(text, {"plan": PLAN}).rows
    everything = OxigraphEngine(kg).query(text.replace("FILTER NOT EXISTS", "OPTIONAL"), {})
    assert 0 < len(rows) < len({r["priority"] for r in everything.rows})
    assert all("accsm-2008-2012" in str(r["priority"]) for r in rows)


def test_lean_binding_leaves_leaf_optional_groups_alone() -> None:
    text = """SELECT ?plan ?label WHERE {
  ?plan accsm:hasPriority ?p .
  OPTIONAL { ?plan skos:prefLabel ?l FILTER (lang(?l) = ?lang) }
  OPTIONAL { ?plan skos:prefLabel ?e . BIND (?lang AS ?asked) }
  OPTIONAL { ?plan accsm:adoptedAt ?m .
    OPTIONAL { ?m skos:prefLabel ?ml FILTER (lang(?ml) = ?lang) } }
}"""
    assert apply_bindings(text, {"lang": Literal("km")}).count("VALUES") == 5
    bound = apply_bindings(text, {"lang": Literal("km")}, lean=True)
    block = 'VALUES (?lang) { ("km") }'
    # the WHERE group, the OPTIONAL with a BIND and the OPTIONAL holding a group get it;
    # the leaf OPTIONALs (their FILTER is the left join's condition) do not
    assert bound.count(block) == 3
    assert "OPTIONAL { ?plan skos:prefLabel ?l FILTER" in bound
    assert "OPTIONAL { ?m skos:prefLabel ?ml FILTER" in bound


def test_leaf_optional_filters_still_see_the_bound_language() -> None:
    kg = load_knowledge_graph()
    text = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?l WHERE { VALUES ?c { <https://w3id.org/accsm-kg/id/country/kh> }
      OPTIONAL { ?c skos:prefLabel ?l FILTER (lang(?l) = ?lang) } }"""
    rows = OxigraphEngine(kg).query(text, {"lang": Literal("km")}).rows
    assert [r["l"].language for r in rows] == ["km"]


class _Untouchable:
    def query(self, text: str) -> None:
        raise AssertionError(f"the empty store was asked to run {text!r}")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:1/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_fetching_queries_are_refused_before_oxigraph_sees_them(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setattr(bind, "_EMPTY_STORE", _Untouchable())
    with pytest.raises(QueryRefused):
        check_read_only(text)


def test_updates_and_syntax_errors_keep_rdflibs_messages() -> None:
    with pytest.raises(QueryRefused, match="updates are refused"):
        check_read_only("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(QuerySyntaxError, match="syntax error"):
        check_read_only("SELECT ?x WHERE { ?x ")
