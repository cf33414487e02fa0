"""The partnership network as a networkx MultiDiGraph, with dates for "as of" views.

Nodes are keyed by IRI, edges by their type (one edge per source, target and type). Every
attribute is a string or a number, so that GraphML and GEXF writers take them as they are.

Dates. A node is shown from ``start``: the date it began when the data says so (a start or
founding date, the date of the event it belongs to), else the earliest date the data knows
it by (an ``accsm:asOf``, the meeting that set it up, the first stated link it takes part in,
the issue date of the first source that names it). A node ends (``end``) only when a change
event replaced it (ACRCS → ACCSM). A link is shown from the latest of its own start and its
two ends' starts, until the earliest of its own end and theirs. Events and work plans stay
in the picture after they are over: they are history, not membership. Nodes and links the
data gives no date for (``dated`` = "no") are shown at every date.

A view "as of" a period (a year, a month or a day) keeps what existed at some time in it,
then drops the nodes left without a link.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from accsm_kg.namespaces import curie
from accsm_kg.viz.extract import LANGS, LinkInfo, NetworkData, NodeInfo
from accsm_kg.viz.style import load_style

#: Clues that say when a node began.
START_BASES = {"start", "founded", "parent-event", "chair-period", "plan"}
#: Clues that say only that it existed by then.
KNOWN_BASES = {"as-of", "agreed-at", "source"}
EVENT_KINDS = {"meeting", "programme"}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class VizError(ValueError):
    """The viz stage cannot do what was asked (an unknown focus, a malformed date)."""


@dataclass(frozen=True)
class Period:
    """A year, month or day: what existed at some time in [first, last] is shown."""

    first: str
    last: str
    text: str

    @classmethod
    def parse(cls, value: str | dt.date) -> Period:
        if isinstance(value, dt.date):
            day = value.isoformat()
            return cls(day, day, day)
        found = _DATE.match(value.strip())
        if not found:
            raise VizError(f"--as-of {value!r}: give a date as YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = found.groups()
        try:
            if day:
                first = last = dt.date(int(year), int(month), int(day))
            elif month:
                first = dt.date(int(year), int(month), 1)
                following = dt.date(int(year) + (month == "12"), int(month) % 12 + 1, 1)
                last = following - dt.timedelta(days=1)
            else:
                first, last = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
        except ValueError as exc:
            raise VizError(f"--as-of {value!r}: not a valid date ({exc})") from None
        return cls(first.isoformat(), last.isoformat(), value.strip())


def _node_bounds(node: NodeInfo) -> tuple[str | None, str | None, str | None, str | None]:
    """(start, known_by, end, until) from the node's date clues."""
    starts = [sort for basis, _, sort in node.clues if basis in START_BASES]
    known = [sort for basis, _, sort in node.clues if basis in KNOWN_BASES]
    ends = [sort for basis, _, sort in node.clues if basis == "replaced"]
    untils = [sort for basis, _, sort in node.clues if basis == "until"]
    return (
        min(starts, default=None),
        min(known, default=None),
        min(ends, default=None),
        max(untils, default=None),
    )


def _describe_dates(node: NodeInfo) -> str:
    words = {
        "start": "from",
        "founded": "founded",
        "parent-event": "during the event of",
        "chair-period": "chair period from",
        "plan": "work plan from",
        "as-of": "as of",
        "agreed-at": "set up at a meeting of",
        "source": "named in a source of",
        "replaced": "replaced",
        "until": "until",
    }
    seen: list[str] = []
    for basis, text, _ in node.clues:
        phrase = f"{words.get(basis, basis)} {text}"
        if phrase not in seen:
            seen.append(phrase)
    return "; ".join(seen)


def _link_date_text(link: LinkInfo) -> str:
    if link.date and link.until and link.until != link.date:
        return f"{link.date} to {link.until}"
    if link.date:
        return link.date
    if link.known:
        return f"by {link.known}"
    if link.until:
        return f"until {link.until}"
    return ""


def _latest(*values: str | None) -> str | None:
    known = [v for v in values if v]
    return max(known) if known else None


def _earliest(*values: str | None) -> str | None:
    known = [v for v in values if v]
    return min(known) if known else None


