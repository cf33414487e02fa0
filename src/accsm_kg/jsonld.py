"""Compact JSON-LD with the published context (``jsonld/context.jsonld``), written by hand.

The context gives every property a short term (``"hostCountry"``, ``"label"``) with a fixed
kind: resources as plain IRI strings (``"@type": "@id"``), language maps for labels
(``{"en": "Cambodia", "km": "កម្ពុជា"}``), typed dates and integers. The writer knows these
definitions, so it emits each value in the form its term expects and falls back to an
explicit value object (``{"@value": "2008", "@type": "xsd:gYear"}``) under a prefixed-name key
wherever a value does not fit, so nothing is lost and the output reads like hand-written JSON.
Nodes and values are sorted: the same graph gives the same bytes.

The context is generated from the ontology plus ``jsonld/context-overrides.json`` and kept as
a file in the repository (``python -m accsm_kg.jsonld > jsonld/context.jsonld``); a test checks
the file is up to date and covers every property the data uses. Nothing here reads the
network: the context is embedded in every document written.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from accsm_kg.export import Quad, Triple, canonical_quads, canonical_triples, term_key
from accsm_kg.namespaces import PREFIXES
from accsm_kg.resources import asset_dir

CONTEXT_FILE = "context.jsonld"
OVERRIDES_FILE = "context-overrides.json"
KINDS = ("iri", "language", "plain")
_INTEGER_TYPES = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int}
_TYPED_RANGES = {XSD.date: "xsd:date", **{t: "xsd:integer" for t in _INTEGER_TYPES}}


class ContextError(ValueError):
    """The context cannot be generated or read (a clash of term names, a bad override)."""


# --------------------------------------------------------------------------- generating


def _expand(curie: str, prefixes: dict[str, str]) -> str:
    prefix, _, local = curie.partition(":")
    if prefix not in prefixes:
        raise ContextError(f"unknown prefix in {curie!r}")
    return prefixes[prefix] + local


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and iri[len(namespace) :]:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _ontology_kind(ontology: Graph, prop: URIRef) -> str | None:
    """The term kind the ontology's declaration implies, None when it says nothing useful."""
    types = set(ontology.objects(prop, RDF.type))
    if OWL.ObjectProperty in types:
        return "iri"
    ranges = set(ontology.objects(prop, RDFS.range))
    if RDF.langString in ranges:
        return "language"
    for datatype, name in _TYPED_RANGES.items():
        if datatype in ranges:
            # Turtle writes integers as xsd:integer, whatever the declared subtype.
            return name
    if OWL.DatatypeProperty in types or OWL.AnnotationProperty in types:
        return "plain"
    return None


def _definition(curie: str, kind: str) -> str | dict[str, str]:
    if kind == "iri":
        return {"@id": curie, "@type": "@id"}
    if kind == "language":
        return {"@id": curie, "@container": "@language"}
    if kind == "plain":
        return curie
    return {"@id": curie, "@type": kind}


