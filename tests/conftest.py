"""Shared test helpers: paths of the fixtures and a loaded mini knowledge graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from accsm_kg.load import KnowledgeGraph, load_knowledge_graph

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
EXTRA = FIXTURES / "extra"


@pytest.fixture
def mini_kg() -> KnowledgeGraph:
    return load_knowledge_graph(root=MINI)


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini fixture (ontology/, data/, shapes/)."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target