def build_graph(data: NetworkData, lang: str = "en") -> nx.MultiDiGraph:
    """The network of ``data``: links whose two ends are nodes of a known kind."""
    style = load_style()
    links = [
        link
        for link in data.links
        if link.source in data.nodes and link.target in data.nodes and link.type in style.types
    ]
    used = {link.source for link in links} | {link.target for link in links}
    bounds = {iri: _node_bounds(data.nodes[iri]) for iri in used}

    # The earliest date each node is known by: its own clues, its stated links, the dated
    # events it is linked to.
    first_seen: dict[str, list[str]] = defaultdict(list)
    for link in links:
        stated = link.start or link.known_by
        for end, other in ((link.source, link.target), (link.target, link.source)):
            if stated:
                first_seen[end].append(stated)
            if data.nodes[other].kind in EVENT_KINDS and bounds[other][0]:
                first_seen[end].append(bounds[other][0])

    graph = nx.MultiDiGraph(lang=lang, name="ACCSM partnership network")
    for iri in sorted(used):
        info = data.nodes[iri]
        start, known_by, end, until = bounds[iri]
        if start:
            basis, shown_from = "stated", start
        else:
            shown_from = _earliest(known_by, *first_seen.get(iri, []))
            basis = "first known" if shown_from else "undated"
        kind = style.kind(info.kind)
        attrs: dict[str, object] = {
            "iri": iri,
            "curie": curie_text(iri),
            "label": info.labels.best(lang) or curie_text(iri),
            "short_label": info.labels.short(lang) or curie_text(iri),
            "kind": kind.key,
            "kind_label": kind.label,
            "color": kind.color,
            "dated": "no" if basis == "undated" else "yes",
            "date_basis": basis,
            "dates": _describe_dates(info),
        }
        for code in LANGS:
            attrs[f"label_{code}"] = info.labels.in_language(code) or ""
        if shown_from:
            attrs["start"] = shown_from
        if end:
            attrs["end"] = end
        if until:
            attrs["until"] = until
        graph.add_node(iri, **attrs)

    for number, link in enumerate(links):
        link_type = style.types[link.type]
        u, v = graph.nodes[link.source], graph.nodes[link.target]
        own = link.start or link.known_by
        start = _latest(own, u.get("start"), v.get("start"))
        end = _earliest(link.end, u.get("end"), v.get("end"))
        attrs = {
            "id": f"e{number}",
            "relation": link.type,
            "relation_label": link_type.label,
            "label": link_type.label,
            "group": link_type.group,
            "color": link_type.color,
            "predicates": " ".join(sorted(curie_text(p) for p in link.predicates)),
            "sources": " ".join(sorted(curie_text(g) for g in link.graphs)),
            "source_count": len(link.graphs),
            "weight": 1.0,
            "date": _link_date_text(link),
            "dated_by": "stated" if own else ("endpoints" if start else "undated"),
        }
        if start:
            attrs["start"] = start
        if end:
            attrs["end"] = end
        graph.add_edge(link.source, link.target, key=link.type, **attrs)
    return graph


def curie_text(iri: str) -> str:
    from rdflib import URIRef

    return curie(URIRef(iri))


def visible(attrs: dict, period: Period) -> bool:
    """Whether a node or edge with these attributes existed at some time in ``period``."""
    start, end = attrs.get("start"), attrs.get("end")
    return (not start or start <= period.last) and (not end or end >= period.first)


def as_of_view(graph: nx.MultiDiGraph, period: Period) -> nx.MultiDiGraph:
    """The part of ``graph`` that existed in ``period`` (nodes left without links dropped)."""
    view = nx.MultiDiGraph(**graph.graph)
    view.graph["as_of"] = period.text
    keep = {n for n, attrs in graph.nodes(data=True) if visible(attrs, period)}
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        if u in keep and v in keep and visible(attrs, period):
            view.add_edge(u, v, key=key, **attrs)
    for node in view.nodes:
        view.nodes[node].update(graph.nodes[node])
    return view


def resolve_focus(graph: nx.MultiDiGraph, value: str) -> str:
    """The node a --focus value names: an IRI, a CURIE, kind/slug, a unique slug, or a
    label in any language (case-insensitive)."""
    from accsm_kg.bind import ParamError, resolve_iri

    text = value.strip()
    try:
        iri = str(resolve_iri(text, None))
        if iri in graph:
            return iri
    except ParamError:
        pass
    slug_matches = sorted(n for n in graph if n.rstrip("/").rsplit("/", 1)[-1] == text)
    if len(slug_matches) == 1:
        return slug_matches[0]
    folded = text.casefold()
    label_matches = sorted(
        n
        for n, attrs in graph.nodes(data=True)
        if folded
        in {str(attrs.get(k, "")).casefold() for k in ("label", *(f"label_{c}" for c in LANGS))}
    )
    if len(label_matches) == 1:
        return label_matches[0]
    candidates = slug_matches or label_matches
    if candidates:
        names = ", ".join(graph.nodes[n]["curie"] for n in candidates)
        raise VizError(f"--focus {value!r} names several resources: {names}")
    raise VizError(f"--focus {value!r}: no such resource in the network")


def focus_view(graph: nx.MultiDiGraph, node: str, depth: int = 1) -> nx.MultiDiGraph:
    """``node`` and what lies within ``depth`` links of it, with the links between them."""
    if depth < 0:
        raise VizError("--depth must be 0 or more")
    around = nx.ego_graph(graph, node, radius=depth, undirected=True)
    view = nx.MultiDiGraph(around)
    view.graph.update(graph.graph)
    view.graph["focus"] = graph.nodes[node]["curie"]
    return view


def year_range(graph: nx.MultiDiGraph) -> tuple[int, int]:
    """The first and last year any node or edge of ``graph`` starts or ends."""
    years = [
        int(attrs[key][:4])
        for _, attrs in [*graph.nodes(data=True), *((None, d) for *_, d in graph.edges(data=True))]
        for key in ("start", "end")
        if attrs.get(key)
    ]
    if not years:
        this_year = dt.date.today().year
        return this_year, this_year
    return min(years), max(years)
