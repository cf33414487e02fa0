"""Real triple stores: publish into them, run every saved query there, validate what they hold.

The servers (an Oxigraph server and a Virtuoso 7, see tests/stores.py) are started once per
module on free loopback ports and stopped at the end. Each store gets the shipped dataset with
``accsm-kg publish``; every saved query then runs on it through the remote engine and its
answer is compared, row for row and in order, with the local Oxigraph engine's.

What legitimately differs between stores, and is normalised before comparing (nothing else):

* the order of the values inside a GROUP_CONCAT: SPARQL leaves it undefined (Virtuoso sorts
  them, Oxigraph does not), so each GROUP_CONCAT column (found in the query text with its
  separator) is split, sorted and joined again.

Everything else must be identical: the same rows in the same order, the same terms with the
same datatypes and language tags (the remote engine already reads an ``xsd:string`` literal
as a simple literal, as RDF 1.1 defines them to be the same).
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.term import Node

from accsm_kg.catalog import SavedQuery, load_catalog
from accsm_kg.cli import main
from accsm_kg.engine import OxigraphEngine, RemoteEngine
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.publish import GraphStore
from accsm_kg.query import run_saved
from stores import Store, free_port, oxigraph_server, virtuoso_server

pytestmark = pytest.mark.slow

CATALOG = load_catalog()
SHAPE_FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
_GROUP_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\(.*?separator\s*=\s*\"([^\"]*)\"\s*\)\s*AS\s+\?(\w+)",
    re.IGNORECASE | re.DOTALL,
)


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return load_knowledge_graph()


@pytest.fixture(scope="module")
def local(shipped: KnowledgeGraph) -> OxigraphEngine:
    return OxigraphEngine(shipped)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as store:
        yield store


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A second Oxigraph server for uploads that must not touch the first one's graphs."""
    with oxigraph_server(tmp_path_factory.mktemp("scratch")) as store:
        yield store


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as store:
        yield store


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def published(request: pytest.FixtureRequest, shipped: KnowledgeGraph) -> Store:
    """A store holding the shipped dataset, published graph by graph."""
    store: Store = request.getfixturevalue(request.param)
    code, _out, err = _cli(*_publish_args(store))
    assert code == 0, err
    return store


def _publish_args(store: Store, *extra: str) -> list[str]:
    args = ["publish", "--store", store.store, *extra]
    if store.user:
        args += ["--user", store.user, "--password", store.password or ""]
    return args


def _cli(*args: str) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def _sent(kg: KnowledgeGraph) -> int:
    return sum(len(g) for g in kg.dataset.graphs())


# --------------------------------------------------------------------------- publish


def test_publish_reads_back_every_triple(published: Store, shipped: KnowledgeGraph) -> None:
    code, out, err = _cli(*_publish_args(published))  # again: PUT replaces, nothing doubles
    assert code == 0, err
    total = _sent(shipped)
    assert f"published {total} triples" in out
    assert f"read back {total} " in out


def test_append_adds_nothing_new_when_the_triples_are_there(published: Store) -> None:
    code, out, err = _cli(*_publish_args(published, "--append"))
    assert code == 0, err
    held = re.search(r"read back (\d+) \(held (\d+) before\)", out)
    assert held and held.group(1) == held.group(2)


def test_publish_the_union_into_one_graph(published: Store, shipped: KnowledgeGraph) -> None:
    target = "https://example.org/accsm-kg-test/union"
    try:
        code, out, err = _cli(*_publish_args(published, "--graph", target))
        assert code == 0, err
        union = len(shipped.union_graph())
        assert f"published {union} triples in 1 graph" in out
        assert f"read back {union} " in out
    finally:
        GraphStore(published.store, user=published.user, password=published.password).delete(target)


def test_a_count_that_differs_fails_with_both_counts(
    oxigraph: Store, scratch: Store, shipped: KnowledgeGraph
) -> None:
    # upload into one store but count in another (empty in that graph): the counts differ
    target = "https://example.org/accsm-kg-test/elsewhere"
    code, _out, err = _cli(
        "publish", "--store", scratch.store, "--graph", target, "--endpoint", oxigraph.query
    )
    GraphStore(scratch.store).delete(target)
    assert code == 1
    assert err == (
        "error: the store holds 0 triples in the 1 published graphs, "
        f"but {len(shipped.union_graph())} were sent\n"
    )


def test_virtuoso_refuses_a_wrong_password(virtuoso: Store) -> None:
    code, _out, err = _cli(
        "publish", "--store", virtuoso.store, "--user", virtuoso.user or "", "--password", "no"
    )
    assert code == 2
    assert err.startswith("error: the store refused PUT of <") and "HTTP 401" in err
    assert len(err.strip().splitlines()) == 1


