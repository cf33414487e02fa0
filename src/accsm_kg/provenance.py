"""Read the provenance model: what g:meta says about each named graph of the data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF
from rdflib.term import Node

from accsm_kg.namespaces import ACCSM, META_GRAPH, curie


class GraphKind(StrEnum):
    SOURCE_PASSAGE = "source passage"
    CURATION = "curation"
    PUBLIC_REFERENCE = "public reference"
    DERIVED = "derived"


_KIND_OF_CLASS = {
    ACCSM.SourcePassage: GraphKind.SOURCE_PASSAGE,
    ACCSM.CuratedGraph: GraphKind.CURATION,
    ACCSM.PublicReferenceGraph: GraphKind.PUBLIC_REFERENCE,
    ACCSM.DerivedGraph: GraphKind.DERIVED,
}


@dataclass(frozen=True)
class GraphDescription:
    """What g:meta says about one named graph."""

    graph: Node
    kind: GraphKind | None
    source: URIRef | None = None
    source_title: str | None = None
    locator: str | None = None
    description: str | None = None
    reference: str | None = None  # dct:source of a public-reference graph

    @property
    def attributed(self) -> bool:
        """True when the description says where the graph's facts come from."""
        if self.kind is GraphKind.SOURCE_PASSAGE:
            return self.source is not None
        return self.kind is not None

    def passage(self) -> tuple[str, str]:
        """(source title, locator) for reports; curators' and public-reference graphs say
        so in the first element."""
        if self.kind is GraphKind.SOURCE_PASSAGE:
            title = self.source_title or (curie(self.source) if self.source else "unknown source")
            return title, self.locator or ""
        if self.kind is GraphKind.CURATION:
            return "curators' addition", self.description or ""
        if self.kind is GraphKind.PUBLIC_REFERENCE:
            title = "public reference" + (f": {self.reference}" if self.reference else "")
            return title, self.description or ""
        if self.kind is GraphKind.DERIVED:
            return "derived when loaded", self.description or ""
        return curie(self.graph), "not described in g:meta"


def _pick(values: Iterable[Node], lang: str = "en") -> str | None:
    """An English literal, else an untagged one, else any; None when there is none."""
    literals = [v for v in values if isinstance(v, Literal)]
    for wanted in (lambda v: v.language == lang, lambda v: v.language is None, lambda v: True):
        chosen = sorted(str(v) for v in literals if wanted(v))
        if chosen:
            return chosen[0]
    return None


def describe_graph(dataset: Dataset, graph: Node) -> GraphDescription:
    """Read g:meta's description of ``graph`` (kind None when it has none)."""
    meta = Graph(store=dataset.store, identifier=META_GRAPH)  # a view; creates nothing
    kinds = sorted(
        (_KIND_OF_CLASS[c] for c in meta.objects(graph, RDF.type) if c in _KIND_OF_CLASS),
        key=list(GraphKind).index,
    )
    kind = kinds[0] if kinds else None
    sources = sorted(s for s in meta.objects(graph, PROV.wasDerivedFrom) if isinstance(s, URIRef))
    source = sources[0] if sources else None
    if source is not None:  # source documents may be described in any graph
        titles = (o for _, _, o, _ in dataset.quads((source, DCTERMS.title, None, None)))
        source_title = _pick(titles)
    else:
        source_title = None
    return GraphDescription(
        graph=graph,
        kind=kind,
        source=source,
        source_title=source_title,
        locator=_pick(meta.objects(graph, ACCSM.locator)),
        description=_pick(meta.objects(graph, DCTERMS.description)),
        reference=_pick(meta.objects(graph, DCTERMS.source)),
    )


def graphs_with_subject(dataset: Dataset, subject: Node, exclude: set[Node]) -> list[Node]:
    """Names of the graphs holding a triple about ``subject``, sorted."""
    names = {c for _, _, _, c in dataset.quads((subject, None, None, None))}
    return sorted((n for n in names if n not in exclude), key=str)
