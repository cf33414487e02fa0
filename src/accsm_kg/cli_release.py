"""The ``accsm-kg export`` and ``accsm-kg diff`` subcommands (registered into accsm_kg.cli).

The ``build`` subcommand stays in cli.py, with the other stages of the main job."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accsm_kg.cli import EXIT_OK, FILES_ARG, arg, command

EXIT_CODES_EXPORT = """\
exit codes:
  0  written
  2  unusable input: a missing file, an unsupported extension, a syntax error,
     an output folder that does not exist

examples:
  accsm-kg export --format ttl -o accsm.ttl
  accsm-kg export --format jsonld | head
  accsm-kg export my-additions.trig --format nq -o with-mine.nq"""

EXIT_CODES_DIFF = """\
exit codes:
  0  compared (whether or not anything changed)
  2  unusable input: a missing file, an unsupported extension, a syntax error

examples:
  accsm-kg diff old-dist/ dist/ > release-notes.md
  accsm-kg diff accsm-0.1.0.ttl accsm.ttl --format json"""


def _write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from accsm_kg.writing import atomic_write_text

    atomic_write_text(output, text)


@command(
    "export",
    help="write the graph as Turtle, N-Triples, TriG, N-Quads, JSON-LD or RDF/XML",
    description=(
        "Load the packaged graph (plus any FILEs given) and write its data: ttl, nt, jsonld "
        "and xml hold the union of all data graphs (with g:meta and g:derived, without the "
        "ontology); trig and nq hold the same statements in their named graphs. The output "
        "is deterministic (sorted, the project's prefixes): the same graph gives the same "
        "bytes. JSON-LD is compact with the project's context embedded. Does not validate "
        "(`accsm-kg build` does). Without -o the output goes to standard output."
    ),
    epilog=EXIT_CODES_EXPORT,
    args=(
        FILES_ARG,
        arg(
            "--format",
            choices=("ttl", "nt", "trig", "nq", "jsonld", "xml"),
            default="ttl",
            help="ttl (default), nt, trig, nq, jsonld or xml (RDF/XML)",
        ),
        arg("-o", "--output", metavar="FILE", type=Path, help="write to FILE (atomically)"),
    ),
)
def cmd_export(args: argparse.Namespace) -> int:
    from accsm_kg.export import render
    from accsm_kg.load import load_knowledge_graph
    from accsm_kg.writing import check_output_path

    if args.output is not None:
        check_output_path(args.output)  # before loading: fail fast
    text = render(load_knowledge_graph(args.files, root=args.assets), args.format)
    _write_output(text, args.output)
    return EXIT_OK


@command(
    "diff",
    help="what changed between two releases (files or dist folders)",
    description=(
        "Compare two releases: OLD and NEW are RDF files (.ttl, .nt, .trig, .nq, .jsonld, "
        ".rdf; the format follows the extension) or dist/ folders written by `accsm-kg "
        "build` (their accsm.nq). Prints the statements added, removed and changed (same "
        "subject and property, another value), grouped by resource and shown with English "
        "labels from either side: Markdown for release notes, or JSON. Blank nodes are "
        "compared by structure, not by label."
    ),
    epilog=EXIT_CODES_DIFF,
    args=(
        arg("old", metavar="OLD", type=Path, help="the earlier release (file or folder)"),
        arg("new", metavar="NEW", type=Path, help="the later release (file or folder)"),
        arg(
            "--format",
            choices=("markdown", "json"),
            default="markdown",
            help="markdown (default) or json",
        ),
        arg("-o", "--output", metavar="FILE", type=Path, help="write to FILE (atomically)"),
    ),
)
def cmd_diff(args: argparse.Namespace) -> int:
    from accsm_kg.diff import diff_paths, render
    from accsm_kg.writing import check_output_path

    if args.output is not None:
        check_output_path(args.output)
    _write_output(render(diff_paths(args.old, args.new), args.format), args.output)
    return EXIT_OK
