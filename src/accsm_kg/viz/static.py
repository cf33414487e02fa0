"""Static figures for reports, drawn with matplotlib: partnerships.png/.svg and
arc-priorities.png.

Both are layered drawings: nodes stand in columns by kind (priority areas, work plans and
ARCs, bodies and partners, countries, meetings, agencies and people), each with its label
beside it, and links are curves between the columns. Every label is measured with the
renderer before anything is placed, so that rows and columns are sized to their text and
no two labels overlap (tests check the drawn extents). Labels are in the asked language when
a font with its script is installed (Khmer OS, a Thai TLWG font), else in English.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import networkx as nx
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text

from accsm_kg.viz.extract import NetworkData
from accsm_kg.viz.style import Style, load_style

DPI = 150
LABEL_SIZE = 8.0
SUB_SIZE = 7.0
HEADER_SIZE = 9.5
TITLE_SIZE = 14.0
SUBTITLE_SIZE = 9.0
WRAP = 30
MARKER_R = 3.8  # points
PAD = 4.0  # between a marker and its label
ROW_GAP = 3.0  # between two rows
BLOCK_GAP = 10.0  # between two kinds in one column
COL_GAP = 64.0  # between the end of a column's longest label and the next column
MARGIN = 24.0
PARALLEL = 1.6  # points between links that join the same two nodes
#: Labels sit on a faint white box, so that links passing behind do not cross the text.
LABEL_BOX = {"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}

#: Installed font families that can show each language's script, best first.
SCRIPT_FONTS = {
    "km": ("Khmer OS System", "Khmer OS", "Khmer OS Content", "Noto Sans Khmer"),
    "th": ("Garuda", "Loma", "Waree", "Norasi", "Tlwg Typo", "Noto Sans Thai"),
}
BASE_FONTS = ("DejaVu Sans", "Noto Sans")


def installed_families() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


def font_families(lang: str) -> list[str] | None:
    """The font list for labels in ``lang``, or None when no installed font has its script."""
    installed = installed_families()
    base = [f for f in BASE_FONTS if f in installed] or ["sans-serif"]
    if lang not in SCRIPT_FONTS:
        return base
    script = [f for f in SCRIPT_FONTS[lang] if f in installed]
    return [*base, script[0]] if script else None


def figure_language(lang: str) -> tuple[str, list[str]]:
    """The language the figures can be drawn in (``lang`` or English) and its fonts."""
    families = font_families(lang)
    if families is None:
        return "en", font_families("en") or ["sans-serif"]
    return lang, families


@dataclass
class Item:
    """A node of a layered drawing."""

    key: str
    label: str
    color: str
    sub: str | None = None  # a second, smaller grey line (an ARC's theme)
    kind: str = ""
    # placed later, in points from the bottom left
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    texts: list[Text] = field(default_factory=list)


@dataclass
class Link:
    u: str
    v: str
    color: str
    dashed: bool = False
    width: float = 0.8
    alpha: float = 0.55


@dataclass
class Column:
    header: str
    blocks: list[list[Item]]
    side: str = "right"  # where labels stand: "right" or "left" of the markers
    spread: float = 0.0  # at most this much extra space between rows (points) to fill height
    x: float = 0.0
    width: float = 0.0

    @property
    def items(self) -> list[Item]:
        return [item for block in self.blocks for item in block]


def _wrap(text: str, width: int = WRAP) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def _extent(text: Text, renderer) -> tuple[float, float]:
    box = text.get_window_extent(renderer)
    return box.width * 72.0 / DPI, box.height * 72.0 / DPI


def _right_anchor(item: Item, side: str) -> float:
    return item.x + MARKER_R + (PAD + item.width + 2 if side == "right" else 0)


def _left_anchor(item: Item, side: str) -> float:
    return item.x - MARKER_R - (PAD + item.width + 2 if side == "left" else 0)


def _curve(x0: float, y0: float, x1: float, y1: float) -> MplPath:
    bend = (x1 - x0) * 0.5
    return MplPath(
        [(x0, y0), (x0 + bend, y0), (x1 - bend, y1), (x1, y1)],
        [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4],
    )


def _loop(x: float, y0: float, y1: float, outward: float) -> MplPath:
    bulge = outward * min(COL_GAP * 0.7, 10 + 0.25 * abs(y1 - y0))
    return MplPath(
        [(x, y0), (x + bulge, y0), (x + bulge, y1), (x, y1)],
        [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4],
    )


def _boxed_label(ax, text: str, size: float, color: str, ha: str) -> Text:
    """A column item's label (or its second line), placed later once every label is measured."""
    return ax.text(
        0, 0, text, fontsize=size, ha=ha, va="center", color=color, zorder=4, bbox=LABEL_BOX
    )


