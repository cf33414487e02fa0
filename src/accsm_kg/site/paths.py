"""Where things live in the site: one folder per resource IRI, relative links only.

``https://w3id.org/accsm-kg/id/arc/kh`` is written to ``id/arc/kh/index.html`` (served as
``…/id/arc/kh/``), with its Turtle and JSON-LD beside it. Links name ``index.html``
explicitly so that the site also works when opened from ``file://``.
"""

from __future__ import annotations

import re

from rdflib.term import Node, URIRef

from accsm_kg.namespaces import ACCSM, BASE, ONTOLOGY_IRI

ONTOLOGY_PAGE = "ontology/index.html"
INDEX_PAGE = "index.html"
STATIC = "static"
QUERIES = "queries"
SEARCH_JSON = "search-index.json"
SEARCH_JS = "search-index.js"
#: Top-level names the site uses itself; no resource page may take them.
RESERVED = frozenset({"ontology", "shapes", STATIC, QUERIES, INDEX_PAGE, SEARCH_JSON, SEARCH_JS})

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")
_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def resource_path(node: Node) -> str | None:
    """The page of ``node`` relative to the site root, or None when it gets no page (not
    under the dataset's base, an ontology term, or a path that is not plain)."""
    if not isinstance(node, URIRef):
        return None
    text = str(node)
    if not text.startswith(BASE):
        return None
    segments = text[len(BASE) :].split("/")
    if len(segments) < 2 or segments[0] in RESERVED:
        return None
    if not all(_SEGMENT.fullmatch(s) and s not in {".", ".."} for s in segments):
        return None
    return "/".join(segments) + "/index.html"


def term_anchor(term: Node) -> str:
    """The fragment of an ontology term on the ontology page: the local name for the
    project's own terms, ``prefix-local`` for reused ones (see :func:`reused_anchor`)."""
    text = str(term)
    if text.startswith(str(ACCSM)):
        return _ANCHOR_UNSAFE.sub("_", text[len(str(ACCSM)) :])
    return ""


def reused_anchor(curie_text: str) -> str:
    return _ANCHOR_UNSAFE.sub("_", curie_text.replace(":", "-"))


def is_ontology(node: Node) -> bool:
    return node == ONTOLOGY_IRI


def back_to_root(path: str) -> str:
    """The relative way from the page at ``path`` back to the site root (``../../``)."""
    return "../" * path.count("/")


def beside(path: str, name: str) -> str:
    """A file in the same folder as the page at ``path``."""
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    return f"{folder}/{name}" if folder else name
