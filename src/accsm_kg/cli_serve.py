"""The ``accsm-kg serve`` subcommand (registered into accsm_kg.cli's command table)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accsm_kg.cli import EXIT_OK, EXIT_UNUSABLE, arg, command

EPILOG = """\
exit codes:
  0  stopped (Ctrl-C or SIGTERM)
  2  unusable input or options: a data file that does not load, a port that cannot be bound

what it serves:
  /sparql            SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query);
                     a GET without a query returns the service description; updates get 403
  /id/…, /graph/…    every resource IRI of the graph, as HTML, Turtle, JSON-LD or N-Triples
  /ontology          the ontology (its terms at /ontology/Term)
  /queries           the saved queries in the browser, and an editor for your own
  /api/queries       the saved queries as JSON; /api/queries/NAME?param=…&lang=…&format=…
  /viz               the partnership network
  /health            status, triples, the query pool

examples:
  accsm-kg serve
  accsm-kg serve --port 8080 --timeout 5 --max-rows 1000
  accsm-kg serve --data extra.trig
  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' \\
      http://127.0.0.1:8000/sparql"""


def _positive(kind: type) -> object:
    def check(text: str) -> object:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
        return value

    return check


@command(
    "serve",
    help="serve the graph: SPARQL endpoint, resource pages, query page (read-only)",
    description=(
        "Serve the packaged graph (plus any --data files) over HTTP on one machine: a "
        "read-only SPARQL 1.1 endpoint, every resource IRI of the graph at its path "
        "(https://w3id.org/accsm-kg/id/arc/kh at /id/arc/kh) with content negotiation, the "
        "saved queries as a browser page, and the partnership network. Binds to 127.0.0.1 "
        "unless --host says otherwise. Each query runs in a worker process that is killed at "
        "--timeout; at most --workers queries run at once and --queue more wait; results over "
        "--max-rows are cut, and the X-Accsm-Truncated header says so."
    ),
    epilog=EPILOG,
    args=(
        arg("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"),
        arg("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)"),
        arg(
            "--timeout",
            type=_positive(float),
            default=10.0,
            metavar="SECONDS",
            help="stop a query after this many seconds (default 10)",
        ),
        arg(
            "--max-rows",
            type=_positive(int),
            default=10_000,
            metavar="N",
            help="send at most N result rows (default 10000)",
        ),
        arg(
            "--data",
            nargs="+",
            default=[],
            type=Path,
            metavar="FILE",
            help="extra data files to serve with the packaged data (.trig, .ttl, .nq, .nt)",
        ),
        arg(
            "--workers",
            type=_positive(int),
            default=None,
            metavar="N",
            help="queries running at once, each in its own process (default: cores, at most 4)",
        ),
        arg(
            "--queue",
            type=_positive(int),
            default=64,
            metavar="N",
            help="queries waiting for a worker before the server answers 503 (default 64)",
        ),
        arg(
            "--dist",
            type=Path,
            metavar="DIR",
            help="serve /viz from DIR/viz (a build's output) instead of drawing it afresh",
        ),
        arg(
            "--max-memory",
            type=_positive(int),
            default=2048,
            metavar="MB",
            help="memory a query may take on top of the loaded graph; over it the query is "
            "stopped with 503 (default 2048)",
        ),
        arg("--access-log", action="store_true", help="log every request to stderr"),
    ),
)
def cmd_serve(args: argparse.Namespace) -> int:
    from accsm_kg.serve import ServeConfig, serve
    from accsm_kg.serve.pool import PoolError

    config = ServeConfig(
        host=args.host,
        port=args.port,
        timeout=args.timeout,
        max_rows=args.max_rows,
        data=list(args.data),
        assets=args.assets,
        dist=args.dist,
        queue=args.queue,
        max_memory_mb=args.max_memory,
        access_log=args.access_log,
    )
    if args.workers:
        config.workers = args.workers
    try:
        serve(config)
    except (PoolError, OSError) as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_OK
