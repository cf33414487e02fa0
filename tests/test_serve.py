"""``accsm-kg serve`` as a client sees it: one real server per module on a free loopback
port, SPARQLWrapper and plain HTTP as clients."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, VOID

from accsm_kg.catalog import load_catalog
from accsm_kg.engine import OxigraphEngine, parse_json_results
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.namespaces import ACCSM, ARC, SD, G
from accsm_kg.query import prepare_saved, run_saved
from serve_helpers import ServerProcess, cpu_ticks, gone

pytestmark = pytest.mark.slow

TIMEOUT = 2.0
MAX_ROWS = 1000
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY RAND()"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
SIMPLE = "SELECT ?arc WHERE { ?arc a accsm:ResourceCentre }"
EXTRA = Path(__file__).parent / "fixtures" / "serve" / "extra.trig"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    process = ServerProcess(
        "--timeout",
        str(TIMEOUT),
        "--max-rows",
        str(MAX_ROWS),
        "--workers",
        "2",
        "--queue",
        "8",
        "--data",
        str(EXTRA),
        "--max-memory",
        "8192",  # the runaway below must meet the time limit before the memory cap
    )
    try:
        yield process
    finally:
        pids = [process.zygote, *process.workers()] if process.process.poll() is None else []
        assert process.stop() == 0, "".join(process.stderr)
        assert all(gone(pid) for pid in pids), "a query process outlived the server"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_knowledge_graph([EXTRA])


@pytest.fixture(scope="module")
def engine(kg: KnowledgeGraph) -> OxigraphEngine:
    return OxigraphEngine(kg)


class Answer:
    def __init__(self, response: http.client.HTTPResponse, elapsed: float) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = response.read()
        self.elapsed = elapsed

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0]

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    server: ServerProcess,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    timeout: float = 30,
) -> Answer:
    """One request with the path sent exactly as given (no normalisation)."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(
            method,
            path,
            body=body.encode() if isinstance(body, str) else body,
            headers=headers or {},
        )
        return Answer(connection.getresponse(), time.monotonic() - started)
    finally:
        connection.close()


def sparql(server: ServerProcess, query: str, accept: str | None = None, **params: str) -> Answer:
    form = urlencode({"query": query, **{k.replace("_", "-"): v for k, v in params.items()}})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept is not None:
        headers["Accept"] = accept
    return request(server, "POST", "/sparql", headers=headers, body=form)


def count_triples(server: ServerProcess) -> int:
    answer = sparql(server, COUNT)
    assert answer.status == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


# --------------------------------------------------------------------------- startup, health


def test_startup_line_says_where_and_how_many_triples(server: ServerProcess) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.triples > 2000
    assert "SPARQL at " + server.url + "/sparql" in server.startup_line


def test_health(server: ServerProcess) -> None:
    answer = request(server, "GET", "/health")
    assert answer.status == 200
    health = answer.json()
    assert health["status"] == "ok"
    assert health["triples"] == server.triples
    assert health["pool"]["workers"] == 2


def test_head_has_no_body(server: ServerProcess) -> None:
    answer = request(server, "HEAD", "/health")
    assert answer.status == 200 and answer.body == b""


# --------------------------------------------------------------------------- the protocol


def _canonical(rows: list[dict[str, Any]]) -> list[str]:
    """Rows in a comparable form: ORDER BY leaves ties in any order, and GROUP_CONCAT joins
    in whatever order the store meets the values (it differs between two runs of the CLI)."""

    def cell(term: Any) -> str:
        if isinstance(term, Literal):
            for separator in (", ", " / "):
                if separator in term:
                    return separator.join(sorted(str(term).split(separator)))
        return term.n3()

    return sorted(repr(sorted((k, cell(v)) for k, v in row.items())) for row in rows)


def test_every_saved_query_gives_the_same_rows_as_run_saved(
    server: ServerProcess, engine: OxigraphEngine
) -> None:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    catalog = load_catalog()
    assert len(catalog) >= 10
    for name, saved in sorted(catalog.items()):
        local = run_saved(engine, saved).result
        client = SPARQLWrapper(server.url + "/sparql")
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setQuery(prepare_saved(saved).explain())
        remote = parse_json_results(client.query().response.read())
        assert remote.variables == local.variables, name
        # ties under ORDER BY may come in either order from two stores
        assert _canonical(remote.rows) == _canonical(local.rows), name