def draw_layered(
    columns: list[Column],
    links: list[Link],
    title: str,
    subtitle: str,
    legends: list[tuple[str, list[Line2D]]],
    fonts: list[str],
    col_gap: float = COL_GAP,
) -> Figure:
    """Place ``columns`` side by side, sized to their measured labels, and draw ``links``."""
    with rc_context({"font.family": fonts, "svg.fonttype": "path"}):
        fig = Figure(figsize=(10, 8), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        renderer = fig.canvas.get_renderer()

        # 1. Measure every label.
        for column in columns:
            ha = "left" if column.side == "right" else "right"
            for item in column.items:
                main = _boxed_label(ax, item.label, LABEL_SIZE, "#111111", ha)
                item.texts = [main]
                width, height = _extent(main, renderer)
                if item.sub:
                    sub = _boxed_label(ax, item.sub, SUB_SIZE, "#666666", ha)
                    item.texts.append(sub)
                    sub_width, sub_height = _extent(sub, renderer)
                    width, height = max(width, sub_width), height + sub_height
                item.width, item.height = width, max(height, 2 * MARKER_R)
        headers = []
        for column in columns:
            header = ax.text(
                0,
                0,
                column.header,
                fontsize=HEADER_SIZE,
                fontweight="bold",
                ha="left" if column.side == "right" else "right",
                va="bottom",
                color="#333333",
            )
            headers.append(header)
            column.width = max(
                [_extent(header, renderer)[0], *(i.width for i in column.items)], default=0
            )
        title_text = ax.text(0, 0, title, fontsize=TITLE_SIZE, fontweight="bold", va="top")
        subtitle_text = ax.text(0, 0, subtitle, fontsize=SUBTITLE_SIZE, va="top", color="#444444")
        title_h = _extent(title_text, renderer)[1]
        subtitle_h = _extent(subtitle_text, renderer)[1]
        header_h = _extent(headers[0], renderer)[1] if headers else 0

        # 2. Columns left to right.
        x = MARGIN
        for column in columns:
            if column.side == "left":
                column.x = x + column.width + PAD + MARKER_R
                x = column.x + MARKER_R + col_gap
            else:
                column.x = x + MARKER_R
                x = column.x + MARKER_R + PAD + column.width + col_gap
        width_pt = x - col_gap + MARGIN

        # 3. Rows: every column centred on the tallest one.
        def natural(column: Column) -> float:
            rows = sum(i.height + ROW_GAP for i in column.items)
            return rows + BLOCK_GAP * max(0, len([b for b in column.blocks if b]) - 1)

        body_h = max((natural(c) for c in columns), default=0)
        legend_artists = []
        legends = [(name, handles) for name, handles in legends if handles]
        for number, (legend_title, handles) in enumerate(legends):
            legend = ax.legend(
                handles=handles,
                title=legend_title,
                loc="upper left",
                fontsize=LABEL_SIZE,
                title_fontsize=HEADER_SIZE,
                frameon=False,
                ncol=max(1, math.ceil(len(handles) / 4)),
                alignment="left",
                handlelength=2.2,
                columnspacing=1.6,
            )
            legend._legend_box.align = "left"
            if number < len(legends) - 1:
                ax.add_artist(legend)
            legend_artists.append(legend)
        sizes = [_extent(legend, renderer) for legend in legend_artists]
        legends_w = sum(w for w, _ in sizes) + 30 * max(0, len(sizes) - 1)
        side_by_side = legends_w <= width_pt - 2 * MARGIN
        if side_by_side:
            legend_h = max((h for _, h in sizes), default=0)
        else:
            legend_h = sum(h for _, h in sizes) + 8 * max(0, len(sizes) - 1)
        width_pt = max(
            width_pt,
            _extent(title_text, renderer)[0] + 2 * MARGIN,
            _extent(subtitle_text, renderer)[0] + 2 * MARGIN,
            (legends_w if side_by_side else max((w for w, _ in sizes), default=0)) + 2 * MARGIN,
        )
        top_h = MARGIN + title_h + 4 + subtitle_h + 14 + header_h + 8
        height_pt = top_h + body_h + 18 + legend_h + MARGIN
        body_top = height_pt - top_h

        for column in columns:
            count = len(column.items)
            extra = 0.0
            if count > 1 and column.spread:
                extra = min(column.spread, (body_h - natural(column)) / (count - 1))
            y = body_top - (body_h - natural(column) - extra * max(0, count - 1)) / 2
            for block in column.blocks:
                if not block:
                    continue
                for item in block:
                    item.x = column.x
                    item.y = y - item.height / 2
                    y -= item.height + ROW_GAP + extra
                y -= BLOCK_GAP

        # 4. Place the texts.
        fig.set_size_inches(width_pt / 72.0, height_pt / 72.0)
        ax.set_xlim(0, width_pt)
        ax.set_ylim(0, height_pt)
        title_text.set_position((MARGIN, height_pt - MARGIN))
        subtitle_text.set_position((MARGIN, height_pt - MARGIN - title_h - 4))
        for column, header in zip(columns, headers, strict=True):
            anchor = column.x - MARKER_R if column.side == "right" else column.x + MARKER_R
            header.set_position((anchor, body_top + 6))
            offset = MARKER_R + PAD
            for item in column.items:
                tx = item.x + offset if column.side == "right" else item.x - offset
                if len(item.texts) == 1:
                    item.texts[0].set_position((tx, item.y))
                else:
                    main_h = _extent(item.texts[0], renderer)[1]
                    top = item.y + item.height / 2
                    item.texts[0].set_position((tx, top - main_h / 2))
                    item.texts[1].set_position((tx, top - main_h - (item.height - main_h) / 2))
        legend_top = MARGIN + legend_h
        lx = MARGIN
        for legend, (w, h) in zip(legend_artists, sizes, strict=True):
            legend.set_bbox_to_anchor((lx, legend_top), transform=ax.transData)
            if side_by_side:
                lx += w + 30
            else:
                legend_top -= h + 8

        # 5. Links, then markers on top.
        where: dict[str, tuple[Item, Column, int]] = {}
        for number, column in enumerate(columns):
            for item in column.items:
                where[item.key] = (item, column, number)
        # Links between the same two nodes run side by side, PARALLEL points apart.
        pair_count = Counter(frozenset((link.u, link.v)) for link in links)
        pair_seen: Counter = Counter()
        for link in links:
            if link.u not in where or link.v not in where:
                continue
            pair = frozenset((link.u, link.v))
            shift = (pair_seen[pair] - (pair_count[pair] - 1) / 2) * PARALLEL
            pair_seen[pair] += 1
            (a, ca, na), (b, cb, nb) = where[link.u], where[link.v]
            if na == nb:
                outward = -1.0 if ca.side == "right" else 1.0
                x0 = a.x + outward * MARKER_R
                path = _loop(x0, a.y + shift, b.y + shift, outward)
            else:
                if na > nb:
                    (a, ca, na), (b, cb, nb) = (b, cb, nb), (a, ca, na)
                path = _curve(
                    _right_anchor(a, ca.side),
                    a.y + shift,
                    _left_anchor(b, cb.side),
                    b.y + shift,
                )
            ax.add_patch(
                PathPatch(
                    path,
                    facecolor="none",
                    edgecolor=link.color,
                    lw=link.width,
                    alpha=link.alpha,
                    linestyle=(0, (3, 2)) if link.dashed else "-",
                    zorder=1,
                    capstyle="round",
                )
            )
        for column in columns:
            items = column.items
            if items:
                ax.scatter(
                    [i.x for i in items],
                    [i.y for i in items],
                    s=(2 * MARKER_R) ** 2,
                    c=[i.color for i in items],
                    edgecolors="white",
                    linewidths=0.6,
                    zorder=3,
                )
        return fig


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    out = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Date": None}
    # a fixed salt makes matplotlib's SVG element ids the same from run to run
    with rc_context({"svg.hashsalt": "accsm-kg"}):
        fig.savefig(out, format=fmt, dpi=DPI, facecolor="white", metadata=metadata)
    return out.getvalue()


# --------------------------------------------------------------------------- partnerships


def _order_columns(
    graph: nx.MultiDiGraph, columns: dict[int, list[list[Item]]], fixed: set[str]
) -> None:
    """Reorder the items of each block by the mean position of their neighbours (a few
    sweeps of the barycentre heuristic), so that links cross less. Blocks of a kind in
    ``fixed`` keep their order (meetings stay in date order)."""
    simple = nx.Graph(graph)
    position: dict[str, float] = {}

    def index() -> None:
        for blocks in columns.values():
            items = [i for b in blocks for i in b]
            for n, item in enumerate(items):
                position[item.key] = n / max(1, len(items) - 1)

    index()
    order = sorted(columns)
    for sweep in range(6):
        for number in order if sweep % 2 == 0 else reversed(order):
            for block in columns[number]:
                if not block or block[0].kind in fixed:
                    continue

                def centre(item: Item) -> float:
                    near = [position[m] for m in simple.neighbors(item.key) if m in position]
                    return sum(near) / len(near) if near else position[item.key]

                block.sort(key=lambda item: (centre(item), item.label))
            index()


def _group_handles(style: Style, graph: nx.MultiDiGraph) -> list[Line2D]:
    present = {attrs.get("group") for *_, attrs in graph.edges(data=True)}
    handles = [
        Line2D([], [], color=g.color, lw=1.6, label=g.label)
        for g in style.groups.values()
        if g.key in present
    ]
    if any(attrs.get("dated_by") == "undated" for *_, attrs in graph.edges(data=True)):
        handles.append(
            Line2D([], [], color="#777777", lw=1.2, linestyle=(0, (3, 2)), label="no date given")
        )
    return handles


def _kind_handles(style: Style, kinds: set[str]) -> list[Line2D]:
    return [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=7,
            markerfacecolor=k.color,
            markeredgecolor="white",
            label=k.label,
        )
        for k in style.kinds.values()
        if k.key in kinds
    ]


