"""``accsm-kg publish``: upload into a triple store (registered into accsm_kg.cli's table)."""

from __future__ import annotations

import argparse
import os
import sys

from accsm_kg.cli import EXIT_OK, EXIT_UNUSABLE, EXIT_VIOLATIONS, FILES_ARG, _emit, arg, command

PASSWORD_ENV = "ACCSM_KG_STORE_PASSWORD"

EXIT_CODES_PUBLISH = f"""\
exit codes:
  0  uploaded, and the store holds as many triples as were sent
  1  uploaded, but the store holds another number of triples (both counts are printed)
  2  unusable input or store: a bad file, an unreachable store, an upload the store refused
     (its HTTP status and the start of its answer are printed)

The password may also come from the environment variable {PASSWORD_ENV}.

examples:
  accsm-kg publish --store http://127.0.0.1:7878/store
  accsm-kg publish --store http://127.0.0.1:8890/sparql-graph-crud-auth --user dba \\
      --password dba --graph https://w3id.org/accsm-kg/graph/all
  accsm-kg publish --store http://fuseki:3030/accsm/data --endpoint http://fuseki:3030/accsm/query"""


@command(
    "publish",
    help="upload the graph into a triple store (SPARQL 1.1 Graph Store Protocol)",
    description=(
        "Load the packaged graph (plus any FILEs given) and upload it to a triple store with "
        "the SPARQL 1.1 Graph Store HTTP Protocol: every named graph (ontology, data, meta, "
        "derived) to STORE?graph=<its name>, or with --graph the union of all of them into "
        "that one graph. PUT replaces each graph; --append adds to it with POST. Then the "
        "triple count is read back with a SPARQL COUNT on the store's query endpoint "
        "(derived from STORE for Oxigraph, Virtuoso, Fuseki and GraphDB, or given with "
        "--endpoint) and compared with what was sent. Does not validate: run validate first."
    ),
    epilog=EXIT_CODES_PUBLISH,
    args=(
        FILES_ARG,
        arg("--store", required=True, metavar="URL", help="the Graph Store Protocol endpoint"),
        arg("--graph", metavar="IRI", help="upload the union of all graphs into this one graph"),
        arg("--append", action="store_true", help="add to the graphs (POST) instead of PUT"),
        arg("--user", metavar="USER", help="user name for Basic or Digest authentication"),
        arg("--password", metavar="PASSWORD", help=f"password (or set {PASSWORD_ENV})"),
        arg("--endpoint", metavar="URL", help="the store's SPARQL query endpoint, for the count"),
        arg(
            "--timeout",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="give up on one request after this many seconds (default 60)",
        ),
    ),
)
def cmd_publish(args: argparse.Namespace) -> int:
    from accsm_kg.load import load_knowledge_graph
    from accsm_kg.publish import CountMismatch, PublishError, publish

    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    if password is not None and args.user is None:
        print("error: --password needs --user", file=sys.stderr)
        return EXIT_UNUSABLE
    kg = load_knowledge_graph(args.files, root=args.assets)
    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\ruploading graph {done}/{total}", end="", file=sys.stderr, flush=True)
            if done == total:
                print(file=sys.stderr)

    try:
        result = publish(
            kg,
            args.store,
            graph=args.graph,
            append=args.append,
            user=args.user,
            password=password,
            endpoint=args.endpoint,
            timeout=args.timeout,
            progress=progress,
        )
    except CountMismatch as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_VIOLATIONS
    except PublishError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    _emit(result.summary())
    return EXIT_OK
