"""Write the knowledge graph as deterministic files: Turtle, N-Triples, TriG, N-Quads, RDF/XML
and JSON-LD.

rdflib's own serializers follow the order of Python sets, which changes with the hash seed;
releases must be byte-identical for the same input and diff well, so the writers here are
our own: subjects, predicates and objects sorted, one statement per line, prefixes always the
contract's (``namespaces.PREFIXES``), blank nodes given canonical labels (RDFC-style hashing
via ``rdflib.compare``) when there are any. rdflib stays the parser of record; the tests
re-read every file with rdflib, Oxigraph, Raptor and pyld.

What is exported: the *union graph* is every data graph including ``g:meta`` and
``g:derived``, without the ontology (which is exported on its own, with its version IRI).
The *dataset* is the same triples with their graph names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import PREFIXES

Triple = tuple[Node, Node, Node]
#: A statement with its graph name (None: the default graph).
Quad = tuple[Node, Node, Node, Node | None]

#: ``--format`` name → (file extension, media type, what it holds)
FORMATS: dict[str, tuple[str, str, str]] = {
    "ttl": (".ttl", "text/turtle", "union graph"),
    "nt": (".nt", "application/n-triples", "union graph"),
    "trig": (".trig", "application/trig", "dataset"),
    "nq": (".nq", "application/n-quads", "dataset"),
    "jsonld": (".jsonld", "application/ld+json", "union graph"),
    "xml": (".rdf", "application/rdf+xml", "union graph"),
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)
# Deliberately narrower than Turtle's PN_LOCAL (no dots, no escapes, no leading digit), so
# that every parser, including older ones such as Raptor 2.0, reads the prefixed names.
_SAFE_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')


class ExportError(ValueError):
    """The graph cannot be written in the asked format (e.g. an RDF/XML-unfriendly IRI)."""


# --------------------------------------------------------------------------- terms


def _escape_string(text: str) -> str:
    return _STRING_SPECIAL.sub(
        lambda m: _STRING_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), text
    )


def iri_ref(iri: str) -> str:
    """``<iri>``, with characters an IRIREF may not hold written as ``\\uXXXX``."""
    return "<" + _IRI_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def prefixed_name(iri: str) -> str | None:
    """``prefix:local`` for an IRI in a contract namespace with a plain local part, else None."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and _SAFE_LOCAL.fullmatch(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return None


def ntriples_term(term: Node) -> str:
    """A term in N-Triples/N-Quads syntax (UTF-8, only the required escapes)."""
    if isinstance(term, URIRef):
        return iri_ref(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = f'"{_escape_string(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{iri_ref(str(term.datatype))}"
        return text
    raise ExportError(f"cannot write a {type(term).__name__} in N-Triples: {term!r}")


def turtle_term(term: Node, *, predicate: bool = False) -> str:
    """A term in Turtle/TriG syntax: prefixed names where safe, bare integers."""
    if predicate and term == RDF.type:
        return "a"
    if isinstance(term, URIRef):
        return prefixed_name(str(term)) or iri_ref(str(term))
    if isinstance(term, Literal) and not term.language and term.datatype is not None:
        lexical = str(term)
        if term.datatype == XSD.integer and _INTEGER.fullmatch(lexical):
            return lexical
        text = f'"{_escape_string(lexical)}"'
        return f"{text}^^{turtle_term(term.datatype)}"
    return ntriples_term(term)


def term_key(term: Node | None) -> tuple:
    """Sort key: IRIs, then blank nodes, then literals; by text, datatype, language."""
    if term is None:
        return (-1, "")
    if isinstance(term, URIRef):
        return (0, str(term))
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, Literal):
        return (2, str(term), str(term.datatype or ""), term.language or "")
    return (3, str(term))


def _triple_key(triple: Triple) -> tuple:
    s, p, o = triple
    return (term_key(s), p != RDF.type, term_key(p), term_key(o))


# --------------------------------------------------------------------------- statements


def union_triples(kg: KnowledgeGraph) -> set[Triple]:
    """Every data triple (all data graphs incl. g:meta and g:derived), without the ontology."""
    triples: set[Triple] = set()
    for graph in kg.data_graphs():
        triples.update(graph)
    return triples


def dataset_quads(kg: KnowledgeGraph) -> set[Quad]:
    """Every data quad; the default graph (normally empty) has the graph name None."""
    quads: set[Quad] = set()
    for graph in kg.data_graphs():
        name = None if graph.identifier == DATASET_DEFAULT_GRAPH_ID else graph.identifier
        quads.update((s, p, o, name) for s, p, o in graph)
    return quads


