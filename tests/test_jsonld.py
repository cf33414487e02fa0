"""The JSON-LD context: shipped as a file, kept in sync with the ontology, covering the data,
and giving short readable terms; the writer never needs the network."""

from __future__ import annotations

import json

import pytest
from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from accsm_kg.export import union_triples
from accsm_kg.jsonld import (
    ContextError,
    TermTable,
    format_context,
    generate_context,
    load_context,
    load_overrides,
    to_jsonld,
)
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.resources import asset_dir

ARC_KH = "https://w3id.org/accsm-kg/id/arc/kh"
CTY_KH = "https://w3id.org/accsm-kg/id/country/kh"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_knowledge_graph()


@pytest.fixture(scope="module")
def document(kg: KnowledgeGraph) -> dict:
    return json.loads(to_jsonld(union_triples(kg)))


def _refuse(url: str, options: object = None) -> dict:
    raise AssertionError(f"pyld tried to load {url}")


def _node(document: dict, iri: str) -> dict:
    return next(node for node in document["@graph"] if node["id"] == iri)


def test_shipped_context_is_the_generated_one(kg: KnowledgeGraph) -> None:
    shipped = (asset_dir("jsonld") / "context.jsonld").read_text(encoding="utf-8")
    generated = format_context(generate_context(kg.ontology_graph(), load_overrides()))
    assert shipped == generated, (
        "jsonld/context.jsonld is out of date: python -m accsm_kg.jsonld > jsonld/context.jsonld"
    )


def test_context_covers_every_property_the_data_uses(kg: KnowledgeGraph) -> None:
    table = TermTable(load_context())
    used = {p for _, p, _ in union_triples(kg) if p != RDF.type}
    missing = sorted(str(p) for p in used if str(p) not in table.properties)
    assert not missing


def test_every_accsm_class_has_a_term(kg: KnowledgeGraph) -> None:
    table = TermTable(load_context())
    classes = {o for _, p, o in union_triples(kg) if p == RDF.type}
    accsm = {str(c) for c in classes if str(c).startswith("https://w3id.org/accsm-kg/ontology/")}
    assert accsm <= set(table.classes)


def test_terms_are_short_and_readable(document: dict) -> None:
    arc = _node(document, ARC_KH)
    assert arc["type"] == "ResourceCentre"
    assert arc["hostCountry"] == CTY_KH
    country = _node(document, CTY_KH)
    assert country["label"]["en"] == "Cambodia"
    assert set(country["label"]) == {"en", "vi", "km", "th"}
    assert country["sameAs"] == "http://www.wikidata.org/entity/Q424"


def test_dates_and_integers_are_typed_by_the_context(document: dict) -> None:
    context = document["@context"]
    assert context["startSortDate"] == {"@id": "accsm:startSortDate", "@type": "xsd:date"}
    assert context["ordinal"] == {"@id": "accsm:ordinal", "@type": "xsd:integer"}
    dated = [n for n in document["@graph"] if "startSortDate" in n]
    assert dated and all(isinstance(n["startSortDate"], str) for n in dated)
    # a date given by year keeps its precision as an explicit value object
    by_year = [n["startDate"] for n in document["@graph"] if isinstance(n.get("startDate"), dict)]
    assert {"@value": "2008", "@type": "xsd:gYear"} in by_year


def test_the_context_is_embedded_not_referenced(document: dict) -> None:
    assert isinstance(document["@context"], dict)
    assert document["@context"] == load_context()


def test_values_that_do_not_fit_their_term_are_kept() -> None:
    s = URIRef("https://w3id.org/accsm-kg/id/country/xx")
    triples = {
        (s, SKOS.prefLabel, Literal("no language")),  # a language map cannot hold it
        (s, SKOS.prefLabel, Literal("Xland", lang="en")),
        (s, URIRef("https://w3id.org/accsm-kg/ontology/hostCountry"), Literal("a literal")),
        (s, URIRef("https://w3id.org/accsm-kg/ontology/ordinal"), Literal("1.5")),
        (s, URIRef("http://example.org/unknown"), URIRef("http://example.org/o")),
    }
    text = to_jsonld(triples)
    options = {"format": "application/n-quads", "documentLoader": _refuse}
    nquads = jsonld.to_rdf(json.loads(text), options)
    assert set(Graph().parse(data=nquads, format="nt")) == triples
    node = json.loads(text)["@graph"][0]
    assert node["label"] == {"en": "Xland"}
    assert node["skos:prefLabel"] == "no language"


def test_generation_refuses_a_term_name_used_twice(kg: KnowledgeGraph) -> None:
    overrides = load_overrides()
    overrides["terms"] = {**overrides["terms"], "skos:altLabel": {"term": "label", "kind": "iri"}}
    with pytest.raises(ContextError, match="'label'"):
        generate_context(kg.ontology_graph(), overrides)
    overrides = load_overrides()
    overrides["terms"] = {**overrides["terms"], "foaf:name": {"term": "org", "kind": "iri"}}
    with pytest.raises(ContextError, match="'org' names both a prefix and a property"):
        generate_context(kg.ontology_graph(), overrides)
