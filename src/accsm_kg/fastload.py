"""Load the knowledge graph straight into an Oxigraph store, with Oxigraph's own parsers.

For commands that only query (``accsm-kg query``), building rdflib's Dataset first costs far
more than the queries: rdflib parses about ten times slower than Oxigraph and then every quad
is copied into the store. This loads the same files into the same named graphs, computes the
same derived graph (comparable dates, graph index, its description in g:meta) on the store,
and so holds exactly the quads that :func:`accsm_kg.load.load_knowledge_graph` followed by
``OxigraphEngine(kg)`` would. Files get the same safety checks first (no XML entities, UTF-8);
a file Oxigraph cannot parse is handed to rdflib's loader, which raises the usual LoadError
with its line number.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from accsm_kg.derive import DERIVED_GRAPH, bounds_of, describe_derived_graph
from accsm_kg.engine import to_oxigraph
from accsm_kg.load import (
    LoadError,
    _required_files,
    parse_file,
    rdf_format,
    read_checked_bytes,
)
from accsm_kg.namespaces import ACCSM, META_GRAPH, ONTOLOGY_GRAPH, SD

_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "nquads": ox.RdfFormat.N_QUADS,
    "nt": ox.RdfFormat.N_TRIPLES,
}
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_DATE_NODE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
_UNSEEN = object()
_BOM = b"\xef\xbb\xbf"
#: Graph names only the loader fills (checked in this order).
_RESERVED = (ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(DERIVED_GRAPH)))


def _load_file(store: ox.Store, path: Path, *, to_graph: ox.NamedNode | None = None) -> None:
    fmt = rdf_format(path)
    # The same checks as load's, but no decoding: Oxigraph reads UTF-8 bytes itself and
    # refuses invalid UTF-8, and the fallback below then reports it as load does.
    data = read_checked_bytes(path)
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    base = path.resolve().as_uri()
    if to_graph is None and fmt in ("turtle", "nt"):
        to_graph = ox.NamedNode(base)  # triples of a plain file go into its file: graph
    try:
        store.bulk_load(data, _FORMATS[fmt], base_iri=base, to_graph=to_graph)
    except (SyntaxError, ValueError, OSError):
        parse_file(path)  # raises LoadError with rdflib's message and line
        raise LoadError(path, "Oxigraph cannot parse this file") from None
    if to_graph is None:
        # Data files are loaded before the ontology, so either graph existing is this file's.
        for name in _RESERVED:
            if store.contains_named_graph(name):
                raise LoadError(path, f"the graph name <{name.value}> is reserved")


def _comparable(store: ox.Store) -> dict[str, tuple[str, bool]]:
    ontology = ox.NamedNode(str(ONTOLOGY_GRAPH))
    mapping = {}
    for annotation, latest in ((ACCSM.comparableAs, False), (ACCSM.comparableAsLatest, True)):
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(annotation)), None, ontology):
            mapping[quad.subject.value] = (quad.object.value, latest)
    return mapping


def _day(value: object, latest: bool) -> ox.Literal | None:
    """derive's first or last day of a date literal, as an Oxigraph xsd:date."""
    if not isinstance(value, ox.Literal):
        return None
    day = bounds_of(value.value, value.datatype.value, latest=latest)
    return None if day is None else ox.Literal(day.isoformat(), datatype=_XSD_DATE_NODE)


def _derive(store: ox.Store) -> None:
    derived = ox.NamedNode(str(DERIVED_GRAPH))
    ontology = ox.NamedNode(str(ONTOLOGY_GRAPH))
    meta = ox.NamedNode(str(META_GRAPH))
    for s, p, o in describe_derived_graph():
        store.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), meta))
    reserved = {ontology, derived}
    added = []
    append = added.append
    for prop, (twin, latest) in _comparable(store).items():
        twin_node = ox.NamedNode(twin)
        days: dict[object, ox.Literal | None] = {}  # dates repeat: work each out once
        for subject, _, value, graph in store.quads_for_pattern(None, ox.NamedNode(prop), None):
            if graph in reserved:
                continue
            day = days.get(value, _UNSEEN)
            if day is _UNSEEN:
                day = days[value] = _day(value, latest)
            if day is not None:
                append(ox.Quad(subject, twin_node, day, derived))
    sd_named_graph = ox.NamedNode(str(SD.NamedGraph))
    for name in store.named_graphs():
        if name not in reserved:
            append(ox.Quad(name, _RDF_TYPE, sd_named_graph, derived))
    store.bulk_extend(added)  # not one transaction: the store is not shared yet


def load_store(
    extra_files: Iterable[Path | str] = (), *, root: Path | str | None = None
) -> ox.Store:
    """The ontology, data and ``extra_files`` in a new Oxigraph store, derived graph included."""
    ontology_files = _required_files("ontology", "*.ttl", root)
    data_files = _required_files("data", "*.trig", root)
    extras = [Path(p) for p in extra_files]
    for path in extras:
        rdf_format(path)
        if not path.is_file():
            raise LoadError(path, "no such file" if not path.exists() else "not a regular file")
    for path in ontology_files:
        if rdf_format(path) != "turtle":
            raise LoadError(path, "expected a Turtle (.ttl) file")
    store = ox.Store()
    for path in [*data_files, *extras]:
        _load_file(store, path)
    ontology = ox.NamedNode(str(ONTOLOGY_GRAPH))
    for path in ontology_files:
        _load_file(store, path, to_graph=ontology)
    _derive(store)
    return store
