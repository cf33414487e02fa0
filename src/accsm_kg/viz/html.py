"""partnerships.html: one self-contained page that works offline.

The page is viz-assets/partnerships.html with its CSS, the app script, the vendored
vis-network build and the network as JSON written into it; it loads nothing else (its
Content-Security-Policy forbids it). Every node carries its labels in the four languages
(for search), its facts and the named graphs stating each, and the source passages those
graphs stand for, so that a click shows where a fact comes from.
"""

from __future__ import annotations

import html
import json
import math
import random
import re

import networkx as nx

from accsm_kg import __version__
from accsm_kg.viz.extract import LANGS, Fact, NetworkData, Passage
from accsm_kg.viz.metrics import projection
from accsm_kg.viz.model import curie_text, year_range
from accsm_kg.viz.style import asset_path, load_style

_MARKER = re.compile(r"@@([A-Z]+)@@")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
#: Above this many nodes the page gets random start positions instead of a spring layout
#: (networkx's spring layout needs SciPy beyond 500 nodes) and a shorter stabilisation.
SPRING_LIMIT = 400

PASSAGE_KINDS = {
    "SourcePassage": "source passage",
    "CuratedGraph": "curators' addition",
    "PublicReferenceGraph": "public reference",
    "DerivedGraph": "derived when loaded",
}


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Start positions for the page (pixels); vis-network's physics refines them."""
    count = graph.number_of_nodes()
    if count == 0:
        return {}
    size = 70.0 * math.sqrt(count)
    if count <= SPRING_LIMIT:
        found = nx.spring_layout(projection(graph), seed=7, iterations=100)
        return {n: (float(x) * size, float(y) * size) for n, (x, y) in found.items()}
    rng = random.Random(7)
    positions = {}
    for node in sorted(graph.nodes):
        radius, angle = size * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return positions


def _passage(passage: Passage) -> dict[str, str]:
    kind = PASSAGE_KINDS.get(passage.kind, passage.kind)
    if passage.kind == "SourcePassage":
        title = passage.titles.get("en") or next(iter(sorted(passage.titles.values())), None)
        return {
            "kind": kind,
            "title": title or curie_text(passage.source or passage.graph),
            "locator": passage.locator or "",
            "description": passage.description or "",
        }
    return {
        "kind": kind,
        "title": kind,
        "locator": passage.reference or "",
        "description": passage.description or "",
    }


def _fact(fact: Fact, data: NetworkData, graph: nx.MultiDiGraph, lang: str) -> dict:
    labels = data.labels.get(fact.property)
    prop = load_style().properties.get(fact.property)
    prop = prop or (labels.best("en") if labels else None) or curie_text(fact.property)
    entry: dict[str, object] = {"property": prop}
    if fact.is_iri:
        value_labels = data.labels.get(fact.value)
        entry["value"] = (value_labels.best(lang) if value_labels else None) or curie_text(
            fact.value
        )
        if fact.value in graph:
            entry["node"] = fact.value
    else:
        entry["value"] = fact.value
        if fact.lang:
            entry["lang"] = fact.lang
    return entry


def payload(
    graph: nx.MultiDiGraph,
    data: NetworkData,
    lang: str = "en",
    as_of: str | None = None,
    focus: str | None = None,
) -> dict:
    """Everything the page shows, as JSON-ready data."""
    style = load_style()
    positions = layout(graph)
    simple = projection(graph)
    nodes = []
    for node, attrs in sorted(graph.nodes(data=True)):
        x, y = positions.get(node, (0.0, 0.0))
        info = data.nodes.get(node)
        search = info.labels.all_texts() if info else []
        nodes.append(
            {
                "id": node,
                "iri": attrs["iri"],
                "curie": attrs["curie"],
                "label": attrs["label"],
                "labels": {code: attrs.get(f"label_{code}", "") for code in LANGS},
                "search": [*search, attrs["curie"]],
                "kind": attrs["kind"],
                "start": attrs.get("start"),
                "end": attrs.get("end"),
                "basis": attrs.get("date_basis"),
                "dates": attrs.get("dates", ""),
                "degree": simple.degree(node),
                "x": round(x, 1),
                "y": round(y, 1),
            }
        )
    edges = [
        {
            "id": attrs["id"],
            "from": u,
            "to": v,
            "type": attrs["relation"],
            "start": attrs.get("start"),
            "end": attrs.get("end"),
            "date": attrs.get("date", ""),
            "dated_by": attrs.get("dated_by", ""),
            "sources": attrs["sources"].split() if attrs.get("sources") else [],
        }
        for u, v, attrs in sorted(graph.edges(data=True), key=lambda e: e[2]["id"])
    ]
    used_graphs = {g for e in edges for g in e["sources"]}
    facts: dict[str, list[dict]] = {}
    for node in graph.nodes:
        merged: dict[tuple, dict] = {}
        for fact in data.facts.get(node, []):
            entry = _fact(fact, data, graph, lang)
            key = (entry["property"], entry["value"], entry.get("lang"))
            source = curie_text(fact.graph)
            used_graphs.add(source)
            merged.setdefault(key, {**entry, "sources": []})["sources"].append(source)
        facts[node] = list(merged.values())
    passages = {
        curie_text(iri): _passage(p)
        for iri, p in data.passages.items()
        if curie_text(iri) in used_graphs
    }
    first, last = year_range(graph)
    return {
        "lang": lang,
        "asOf": as_of,
        "focus": focus,
        "version": __version__,
        "years": [first, last],
        "stabilizationIterations": 400 if len(nodes) <= SPRING_LIMIT else 60,
        "kinds": [{"key": k.key, "label": k.label, "color": k.color} for k in style.kinds.values()],
        "groups": [
            {"key": g.key, "label": g.label, "color": g.color} for g in style.groups.values()
        ],
        "types": [
            {"key": t.key, "label": t.label, "group": t.group, "color": t.color}
            for t in style.types.values()
        ],
        "nodes": nodes,
        "edges": edges,
        "facts": facts,
        "passages": passages,
    }


def script_json(value: object) -> str:
    """JSON safe inside a <script> element: every '<' escaped, so no '</script>'."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def vendored_library() -> str:
    text = asset_path("vendor/vis-network.min.js").read_text(encoding="utf-8")
    text = _SOURCE_MAP.sub("", text)
    if "</script" in text.lower():
        raise ValueError("the vendored vis-network build contains '</script': cannot inline it")
    return text


def render_html(
    graph: nx.MultiDiGraph,
    data: NetworkData,
    lang: str = "en",
    as_of: str | None = None,
    focus: str | None = None,
) -> str:
    """The page, as text."""
    title = "ACCSM partnership network"
    if as_of:
        title += f" as of {as_of}"
    parts = {
        "LANG": html.escape(lang),
        "TITLE": html.escape(title),
        "CSS": asset_path("partnerships.css").read_text(encoding="utf-8"),
        "DATA": script_json(payload(graph, data, lang, as_of, focus)),
        "VIS": vendored_library(),
        "APP": asset_path("partnerships.js").read_text(encoding="utf-8"),
    }
    template = asset_path("partnerships.html").read_text(encoding="utf-8")
    return _MARKER.sub(lambda m: parts[m.group(1)], template)
