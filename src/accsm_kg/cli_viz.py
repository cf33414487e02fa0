"""The ``accsm-kg viz`` subcommand (registered into accsm_kg.cli's command table)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accsm_kg.cli import EXIT_OK, EXIT_UNUSABLE, _emit, arg, command

EXIT_CODES_VIZ = """\
exit codes:
  0  the files were written
  2  unusable input: a malformed --as-of date, a --focus that names nothing (or several
     things), a data file that does not load, an output folder that cannot be written

examples:
  accsm-kg viz                          # dist/viz/partnerships.html, .png, .svg, …
  accsm-kg viz --lang km --out /tmp/viz
  accsm-kg viz --as-of 2009             # what existed at some time in 2009
  accsm-kg viz --focus cty:vn           # Viet Nam and its neighbours (or --focus "Viet Nam")
  accsm-kg viz --metrics                # also print the ten most central nodes"""


@command(
    "viz",
    help="draw the partnership network (HTML, PNG, SVG, GraphML, GEXF, metrics)",
    description=(
        "Build the partnership network from the knowledge graph (SPARQL queries on the "
        "Oxigraph engine): member states, dialogue partners, ASEAN and ACCSM bodies, "
        "agencies, development partners, ARCs, work plans, priority areas, meetings, "
        "programmes and people, linked by membership, dialogue and ACCSM+3 partnership, "
        "hosting, chairing, taking part, organising, funding and more, each link typed and "
        "dated where the data knows when. Writes into --out: partnerships.html (one offline "
        "page: zoom, filters, a time slider, search in en/vi/km/th, every fact with its "
        "source), partnerships.png and .svg, arc-priorities.png, partnerships.graphml and "
        ".gexf (for Gephi and yEd, dates as a timeline) and metrics.csv (degree, weighted "
        "degree, betweenness, eigenvector centrality, community)."
    ),
    epilog=EXIT_CODES_VIZ,
    args=(
        arg(
            "--out",
            type=Path,
            default=Path("dist/viz"),
            metavar="DIR",
            help="folder to write into (default dist/viz; created if missing)",
        ),
        arg(
            "--lang",
            choices=("en", "vi", "km", "th"),
            default="en",
            help="language of the labels, English as the fallback (default en)",
        ),
        arg(
            "--as-of",
            metavar="DATE",
            help="keep what existed at some time in this year, month or day "
            "(YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
        arg(
            "--focus",
            metavar="RESOURCE",
            help="keep this resource and its neighbours: an IRI, a CURIE (cty:vn), kind/slug "
            "(country/vn) or a label in any of the four languages",
        ),
        arg(
            "--depth",
            type=int,
            default=1,
            metavar="N",
            help="with --focus, keep what lies within N links (default 1)",
        ),
        arg(
            "--metrics",
            action="store_true",
            help="print the ten most central nodes (by betweenness) after writing",
        ),
    ),
)
def cmd_viz(args: argparse.Namespace) -> int:
    from accsm_kg.load import load_knowledge_graph
    from accsm_kg.viz import VizError, make_viz, write_outputs
    from accsm_kg.viz.metrics import format_top
    from accsm_kg.writing import OutputError

    try:
        kg = load_knowledge_graph(root=args.assets)
        result = make_viz(kg, args.lang, args.as_of, args.focus, depth=args.depth)
        written = write_outputs(result, args.out)
    except (VizError, OutputError) as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    graph = result.graph
    print(
        f"viz: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} links -> {args.out}",
        file=sys.stderr,
    )
    if args.metrics:
        _emit(format_top(result.metrics))
    else:
        _emit("\n".join(str(path) for path in written))
    return EXIT_OK
