"""Pick labels for people: skos:prefLabel first, then rdfs:label, by language."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label)


def primary_language(literal: Literal) -> str | None:
    """``"en"`` for ``@en-GB``; None for an untagged literal."""
    return literal.language.split("-")[0].lower() if literal.language else None


def label(graph: Graph, node: Node, lang: str = "en") -> str | None:
    """The label of ``node`` in ``lang`` (exact tag, then any regional variant), then an
    untagged one; None when there is none."""
    candidates: list[tuple[int, str]] = []
    for rank, prop in enumerate(LABEL_PROPERTIES):
        for value in graph.objects(node, prop):
            if not isinstance(value, Literal):
                continue
            if value.language and value.language.lower() == lang.lower():
                candidates.append((rank, str(value)))
            elif primary_language(value) == lang.lower():
                candidates.append((10 + rank, str(value)))
            elif value.language is None:
                candidates.append((20 + rank, str(value)))
    return min(candidates)[1] if candidates else None


def label_languages(graph: Graph, node: Node) -> set[str]:
    """Primary language tags of all labels of ``node``."""
    languages = set()
    for prop in LABEL_PROPERTIES:
        for value in graph.objects(node, prop):
            if isinstance(value, Literal) and (language := primary_language(value)):
                languages.add(language)
    return languages
