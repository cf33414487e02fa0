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
