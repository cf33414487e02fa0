"""The SPARQL 1.1 Protocol at /sparql: read what the client sent, hand it to the pool.

Query operations: GET with ``query=``, POST of an HTML form, POST of
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` name the
dataset (by default the union of every graph). Update operations (``update=`` or
``application/sparql-update``) get 403: the endpoint is read-only. A GET without a query
gets the service description.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID, XSD
from starlette.requests import Request
from starlette.responses import Response

from accsm_kg.namespaces import SD, bind_prefixes
from accsm_kg.serve.negotiate import GRAPH_TYPES, choose
from accsm_kg.serve.pool import Busy, PoolError, QueryPool

READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"
_FORMATS_NS = "http://www.w3.org/ns/formats/"
_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
)
_MAX_FIELDS = 200


def plain(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error as one line of plain text (never HTML: nothing from a request is reflected
    as markup)."""
    return Response(
        message.rstrip() + "\n", status, headers=headers, media_type="text/plain; charset=utf-8"
    )


def service_description(endpoint: str, triples: int, graphs: dict[str, int]) -> Graph:
    """What the endpoint offers (SPARQL 1.1 Service Description) and its dataset's size."""
    graph = bind_prefixes(Graph())
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in _RESULT_FORMATS:
        graph.add((service, SD.resultFormat, URIRef(_FORMATS_NS + name)))
    dataset, default = BNode(), BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for name, size in sorted(graphs.items()):
        named, inner = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, inner))
        graph.add((inner, RDF.type, SD.Graph))
        graph.add((inner, VOID.triples, Literal(size, datatype=XSD.integer)))
    return graph


class SparqlEndpoint:
    def __init__(self, pool: QueryPool, description: Graph) -> None:
        self.pool = pool
        self.description = description
        self._described: dict[str, bytes] = {}

    def describe(self, request: Request) -> Response:
        chosen = choose(request.headers.get("accept"), list(GRAPH_TYPES))
        if chosen is None:
            return plain(406, f"the service description is sent as {', '.join(GRAPH_TYPES)}")
        fmt = GRAPH_TYPES[chosen]
        if fmt not in self._described:
            rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
            self._described[fmt] = self.description.serialize(
                format=rdflib_format, encoding="utf-8"
            )
        media = {
            "ttl": "text/turtle; charset=utf-8",
            "nt": "application/n-triples",
            "jsonld": "application/ld+json",
        }[fmt]
        return Response(self._described[fmt], media_type=media, headers={"Vary": "Accept"})

    async def handle(self, request: Request) -> Response:
        fields = (
            parse_qsl(request.url.query, keep_blank_values=True, max_num_fields=_MAX_FIELDS)
            if request.url.query
            else []
        )
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        query: str | None = None
        if request.method == "POST":
            body = await request.body()
            if content_type == "application/sparql-update":
                return plain(403, READ_ONLY)
            if content_type == "application/x-www-form-urlencoded":
                try:
                    text = body.decode("utf-8")
                    fields += parse_qsl(text, keep_blank_values=True, max_num_fields=_MAX_FIELDS)
                except (UnicodeDecodeError, ValueError):
                    return plain(400, "the form is not valid UTF-8 URL-encoded text")
            elif content_type == "application/sparql-query":
                try:
                    query = body.decode("utf-8")
                except UnicodeDecodeError:
                    return plain(400, "the query is not valid UTF-8")
            else:
                return plain(
                    415,
                    "send a query as application/sparql-query or as a form "
                    "(application/x-www-form-urlencoded)",
                )
        if any(name == "update" for name, _ in fields):
            return plain(403, READ_ONLY)
        queries = [value for name, value in fields if name == "query"]
        if query is not None:
            if queries:
                return plain(400, "give the query either in the body or as query=, not both")
            queries = [query]
        if not queries:
            if request.method == "GET" and not fields:
                return self.describe(request)
            return plain(400, "no query: give it as query=… (GET or form) or as the body")
        if len(queries) > 1:
            return plain(400, "give exactly one query")
        job: dict[str, Any] = {
            "op": "sparql",
            "query": queries[0],
            "accept": request.headers.get("accept"),
            "default_graphs": [v for n, v in fields if n == "default-graph-uri"],
            "named_graphs": [v for n, v in fields if n == "named-graph-uri"],
        }
        return await run_job(self.pool, job)


async def run_job(
    pool: QueryPool, job: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    """Run ``job`` on the pool and turn its reply (or the pool's refusal) into a response."""
    try:
        reply = await pool.run(job)
    except Busy as exc:
        return plain(503, str(exc), {"Retry-After": "1"})
    except PoolError as exc:
        return plain(503, str(exc))
    extra = {"Vary": "Accept", **(headers or {})}
    if "message" in reply:
        return plain(reply["status"], reply["message"], extra)
    extra.update(reply.get("headers") or {})
    return Response(reply["body"], reply["status"], headers=extra, media_type=reply["content_type"])
