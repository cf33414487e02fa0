"""What a query worker does with a request: check, run, cut to the row limit, render.

Runs inside the worker processes (see pool.py): everything slow — parsing and checking the
query, evaluating it, turning terms into rdflib terms, serialising — happens here, under the
time limit and off the server's event loop. Replies are plain dicts:
``{"status", "content_type", "body", "headers"}`` or ``{"status", "message"}`` for errors.
"""

from __future__ import annotations

import functools
import resource
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from accsm_kg.bind import ParamError, QueryRefused, QuerySyntaxError
from accsm_kg.catalog import CatalogError, SavedQuery, get_query
from accsm_kg.engine import OxigraphEngine, QueryError, QueryResult, to_rdflib
from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import bind_prefixes
from accsm_kg.query import Prepared, prepare_adhoc, prepare_saved
from accsm_kg.results import FormatError, render
from accsm_kg.serve.negotiate import CONTENT_TYPES, offered, result_format

#: Saved-query API formats beyond the SPARQL ones.
EXTRA_TYPES = {"md": "text/markdown; charset=utf-8", "table": "text/plain; charset=utf-8"}
TRUNCATED_HEADER = "X-Accsm-Truncated"


def _error(status: int, message: str) -> dict[str, Any]:
    return {"status": status, "message": " ".join(str(message).split())[:2000]}


_CACHED_TEXT = 16 * 1024  # longer queries are checked each time (the cache stays small)


@functools.lru_cache(maxsize=512)
def _checked_adhoc(text: str) -> Prepared:
    return prepare_adhoc(text)


def checked_adhoc(text: str) -> Prepared:
    """prepare_adhoc, remembered per query text: checking parses the query with rdflib,
    which takes longer than running most queries; the verdict for a text never changes."""
    return _checked_adhoc(text) if len(text) <= _CACHED_TEXT else prepare_adhoc(text)


@functools.lru_cache(maxsize=512)
def _checked_saved(
    query: SavedQuery, values: tuple[tuple[str, str], ...], lang: str | None
) -> Prepared:
    return prepare_saved(query, dict(values), lang)


