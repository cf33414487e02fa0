"""Turn user-given parameter values into RDF terms and bind them to a query.

Values never reach the query as text: each is validated and made into an rdflib term, and the
terms are written into a ``VALUES`` block in N-Triples syntax (IRIs checked for forbidden
characters, literals escaped by rdflib). The block is placed at the start of the outermost
``WHERE`` group, so that filters anywhere in the query see the bound variables.
"""

from __future__ import annotations

import datetime as dt
import re

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.term import Node

from accsm_kg.catalog import Param, SavedQuery
from accsm_kg.namespaces import BASE, PREFIXES

LANGUAGES = ("en", "vi", "km", "th")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):([^/\s]*)$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w-]*)?:", re.IGNORECASE | re.MULTILINE)


class ParamError(ValueError):
    """A parameter value is unknown, missing or of the wrong kind."""


def resolve_iri(value: str, kind: str | None) -> URIRef:
    """A full IRI, a CURIE with a project prefix, or a slug → an IRI of the expected kind."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if value.startswith(("http://", "https://")):
        iri = value
    elif _CURIE.match(value) and value.split(":", 1)[0] in PREFIXES:
        prefix, local = value.split(":", 1)
        iri = PREFIXES[prefix] + local
    elif _SLUG.match(value):
        if "/" in value:
            iri = f"{BASE}id/{value}"
        elif kind:
            iri = f"{BASE}id/{kind}/{value}"
        else:
            raise ParamError(
                f"{value!r} is a bare slug; give kind/slug (arc/kh), a CURIE or an IRI"
            )
    else:
        raise ParamError(f"{value!r} is not an IRI, a CURIE or a slug")
    if _IRI_FORBIDDEN.search(iri):
        raise ParamError(f"{value!r} contains characters an IRI cannot hold")
    if kind and not iri.startswith(f"{BASE}id/{kind}/"):
        raise ParamError(f"{value!r} is not a {kind} (expected {BASE}id/{kind}/…)")
    return URIRef(iri)


def resolve_date(value: str) -> Literal:
    """YYYY, YYYY-MM or YYYY-MM-DD → the first day it covers, as xsd:date."""
    found = _DATE.match(value.strip())
    if not found:
        raise ParamError(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = found.group(1), found.group(2) or "01", found.group(3) or "01"
    try:
        day_value = dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ParamError(f"{value!r} is not a valid date ({exc})") from None
    return Literal(day_value.isoformat(), datatype=XSD.date)


def resolve_lang(value: str) -> Literal:
    value = value.strip().lower()
    if value not in LANGUAGES:
        raise ParamError(f"{value!r} is not a supported language ({', '.join(LANGUAGES)})")
    return Literal(value)


def to_term(param: Param, value: str) -> Node:
    """Validate ``value`` for ``param`` and return it as an RDF term."""
    try:
        if param.kind == "lang":
            return resolve_lang(value)
        if param.kind == "date":
            return resolve_date(value)
        if param.kind == "text":
            if len(value) > 1000:
                raise ParamError("text longer than 1000 characters")
            return Literal(value)
        return resolve_iri(value, param.iri_kind)
    except ParamError as exc:
        raise ParamError(f"parameter {param.name}: {exc}") from None


def bind_values(query: SavedQuery, given: dict[str, str]) -> dict[str, Node]:
    """Check the given values against the query's parameters and make them terms."""
    for name in given:
        if query.param(name) is None:
            known = ", ".join(p.name for p in query.params) or "none"
            raise ParamError(
                f"parameter {name}: {query.name} has no such parameter (takes: {known})"
            )
    bound: dict[str, Node] = {}
    for param in query.params:
        if param.name in given:
            bound[param.name] = to_term(param, given[param.name])
        elif param.default is not None:
            bound[param.name] = to_term(param, param.default)
        elif param.required:
            raise ParamError(f"parameter {param.name}: required by {query.name} but not given")
    return bound


