"""Run saved and ad-hoc queries on an engine: bind parameters, check, run.

This is the only place that turns a query file plus user values into what an engine runs,
so the CLI, ``build``, the site and the server all bind parameters the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.term import Node

from accsm_kg.bind import apply_bindings, bind_values, check_read_only, with_prefixes
from accsm_kg.catalog import SavedQuery, load_catalog
from accsm_kg.engine import Engine, QueryResult


@dataclass
class Prepared:
    """A checked query text (project prefixes declared) and its parameters as RDF terms."""

    text: str
    bindings: dict[str, Node] = field(default_factory=dict)

    def explain(self) -> str:
        """The query as it runs, the bound values joined in as VALUES blocks."""
        return apply_bindings(self.text, self.bindings)

    def run(self, engine: Engine) -> QueryResult:
        return engine.query(self.text, self.bindings)


@dataclass
class SavedRun:
    """A saved query, the values it ran with, what ran, and the answer."""

    query: SavedQuery
    values: dict[str, str]
    prepared: Prepared
    result: QueryResult


def prepare_saved(
    query: SavedQuery, values: Mapping[str, str] | None = None, lang: str | None = None
) -> Prepared:
    """The saved query with its parameters validated and made RDF terms."""
    given = dict(values or {})
    if lang is not None and query.param("lang") is not None:
        given.setdefault("lang", lang)
    bindings = bind_values(query, given)
    check_read_only(apply_bindings(query.text, bindings))
    return Prepared(with_prefixes(query.text), bindings)


def prepare_adhoc(text: str) -> Prepared:
    """An ad-hoc query with the project prefixes predeclared, checked to be read-only."""
    check_read_only(text)  # before the prefixes, so error positions match the user's text
    return Prepared(with_prefixes(text))


def run_saved(
    engine: Engine,
    query: SavedQuery,
    values: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> SavedRun:
    prepared = prepare_saved(query, values, lang)
    return SavedRun(query, dict(values or {}), prepared, prepared.run(engine))


def run_all(
    engine: Engine, lang: str | None = None, *, root: Path | str | None = None
) -> list[SavedRun]:
    """Every saved query (of ``root``/queries when given) with its default parameters."""
    return [run_saved(engine, q, {}, lang) for _, q in sorted(load_catalog(root).items())]
