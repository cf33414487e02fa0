"""Each resource as Turtle and JSON-LD, written beside its page (index.ttl, index.jsonld).

A resource's file holds the statements whose subject it is. The JSON-LD carries an inline
context of the prefixes it uses, never a remote one, and is normalised (keys and repeated
values sorted) so that the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Graph, Literal
from rdflib.term import Node, URIRef

from accsm_kg.namespaces import PREFIXES, bind_prefixes

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)


def resource_graph(data: Graph, node: Node) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in data.triples((node, None, None)):
        graph.add(triple)
    return graph


def _prefix_of(iri: str) -> str | None:
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix
    return None


def used_context(graph: Graph) -> dict[str, str]:
    """The prefixes of the IRIs (and datatypes) that occur in ``graph``."""
    used = set()
    for triple in graph:
        for term in triple:
            iri = term.datatype if isinstance(term, Literal) else term
            if isinstance(iri, URIRef) and (prefix := _prefix_of(str(iri))):
                used.add(prefix)
    return {prefix: PREFIXES[prefix] for prefix in sorted(used)}


def turtle_bytes(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def _normalise(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _normalise(v, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_normalise(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def jsonld_bytes(graph: Graph) -> bytes:
    context = used_context(graph)
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    document = _normalise(json.loads(text))
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