def values_block(bindings: dict[str, Node]) -> str:
    """A one-row VALUES block in N-Triples term syntax; empty when nothing is bound."""
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(term.n3() for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def apply_bindings(text: str, bindings: dict[str, Node], *, lean: bool = False) -> str:
    """The query text with the bound values joined into every group of its WHERE clause.

    SPARQL evaluates groups bottom-up, so a variable bound only at the top would be unbound
    inside nested OPTIONAL groups (a label filter there would silently see nothing). Joining
    the one-row VALUES block into each group pre-binds the variables everywhere, which is what
    binding a parameter means.

    ``lean`` leaves the block out of leaf OPTIONAL groups, where it is not needed (see
    :func:`_leaf_optionals`): the same answers, and far faster on Oxigraph; Virtuoso 7, on the
    other hand, needs the block there to plan some queries well (priority-continuity ran for
    minutes without it), so remote stores get the full form.
    """
    block = values_block(bindings)
    if not block:
        return text
    masked = _mask_comments_and_strings(text)
    found = _WHERE.search(masked)
    if not found:
        raise ParamError("the query has no WHERE { … } group to bind parameters in")
    skip = _inline_data_spans(masked) + _exists_spans(masked)
    if lean:
        skip += _leaf_optionals(masked)
    positions = [
        i + 1
        for i in range(found.end() - 1, len(masked))
        if masked[i] == "{" and not any(start <= i < end for start, end in skip)
    ]
    out, last = [], 0
    for at in positions:
        out.append(text[last:at])
        out.append(f" {block} ")
        last = at
    out.append(text[last:])
    return "".join(out)


_EXISTS = re.compile(r"\bEXISTS\s*\{", re.IGNORECASE)
_OPTIONAL = re.compile(r"\bOPTIONAL\s*\{", re.IGNORECASE)
_BIND = re.compile(r"\bBIND\b", re.IGNORECASE)


def _leaf_optionals(masked: str) -> list[tuple[int, int]]:
    """OPTIONAL groups that hold no group of their own and no BIND: they need no VALUES block.

    ``A OPTIONAL { B FILTER (F) }`` is LeftJoin(A, B, F), and F is evaluated on the merged
    solution, so it sees the values bound in A, which holds the enclosing group's block. On
    Oxigraph a VALUES block inside such a group is costly: the group is then evaluated on its
    own, over the whole store (measured: 100-300x slower at 100k triples). A BIND or a nested
    group inside the OPTIONAL is evaluated before the join, so those keep the block.
    """
    spans = []
    for found in _OPTIONAL.finditer(masked):
        start = found.end() - 1
        end = masked.find("}", start)
        inner = masked[start + 1 : end]
        if end != -1 and "{" not in inner and not _BIND.search(inner):
            spans.append((start, end + 1))
    return spans


def _exists_spans(masked: str) -> list[tuple[int, int]]:
    """Where the query's EXISTS / NOT EXISTS groups are, braces included.

    They need no VALUES block of their own: EXISTS is evaluated with the enclosing group's
    bindings substituted in. And Virtuoso 7 ignores a NOT EXISTS that holds a VALUES block
    (every solution passes), so one there would change the answer on that store.
    """
    spans = []
    for found in _EXISTS.finditer(masked):
        depth, i = 0, found.end() - 1
        while i < len(masked):
            if masked[i] == "{":
                depth += 1
            elif masked[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        spans.append((found.end() - 1, i + 1))
    return spans


_INLINE_DATA = re.compile(r"\bVALUES\s*(\?\w+|\([^)]*\))\s*\{", re.IGNORECASE)


def _inline_data_spans(masked: str) -> list[tuple[int, int]]:
    """Where the query's own VALUES data blocks are (their braces are not groups)."""
    spans = []
    for found in _INLINE_DATA.finditer(masked):
        end = masked.find("}", found.end())
        spans.append((found.end() - 1, len(masked) if end == -1 else end + 1))
    return spans


def with_prefixes(text: str) -> str:
    """Predeclare the project's prefixes that the query does not declare itself.

    They go on the query's first line, so the parser's line numbers still match the user's.
    """
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return " ".join(missing) + (" " if missing else "") + text


def _mask_comments_and_strings(text: str) -> str:
    """Blank out comments, strings and IRIs (same length) so regexes only see syntax."""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            end = n if end == -1 else end
            out.append(" " * (end - i))
            i = end
        elif ch in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(quote))
            out.append(" " * (j - i))
            i = j
        elif ch == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            end = text.index(">", i) + 1
            out.append(" " * (end - i))
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


_FORBIDDEN = re.compile(r"(?<![?$\w])(SERVICE|LOAD|FROM)\b", re.IGNORECASE)


def check_read_only(text: str) -> None:
    """Refuse updates, SERVICE, LOAD and FROM <…>; report syntax errors with the parser's text.

    Raises ParamError-compatible QueryRefused / QuerySyntaxError (both ValueError).
    """
    masked = _mask_comments_and_strings(text)
    if not _FORBIDDEN.search(masked) and _oxigraph_parses(with_prefixes(text)):
        return
    try:
        parseQuery(text)
    except Exception as query_error:
        try:
            parseUpdate(text)
        except Exception:
            raise QuerySyntaxError(_describe_syntax_error(query_error)) from None
        raise QueryRefused("updates are refused: the graph is read-only") from None
    found = _FORBIDDEN.search(masked)
    if found:
        raise QueryRefused(
            f"{found.group(1).upper()} is refused: queries run on the local graph only"
        )


def _oxigraph_parses(text: str) -> bool:
    """True when Oxigraph parses ``text`` as a query (never an update).

    rdflib's parser takes about 50 ms a query, most of a build's query time; Oxigraph's takes
    well under one. It is run on an empty store (so it evaluates nothing), and only after the
    text was checked for SERVICE, LOAD and FROM. Anything it refuses goes to rdflib's parser,
    which gives the error message.
    """
    try:
        _EMPTY_STORE.query(text)
    except (SyntaxError, ValueError, OSError, RuntimeError):
        return False
    return True


_EMPTY_STORE = ox.Store()


class QueryRefused(ValueError):
    """A query asks for something a read-only, offline engine does not do."""


class QuerySyntaxError(ValueError):
    """A query does not parse."""


def _describe_syntax_error(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "col", None)
    where = f"line {line}, column {col}: " if line is not None else ""
    return f"syntax error: {where}{text}"[:300]
