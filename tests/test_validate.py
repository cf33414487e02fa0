import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import URIRef

import accsm_kg.validate as validate_module
from accsm_kg import shacl_sparql
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.namespaces import ARC, CTY, MBR, ORGN
from accsm_kg.validate import (
    Report,
    ValidationError,
    format_report,
    validate,
)
from conftest import EXTRA, MINI, plain_pyshacl


def report_with(*extra: str) -> Report:
    return validate(load_knowledge_graph([EXTRA / name for name in extra], root=MINI))


def test_valid_mini_fixture_conforms(mini_kg: KnowledgeGraph) -> None:
    report = validate(mini_kg)
    assert report.conforms
    assert report.results == []


def test_violation_found_through_the_ontologys_subclass_axiom() -> None:
    report = report_with("organisations-without-preflabel.trig")
    assert not report.conforms
    by_focus = {r.focus_node: r for r in report.violations}
    assert set(by_focus) == {ARC.unnamed, ORGN["civil-service-board"]}
    arc = by_focus[ARC.unnamed]  # typed only accsm:ResourceCentre ⊑ org:FormalOrganization
    assert arc.message == "An organisation needs a preferred label."
    assert arc.severity == "Violation"
    assert arc.path == "skos:prefLabel"
    assert arc.focus_label is None
    assert (
        arc.source_shape
        == "http://example.org/test-shapes/OrganisationShape (property skos:prefLabel)"
    )
    assert arc.source_passages == [("Mini work plan", "§9")]


def test_focus_label_falls_back_to_rdfs_label() -> None:
    report = report_with("organisations-without-preflabel.trig")
    board = next(r for r in report.results if r.focus_node == ORGN["civil-service-board"])
    assert board.focus_label == "Civil Service Board"


def test_sparql_constraint_sees_the_ontology() -> None:
    report = report_with("membership-of-an-organisation.trig")
    [result] = report.results
    assert result.focus_node == MBR["accsm-asean"]
    assert result.value == ORGN.asean
    assert result.message == "A membership's member must be a country."
    assert result.source_passages == [("curators' addition", "")]


def test_warnings_do_not_fail() -> None:
    report = report_with("country-without-english-name.trig")
    assert report.conforms
    [warning] = report.warnings
    assert warning.focus_node == CTY.th
    assert warning.severity == "Warning"
    assert warning.message == "A country should have an English name."


def test_passages_of_a_focus_stated_in_several_graphs(mini_kg: KnowledgeGraph) -> None:
    passages = validate_module._passages(mini_kg, ARC.vn)
    assert passages == [
        ("Mini work plan", "§1"),
        ("curators' addition", "English names and a recorded conflict."),
    ]


def test_text_report_has_one_block_per_result() -> None:
    text = format_report(report_with("organisations-without-preflabel.trig"), "text")
    assert text.startswith("Validation: does not conform — 2 violations, 0 warnings")
    assert "== Violation (2) ==" in text
    assert text.count("Violation: An organisation needs a preferred label.") == 2
    assert "focus:  orgn:civil-service-board (Civil Service Board)" in text
    assert "stated: Mini work plan — §9" in text


def test_json_report_is_a_list_of_results() -> None:
    data = json.loads(format_report(report_with("membership-of-an-organisation.trig"), "json"))
    assert data == [
        {
            "focus_node": str(MBR["accsm-asean"]),
            "focus_label": None,
            "path": None,
            "value": str(ORGN.asean),
            "message": "A membership's member must be a country.",
            "severity": "Violation",
            "source_shape": "http://example.org/test-shapes/MembershipShape",
            "source_passages": [{"source": "curators' addition", "locator": ""}],
        }
    ]


