"""The main job: load, validate, run the saved queries, write every output into ``dist/``.

Nothing is written unless the graph conforms. Everything is written into a new folder beside
``--out``, which then replaces the previous one in two renames; on any failure the new folder
is removed and the previous ``dist/`` stays as it was.

Two later stages plug in without this module knowing their internals:

* saved queries — when ``accsm_kg.query`` exists, every saved query is run (``run_all``) and
  its answer written as ``queries/NAME.csv`` and ``queries/NAME.json``;
* the static site — when ``accsm_kg.site`` exists, ``write_site(kg, dist/site, pages,
  downloads=...)`` writes it.

Both are found with :func:`default_query_runner` / :func:`default_site_writer` and can be
replaced (or switched off with ``None``) through :func:`build`'s arguments.
"""

from __future__ import annotations

import ctypes
import errno
import importlib.util
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accsm_kg import background
from accsm_kg.export import release_files, to_turtle, union_triples
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.stats import Stats, compute_stats
from accsm_kg.validate import Report, format_text, validate
from accsm_kg.void import (
    DEFAULT_BASE_URL,
    Counts,
    Distribution,
    count,
    dcat_graph,
    issued_date,
    void_graph,
)

#: A file in every folder ``build`` writes; only such a folder is ever replaced.
MARKER = ".accsm-kg-build"
MARKER_TEXT = "Written by `accsm-kg build`. The next build replaces this folder as a whole.\n"

#: What each release file holds, for the DCAT description and the site's download list.
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "accsm.ttl": ("text/turtle", "Turtle: every data statement (the union of all graphs)"),
    "accsm.nt": ("application/n-triples", "N-Triples: every data statement, one per line"),
    "accsm.trig": ("application/trig", "TriG: the dataset with its provenance graphs"),
    "accsm.nq": ("application/n-quads", "N-Quads: the dataset with its provenance graphs"),
    "accsm.jsonld": ("application/ld+json", "JSON-LD: every data statement, compact"),
    "accsm-dataset.jsonld": ("application/ld+json", "JSON-LD: the dataset with its graphs"),
    "accsm.rdf": ("application/rdf+xml", "RDF/XML: every data statement"),
    "ontology.ttl": ("text/turtle", "the ontology in Turtle, with its version IRI"),
    "ontology.jsonld": ("application/ld+json", "the ontology in JSON-LD"),
    "context.jsonld": ("application/ld+json", "the JSON-LD context: a short name per term"),
    "void.ttl": ("text/turtle", "VoID: the dataset's figures and data dumps"),
}
#: The files that hold the data itself (VoID data dumps).
DUMPS = ("accsm.ttl", "accsm.nt", "accsm.trig", "accsm.nq", "accsm.jsonld", "accsm.rdf")

Progress = Callable[[str], None]
QueryRunner = Callable[[KnowledgeGraph], Sequence[Any]]
SiteWriter = Callable[..., Any]


class BuildError(Exception):
    """The build cannot write its output (a missing parent folder, a folder it must not
    replace, a failing stage)."""


def _quiet(_: str) -> None:
    pass


# --------------------------------------------------------------------------- seams


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def default_query_runner(root: Path | str | None = None) -> QueryRunner | None:
    """Runs every saved query (of ``root``/queries when given) with its defaults, or None when
    there is no query stage."""
    if not _module_exists("accsm_kg.query"):
        return None

    def run(kg: KnowledgeGraph) -> Sequence[Any]:
        from accsm_kg.engine import make_engine
        from accsm_kg.query import run_all

        return run_all(make_engine(kg), root=root)

    return run


def default_site_writer() -> SiteWriter | None:
    """``accsm_kg.site.write_site``, or None when there is no site stage."""
    if not _module_exists("accsm_kg.site"):
        return None
    from accsm_kg.site import write_site

    return write_site


def query_files(run: Any) -> dict[str, str]:
    """A saved query's answer as files under ``queries/``: CSV and SPARQL JSON results for
    a table, Turtle for a graph."""
    from accsm_kg.results import render, to_csv, to_json

    name = run.query.name
    if run.result.kind == "graph":
        return {f"queries/{name}.ttl": render(run.result, "ttl")}
    return {f"queries/{name}.csv": to_csv(run.result), f"queries/{name}.json": to_json(run.result)}


def site_query_pages(runs: Sequence[Any]) -> list[Any]:
    """The saved-query runs in the form the site shows them."""
    from accsm_kg.results import plain
    from accsm_kg.site import QueryPage

    pages = []
    for run in runs:
        result = run.result
        if result.kind == "ask":
            columns, rows = ["boolean"], [{"boolean": "true" if result.boolean else "false"}]
        elif result.kind == "graph":
            columns, rows = [], []
        else:
            columns = list(result.variables)
            rows = [{v: plain(row.get(v)) for v in columns} for row in result.rows]
        parameters = [(p.name, p.describe()) for p in run.query.params]
        pages.append(
            QueryPage(
                name=run.query.name,
                title=run.query.title,
                description=run.query.description,
                parameters=parameters,
                query=run.query.text,
                columns=columns,
                rows=rows,
            )
        )
    return pages


