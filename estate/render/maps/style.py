"""What every map shares: the encodings (fill, shape, border, edge style), the legend,
the size thresholds, what the maps read from the findings (:class:`View`) and the
node and edge attributes of a system."""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from estate.model.graph import line_node, node as gnode
from estate.render.maps.dot import wrap_label, clean, Dot, esc, Html


# ---- encoding ------------------------------------------------------------------------

RATING_FILL = {"red": "#f28b82", "amber": "#fdd663", "green": "#a8dab5"}
NOT_RATED_FILL = "#e8eaed"
RATING_NAMES = {"red": "red: high legacy risk", "amber": "amber: medium legacy risk",
                "green": "green: low legacy risk", None: "grey: not rated"}

#: hosting -> (shape, extra style, peripheries)
HOSTING_SHAPE = {
    "on-premise": ("box", "", 1),
    "hosted": ("box", "", 2),
    "saas": ("box", "rounded", 1),
    "cloud": ("box", "rounded", 1),
    "hybrid": ("box", "rounded", 2),
    None: ("ellipse", "", 1),
}
HOSTING_NAMES = {"on-premise": "on-premise", "hosted": "hosted (third-party data centre)",
                 "saas": "SaaS / cloud", "hybrid": "hybrid", None: "hosting unknown"}

#: status -> (border style, pen width, font colour)
STATUS_STYLE = {
    "live": ("solid", 1.0, "#202124"),
    "planned": ("bold", 1.6, "#202124"),
    "retiring": ("dashed", 1.6, "#202124"),
    "retired": ("dotted", 1.2, "#80868b"),
}

#: via -> (edge style, colour)
VIA_STYLE = {
    "api": ("solid", "#3c4043"),
    "file-transfer": ("dashed", "#3c4043"),
    "database-link": ("bold", "#3c4043"),
    "manual": ("dotted", "#3c4043"),
    "sso": ("solid", "#1a73e8"),
    "other": ("solid", "#9aa0a6"),
}

