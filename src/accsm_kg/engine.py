"""One small query interface over three engines: Oxigraph (default), rdflib, a remote endpoint.

Every engine answers the same SPARQL text with the same ``QueryResult`` made of rdflib terms,
so formatting, tests and callers never care which engine ran the query. The local engines see
the union of all named graphs (ontology, data, derived) as their default graph.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import urllib.error
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol
from typing import Literal as Kind

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from accsm_kg.bind import apply_bindings
from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import bind_prefixes

ENGINES = ("oxigraph", "rdflib")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class QueryError(Exception):
    """The query could not be run: a syntax error, a refused feature, an engine failure."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped."""


@dataclass
class QueryResult:
    """The answer to a SELECT (rows), ASK (boolean) or CONSTRUCT/DESCRIBE (graph) query."""

    kind: Kind["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def values(self, variable: str) -> list[Node | None]:
        """The column ``variable`` (None where unbound)."""
        return [row.get(variable) for row in self.rows]


class Engine(Protocol):
    name: str

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a read-only SPARQL query with variables pre-bound to ``bindings``.

        Raise QueryError when it cannot be run.
        """


@lru_cache(maxsize=256)
def _bound(sparql: str, bindings: tuple[tuple[str, Node], ...], lean: bool = False) -> str:
    """The query text with its VALUES blocks, worked out once per text and values.

    Placing the blocks scans the text in Python; on a small store that costs more than the
    query itself (measured: up to 9x raw pyoxigraph for a 1 ms query).
    """
    return apply_bindings(sparql, dict(bindings), lean=lean)


# --------------------------------------------------------------------------- Oxigraph


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise QueryError(f"unsupported term in a result: {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the equal Oxigraph term (the inverse of :func:`to_rdflib`)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"no Oxigraph term for {term!r}")


class OxigraphEngine:
    """pyoxigraph's in-memory store, loaded once from the knowledge graph's quads."""

    name = "oxigraph"

    def __init__(self, kg: KnowledgeGraph | None = None, *, store: ox.Store | None = None) -> None:
        """From a loaded graph's quads, or from a store already loaded (fastload.load_store)."""
        if store is not None:
            self.store = store
            return
        if kg is None:
            raise QueryError("no knowledge graph loaded for a local engine")
        self.store = ox.Store()
        nquads = kg.dataset.serialize(format="nquads", encoding="utf-8")
        # rdflib's order changes from process to process (hash randomisation), and answers
        # whose order SPARQL leaves open (GROUP_CONCAT, ties) follow the loading order: load
        # in a fixed order, so that the same graph gives the same answers, byte for byte.
        nquads = b"\n".join(sorted(nquads.splitlines()))
        self.store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        # pyoxigraph's substitutions only take projected variables: join a VALUES block in.
        sparql = _bound(sparql, tuple((bindings or {}).items()), lean=True)
        try:
            answer = self.store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(str(exc)) from None
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = []
            seen: dict[object, Node] = {}  # answers repeat terms (labels, IRIs): convert once
            for solution in answer:
                row = {}
                for name in variables:
                    term = solution[name]
                    if term is None:
                        continue
                    value = seen.get(term)
                    if value is None:
                        value = seen[term] = to_rdflib(term)
                    row[name] = value
                rows.append(row)
            return QueryResult("select", variables, rows)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        graph = bind_prefixes(Graph())
        for triple in answer:
            graph.add(
                (
                    to_rdflib(triple.subject),
                    to_rdflib(triple.predicate),
                    to_rdflib(triple.object),
                )
            )
        return QueryResult("graph", graph=graph)


# --------------------------------------------------------------------------- rdflib


class RdflibEngine:
    """rdflib's own SPARQL engine over the loaded dataset (slow; the reference engine)."""

    name = "rdflib"

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.dataset = Dataset(store=kg.dataset.store, default_union=True)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        # rdflib mis-evaluates VALUES inside OPTIONAL groups; its own initBindings work.
        try:
            answer = self.dataset.query(sparql, initBindings=dict(bindings or {}))
        except Exception as exc:  # rdflib raises pyparsing and assorted errors
            raise QueryError(_one_line(str(exc))) from None
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            rows = [
                {
                    name: value
                    for name, value in zip(variables, row, strict=True)
                    if value is not None
                }
                for row in answer
            ]
            return QueryResult("select", variables, rows)
        if answer.type == "ASK":
            return QueryResult("ask", boolean=bool(answer.askAnswer))
        graph = bind_prefixes(Graph())
        for triple in answer:
            graph.add(triple)
        return QueryResult("graph", graph=graph)


# --------------------------------------------------------------------------- remote


def _from_json_term(term: dict[str, str]) -> Node:
    kind = term.get("type")
    value = term.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in term:
            return Literal(value, lang=term["xml:lang"])
        if "datatype" in term and term["datatype"] != _XSD_STRING:
            return Literal(value, datatype=URIRef(term["datatype"]))
        return Literal(value)
    raise QueryError(f"the endpoint answered a term of unknown type {kind!r}")


def parse_json_results(text: str | bytes) -> QueryResult:
    """Read W3C SPARQL 1.1 JSON results (SELECT or ASK) into a QueryResult."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise QueryError(f"the endpoint answered something that is not JSON: {exc}") from None
    if not isinstance(data, dict) or "head" not in data:
        raise QueryError("the endpoint's answer is not SPARQL JSON results (no 'head')")
    if "boolean" in data:
        return QueryResult("ask", boolean=bool(data["boolean"]))
    try:
        variables = list(data["head"].get("vars", []))
        rows = [
            {name: _from_json_term(term) for name, term in binding.items()}
            for binding in data["results"]["bindings"]
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise QueryError(f"the endpoint's answer is not SPARQL JSON results ({exc})") from None
    return QueryResult("select", variables, rows)


class RemoteEngine:
    """A SPARQL 1.1 endpoint reached over HTTP with SPARQLWrapper."""

    def __init__(self, endpoint: str, timeout: float = 30.0) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise QueryError(f"not an http(s) endpoint URL: {endpoint}")
        self.endpoint = endpoint
        self.timeout = timeout
        self.name = f"remote {endpoint}"

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        sparql = _bound(sparql, tuple((bindings or {}).items()))
        from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(self.endpoint)
        client.setTimeout(int(max(1, self.timeout)))
        client.setMethod("POST")
        client.setQuery(sparql)
        is_graph = client.queryType in ("CONSTRUCT", "DESCRIBE")
        client.setReturnFormat(TURTLE if is_graph else JSON)
        try:
            response = client.query().response.read()
        except SPARQLWrapperException as exc:
            raise QueryError(f"the endpoint refused the query: {_one_line(str(exc))}") from None
        except urllib.error.HTTPError as exc:
            body = _one_line((exc.read() or b"").decode("utf-8", "replace"), 200)
            raise QueryError(
                f"the endpoint {self.endpoint} answered HTTP {exc.code} {exc.reason}"
                + (f": {body}" if body else "")
            ) from None
        except TimeoutError:
            raise QueryError(f"no answer from {self.endpoint} within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise QueryError(
                    f"no answer from {self.endpoint} within {self.timeout:g} s"
                ) from None
            raise QueryError(f"cannot reach {self.endpoint}: {reason}") from None
        except (OSError, http.client.HTTPException) as exc:
            raise QueryError(f"cannot reach {self.endpoint}: {exc}") from None
        if is_graph:
            graph = bind_prefixes(Graph())
            try:
                graph.parse(data=response, format="turtle")
            except Exception as exc:
                raise QueryError(f"the endpoint answered unreadable Turtle: {exc}") from None
            return QueryResult("graph", graph=graph)
        return parse_json_results(response)


class TimeLimitedEngine:
    """Runs each query of a local engine in a forked child process that is killed at the limit.

    Neither pyoxigraph nor rdflib can cancel a running query from Python; a child process can
    be killed, which really frees the CPU. The child inherits the loaded store through fork,
    so nothing is loaded twice.
    """

    def __init__(self, inner: Engine, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds
        self.name = inner.name

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_answer_in_child, args=(self.inner, sparql, dict(bindings or {}), sender)
        )
        child.start()
        sender.close()
        try:
            if not receiver.poll(self.seconds):
                raise QueryTimeout(f"the query ran longer than {self.seconds:g} s and was stopped")
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise QueryError("the query process ended without an answer") from None
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receiver.close()
        if kind == "error":
            raise QueryError(payload)
        return payload


def _answer_in_child(engine: Engine, sparql: str, bindings: dict, sender: Any) -> None:
    try:
        sender.send(("ok", engine.query(sparql, bindings)))
    except QueryError as exc:
        sender.send(("error", str(exc)))
    except Exception as exc:  # anything else still reaches the parent as one line
        sender.send(("error", _one_line(f"{type(exc).__name__}: {exc}")))
    finally:
        sender.close()


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def make_engine(
    kg: KnowledgeGraph | None,
    *,
    engine: str = "oxigraph",
    endpoint: str | None = None,
    timeout: float | None = 30.0,
    store: ox.Store | None = None,
) -> Engine:
    """The engine a command asked for: a remote endpoint when given, else a local one.

    ``timeout`` limits each query (seconds): a local query runs in a child process killed at
    the limit; None or 0 runs local queries in this process without a limit.
    """
    if endpoint:
        return RemoteEngine(endpoint, timeout or 30.0)
    if engine == "oxigraph" and store is not None:
        local: Engine = OxigraphEngine(store=store)
    elif kg is None:
        raise QueryError("no knowledge graph loaded for a local engine")
    elif engine == "oxigraph":
        local = OxigraphEngine(kg)
    elif engine == "rdflib":
        local = RdflibEngine(kg)
    else:
        raise QueryError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    return TimeLimitedEngine(local, timeout) if timeout else local
