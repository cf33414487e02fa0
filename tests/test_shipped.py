"""Checks of the shipped ontology, data and shapes, whatever they are at the time.

These fail while the shipped files are incomplete; that is their job.
"""

import pytest
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, RDF

from accsm_kg.load import KnowledgeGraph, load_knowledge_graph, parse_file
from accsm_kg.namespaces import META_GRAPH, ONTOLOGY_IRI
from accsm_kg.provenance import describe_graph
from accsm_kg.resources import asset_files
from accsm_kg.stats import compute_stats
from accsm_kg.validate import format_text, validate


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return load_knowledge_graph()


def test_ontology_declares_itself(shipped: KnowledgeGraph) -> None:
    ontology = shipped.ontology_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) is not None


@pytest.mark.parametrize("path", asset_files("data", "*.trig"), ids=lambda p: p.name)
def test_data_file_leaves_the_default_graph_empty(path) -> None:
    assert len(parse_file(path).graph(DATASET_DEFAULT_GRAPH_ID)) == 0


def test_every_data_graph_is_described_in_meta(shipped: KnowledgeGraph) -> None:
    undescribed = [
        str(g)
        for g in shipped.data_graph_ids()
        if not describe_graph(shipped.dataset, g).attributed
    ]
    assert undescribed == []
    assert META_GRAPH in shipped.data_graph_ids()


def test_provenance_coverage_is_complete(shipped: KnowledgeGraph) -> None:
    assert compute_stats(shipped).provenance_coverage_percent == 100.0


def test_shipped_graph_conforms_to_the_shipped_shapes(shipped: KnowledgeGraph) -> None:
    report = validate(shipped)
    assert report.conforms, format_text(report)
