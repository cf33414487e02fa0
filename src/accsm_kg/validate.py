"""Validate the loaded knowledge graph against the SHACL shapes with pyshacl.

The data graph handed to pyshacl is a read-only view of every graph of the dataset (the data
graphs and the ontology, whose rdfs:subClassOf axioms then count for sh:targetClass), so
nothing is copied. No inference is run and warnings do not make the graph fail.

pyshacl runs each SPARQL-based constraint once per focus node with ``$this`` pre-bound. By
default those queries are answered by Oxigraph from a copy of the data graph
(:mod:`accsm_kg.shacl_sparql`), which keeps validation time linear in the size of the graph;
``sparql="rdflib"`` keeps them in rdflib (parsed once per query text). pyshacl writes the
report either way, and the tests check that both give the same report on the shipped graph
and on every shape fixture.
"""

from __future__ import annotations

import gc
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from accsm_kg.derive import DERIVED_GRAPH
from accsm_kg.labels import label
from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import ONTOLOGY_GRAPH, bind_prefixes, curie
from accsm_kg.provenance import describe_graph, graphs_with_subject
from accsm_kg.shacl_sparql import OxigraphQueryGraph, PreparedQueryGraph

FORMATS = ("text", "turtle", "json")
#: Who answers the shapes' SPARQL queries (pySHACL reports either way).
SPARQL_ENGINES = ("oxigraph", "rdflib")
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_SPARQL_PROPERTIES = (SH.select, SH.ask, SH.construct, SH.update)
# SPARQL that could reach the network (or the file system) from inside a shape.
_FETCHING_SPARQL = re.compile(r"\bSERVICE\b|\bLOAD\b|\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)


class ValidationError(Exception):
    """Validation could not be carried out (broken shapes, a pyshacl Validation Failure)."""


@dataclass
class Result:
    """One SHACL validation result, with what a person needs to find and fix it."""

    focus_node: Node
    focus_label: str | None
    path: str | None
    value: Node | None
    message: str
    severity: str
    source_shape: str
    source_passages: list[tuple[str, str]] = field(default_factory=list)
    #: The named shape the result comes from: the source shape itself, or the node shape
    #: a nested (blank) property shape belongs to; as a display string like source_shape.
    node_shape: str | None = None


@dataclass
class Report:
    results: list[Result]
    graph: Graph
    #: Which engine answered the shapes' SPARQL queries ("rdflib" when Oxigraph answered none).
    sparql_engine: str = "rdflib"

    @property
    def violations(self) -> list[Result]:
        """Results that make the graph wrong (any severity other than Warning or Info)."""
        return [r for r in self.results if r.severity not in {"Warning", "Info"}]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


def check_shapes_offline(shapes: Graph) -> None:
    """Refuse shapes whose SPARQL could fetch from elsewhere (SERVICE, LOAD, FROM <…>)."""
    for prop in _SPARQL_PROPERTIES:
        for shape, text in shapes.subject_objects(prop):
            if _FETCHING_SPARQL.search(str(text)):
                raise ValidationError(
                    f"shape {curie(shape)}: SPARQL with SERVICE, LOAD or FROM is not allowed"
                )


def validate(kg: KnowledgeGraph, *, sparql: str = "oxigraph") -> Report:
    """Validate ``kg``'s data against its shapes; ValidationError if that cannot be done.

    ``sparql`` names the engine that answers the shapes' SPARQL queries (see the module
    docstring).
    """
    if sparql not in SPARQL_ENGINES:
        raise ValidationError(f"unknown SPARQL engine {sparql!r} for validation")
    if not any(kg.shapes.subjects(RDF.type, SH.NodeShape)) and not any(
        kg.shapes.subjects(RDF.type, SH.PropertyShape)
    ):
        raise ValidationError("no shapes to validate against (shapes/*.ttl declare no shape)")
    check_shapes_offline(kg.shapes)
    shapes = Graph()  # pyshacl adds triples to the shapes graph it is given: keep kg's intact
    shapes += kg.shapes
    # The data graph is a read-only view of the whole dataset, nothing copied: the data graphs
    # and the ontology (whose rdfs:subClassOf axioms then count for sh:targetClass).
    data_graph = OxigraphQueryGraph if sparql == "oxigraph" else PreparedQueryGraph
    data = data_graph(kg.dataset)
    try:
        with _collector_skips_what_exists():
            pyshacl_conforms, report_graph, text = pyshacl.validate(
                data,
                shacl_graph=shapes,
                inference="none",
                advanced=True,
                allow_warnings=True,
                do_owl_imports=False,
                inplace=True,  # the view is read-only: pyshacl must not (and does not) copy it
            )
    except ReportableRuntimeError as exc:
        raise ValidationError(_one_line(str(exc))) from exc
    if isinstance(report_graph, BaseException) or "Validation Failure" in str(text):
        raise ValidationError(_one_line(str(text)))
    bind_prefixes(report_graph)
    answered_by = (
        "oxigraph" if isinstance(data, OxigraphQueryGraph) and data.oxigraph_queries else "rdflib"
    )
    report = Report(_read_results(kg, report_graph), report_graph, answered_by)
    if not pyshacl_conforms and report.conforms:
        raise ValidationError(
            "the validator reported non-conformance without a violation: " + _one_line(text)
        )
    return report


@contextmanager
def _collector_skips_what_exists() -> Iterator[None]:
    """Keep Python's cyclic garbage collector from walking the loaded graph while pySHACL runs.

    Each full collection walks every tracked object, and the loaded graph is millions of them
    that outlive the validation: at 300k triples the collector took a tenth of the time, and
    its share grows with the graph. The objects that exist now are set aside (gc.freeze) and
    given back afterwards; what pySHACL allocates is collected as usual. No collection runs
    first: at a million triples one takes 9 s and frees little since loading stopped making
    copies of whole graphs (45 MiB, measured after load_knowledge_graph).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _pick_message(graph: Graph, result: Node) -> str | None:
    messages = [m for m in graph.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for wanted in (lambda m: m.language == "en", lambda m: m.language is None, lambda m: True):
        chosen = sorted(str(m) for m in messages if wanted(m))
        if chosen:
            return chosen[0]
    return None


def render_path(graph: Graph, path: Node | None) -> str | None:
    """A SHACL property path in SPARQL-like notation (``skos:prefLabel``, ``^org:member``)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return curie(path)
    if (path, RDF.first, None) in graph:
        return "/".join(render_path(graph, p) or "?" for p in graph.items(path))
    for prop, pattern in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "({})*"),
        (SH.oneOrMorePath, "({})+"),
        (SH.zeroOrOnePath, "({})?"),
    ):
        inner = graph.value(path, prop)
        if inner is not None:
            return pattern.format(render_path(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(render_path(graph, p) or "?" for p in graph.items(alternatives)) + ")"
    return "[complex path]"


def _render_shape(kg: KnowledgeGraph, shape: Node | None) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, URIRef):
        return curie(shape)
    parent = kg.shapes.value(predicate=SH.property, object=shape)
    path = render_path(kg.shapes, kg.shapes.value(shape, SH.path))
    if parent is not None:
        return f"{curie(parent)} (property {path})"
    return f"[anonymous shape{' on ' + path if path else ''}]"


_NESTING = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
_LISTS = (SH["or"], SH["and"], SH.xone)


def _parent_shape(shapes: Graph, shape: Node) -> Node | None:
    """The shape that ``shape`` is nested in (by sh:property, sh:or, sh:node …), if any."""
    for prop in _NESTING:
        parent = shapes.value(predicate=prop, object=shape)
        if parent is not None:
            return parent
    head, cell = None, shapes.value(predicate=RDF.first, object=shape)
    while cell is not None:  # walk back to the head of the RDF list holding `shape`
        head, cell = cell, shapes.value(predicate=RDF.rest, object=cell)
    if head is not None:
        for prop in _LISTS:
            parent = shapes.value(predicate=prop, object=head)
            if parent is not None:
                return parent
    return None


def named_shape(shapes: Graph, shape: Node | None) -> URIRef | None:
    """The nearest named (IRI) shape that ``shape`` is or is nested in; None if there is none."""
    seen: set[Node] = set()
    while shape is not None and shape not in seen:
        if isinstance(shape, URIRef):
            return shape
        seen.add(shape)
        shape = _parent_shape(shapes, shape)
    return None


def _read_results(kg: KnowledgeGraph, report_graph: Graph) -> list[Result]:
    union = kg.union_view()
    passages_of: dict[Node, list[tuple[str, str]]] = {}
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(node, SH.focusNode)
        severity_node = report_graph.value(node, SH.resultSeverity)
        severity = str(severity_node).removeprefix(str(SH)) if severity_node else "Violation"
        component = report_graph.value(node, SH.sourceConstraintComponent)
        message = _pick_message(report_graph, node) or f"{curie(component)} not satisfied"
        if focus not in passages_of:
            passages_of[focus] = _passages(kg, focus)
        source_shape = report_graph.value(node, SH.sourceShape)
        named = named_shape(kg.shapes, source_shape)
        results.append(
            Result(
                focus_node=focus,
                focus_label=label(union, focus, "en") if focus is not None else None,
                path=render_path(report_graph, report_graph.value(node, SH.resultPath)),
                value=report_graph.value(node, SH.value),
                message=message,
                severity=severity,
                source_shape=_render_shape(kg, source_shape),
                source_passages=passages_of[focus],
                node_shape=curie(named) if named is not None else None,
            )
        )
    results.sort(
        key=lambda r: (
            _SEVERITY_ORDER.get(r.severity, -1),
            r.source_shape,
            str(r.focus_node),
            r.path or "",
            str(r.value),
        )
    )
    return results


def _passages(kg: KnowledgeGraph, focus: Node | None) -> list[tuple[str, str]]:
    """(source title, locator) of each graph that states something about ``focus``."""
    if focus is None:
        return []
    graphs = graphs_with_subject(kg.dataset, focus, exclude={ONTOLOGY_GRAPH, DERIVED_GRAPH})
    return sorted({describe_graph(kg.dataset, g).passage() for g in graphs})


# --- output formats -------------------------------------------------------------------


def _term(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return curie(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal) and node.language:
        return f'"{node}"@{node.language}'
    return f'"{node}"' if isinstance(node, Literal) else str(node)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_text(report: Report) -> str:
    """A readable report: a summary line, then one block per result, grouped by severity."""
    infos = len(report.results) - len(report.violations) - len(report.warnings)
    verdict = "conforms" if report.conforms else "does not conform"
    lines = [
        f"Validation: {verdict} — {_count(len(report.violations), 'violation')}, "
        f"{_count(len(report.warnings), 'warning')}, {_count(infos, 'info')}."
    ]
    groups = Counter(r.severity for r in report.results)
    current = None
    for result in report.results:
        if result.severity != current:
            current = result.severity
            lines += ["", f"== {current} ({groups[current]}) =="]
        focus = _term(result.focus_node) or "?"
        if result.focus_label:
            focus += f" ({result.focus_label})"
        lines += ["", f"{result.severity}: {result.message}", f"  focus:  {focus}"]
        if result.path:
            lines.append(f"  path:   {result.path}")
        if result.value is not None:
            lines.append(f"  value:  {_term(result.value)}")
        lines.append(f"  shape:  {result.source_shape}")
        for title, locator in result.source_passages:
            lines.append(f"  stated: {title}" + (f" — {locator}" if locator else ""))
    return "\n".join(lines) + "\n"


def _result_dict(result: Result) -> dict[str, object]:
    data = asdict(result)
    data["focus_node"] = str(result.focus_node) if result.focus_node is not None else None
    data["value"] = None if result.value is None else str(result.value)
    data["source_passages"] = [
        {"source": title, "locator": locator} for title, locator in result.source_passages
    ]
    del data["node_shape"]  # the JSON report keeps its fields; source_shape names the shape
    return data


def format_json(report: Report) -> str:
    """A JSON list with one object per result; IRIs in full, literals as their text."""
    return json.dumps([_result_dict(r) for r in report.results], ensure_ascii=False, indent=2)


def format_turtle(report: Report) -> str:
    """pyshacl's validation report graph as Turtle."""
    return report.graph.serialize(format="turtle")


def format_report(report: Report, fmt: str = "text") -> str:
    formatters = {"text": format_text, "turtle": format_turtle, "json": format_json}
    if fmt not in formatters:
        raise ValueError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")
    return formatters[fmt](report)