def quads_of(dataset: Dataset) -> set[Quad]:
    """The quads of any rdflib Dataset (default graph → None), for comparisons and tests."""
    quads: set[Quad] = set()
    for graph in dataset.graphs():
        name = None if graph.identifier == DATASET_DEFAULT_GRAPH_ID else graph.identifier
        quads.update((s, p, o, name) for s, p, o in graph)
    return quads


_GRAPH_MARK = "\x00graph\x00"


def canonical_quads(quads: Iterable[Quad]) -> set[Quad]:
    """The quads with blank nodes relabelled canonically (unchanged when there are none).

    The labels depend only on the graph's structure, so the same statements always get the
    same labels. A blank node keeps one label across named graphs: the graph name is folded
    into the predicate while canonicalising, then unfolded.
    """
    quads = set(quads)
    if not any(isinstance(t, BNode) for q in quads for t in q):
        return quads
    folded = Graph()
    for s, p, o, g in quads:
        marker = "" if g is None else (("b" if isinstance(g, BNode) else "i") + str(g))
        folded.add((s, URIRef(f"{p}{_GRAPH_MARK}{marker}"), o))
    result: set[Quad] = set()
    for s, p, o in to_canonical_graph(folded):
        predicate, _, marker = str(p).partition(_GRAPH_MARK)
        name: Node | None = None
        if marker:
            name = BNode(marker[1:]) if marker[0] == "b" else URIRef(marker[1:])
        result.add((s, URIRef(predicate), o, name))
    return result


def canonical_triples(triples: Iterable[Triple]) -> set[Triple]:
    """The triples with blank nodes relabelled canonically (see :func:`canonical_quads`)."""
    return {(s, p, o) for s, p, o, _ in canonical_quads((s, p, o, None) for s, p, o in triples)}


# --------------------------------------------------------------------------- line formats


def to_ntriples(triples: Iterable[Triple]) -> str:
    """Sorted, canonical N-Triples: one triple per line, lines in code-point order."""
    lines = {
        f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} .\n"
        for s, p, o in canonical_triples(triples)
    }
    return "".join(sorted(lines))


def to_nquads(quads: Iterable[Quad]) -> str:
    """Sorted N-Quads; default-graph statements have no fourth term."""
    lines = set()
    for s, p, o, g in canonical_quads(quads):
        name = "" if g is None else f" {ntriples_term(g)}"
        lines.add(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)}{name} .\n")
    return "".join(sorted(lines))


# --------------------------------------------------------------------------- Turtle, TriG


def _prefix_lines() -> list[str]:
    return [f"@prefix {prefix}: {iri_ref(ns)} ." for prefix, ns in PREFIXES.items()]


def _turtle_block(triples: Iterable[Triple], indent: str = "") -> list[str]:
    """Statements grouped by subject: the subject alone on a line, then one
    predicate-object pair per line (rdf:type first), so a change touches one line."""
    by_subject: dict[Node, list[Triple]] = defaultdict(list)
    for triple in triples:
        by_subject[triple[0]].append(triple)
    lines: list[str] = []
    for subject in sorted(by_subject, key=term_key):
        if lines:
            lines.append("")
        lines.append(indent + turtle_term(subject))
        statements = sorted(by_subject[subject], key=_triple_key)
        for index, (_, p, o) in enumerate(statements):
            end = " ." if index == len(statements) - 1 else " ;"
            pair = f"{turtle_term(p, predicate=True)} {turtle_term(o)}"
            lines.append(f"{indent}    {pair}{end}")
    return lines


def to_turtle(triples: Iterable[Triple]) -> str:
    """Deterministic Turtle: the contract's prefixes, subjects in order, sorted statements."""
    lines = [*_prefix_lines(), "", *_turtle_block(canonical_triples(triples))]
    return "\n".join(lines) + "\n"


def to_trig(quads: Iterable[Quad]) -> str:
    """Deterministic TriG: one block per named graph, graphs in name order."""
    by_graph: dict[Node | None, list[Triple]] = defaultdict(list)
    for s, p, o, g in canonical_quads(quads):
        by_graph[g].append((s, p, o))
    lines = _prefix_lines()
    for name in sorted(by_graph, key=term_key):
        opening = "{" if name is None else f"{turtle_term(name)} {{"
        lines += ["", opening, *_turtle_block(by_graph[name], indent="    "), "}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- RDF/XML

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str, where: str) -> str:
    if _XML_ILLEGAL.search(text):
        raise ExportError(f"RDF/XML cannot hold a control character ({where})")
    # A literal carriage return would be read back as a newline: keep it as a reference.
    return xml_escape(text).replace("\r", "&#13;")


def _xml_attr(text: str, where: str) -> str:
    if _XML_ILLEGAL.search(text):
        raise ExportError(f"RDF/XML cannot hold a control character ({where})")
    return quoteattr(text, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _is_name_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "_.-")


