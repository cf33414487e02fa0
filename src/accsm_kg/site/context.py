"""What every page builder needs: the graphs, labels in four languages, and links."""

from __future__ import annotations

from functools import cached_property

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SDO, SKOS
from rdflib.term import BNode, Node

from accsm_kg.labels import primary_language
from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import ACCSM, ONTOLOGY_IRI, bind_prefixes, curie
from accsm_kg.resources import asset_dir
from accsm_kg.site.model import LANGUAGES, Labels, Link
from accsm_kg.site.paths import ONTOLOGY_PAGE, resource_path, reused_anchor, term_anchor

TEMPLATE_FOLDER = "site-templates"
#: English labels of the reused vocabulary terms (skos:prefLabel, org:Membership …).
TERM_LABELS_FILE = "terms.ttl"
#: Properties that name a resource, best first.
NAME_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name, SDO.name)
TERM_TYPES = frozenset(
    {
        OWL.Class,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        RDF.Property,
    }
)
_LINKABLE_SCHEMES = ("http://", "https://", "mailto:")


def templates_dir():
    return asset_dir(TEMPLATE_FOLDER)


class SiteContext:
    """The loaded graph seen from the site: one union of the data graphs, the ontology plus
    the labels of reused terms, and cached labels and links for every node."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self.data = kg.data_graph()
        self.ontology = kg.ontology_graph()
        self.vocab = bind_prefixes(Graph())
        self.vocab += self.ontology
        self.vocab.parse(templates_dir() / TERM_LABELS_FILE, format="turtle")
        self.graph_ids = set(kg.data_graph_ids())
        self._labels: dict[Node, Labels] = {}
        self._named: dict[Node, bool] = {}

    @cached_property
    def predicates(self) -> set[Node]:
        return set(self.data.predicates())

    # -- which nodes have pages and where ------------------------------------------------
    @cached_property
    def pages(self) -> dict[URIRef, str]:
        """Every resource of the data that gets a page, with its path."""
        nodes: set[Node] = set(self.data.subjects())
        nodes |= {o for o in self.data.objects() if isinstance(o, URIRef)}
        nodes |= self.graph_ids
        found = {}
        for node in nodes:
            path = resource_path(node)
            if path is not None and isinstance(node, URIRef):
                found[node] = path
        return dict(sorted(found.items(), key=lambda item: item[1]))

    @cached_property
    def own_terms(self) -> list[URIRef]:
        """Classes and properties the ontology declares in its own namespace."""
        terms = {
            s
            for t in TERM_TYPES
            for s in self.ontology.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(str(ACCSM))
        }
        return sorted(terms, key=str)

    @cached_property
    def reused_terms(self) -> list[URIRef]:
        """Terms of other vocabularies that the data or the ontology use as classes or
        properties (documented on the ontology page with a link to their own definition)."""
        used: set[Node] = set(self.data.predicates()) | set(self.data.objects(None, RDF.type))
        for prop in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
            used |= set(self.ontology.objects(None, prop)) | set(self.ontology.subjects(prop))
        return sorted(
            (
                t
                for t in used
                if isinstance(t, URIRef)
                and not str(t).startswith(str(ACCSM))
                and curie(t) != str(t)
                and resource_path(t) is None
            ),
            key=curie,
        )

    @cached_property
    def term_hrefs(self) -> dict[URIRef, str]:
        hrefs = {t: f"{ONTOLOGY_PAGE}#{term_anchor(t)}" for t in self.own_terms}
        hrefs.update({t: f"{ONTOLOGY_PAGE}#{reused_anchor(curie(t))}" for t in self.reused_terms})
        return hrefs

    @cached_property
    def superclasses(self) -> dict[Node, set[Node]]:
        """Each class with itself and all its superclasses (transitively)."""
        parents: dict[Node, set[Node]] = {}
        for sub, sup in self.vocab.subject_objects(RDFS.subClassOf):
            parents.setdefault(sub, set()).add(sup)
        closure: dict[Node, set[Node]] = {}

        def up(cls: Node) -> set[Node]:
            if cls not in closure:
                closure[cls] = {cls}
                for parent in parents.get(cls, ()):
                    closure[cls] |= up(parent)
            return closure[cls]

        for cls in list(parents):
            up(cls)
        return closure

    def classes_of(self, node: Node) -> set[Node]:
        """The types of ``node`` and all their superclasses."""
        found: set[Node] = set()
        for cls in self.data.objects(node, RDF.type):
            found |= self.superclasses.get(cls, {cls})
        return found

    # -- labels ----------------------------------------------------------------------------
    def _texts(self, graph: Graph, node: Node) -> dict[str | None, str]:
        """The best name per language (None: untagged) from the first name property that
        has one in that language."""
        best: dict[str | None, tuple[int, str]] = {}
        for rank, prop in enumerate(NAME_PROPERTIES):
            for value in graph.objects(node, prop):
                if not isinstance(value, Literal):
                    continue
                lang = primary_language(value)
                candidate = (rank, str(value))
                if lang not in best or candidate < best[lang]:
                    best[lang] = candidate
        return {lang: text for lang, (_, text) in best.items()}

    def has_name(self, node: Node) -> bool:
        if node not in self._named:
            self.labels(node)
        return self._named[node]

    def labels(self, node: Node) -> Labels:
        """The names of ``node`` in the site's languages, English (or the best there is)
        as the default; the CURIE when it has none."""
        cached = self._labels.get(node)
        if cached is not None:
            return cached
        texts = self._texts(self.data, node) or self._texts(self.vocab, node)
        self._named[node] = bool(texts)
        if not texts:
            result = Labels(default=self.fallback_name(node), default_lang="en")
        else:
            if "en" in texts:
                default, default_lang = texts["en"], "en"
            elif None in texts:
                default, default_lang = texts[None], None
            else:
                default_lang = next(
                    (lang for lang in LANGUAGES if lang in texts), sorted(t for t in texts if t)[0]
                )
                default = texts[default_lang]
            variants = tuple(
                (lang, texts[lang]) for lang in LANGUAGES[1:] if lang in texts and lang != "en"
            )
            result = Labels(default=default, default_lang=default_lang, variants=variants)
        self._labels[node] = result
        return result

    def fallback_name(self, node: Node) -> str:
        if isinstance(node, BNode):
            return "(blank node)"
        return curie(node)

    # -- links -----------------------------------------------------------------------------
    def link(self, node: Node) -> Link:
        """A link to ``node``: its page, its entry on the ontology page, or the IRI itself
        when that is a web address (never a javascript: or other active scheme)."""
        text = str(node)
        labels = self.labels(node)
        short = curie(node) if isinstance(node, URIRef) else ""
        if node in self.pages:
            return Link(iri=text, labels=labels, href=self.pages[node], curie=short)
        if node == ONTOLOGY_IRI:
            return Link(iri=text, labels=labels, href=ONTOLOGY_PAGE, curie=short)
        if node in self.term_hrefs:
            return Link(iri=text, labels=labels, href=self.term_hrefs[node], curie=short)
        if isinstance(node, URIRef) and text.lower().startswith(_LINKABLE_SCHEMES):
            return Link(iri=text, labels=labels, href=text, external=True, curie=short)
        return Link(iri=text, labels=labels, curie=short)
