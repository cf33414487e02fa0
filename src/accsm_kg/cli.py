"""Command line: parse arguments, call one stage, print, return an exit code.

A subcommand is one function decorated with ``@command(...)``; its arguments are declared
in the decorator, so adding ``query``, ``export``, ``serve`` … touches nothing else here.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from accsm_kg import __version__

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_UNUSABLE = 2

EXIT_CODES_VALIDATING = """\
exit codes:
  0  the graph conforms to the shapes (warnings do not fail it)
  1  the graph has violations
  2  unusable input: a missing file, an unsupported extension, a syntax error,
     shapes that cannot be run"""

EXIT_CODES_READING = """\
exit codes:
  0  done
  2  unusable input: a missing file, an unsupported extension, a syntax error"""


@dataclass(frozen=True)
class Arg:
    """One ``add_argument`` call, kept for later."""

    flags: tuple[str, ...]
    options: dict[str, Any]


def arg(*flags: str, **options: Any) -> Arg:
    return Arg(flags, options)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    description: str
    epilog: str
    run: Callable[[argparse.Namespace], int]
    args: tuple[Arg, ...] = field(default_factory=tuple)


COMMANDS: dict[str, Command] = {}


def command(
    name: str, *, help: str, description: str, epilog: str, args: Sequence[Arg] = ()
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register the decorated function as subcommand ``name``."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = Command(name, help, description, epilog, run, tuple(args))
        return run

    return register


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


FILES_ARG = arg(
    "files",
    nargs="*",
    metavar="FILE",
    type=Path,
    help="extra data files to load with the packaged data (.trig, .ttl, .nq, .nt)",
)


# --- subcommands ----------------------------------------------------------------------


@command(
    "validate",
    help="check the graph against the SHACL shapes",
    description=(
        "Load the packaged ontology, data and shapes (plus any FILEs given) and validate the "
        "data against the shapes with pySHACL. Each result names the resource, its English "
        "label, the property, the problem in plain words and the source passages that state "
        "facts about the resource."
    ),
    epilog=EXIT_CODES_VALIDATING,
    args=(
        FILES_ARG,
        arg(
            "--format",
            choices=("text", "turtle", "json"),
            default="text",
            help="text (default, for people), turtle (the SHACL report graph) or json",
        ),
        arg(
            "--endpoint",
            metavar="URL",
            help="validate what this SPARQL endpoint holds (published with accsm-kg publish) "
            "instead of the packaged data; the shapes are the packaged ones",
        ),
        arg(
            "--timeout",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="give up on one request to --endpoint after this many seconds (default 60)",
        ),
    ),
)
def cmd_validate(args: argparse.Namespace) -> int:
    from accsm_kg.load import load_knowledge_graph
    from accsm_kg.validate import format_report, validate

    if args.endpoint:
        from accsm_kg.remote import RemoteError, fetch_knowledge_graph

        try:
            if args.files:
                raise RemoteError("FILEs cannot be added to what --endpoint holds")
            remote = fetch_knowledge_graph(args.endpoint, timeout=args.timeout, root=args.assets)
        except RemoteError as exc:
            if args.debug:
                raise
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_UNUSABLE
        if remote.ignored:
            print(
                f"note: left out {len(remote.ignored)} graphs of the store that accsm-kg did "
                "not publish",
                file=sys.stderr,
            )
        kg = remote.kg
    else:
        _progress("loading …")
        kg = load_knowledge_graph(args.files, root=args.assets)
    _progress(f"validating {len(kg.dataset):,} triples (about 2 minutes a million) …")
    started = time.monotonic()
    with _every(15.0, lambda: _progress(f"… {time.monotonic() - started:.0f} s")):
        report = validate(kg)
    _progress(f"done in {time.monotonic() - started:.1f} s")
    _emit(format_report(report, args.format))
    return EXIT_OK if report.conforms else EXIT_VIOLATIONS


@contextlib.contextmanager
def _every(seconds: float, tick: Callable[[], None]) -> Iterator[None]:
    """Call ``tick`` every ``seconds`` from a helper thread while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            tick()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _progress(message: str) -> None:
    """A progress line on standard error, for a person watching a terminal only."""
    if sys.stderr.isatty():
        print(f"validate: {message}", file=sys.stderr, flush=True)


@command(
    "stats",
    help="print figures about the graph",
    description=(
        "Load the packaged graph (plus any FILEs given) and print its figures: triples, named "
        "graphs, entities per class, label coverage per language, facts per source, "
        "provenance coverage, recorded conflicts, ASEAN and ACCSM member states, ASEAN "
        "Resource Centres and the countries lacking a label in en/vi/km/th. Does not "
        "validate."
    ),
    epilog=EXIT_CODES_READING,
    args=(
        FILES_ARG,
        arg("--format", choices=("text", "json"), default="text", help="text (default) or json"),
    ),
)
def cmd_stats(args: argparse.Namespace) -> int:
    from accsm_kg.load import load_knowledge_graph
    from accsm_kg.stats import compute_stats, format_stats

    stats = compute_stats(load_knowledge_graph(args.files, root=args.assets))
    _emit(format_stats(stats, args.format))
    return EXIT_OK


