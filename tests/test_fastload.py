"""Oxigraph's own loading holds exactly the quads of rdflib's loading plus the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from accsm_kg.engine import OxigraphEngine
from accsm_kg.fastload import load_store
from accsm_kg.load import LoadError, load_knowledge_graph

FIXTURES = Path(__file__).parent / "fixtures"
EXTRAS = sorted((FIXTURES / "extra").iterdir())


def _quads(store: object) -> set[str]:
    return {str(quad) for quad in store}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "extra",
    [[], EXTRAS, [FIXTURES / "shapes" / "EventShape" / "invalid.trig"]],
    ids=["shipped", "extra-fixtures", "invalid-fixture"],
)
def test_same_quads_as_rdflib_loading(extra: list[Path]) -> None:
    fast = load_store(extra)
    slow = OxigraphEngine(load_knowledge_graph(extra)).store
    assert len(fast) == len(slow) > 2000
    assert _quads(fast) == _quads(slow)


def test_same_quads_for_another_root() -> None:
    mini = FIXTURES / "mini"
    assert _quads(load_store(root=mini)) == _quads(
        OxigraphEngine(load_knowledge_graph(root=mini)).store
    )


def test_a_syntax_error_is_reported_as_rdflib_loading_reports_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("@prefix ex: <http://example.org/> .\n\nex:g { ex:a ex:b }\n", encoding="utf-8")
    with pytest.raises(LoadError) as slow:
        load_knowledge_graph([bad])
    with pytest.raises(LoadError) as fast:
        load_store([bad])
    assert str(fast.value) == str(slow.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!DOCTYPE x>", "refusing a file that declares <!DOCTYPE"),
        (
            "<https://w3id.org/accsm-kg/graph/ontology> { <urn:a> <urn:b> <urn:c> }",
            "the graph name <https://w3id.org/accsm-kg/graph/ontology> is reserved",
        ),
        (
            "<https://w3id.org/accsm-kg/graph/derived> { <urn:a> <urn:b> <urn:c> }",
            "the graph name <https://w3id.org/accsm-kg/graph/derived> is reserved",
        ),
    ],
)
def test_refused_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "refused.trig"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(LoadError, match=message.replace("<", ".").replace(">", ".")):
        load_store([path])
    with pytest.raises(LoadError, match=message.replace("<", ".").replace(">", ".")):
        load_knowledge_graph([path])


def test_a_byte_order_mark_is_read_as_rdflib_loading_reads_it(tmp_path: Path) -> None:
    shipped = FIXTURES / "shapes" / "EventShape" / "valid.trig"
    with_bom = tmp_path / "bom.trig"
    with_bom.write_bytes(b"\xef\xbb\xbf" + shipped.read_bytes())
    fast = load_store([with_bom])
    assert _quads(fast) == _quads(OxigraphEngine(load_knowledge_graph([with_bom])).store)
    assert len(fast) > len(load_store())


def test_invalid_utf8_is_reported_as_rdflib_loading_reports_it(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.trig"
    bad.write_bytes(b'@prefix ex: <http://example.org/> .\n\nex:g { ex:a ex:b "caf\xe9" . }\n')
    with pytest.raises(LoadError) as slow:
        load_knowledge_graph([bad])
    with pytest.raises(LoadError) as fast:
        load_store([bad])
    assert "UTF-8" in str(slow.value)
    assert str(fast.value) == str(slow.value)