def generate_context(ontology: Graph, overrides: dict[str, Any]) -> dict[str, Any]:
    """The context document: aliases, prefixes, one term per ontology class and property
    (the ontology's own namespace) and per property listed in the overrides."""
    aliases: dict[str, str] = dict(overrides.get("aliases", {}))
    prefixes = {name: PREFIXES[name] for name in overrides["prefixes"]}
    class_namespaces = [prefixes[name] for name in overrides.get("class_namespaces", [])]
    own = prefixes["accsm"]

    classes: dict[str, str] = {}
    for cls in set(ontology.subjects(RDF.type, OWL.Class)):
        iri = str(cls)
        for namespace in class_namespaces:
            local = iri[len(namespace) :]
            if isinstance(cls, URIRef) and iri.startswith(namespace) and local.isidentifier():
                classes[local] = _compact(iri, prefixes)

    properties: dict[str, tuple[str, str]] = {}  # property IRI -> (term, kind)
    declared = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
    for kind_class in declared:
        for prop in ontology.subjects(RDF.type, kind_class):
            iri = str(prop)
            if isinstance(prop, URIRef) and iri.startswith(own):
                kind = _ontology_kind(ontology, prop) or "plain"
                properties[iri] = (iri[len(own) :], kind)
    for curie, spec in overrides.get("terms", {}).items():
        iri = _expand(curie, prefixes)
        term = spec.get("term") or properties.get(iri, (curie.partition(":")[2], ""))[0]
        kind = spec["kind"]
        if kind not in KINDS and not kind.startswith("xsd:"):
            raise ContextError(f"{curie}: unknown kind {kind!r}")
        properties[iri] = (term, kind)

    context: dict[str, Any] = {}
    seen: dict[str, str] = {}
    entries: list[tuple[str, Any, str]] = [(a, k, "alias") for a, k in aliases.items()]
    entries += [(p, ns, "prefix") for p, ns in prefixes.items()]
    entries += [(name, classes[name], "class") for name in sorted(classes)]
    for iri, (term, kind) in sorted(properties.items(), key=lambda kv: kv[1][0]):
        entries.append((term, _definition(_compact(iri, prefixes), kind), "property"))
    for name, value, what in entries:
        if name in seen:
            raise ContextError(f"term {name!r} names both a {seen[name]} and a {what}")
        seen[name] = what
        context[name] = value
    return {"@context": context}


def format_context(document: dict[str, Any]) -> str:
    """The context as JSON with one term per line, for people reading it."""
    entries = [
        f"    {json.dumps(name, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
        for name, value in document["@context"].items()
    ]
    return '{\n  "@context": {\n' + ",\n".join(entries) + "\n  }\n}\n"


def load_overrides() -> dict[str, Any]:
    return json.loads((asset_dir("jsonld") / OVERRIDES_FILE).read_text(encoding="utf-8"))


@cache
def context_text() -> str:
    """The shipped context file's text."""
    return (asset_dir("jsonld") / CONTEXT_FILE).read_text(encoding="utf-8")


def load_context() -> dict[str, Any]:
    """The shipped context (the object under ``@context``)."""
    return json.loads(context_text())["@context"]


# --------------------------------------------------------------------------- the term table


@dataclass(frozen=True)
class Term:
    name: str
    kind: str  # "iri", "language", "plain" or a datatype IRI


