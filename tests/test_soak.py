"""A bounded soak of `accsm-kg serve` on loopback: 32 clients for ACCSM_KG_SOAK_SECONDS (60 by
default) of mixed saved queries, bad queries, updates, runaway queries and page requests.

It must end with no 5xx other than the intended 503s (time limit, full queue), steady memory
and the graph unchanged. Loopback only; every request has a timeout; the loop stops itself.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from serve_helpers import ServerProcess, children

SECONDS = float(os.environ.get("ACCSM_KG_SOAK_SECONDS", "60"))
CLIENTS = 32
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND()"


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    """Resident memory of the server and the processes it started (zygote; workers share)."""
    return rss_kb(pid) + sum(rss_kb(child) for child in children(pid))


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def triple_count(base: str) -> int:
    status, body = fetch(
        f"{base}/sparql?" + urllib.parse.urlencode({"query": COUNT}),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.slow
def test_soak(tmp_path: Path) -> None:
    server = ServerProcess("--timeout", "2", "--workers", "2", "--queue", "32")
    base = server.url
    try:
        status, body = fetch(f"{base}/api/queries")
        names = [q["name"] for q in json.loads(body)] if status == 200 else []
        assert names, body[:200]
        before = triple_count(base)
        requests = [
            ("saved", lambda r: f"{base}/api/queries/{r.choice(names)}?format=json", None, {200}),
            (
                "page",
                lambda r: (
                    base
                    + r.choice(
                        ["/", "/id/arc/kh", "/queries", "/health", "/id/country/vn", "/ontology"]
                    )
                ),
                None,
                {200, 303},
            ),
            (
                "bad",
                lambda r: (
                    f"{base}/sparql?"
                    + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p }"})
                ),
                None,
                {400},
            ),
            ("update", lambda r: f"{base}/sparql", b"update=DROP+ALL", {403}),
            ("missing", lambda r: f"{base}/id/arc/zz", None, {404}),
            (
                "runaway",
                lambda r: f"{base}/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}),
                None,
                {503},
            ),
        ]
        weights = [60, 20, 8, 5, 5, 2]
        statuses: Counter = Counter()
        unexpected: list[tuple[str, int]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + SECONDS

        def client(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                kind, url, data, expected = rng.choices(requests, weights)[0]
                headers = {"Content-Type": "application/x-www-form-urlencoded"} if data else {}
                status, _ = fetch(url(rng), data, headers)
                with lock:
                    statuses[status] += 1
                    # 503 is intended wherever the queue is full or the time limit hit
                    if status not in expected and status != 503:
                        unexpected.append((kind, status))

        samples: list[int] = []
        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            samples.append(tree_rss(server.process.pid))
            time.sleep(1)
        for thread in threads:
            thread.join()

        assert not unexpected, Counter(unexpected).most_common(5)
        assert not [s for s in statuses if s >= 500 and s != 503], statuses
        assert statuses[200] > 100, statuses
        warm = max(samples[: max(1, len(samples) // 4)])
        assert max(samples) < warm * 1.5 + 50_000, (warm, max(samples))  # KB: no steady growth
        assert triple_count(base) == before
        assert server.process.poll() is None  # still up
    finally:
        server.stop()
