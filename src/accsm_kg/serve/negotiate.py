"""Content negotiation: pick the media type a client prefers from what a response can be.

``Accept`` is read as RFC 9110 says: media ranges with optional ``q`` weights; the most
specific range that matches an offer gives its weight (``text/turtle;q=0.2`` beats ``*/*``);
``q=0`` refuses an offer; equal weights go to the server's order. Malformed parts are
skipped, never an error: a client with a strange header still gets the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: SPARQL results (SELECT/ASK): media type → accsm_kg.results format, best first.
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
#: RDF graphs (CONSTRUCT/DESCRIBE, resources, the service description), best first.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/x-turtle": "ttl",
    "text/plain": "nt",
    "application/json": "jsonld",
}
#: The media type each format is sent as.
CONTENT_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "html": "text/html; charset=utf-8",
}
_MAX_RANGES = 64  # more ranges than any real client sends; the rest are ignored


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 2 exact, 1 type/*, 0 */*,
        -1 no match."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0 if self.subtype == "*" else -1
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; an empty or missing header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(",")[:_MAX_RANGES]:
        fields = [f.strip() for f in part.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = -1.0
                break
        if not 0.0 <= q <= 1.0:  # also NaN
            continue
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def weight(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The q the client gives ``media_type``: that of the most specific matching range."""
    best_specificity, best_q = -1, 0.0
    for r in ranges:
        specificity = r.matches(media_type)
        if specificity > best_specificity or (specificity == best_specificity and r.q > best_q):
            best_specificity, best_q = specificity, r.q
    return best_q if best_specificity >= 0 else 0.0


def choose(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers most (ties: the first offered), None if it takes none."""
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        q = weight(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def result_format(accept: str | None, kind: str) -> str | None:
    """The results format (json, xml, csv, tsv, ttl, nt, jsonld) for a query result of
    ``kind`` (select, ask or graph), None when the client accepts none of them."""
    table = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    chosen = choose(accept, list(table))
    return table[chosen] if chosen else None


def offered(kind: str) -> str:
    """The media types a result of ``kind`` can be sent as, for a 406 message."""
    return ", ".join(GRAPH_TYPES if kind == "graph" else RESULT_TYPES)
