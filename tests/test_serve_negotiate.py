"""Accept negotiation: q-values, specificity, wildcards, refusals, malformed headers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accsm_kg.serve.negotiate import GRAPH_TYPES, RESULT_TYPES, choose, parse_accept, result_format

SELECT_CASES = [
    (None, "json"),
    ("", "json"),
    ("*/*", "json"),
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("text/csv;q=0.5, application/sparql-results+xml", "xml"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.4", "csv"),
    ("text/*", "csv"),
    ("text/*;q=0.9, application/sparql-results+json;q=0.1", "csv"),
    ("application/sparql-results+json;q=0, */*;q=0.1", "xml"),
    ("*/*;q=0.1, text/tab-separated-values", "tsv"),
    ("TEXT/CSV", "csv"),
    ("text/csv; charset=utf-8; q=0.8, application/sparql-results+json; q=0.7", "csv"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
    ("text/turtle", None),
    ("text/csv;q=0", None),
    ("image/png", None),
]
GRAPH_CASES = [
    (None, "ttl"),
    ("*/*", "ttl"),
    ("text/turtle", "ttl"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
    ("*/*;q=0.1, application/ld+json;q=0.5", "jsonld"),
    ("text/turtle;q=0.2, application/n-triples;q=0.3", "nt"),
    ("text/csv", None),
    ("application/sparql-results+json", None),
]


@pytest.mark.parametrize(("accept", "expected"), SELECT_CASES)
def test_select_results(accept: str | None, expected: str | None) -> None:
    assert result_format(accept, "select") == expected


@pytest.mark.parametrize(("accept", "expected"), GRAPH_CASES)
def test_graph_results(accept: str | None, expected: str | None) -> None:
    assert result_format(accept, "graph") == expected


def test_the_most_specific_range_gives_the_weight() -> None:
    # text/csv is refused explicitly, although text/* would take it
    assert choose("text/*;q=0.9, text/csv;q=0", ["text/csv", "text/plain"]) == "text/plain"


@pytest.mark.parametrize(
    "header", ["garbage", "text", "/json", "text/csv;q=abc", "text/csv;q=2", "*/json", ";;;"]
)
def test_malformed_parts_are_skipped(header: str) -> None:
    assert all(0 < r.q <= 1 for r in parse_accept(header))
    assert result_format(header + ", text/csv", "select") == "csv"


@given(st.text(max_size=300))
def test_any_header_gives_an_offer_or_none(header: str) -> None:
    for kind, table in (("select", RESULT_TYPES), ("graph", GRAPH_TYPES)):
        assert result_format(header, kind) in {*table.values(), None}