def collect(answer: Any, max_rows: int) -> tuple[QueryResult, int]:
    """The first ``max_rows`` solutions (or triples) as a QueryResult, and how many there were."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer)), 1
    total = 0
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = []
        for solution in answer:
            total += 1
            if total > max_rows:
                continue  # keep counting: the header says how many were cut
            row = {}
            for name in variables:
                value = to_rdflib(solution[name])
                if value is not None:
                    row[name] = value
            rows.append(row)
        return QueryResult("select", variables, rows), total
    graph = bind_prefixes(Graph())
    for triple in answer:
        total += 1
        if total <= max_rows:
            graph.add(
                (
                    to_rdflib(triple.subject),
                    to_rdflib(triple.predicate),
                    to_rdflib(triple.object),
                )
            )
    return QueryResult("graph", graph=graph), total


def truncate(result: QueryResult, max_rows: int) -> tuple[QueryResult, int]:
    """Cut an already collected result to ``max_rows``; with the full count."""
    if result.kind == "select":
        total = len(result.rows)
        return QueryResult("select", result.variables, result.rows[:max_rows]), total
    if result.kind == "graph" and result.graph is not None and len(result.graph) > max_rows:
        graph = bind_prefixes(Graph())
        for i, triple in enumerate(sorted(result.graph)):
            if i >= max_rows:
                break
            graph.add(triple)
        return QueryResult("graph", graph=graph), len(result.graph)
    return result, len(result.graph) if result.graph is not None else 1


def respond(
    result: QueryResult, total: int, request: dict[str, Any], max_rows: int
) -> dict[str, Any]:
    """Render ``result`` in the requested or negotiated format."""
    fmt = request.get("format") or result_format(request.get("accept"), result.kind)
    if fmt is None:
        return _error(
            406, f"cannot answer in the accepted media types; available: {offered(result.kind)}"
        )
    try:
        body = render(result, fmt).encode("utf-8")
    except FormatError as exc:
        return _error(400, f"format {fmt}: {exc}")
    headers = {}
    if total > max_rows and result.kind != "ask":
        headers[TRUNCATED_HEADER] = f"{max_rows} of {total}"
    content_type = CONTENT_TYPES.get(fmt) or EXTRA_TYPES[fmt]
    return {
        "status": 200,
        "content_type": content_type,
        "body": body,
        "headers": headers,
        "format": fmt,
    }


class QueryHandler:
    """The request handler every worker runs; built once in the zygote, before forking."""

    def __init__(
        self,
        engine: OxigraphEngine,
        catalog: dict[str, SavedQuery],
        max_rows: int,
        max_memory_mb: int | None = None,
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.max_rows = max_rows
        self.max_memory_mb = max_memory_mb

    def in_worker(self) -> None:
        """Run once in each new worker: cap its memory so a runaway query cannot take the
        machine's (the store it shares with the zygote is counted in, hence 'more than')."""
        if not self.max_memory_mb:
            return
        try:
            with open("/proc/self/statm", encoding="ascii") as handle:
                pages = int(handle.read().split()[0])
            now = pages * resource.getpagesize()
            limit = now + self.max_memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (OSError, ValueError):
            return

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        try:
            if op == "sparql":
                return self.sparql(request)
            if op == "saved":
                return self.saved(request)
            if op == "ping":
                return {"status": 200, "body": b"pong", "content_type": "text/plain", "headers": {}}
        except MemoryError:
            return _error(503, "the query needed more memory than a query may use; it was stopped")
        return _error(400, f"unknown operation {op!r}")

    def sparql(self, request: dict[str, Any]) -> dict[str, Any]:
        """A SPARQL protocol query, on the union of the graphs or the dataset it names."""
        try:
            prepared = checked_adhoc(request["query"])
        except QuerySyntaxError as exc:
            return _error(400, str(exc))
        except QueryRefused as exc:
            return _error(403, str(exc))
        options: dict[str, Any] = {"use_default_graph_as_union": True}
        defaults, named = request.get("default_graphs") or [], request.get("named_graphs") or []
        if defaults or named:
            try:
                options = {
                    "default_graph": [ox.NamedNode(g) for g in defaults],
                    "named_graphs": [ox.NamedNode(g) for g in named],
                }
            except ValueError as exc:
                return _error(400, f"a default-graph-uri or named-graph-uri is not an IRI: {exc}")
        try:
            answer = self.engine.store.query(prepared.text, **options)
            result, total = collect(answer, self.max_rows)
        except SyntaxError as exc:
            return _error(400, f"syntax error: {exc}")
        except (OSError, RuntimeError, ValueError) as exc:
            return _error(500, f"the query failed: {exc}")
        return respond(result, total, request, self.max_rows)

    def saved(self, request: dict[str, Any]) -> dict[str, Any]:
        """A saved query with parameters bound as terms (accsm_kg.query), as run_saved does."""
        try:
            query = get_query(request["name"], self.catalog)
        except CatalogError as exc:
            return _error(404, str(exc))
        values = tuple(sorted((request.get("values") or {}).items()))
        try:
            prepared = _checked_saved(query, values, request.get("lang"))
            result = prepared.run(self.engine)
        except (ParamError, QuerySyntaxError) as exc:
            return _error(400, str(exc))
        except QueryRefused as exc:
            return _error(403, str(exc))
        except QueryError as exc:
            return _error(500, str(exc))
        result, total = truncate(result, self.max_rows)
        return respond(result, total, request, self.max_rows)


def make_setup(
    kg: KnowledgeGraph,
    catalog: dict[str, SavedQuery],
    max_rows: int,
    max_memory_mb: int | None,
) -> Callable[[], tuple[QueryHandler, dict[str, Any]]]:
    """What the zygote runs once: load the store; the handler its workers share."""

    def setup() -> tuple[QueryHandler, dict[str, Any]]:
        engine = OxigraphEngine(kg)
        handler = QueryHandler(engine, catalog, max_rows, max_memory_mb)
        return handler, {"triples": len(engine.store)}

    return setup
