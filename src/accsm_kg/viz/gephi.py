"""GraphML and GEXF for Gephi and yEd: every attribute a string or a number.

networkx refuses IRIs, lists and None as attribute values, and its GEXF writer treats the
attributes ``label``, ``weight``, ``type``, ``start`` and ``end`` specially (``start`` and
``end`` become the timeline of a dynamic graph, with dates as YYYY-MM-DD). The network keeps
its link type in ``relation`` for that reason, and omits ``start``/``end`` where unknown.
"""

from __future__ import annotations

import io

import networkx as nx

_PLAIN = (str, int, float, bool)


def _clean(attrs: dict) -> dict:
    return {
        key: value if isinstance(value, _PLAIN) else str(value)
        for key, value in attrs.items()
        if value is not None
    }


def plain_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose graph, node and edge attributes are all strings or numbers."""
    copy = nx.MultiDiGraph()
    copy.graph.update(_clean(dict(graph.graph)))
    for node, attrs in graph.nodes(data=True):
        copy.add_node(str(node), **_clean(attrs))
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        copy.add_edge(str(u), str(v), key=str(key), **_clean(attrs))
    return copy


def graphml_bytes(graph: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(plain_copy(graph), out, encoding="utf-8", prettyprint=True)
    return out.getvalue()


def gexf_bytes(graph: nx.MultiDiGraph) -> bytes:
    copy = plain_copy(graph)
    copy.graph.pop("name", None)
    # GEXF keeps a node's colour in its viz element, which Gephi shows as it is.
    for _, attrs in copy.nodes(data=True):
        color = attrs.get("color", "")
        if isinstance(color, str) and len(color) == 7 and color.startswith("#"):
            attrs["viz"] = {
                "color": {
                    "r": int(color[1:3], 16),
                    "g": int(color[3:5], 16),
                    "b": int(color[5:7], 16),
                    "a": 1.0,
                }
            }
    out = io.BytesIO()
    nx.write_gexf(copy, out, encoding="utf-8", prettyprint=True)
    return out.getvalue()