def test_get_with_query_parameter(server: ServerProcess) -> None:
    answer = request(
        server, "GET", "/sparql?query=" + quote(SIMPLE), headers={"Accept": "text/csv"}
    )
    assert answer.status == 200 and answer.type == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["arc"] and [str(ARC.kh)] in rows


def test_post_application_sparql_query(server: ServerProcess) -> None:
    answer = request(
        server,
        "POST",
        "/sparql",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
        body=SIMPLE,
    )
    assert answer.status == 200
    assert answer.type == "application/sparql-results+json"
    assert len(answer.json()["results"]["bindings"]) == 10


def _parse(answer: Answer, fmt: str) -> int:
    """Rows (or triples) in a response body, read as ``fmt``; fails if it is not that."""
    if fmt == "json":
        return len(answer.json()["results"]["bindings"])
    if fmt == "xml":
        return answer.text.count("<result>")
    if fmt in ("csv", "tsv"):
        return len(answer.text.strip().splitlines()) - 1
    rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    return len(Graph().parse(data=answer.text, format=rdflib_format))


NEGOTIATION = [
    # (query kind, Accept, status, content type, format the body is read as)
    ("select", None, 200, "application/sparql-results+json", "json"),
    ("select", "*/*", 200, "application/sparql-results+json", "json"),
    ("select", "application/sparql-results+xml", 200, "application/sparql-results+xml", "xml"),
    ("select", "text/csv", 200, "text/csv", "csv"),
    ("select", "text/tab-separated-values", 200, "text/tab-separated-values", "tsv"),
    (
        "select",
        "text/csv;q=0.5, application/sparql-results+xml",
        200,
        "application/sparql-results+xml",
        "xml",
    ),
    ("select", "text/*;q=0.9, application/sparql-results+json;q=0.1", 200, "text/csv", "csv"),
    (
        "select",
        "application/sparql-results+json;q=0, */*;q=0.1",
        200,
        "application/sparql-results+xml",
        "xml",
    ),
    (
        "select",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        200,
        "application/sparql-results+xml",
        "xml",
    ),
    ("select", "text/turtle", 406, "text/plain", None),
    ("graph", None, 200, "text/turtle", "ttl"),
    ("graph", "*/*", 200, "text/turtle", "ttl"),
    ("graph", "application/n-triples", 200, "application/n-triples", "nt"),
    ("graph", "application/ld+json", 200, "application/ld+json", "jsonld"),
    ("graph", "*/*;q=0.1, application/ld+json;q=0.5", 200, "application/ld+json", "jsonld"),
    ("graph", "text/csv", 406, "text/plain", None),
]


@pytest.mark.parametrize(("kind", "accept", "status", "media", "fmt"), NEGOTIATION)
def test_accept_negotiation(
    server: ServerProcess, kind: str, accept: str | None, status: int, media: str, fmt: str | None
) -> None:
    query = (
        SIMPLE
        if kind == "select"
        else ("CONSTRUCT { ?arc a accsm:ResourceCentre } WHERE { ?arc a accsm:ResourceCentre }")
    )
    answer = sparql(server, query, accept)
    assert (answer.status, answer.type) == (status, media), answer.text
    assert answer.headers["Vary"] == "Accept"
    if fmt is not None:
        assert _parse(answer, fmt) == 10


def test_ask(server: ServerProcess) -> None:
    answer = sparql(server, "ASK { arc:kh a accsm:ResourceCentre }")
    assert answer.json()["boolean"] is True


def test_syntax_error_is_400_with_the_parsers_message(server: ServerProcess) -> None:
    answer = sparql(server, "SELECT ?x WHERE { ?x ?y }")
    assert answer.status == 400 and answer.type == "text/plain"
    assert answer.text.startswith("syntax error: line 1")


