"""Upload the knowledge graph into a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph of the dataset goes to ``STORE?graph=<name>`` (PUT replaces the graph, POST
with ``append`` adds to it), or, with one target graph, the union of all graphs goes there.
Afterwards the triple count is read back through the store's SPARQL query endpoint and
compared with what was sent: a store that silently dropped or rewrote triples is caught here.

HTTP is plain ``urllib`` (no extra dependency). Basic and Digest authentication are both
offered, whichever the store asks for (Virtuoso's ``/sparql-graph-crud-auth`` asks for Digest).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from accsm_kg.engine import QueryError, RemoteEngine
from accsm_kg.load import KnowledgeGraph

#: How a Graph Store endpoint's path maps to its SPARQL query endpoint, per store.
_QUERY_ENDPOINT_OF = (
    ("/sparql-graph-crud-auth", "/sparql"),  # Virtuoso, authenticated
    ("/sparql-graph-crud", "/sparql"),  # Virtuoso
    ("/rdf-graphs/service", ""),  # GraphDB / RDF4J: /repositories/ID
    ("/store", "/query"),  # Oxigraph server
    ("/data", "/query"),  # Apache Jena Fuseki: /DATASET/data
)
_CONTENT_TYPE = "application/n-triples"
_EXCERPT = 200


class PublishError(Exception):
    """The store cannot be reached, refuses the upload, or answers something unusable."""


class CountMismatch(PublishError):
    """The store holds another number of triples than was uploaded."""


@dataclass
class PublishResult:
    store: str
    endpoint: str
    graphs: list[str]
    sent: int
    #: What the store holds in the target graphs after the upload.
    stored: int
    #: With ``append``: what the target graphs held before (None for a replacing upload).
    before: int | None = None
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        how = "appended" if self.before is not None else "published"
        where = f"{len(self.graphs)} graph{'s' if len(self.graphs) != 1 else ''}"
        text = f"{how} {self.sent} triples in {where} to {self.store}; read back {self.stored}"
        if self.before is not None:
            text += f" (held {self.before} before)"
        return text + f" via {self.endpoint}"


def query_endpoint_for(store: str) -> str:
    """The SPARQL query endpoint that goes with a Graph Store endpoint, for known stores."""
    parts = urllib.parse.urlsplit(store)
    path = parts.path.rstrip("/")
    for suffix, replacement in _QUERY_ENDPOINT_OF:
        if path.endswith(suffix):
            new_path = path[: -len(suffix)] + replacement
            return urllib.parse.urlunsplit(parts._replace(path=new_path, query=""))
    raise PublishError(
        f"cannot tell the SPARQL query endpoint of the store {store}: give it with --endpoint"
    )


def _check_url(url: str, what: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublishError(f"not an http(s) URL for the {what}: {url}")


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password or "")
        # Digest runs first (handler_order 490); each answers only its own challenge.
        handlers += [
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        ]
    return urllib.request.build_opener(*handlers)


def _excerpt(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


class GraphStore:
    """A Graph Store HTTP Protocol endpoint: PUT or POST one graph at a time."""

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        _check_url(url, "store")
        self.url = url
        self.timeout = timeout
        self._opener = _opener(url, user, password)

    def graph_url(self, graph: str) -> str:
        separator = "&" if urllib.parse.urlsplit(self.url).query else "?"
        return self.url + separator + urllib.parse.urlencode({"graph": graph})

    def send(self, graph: str, ntriples: bytes, *, append: bool = False) -> None:
        method = "POST" if append else "PUT"
        request = urllib.request.Request(
            self.graph_url(graph),
            data=ntriples,
            method=method,
            headers={"Content-Type": f"{_CONTENT_TYPE}; charset=utf-8"},
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            body = _excerpt(exc.read() or b"")
            raise PublishError(
                f"the store refused {method} of <{graph}>: HTTP {exc.code} {exc.reason}"
                + (f": {body}" if body else "")
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PublishError(f"cannot reach the store {self.url}: {reason}") from None
        except ValueError as exc:  # urllib's digest handler on a scheme it does not know
            raise PublishError(f"the store's authentication is not usable: {exc}") from None

    def delete(self, graph: str) -> None:
        """Drop one graph (HTTP DELETE); a graph the store does not have is no error."""
        request = urllib.request.Request(self.graph_url(graph), method="DELETE")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                body = _excerpt(exc.read() or b"")
                raise PublishError(
                    f"the store refused DELETE of <{graph}>: HTTP {exc.code} {exc.reason}"
                    + (f": {body}" if body else "")
                ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PublishError(f"cannot reach the store {self.url}: {reason}") from None


def _ntriples(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def _graphs_to_send(kg: KnowledgeGraph) -> list[Graph]:
    """Every non-empty graph of the dataset (ontology, data, meta, derived)."""
    graphs = [g for g in kg.dataset.graphs() if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID]
    return sorted(graphs, key=lambda g: str(g.identifier))


def count_triples(engine: RemoteEngine, graphs: Iterable[str]) -> int:
    """Triples the store holds in ``graphs`` (one SPARQL COUNT per graph, summed)."""
    wanted = set(graphs)
    if len(wanted) == 1:
        (name,) = wanted
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        rows = engine.query(text).rows
        return int(rows[0]["n"]) if rows and "n" in rows[0] else 0
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    total = 0
    for row in engine.query(text).rows:
        if str(row.get("g")) in wanted:
            total += int(row["n"])
    return total


def _count(engine: RemoteEngine, graphs: list[str]) -> int:
    try:
        return count_triples(engine, graphs)
    except QueryError as exc:
        raise PublishError(f"cannot read back the triple count: {exc}") from None
    except (KeyError, ValueError) as exc:
        raise PublishError(f"the query endpoint answered an unusable count: {exc}") from None


def publish(
    kg: KnowledgeGraph,
    store: str,
    *,
    graph: str | None = None,
    append: bool = False,
    user: str | None = None,
    password: str | None = None,
    endpoint: str | None = None,
    timeout: float = 60.0,
    progress: Callable[[int, int], None] | None = None,
) -> PublishResult:
    """Upload ``kg`` to ``store`` and check the count; PublishError / CountMismatch if not."""
    gsp = GraphStore(store, user=user, password=password, timeout=timeout)
    endpoint = endpoint or query_endpoint_for(store)
    _check_url(endpoint, "query endpoint")
    if graph is not None:
        graph = str(target_graph(graph))
    reader = RemoteEngine(endpoint, timeout)
    sources = _graphs_to_send(kg)
    if graph is not None:
        union = Graph()
        for source in sources:
            union += source
        batches = [(graph, union)]
    else:
        batches = [(str(source.identifier), source) for source in sources]
    names = [name for name, _ in batches]
    sent = sum(len(g) for _, g in batches)
    before = _count(reader, names) if append else None
    for done, (name, content) in enumerate(batches, start=1):
        gsp.send(name, _ntriples(content), append=append)
        if progress is not None:
            progress(done, len(batches))
    stored = _count(reader, names)
    result = PublishResult(store, endpoint, names, sent, stored, before)
    if before is None and stored != sent:
        raise CountMismatch(
            f"the store holds {stored} triples in the {len(names)} published graphs, "
            f"but {sent} were sent"
        )
    if before is not None and not (max(before, sent) <= stored <= before + sent):
        raise CountMismatch(
            f"after appending {sent} triples to graphs holding {before}, the store holds "
            f"{stored} (expected between {max(before, sent)} and {before + sent})"
        )
    return result


def target_graph(value: str) -> URIRef:
    """A --graph value as an IRI (absolute http(s), urn: or similar; no spaces or brackets)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if ":" not in value or any(c in value for c in ' <>"{}|^`\\'):
        raise PublishError(f"not an absolute IRI for the target graph: {value}")
    return URIRef(value)