def test_turtle_report_parses_as_a_shacl_report() -> None:
    text = format_report(report_with("organisations-without-preflabel.trig"), "turtle")
    graph = Graph().parse(data=text, format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    assert len(list(graph.objects(report, SH.result))) == 2


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        format_report(report_with(), "xml")


def test_shapes_that_could_fetch_are_refused(mini_copy: Path) -> None:
    (mini_copy / "shapes" / "service.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://example.org/S> a sh:NodeShape ;
    sh:targetNode <http://example.org/x> ;
    sh:sparql [ sh:message "x"@en ;
        sh:select "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/q> { $this ?p ?o } }" ] .
""",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="SERVICE"):
        validate(load_knowledge_graph(root=mini_copy))


def test_a_validation_failure_is_an_error(
    mini_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyshacl reports some failures as conforms=False plus a text, without raising."""
    failure = validate_module.pyshacl.errors.ValidationFailure("something broke")

    def fake_validate(*args: object, **kwargs: object) -> tuple[bool, object, str]:
        return False, failure, "Validation Failure - something broke"

    monkeypatch.setattr(validate_module.pyshacl, "validate", fake_validate)
    with pytest.raises(ValidationError, match="Validation Failure - something broke"):
        validate(mini_kg)


def test_non_conformance_without_violations_is_an_error(
    mini_kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_validate(*args: object, **kwargs: object) -> tuple[bool, Graph, str]:
        return False, Graph(), "Conforms: False"

    monkeypatch.setattr(validate_module.pyshacl, "validate", fake_validate)
    with pytest.raises(ValidationError, match="without a violation"):
        validate(mini_kg)


def test_no_shapes_is_an_error(mini_copy: Path) -> None:
    """Validating against nothing would pass anything."""
    (mini_copy / "shapes" / "mini.ttl").unlink()
    with pytest.raises(ValidationError, match="no shapes"):
        validate(load_knowledge_graph(root=mini_copy))


def test_broken_shapes_are_an_error(mini_copy: Path) -> None:
    (mini_copy / "shapes" / "broken.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://example.org/S> a sh:NodeShape ; sh:targetNode <http://example.org/x> ;
    sh:property [ sh:path "not a path" ; sh:minCount 1 ] .
""",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError):
        validate(load_knowledge_graph(root=mini_copy))


def test_render_path_for_complex_paths() -> None:
    graph = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix org: <http://www.w3.org/ns/org#> .
<http://e/s> <http://e/p> (
    [ sh:inversePath org:member ] [ sh:zeroOrMorePath org:subOrganizationOf ] ) .
""",
        format="turtle",
    )
    path = graph.value(URIRef("http://e/s"), URIRef("http://e/p"))
    assert validate_module.render_path(graph, path) == "^org:member/(org:subOrganizationOf)*"


def test_a_shape_without_message_still_gets_one(mini_copy: Path) -> None:
    (mini_copy / "shapes" / "silent.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://example.org/Silent> a sh:NodeShape ;
    sh:targetNode <https://w3id.org/accsm-kg/id/country/vn> ;
    sh:sparql [ sh:select "SELECT $this WHERE { FILTER(true) }" ] .
""",
        encoding="utf-8",
    )
    [result] = validate(load_knowledge_graph(root=mini_copy)).results
    assert result.focus_node == CTY.vn
    assert result.focus_label == "Viet Nam"
    assert result.message


def test_node_shape_names_the_parent_of_a_property_shape() -> None:
    report = report_with("organisations-without-preflabel.trig")
    assert {r.node_shape for r in report.results} == {
        "http://example.org/test-shapes/OrganisationShape"
    }
    sparql = report_with("membership-of-an-organisation.trig")
    assert [r.node_shape for r in sparql.results] == [
        "http://example.org/test-shapes/MembershipShape"
    ]


def test_named_shape_walks_up_through_lists_and_nesting() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://e/Shape> a sh:NodeShape ;
    sh:property [ sh:path <http://e/p> ;
        sh:or ( [ sh:datatype xsd:date ] [ sh:node [ sh:datatype xsd:gYear ] ] ) ] .
<http://e/loose> <http://e/q> [ sh:datatype xsd:string ] .
""",
        format="turtle",
    )
    shape = URIRef("http://e/Shape")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    date, year, loose = (
        shapes.value(predicate=SH.datatype, object=URIRef(xsd + name))
        for name in ("date", "gYear", "string")
    )
    for node in (shape, shapes.value(shape, SH.property), date, year):
        assert validate_module.named_shape(shapes, node) == shape
    assert validate_module.named_shape(shapes, loose) is None
    assert validate_module.named_shape(shapes, None) is None


def test_json_report_keeps_its_fields() -> None:
    data = json.loads(format_report(report_with("membership-of-an-organisation.trig"), "json"))
    assert "node_shape" not in data[0]


def test_each_sparql_text_is_parsed_once_by_rdflib() -> None:
    shacl_sparql._prepared_query.cache_clear()
    kg = load_knowledge_graph([EXTRA / "membership-of-an-organisation.trig"], root=MINI)
    validate(kg, sparql="rdflib")
    first = shacl_sparql._prepared_query.cache_info()
    validate(kg, sparql="rdflib")
    second = shacl_sparql._prepared_query.cache_info()
    assert first.misses == second.misses == 1  # the mini shapes have one SPARQL constraint
    assert second.hits > first.hits


@pytest.mark.parametrize("extra", sorted(p.name for p in EXTRA.iterdir()))
def test_results_are_those_of_plain_pyshacl(extra: str) -> None:
    """Reusing parsed queries and validating in place change nothing in the results."""
    kg = load_knowledge_graph([EXTRA / extra], root=MINI)
    _, plain = plain_pyshacl(kg)
    expected = {
        (
            plain.value(r, SH.focusNode),
            str(plain.value(r, SH.resultMessage)),
            plain.value(r, SH.value),
        )
        for r in plain.subjects(RDF.type, SH.ValidationResult)
    }
    assert {(r.focus_node, r.message, r.value) for r in validate(kg).results} == expected


def test_validation_gives_back_what_it_set_aside_from_the_collector() -> None:
    """validate() freezes the loaded graph for Python's collector while pySHACL runs; the
    process must not be left with frozen objects afterwards, also when validation fails."""
    import gc

    kg = load_knowledge_graph([EXTRA / "membership-of-an-organisation.trig"], root=MINI)
    assert gc.get_freeze_count() == 0
    assert not validate(kg).conforms
    assert gc.get_freeze_count() == 0
    kg.shapes.add((URIRef("urn:x:shape"), SH.sparql, URIRef("urn:x:broken-constraint")))
    kg.shapes.add((URIRef("urn:x:shape"), RDF.type, SH.NodeShape))
    kg.shapes.add((URIRef("urn:x:shape"), SH.targetNode, URIRef("urn:x:focus")))
    with pytest.raises(ValidationError):
        validate(kg)
    assert gc.get_freeze_count() == 0