def partnerships_figure(
    graph: nx.MultiDiGraph, data: NetworkData, lang: str = "en", note: str = ""
) -> Figure:
    style = load_style()
    lang, fonts = figure_language(lang)
    blocks: dict[int, list[list[Item]]] = defaultdict(list)
    kind_order = list(style.kinds)
    by_kind: dict[str, list[Item]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        info = data.nodes.get(node)
        label = (info.labels.short(lang) if info else None) or attrs["short_label"]
        by_kind[attrs["kind"]].append(Item(node, _wrap(label), attrs["color"], kind=attrs["kind"]))

    def when(item: Item) -> tuple[str, str]:
        return (graph.nodes[item.key].get("start") or "9999", item.label)

    plan_of = {v: u for u, v, key in graph.edges(keys=True) if key == "has-priority"}
    for kind in kind_order:
        items = by_kind.get(kind)
        if not items:
            continue
        column = style.kinds[kind].column
        if kind in ("meeting", "programme", "work-plan"):
            blocks[column].append(sorted(items, key=when))
        elif kind == "priority":  # one block per work plan, in the plans' order
            groups: dict[str, list[Item]] = defaultdict(list)
            for item in items:
                groups[plan_of.get(item.key, "")].append(item)
            for plan in sorted(groups, key=lambda p: graph.nodes[p].get("start", "") if p else "~"):
                blocks[column].append(
                    sorted(groups[plan], key=lambda i: (_rank_in_plan(data, i.key), i.label))
                )
        else:
            blocks[column].append(sorted(items, key=lambda i: i.label))
    _order_columns(graph, blocks, fixed={"meeting", "programme", "priority", "work-plan"})
    columns = [
        Column(
            style.columns[n], blocks[n], side="left" if n == min(blocks) else "right", spread=8.0
        )
        for n in sorted(blocks)
    ]
    links = [
        Link(u, v, attrs["color"], dashed=attrs.get("dated_by") == "undated")
        for u, v, attrs in graph.edges(data=True)
    ]
    count_n, count_e = graph.number_of_nodes(), graph.number_of_edges()
    subtitle = (
        f"{count_n} countries, bodies, partners, plans, priorities, meetings and people; "
        f"{count_e} links"
        if count_n
        else "The data has no links for this view."
    )
    if note:
        subtitle += f" · {note}"
    title = "ACCSM partnership network"
    if graph.graph.get("as_of"):
        title += f" as of {graph.graph['as_of']}"
    legends = [
        ("Nodes", _kind_handles(style, set(by_kind))),
        ("Links", _group_handles(style, graph)),
    ]
    return draw_layered(columns, links, title, subtitle, legends, fonts)


# --------------------------------------------------------------------------- ARC → priority

CONFIDENCE_STYLE = {  # rank → (label, colour, width, dashed)
    1: ("high confidence", "#1b7837", 2.2, False),
    2: ("medium confidence", "#4d9221", 1.4, False),
    3: ("low confidence", "#8c8c8c", 1.1, True),
}


def arc_priorities_figure(graph: nx.MultiDiGraph, data: NetworkData, lang: str = "en") -> Figure:
    """The ARCs (with their themes) and the priority areas they support, as a bipartite
    drawing; the plans whose priorities are supported are shown with all their priorities,
    so that an unsupported one stands out."""
    style = load_style()
    lang, fonts = figure_language(lang)

    def label(iri: str) -> str:
        info = data.labels.get(iri)
        return (info.best(lang) if info else None) or iri.rsplit("/", 1)[-1]

    supports = [s for s in data.supports if s.arc in data.nodes and s.priority in data.nodes]
    plans_of: dict[str, str] = {}
    for link in data.links:
        if link.type == "has-priority":
            plans_of[link.target] = link.source
    plans = sorted({plans_of[s.priority] for s in supports if s.priority in plans_of}, key=label)
    host = {link.target: link.source for link in data.links if link.type == "hosts-arc"}
    first_supported: dict[str, tuple[int, str]] = {}
    for s in supports:
        rank = (_order(data, s.priority), s.priority)
        first_supported[s.arc] = min(first_supported.get(s.arc, rank), rank)
    arcs = sorted(
        {s.arc for s in supports} | {n for n, _ in _kinds(data, "arc")},
        key=lambda a: (first_supported.get(a, (10_000, "")), label(host.get(a, a))),
    )
    left = [
        Item(
            arc,
            _wrap(label(arc), 40),
            style.kinds["arc"].color,
            kind="arc",
            sub=_wrap(label(data.themes[arc]), 46) if arc in data.themes else None,
        )
        for arc in arcs
    ]
    right_blocks = []
    for plan in plans:
        priorities = sorted(
            (p for p, owner in plans_of.items() if owner == plan),
            key=lambda p: (_order(data, p), p),
        )
        block = [
            Item(p, _wrap(label(p), 40), style.kinds["priority"].color, kind="priority")
            for p in priorities
        ]
        supported = {s.priority for s in supports}
        for item in block:
            if item.key not in supported:
                item.color = "#cfcfcf"
                item.label += " (no ARC)"
        right_blocks.append(block)
    plan_names = ", ".join(label(p) for p in plans)
    links = []
    for s in supports:
        _, color, width, dashed = CONFIDENCE_STYLE.get(s.rank or 3, CONFIDENCE_STYLE[3])
        links.append(Link(s.arc, s.priority, color, dashed=dashed, width=width, alpha=0.85))
    handles = [
        Line2D([], [], color=c, lw=w, linestyle=(0, (3, 2)) if d else "-", label=name)
        for rank, (name, c, w, d) in sorted(CONFIDENCE_STYLE.items())
        if any((s.rank or 3) == rank for s in supports)
    ]
    columns = [
        Column("ASEAN Resource Centres and their themes", [left], side="left"),
        Column(
            f"Priority areas: {plan_names}" if plan_names else "Priority areas",
            right_blocks,
            side="right",
            spread=math.inf,
        ),
    ]
    title = "Which ARC supports which priority area"
    subtitle = (
        f"{len(supports)} curated links (no source states them; each has a justification: "
        "accsm-kg query arc-priorities)"
    )
    return draw_layered(
        columns, links, title, subtitle, [("Curators' confidence", handles)], fonts, col_gap=150.0
    )


def _kinds(data: NetworkData, kind: str) -> list[tuple[str, str]]:
    return [(n, i.kind) for n, i in data.nodes.items() if i.kind == kind]


def _rank_in_plan(data: NetworkData, iri: str) -> tuple[int, int]:
    """Thrusts first, then priority areas, each in the source's order."""
    thrust = any(
        f.property.endswith("rdf-syntax-ns#type") and f.value.endswith("/ontology/Thrust")
        for f in data.facts.get(iri, [])
    )
    return (0 if thrust else 1, _order(data, iri))


def _order(data: NetworkData, iri: str) -> int:
    for fact in data.facts.get(iri, []):
        if fact.property.endswith("/ontology/order") and fact.value.isdigit():
            return int(fact.value)
    return 10_000