def test_publish_to_a_store_that_is_down() -> None:
    store = f"http://127.0.0.1:{free_port()}/store"
    code, _out, err = _cli("publish", "--store", store)
    assert code == 2
    assert err.strip() == f"error: cannot reach the store {store}: [Errno 111] Connection refused"


# --------------------------------------------------------------------------- saved queries


def _normalise(query: SavedQuery, rows: list[dict[str, Node]]) -> list[dict[str, str]]:
    concatenated = {name: sep for sep, name in _GROUP_CONCAT.findall(query.text)}
    normal = []
    for row in rows:
        out = {}
        for name, value in row.items():
            if name in concatenated and isinstance(value, Literal):
                sep = concatenated[name]
                value = Literal(sep.join(sorted(str(value).split(sep))))
            out[name] = value.n3()
        normal.append(out)
    return normal


def test_the_normalisation_finds_every_group_concat() -> None:
    found = {(name, var) for name, q in CATALOG.items() for _, var in _GROUP_CONCAT.findall(q.text)}
    texts = sum(q.text.upper().count("GROUP_CONCAT") for q in CATALOG.values())
    assert len(found) == texts
    assert ("declarations", "signedBy") in found


#: every saved query in English, and again in Khmer where it takes a language (the labels
#: then fall back to English, which mixes languages in one column)
RUNS = [
    (name, lang)
    for name in sorted(CATALOG)
    for lang in ("en", "km")
    if lang == "en" or CATALOG[name].param("lang") is not None
]


@pytest.mark.parametrize(("name", "lang"), RUNS, ids=[f"{n}-{lang}" for n, lang in RUNS])
def test_saved_query_answers_as_locally(
    published: Store, local: OxigraphEngine, name: str, lang: str
) -> None:
    query = CATALOG[name]
    expected = run_saved(local, query, {}, lang).result
    answer = run_saved(RemoteEngine(published.query, timeout=60), query, {}, lang).result
    assert answer.kind == expected.kind == "select"
    assert answer.variables == expected.variables
    assert expected.rows, f"{name} answers nothing locally: the comparison would prove nothing"
    assert _normalise(query, answer.rows) == _normalise(query, expected.rows)


# --------------------------------------------------------------------------- validate


INVALID = [
    SHAPE_FIXTURES / "EventShape" / "invalid.trig",
    SHAPE_FIXTURES / "NamedGraphProvenanceShape" / "invalid.trig",
    SHAPE_FIXTURES / "UniqueMeetingNumberShape" / "invalid.trig",
]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_endpoint_reports_as_locally(scratch: Store, fmt: str) -> None:
    code, _, err = _cli("publish", "--store", scratch.store, *map(str, INVALID))
    assert code == 0, err
    local_code, local_report, _ = _cli("validate", "--format", fmt, *map(str, INVALID))
    code, report, err = _cli("validate", "--endpoint", scratch.query, "--format", fmt)
    assert local_code == 1
    assert code == 1, err
    assert report == local_report
    assert "ash:" in report or "accsm-kg/shapes/" in report


def test_validate_endpoint_that_is_down() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = _cli("validate", "--endpoint", endpoint)
    assert code == 2
    assert out == ""
    assert err.strip() == f"error: cannot reach {endpoint}: [Errno 111] Connection refused"


def test_query_endpoint_that_is_down() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    code, _out, err = _cli("query", "members", "--endpoint", endpoint)
    assert code == 2
    assert err.strip() == f"error: cannot reach {endpoint}: [Errno 111] Connection refused"


def test_a_store_without_the_meta_graph_is_refused(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path) as empty:
        target = "https://example.org/accsm-kg-test/flat"
        code, _, err = _cli("publish", "--store", empty.store, "--graph", target)
        assert code == 0, err
        code, out, err = _cli("validate", "--endpoint", empty.query)
    assert code == 2
    assert out == ""
    assert err.startswith(
        f"error: {empty.query} holds no graph <https://w3id.org/accsm-kg/graph/meta>"
    )


class _Garbage(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(b"<html>this is not JSON</html>")

    def log_message(self, *args: object) -> None:
        pass


def test_an_endpoint_answering_garbage_is_a_clear_error() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        code, _out, err = _cli("query", "members", "--endpoint", endpoint)
        v_code, _v_out, v_err = _cli("validate", "--endpoint", endpoint)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert code == 2 and v_code == 2
    assert err.startswith("error: the endpoint answered something that is not JSON")
    assert v_err.startswith("error: the endpoint answered something that is not JSON")
    assert len(err.strip().splitlines()) == 1
