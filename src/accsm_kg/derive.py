"""Triples computed from the loaded data, kept in a named graph of their own.

Two kinds, both needed by the shapes and the queries:

* comparable dates: sources give dates at day, month or year precision (``xsd:date``,
  ``xsd:gYearMonth``, ``xsd:gYear``) and SPARQL engines do not compare those with each other.
  For every property the ontology annotates with ``accsm:comparableAs`` (first day) or
  ``accsm:comparableAsLatest`` (last day), a plain ``xsd:date`` twin is derived, so that
  "as of" filters and sorting work;
* the graph index: every named graph of the data is typed ``sd:NamedGraph``, so that a shape
  can check that each one is described in the meta graph.

The meta graph describes the derived graph as an ``accsm:DerivedGraph`` (see
:func:`describe_derived_graph`), so that provenance stays complete.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD
from rdflib.term import Node

from accsm_kg.namespaces import ACCSM, AGENT, SD, G

#: The named graph holding every derived triple.
DERIVED_GRAPH = G["derived"]

_DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}


def first_day(value: Literal) -> dt.date | None:
    """The first day a date literal of any precision covers, or None if it is no date."""
    return _bounds(value, latest=False)


def last_day(value: Literal) -> dt.date | None:
    """The last day a date literal of any precision covers, or None if it is no date."""
    return _bounds(value, latest=True)


def _bounds(value: Literal, *, latest: bool) -> dt.date | None:
    if not isinstance(value, Literal) or value.datatype not in _DATE_TYPES:
        return None
    return bounds_of(str(value), str(value.datatype), latest=latest)


_GYEAR, _GYEARMONTH, _DATE = (str(XSD.gYear), str(XSD.gYearMonth), str(XSD.date))


def bounds_of(lexical: str, datatype: str, *, latest: bool) -> dt.date | None:
    """The first (or last) day a date of the given lexical form and datatype IRI covers; None
    when it is no xsd:date, xsd:gYearMonth or xsd:gYear, or not a valid one."""
    text = lexical.strip()
    try:
        if datatype == _GYEAR:
            year = int(text[:4])
            return dt.date(year, 12, 31) if latest else dt.date(year, 1, 1)
        if datatype == _GYEARMONTH:
            year, month = int(text[:4]), int(text[5:7])
            day = calendar.monthrange(year, month)[1] if latest else 1
            return dt.date(year, month, day)
        if datatype == _DATE:
            return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return None


def comparable_properties(ontology: Graph) -> dict[URIRef, tuple[URIRef, bool]]:
    """Map each precision-preserving date property to (its xsd:date twin, rounds to last day)."""
    mapping: dict[URIRef, tuple[URIRef, bool]] = {}
    for prop, twin in ontology.subject_objects(ACCSM.comparableAs):
        mapping[prop] = (twin, False)
    for prop, twin in ontology.subject_objects(ACCSM.comparableAsLatest):
        mapping[prop] = (twin, True)
    return mapping


def describe_derived_graph() -> Graph:
    """The meta-graph triples that describe the derived graph."""
    meta = Graph()
    meta.add((DERIVED_GRAPH, RDF.type, ACCSM.DerivedGraph))
    meta.add((DERIVED_GRAPH, PROV.wasAttributedTo, AGENT.curators))
    text = (
        "Computed when the graph is loaded: an xsd:date twin of every date given at day, "
        "month or year precision, and an index of the named graphs."
    )
    meta.add((DERIVED_GRAPH, DCTERMS.description, Literal(text, lang="en")))
    return meta


class SubjectObjects(Protocol):
    """What derive reads of the data: a Graph, or a lighter view of a dataset's data graphs."""

    def subject_objects(self, predicate: URIRef) -> Iterable[tuple[Node, Node]]: ...


def derive(ontology: Graph, data: SubjectObjects, graph_names: Iterable[URIRef]) -> Graph:
    """The derived triples for ``data`` (the data graphs) as a new Graph."""
    derived = Graph(identifier=DERIVED_GRAPH)
    for prop, (twin, latest) in comparable_properties(ontology).items():
        for subject, value in data.subject_objects(prop):
            day = _bounds(value, latest=latest)
            if day is not None:
                derived.add((subject, twin, Literal(day.isoformat(), datatype=XSD.date)))
    for name in graph_names:
        derived.add((name, RDF.type, SD.NamedGraph))
    return derived
