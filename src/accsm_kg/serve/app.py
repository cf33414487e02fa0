"""Put the server together: load, start the query pool, build the pages, route, listen.

Starlette routes the requests and uvicorn serves them (one asyncio process: a slow client
or a waiting query costs a coroutine, not a thread). Queries never run in this process: see
pool.py. Order matters at startup: the pool's zygote is forked before anything starts a
thread, and the socket is bound before the startup line is printed, so a client that reads
the line can connect at once.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route

from accsm_kg.catalog import load_catalog
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.serve.deref import Resources
from accsm_kg.serve.guard import Guard
from accsm_kg.serve.pages import Pages, Viz
from accsm_kg.serve.pool import QueryPool, Zygote
from accsm_kg.serve.sparql import SparqlEndpoint, service_description
from accsm_kg.serve.worker import make_setup


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    data: list[Path] = field(default_factory=list)
    assets: Path | None = None
    dist: Path | None = None
    workers: int = max(1, min(4, os.cpu_count() or 1))
    queue: int = 64
    max_memory_mb: int | None = 2048
    max_url: int = 8192
    max_body: int = 1 << 20
    access_log: bool = False


def build_app(pages: Pages, sparql: SparqlEndpoint, config: ServeConfig) -> Guard:
    get = ["GET"]
    routes = [
        Route("/", pages.index, methods=get),
        Route("/sparql", sparql.handle, methods=["GET", "POST"]),
        Route("/queries", pages.queries_page, methods=get),
        Route("/queries/", pages.queries_page, methods=get),
        Route("/queries/index.html", pages.queries_page, methods=get),
        Route("/assets/{name}", pages.asset, methods=get),
        Route("/api/queries", pages.api_queries, methods=get),
        Route("/api/queries/{name}", pages.api_query, methods=get),
        Route("/api/prefixes", pages.api_prefixes, methods=get),
        Route("/viz", pages.viz_index, methods=get),
        Route("/viz/", pages.viz_index, methods=get),
        Route("/viz/{name}", pages.viz_file, methods=get),
        Route("/health", pages.health, methods=get),
        Route("/{path:path}", pages.anything, methods=get),
    ]
    app = Starlette(routes=routes)
    return Guard(app, max_url=config.max_url, max_body=config.max_body)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def _graph_sizes(kg: KnowledgeGraph) -> dict[str, int]:
    return {str(g.identifier): len(g) for g in kg.dataset.graphs() if len(g)}


def _stopped(signum: int, frame: object) -> None:
    """The server has already shut down when this runs; nothing is left to do."""


def serve(config: ServeConfig, *, out: Any = sys.stdout) -> None:
    """Load the graph, start the workers and serve until interrupted."""
    import uvicorn

    kg = load_knowledge_graph(config.data, root=config.assets)
    catalog = load_catalog()
    zygote = Zygote(make_setup(kg, catalog, config.max_rows, config.max_memory_mb))
    pool = QueryPool(zygote, config.workers, config.queue, config.timeout)
    try:
        resources = Resources.build(kg)  # the site is built while the zygote loads the store
        viz = Viz.load(kg, config.dist)
        info = zygote.wait_ready()
        pool.start()
        sock = _bind(config.host, config.port)
    except BaseException:
        pool.close()
        raise
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{port}"
    sizes = _graph_sizes(kg)
    details = {
        "triples": info["triples"],
        "graphs": len(sizes),
        "timeout": config.timeout,
        "max_rows": config.max_rows,
    }
    sparql = SparqlEndpoint(pool, service_description(f"{base}/sparql", info["triples"], sizes))
    pages = Pages(pool, catalog, resources, viz, details)
    app = build_app(pages, sparql, config)
    del kg
    uv_config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=config.access_log,
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(uv_config)
    print(
        f"accsm-kg serve: listening on {base}/ — {info['triples']} triples in {len(sizes)} "
        f"graphs; SPARQL at {base}/sparql, queries at {base}/queries; {config.workers} query "
        f"workers, {config.timeout:g} s time limit, {config.max_rows} rows at most",
        file=out,
        flush=True,
    )
    # uvicorn stops gracefully on SIGINT/SIGTERM, then raises the signal again with the
    # handler it found: a quiet one here, so that stopping the server is a normal exit (0).
    quiet = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run(sockets=[sock])
    finally:
        for sig, handler in quiet.items():
            signal.signal(sig, handler)
        pool.close()
        sock.close()
