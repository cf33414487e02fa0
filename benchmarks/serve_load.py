"""Load on ``accsm-kg serve`` next to an Oxigraph server holding the same data, same run.

32 concurrent loopback clients (threads, each with one keep-alive connection) send a bounded
number of SPARQL protocol requests — every saved query with its default parameters, in turn
— first to ``accsm-kg serve``, then to ``oxigraph serve`` (the pip package ``oxigraph``,
in memory, union default graph) loaded with the same quads. Each server runs alone while it
is measured, after one warm-up pass. Reported: throughput, p50/p99 latency, errors, and the
ratio to Oxigraph. Both servers are checked to give the same number of rows per query.

    python benchmarks/serve_load.py [--requests 5000] [--clients 32] [--workers N]

Loopback only; the run ends by itself (request count, and --max-seconds per server).
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from accsm_kg.catalog import load_catalog
from accsm_kg.load import load_knowledge_graph
from accsm_kg.query import prepare_saved

ACCEPT = "application/sparql-results+json"


@dataclass
class Outcome:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(connection: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    body = urlencode({"query": query})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT}
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def drive(url: str, queries: list[str], total: int, clients: int, max_seconds: float) -> Outcome:
    parts = urlsplit(url)
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + max_seconds

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            started = time.perf_counter()
            try:
                status, _ = post(connection, parts.path, queries[i % len(queries)])
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                status = 0
            mine.append(time.perf_counter() - started)
            if status != 200:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Outcome(url, len(latencies), errors, time.perf_counter() - started, latencies)


def rows(url: str, query: str) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        status, body = post(connection, parts.path, query)
    finally:
        connection.close()
    if status != 200:
        raise SystemExit(f"{url} answered {status}: {body[:300]!r}")
    return len(json.loads(body)["results"]["bindings"])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            rows(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            return
        except (OSError, SystemExit):
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def start_accsm(workers: int | None) -> tuple[subprocess.Popen, str]:
    args = [sys.executable, "-m", "accsm_kg", "serve", "--port", "0", "--queue", "256"]
    if workers:
        args += ["--workers", str(workers)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "listening on " not in line:
        process.kill()
        raise SystemExit(f"accsm-kg serve did not start: {line!r}")
    base = line.split("listening on ", 1)[1].split("/ ", 1)[0]
    return process, base + "/sparql"


def start_oxigraph(nquads: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        raise SystemExit("needs the Oxigraph server: pip install oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/query")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST", "/store", body=nquads.read_bytes(), headers={"Content-Type": "application/n-quads"}
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status not in (200, 201, 204):
        process.kill()
        raise SystemExit(f"oxigraph refused the data: {response.status}")
    return process, base + "/query"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="accsm-kg serve --workers")
    parser.add_argument("--max-seconds", type=float, default=300, help="per server")
    args = parser.parse_args()

    kg = load_knowledge_graph()
    catalog = load_catalog()
    queries = [prepare_saved(saved).explain() for _, saved in sorted(catalog.items())]
    with tempfile.TemporaryDirectory() as temp:
        nquads = Path(temp) / "data.nq"
        nquads.write_bytes(kg.dataset.serialize(format="nquads", encoding="utf-8"))
        results = []
        expected: list[int] | None = None
        for name, start in (
            ("accsm-kg serve", lambda: start_accsm(args.workers)),
            ("oxigraph serve", lambda: start_oxigraph(nquads)),
        ):
            process, url = start()
            try:
                counts = [rows(url, q) for q in queries]  # warm-up pass, and the answers
                if expected is None:
                    expected = counts
                elif counts != expected:
                    raise SystemExit(f"row counts differ: {counts} vs {expected}")
                outcome = drive(url, queries, args.requests, args.clients, args.max_seconds)
                outcome.name = name
                results.append(outcome)
            finally:
                stop(process)

    print(
        f"{args.requests} requests, {args.clients} concurrent clients, {len(queries)} saved "
        f"queries in turn, {sum(expected or [])} rows per round; loopback"
    )
    print(f"{'server':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'mean ms':>9}")
    for o in results:
        print(
            f"{o.name:<16}{o.throughput:>9.0f}{o.percentile(0.5):>9.1f}{o.percentile(0.99):>9.1f}"
            f"{o.errors:>8}{statistics.fmean(o.latencies) * 1000:>9.1f}"
        )
    ours, theirs = results
    print(f"accsm-kg serve / oxigraph serve throughput: {ours.throughput / theirs.throughput:.2f}")
    return 0 if all(o.errors == 0 and o.requests == args.requests for o in results) else 1


if __name__ == "__main__":
    sys.exit(main())