def _split_predicate(iri: str) -> tuple[str, str]:
    """(namespace, local name) with an XML NCName local name, or ExportError."""
    start = len(iri)
    while start > 0 and _is_name_char(iri[start - 1]):
        start -= 1
    while start < len(iri) and not (
        iri[start].isascii() and (iri[start].isalpha() or iri[start] == "_")
    ):
        start += 1
    if start == 0 or start == len(iri):
        raise ExportError(f"RDF/XML cannot write the predicate <{iri}> (no XML name at its end)")
    return iri[:start], iri[start:]


def to_rdfxml(triples: Iterable[Triple]) -> str:
    """Deterministic, flat RDF/XML: one rdf:Description per subject, sorted."""
    triples = sorted(canonical_triples(triples), key=_triple_key)
    names = {str(p): _split_predicate(str(p)) for _, p, _ in triples}
    known = {ns: prefix for prefix, ns in PREFIXES.items()}
    extra = sorted({ns for ns, _ in names.values() if ns not in known})
    prefixes = {**known, **{ns: f"ns{i}" for i, ns in enumerate(extra, start=1)}}
    used = sorted({ns for ns, _ in names.values()} | {str(RDF)}, key=lambda ns: prefixes[ns])
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f"    xmlns:{prefixes[ns]}={_xml_attr(ns, 'namespace')}" for ns in used]
    lines[-1] += ">"
    current: Node | None = None
    for s, p, o in triples:
        if s != current:
            if current is not None:
                lines.append("  </rdf:Description>")
            about = (
                f"rdf:nodeID={_xml_attr(str(s), 'blank node')}"
                if isinstance(s, BNode)
                else f"rdf:about={_xml_attr(str(s), 'subject')}"
            )
            lines.append(f"  <rdf:Description {about}>")
            current = s
        ns, local = names[str(p)]
        tag = f"{prefixes[ns]}:{local}"
        if isinstance(o, URIRef):
            lines.append(f"    <{tag} rdf:resource={_xml_attr(str(o), 'object')}/>")
        elif isinstance(o, BNode):
            lines.append(f"    <{tag} rdf:nodeID={_xml_attr(str(o), 'blank node')}/>")
        else:
            assert isinstance(o, Literal)
            if o.language:
                attrs = f" xml:lang={_xml_attr(o.language, 'language')}"
            elif o.datatype is not None:
                attrs = f" rdf:datatype={_xml_attr(str(o.datatype), 'datatype')}"
            else:
                attrs = ""
            lines.append(f"    <{tag}{attrs}>{_xml_text(str(o), str(s))}</{tag}>")
    if current is not None:
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- entry points


@dataclass(frozen=True)
class Export:
    """One file to write: its name in dist/ and its text."""

    name: str
    text: str


def render(kg: KnowledgeGraph, fmt: str) -> str:
    """The knowledge graph's data in ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt == "ttl":
        return to_turtle(union_triples(kg))
    if fmt == "nt":
        return to_ntriples(union_triples(kg))
    if fmt == "trig":
        return to_trig(dataset_quads(kg))
    if fmt == "nq":
        return to_nquads(dataset_quads(kg))
    if fmt == "xml":
        return to_rdfxml(union_triples(kg))
    if fmt == "jsonld":
        from accsm_kg.jsonld import to_jsonld

        return to_jsonld(union_triples(kg))
    raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def ontology_triples(kg: KnowledgeGraph) -> set[Triple]:
    return set(kg.ontology_graph())


def release_files(kg: KnowledgeGraph) -> Iterator[Export]:
    """Every export of a release, in the order build writes them."""
    from accsm_kg.jsonld import context_text, to_jsonld, to_jsonld_dataset

    union = union_triples(kg)
    quads = dataset_quads(kg)
    ontology = ontology_triples(kg)
    yield Export("accsm.ttl", to_turtle(union))
    yield Export("accsm.nt", to_ntriples(union))
    yield Export("accsm.trig", to_trig(quads))
    yield Export("accsm.nq", to_nquads(quads))
    yield Export("accsm.jsonld", to_jsonld(union))
    yield Export("accsm-dataset.jsonld", to_jsonld_dataset(quads))
    yield Export("accsm.rdf", to_rdfxml(union))
    yield Export("ontology.ttl", to_turtle(ontology))
    yield Export("ontology.jsonld", to_jsonld(ontology))
    yield Export("context.jsonld", context_text())


def suffix_format(path: Path) -> str | None:
    """The export format whose extension ``path`` has, if any."""
    for fmt, (suffix, _, _) in FORMATS.items():
        if path.suffix.lower() == suffix:
            return fmt
    return None