class TermTable:
    """What the writer needs from a context: terms per property and class, prefixes."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.prefixes: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        raw: dict[str, str | dict[str, str]] = {}
        for name, value in context.items():
            if name.startswith("@"):
                continue
            if isinstance(value, str) and value.startswith("@"):
                self.aliases[value] = name
            elif isinstance(value, str) and value.endswith(("/", "#")) and "://" in value:
                self.prefixes[name] = value
            else:
                raw[name] = value
        self.properties: dict[str, Term] = {}
        self.classes: dict[str, str] = {}
        for name, value in raw.items():
            if isinstance(value, str):
                iri = self.expand(value)
                self.classes.setdefault(iri, name)
                self.properties.setdefault(iri, Term(name, "plain"))
                continue
            iri = self.expand(value["@id"])
            container, coerce = value.get("@container"), value.get("@type")
            if container == "@language":
                kind = "language"
            elif coerce == "@id":
                kind = "iri"
            elif coerce:
                kind = self.expand(coerce)
            else:
                kind = "plain"
            self.properties[iri] = Term(name, kind)
        self._by_length = sorted(self.prefixes.items(), key=lambda kv: -len(kv[1]))

    def keyword(self, keyword: str) -> str:
        return self.aliases.get(keyword, keyword)

    def expand(self, value: str) -> str:
        prefix, colon, local = value.partition(":")
        if colon and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return value

    def compact(self, iri: str) -> str:
        """A prefixed name when one is safe, else the IRI."""
        for prefix, namespace in self._by_length:
            local = iri[len(namespace) :]
            plain = all(c.isalnum() or c in "_-." for c in local)
            if iri.startswith(namespace) and local and plain and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def vocab(self, iri: str) -> str:
        """A class or datatype as written in ``type``: its term, a prefixed name or the IRI."""
        return self.classes.get(iri) or self.compact(iri)


# --------------------------------------------------------------------------- writing


def _node_id(node: Node) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _fits(term: Term, value: Node) -> bool:
    if term.kind == "iri":
        return isinstance(value, URIRef | BNode)
    if term.kind == "language":
        return isinstance(value, Literal) and bool(value.language)
    if term.kind == "plain":
        return True
    return isinstance(value, Literal) and not value.language and str(value.datatype) == term.kind


def _explicit(value: Node, table: TermTable) -> Any:
    """A value in the form that needs no coercion from its key."""
    if isinstance(value, URIRef | BNode):
        return {table.keyword("@id"): _node_id(value)}
    assert isinstance(value, Literal)
    if value.language:
        return {"@value": str(value), "@language": value.language}
    if value.datatype is not None:
        return {"@value": str(value), "@type": table.vocab(str(value.datatype))}
    return str(value)


def _one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _node_object(subject: Node, statements: list[tuple[Node, Node]], table: TermTable) -> dict:
    node: dict[str, Any] = {table.keyword("@id"): _node_id(subject)}
    types = sorted(
        table.vocab(str(o)) for p, o in statements if p == RDF.type and isinstance(o, URIRef)
    )
    if types:
        node[table.keyword("@type")] = _one_or_many(types)
    grouped: dict[str, list[tuple[Term, Node]]] = defaultdict(list)
    for p, o in statements:
        if p == RDF.type and isinstance(o, URIRef):
            continue
        term = table.properties.get(str(p))
        if term is None or not _fits(term, o):
            term = Term(table.compact(str(p)), "plain")
        grouped[term.name].append((term, o))
    for key in sorted(grouped):
        pairs = sorted(grouped[key], key=lambda pair: term_key(pair[1]))
        term = pairs[0][0]
        if term.kind == "language":
            by_language: dict[str, list[str]] = defaultdict(list)
            for _, value in pairs:
                by_language[value.language].append(str(value))  # type: ignore[attr-defined]
            node[key] = {lang: _one_or_many(by_language[lang]) for lang in sorted(by_language)}
        elif term.kind == "iri":
            node[key] = _one_or_many([_node_id(value) for _, value in pairs])
        elif term.kind == "plain":
            node[key] = _one_or_many([_explicit(value, table) for _, value in pairs])
        else:
            node[key] = _one_or_many([str(value) for _, value in pairs])
    return node


def _node_objects(triples: Iterable[Triple], table: TermTable) -> list[dict]:
    by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    return [_node_object(s, by_subject[s], table) for s in sorted(by_subject, key=term_key)]


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_jsonld(triples: Iterable[Triple], context: dict[str, Any] | None = None) -> str:
    """Compact JSON-LD of a graph, the context embedded (no reader fetches anything)."""
    context = load_context() if context is None else context
    nodes = _node_objects(canonical_triples(triples), TermTable(context))
    return _dump({"@context": context, "@graph": nodes})


def to_jsonld_dataset(quads: Iterable[Quad], context: dict[str, Any] | None = None) -> str:
    """Compact JSON-LD of a dataset: each named graph a ``{"id": G, "@graph": [...]}`` object."""
    context = load_context() if context is None else context
    table = TermTable(context)
    by_graph: dict[Node | None, list[Triple]] = defaultdict(list)
    for s, p, o, g in canonical_quads(quads):
        by_graph[g].append((s, p, o))
    items: list[dict] = _node_objects(by_graph.pop(None, []), table)
    for name in sorted(by_graph, key=term_key):
        assert name is not None
        graph_nodes = _node_objects(by_graph[name], table)
        items.append({table.keyword("@id"): _node_id(name), "@graph": graph_nodes})
    return _dump({"@context": context, "@graph": items})


def main() -> int:
    """Print the context generated from the packaged ontology and the overrides."""
    from accsm_kg.load import load_knowledge_graph

    ontology = load_knowledge_graph().ontology_graph()
    sys.stdout.write(format_context(generate_context(ontology, load_overrides())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
