"""Parameter binding: where the VALUES block goes (more cases in test_query.py)."""

from __future__ import annotations

from rdflib import Literal, URIRef

from accsm_kg.bind import apply_bindings
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
