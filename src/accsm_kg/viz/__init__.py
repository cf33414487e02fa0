"""The partnership network: who works with whom, who hosts what, who chaired when.

``write_viz(kg, out_dir)`` reads the network out of the knowledge graph with the SPARQL
queries in queries/viz/ (run by the Oxigraph engine), builds a networkx graph and writes:

- partnerships.html: one self-contained interactive page (vis-network inlined, offline);
- partnerships.png / partnerships.svg and arc-priorities.png: static figures (matplotlib);
- partnerships.graphml / partnerships.gexf: for Gephi and yEd (dates as a timeline);
- metrics.csv: degree, weighted degree, betweenness, eigenvector centrality, community.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from accsm_kg.engine import Engine, OxigraphEngine
from accsm_kg.load import KnowledgeGraph
from accsm_kg.viz.extract import NetworkData, extract
from accsm_kg.viz.model import (
    Period,
    VizError,
    as_of_view,
    build_graph,
    focus_view,
    resolve_focus,
)
from accsm_kg.writing import OutputError

__all__ = ["FILES", "VizError", "VizResult", "make_viz", "write_outputs", "write_viz"]

#: The files write_viz writes, in this order.
FILES = (
    "partnerships.html",
    "partnerships.png",
    "partnerships.svg",
    "arc-priorities.png",
    "partnerships.graphml",
    "partnerships.gexf",
    "metrics.csv",
)


@dataclass
class VizResult:
    graph: nx.MultiDiGraph
    data: NetworkData
    metrics: list  # list[NodeMetrics], best first
    renderers: dict[str, Callable[[], bytes]]


def make_viz(
    kg: KnowledgeGraph | None,
    lang: str = "en",
    as_of: str | dt.date | None = None,
    focus: str | None = None,
    *,
    depth: int = 1,
    engine: Engine | None = None,
) -> VizResult:
    """Extract and shape the network; the files are rendered when written."""
    from accsm_kg.viz import gephi, html, static
    from accsm_kg.viz.metrics import compute_metrics, metrics_csv

    period = Period.parse(as_of) if as_of is not None else None
    if depth < 0:
        raise VizError("--depth must be 0 or more")
    if engine is None:
        if kg is None:
            raise VizError("no knowledge graph and no engine to read the network from")
        engine = OxigraphEngine(kg)
    data = extract(engine)
    graph = build_graph(data, lang)
    focus_node = resolve_focus(graph, focus) if focus else None
    as_of_text = None
    if period is not None:
        as_of_text = period.text
        graph = as_of_view(graph, period)
    if focus_node is not None:
        if focus_node not in graph:
            raise VizError(f"--focus {focus!r} is not in the network as of {as_of_text}")
        graph = focus_view(graph, focus_node, depth)
    rows = compute_metrics(graph)
    focus_curie = graph.graph.get("focus")
    note = f"around {graph.nodes[focus_node]['label']}" if focus_node is not None else ""

    def figure(make: Callable, fmt: str) -> Callable[[], bytes]:
        def render() -> bytes:
            return static.figure_bytes(make(), fmt)

        return render

    @functools.cache
    def partnerships() -> Any:
        """Laid out and drawn once, saved as PNG and as SVG."""
        return static.partnerships_figure(graph, data, lang, note)

    renderers: dict[str, Callable[[], bytes]] = {
        "partnerships.html": lambda: html.render_html(
            graph, data, lang, as_of_text, focus_curie
        ).encode("utf-8"),
        "partnerships.png": figure(partnerships, "png"),
        "partnerships.svg": figure(partnerships, "svg"),
        "arc-priorities.png": figure(
            lambda: static.arc_priorities_figure(graph, data, lang), "png"
        ),
        "partnerships.graphml": lambda: gephi.graphml_bytes(graph),
        "partnerships.gexf": lambda: gephi.gexf_bytes(graph),
        "metrics.csv": lambda: metrics_csv(rows).encode("utf-8"),
    }
    return VizResult(graph=graph, data=data, metrics=rows, renderers=renderers)


def write_outputs(result: VizResult, out_dir: Path | str) -> list[Path]:
    """Render every file into a temporary folder beside ``out_dir``, then move each into
    place: a failure leaves the previous files as they were."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create the folder ({exc.strerror or exc})") from None
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: not a folder")
    staging = Path(tempfile.mkdtemp(prefix=".viz-", dir=out_dir.parent))
    try:
        for name in FILES:
            (staging / name).write_bytes(result.renderers[name]())
        written = []
        for name in FILES:
            os.replace(staging / name, out_dir / name)
            written.append(out_dir / name)
        return written
    except OSError as exc:
        raise OutputError(f"{out_dir}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)


def write_viz(
    kg: KnowledgeGraph | None,
    out_dir: Path | str,
    lang: str = "en",
    as_of: str | dt.date | None = None,
    focus: str | None = None,
    *,
    depth: int = 1,
    engine: Engine | None = None,
) -> list[Path]:
    """Write the partnership network's files into ``out_dir``; return their paths.

    ``lang`` picks the labels (en, vi, km, th; English as the fallback); ``as_of``
    (YYYY, YYYY-MM, YYYY-MM-DD or a date) keeps what existed at some time in that year,
    month or day; ``focus`` (an IRI, CURIE, kind/slug or label) keeps that resource and what
    lies within ``depth`` links of it. Pass ``engine`` to reuse an Oxigraph engine already
    loaded with ``kg``. Raises VizError for a bad as_of/focus, OutputError when the folder
    cannot be written.
    """
    result = make_viz(kg, lang, as_of, focus, depth=depth, engine=engine)
    return write_outputs(result, out_dir)
