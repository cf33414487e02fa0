"""The ontology documentation page: every class and property with its label, comment,
domain and range, super and sub terms, and the SHACL shapes that target or constrain it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, XSD
from rdflib.term import BNode, Node

from accsm_kg.namespaces import ONTOLOGY_IRI, curie
from accsm_kg.site.context import SiteContext
from accsm_kg.site.model import Labels, Link
from accsm_kg.site.paths import ONTOLOGY_PAGE

KIND_NAMES = {
    OWL.Class: "class",
    RDFS.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    RDF.Property: "property",
}
SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)


@dataclass(frozen=True)
class ShapeUse:
    shape: Link
    how: str  # "targets", "values must be", "constrains"
    message: str


@dataclass
class TermView:
    anchor: str
    link: Link
    kind: str
    comment: str = ""
    external: bool = False  # a reused term, defined elsewhere
    instances: int = 0
    relations: list[tuple[str, list[Link]]] = field(default_factory=list)
    shapes: list[ShapeUse] = field(default_factory=list)


@dataclass
class ShapeView:
    anchor: str
    link: Link
    targets: list[Link]
    messages: list[str]


@dataclass
class OntologyPage:
    iri: str
    title: str
    description: str
    version: str
    version_iri: str
    license: Link | None
    classes: list[TermView]
    properties: list[TermView]
    reused: list[TermView]
    shapes: list[ShapeView]
    path: str = ONTOLOGY_PAGE


def _english(graph, node: Node, prop: Node) -> str:
    values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
    for wanted in ("en", None):
        texts = sorted(str(v) for v in values if v.language == wanted)
        if texts:
            return texts[0]
    return sorted(str(v) for v in values)[0] if values else ""


def shape_anchor(shape: Node) -> str:
    return "shape-" + curie(shape).split(":", 1)[-1].replace("/", "_")


class ShapeIndex:
    """Which named shapes target or constrain which terms."""

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.shapes = ctx.kg.shapes
        named = {s for t in SHAPE_TYPES for s in self.shapes.subjects(RDF.type, t)}
        self.named = sorted((s for s in named if isinstance(s, URIRef)), key=str)
        self.uses: dict[Node, list[ShapeUse]] = {}
        for shape in self.named:
            for cls in self.shapes.objects(shape, SH.targetClass):
                self._add(cls, shape, "targets", self._message(shape, shape))
        for holder, cls in self.shapes.subject_objects(SH["class"]):
            for root in self._roots(holder):
                self._add(cls, root, "values must be", self._message(holder, root))
        for holder, path in self.shapes.subject_objects(SH.path):
            for prop in self._path_terms(path):
                for root in self._roots(holder):
                    self._add(prop, root, "constrains", self._message(holder, root))
        for uses in self.uses.values():
            uses.sort(key=lambda u: (u.shape.iri, u.how, u.message))

    def link(self, shape: Node) -> Link:
        labels = Labels.plain(_english(self.shapes, shape, RDFS.label) or curie(shape))
        return Link(
            iri=str(shape),
            labels=labels,
            href=f"{ONTOLOGY_PAGE}#{shape_anchor(shape)}",
            curie=curie(shape),
        )

    def _add(self, term: Node, shape: Node, how: str, message: str) -> None:
        use = ShapeUse(self.link(shape), how, message)
        found = self.uses.setdefault(term, [])
        if use not in found:
            found.append(use)

    def _message(self, holder: Node, root: Node) -> str:
        return _english(self.shapes, holder, SH.message) or _english(self.shapes, root, SH.message)

    def _roots(self, node: Node) -> list[Node]:
        """The named shapes that contain ``node`` (itself when it is one)."""
        seen, roots, queue = {node}, set(), deque([node])
        while queue:
            current = queue.popleft()
            if isinstance(current, URIRef) and current in self.named:
                roots.add(current)
                continue
            for parent in self.shapes.subjects(None, current):
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        return sorted(roots, key=str)

    def _path_terms(self, path: Node) -> list[URIRef]:
        """The properties a (possibly complex) SHACL path goes through."""
        if isinstance(path, URIRef):
            return [path] if path != RDF.nil else []
        found: list[URIRef] = []
        if isinstance(path, BNode):
            for _, obj in self.shapes.predicate_objects(path):
                found += self._path_terms(obj)
        return found

    def views(self) -> list[ShapeView]:
        views = []
        for shape in self.named:
            messages = set()
            for node in self._tree(shape):
                messages |= {str(m) for m in self.shapes.objects(node, SH.message)}
            targets = [
                self.ctx.link(t)
                for t in sorted(self.shapes.objects(shape, SH.targetClass), key=str)
            ]
            views.append(
                ShapeView(shape_anchor(shape), self.link(shape), targets, sorted(messages))
            )
        return views

    def _tree(self, shape: Node) -> list[Node]:
        seen, queue = {shape}, deque([shape])
        while queue:
            current = queue.popleft()
            for obj in self.shapes.objects(current, None):
                if isinstance(obj, BNode) and obj not in seen:
                    seen.add(obj)
                    queue.append(obj)
        return list(seen)


def _links(ctx: SiteContext, nodes) -> list[Link]:
    return sorted(
        (ctx.link(n) for n in set(nodes) if isinstance(n, URIRef)),
        key=lambda link: (link.labels.default.casefold(), link.iri),
    )


def _term_view(ctx: SiteContext, shapes: ShapeIndex, term: URIRef, *, external: bool) -> TermView:
    vocab = ctx.vocab
    kinds = sorted({KIND_NAMES[t] for t in vocab.objects(term, RDF.type) if t in KIND_NAMES})
    is_property = (
        any("property" in k for k in kinds)
        or term in ctx.predicates
        or (term, RDFS.subPropertyOf, None) in vocab
        or (None, RDFS.subPropertyOf, term) in vocab
    )
    if not kinds:
        datatype = str(term).startswith(str(XSD)) or term == RDF.langString
        kinds = ["datatype" if datatype else "property" if is_property else "class"]
    relations: list[tuple[str, list[Link]]] = []
    if is_property:
        relations += [
            ("domain", _links(ctx, vocab.objects(term, RDFS.domain))),
            ("range", _links(ctx, vocab.objects(term, RDFS.range))),
            ("subproperty of", _links(ctx, vocab.objects(term, RDFS.subPropertyOf))),
            ("superproperty of", _links(ctx, vocab.subjects(RDFS.subPropertyOf, term))),
            (
                "inverse of",
                _links(
                    ctx, [*vocab.objects(term, OWL.inverseOf), *vocab.subjects(OWL.inverseOf, term)]
                ),
            ),
        ]
        instances = sum(1 for _ in ctx.data.triples((None, term, None)))
    else:
        relations += [
            ("subclass of", _links(ctx, vocab.objects(term, RDFS.subClassOf))),
            ("superclass of", _links(ctx, vocab.subjects(RDFS.subClassOf, term))),
            ("domain of", _links(ctx, vocab.subjects(RDFS.domain, term))),
            ("range of", _links(ctx, vocab.subjects(RDFS.range, term))),
        ]
        instances = sum(1 for _ in ctx.data.subjects(RDF.type, term))
    anchor = ctx.term_hrefs[term].split("#", 1)[1]
    link = ctx.link(term)
    if external:  # the term's own definition, not our anchor
        link = Link(
            iri=str(term), labels=link.labels, href=str(term), external=True, curie=link.curie
        )
    return TermView(
        anchor=anchor,
        link=link,
        kind=", ".join(kinds),
        comment=_english(vocab, term, RDFS.comment),
        external=external,
        instances=instances,
        relations=[(name, links) for name, links in relations if links],
        shapes=shapes.uses.get(term, []),
    )


def build_ontology_page(ctx: SiteContext) -> OntologyPage:
    shapes = ShapeIndex(ctx)
    own = [_term_view(ctx, shapes, t, external=False) for t in ctx.own_terms]
    reused = [_term_view(ctx, shapes, t, external=True) for t in ctx.reused_terms]

    def by_label(view: TermView) -> tuple[str, str]:
        return (view.link.labels.default.casefold(), view.link.iri)

    onto = ctx.ontology
    version_iri = next(iter(sorted(onto.objects(ONTOLOGY_IRI, OWL.versionIRI), key=str)), None)
    licence = next(iter(sorted(onto.objects(ONTOLOGY_IRI, DCTERMS.license), key=str)), None)
    return OntologyPage(
        iri=str(ONTOLOGY_IRI),
        title=_english(onto, ONTOLOGY_IRI, DCTERMS.title) or "Ontology",
        description=_english(onto, ONTOLOGY_IRI, DCTERMS.description),
        version=_english(onto, ONTOLOGY_IRI, OWL.versionInfo),
        version_iri=str(version_iri) if version_iri else "",
        license=ctx.link(licence) if licence is not None else None,
        classes=sorted((v for v in own if v.kind == "class"), key=by_label),
        properties=sorted((v for v in own if v.kind != "class"), key=by_label),
        reused=sorted(reused, key=lambda v: v.link.curie),
        shapes=shapes.views(),
    )