@command(
    "build",
    help="the main job: load, validate, run the saved queries, write dist/",
    description=(
        "Load the packaged graph (plus any FILEs given) and validate it. A graph with "
        "violations is never published: the report is printed, the exit code is 1 and the "
        "previous --out folder is left untouched. Otherwise run every saved query and write "
        "the release into --out: the exports (accsm.ttl, .nt, .trig, .nq, .jsonld, .rdf, "
        "accsm-dataset.jsonld, ontology.ttl/.jsonld, context.jsonld), VoID and DCAT "
        "descriptions (void.ttl, dcat.ttl), the saved queries' answers (queries/) and the "
        "static site (site/). Everything is written into a new folder that then replaces "
        "--out, so a failed build changes nothing. Progress goes to standard error, the "
        "summary to standard output."
    ),
    epilog=EXIT_CODES_VALIDATING,
    args=(
        FILES_ARG,
        arg("--out", metavar="DIR", type=Path, default=Path("dist"), help="default: dist"),
        arg(
            "--base-url",
            metavar="URL",
            default="https://w3id.org/accsm-kg/",
            help="where --out will be published; download links in dcat.ttl/void.ttl start "
            "with it (default: https://w3id.org/accsm-kg/)",
        ),
        arg(
            "--issued",
            metavar="YYYY-MM-DD",
            help="the release date (default: $SOURCE_DATE_EPOCH, else today)",
        ),
    ),
)
def cmd_build(args: argparse.Namespace) -> int:
    from accsm_kg.build import build, format_summary

    def progress(message: str) -> None:
        print(f"build: {message}", file=sys.stderr, flush=True)

    result = build(
        args.files,
        root=args.assets,
        out=args.out,
        base_url=args.base_url,
        issued=args.issued,
        progress=progress,
    )
    _emit(format_summary(result))
    return EXIT_OK if result.ok else EXIT_VIOLATIONS


# --- parser and entry point -----------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """Misuse is one line on stderr and exit 2, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_UNUSABLE, f"error: {message} (see '{self.prog} --help')\n")


def _common_options(in_subcommand: bool) -> argparse.ArgumentParser:
    """--assets and --debug, accepted before or after the subcommand.

    In a subcommand their default is SUPPRESS, so it does not overwrite a value given
    before the subcommand.
    """
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if in_subcommand else {}
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--assets",
        metavar="DIR",
        type=Path,
        help="use the ontology/, data/ and shapes/ folders under DIR instead of the packaged ones",
        **default,
    )
    parent.add_argument(
        "--debug", action="store_true", help="show the full traceback on errors", **default
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    from accsm_kg import (
        cli_publish,  # noqa: F401  (registers the publish subcommand)
        cli_query,  # noqa: F401  (registers the query subcommand)
        cli_release,  # noqa: F401  (registers export and diff)
        cli_serve,  # noqa: F401  (registers the serve subcommand)
        cli_viz,  # noqa: F401  (registers the viz subcommand)
    )

    parser = _Parser(
        prog="accsm-kg",
        description=(
            "The ACCSM knowledge graph: ASEAN cooperation on civil-service matters as RDF, "
            "with the source passage of every fact."
        ),
        epilog="Run 'accsm-kg COMMAND --help' for what a command does and its exit codes.",
        parents=[_common_options(in_subcommand=False)],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    for cmd in COMMANDS.values():
        sub = subparsers.add_parser(
            cmd.name,
            help=cmd.help,
            description=cmd.description,
            epilog=cmd.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[_common_options(in_subcommand=True)],
        )
        for a in cmd.args:
            sub.add_argument(*a.flags, **a.options)
        sub.set_defaults(run=cmd.run)
    return parser


def _expected_errors() -> tuple[type[BaseException], ...]:
    from accsm_kg.build import BuildError
    from accsm_kg.diff import DiffError
    from accsm_kg.export import ExportError
    from accsm_kg.load import LoadError
    from accsm_kg.resources import AssetNotFoundError
    from accsm_kg.validate import ValidationError
    from accsm_kg.writing import OutputError

    return (
        LoadError,
        AssetNotFoundError,
        ValidationError,
        BuildError,
        DiffError,
        ExportError,
        OutputError,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.debug:  # rdflib logs warnings with tracebacks for input it then refuses
        logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    if sys.stdout.encoding and sys.stdout.encoding.lower().replace("-", "") != "utf8":
        sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        return args.run(args)
    except _expected_errors() as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # e.g. piped into `head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
