"""Network measures per node: degree, weighted degree, betweenness, eigenvector centrality and
community, computed by networkx on the undirected simple projection of the network (the
weight of a pair is the number of typed links between the two).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

COLUMNS = (
    "iri",
    "curie",
    "label",
    "kind",
    "degree",
    "weighted_degree",
    "betweenness",
    "eigenvector",
    "community",
)
SEED = 20  # communities are found with a fixed seed, so that releases compare
EXACT_LIMIT = 1000  # nodes up to which betweenness is computed exactly
SAMPLE = 300  # source nodes that estimate betweenness in larger networks
MAX_ITER, TOLERANCE = 5000, 1e-10  # power iteration for eigenvector centrality


@dataclass(frozen=True)
class NodeMetrics:
    iri: str
    curie: str
    label: str
    kind: str
    degree: int
    weighted_degree: float
    betweenness: float
    eigenvector: float
    community: int


def projection(graph: nx.MultiDiGraph) -> nx.Graph:
    """Undirected, one edge per linked pair, ``weight`` = how many typed links join them."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v, attrs in graph.edges(data=True):
        weight = float(attrs.get("weight", 1.0))
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += weight
        else:
            simple.add_edge(u, v, weight=weight)
    return simple


def _principal_eigenvector(part: nx.Graph) -> dict[str, float]:
    """The unit-length Perron eigenvector of a connected graph's weighted adjacency matrix A,
    by power iteration on A + I (the shift makes it converge on bipartite graphs too), with
    the matrix kept as numpy arrays of its edges: each step costs O(edges)."""
    nodes = list(part)
    index = {node: i for i, node in enumerate(nodes)}
    rows, cols, weights = [], [], []
    for u, v, weight in part.edges(data="weight", default=1.0):
        rows += [index[u], index[v]]
        cols += [index[v], index[u]]
        weights += [weight, weight]
    row, col, weight = np.array(rows), np.array(cols), np.array(weights, dtype=float)
    x = np.full(len(nodes), 1.0 / math.sqrt(len(nodes)))
    for _ in range(MAX_ITER):
        y = np.bincount(row, weights=weight * x[col], minlength=len(nodes)) + x
        y /= np.linalg.norm(y)
        done = np.abs(y - x).sum() < len(nodes) * TOLERANCE
        x = y
        if done:
            break
    return {node: float(x[index[node]]) for node in nodes}


def eigenvector_by_component(simple: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality of each connected component, scaled by the square root of the
    component's share of the linked nodes, so that the whole vector has unit length and a
    small component does not outrank the main one. A lone node gets 0 (and no share)."""
    total = sum(1 for node in simple if simple.degree(node) > 0) or 1
    values: dict[str, float] = {}
    for nodes in nx.connected_components(simple):
        if len(nodes) < 2:
            values.update(dict.fromkeys(nodes, 0.0))
            continue
        found = _principal_eigenvector(simple.subgraph(nodes))
        scale = math.sqrt(len(nodes) / total)
        values.update({n: x * scale for n, x in found.items()})
    return values


def compute_metrics(graph: nx.MultiDiGraph) -> list[NodeMetrics]:
    """The measures of every node, sorted by betweenness, then weighted degree, then label."""
    simple = projection(graph)
    if simple.number_of_nodes() == 0:
        return []
    # Exact up to EXACT_LIMIT nodes; beyond, estimated from SAMPLE sources (fixed seed).
    sample = SAMPLE if simple.number_of_nodes() > EXACT_LIMIT else None
    betweenness = nx.betweenness_centrality(simple, k=sample, normalized=True, seed=SEED)
    eigenvector = eigenvector_by_component(simple)
    community_of: dict[str, int] = {}
    if simple.number_of_edges():
        communities = nx.community.louvain_communities(simple, weight="weight", seed=SEED)
    else:
        communities = [{n} for n in simple.nodes]
    ordered = sorted(communities, key=lambda c: (-len(c), min(c)))
    for number, members in enumerate(ordered, start=1):
        for node in members:
            community_of[node] = number
    rows = []
    for node in simple.nodes:
        attrs = graph.nodes[node]
        rows.append(
            NodeMetrics(
                iri=node,
                curie=str(attrs.get("curie", node)),
                label=str(attrs.get("label", node)),
                kind=str(attrs.get("kind", "")),
                degree=int(simple.degree(node)),
                weighted_degree=float(simple.degree(node, weight="weight")),
                betweenness=float(betweenness[node]),
                eigenvector=float(eigenvector[node]),
                community=community_of[node],
            )
        )
    rows.sort(key=lambda m: (-m.betweenness, -m.weighted_degree, m.label))
    return rows


def metrics_csv(rows: list[NodeMetrics]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in rows:
        writer.writerow(
            [
                m.iri,
                m.curie,
                m.label,
                m.kind,
                m.degree,
                f"{m.weighted_degree:g}",
                f"{m.betweenness:.6f}",
                f"{m.eigenvector:.6f}",
                m.community,
            ]
        )
    return out.getvalue()


def format_top(rows: list[NodeMetrics], count: int = 10) -> str:
    """The first ``count`` rows as an aligned table for the terminal."""
    header = ("#", "node", "kind", "degree", "weighted", "betweenness", "eigenvector", "community")
    body = [
        (
            str(i),
            m.label if len(m.label) <= 40 else m.label[:39] + "…",
            m.kind,
            str(m.degree),
            f"{m.weighted_degree:g}",
            f"{m.betweenness:.3f}",
            f"{m.eigenvector:.3f}",
            str(m.community),
        )
        for i, m in enumerate(rows[:count], start=1)
    ]
    widths = [max(len(r[c]) for r in [header, *body]) for c in range(len(header))]
    numeric = {0, 3, 4, 5, 6, 7}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.rjust(w) if c in numeric else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), *(line(r) for r in body)]) + "\n"
