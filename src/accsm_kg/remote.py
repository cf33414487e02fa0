"""Read a knowledge graph back from a remote SPARQL endpoint, graph by graph.

``accsm-kg validate --endpoint URL`` runs the packaged shapes against what a store holds. The
named graphs are listed with ``SELECT DISTINCT ?g``, each of the project's graphs is fetched
with a CONSTRUCT into its own named graph of an rdflib Dataset (so provenance still works),
and the derived graph is computed again exactly as loading does. Graphs that are not the
project's (a store's own system graphs, other datasets in the same store) are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from accsm_kg.derive import DERIVED_GRAPH
from accsm_kg.engine import QueryError, QueryResult, RemoteEngine
from accsm_kg.load import KnowledgeGraph, _optional_files, _parse_graph, add_derived
from accsm_kg.namespaces import ACCSM, META_GRAPH, ONTOLOGY_GRAPH, SD, G, bind_prefixes

_GRAPH_KINDS = (
    ACCSM.SourcePassage,
    ACCSM.CuratedGraph,
    ACCSM.PublicReferenceGraph,
    ACCSM.DerivedGraph,
)


class RemoteError(Exception):
    """The endpoint cannot be read, or holds no graph published by accsm-kg."""


@dataclass
class RemoteGraph:
    kg: KnowledgeGraph
    endpoint: str
    graphs: list[str]
    ignored: list[str] = field(default_factory=list)
    ontology_from_store: bool = True


def _query(engine: RemoteEngine, text: str) -> QueryResult:
    try:
        return engine.query(text)
    except QueryError as exc:
        raise RemoteError(str(exc)) from None


def graph_names(engine: RemoteEngine) -> list[str]:
    """Every named graph the endpoint holds a triple in."""
    rows = _query(engine, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    return sorted({str(row["g"]) for row in rows if "g" in row})


def fetch_graph(engine: RemoteEngine, name: str) -> Graph:
    """The triples of one named graph, with a CONSTRUCT."""
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
    result = _query(engine, text)
    if result.graph is None:
        raise RemoteError(f"the endpoint answered no graph for a CONSTRUCT of <{name}>")
    return result.graph


def _ours(meta: Graph, derived: Graph | None, names: list[str]) -> tuple[list[str], list[str]]:
    """Split the store's graphs into the project's and the others.

    The project's are: the graphs in its graph namespace, every graph the meta graph
    describes, and every graph the published derived graph indexes (data files with graph
    names of their own).
    """
    known = {str(g) for kind in _GRAPH_KINDS for g in meta.subjects(RDF.type, kind)}
    if derived is not None:
        known |= {str(g) for g in derived.subjects(RDF.type, SD.NamedGraph)}
    ours = [n for n in names if n.startswith(str(G)) or n in known]
    return ours, [n for n in names if n not in ours]


def fetch_knowledge_graph(
    endpoint: str,
    *,
    timeout: float = 60.0,
    root: Path | str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RemoteGraph:
    """The project's graphs at ``endpoint`` as a KnowledgeGraph with the packaged shapes.

    The derived graph is recomputed from the fetched data; the ontology comes from the
    store's ontology graph, or from the packaged ontology when the store has none.
    """
    engine = RemoteEngine(endpoint, timeout)
    names = graph_names(engine)
    if str(META_GRAPH) not in names:
        raise RemoteError(
            f"{endpoint} holds no graph <{META_GRAPH}>: publish the dataset graph by graph "
            "(accsm-kg publish without --graph) before validating it there"
        )
    meta = fetch_graph(engine, str(META_GRAPH))
    derived = fetch_graph(engine, str(DERIVED_GRAPH)) if str(DERIVED_GRAPH) in names else None
    ours, ignored = _ours(meta, derived, names)

    dataset = bind_prefixes(Dataset())
    meta_copy = dataset.graph(META_GRAPH)
    meta_copy += meta  # add_derived adds its own description of the derived graph again
    wanted = [n for n in ours if n not in (str(META_GRAPH), str(DERIVED_GRAPH))]
    for done, name in enumerate(wanted, start=1):
        target = dataset.graph(URIRef(name))
        target += fetch_graph(engine, name)
        if progress is not None:
            progress(done, len(wanted))
    from_store = str(ONTOLOGY_GRAPH) in names
    if not from_store:
        ontology = dataset.graph(ONTOLOGY_GRAPH)
        for path in _optional_files("ontology", "*.ttl", root):
            ontology += _parse_graph(path)
    add_derived(dataset)
    shapes = bind_prefixes(Graph())
    for path in _optional_files("shapes", "*.ttl", root):
        shapes += _parse_graph(path)
    kg = KnowledgeGraph(dataset=dataset, shapes=shapes, files=[])
    return RemoteGraph(kg, endpoint, ours, ignored, from_store)
