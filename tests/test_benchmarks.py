"""The benchmark generator's 10k graph: valid, and with the shipped provenance pattern."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import PROV, RDF

from accsm_kg.derive import DERIVED_GRAPH
from accsm_kg.load import KnowledgeGraph, default_graph_triples, load_knowledge_graph
from accsm_kg.namespaces import ACCSM, META_GRAPH
from accsm_kg.validate import validate

GENERATOR = Path(__file__).parent.parent / "benchmarks" / "generate.py"
KINDS = (ACCSM.SourcePassage, ACCSM.CuratedGraph, ACCSM.PublicReferenceGraph, ACCSM.DerivedGraph)


def _generator():
    spec = importlib.util.spec_from_file_location("benchmark_generate", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    path = tmp_path_factory.mktemp("bench") / "synthetic-10k.trig"
    path.write_text(_generator().generate(6000), encoding="utf-8")
    return load_knowledge_graph([path])


def test_about_10k_triples(grown: KnowledgeGraph) -> None:
    assert 9_000 <= len(grown.dataset) <= 11_000


def test_grown_graph_is_valid_without_a_single_result(grown: KnowledgeGraph) -> None:
    report = validate(grown)
    assert report.results == []


def test_every_graph_is_described_as_the_shipped_ones_are(grown: KnowledgeGraph) -> None:
    meta = grown.dataset.graph(META_GRAPH)
    assert default_graph_triples(grown) == 0
    synthetic = [g for g in grown.data_graph_ids() if "/graph/syn-" in str(g)]
    assert len(synthetic) > 300
    for name in [*grown.data_graph_ids(), META_GRAPH]:
        kinds = [k for k in KINDS if (name, RDF.type, k) in meta]
        assert len(kinds) == 1, f"{name} is described as {kinds}"
        if kinds == [ACCSM.SourcePassage]:
            source = meta.value(name, PROV.wasDerivedFrom)
            assert (source, RDF.type, ACCSM.SourceDocument) in meta
            assert meta.value(name, ACCSM.locator) is not None
    assert DERIVED_GRAPH in grown.data_graph_ids()


def test_the_mix_grows_events_documents_people_and_few_countries(
    grown: KnowledgeGraph,
) -> None:
    union = grown.data_graph()

    def count(cls: str) -> int:
        return len(set(union.subjects(RDF.type, URIRef(str(ACCSM) + cls))))

    assert count("Workshop") + count("Forum") + count("Programme") > 50
    assert count("JointStatement") + count("Declaration") > 50
    assert count("GovernmentAgency") > 50
    assert 10 < count("Country") < 60
    assert count("ResourceCentre") > 10 and count("WorkPlan") > 3
    # numbered ACCSM meetings go on from the shipped ones (22), one a month from 2030
    meeting = URIRef("https://w3id.org/accsm-kg/id/event/accsm-23")
    assert (meeting, RDF.type, ACCSM.AccsmMeeting) in union


def test_the_generator_is_repeatable() -> None:
    generate = _generator().generate
    assert generate(2000, seed=7) == generate(2000, seed=7)
    assert generate(2000, seed=7) != generate(2000, seed=8)
