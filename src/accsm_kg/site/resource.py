"""The page model of one resource: labels, types, statements, incoming links, the passages
behind its facts and any recorded conflict about it."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from functools import cached_property

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from accsm_kg.labels import primary_language
from accsm_kg.namespaces import ACCSM, ONTOLOGY_GRAPH, curie
from accsm_kg.provenance import GraphDescription, GraphKind, describe_graph
from accsm_kg.site.context import SiteContext, templates_dir
from accsm_kg.site.model import (
    Claim,
    ConflictView,
    IncomingGroup,
    LabelEntry,
    Labels,
    Passage,
    ResourcePage,
    Statement,
)
from accsm_kg.site.values import LABEL_PROPERTIES, make_value, property_rows, sort_key

#: How properties read backwards, for the incoming links of a page (see the file).
INVERSE_HEADINGS_FILE = "inverse-headings.toml"
_KIND_ORDER = [*list(GraphKind), None]


class InverseHeadings:
    """Headings such as "hosted ARCs" for the incoming links of a property, optionally
    depending on the class of the linking resource."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        with (templates_dir() / INVERSE_HEADINGS_FILE).open("rb") as handle:
            self.table: dict[str, str | dict[str, str]] = tomllib.load(handle)

    @cached_property
    def _expand(self) -> dict[str, URIRef]:
        from accsm_kg.namespaces import PREFIXES

        def iri(text: str) -> URIRef:
            prefix, _, local = text.partition(":")
            return URIRef(PREFIXES[prefix] + local)

        keys = {k for entry in self.table.values() if isinstance(entry, dict) for k in entry}
        return {k: iri(k) for k in keys if k != "*"}

    def heading(self, prop: Node, subject: Node) -> str:
        entry = self.table.get(curie(prop))
        if isinstance(entry, str):
            return entry
        if isinstance(entry, dict):
            classes = self.ctx.classes_of(subject)
            for key, text in entry.items():
                if key != "*" and self._expand[key] in classes:
                    return text
            if "*" in entry:
                return entry["*"]
        return f"{self.ctx.labels(prop).default} (incoming)"


class ResourcePages:
    """Builds the page model of every resource of a SiteContext."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.headings = InverseHeadings(ctx)
        self._passages: dict[Node, Passage] = {}
        self._described: dict[Node, GraphDescription] = {}

    def describe(self, graph: Node) -> GraphDescription:
        if graph not in self._described:
            self._described[graph] = describe_graph(self.ctx.kg.dataset, graph)
        return self._described[graph]

    def passage(self, graph: Node, number: int = 0) -> Passage:
        """What g:meta says about ``graph``, numbered for the page that cites it."""
        if graph not in self._passages:
            described = self.describe(graph)
            title, locator = described.passage()
            self._passages[graph] = Passage(
                number=0,
                graph=self.ctx.link(graph),
                kind=str(described.kind) if described.kind else "undescribed",
                title=title,
                locator=locator,
                description=described.description or "",
                source=self.ctx.link(described.source) if described.source else None,
            )
        found = self._passages[graph]
        return replace(found, number=number)

    def _passage_order(self, graph: Node) -> tuple:
        described = self.describe(graph)
        return (_KIND_ORDER.index(described.kind), *described.passage(), str(graph))

    def build(self, node: URIRef) -> ResourcePage:
        ctx = self.ctx
        dataset = ctx.kg.dataset
        where: dict[tuple[Node, Node], set[Node]] = {}
        for _, prop, obj, graph in dataset.quads((node, None, None, None)):
            graph_id = getattr(graph, "identifier", graph)
            if graph_id != ONTOLOGY_GRAPH:
                where.setdefault((prop, obj), set()).add(graph_id)
        graphs = sorted({g for gs in where.values() for g in gs}, key=self._passage_order)
        passages = [self.passage(g, n) for n, g in enumerate(graphs, start=1)]
        number = {p.graph.iri: p.number for p in passages}
        notes = {key: tuple(sorted(number[str(g)] for g in gs)) for key, gs in where.items()}
        page = ResourcePage(
            iri=str(node),
            curie=curie(node),
            path=ctx.pages[node],
            title=ctx.labels(node),
            labels=self._labels(node),
            types=sorted(
                (ctx.link(t) for t in ctx.data.objects(node, RDF.type)),
                key=lambda link: (link.labels.default.casefold(), link.iri),
            ),
            properties=property_rows(ctx, node, notes=notes, skip=LABEL_PROPERTIES),
            incoming=self._incoming(node),
            passages=passages,
            conflicts=self._conflicts(node),
        )
        if node in ctx.graph_ids:
            page.statements = self._statements(node)
        return page

    def _labels(self, node: Node) -> list[LabelEntry]:
        entries = []
        for prop in LABEL_PROPERTIES:
            for value in self.ctx.data.objects(node, prop):
                if isinstance(value, Literal):
                    entries.append(
                        LabelEntry(self.ctx.link(prop), primary_language(value), str(value))
                    )
        order = {p: i for i, p in enumerate(LABEL_PROPERTIES)}
        return sorted(
            entries,
            key=lambda e: (
                order.get(URIRef(e.prop.iri), 9),
                sort_key(make_value(self.ctx, Literal(e.text, lang=e.lang))),
            ),
        )

    def _incoming(self, node: Node) -> list[IncomingGroup]:
        ctx = self.ctx
        groups: dict[tuple[str, Node], list] = {}
        for subject, prop in ctx.data.subject_predicates(node):
            if prop == RDF.type:
                continue
            heading = self.headings.heading(prop, subject)
            groups.setdefault((heading, prop), []).append(make_value(ctx, subject, exclude=node))
        return [
            IncomingGroup(
                heading=Labels.plain(heading),
                prop=ctx.link(prop),
                items=tuple(sorted(items, key=sort_key)),
            )
            for (heading, prop), items in sorted(
                groups.items(), key=lambda item: (item[0][0].casefold(), str(item[0][1]))
            )
        ]

    def _conflicts(self, node: Node) -> list[ConflictView]:
        ctx = self.ctx
        views = []
        for conflict in sorted(ctx.data.subjects(ACCSM.aboutResource, node), key=str):
            claims = []
            for claim in sorted(ctx.data.objects(conflict, ACCSM.hasClaim), key=str):
                for value in sorted(ctx.data.objects(claim, ACCSM.claimedValue), key=str):
                    stated = sorted(ctx.data.objects(claim, ACCSM.statedIn), key=str)
                    claims.append(
                        Claim(
                            value=make_value(ctx, value, inline=False),
                            passages=tuple(self.passage(g) for g in stated),
                        )
                    )
            comments = sorted(str(c) for c in ctx.data.objects(conflict, RDFS.comment))
            about = next(
                iter(sorted(ctx.data.objects(conflict, ACCSM.aboutProperty), key=str)), None
            )
            kind = next(iter(sorted(ctx.data.objects(conflict, ACCSM.conflictKind), key=str)), None)
            views.append(
                ConflictView(
                    link=ctx.link(conflict),
                    comment=" ".join(comments),
                    about_property=ctx.link(about) if about is not None else None,
                    kind=ctx.link(kind) if kind is not None else None,
                    claims=tuple(claims),
                )
            )
        return views

    def _statements(self, graph_id: Node) -> list[Statement]:
        ctx = self.ctx
        graph = ctx.kg.dataset.graph(graph_id)
        triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), t[2].n3()))
        return [
            Statement(ctx.link(s), ctx.link(p), make_value(ctx, o, inline=False))
            for s, p, o in triples
        ]
