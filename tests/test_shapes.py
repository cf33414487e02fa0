"""Every SHACL shape is proved by a fixture it rejects and a near-twin fixture it accepts.

The manifest is the folder tests/fixtures/shapes/: one sub-folder per node shape of
shapes/*.ttl, named after the shape's local name, holding ``invalid.trig`` and ``valid.trig``.
Each is a small addition to the shipped data. The invalid fixture must make its shape report
(every constraint of the shape, and no other shape); the valid twin must leave the whole graph
without a single result.

The shipped graph is loaded once per session; each fixture is added to a copy of it with
:func:`accsm_kg.load.extend_knowledge_graph`, which derives the comparable dates and the graph
index again, exactly as loading the files together would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from accsm_kg.load import KnowledgeGraph, extend_knowledge_graph, load_knowledge_graph
from accsm_kg.namespaces import ASH, curie
from accsm_kg.resources import asset_files
from accsm_kg.validate import Report, validate

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"

#: Parameters that make a node shape itself a constraint (not only its property shapes).
NODE_LEVEL_PARAMETERS = (
    SH["or"],
    SH["and"],
    SH.xone,
    SH["not"],
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.hasValue,
    SH.node,
    SH.closed,
    SH.pattern,
    SH.languageIn,
    SH.minLength,
    SH.maxLength,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
)


def _parse_shapes() -> Graph:
    shapes = Graph()
    for path in asset_files("shapes", "*.ttl"):
        shapes.parse(path, format="turtle")
    return shapes


SHAPES = _parse_shapes()
NODE_SHAPES = sorted(
    shape
    for shape in SHAPES.subjects(RDF.type, SH.NodeShape)
    if isinstance(shape, URIRef) and shape.startswith(str(ASH))
)


def local_name(shape: URIRef) -> str:
    return shape.removeprefix(str(ASH))


def fixture(shape: URIRef, kind: str) -> Path:
    return FIXTURES / local_name(shape) / f"{kind}.trig"


def english_message(node: Node) -> str | None:
    messages = [m for m in SHAPES.objects(node, SH.message) if isinstance(m, Literal)]
    english = sorted(str(m) for m in messages if m.language == "en")
    return english[0] if english else None


def parts(shape: Node) -> list[Node]:
    """The property shapes and SPARQL constraints of a node shape."""
    return [c for p in (SH.property, SH.sparql) for c in SHAPES.objects(shape, p)]


def has_node_level_constraint(shape: Node) -> bool:
    return any((shape, p, None) in SHAPES for p in NODE_LEVEL_PARAMETERS)


def constraint_messages(shape: URIRef) -> set[str]:
    """The message each constraint of ``shape`` reports with.

    pyshacl reports a property shape's or SPARQL constraint's own sh:message, and the node
    shape's for node-level parameters (sh:or …). A constraint without a message of its own
    reports a generated text and is left out here.
    """
    messages = {english_message(part) for part in parts(shape)}
    if has_node_level_constraint(shape):
        messages.add(english_message(shape))
    return {m for m in messages if m is not None}


def reports_only_warnings(shape: URIRef) -> bool:
    """True when every result ``shape`` can give is a warning.

    Property shapes have their own severity; SPARQL constraints and node-level parameters
    take the node shape's.
    """
    node_warns = SHAPES.value(shape, SH.severity) == SH.Warning
    severities = [
        SHAPES.value(p, SH.severity) == SH.Warning for p in SHAPES.objects(shape, SH.property)
    ]
    if any(SHAPES.objects(shape, SH.sparql)) or has_node_level_constraint(shape):
        severities.append(node_warns)
    return bool(severities) and all(severities)


@pytest.fixture(scope="session")
def shipped() -> KnowledgeGraph:
    return load_knowledge_graph()


@pytest.fixture(scope="session")
def report_of(shipped: KnowledgeGraph) -> Callable[[Path], Report]:
    """Validate the shipped graph plus one fixture file (each file validated once a session)."""
    cache: dict[Path, Report] = {}

    def report_of(path: Path) -> Report:
        if path not in cache:
            cache[path] = validate(extend_knowledge_graph(shipped, [path]))
        return cache[path]

    return report_of


def test_every_node_shape_is_named_in_the_shapes_namespace() -> None:
    assert NODE_SHAPES
    strays = [s for s in SHAPES.subjects(RDF.type, SH.NodeShape) if s not in NODE_SHAPES]
    assert strays == []


def test_at_least_30_constraints() -> None:
    property_shapes = len(list(SHAPES.subject_objects(SH.property)))
    sparql_constraints = len(list(SHAPES.subject_objects(SH.sparql)))
    node_level = sum(
        1
        for shape in SHAPES.subjects(RDF.type, SH.NodeShape)
        for parameter in NODE_LEVEL_PARAMETERS
        for _ in SHAPES.objects(shape, parameter)
    )
    assert property_shapes + sparql_constraints + node_level >= 30


def test_every_shape_and_property_shape_has_a_message() -> None:
    missing = []
    for shape in SHAPES.subjects(RDF.type, SH.NodeShape):
        own = english_message(shape)
        constraints = parts(shape)
        for part in constraints:
            if english_message(part) is None and own is None:
                missing.append(f"{curie(shape)}: a constraint on {SHAPES.value(part, SH.path)}")
        if own is None and (has_node_level_constraint(shape) or not constraints):
            missing.append(curie(shape))
    for shape in SHAPES.subjects(RDF.type, SH.PropertyShape):
        parent = SHAPES.value(predicate=SH.property, object=shape)
        if english_message(shape) is None and (parent is None or english_message(parent) is None):
            missing.append(curie(shape))
    assert missing == []


def test_every_fixture_folder_names_a_shape() -> None:
    names = {local_name(shape) for shape in NODE_SHAPES}
    strays = sorted(p.name for p in FIXTURES.iterdir() if p.name not in names)
    assert strays == []


def test_shipped_data_conforms_without_warnings(shipped: KnowledgeGraph) -> None:
    report = validate(shipped)
    assert report.conforms
    assert report.violations == []
    assert report.warnings == []


@pytest.mark.parametrize("shape", NODE_SHAPES, ids=local_name)
@pytest.mark.parametrize("kind", ["invalid", "valid"])
def test_fixture_says_what_it_proves(shape: URIRef, kind: str) -> None:
    path = fixture(shape, kind)
    assert path.is_file(), f"{curie(shape)} has no {kind} fixture: add {path}"
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith(f"# Proves {curie(shape)} ")


@pytest.mark.parametrize("shape", NODE_SHAPES, ids=local_name)
def test_invalid_fixture_is_rejected_by_its_shape(
    shape: URIRef, report_of: Callable[[Path], Report]
) -> None:
    report = report_of(fixture(shape, "invalid"))
    name = curie(shape)
    own = [r for r in report.results if r.node_shape == name]
    assert own, f"{name} reports nothing for its invalid fixture"
    if reports_only_warnings(shape):
        assert report.conforms
        assert all(r.severity == "Warning" for r in own)
    else:
        assert not report.conforms
        assert any(r.severity == "Violation" for r in own)


@pytest.mark.parametrize("shape", NODE_SHAPES, ids=local_name)
def test_invalid_fixture_breaks_only_its_shape(
    shape: URIRef, report_of: Callable[[Path], Report]
) -> None:
    report = report_of(fixture(shape, "invalid"))
    name = curie(shape)
    others = {f"{r.node_shape}: {r.message}" for r in report.results if r.node_shape != name}
    assert sorted(others) == []


@pytest.mark.parametrize("shape", NODE_SHAPES, ids=local_name)
def test_invalid_fixture_breaks_every_constraint_of_its_shape(
    shape: URIRef, report_of: Callable[[Path], Report]
) -> None:
    report = report_of(fixture(shape, "invalid"))
    reported = {r.message for r in report.results if r.node_shape == curie(shape)}
    assert constraint_messages(shape) - reported == set()


@pytest.mark.parametrize("shape", NODE_SHAPES, ids=local_name)
def test_valid_twin_is_accepted(shape: URIRef, report_of: Callable[[Path], Report]) -> None:
    report = report_of(fixture(shape, "valid"))
    assert report.conforms
    assert [f"{r.node_shape}: {r.message} ({r.focus_node})" for r in report.results] == []
