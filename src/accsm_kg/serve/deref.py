"""Dereferenceable IRIs: every resource under the base IRI served at its path.

``/id/arc/kh`` is ``https://w3id.org/accsm-kg/id/arc/kh`` with the base mapped to the
server. HTML is the static site's page for the resource (accsm_kg.site builds every page
once, at startup); Turtle, JSON-LD and N-Triples hold the statements about the resource
(the site's own writers, accsm_kg.site.rdf). The ontology is served at ``/ontology``, its
terms at ``/ontology/Term`` (HTML: a 303 to the term's entry on the ontology page).
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field
from string import Template

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import ACCSM, BASE, ONTOLOGY_IRI, PREFIXES, bind_prefixes, curie
from accsm_kg.resources import AssetNotFoundError
from accsm_kg.serve.assets import read_asset

_HEAD = re.compile(rb"<head[^>]*>", re.IGNORECASE)
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/-]*")
#: Media types a resource is offered in, the first being the default for */*.
RESOURCE_TYPES = ("text/html", "text/turtle", "application/ld+json", "application/n-triples")
RESOURCE_FORMATS = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/n-triples": "nt",
}


def with_base(page: bytes, folder: str) -> bytes:
    """The page with ``<base href="/folder/">`` so its relative links (written for
    ``folder/index.html``) resolve the same when it is served at the bare IRI path."""
    if b"<base " in page:
        return page
    tag = f'<base href="/{html.escape(folder, quote=True)}/">'.encode()
    found = _HEAD.search(page)
    if not found:
        return tag + page
    return page[: found.end()] + tag + page[found.end() :]


def _site_files(kg: KnowledgeGraph) -> dict[str, bytes] | None:
    """Every file of the static site, built in memory; None when the site cannot be built
    here (then resources get a plain page of their statements)."""
    try:
        from accsm_kg.site import build_site_files
    except ImportError as exc:
        print(
            f"warning: the site pages are not available ({exc}); serving plain pages",
            file=sys.stderr,
        )
        return None
    try:
        return build_site_files(kg)
    except (AssetNotFoundError, ImportError) as exc:
        print(
            f"warning: the site pages could not be built ({exc}); serving plain pages",
            file=sys.stderr,
        )
        return None


def _turtle(graph: Graph) -> bytes:
    try:
        from accsm_kg.site.rdf import turtle_bytes
    except ImportError:
        return graph.serialize(format="turtle", encoding="utf-8")
    return turtle_bytes(graph)


def _jsonld(graph: Graph) -> bytes:
    try:
        from accsm_kg.site.rdf import jsonld_bytes
    except ImportError:
        return graph.serialize(format="json-ld", context=dict(PREFIXES), encoding="utf-8")
    return jsonld_bytes(graph)


def _ntriples(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(line for line in lines if line.strip()))


@dataclass
class Resources:
    """The resources of the graph by path, and their representations (built lazily, kept)."""

    data: Graph
    ontology: Graph
    site: dict[str, bytes] | None
    known: set[URIRef] = field(default_factory=set)
    _cache: dict[tuple[str, str], bytes] = field(default_factory=dict)

    @classmethod
    def build(cls, kg: KnowledgeGraph) -> Resources:
        data = kg.data_graph()
        ontology = bind_prefixes(Graph())
        ontology += kg.ontology_graph()
        known: set[URIRef] = set()
        for graph in (data, ontology):
            for s, _, o in graph:
                for node in (s, o):
                    if isinstance(node, URIRef) and str(node).startswith(BASE):
                        known.add(node)
        known.update(i for i in kg.data_graph_ids() if str(i).startswith(BASE))
        known.add(ONTOLOGY_IRI)
        return cls(data, ontology, _site_files(kg), known)

    def iri_of(self, path: str) -> URIRef | None:
        """The resource a request path names, if the graph has it."""
        path = path.lstrip("/")
        if not _PLAIN_PATH.fullmatch(path):
            return None  # no IRI of the graph has such characters
        iri = URIRef(BASE + path)
        return iri if iri in self.known else None

    def is_term(self, iri: URIRef) -> bool:
        return str(iri).startswith(str(ACCSM))

    def graph_of(self, iri: URIRef) -> Graph:
        """The statements about ``iri``: the whole ontology for the ontology IRI."""
        if iri == ONTOLOGY_IRI:
            return self.ontology
        graph = bind_prefixes(Graph())
        source = self.ontology if self.is_term(iri) else self.data
        for triple in source.triples((iri, None, None)):
            graph.add(triple)
        return graph

    def site_page(self, folder: str) -> bytes | None:
        """A page of the site by its folder (``id/arc/kh``), if the site has it."""
        if self.site is None:
            return None
        return self.site.get(f"{folder}/index.html")

    def representation(self, iri: URIRef, fmt: str) -> bytes:
        key = (str(iri), fmt)
        if key not in self._cache:
            if fmt == "html":
                folder = str(iri)[len(BASE) :]
                page = self.site_page(folder)
                self._cache[key] = with_base(page, folder) if page else self.plain_page(iri)
            else:
                graph = self.graph_of(iri)
                writer = {"ttl": _turtle, "jsonld": _jsonld, "nt": _ntriples}[fmt]
                self._cache[key] = writer(graph)
        return self._cache[key]

    def term_page(self, iri: URIRef) -> str | None:
        """Where an ontology term is described in HTML (its entry on the ontology page)."""
        if self.site is None or "ontology/index.html" not in self.site:
            return None
        return f"/ontology/index.html#{str(iri)[len(str(ACCSM)) :]}"

    def plain_page(self, iri: URIRef) -> bytes:
        """A page of the statements about ``iri``, for when the site cannot be built."""
        graph = self.graph_of(iri)
        name = next(
            (
                str(v)
                for p in (SKOS.prefLabel, RDFS.label)
                for v in graph.objects(iri, p)
                if isinstance(v, Literal) and v.language in (None, "en")
            ),
            curie(iri),
        )
        rows = []
        for _, p, o in sorted(graph):
            if isinstance(o, URIRef) and str(o).startswith(BASE):
                value = f'<a href="/{html.escape(str(o)[len(BASE) :])}">{html.escape(curie(o))}</a>'
            else:
                value = html.escape(curie(o) if isinstance(o, URIRef) else str(o))
            rows.append(f"<tr><td>{html.escape(curie(p))}</td><td>{value}</td></tr>")
        page = Template(read_asset("resource.html").decode("utf-8")).substitute(
            title=html.escape(name), iri=html.escape(str(iri)), rows="\n".join(rows)
        )
        return page.encode("utf-8")