@pytest.mark.parametrize(
    ("method", "path", "content_type", "body"),
    [
        (
            "POST",
            "/sparql",
            "application/x-www-form-urlencoded",
            urlencode({"update": "DELETE WHERE { ?s ?p ?o }"}),
        ),
        ("POST", "/sparql", "application/sparql-update", "DELETE WHERE { ?s ?p ?o }"),
        ("POST", "/sparql", "application/sparql-update", "CLEAR ALL"),
        ("GET", "/sparql?update=" + quote("DROP ALL"), None, None),
        (
            "POST",
            "/sparql",
            "application/x-www-form-urlencoded",
            urlencode({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
        ),
    ],
)
def test_updates_are_refused_and_the_graph_is_unchanged(
    server: ServerProcess, method: str, path: str, content_type: str | None, body: str | None
) -> None:
    before = count_triples(server)
    headers = {"Content-Type": content_type} if content_type else {}
    answer = request(server, method, path, headers=headers, body=body)
    assert answer.status == 403
    assert "read-only" in answer.text
    assert count_triples(server) == before == server.triples


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_service_and_from_are_refused(server: ServerProcess, query: str) -> None:
    answer = sparql(server, query)
    assert answer.status == 403
    assert "refused" in answer.text


def test_dataset_from_protocol_parameters(server: ServerProcess, kg: KnowledgeGraph) -> None:
    ontology_size = len(kg.ontology_graph())
    only_ontology = sparql(
        server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph_uri=str(G.ontology)
    )
    assert int(only_ontology.json()["results"]["bindings"][0]["n"]["value"]) == ontology_size
    named = sparql(
        server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uri=str(G.meta)
    )
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [str(G.meta)]
    bad = sparql(server, SIMPLE, default_graph_uri="not an iri")
    assert bad.status == 400


def test_results_over_max_rows_are_cut_with_a_header(server: ServerProcess) -> None:
    answer = sparql(server, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
    assert answer.status == 200
    shown, total = re.fullmatch(r"(\d+) of (\d+)", answer.headers["X-Accsm-Truncated"]).groups()
    assert int(shown) == MAX_ROWS and int(total) == server.triples
    assert len(answer.text.strip().splitlines()) == MAX_ROWS + 1
    small = sparql(server, SIMPLE)
    assert "X-Accsm-Truncated" not in small.headers


def test_service_description_on_a_bare_get(server: ServerProcess) -> None:
    answer = request(server, "GET", "/sparql")
    assert answer.status == 200 and answer.type == "text/turtle"
    graph = Graph().parse(data=answer.text, format="turtle")
    endpoint = URIRef(server.url + "/sparql")
    assert (endpoint, RDF.type, SD.Service) in graph
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in graph
    default = graph.value(graph.value(endpoint, SD.defaultDataset), SD.defaultGraph)
    assert graph.value(default, VOID.triples) == Literal(server.triples)


def test_a_runaway_query_is_stopped_while_others_are_served(server: ServerProcess) -> None:
    workers = server.workers()
    assert len(workers) == 2
    runaway: dict[str, Answer] = {}
    thread = threading.Thread(target=lambda: runaway.update(answer=sparql(server, RUNAWAY)))
    started = time.monotonic()
    thread.start()
    time.sleep(0.5)
    busy = [pid for pid in workers if (cpu_ticks(pid) or 0) > 0]
    quick = sparql(server, SIMPLE)  # a second client, meanwhile
    assert quick.status == 200 and quick.elapsed < 1.0
    before = {pid: cpu_ticks(pid) for pid in workers}
    time.sleep(0.3)
    burning = [pid for pid in workers if (cpu_ticks(pid) or 0) > (before[pid] or 0)]
    assert len(burning) == 1, (busy, before)
    thread.join(30)
    elapsed = time.monotonic() - started
    answer = runaway["answer"]
    assert answer.status == 503
    assert answer.text.strip() == (
        f"the query ran longer than the time limit of {TIMEOUT:g} s and was stopped"
    )
    assert TIMEOUT - 0.1 < elapsed < TIMEOUT + 2
    assert gone(burning[0]), "the runaway worker still runs"
    time.sleep(0.3)
    now = server.workers()
    assert len(now) == 2 and burning[0] not in now
    ticks = {pid: cpu_ticks(pid) for pid in now}
    time.sleep(1.0)
    spent = sum((cpu_ticks(pid) or 0) - (ticks[pid] or 0) for pid in now)
    assert spent <= 5, "the query processes still use the CPU"  # ticks are 1/100 s
    assert sparql(server, SIMPLE).status == 200


def test_beyond_the_running_queries_and_the_queue_is_503_at_once(server: ServerProcess) -> None:
    answers: list[tuple[str, Answer]] = []
    lock = threading.Lock()

    def send(query: str) -> None:
        answer = sparql(server, query)
        with lock:
            answers.append((query, answer))

    threads = [threading.Thread(target=send, args=(RUNAWAY,)) for _ in range(2)]  # --workers 2
    for thread in threads:
        thread.start()
    time.sleep(0.4)
    waiting = [threading.Thread(target=send, args=(SIMPLE,)) for _ in range(8)]  # --queue 8
    for thread in waiting:
        thread.start()
    time.sleep(0.4)
    assert request(server, "GET", "/health").json()["pool"]["waiting"] == 8
    refused = sparql(server, SIMPLE)
    assert refused.status == 503 and refused.elapsed < 0.5
    assert refused.headers["Retry-After"] == "1"
    assert "busy" in refused.text
    for thread in threads + waiting:
        thread.join(30)
    assert [a.status for q, a in answers if q == RUNAWAY] == [503, 503]
    assert len(answers) == 10
    assert sparql(server, SIMPLE).status == 200


# --------------------------------------------------------------------------- resources


def test_resource_as_html(server: ServerProcess) -> None:
    answer = request(server, "GET", "/id/arc/kh", headers={"Accept": "text/html"})
    assert answer.status == 200 and answer.type == "text/html"
    assert answer.headers["Vary"] == "Accept"
    assert '<base href="/id/arc/kh/">' in answer.text
    assert "ASEAN Resource Centre" in answer.text
    page = request(server, "GET", "/id/arc/kh/", headers={"Accept": "text/html"})
    assert page.status == 200 and "<base " not in page.text


@pytest.mark.parametrize(
    ("accept", "media", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("text/html;q=0.5, text/turtle", "text/turtle", "turtle"),
    ],
)
def test_resource_as_rdf(
    server: ServerProcess, accept: str, media: str, rdflib_format: str
) -> None:
    answer = request(server, "GET", "/id/arc/kh", headers={"Accept": accept})
    assert answer.status == 200 and answer.type == media
    assert answer.headers["Vary"] == "Accept"
    graph = Graph().parse(data=answer.text, format=rdflib_format)
    assert (ARC.kh, RDF.type, ACCSM.ResourceCentre) in graph
    assert set(graph.subjects()) == {ARC.kh}


def test_ontology_and_its_terms(server: ServerProcess) -> None:
    ontology = request(server, "GET", "/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=ontology.text, format="turtle")
    assert (URIRef("https://w3id.org/accsm-kg/ontology"), RDF.type, OWL.Ontology) in graph
    term = request(server, "GET", "/ontology/ResourceCentre", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=term.text, format="turtle")
    assert graph.value(ACCSM.ResourceCentre, RDFS.label) is not None
    html = request(server, "GET", "/ontology/ResourceCentre", headers={"Accept": "text/html"})
    assert html.status == 303
    assert html.headers["Location"].endswith("/ontology/index.html#ResourceCentre")


def test_named_graphs_are_resources_too(server: ServerProcess) -> None:
    answer = request(server, "GET", "/graph/meta", headers={"Accept": "text/turtle"})
    assert answer.status == 200


def test_data_given_with_data_is_served(server: ServerProcess, kg: KnowledgeGraph) -> None:
    assert server.triples == sum(len(g) for g in kg.dataset.graphs())  # quads, all graphs
    town = request(server, "GET", "/id/place/serve-test-town", headers={"Accept": "text/turtle"})
    assert town.status == 200 and "Serve Test Town" in town.text
    html = request(server, "GET", "/id/place/serve-test-town", headers={"Accept": "text/html"})
    assert html.status == 200 and "Serve Test Town" in html.text
    graph = request(server, "GET", "/graph/serve-test-extra", headers={"Accept": "text/turtle"})
    assert graph.status == 200


def test_a_port_in_use_is_a_clear_error(server: ServerProcess) -> None:
    port = urlsplit(server.url).port
    out = subprocess.run(
        [sys.executable, "-m", "accsm_kg", "serve", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert out.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"


@pytest.mark.parametrize(
    "path", ["/id/arc/nowhere", "/id/nothing", "/ontology/NoSuchTerm", "/nothing.html"]
)
def test_unknown_resources_are_404(server: ServerProcess, path: str) -> None:
    answer = request(server, "GET", path, headers={"Accept": "text/turtle"})
    assert answer.status == 404


def test_resource_406(server: ServerProcess) -> None:
    answer = request(server, "GET", "/id/arc/kh", headers={"Accept": "image/png"})
    assert answer.status == 406


# --------------------------------------------------------------------------- the query API


def test_api_lists_the_saved_queries(server: ServerProcess) -> None:
    listed = request(server, "GET", "/api/queries").json()
    assert {q["name"] for q in listed} == set(load_catalog())
    members = next(q for q in listed if q["name"] == "members")
    assert [p["name"] for p in members["params"]] == ["lang", "as_of"]


def test_api_runs_a_saved_query_with_bound_parameters(
    server: ServerProcess, engine: OxigraphEngine
) -> None:
    saved = load_catalog()["members"]
    local = run_saved(engine, saved, {"as_of": "1990-01-01"}, "km").result
    answer = request(server, "GET", "/api/queries/members?as_of=1990-01-01&lang=km&format=json")
    assert answer.status == 200
    assert _canonical(parse_json_results(answer.body).rows) == _canonical(local.rows)
    assert 0 < len(local.rows) < 10


def test_api_download(server: ServerProcess) -> None:
    answer = request(server, "GET", "/api/queries/arcs?format=csv&download=1")
    assert answer.type == "text/csv"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="arcs.csv"'


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/queries/no-such-query", 404),
        ("/api/queries/members?as_of=yesterday", 400),
        ("/api/queries/members?nope=1", 400),
        ("/api/queries/members?format=exe", 400),
        ("/api/queries/labels?resource=" + quote('x" } ; DROP ALL #'), 400),
    ],
)
def test_api_errors(server: ServerProcess, path: str, status: int) -> None:
    answer = request(server, "GET", path)
    assert answer.status == status and answer.type == "text/plain"


def test_pages_are_served(server: ServerProcess) -> None:
    for path in ("/", "/queries", "/assets/queries.js", "/assets/sparql-highlight.js"):
        answer = request(server, "GET", path)
        assert answer.status == 200, path


def test_the_partnership_network(server: ServerProcess) -> None:
    page = request(server, "GET", "/viz")
    assert page.status == 200 and page.type == "text/html"
    assert "partnership network" in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "'sha256-" in policy and "http" not in policy  # its own inline scripts only
    graphml = request(server, "GET", "/viz/partnerships.graphml")  # drawn on first request
    assert graphml.status == 200 and b"<graphml" in graphml.body
    assert request(server, "GET", "/viz/nothing.html").status == 404


# --------------------------------------------------------------------------- hardening


def test_security_headers_everywhere(server: ServerProcess) -> None:
    for method, path in [
        ("GET", "/queries"),
        ("GET", "/nothing"),
        ("PUT", "/sparql"),
        ("GET", "/id/arc/kh"),
        ("GET", "/sparql"),
    ]:
        answer = request(server, method, path)
        assert answer.headers["X-Content-Type-Options"] == "nosniff", path
        policy = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "default-src 'self'" in policy
        assert "http" not in policy and "*" not in policy


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND"])
def test_other_methods_are_405(server: ServerProcess, method: str) -> None:
    answer = request(server, method, "/sparql")
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_options(server: ServerProcess) -> None:
    answer = request(server, "OPTIONS", "/sparql")
    assert answer.status == 204 and "POST" in answer.headers["Allow"]


def test_long_url_is_414(server: ServerProcess) -> None:
    answer = request(server, "GET", "/sparql?query=" + "x" * 9000)
    assert answer.status == 414


def test_large_body_is_413(server: ServerProcess) -> None:
    body = "query=" + "x" * (2 << 20)
    answer = request(
        server,
        "POST",
        "/sparql",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 413


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../../../../etc/passwd",
        "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/static/../../pyproject.toml",
        "/viz/..%2F..%2Fpyproject.toml",
        "//etc/passwd",
        "/assets//etc/passwd",
        "/assets/%00",
        "/assets/..\\..\\etc\\passwd",
        "/id/arc/kh/../../../etc/passwd",
    ],
)
def test_no_directory_traversal(server: ServerProcess, path: str) -> None:
    answer = request(server, "GET", path)
    assert answer.status in (400, 404), path
    assert b"root:" not in answer.body and b"[project]" not in answer.body


@pytest.mark.parametrize(
    "path",
    [
        "/api/queries/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/api/queries/members?as_of=%3Cscript%3Ealert(1)%3C/script%3E",
        "/id/%3Cscript%3Ealert(1)%3C/script%3E",
        "/sparql?query=%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_nothing_from_the_request_comes_back_as_html(server: ServerProcess, path: str) -> None:
    answer = request(server, "GET", path, headers={"Accept": "text/html"})
    if b"<script>" in answer.body:
        assert answer.type == "text/plain"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
