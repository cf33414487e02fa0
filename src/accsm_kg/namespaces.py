"""The prefixes of the vocabulary contract, as rdflib namespaces."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VOID,
    XSD,
)

BASE = "https://w3id.org/accsm-kg/"

ACCSM = Namespace(BASE + "ontology/")
CTY = Namespace(BASE + "id/country/")
ORGN = Namespace(BASE + "id/organization/")
ARC = Namespace(BASE + "id/arc/")
PLAN = Namespace(BASE + "id/work-plan/")
PRIO = Namespace(BASE + "id/priority/")
SCHEME = Namespace(BASE + "id/scheme/")
CONCEPT = Namespace(BASE + "id/concept/")
EVT = Namespace(BASE + "id/event/")
DOC = Namespace(BASE + "id/document/")
PERSON = Namespace(BASE + "id/person/")
POST = Namespace(BASE + "id/post/")
MBR = Namespace(BASE + "id/membership/")
PLACE = Namespace(BASE + "id/place/")
SRC = Namespace(BASE + "id/source/")
CONFLICT = Namespace(BASE + "id/conflict/")
AGENT = Namespace(BASE + "id/agent/")
NAME = Namespace(BASE + "id/name/")
ASH = Namespace(BASE + "shapes/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
G = Namespace(BASE + "graph/")

SCHEMA = SDO
DCT = DCTERMS
WD = Namespace("http://www.wikidata.org/entity/")

#: The ontology's IRI (no trailing slash, unlike the ACCSM term namespace).
ONTOLOGY_IRI = URIRef(BASE + "ontology")
#: Named graph holding the ontology in a loaded dataset.
ONTOLOGY_GRAPH = G["ontology"]
#: Named graph describing every other named graph (the provenance model).
META_GRAPH = G["meta"]

PREFIXES: dict[str, str] = {
    "accsm": str(ACCSM),
    "cty": str(CTY),
    "orgn": str(ORGN),
    "arc": str(ARC),
    "plan": str(PLAN),
    "prio": str(PRIO),
    "scheme": str(SCHEME),
    "concept": str(CONCEPT),
    "evt": str(EVT),
    "doc": str(DOC),
    "person": str(PERSON),
    "post": str(POST),
    "mbr": str(MBR),
    "place": str(PLACE),
    "src": str(SRC),
    "conflict": str(CONFLICT),
    "agent": str(AGENT),
    "name": str(NAME),
    "ash": str(ASH),
    "sd": str(SD),
    "g": str(G),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "dct": str(DCTERMS),
    "time": str(TIME),
    "foaf": str(FOAF),
    "schema": str(SDO),
    "sh": str(SH),
    "void": str(VOID),
    "dcat": str(DCAT),
    "wd": str(WD),
}

# Longest namespace first, so that e.g. "…/id/country/" wins over a shorter prefix.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)


def bind_prefixes(graph: Graph) -> Graph:
    """Bind every contract prefix on ``graph`` (a Graph or Dataset), replacing others."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def curie(term: object) -> str:
    """A short display name (``cty:vn``) for an IRI in a known namespace, else the IRI.

    Meant for people (reports, tables), not for writing Turtle: the local part is not
    escaped.
    """
    text = str(term)
    if isinstance(term, URIRef):
        for prefix, namespace in _BY_LENGTH:
            local = text[len(namespace) :]
            if text.startswith(namespace) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return text
