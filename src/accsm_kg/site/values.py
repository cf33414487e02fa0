"""Turn RDF terms into values a page shows: links by label, literals with language and
datatype, and the details of unlabelled linked resources (memberships, intervals …)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from accsm_kg.labels import primary_language
from accsm_kg.namespaces import curie
from accsm_kg.site.context import SiteContext
from accsm_kg.site.model import LANGUAGES, PropertyRow, Value

DATE_PRECISION = {XSD.date: "day", XSD.gYearMonth: "month", XSD.gYear: "year", XSD.dateTime: "time"}
_PLAIN_TYPES = {None, XSD.string, RDF.langString}
#: Shown in the labels section of a page rather than among its properties.
LABEL_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, RDFS.label)


def literal_value(literal: Literal, notes: tuple[int, ...] = ()) -> Value:
    datatype = literal.datatype
    return Value(
        text=str(literal),
        lang=primary_language(literal),
        datatype=None if datatype in _PLAIN_TYPES else curie(datatype),
        date_precision=DATE_PRECISION.get(datatype) if datatype else None,
        notes=notes,
    )


def _lang_rank(value: Value) -> tuple[int, str]:
    lang = value.lang or ""
    return (LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES), lang)


def sort_key(value: Value) -> tuple:
    if value.link is not None:
        return (0, value.link.labels.default.casefold(), value.link.iri)
    return (1, _lang_rank(value), value.text)


def make_value(
    ctx: SiteContext,
    node: Node,
    notes: tuple[int, ...] = (),
    *,
    inline: bool = True,
    exclude: Node | None = None,
) -> Value:
    """A value for ``node``; an unlabelled resource with a page is shown with its own
    statements (except those pointing back to ``exclude``) when ``inline`` is set."""
    if isinstance(node, Literal):
        return literal_value(node, notes)
    details: tuple[PropertyRow, ...] = ()
    if inline and isinstance(node, URIRef) and node in ctx.pages and not ctx.has_name(node):
        details = tuple(property_rows(ctx, node, exclude=exclude, inline=False, skip_type=False))
    return Value(link=ctx.link(node), notes=notes, inline=details)


def property_key(ctx: SiteContext, prop: Node) -> tuple[int, str, str]:
    """Types first, then by label."""
    return (0 if prop == RDF.type else 1, ctx.labels(prop).default.casefold(), str(prop))


def property_rows(
    ctx: SiteContext,
    node: Node,
    *,
    notes: dict[tuple[Node, Node], tuple[int, ...]] | None = None,
    exclude: Node | None = None,
    inline: bool = True,
    skip_type: bool = True,
    skip: Iterable[Node] = (),
) -> list[PropertyRow]:
    """The statements about ``node`` grouped by property, sorted by property label."""
    skipped = set(skip) | ({RDF.type} if skip_type else set())
    grouped: dict[Node, list[Value]] = {}
    for prop, obj in ctx.data.predicate_objects(node):
        if prop in skipped or (exclude is not None and obj == exclude):
            continue
        note = notes.get((prop, obj), ()) if notes else ()
        grouped.setdefault(prop, []).append(make_value(ctx, obj, note, inline=inline, exclude=node))
    return [
        PropertyRow(prop=ctx.link(prop), values=tuple(sorted(values, key=sort_key)))
        for prop, values in sorted(grouped.items(), key=lambda item: property_key(ctx, item[0]))
    ]
