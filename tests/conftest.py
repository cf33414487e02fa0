"""Shared test helpers: paths of the fixtures and a loaded mini knowledge graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph

from accsm_kg.load import KnowledgeGraph, load_knowledge_graph

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
EXTRA = FIXTURES / "extra"


def plain_pyshacl(kg: KnowledgeGraph) -> tuple[bool, Graph]:
    """pySHACL's own verdict and report on ``kg``, called as its documentation shows (a copied
    data union, the ontology mixed in): what accsm_kg.validate must agree with."""
    ontology, shapes = Graph(), Graph()
    ontology += kg.ontology_graph()
    shapes += kg.shapes  # pySHACL adds to the shapes graph it is given
    conforms, report, _ = pyshacl.validate(
        kg.data_graph(),
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    return conforms, report


@pytest.fixture
def mini_kg() -> KnowledgeGraph:
    return load_knowledge_graph(root=MINI)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini fixture (ontology/, data/, shapes/)."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target
