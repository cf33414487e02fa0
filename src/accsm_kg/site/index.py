"""The index page (dataset, counts, classes with their instances, downloads, queries) and
the search index of labels in every language."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from accsm_kg.labels import primary_language
from accsm_kg.namespaces import ACCSM
from accsm_kg.site.context import NAME_PROPERTIES, SiteContext
from accsm_kg.site.model import LANGUAGES, Download, Link, QueryPage

#: What the build writes next to the site folder, linked from the index as ``../name``.
DEFAULT_DOWNLOADS: tuple[Download, ...] = (
    Download("accsm.ttl", "Turtle: every statement (the union of all graphs)"),
    Download("accsm.nt", "N-Triples: every statement, one per line"),
    Download("accsm.trig", "TriG: the dataset with its provenance graphs"),
    Download("accsm.nq", "N-Quads: the dataset with its provenance graphs, one per line"),
    Download("accsm.jsonld", "JSON-LD: every statement, compact, with context.jsonld"),
    Download("accsm-dataset.jsonld", "JSON-LD: the dataset with its provenance graphs"),
    Download("context.jsonld", "the JSON-LD context: short names for every term"),
    Download("ontology.ttl", "the ontology in Turtle"),
    Download("ontology.jsonld", "the ontology in JSON-LD"),
)
SEARCH_PROPERTIES = (*NAME_PROPERTIES, SKOS.altLabel)


@dataclass(frozen=True)
class ClassGroup:
    link: Link
    anchor: str
    instances: tuple[Link, ...]


@dataclass(frozen=True)
class QueryLink:
    href: str
    title: str
    description: str


@dataclass
class IndexPage:
    title: str
    description: str
    version: str
    counts: list[tuple[str, int]]
    classes: list[ClassGroup]
    downloads: list[Download]
    queries: list[QueryLink]
    path: str = "index.html"


def _anchor(link: Link) -> str:
    return "class-" + (link.curie or link.iri).replace(":", "-").replace("/", "_")


def build_index_page(
    ctx: SiteContext,
    queries: list[QueryPage],
    query_hrefs: dict[str, str],
    downloads: list[Download],
    description: str,
    version: str,
) -> IndexPage:
    data = ctx.data
    by_class: dict[URIRef, list[Link]] = {}
    for subject, cls in data.subject_objects(RDF.type):
        if subject in ctx.pages and isinstance(cls, URIRef):
            by_class.setdefault(cls, []).append(ctx.link(subject))
    groups = []
    for cls, members in by_class.items():
        link = ctx.link(cls)
        members.sort(key=lambda m: (m.labels.default.casefold(), m.iri))
        groups.append(ClassGroup(link, _anchor(link), tuple(members)))
    groups.sort(key=lambda g: (g.link.labels.default.casefold(), g.link.iri))

    def labelled(lang: str) -> int:
        return sum(
            1
            for node in ctx.pages
            if any(
                isinstance(v, Literal) and primary_language(v) == lang
                for v in data.objects(node, SKOS.prefLabel)
            )
        )

    distinct = len(data)
    counts = [
        ("statements (distinct triples of the data)", distinct),
        ("named graphs", len(ctx.graph_ids)),
        ("source passages", sum(1 for _ in data.subjects(RDF.type, ACCSM.SourcePassage))),
        ("source documents", sum(1 for _ in data.subjects(RDF.type, ACCSM.SourceDocument))),
        ("resources with a page", len(ctx.pages)),
        ("classes in use", len(groups)),
        ("recorded conflicts", sum(1 for _ in data.subjects(RDF.type, ACCSM.Conflict))),
    ]
    counts += [
        (f"resources with a {name} label", labelled(lang))
        for lang, name in (("en", "English"), ("vi", "Vietnamese"), ("km", "Khmer"), ("th", "Thai"))
    ]
    return IndexPage(
        title="accsm-kg",
        description=description,
        version=version,
        counts=counts,
        classes=groups,
        downloads=list(downloads),
        queries=[QueryLink(query_hrefs[q.name], q.title, q.description) for q in queries],
    )


def search_entries(ctx: SiteContext) -> list[dict]:
    """One entry per page: its path, its name per language (for display) and every name
    and alternative name (for matching)."""
    entries = []
    for node, path in ctx.pages.items():
        labels = ctx.labels(node)
        names = {"en": labels.default, **dict(labels.variants)}
        terms = sorted(
            {
                str(v)
                for prop in SEARCH_PROPERTIES
                for v in ctx.data.objects(node, prop)
                if isinstance(v, Literal)
            }
        )
        types = sorted(ctx.labels(t).default for t in ctx.data.objects(node, RDF.type))
        entries.append(
            {
                "p": path,
                "n": {lang: names[lang] for lang in LANGUAGES if lang in names},
                "dl": labels.default_lang or "",
                "s": terms,
                "t": ", ".join(types),
            }
        )
    return entries


def search_files(entries: list[dict]) -> tuple[str, str]:
    """The search index as JSON (for anyone) and as a script (works from file://, where a
    page may not fetch a file)."""
    text = json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    script_safe = (
        text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )
    return text + "\n", f"window.accsmSearchIndex = {script_safe};\n"