def site_downloads() -> list[Any]:
    from accsm_kg.site import Download

    return [Download(name, what) for name, (_, what) in DESCRIPTIONS.items()] + [
        Download("dcat.ttl", "DCAT: the dataset and its distributions")
    ]


# --------------------------------------------------------------------------- result


@dataclass
class BuildResult:
    kg: KnowledgeGraph
    report: Report
    stats: Stats
    out: Path | None = None
    files: list[str] = field(default_factory=list)  # relative to ``out``, sorted
    counts: Counts | None = None
    queries_run: int | None = None  # None: no saved-query stage
    site_written: bool = False
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.report.conforms


# --------------------------------------------------------------------------- writing


def _write(folder: Path, name: str, data: str | bytes) -> None:
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _check_out(out: Path) -> None:
    parent = out.parent
    if not parent.is_dir():
        raise BuildError(f"{out}: the folder {parent} does not exist")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BuildError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise BuildError(
            f"{out}: refusing to replace a folder that `accsm-kg build` did not write "
            f"(no {MARKER} in it); choose another --out or empty it"
        )


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False when unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # the file system or kernel cannot exchange: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out`` and delete the previous folder.

    On Linux the two folders are exchanged in one atomic step, so even a process killed at
    any instant leaves either the old or the new release at ``out``. Elsewhere two renames
    are used; the previous folder is put back if the second fails.
    """
    if out.exists() and _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the previous release
        return
    holder: Path | None = None
    if out.exists():
        holder = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, holder / out.name)
    try:
        os.rename(new, out)
    except BaseException:
        if holder is not None:
            os.rename(holder / out.name, out)
            shutil.rmtree(holder, ignore_errors=True)
        raise
    if holder is not None:
        shutil.rmtree(holder, ignore_errors=True)


@dataclass
class _Written:
    """What writing the release found out, for the summary."""

    counts: Counts | None = None
    queries_run: int | None = None
    site_written: bool = False
    notes: list[str] = field(default_factory=list)


def _write_release(
    kg: KnowledgeGraph,
    folder: Path,
    *,
    base_url: str,
    issued: str | None,
    query_runner: QueryRunner | None,
    site_writer: SiteWriter | None,
    progress: Progress,
) -> _Written:
    result = _Written()
    runs: Sequence[Any] = ()
    if query_runner is None:
        result.notes.append("saved queries: no query stage installed, skipped")
    else:
        progress("running the saved queries …")
        runs = query_runner(kg)
        for run in runs:
            for name, text in query_files(run).items():
                _write(folder, name, text)
        result.queries_run = len(runs)

    progress("writing the exports …")
    sizes: dict[str, int] = {}
    for export in release_files(kg):
        data = export.text.encode("utf-8")
        _write(folder, export.name, data)
        sizes[export.name] = len(data)

    progress("describing the dataset (VoID, DCAT) …")
    when = issued_date(issued)
    counts = count(union_triples(kg))
    result.counts = counts
    void_text = to_turtle(set(void_graph(counts, DUMPS, base_url=base_url, issued=when)))
    _write(folder, "void.ttl", void_text)
    sizes["void.ttl"] = len(void_text.encode("utf-8"))
    distributions = [
        Distribution(name, media, what, sizes[name], name in DUMPS)
        for name, (media, what) in DESCRIPTIONS.items()
    ]
    dcat = dcat_graph(counts, distributions, base_url=base_url, issued=when)
    _write(folder, "dcat.ttl", to_turtle(set(dcat)))

    if site_writer is None:
        result.notes.append("site: no site stage installed, skipped")
    else:
        progress("writing the site …")
        pages = site_query_pages(runs)
        site_writer(kg, folder / "site", pages, downloads=site_downloads())
        result.site_written = True

    progress("drawing the partnership network …")
    from accsm_kg.viz import write_viz

    write_viz(kg, folder / "viz")
    _write(folder, MARKER, MARKER_TEXT)
    return result


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


_DEFAULT: Any = object()


def build(
    extra_files: Iterable[Path | str] = (),
    *,
    root: Path | str | None = None,
    out: Path | str | None = None,
    base_url: str = DEFAULT_BASE_URL,
    issued: str | None = None,
    query_runner: QueryRunner | None = _DEFAULT,
    site_writer: SiteWriter | None = _DEFAULT,
    progress: Progress = _quiet,
    parallel: bool | None = None,
) -> BuildResult:
    """Load the knowledge graph (plus ``extra_files``), validate it, and when it conforms
    and ``out`` is given, write the release into ``out``.

    ``query_runner`` and ``site_writer`` default to the installed stages (see the module
    docstring); pass None to skip one. ``parallel`` validates in a forked child while the
    release is written (default: when this process may use more than one CPU). Raises
    BuildError when ``out`` cannot be written; the previous ``out`` is then unchanged.
    """
    started = time.monotonic()
    if out is not None:
        out = Path(out)
        _check_out(out)
    progress("loading the ontology, data and shapes …")
    kg = load_knowledge_graph(extra_files, root=root)
    if out is None:
        progress("validating …")
        return _finished(BuildResult(kg, validate(kg), compute_stats(kg)), started)

    if parallel is None:
        parallel = background.usable_cpus() > 1
    if query_runner is _DEFAULT:
        query_runner = default_query_runner(root)
    if site_writer is _DEFAULT:
        site_writer = default_site_writer()
    if not base_url.endswith("/"):
        base_url += "/"
    # The release is written into a staging folder while pySHACL validates on the other CPU;
    # the staging folder replaces ``out`` only once the graph is known to conform.
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    progress("validating …" + (" (in the background)" if parallel else ""))
    validation = background.start(lambda: validate(kg), background=parallel)
    try:
        failure: Exception | None = None
        try:
            os.chmod(staging, 0o755)  # mkdtemp makes it private; a release is meant to be served
            written = _write_release(
                kg,
                staging,
                base_url=base_url,
                issued=issued,
                query_runner=query_runner,
                site_writer=site_writer,
                progress=progress,
            )
        except Exception as exc:
            failure = exc
        result = BuildResult(kg=kg, report=validation.result(), stats=compute_stats(kg), out=out)
        if not result.ok:  # also when a stage failed: the report explains bad data better
            return _finished(result, started)
        if failure is not None:
            raise failure
        result.counts, result.queries_run = written.counts, written.queries_run
        result.site_written, result.notes = written.site_written, written.notes
        result.files = _listing(staging)
        progress(f"replacing {out} …")
        _swap(staging, out)
    finally:  # after a swap the staging path is gone (or holds the previous release)
        validation.cancel()
        shutil.rmtree(staging, ignore_errors=True)
    return _finished(result, started)


def _finished(result: BuildResult, started: float) -> BuildResult:
    result.seconds = time.monotonic() - started
    return result


# --------------------------------------------------------------------------- summary


def _size(n: int) -> str:
    return f"{n / 1000:.1f} kB" if n < 1_000_000 else f"{n / 1_000_000:.1f} MB"


def format_files(result: BuildResult) -> list[str]:
    """Top-level files with their sizes; folders (queries/, site/) as file counts."""
    assert result.out is not None
    lines, folders = [], {}
    for name in result.files:
        top, _, rest = name.partition("/")
        if rest:
            folders[top] = folders.get(top, 0) + 1
        elif name != MARKER:
            size = (result.out / name).stat().st_size
            lines.append(f"  {name:<22} {_size(size):>10}")
    for top, n in sorted(folders.items()):
        lines.append(f"  {top + '/':<22} {n:>5} files")
    return lines


def format_summary(result: BuildResult) -> str:
    """A short summary; the full validation report precedes it when the graph fails."""
    stats, report = result.stats, result.report
    lines = []
    if not report.conforms:
        lines += [format_text(report).rstrip("\n"), ""]
    lines += [
        f"loaded:      {len(result.kg.files)} files, {stats.triples_data} data triples in "
        f"{stats.named_graphs} named graphs, {stats.triples_ontology} ontology triples, "
        f"{len(result.kg.shapes)} shape triples",
        f"provenance:  {stats.provenance_coverage_percent:.1f} % of data triples attributed",
        f"validation:  {'conforms' if report.conforms else 'does not conform'} "
        f"({len(report.violations)} violations, {len(report.warnings)} warnings)",
    ]
    if result.counts is not None:
        lines.append(
            f"published:   {result.counts.triples} triples, {result.counts.entities} entities "
            f"in {len(result.counts.classes)} classes"
        )
    if result.queries_run is not None:
        lines.append(f"queries:     {result.queries_run} saved queries run")
    lines += [f"note:        {note}" for note in result.notes]
    if result.out is not None and result.files:
        lines.append(f"written:     {result.out}/ ({len(result.files)} files)")
        lines += format_files(result)
    lines.append(f"build:       {'ok' if result.ok else 'FAILED'} in {result.seconds:.1f} s")
    return "\n".join(lines) + "\n"


__all__ = ["BuildError", "BuildResult", "build", "format_summary"]
