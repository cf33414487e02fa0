"""VoID and DCAT descriptions of a release: what the dataset is and where its files are.

The hand-written part (title, description, licence statement, vocabularies) is the asset
``dataset/description.ttl``; this module adds what a build computes: the version, the issue
date, the counts, and one ``dcat:Distribution`` per file with its download URL, media type and
size. Download URLs are ``base_url`` + the file's name: ``base_url`` is where the ``dist/``
folder is published.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from accsm_kg import __version__
from accsm_kg.export import Triple
from accsm_kg.namespaces import BASE
from accsm_kg.resources import asset_dir

DATASET = URIRef(BASE + "dataset")
DEFAULT_BASE_URL = BASE
DESCRIPTION_FILE = "description.ttl"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
#: DCAT 3's dcat:version (rdflib's closed DCAT namespace predates it).
DCAT_VERSION = URIRef(str(DCAT) + "version")


@dataclass(frozen=True)
class Distribution:
    """A file of the release: its name in dist/, media type, what it holds, size in bytes."""

    name: str
    media_type: str
    description: str
    byte_size: int
    rdf_dump: bool = False


def issued_date(value: str | None = None) -> dt.date:
    """The release date: ``value`` (YYYY-MM-DD), else SOURCE_DATE_EPOCH (reproducible
    builds), else today (UTC)."""
    if value:
        return dt.date.fromisoformat(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def description_graph() -> Graph:
    """The hand-written description (asset ``dataset/description.ttl``)."""
    return Graph().parse(asset_dir("dataset") / DESCRIPTION_FILE, format="turtle")


def _common(graph: Graph, issued: dt.date) -> None:
    graph += description_graph()
    graph.add((DATASET, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)))
    graph.add((DATASET, OWL.versionInfo, Literal(__version__)))


@dataclass(frozen=True)
class Counts:
    triples: int
    entities: int
    subjects: int
    objects: int
    properties: int
    classes: dict[URIRef, int]


def count(triples: Iterable[Triple]) -> Counts:
    """VoID's figures for a set of triples; entities are typed resources with an IRI."""
    triples = set(triples)
    typed: dict[URIRef, set] = {}
    for s, p, o in triples:
        if p == RDF.type and isinstance(o, URIRef):
            typed.setdefault(o, set()).add(s)
    entities = {s for s, p, _ in triples if p == RDF.type and isinstance(s, URIRef)}
    return Counts(
        triples=len(triples),
        entities=len(entities),
        subjects=len({s for s, _, _ in triples}),
        objects=len({o for _, _, o in triples}),
        properties=len({p for _, p, _ in triples}),
        classes={cls: len(members) for cls, members in typed.items()},
    )


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def void_graph(counts: Counts, dumps: Iterable[str], *, base_url: str, issued: dt.date) -> Graph:
    """The VoID description: counts, class partitions, data dumps."""
    graph = Graph()
    _common(graph, issued)
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add((DATASET, VOID.triples, _integer(counts.triples)))
    graph.add((DATASET, VOID.entities, _integer(counts.entities)))
    graph.add((DATASET, VOID.distinctSubjects, _integer(counts.subjects)))
    graph.add((DATASET, VOID.distinctObjects, _integer(counts.objects)))
    graph.add((DATASET, VOID.properties, _integer(counts.properties)))
    graph.add((DATASET, VOID.classes, _integer(len(counts.classes))))
    for name in dumps:
        graph.add((DATASET, VOID.dataDump, URIRef(base_url + name)))
    for index, cls in enumerate(sorted(counts.classes, key=str)):
        partition = URIRef(f"{DATASET}/class-partition/{index + 1}")
        graph.add((DATASET, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], cls))
        graph.add((partition, VOID.entities, _integer(counts.classes[cls])))
    return graph


def dcat_graph(
    counts: Counts, distributions: Iterable[Distribution], *, base_url: str, issued: dt.date
) -> Graph:
    """The DCAT description: the dataset and one distribution per downloadable file."""
    graph = Graph()
    _common(graph, issued)
    licence = graph.value(DATASET, DCTERMS.license)
    graph.add((DATASET, RDF.type, DCAT.Dataset))
    graph.add((DATASET, DCAT_VERSION, Literal(__version__)))
    graph.add((DATASET, VOID.triples, _integer(counts.triples)))
    graph.add((DATASET, DCAT.landingPage, URIRef(base_url + "site/index.html")))
    for dist in distributions:
        node = URIRef(f"{DATASET}/distribution/{dist.name}")
        url = URIRef(base_url + dist.name)
        graph.add((DATASET, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        graph.add((node, DCTERMS.title, Literal(dist.name)))
        graph.add((node, DCTERMS.description, Literal(dist.description, lang="en")))
        graph.add((node, DCAT.downloadURL, url))
        graph.add((node, DCAT.accessURL, url))
        graph.add((node, DCAT.mediaType, URIRef(MEDIA_TYPES + dist.media_type)))
        graph.add(
            (node, DCAT.byteSize, Literal(str(dist.byte_size), datatype=XSD.nonNegativeInteger))
        )
        graph.add((node, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)))
        if licence is not None:
            graph.add((node, DCTERMS.license, licence))
    return graph
