"""The data graph pySHACL validates, with its SPARQL queries answered by Oxigraph.

pySHACL checks each SPARQL-based constraint once per focus node, running the shape's query
with ``$this`` pre-bound through rdflib's SPARQL engine. rdflib evaluates joins by nested
loops in the order it fixes when the query is parsed, before it knows ``$this`` is bound, so
some constraints cost time in proportion to the whole graph for every focus node (validation
then grows with the square of the graph). :class:`OxigraphQueryGraph` keeps rdflib as the data
graph for everything else pySHACL does and answers its SPARQL SELECT and ASK queries from an
Oxigraph copy of the same triples, with the same pre-bound values (SEP-0007 substitution).
pySHACL still writes the report; only who evaluates the queries changes.

The copy must hold exactly the terms of the rdflib graph, else an answer could differ:
Oxigraph stores typed literals in canonical form (``"1.50"^^xsd:decimal`` becomes ``"1.5"``,
where rdflib keeps what was written). When any literal of the graph would change, the copy is
not used and every query goes to rdflib.
A query Oxigraph refuses (a pre-bound variable not projected, syntax rdflib alone accepts)
also goes to rdflib.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Literal, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from accsm_kg.engine import to_oxigraph, to_rdflib
from accsm_kg.load import UnionView

_XSD = "http://www.w3.org/2001/XMLSchema#"
_CHUNK = 100_000
_PLAIN = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


@lru_cache(maxsize=512)
def _prepared_query(text: str, namespaces: frozenset[tuple[str, Any]], base: str | None) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


class PreparedQueryGraph(UnionView):
    """A union view whose SPARQL query strings are parsed once per distinct text and reused.

    pySHACL runs the same query text for every focus node, and rdflib parses a query string
    anew on every call: parsing was about two thirds of the validation time.
    """

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Node] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and processor == "sparql":
            namespaces = initNs or dict(self.namespaces())
            query_object = _prepared_query(
                query_object, frozenset(namespaces.items()), kwargs.get("base")
            )
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


class OxigraphQueryGraph(PreparedQueryGraph):
    """A union view whose SELECT and ASK queries run on an Oxigraph copy of its triples.

    The copy is made at the first query; the dataset must not change after that.
    """

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(dataset)
        self._store: ox.Store | None = None
        self._faithful = True
        self._to_rdflib: dict[Any, Node] = {}
        self._refused: set[str] = set()  # query texts Oxigraph cannot run: rdflib runs them
        self.oxigraph_queries = 0  # answered by Oxigraph (for tests and benchmarks)

    @property
    def uses_oxigraph(self) -> bool:
        """Whether queries go to Oxigraph (False once the copy turned out not to be exact)."""
        self._mirror()
        return self._faithful

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Node] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if (
            isinstance(query_object, str)
            and processor == "sparql"
            and not kwargs
            and query_object not in self._refused
            and self.uses_oxigraph
        ):
            answer = self._ask_oxigraph(query_object, initNs, initBindings or {})
            if answer is not None:
                self.oxigraph_queries += 1
                return answer
            self._refused.add(query_object)
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )

    # ----------------------------------------------------------------------- the copy

    def _mirror(self) -> ox.Store:
        if self._store is None:
            self._store = ox.Store()
            to_ox: dict[Node, Any] = {}
            quads = []
            try:
                for triple in self.triples((None, None, None)):
                    terms = []
                    for term in triple:
                        converted = to_ox.get(term)
                        if converted is None:
                            converted = to_ox[term] = to_oxigraph(term)
                        terms.append(converted)
                    quads.append(ox.Quad(*terms))
                    if len(quads) == _CHUNK:  # a list of all quads would double the memory
                        self._store.bulk_extend(quads)
                        quads = []
            except (TypeError, ValueError):  # a term Oxigraph cannot hold (a bad blank node id)
                self._faithful = False
                return self._store
            self._store.bulk_extend(quads)
            self._faithful = _stored_unchanged(to_ox)
            self._to_rdflib = {value: key for key, value in to_ox.items()}
        return self._store

    def _ask_oxigraph(
        self, text: str, namespaces: Mapping[str, Any] | None, bindings: Mapping[str, Node]
    ) -> Result | None:
        store = self._mirror()
        prefixes = {str(k): str(v) for k, v in (namespaces or dict(self.namespaces())).items()}
        try:
            substitutions = {ox.Variable(str(k)): to_oxigraph(v) for k, v in bindings.items()}
            answer = store.query(text, prefixes=prefixes, substitutions=substitutions)
        except (SyntaxError, RuntimeError, ValueError, TypeError, OSError):
            return None
        if isinstance(answer, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(answer)
            return result
        if not isinstance(answer, ox.QuerySolutions):
            return None  # CONSTRUCT and DESCRIBE stay with rdflib
        names = [v.value for v in answer.variables]
        result = Result("SELECT")
        result.vars = [Variable(name) for name in names]
        result.bindings = list(self._rows(answer, names))
        return result

    def _rows(self, answer: ox.QuerySolutions, names: list[str]) -> Iterator[dict[Variable, Node]]:
        back = self._to_rdflib
        for solution in answer:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    value = back.get(term)
                    row[Variable(name)] = value if value is not None else to_rdflib(term)
            yield row


def _stored_unchanged(to_ox: Mapping[Node, Any]) -> bool:
    """Whether Oxigraph keeps every typed literal as written (it stores canonical forms)."""
    probe = ox.Store()
    typed = [
        (rdflib_term, ox_term)
        for rdflib_term, ox_term in to_ox.items()
        if isinstance(rdflib_term, Literal)
        and rdflib_term.datatype is not None
        and str(rdflib_term.datatype) not in _PLAIN
    ]
    subjects = [ox.BlankNode(f"t{i}") for i in range(len(typed))]
    predicate = ox.NamedNode("urn:x-accsm-kg:probe")
    probe.extend(ox.Quad(s, predicate, o) for s, (_, o) in zip(subjects, typed, strict=True))
    stored = {quad.subject.value: quad.object for quad in probe}
    return all(
        stored.get(s.value) is not None and stored[s.value].value == str(term)
        for s, (term, _) in zip(subjects, typed, strict=True)
    )
