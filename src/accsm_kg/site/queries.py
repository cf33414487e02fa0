"""The page model of a saved query: its text, parameters and results, cells linked to
the resources they name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from accsm_kg.site.context import SiteContext
from accsm_kg.site.model import Link, QueryPage
from accsm_kg.site.paths import QUERIES
from accsm_kg.site.scripts import guess_language

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")
_WEB = ("http://", "https://")


@dataclass(frozen=True)
class Cell:
    text: str
    lang: str | None = None
    link: Link | None = None


@dataclass
class QueryView:
    name: str
    title: str
    description: str
    parameters: list[tuple[str, str]]
    query: str
    columns: list[str]
    rows: list[list[Cell]]
    path: str
    source_file: str  # the .rq file written beside the page


def query_slug(name: str) -> str:
    slug = _UNSAFE.sub("-", name).strip(".-") or "query"
    return slug


def query_path(name: str) -> str:
    return f"{QUERIES}/{query_slug(name)}.html"


def _cell(ctx: SiteContext, text: str) -> Cell:
    """A result cell: an IRI becomes a link (by label when the site knows it), any other
    text stays text, with a language guessed from its script."""
    if _IRI.match(text):
        node = URIRef(text)
        if node in ctx.pages or node in ctx.term_hrefs or text.startswith(_WEB):
            return Cell(text=text, link=ctx.link(node))
    return Cell(text=text, lang=guess_language(text))


def build_query_view(ctx: SiteContext, page: QueryPage) -> QueryView:
    path = query_path(page.name)
    return QueryView(
        name=page.name,
        title=page.title or page.name,
        description=page.description,
        parameters=[(str(n), str(d)) for n, d in page.parameters],
        query=page.query,
        columns=[str(c) for c in page.columns],
        rows=[[_cell(ctx, str(row.get(c, "") or "")) for c in page.columns] for row in page.rows],
        path=path,
        source_file=path[: -len(".html")] + ".rq",
    )