SHARED_COLOUR = "#1a73e8"          # border of a product shared by 2+ members
CONSOLIDATION_FILL = "#e1d5f5"     # row label of a consolidation candidate
CONSOLIDATION_COLOUR = "#6a3fb5"
EXTERNAL_FILL = "#ffffff"
#: landscape: the top products get these colours (ColorBrewer Set3, grey swapped out)
PRODUCT_PALETTE = ("#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                   "#b3de69", "#fccde5", "#a6cee3", "#bc80bd", "#ccebc5", "#ffed6f")
OTHER_PRODUCT_FILL = "#eeeeee"
FONT = "Helvetica,Arial,sans-serif"


# ---- size thresholds (documented in docs/maps.md) ----------------------------------

#: up to this many edges a map labels each dependency with its ``via``
LABEL_EDGES = 120
#: above this many systems: no edge labels, capped layout effort
BIG_MAP = 150
#: a dependency chain longer than this no longer decides the ranks (see _overlay)
MAX_DEPTH = 12
#: above BIG_MAP, dependencies between functions are bundled per (function, target
#: system) and only this many of the biggest bundles are drawn
BUNDLE_EDGES = 60
#: above this many systems, systems with no dependency on the map fold into count nodes
COLLAPSE_MAP = 400
#: above this many drawn nodes or drawn edges, sfdp lays the map out instead of dot
SFDP_MAP = 8000
SFDP_EDGES = 3000


#: a partnership map fills the row of its top this-many consolidation candidates
CANDIDATE_HIGHLIGHTS = 10
#: the landscape colours this many products (the most widely shared)
TOP_PRODUCTS = len(PRODUCT_PALETTE)


# ---- what the maps read from the findings ------------------------------------------

@dataclass
class View:
    """The parts of the findings the maps use; a missing key reads as empty."""

    ratings: dict = field(default_factory=dict)         # system qid -> legacy_risks item
    shared: list = field(default_factory=list)          # shared_products items
    consolidation: list = field(default_factory=list)   # consolidation_candidates items
    hubs: list = field(default_factory=list)            # dependencies.hubs items

    @classmethod
    def of(cls, findings: Optional[dict]) -> "View":
        findings = findings or {}
        risks = _list(findings.get("legacy_risks"))
        deps = findings.get("dependencies")
        hubs = _list(deps.get("hubs")) if isinstance(deps, dict) else []
        return cls(ratings={r["system"]: r for r in risks if r.get("system")},
                   shared=_list(findings.get("shared_products")),
                   consolidation=_list(findings.get("consolidation_candidates")),
                   hubs=[h for h in hubs if h.get("system")])

    def rating(self, qid: str) -> Optional[str]:
        rating = (self.ratings.get(qid) or {}).get("rating")
        return rating if rating in RATING_FILL else None


def _list(value) -> list:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@dataclass
class Map:
    """One map before rendering: its DOT text and how to lay it out."""

    id: str
    kind: str
    title: str
    description: str
    source: str
    engine: str = "dot"
    rank: int = 0
    stats: dict = field(default_factory=dict)


# ---- shared pieces -------------------------------------------------------------------

def _layout(systems: int, nodes: int, edges: int, big: str = "dot") -> tuple[str, dict, bool]:
    """(engine, graph attributes, label edges?) for a map of this size.

    ``big`` is the engine for maps of more than :data:`BIG_MAP` systems: ``osage`` for
    council maps (clusters of systems, measured), ``dot`` for the table-like partnership
    maps and the blast-radius maps, which ``osage`` lays out slowly (a 180-system
    partnership map: over 10 s with osage, under 1 s with dot).
    """
    if nodes > SFDP_MAP or edges > SFDP_EDGES:
        return "sfdp", {"overlap": "prism", "splines": "false", "outputorder": "edgesfirst"}, False
    if systems > BIG_MAP:
        # dot's ranking of a few hundred clustered systems can take minutes (a 359-system
        # synthetic council: over 120 s); osage packs the same clusters in a fraction of
        # a second and draws the dependencies as straight lines over them
        return big, {"nslimit": "2", "nslimit1": "2", "mclimit": "0.3", "searchsize": "30",
                         "remincross": "false", "splines": "true"}, False
    return "dot", {"splines": "true"}, edges <= LABEL_EDGES


def _graph_attrs(title: str, subtitle: str, rankdir: str = "LR", **more) -> dict:
    label = Html(f'<B>{esc(title)}</B><BR ALIGN="LEFT"/><FONT POINT-SIZE="10">{esc(subtitle)}</FONT>'
                 '<BR ALIGN="LEFT"/>')
    return {"label": label, "labelloc": "t", "labeljust": "l", "fontname": FONT, "fontsize": 16,
            "rankdir": rankdir, "nodesep": 0.15, "ranksep": 0.45, "pad": 0.3, "newrank": "true",
            **more}


NODE_DEFAULTS = {"fontname": FONT, "fontsize": 10, "margin": "0.08,0.04", "height": 0.3}
EDGE_DEFAULTS = {"fontname": FONT, "fontsize": 9, "arrowsize": 0.6, "color": "#5f6368"}


def _product_name(estate, system) -> str:
    if system.product_id and system.product_id in estate.catalogue.products:
        return estate.catalogue.products[system.product_id].name
    return system.product or ("bespoke" if system.bespoke else "product not recorded")


def _system_attrs(estate, view: View, system, *, detail: bool = True, highlight: Optional[str] = None,
                  star: bool = False) -> dict:
    """Node attributes of a system: fill by rating, shape by hosting, border by status."""
    rating = view.rating(system.qid)
    risk = view.ratings.get(system.qid) or {}
    shape, extra, peripheries = HOSTING_SHAPE.get(system.hosting, HOSTING_SHAPE[None])
    border, pen, fontcolour = STATUS_STYLE.get(system.status, STATUS_STYLE["live"])
    style = ",".join(s for s in ("filled", extra, border) if s)
    name = wrap_label(system.name, 28)
    if system.status == "planned":
        name = f"<I>{name}</I>"
    parts = []
    if detail:
        parts.append(wrap_label(_product_name(estate, system), 36))
    if risk.get("score") is not None and rating:
        parts.append(f"risk {esc(risk.get('score'))}")
    if system.status != "live":
        parts.append(esc(system.status))
    label = ("\u2605 " if star else "") + name
    if parts:
        label += '<BR/><FONT POINT-SIZE="9">' + " \u00b7 ".join(parts) + "</FONT>"
    tooltip = " | ".join(filter(None, [
        system.qid, _product_name(estate, system), system.hosting or "hosting unknown", system.status,
        f"legacy risk {risk.get('score')} ({rating})" if rating else "legacy risk not rated"]))
    attrs = {"label": Html(label), "shape": shape, "style": style, "fillcolor": RATING_FILL.get(rating, NOT_RATED_FILL),
             "penwidth": pen, "fontcolor": fontcolour, "tooltip": tooltip}
    if peripheries > 1:
        attrs["peripheries"] = peripheries
    if highlight:
        attrs.update(color=highlight, penwidth=3.0)
    return attrs


def _edge_attrs(vias: list, label: bool, overlay: bool = False) -> dict:
    vias = sorted(set(vias or ["other"]), key=lambda v: list(VIA_STYLE).index(v) if v in VIA_STYLE else 99)
    style, colour = VIA_STYLE.get(vias[0], VIA_STYLE["other"])
    # no text on an edge: labels overlapped each other and the nodes on every busy map;
    # the style says how (the legend lists them) and the tooltip names every via
    return {"style": style, "color": colour, "tooltip": ", ".join(vias)}


def _sample(hosting: Optional[str] = None, status: str = "live", fill: str = NOT_RATED_FILL) -> str:
    """A legend cell drawn like a node: shape for hosting, border for status."""
    shape, extra, peripheries = HOSTING_SHAPE.get(hosting, HOSTING_SHAPE[None])
    border, pen, fontcolour = STATUS_STYLE[status]
    styles = ["rounded"] if extra or shape == "ellipse" else []
    styles += [border] if border in ("dashed", "dotted") else []
    style = f' STYLE="{" ".join(styles)}"' if styles else ""
    text = "( )" if shape == "ellipse" else " "
    inner = (f'<TABLE BORDER="{2 if border == "bold" else 1}" CELLBORDER="0" CELLSPACING="0" '
             f'CELLPADDING="0"{style} BGCOLOR="{fill}"><TR><TD WIDTH="30" HEIGHT="12">'
             f'<FONT COLOR="{fontcolour}" POINT-SIZE="9">{text}</FONT></TD></TR></TABLE>')
    if peripheries > 1:
        inner = (f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0"{style}>'
                 f"<TR><TD>{inner}</TD></TR></TABLE>")
    return f"<TD>{inner}</TD>"


def _wrap(text: str, width: int = 52) -> str:
    """Escaped text wrapped onto left-aligned lines of an HTML-like label."""
    return "".join(f'{esc(line)}<BR ALIGN="LEFT"/>' for line in textwrap.wrap(clean(text), width)) or " "


def _legend(dot: Dot, *, edges: bool = True, highlight: bool = False, notes: Iterable[str] = (),
            systems: bool = True) -> None:
    """The legend cluster: one HTML-like table drawn with the same encodings as the nodes
    (``systems=False``: the fill only, for a map whose boxes are not systems)."""
    def head(text: str) -> str:
        return f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>{esc(text)}</B></TD></TR>'

    def row(sample: str, text: str) -> str:
        return f'<TR>{sample}<TD ALIGN="LEFT">{esc(text)}</TD></TR>'

    rows = [head("Fill: legacy risk rating")]
    rows += [row(_sample("on-premise", fill=RATING_FILL.get(r, NOT_RATED_FILL)), RATING_NAMES[r])
             for r in ("red", "amber", "green", None)]
    if systems:
        rows.append(head("Shape: hosting"))
        rows += [row(_sample(hosting), text) for hosting, text in HOSTING_NAMES.items()]
        rows.append(head("Border: status"))
        rows += [row(_sample("on-premise", status), status + (" (grey text)" if status == "retired" else ""))
                 for status in STATUS_STYLE]
    if highlight:
        rows.append(head("Highlights"))
        rows.append(f'<TR><TD><TABLE BORDER="3" COLOR="{SHARED_COLOUR}" CELLBORDER="0" CELLPADDING="0">'
                    f'<TR><TD WIDTH="28" HEIGHT="10"> </TD></TR></TABLE></TD>'
                    '<TD ALIGN="LEFT">product shared by 2+ members</TD></TR>')
        rows.append(f'<TR><TD BORDER="2" COLOR="{CONSOLIDATION_COLOUR}" BGCOLOR="{CONSOLIDATION_FILL}" '
                    'STYLE="rounded" HEIGHT="12"> </TD><TD ALIGN="LEFT">line: consolidation candidate</TD></TR>')
        rows.append(row('<TD>\u2605</TD>', "runs the product recommended for it"))
    if edges:
        rows.append(head("Arrow A \u2192 B: A depends on B, via"))
        for via, (style, colour) in VIA_STYLE.items():
            width = 3 if style == "bold" else 1
            cell_style = f' STYLE="{style}"' if style in ("dashed", "dotted") else ""
            rows.append(row(f'<TD SIDES="B" BORDER="{width}" COLOR="{colour}"{cell_style} WIDTH="36" '
                            'HEIGHT="8"></TD>', via))
    for note in notes:
        rows.append(f'<TR><TD COLSPAN="2" ALIGN="LEFT">{_wrap(note)}</TD></TR>')
    with dot.cluster("legend", label="Legend", fontname=FONT, fontsize=11, style="rounded",
                     color="#9aa0a6", margin=6):
        dot.node("legend", shape="plaintext", fontsize=9, margin=0, label=Html(
            f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">{"".join(rows)}</TABLE>'))


def _function_order(estate) -> dict:
    """Function name -> position in the taxonomy, so clusters come in a stable order."""
    order: dict = {}
    for line in estate.catalogue.lines_of_business.values():
        order.setdefault(line.function or "Other", len(order))
    return order


def _line_of(graph, authority, system) -> tuple[str, str, str]:
    """(function, line node, line name) of a system's first line of business."""
    if not system.supports:
        return "No line of business recorded", "", "No line of business recorded"
    ln = line_node(authority, system.supports[0])
    data = graph.nodes[ln] if ln in graph else {}
    function = data.get("function") or "Other"
    if data.get("local"):
        function = "Local lines of business"
    return function, ln, data.get("label") or system.supports[0]


def _dependencies(graph, qids: set) -> list[tuple[str, str, list]]:
    """depends_on edges (from qid, to qid, via list) touching any of ``qids``, sorted."""
    out = set()
    for qid in qids:
        n = gnode("system", qid)
        if n not in graph:
            continue
        for u, v, data in graph.out_edges(n, data=True):
            if data.get("type") == "depends_on":
                out.add((u, v, tuple(data.get("via") or ["other"])))
        for u, v, data in graph.in_edges(n, data=True):
            if data.get("type") == "depends_on":
                out.add((u, v, tuple(data.get("via") or ["other"])))
    return sorted((u.split(":", 1)[1], v.split(":", 1)[1], list(via)) for u, v, via in out)


def _rating_counts(view: View, systems) -> str:
    counts = Counter(view.rating(s.qid) for s in systems)
    rated = [f"{counts[r]} {r}" for r in ("red", "amber", "green") if counts[r]]
    return ", ".join(rated) + " legacy-risk ratings" if rated else "no legacy-risk ratings yet"


def _plural(n: int, word: str, plural: Optional[str] = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"
