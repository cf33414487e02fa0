"""Read the partnership network out of the knowledge graph with the SPARQL queries in
queries/viz/ (not saved queries of the catalog: they feed the network, not people).

The result is plain data (:class:`NetworkData`): nodes with their kind, labels and date
clues, typed links with the graphs that state them, every fact about each node with its
graph, and what g:meta says about each graph.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node as Term

from accsm_kg.engine import Engine
from accsm_kg.resources import asset_dir

LANGS = ("en", "vi", "km", "th")
#: Label properties, best first (local names of the IRIs labels.rq asks for).
LABEL_PROPERTIES = ("prefLabel", "label", "name", "altLabel")


def query_text(name: str) -> str:
    """The text of queries/viz/NAME.rq."""
    return (asset_dir("queries") / "viz" / f"{name}.rq").read_text(encoding="utf-8")


def edge_query_names() -> list[str]:
    return sorted(p.stem for p in (asset_dir("queries") / "viz").glob("edges-*.rq"))


@dataclass
class Labels:
    """Labels of one resource: property local name → language → values."""

    values: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def add(self, prop: str, lang: str, text: str) -> None:
        bucket = self.values[prop][lang]
        if text not in bucket:
            bucket.append(text)

    def best(self, lang: str) -> str | None:
        """The label in ``lang`` (prefLabel, rdfs:label, name, altLabel), then English,
        then untagged, then any."""
        for wanted in (lang, "en", ""):
            for prop in LABEL_PROPERTIES:
                found = self.values.get(prop, {}).get(wanted)
                if found:
                    return sorted(found)[0]
        for prop in LABEL_PROPERTIES:
            for texts in self.values.get(prop, {}).values():
                if texts:
                    return sorted(texts)[0]
        return None

    def in_language(self, lang: str) -> str | None:
        """The label in exactly ``lang``, or None."""
        for prop in LABEL_PROPERTIES:
            found = self.values.get(prop, {}).get(lang)
            if found:
                return sorted(found)[0]
        return None

    def short(self, lang: str, limit: int = 30) -> str | None:
        """A label for a crowded figure: the best one, or its shortest alternative when the
        best is longer than ``limit`` characters (ASEAN for the Association …)."""
        best = self.best(lang)
        if best is None or len(best) <= limit:
            return best
        chosen_lang = lang if self.in_language(lang) else "en"
        alternatives = [
            t for t in self.values.get("altLabel", {}).get(chosen_lang, []) if len(t) < len(best)
        ]
        return min(alternatives, key=len) if alternatives else best

    def all_texts(self) -> list[str]:
        """Every label in every language (for search)."""
        texts: list[str] = []
        for by_lang in self.values.values():
            for values in by_lang.values():
                texts.extend(t for t in values if t not in texts)
        return texts


@dataclass
class NodeInfo:
    iri: str
    kind: str
    labels: Labels
    clues: list[tuple[str, str, str]] = field(default_factory=list)  # (basis, text, sort)


@dataclass
class LinkInfo:
    """One typed link between two resources, merged over the graphs that state it."""

    source: str
    target: str
    type: str
    predicates: set[str] = field(default_factory=set)
    graphs: set[str] = field(default_factory=set)
    start: str | None = None  # xsd:date text: from when the data says it held
    known_by: str | None = None  # the data knows it held by then (accsm:asOf)
    end: str | None = None  # when it ended
    date: str | None = None  # the stated start, at its precision
    known: str | None = None  # the stated as-of date, at its precision
    until: str | None = None  # the stated end, at its precision


@dataclass
class Fact:
    property: str
    value: str  # an IRI or the literal's text
    is_iri: bool
    lang: str | None
    graph: str


@dataclass
class Passage:
    graph: str
    kind: str  # local name: SourcePassage, CuratedGraph, PublicReferenceGraph, DerivedGraph
    source: str | None = None
    titles: dict[str, str] = field(default_factory=dict)
    locator: str | None = None
    description: str | None = None
    reference: str | None = None


@dataclass
class Support:
    arc: str
    priority: str
    confidence: str | None
    rank: int | None
    justification: str | None


@dataclass
class NetworkData:
    nodes: dict[str, NodeInfo]
    links: list[LinkInfo]
    labels: dict[str, Labels]  # every labelled resource or term, nodes or not
    facts: dict[str, list[Fact]]
    passages: dict[str, Passage]
    supports: list[Support]
    themes: dict[str, str]  # ARC → theme concept


def _text(term: Term | None) -> str | None:
    return None if term is None else str(term)


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def read_labels(engine: Engine) -> dict[str, Labels]:
    labels: dict[str, Labels] = defaultdict(Labels)
    for row in engine.query(query_text("labels")).rows:
        value = row["label"]
        lang = (value.language or "").split("-")[0].lower() if isinstance(value, Literal) else ""
        labels[str(row["node"])].add(_local(str(row["property"])), lang, str(value))
    return labels


def read_nodes(engine: Engine, labels: dict[str, Labels]) -> dict[str, NodeInfo]:
    best: dict[str, tuple[int, str]] = {}
    for row in engine.query(query_text("nodes")).rows:
        iri, kind, rank = str(row["node"]), str(row["kind"]), int(row["best"])
        if iri not in best or rank < best[iri][0]:
            best[iri] = (rank, kind)
    nodes = {
        iri: NodeInfo(iri, kind, labels.get(iri) or Labels()) for iri, (_, kind) in best.items()
    }
    for row in engine.query(query_text("node-dates")).rows:
        node = nodes.get(str(row["node"]))
        if node is not None:
            clue = (str(row["basis"]), str(row["date"]), str(row["sort"]))
            if clue not in node.clues:
                node.clues.append(clue)
    for node in nodes.values():
        node.clues.sort(key=lambda c: (c[2], c[0]))
    return nodes


def read_links(engine: Engine) -> list[LinkInfo]:
    merged: dict[tuple[str, str, str], LinkInfo] = {}
    for name in edge_query_names():
        for row in engine.query(query_text(name)).rows:
            source, target = row.get("source"), row.get("target")
            if not isinstance(source, URIRef) or not isinstance(target, URIRef):
                continue
            if source == target:
                continue
            key = (str(source), str(target), str(row["type"]))
            link = merged.setdefault(key, LinkInfo(*key))
            link.predicates.add(str(row["predicate"]))
            if row.get("graph") is not None:
                link.graphs.add(str(row["graph"]))
            start = _text(row.get("start"))
            if start is not None and (link.start is None or start < link.start):
                link.start, link.date = start, _text(row.get("date"))
            known_by = _text(row.get("knownBy"))
            if known_by is not None and (link.known_by is None or known_by < link.known_by):
                link.known_by, link.known = known_by, _text(row.get("known"))
            end = _text(row.get("end"))
            if end is not None and (link.end is None or end > link.end):
                link.end, link.until = end, _text(row.get("until"))
    return sorted(merged.values(), key=lambda link: (link.type, link.source, link.target))


def read_facts(engine: Engine) -> dict[str, list[Fact]]:
    facts: dict[str, list[Fact]] = defaultdict(list)
    for row in engine.query(query_text("facts")).rows:
        value = row["value"]
        lang = value.language if isinstance(value, Literal) else None
        facts[str(row["subject"])].append(
            Fact(
                property=str(row["property"]),
                value=str(value),
                is_iri=isinstance(value, URIRef),
                lang=lang,
                graph=str(row["graph"]),
            )
        )
    for rows in facts.values():
        rows.sort(key=lambda f: (f.property, f.lang or "", f.value, f.graph))
    return facts


def read_passages(engine: Engine) -> dict[str, Passage]:
    passages: dict[str, Passage] = {}
    for row in engine.query(query_text("passages")).rows:
        graph = str(row["graph"])
        passage = passages.setdefault(graph, Passage(graph, _local(str(row["kind"]))))
        passage.source = passage.source or _text(row.get("source"))
        title = row.get("title")
        if isinstance(title, Literal):
            passage.titles.setdefault(title.language or "", str(title))
        for attr in ("locator", "description", "reference"):
            value = row.get(attr)
            if isinstance(value, Literal) and (
                getattr(passage, attr) is None or value.language == "en"
            ):
                setattr(passage, attr, str(value))
    return passages


def read_supports(engine: Engine) -> tuple[list[Support], dict[str, str]]:
    supports = []
    for row in engine.query(query_text("arc-support")).rows:
        rank = row.get("rank")
        supports.append(
            Support(
                arc=str(row["arc"]),
                priority=str(row["priority"]),
                confidence=_text(row.get("confidence")),
                rank=int(rank) if rank is not None else None,
                justification=_text(row.get("justification")),
            )
        )
    themes: dict[str, tuple[str, str]] = {}
    for row in engine.query(query_text("arc-themes")).rows:
        arc, theme, as_of = str(row["arc"]), str(row["theme"]), _text(row.get("asOf")) or ""
        if arc not in themes or as_of > themes[arc][1]:  # the latest theme
            themes[arc] = (theme, as_of)
    supports.sort(key=lambda s: (s.arc, s.priority))
    return supports, {arc: theme for arc, (theme, _) in themes.items()}


def extract(engine: Engine) -> NetworkData:
    """Run the viz queries on ``engine`` and gather their answers."""
    labels = read_labels(engine)
    supports, themes = read_supports(engine)
    return NetworkData(
        nodes=read_nodes(engine, labels),
        links=read_links(engine),
        labels=labels,
        facts=read_facts(engine),
        passages=read_passages(engine),
        supports=supports,
        themes=themes,
    )
