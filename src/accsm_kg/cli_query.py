"""The ``accsm-kg query`` subcommand (registered into accsm_kg.cli's command table)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accsm_kg.cli import EXIT_OK, EXIT_UNUSABLE, _emit, arg, command

EXIT_CODES_QUERY = """\
exit codes:
  0  the query ran (an empty answer is still 0)
  2  unusable input: an unknown query or parameter, a value of the wrong kind, a syntax
     error, a refused query (updates, SERVICE, LOAD, FROM), an unreachable endpoint

examples:
  accsm-kg query --list
  accsm-kg query arc-priorities --lang km --format csv
  accsm-kg query priorities --param plan=accsm-2016-2020
  accsm-kg query members --param as_of=1990-01-01
  accsm-kg query --sparql 'SELECT ?arc WHERE { ?arc a accsm:ResourceCentre }'
  accsm-kg query --file my.rq --endpoint http://127.0.0.1:7878/query"""


def _parse_params(pairs: list[str]) -> dict[str, str]:
    from accsm_kg.bind import ParamError

    values: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParamError(f"--param {pair!r}: write it as name=value")
        name, value = pair.split("=", 1)
        values[name.strip()] = value
    return values


def _list(catalog: dict) -> str:
    lines = []
    for name, saved in sorted(catalog.items()):
        params = ", ".join(p.describe() for p in saved.params) or "no parameters"
        lines.append(f"{name}\n    {saved.title}\n    parameters: {params}")
    return "\n".join(lines) + "\n"


@command(
    "query",
    help="run a saved or ad-hoc SPARQL query",
    description=(
        "Run one of the saved queries (queries/*.rq) by NAME, or your own query with --file "
        "or --sparql, on the local graph (Oxigraph by default) or on a remote SPARQL endpoint. "
        "Parameters are bound as RDF terms, never pasted into the query: a value may be a slug "
        "(kh, accsm-2016-2020), a CURIE (cty:kh) or a full IRI. Labels come back in --lang with "
        "English as the fallback. The project's prefixes (accsm:, cty:, skos: …) are predeclared "
        "for ad-hoc queries. The default format is an aligned table on a terminal and CSV when "
        "the output is piped; CONSTRUCT/DESCRIBE results are Turtle (or --format nt/jsonld)."
    ),
    epilog=EXIT_CODES_QUERY,
    args=(
        arg("name", nargs="?", metavar="NAME", help="a saved query (see --list)"),
        arg("--list", action="store_true", help="list the saved queries and their parameters"),
        arg(
            "--param",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a parameter value (repeatable)",
        ),
        arg("--lang", choices=("en", "vi", "km", "th"), help="language of the labels"),
        arg(
            "--format",
            choices=("table", "csv", "tsv", "json", "xml", "md", "ttl", "nt", "jsonld"),
            help="output format (default: table on a terminal, csv when piped; ttl for graphs)",
        ),
        arg("--file", type=Path, metavar="FILE", help="run the SPARQL query in FILE"),
        arg("--sparql", metavar="QUERY", help="run this SPARQL query text"),
        arg(
            "--explain",
            action="store_true",
            help="print the query text after parameter binding instead of running it",
        ),
        arg(
            "--engine",
            choices=("oxigraph", "rdflib"),
            default="oxigraph",
            help="local engine (default oxigraph)",
        ),
        arg("--endpoint", metavar="URL", help="run on this remote SPARQL endpoint instead"),
        arg(
            "--timeout",
            type=float,
            default=30.0,
            metavar="SECONDS",
            help="stop a query after this many seconds, locally or remotely (default 30)",
        ),
        arg("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout"),
    ),
)
def cmd_query(args: argparse.Namespace) -> int:
    from accsm_kg.bind import ParamError, QueryRefused, QuerySyntaxError
    from accsm_kg.catalog import CatalogError, get_query, load_catalog
    from accsm_kg.engine import QueryError, make_engine
    from accsm_kg.load import load_knowledge_graph
    from accsm_kg.query import prepare_adhoc, prepare_saved
    from accsm_kg.results import FormatError, render
    from accsm_kg.writing import OutputError, atomic_write_text, check_output_path

    try:
        catalog = load_catalog()
        if args.list:
            _emit(_list(catalog))
            return EXIT_OK
        chosen = [x for x in (args.name, args.file, args.sparql) if x]
        if len(chosen) != 1:
            raise ParamError("give exactly one of NAME, --file or --sparql (or --list)")
        if args.output is not None:
            check_output_path(args.output)
        if args.name:
            saved = get_query(args.name, catalog)
            prepared = prepare_saved(saved, _parse_params(args.param), args.lang)
        else:
            if args.param:
                raise ParamError("--param is for saved queries; write values into your query")
            if args.file:
                try:
                    source = args.file.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise ParamError(f"cannot read {args.file}: {exc}") from None
            else:
                source = args.sparql
            prepared = prepare_adhoc(source)
        if args.explain:
            _emit(prepared.explain())
            return EXIT_OK
        if args.endpoint or args.engine != "oxigraph":
            kg = None if args.endpoint else load_knowledge_graph(root=args.assets)
            engine = make_engine(
                kg, engine=args.engine, endpoint=args.endpoint, timeout=args.timeout
            )
        else:  # only querying: Oxigraph parses the files itself, no rdflib Dataset needed
            from accsm_kg.fastload import load_store

            engine = make_engine(None, store=load_store(root=args.assets), timeout=args.timeout)
        result = prepared.run(engine)
        fmt = args.format
        if fmt is None:
            if result.kind == "graph":
                fmt = "ttl"
            else:
                fmt = "table" if (sys.stdout.isatty() and args.output is None) else "csv"
        output = render(result, fmt)
        if args.output is not None:
            atomic_write_text(args.output, output)
        else:
            sys.stdout.write(output)
    except (
        CatalogError,
        ParamError,
        QueryRefused,
        QuerySyntaxError,
        QueryError,
        FormatError,
        OutputError,
    ) as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_OK
