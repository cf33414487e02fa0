"""Build every file of the site in memory, then write the folder in one swap."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rdflib import Literal
from rdflib.namespace import OWL

from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import ONTOLOGY_IRI
from accsm_kg.site.context import SiteContext, templates_dir
from accsm_kg.site.index import (
    DEFAULT_DOWNLOADS,
    build_index_page,
    search_entries,
    search_files,
)
from accsm_kg.site.model import Download, QueryPage
from accsm_kg.site.ontology import build_ontology_page
from accsm_kg.site.paths import INDEX_PAGE, QUERIES, SEARCH_JS, SEARCH_JSON, STATIC, beside
from accsm_kg.site.queries import build_query_view
from accsm_kg.site.rdf import jsonld_bytes, resource_graph, turtle_bytes
from accsm_kg.site.render import Renderer
from accsm_kg.site.resource import ResourcePages

DATASET_DESCRIPTION = (
    "A knowledge graph of ASEAN cooperation on civil-service matters (ACCSM): member states "
    "and partners, work plans and their priority areas, ASEAN Resource Centres, declarations, "
    "meetings and people, with the source passage behind every fact."
)


def build_site_files(
    kg: KnowledgeGraph,
    query_results: Sequence[QueryPage] = (),
    *,
    downloads: Sequence[Download] | None = None,
) -> dict[str, bytes]:
    """Every file of the site, keyed by its path relative to the site root."""
    ctx = SiteContext(kg)
    renderer = Renderer()
    files: dict[str, bytes] = {}

    static = templates_dir() / STATIC
    for source in sorted(static.rglob("*")):
        if source.is_file():
            files[f"{STATIC}/{source.relative_to(static).as_posix()}"] = source.read_bytes()

    builder = ResourcePages(ctx)
    for node, path in ctx.pages.items():
        page = builder.build(node)
        files[path] = renderer.render("resource.html", path, page=page)
        graph = resource_graph(ctx.data, node)
        files[beside(path, "index.ttl")] = turtle_bytes(graph)
        files[beside(path, "index.jsonld")] = jsonld_bytes(graph)

    ontology = build_ontology_page(ctx)
    files[ontology.path] = renderer.render("ontology.html", ontology.path, page=ontology)

    queries = sorted(query_results, key=lambda q: q.name)
    views = [build_query_view(ctx, q) for q in queries]
    if len({v.path for v in views}) != len(views):
        raise ValueError("two saved queries map to the same page name")
    for view in views:
        files[view.path] = renderer.render("query.html", view.path, page=view)
        files[view.source_file] = view.query.encode("utf-8")
    queries_index = f"{QUERIES}/index.html"
    files[queries_index] = renderer.render("queries.html", queries_index, queries=views)

    version = next(
        (
            str(v)
            for v in sorted(ctx.ontology.objects(ONTOLOGY_IRI, OWL.versionInfo))
            if isinstance(v, Literal)
        ),
        "",
    )
    index = build_index_page(
        ctx,
        queries,
        {v.name: v.path for v in views},
        list(DEFAULT_DOWNLOADS if downloads is None else downloads),
        DATASET_DESCRIPTION,
        version,
    )
    files[INDEX_PAGE] = renderer.render("index.html", INDEX_PAGE, page=index)
    as_json, as_script = search_files(search_entries(ctx))
    files[SEARCH_JSON] = as_json.encode("utf-8")
    files[SEARCH_JS] = as_script.encode("utf-8")
    return dict(sorted(files.items()))


def write_folder(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` into a new folder beside ``out_dir``, then swap it into place, so a
    failure leaves the previous folder as it was."""
    out_dir = Path(out_dir)
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=parent))
    old: Path | None = None
    try:
        os.chmod(temp, 0o755)  # mkdtemp makes it private; a site is meant to be served
        for relative, data in files.items():
            target = temp / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out_dir.exists() or out_dir.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=parent))
            os.rename(out_dir, old / out_dir.name)
        os.rename(temp, out_dir)
    except BaseException:
        if old is not None and not out_dir.exists():
            os.rename(old / out_dir.name, out_dir)  # put the previous site back
        shutil.rmtree(temp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return sorted(out_dir / relative for relative in files)


def write_site(
    kg: KnowledgeGraph,
    out_dir: Path,
    query_results: Sequence[QueryPage] = (),
    *,
    downloads: Sequence[Download] | None = None,
) -> list[Path]:
    """Write the static site for ``kg`` into ``out_dir`` (replaced as a whole) and return
    the files written, sorted. ``downloads`` lists the files the index links as ``../name``
    (default: the exports the build writes next to the site)."""
    return write_folder(Path(out_dir), build_site_files(kg, query_results, downloads=downloads))
