"""Oxigraph's own loading holds exactly the quads of rdflib's loading plus the engine."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from accsm_kg.engine import OxigraphEngine
from accsm_kg.fastload import load_store
from accsm_kg.load import LoadError, load_knowledge_graph
from accsm_kg.namespaces import ACCSM

FIXTURES = Path(__file__).parent / "fixtures"
EXTRAS = sorted((FIXTURES / "extra").iterdir())


def _quads(store: object) -> set[str]:
    return {str(quad) for quad in store}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "extra",
    [
        [],
        EXTRAS,
        [FIXTURES / "shapes" / "EventShape" / "invalid.trig"],
        [FIXTURES / "derive" / "dates.trig"],
    ],
    ids=["shipped", "extra-fixtures", "invalid-fixture", "dates-at-every-precision"],
)
def test_same_quads_as_rdflib_loading(extra: list[Path]) -> None:
    fast = load_store(extra)
    slow = OxigraphEngine(load_knowledge_graph(extra)).store
    assert len(fast) == len(slow) > 2000
    assert _quads(fast) == _quads(slow)


def test_dates_at_every_precision_get_their_first_and_last_days() -> None:
    store = load_store([FIXTURES / "derive" / "dates.trig"])
    derived = ox.NamedNode("https://w3id.org/accsm-kg/graph/derived")
    days: dict[str, list[str | None]] = {}
    for quad in store.quads_for_pattern(None, None, None, derived):
        slot = {ACCSM.startSortDate: 0, ACCSM.endSortDate: 1}.get(URIRef(quad.predicate.value))
        if quad.subject.value.startswith("http://example.org/derive/e") and slot is not None:
            days.setdefault(quad.subject.value.rsplit("/", 1)[1], [None, None])[slot] = (
                quad.object.value
            )
    days = {name: tuple(pair) for name, pair in days.items()}  # type: ignore[misc]
    assert days == {
        "e1": ("2024-02-01", "2024-02-29"),
        "e2": ("2023-02-01", "2023-02-28"),
        "e3": ("1900-02-01", "1900-02-28"),
        "e4": ("2000-02-01", "2000-02-29"),
        "e5": ("2019-04-01", "2019-12-31"),
        "e6": ("2016-01-01", "2020-12-31"),
        "e7": ("2015-11-18", "2015-11-20"),
        "e8": (None, "2021-06-30"),
    }
    others = {
        (q.predicate.value.rsplit("/", 1)[1], q.object.value)
        for q in store.quads_for_pattern(ox.NamedNode("http://example.org/derive/d1"), None, None)
        if q.graph_name == derived
    }
    assert others == {("issuedSortDate", "2009-10-01"), ("asOfSortDate", "2021-01-01")}


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
