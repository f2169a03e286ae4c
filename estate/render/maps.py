"""Graphviz system maps, drawn from the graph and the findings (never recomputed).

:func:`render_maps` writes, into one folder, each map as ``.dot`` and ``.svg`` (and
``png`` / ``pdf`` when ``Settings.map_formats`` asks), and returns one dictionary per
map for the HTML report.  Which maps (``Settings.maps``):

==============  ==========================================================  =====================
map             what it shows                                               drawn when maps is
==============  ==========================================================  =====================
council         every system of one council, clustered by function and     all, councils
                line of business, with its dependencies
blast-radius    one top dependency hub and everything that depends on it   all, councils
partnership     member councils side by side, one row per line of          all, partnerships
                business that 2+ members run systems for
region          the same for a region with 2+ councils                     all
landscape       one table: lines of business x councils, cell = product    all, partnerships
==============  ==========================================================  =====================

Encoding, the same on every map (and in the legend drawn on every map):

* fill: the legacy risk rating from ``findings["legacy_risks"]`` (red / amber / green),
  grey when the system was not rated;
* shape: hosting: square box on-premise, double border hosted, rounded box SaaS/cloud,
  rounded double border hybrid, ellipse unknown;
* border: solid live, bold planned (label says "planned"), dashed retiring, dotted with
  grey text retired;
* edges (A -> B: A depends on B): style by ``via``: api solid, file-transfer dashed,
  database-link bold, manual dotted, sso blue, other grey;
* partnership maps: a thick blue border marks a product shared by 2+ members
  (``findings["shared_products"]``); a purple row label marks a consolidation candidate
  (``findings["consolidation_candidates"]``) and a star its recommended product.

Size thresholds, so that no single map takes more than a few seconds (measurements in
``docs/maps.md``).  dot is fast on clustered, shallow graphs and very slow on long chains
(a clustered but random 350-system estate was 144 ranks deep and took minutes).  So
systems are always clustered by function and line of business; above :data:`LABEL_EDGES`
edges the ``via`` labels go (the style stays); a map deeper than :data:`MAX_DEPTH` or
bigger than :data:`BIG_MAP` systems uses the grid layout, and above :data:`BIG_MAP` the
``osage`` engine packs the clusters instead of ranking them with dot, (each line a compact grid, the
functions on shelves, dependencies drawn over the top with ``constraint=false``) and
capped dot effort (``nslimit``, ``mclimit``, ``searchsize``); above :data:`BIG_MAP` the
dependencies between functions are bundled per (function, target) and only the
:data:`BUNDLE_EDGES` biggest bundles drawn; above :data:`COLLAPSE_MAP` systems those
without a dependency on the map fold into one count node per line of business; above
:data:`SFDP_MAP` drawn nodes or :data:`SFDP_EDGES` drawn edges ``sfdp`` lays the map out.
``splines=ortho`` is never used.  Every Graphviz run has a timeout
(:data:`RENDER_TIMEOUT`, the 10 s budget of a map); a map that runs out of time (or crashes
dot) is retried with ``osage`` (clusters packed, no ranking), then ``sfdp``, and a map
that still fails keeps its ``.dot`` file and reports an ``error``.

Every label is written as an HTML-like label escaped with :func:`html.escape`, and every
quoted string escapes backslashes and quotes, so nothing in an inventory can change the
structure of the DOT text.
"""

from __future__ import annotations

import contextlib
import functools
import html
import logging
import math
import os
import re
import shutil
import subprocess
import textwrap
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

from estate.model.graph import line_node, node as gnode
from estate.output import atomic_path, inside, safe_name, write_text

log = logging.getLogger(__name__)

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
#: seconds one Graphviz run may take before it is killed
RENDER_TIMEOUT = 10.0
#: Graphviz runs in parallel (threads that wait on subprocesses)
MAX_WORKERS = 4
#: formats Graphviz is asked for besides dot and svg
FORMATS = ("svg", "png", "pdf")
#: which map kinds each value of Settings.maps draws
MAP_CHOICES = {
    "all": {"council", "blast-radius", "partnership", "region", "landscape"},
    "councils": {"council", "blast-radius"},
    "partnerships": {"partnership", "landscape"},
    "none": set(),
}
KIND_ORDER = {"landscape": 0, "partnership": 1, "region": 2, "council": 3, "blast-radius": 4}
#: a partnership map fills the row of its top this-many consolidation candidates
CANDIDATE_HIGHLIGHTS = 10
#: the landscape colours this many products (the most widely shared)
TOP_PRODUCTS = len(PRODUCT_PALETTE)


def dot_available() -> bool:
    """True when Graphviz ``dot`` is on the PATH."""
    return shutil.which("dot") is not None


# ---- escaping ------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


def clean(text, limit: Optional[int] = None) -> str:
    """One line of plain text: control characters dropped, whitespace collapsed."""
    if not (type(text) is str and text.isprintable() and "  " not in text
            and text[:1] != " " and text[-1:] != " "):
        # (the fast path above: printable text has no control characters and no white
        # space but the ASCII space, so there is nothing to drop or collapse)
        text = _SPACE.sub(" ", _CONTROL.sub("", "" if text is None else str(text))).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text


def esc(text, limit: Optional[int] = None) -> str:
    """Text for inside an HTML-like label: ``& < > " '`` become entities."""
    return html.escape(clean(text, limit), quote=True)


@functools.lru_cache(maxsize=1 << 17, typed=True)     # names, colours and shapes recur on every map
def quote(text) -> str:
    """A DOT quoted string whose content stays literal (backslashes and quotes escaped)."""
    return '"' + clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Html(str):
    """An HTML-like label, already escaped; written between ``<`` and ``>``."""


def _value(value) -> str:
    if isinstance(value, Html):
        return f"<{value}>"
    if isinstance(value, float):
        return quote(f"{value:g}")
    return quote(value)


def _attrs(attrs: dict) -> str:
    items = [f"{key}={_value(value)}" for key, value in attrs.items() if value is not None]
    return f" [{', '.join(items)}]" if items else ""


class Dot:
    """A small DOT writer: clusters, nodes and edges, every value quoted."""

    def __init__(self, name: str, graph: dict, node: Optional[dict] = None,
                 edge: Optional[dict] = None):
        self.out = [f"digraph {quote(name)} {{"]
        self.depth = 1
        self.nodes = self.edges = self.clusters = 0
        self.invisible: set = set()     # (a, b) of every invisible layout edge
        self.line(f"graph{_attrs(graph)}")
        self.line(f"node{_attrs(node or {})}")
        self.line(f"edge{_attrs(edge or {})}")

    def line(self, text: str) -> None:
        self.out.append("  " * self.depth + text)

    def node(self, name: str, **attrs) -> None:
        self.nodes += 1
        self.line(f"{quote(name)}{_attrs(attrs)}")

    def edge(self, a: str, b: str, **attrs) -> None:
        self.edges += 1
        if attrs.get("style") == "invis":
            self.invisible.add((a, b))
        self.line(f"{quote(a)} -> {quote(b)}{_attrs(attrs)}")

    @contextlib.contextmanager
    def cluster(self, name: str, **attrs):
        self.clusters += 1
        self.line(f"subgraph {quote('cluster_' + name)} {{")
        self.depth += 1
        self.line(f"graph{_attrs(attrs)}")
        try:
            yield self
        finally:
            self.depth -= 1
            self.line("}")

    def text(self) -> str:
        return "\n".join(self.out + ["}"]) + "\n"


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
EDGE_DEFAULTS = {"fontname": FONT, "fontsize": 8, "arrowsize": 0.6, "color": "#5f6368"}


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
    name = esc(system.name, 48)
    if system.status == "planned":
        name = f"<I>{name}</I>"
    parts = []
    if detail:
        parts.append(esc(_product_name(estate, system), 40))
    if risk.get("score") is not None and rating:
        parts.append(f"risk {esc(risk.get('score'))}")
    if system.status != "live":
        parts.append(esc(system.status))
    label = ("\u2605 " if star else "") + name
    if parts:
        label += '<BR/><FONT POINT-SIZE="8">' + " \u00b7 ".join(parts) + "</FONT>"
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
    attrs = {"style": style, "color": colour, "tooltip": ", ".join(vias)}
    if label:
        # a label on a constraint=false edge upsets dot's ranking ("trouble in init_rank")
        attrs["xlabel" if overlay else "label"] = ", ".join(vias)
    return attrs


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
             f'<FONT COLOR="{fontcolour}" POINT-SIZE="7">{text}</FONT></TD></TR></TABLE>')
    if peripheries > 1:
        inner = (f'<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0"{style}>'
                 f"<TR><TD>{inner}</TD></TR></TABLE>")
    return f"<TD>{inner}</TD>"


def _wrap(text: str, width: int = 52) -> str:
    """Escaped text wrapped onto left-aligned lines of an HTML-like label."""
    return "".join(f'{esc(line)}<BR ALIGN="LEFT"/>' for line in textwrap.wrap(clean(text), width)) or " "


def _legend(dot: Dot, *, edges: bool = True, highlight: bool = False, notes: Iterable[str] = ()) -> None:
    """The legend cluster: one HTML-like table drawn with the same encodings as the nodes."""
    def head(text: str) -> str:
        return f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>{esc(text)}</B></TD></TR>'

    def row(sample: str, text: str) -> str:
        return f'<TR>{sample}<TD ALIGN="LEFT">{esc(text)}</TD></TR>'

    rows = [head("Fill: legacy risk rating")]
    rows += [row(_sample("on-premise", fill=RATING_FILL.get(r, NOT_RATED_FILL)), RATING_NAMES[r])
             for r in ("red", "amber", "green", None)]
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


# ---- council map ---------------------------------------------------------------------

def council_map(estate, graph, view: View, authority_id: str) -> Map:
    """Every system of one council, clustered by function then line of business.

    Small, shallow maps let the dependencies decide the ranks (dependents left of what
    they depend on).  Big or deep ones (see :func:`_overlay`) lay each line of business
    out as a compact grid, the functions on shelves, and draw the dependencies over the
    top (``constraint=false``, straight lines under the nodes); above :data:`BIG_MAP`
    systems the dependencies between functions are bundled (:func:`_bundle`) and above
    :data:`COLLAPSE_MAP` the systems without a dependency fold into count nodes.
    """
    authority = estate.authorities[authority_id]
    systems = list(authority.systems.values())
    qids = {s.qid for s in systems}
    deps = _dependencies(graph, qids)
    linked = {q for u, v, _ in deps for q in (u, v)}
    groups: dict = defaultdict(lambda: defaultdict(list))   # function -> (line node, name) -> systems
    for s in systems:
        function, ln, lname = _line_of(graph, authority, s)
        groups[function][(ln, lname)].append(s)
    order = _function_order(estate)
    functions = sorted(groups, key=lambda f: (order.get(f, len(order)), f))
    folded: dict = {}
    if len(systems) > COLLAPSE_MAP:
        for function in functions:
            for key, members in groups[function].items():
                alone = [s for s in members if s.qid not in linked]
                if len(alone) > 1:
                    folded[(function, key)] = alone
    external = sorted({q for u, v, _ in deps for q in (u, v) if q not in qids})
    anchor_of = {s.qid: f"anchor:f{functions.index(_line_of(graph, authority, s)[0])}" for s in systems}
    anchor_of.update(dict.fromkeys(external, "anchor:external"))
    aggregate = len(systems) > BIG_MAP
    individual, bundles, left_out = _bundle(deps, anchor_of) if aggregate else (deps, [], 0)
    drawn = len(systems) - sum(len(v) - 1 for v in folded.values()) + len(external)
    engine, layout, label_edges = _layout(len(systems), drawn, len(individual) + len(bundles),
                                          big="osage")
    overlay = engine != "sfdp" and _overlay(deps, len(systems))
    if overlay:
        # straight edges drawn under the nodes: the labels stay readable
        layout.update(splines="line", outputorder="edgesfirst")
    live = sum(1 for s in systems if s.status != "retired")
    title = f"{authority.name}: systems and dependencies"
    subtitle = (f"{_plural(len(systems), 'system')} ({live} not retired) in "
                f"{_plural(len(functions), 'function')}, {_plural(len(deps), 'dependency', 'dependencies')}; "
                f"{_rating_counts(view, systems)}")
    description = (f"System map of {clean(authority.name)}: {_plural(len(systems), 'system')} grouped by "
                   f"function and line of business, {_plural(len(deps), 'dependency', 'dependencies')}"
                   f"{f' ({len(external)} systems of other councils)' if external else ''}, "
                   f"coloured by legacy risk ({_rating_counts(view, systems)}).")
    dot = Dot(f"council-{authority_id}", _graph_attrs(title, subtitle, **layout), NODE_DEFAULTS, EDGE_DEFAULTS)
    blocks = [_Block("legend", "legend", 1)]
    for fi, function in enumerate(functions):
        anchor = f"anchor:f{fi}"
        with dot.cluster(f"f{fi}", label=Html(f"<B>{esc(function)}</B>"), fontname=FONT, fontsize=12,
                         style="rounded", color="#5f6368", margin=10):
            if overlay or bundles:
                dot.node(anchor, **_anchor(function, visible=not overlay))
            grids = []
            lines = sorted(groups[function].items(), key=lambda kv: (kv[0][1].lower(), kv[0][0]))
            for li, ((ln, lname), members) in enumerate(lines):
                with dot.cluster(f"f{fi}l{li}", label=Html(esc(lname, 60)), fontname=FONT, fontsize=9,
                                 style="rounded,dashed", color="#bdc1c6", margin=6):
                    alone = folded.get((function, (ln, lname)), [])
                    names = []
                    for s in sorted(members, key=lambda s: s.qid):
                        if s not in alone:
                            dot.node(s.qid, **_system_attrs(estate, view, s, detail=not aggregate))
                            names.append(s.qid)
                    if alone:
                        names.append(f"folded:{ln or 'none'}")
                        dot.node(names[-1], **_folded_attrs(view, alone))
                    if overlay:
                        grids.append(_grid(dot, names))
            if overlay:
                blocks.append(_hang(dot, anchor, grids))
    if external:
        anchor = "anchor:external"
        with dot.cluster("external", label="Other councils", fontname=FONT, fontsize=10, style="dashed",
                         color="#9aa0a6"):
            if overlay or bundles:
                dot.node(anchor, **_anchor("Other councils", visible=not overlay))
            for qid in external:
                dot.node(qid, **_external_attrs(estate, qid))
            if overlay:
                blocks.append(_hang(dot, anchor, [_grid(dot, external)]))
    if overlay:
        _shelves(dot, blocks, max(max(b.width for b in blocks), math.ceil(0.6 * math.sqrt(drawn))))
    for u, v, via in individual:
        dot.edge(u, v, **_edge_attrs(via, label_edges, overlay), constraint=_free(dot, u, v, overlay))
    for (tail, head), sources, vias in bundles:
        dot.edge(tail, head, xlabel=_plural(len(sources), "system"), penwidth=1 + min(4.0, math.log2(len(sources))),
                 color="#5f6368b0", style="solid", arrowsize=0.8, constraint=_free(dot, tail, head, overlay),
                 tooltip=f"{len(sources)} systems depend on this via "
                 + ", ".join(f"{k} ({n})" for k, n in sorted(vias.items())))
    _legend(dot, notes=[
        "A system that supports several lines of business sits in the cluster of its first line.",
        "Arrow A \u2192 B: A depends on B; style shows how (via).",
        *(["A thick grey arrow from the left edge of a function box: that many of its systems depend "
           "on the system it points to."] if bundles else []),
        *([f"{left_out} dependencies between functions in smaller bundles are not drawn."]
          if left_out else []),
        *(["Systems with no dependency on this map are folded into one count node per line."]
          if folded else [])])
    return Map(id=f"council-{authority_id}", kind="council", title=title, description=description,
               source=dot.text(), engine=engine, rank=0,
               stats={"systems": len(systems), "nodes": dot.nodes, "edges": dot.edges,
                      "clusters": dot.clusters, "folded": sum(len(v) for v in folded.values()),
                      "overlay": overlay, "bundles": len(bundles)})


def _anchor(text: str, visible: bool) -> dict:
    """The node bundles start from: an invisible point (grids), or a small caption (sfdp)."""
    if visible:
        return {"shape": "plaintext", "label": Html(f"<I>{esc(text, 40)}</I>"), "fontsize": 9}
    return dict(ANCHOR)


#: an invisible point that the rows of a block hang from
ANCHOR = {"shape": "point", "style": "invis", "width": 0.01, "height": 0.01, "label": ""}


def _free(dot: Dot, u: str, v: str, overlay: bool) -> Optional[str]:
    """``constraint=false`` for an overlay edge, unless it parallels an invisible layout edge
    (dot 2.43 aborts in merge_chain on such a pair)."""
    return "false" if overlay and (u, v) not in dot.invisible else None


def _bundle(deps: list, cluster_of: dict) -> tuple[list, list, int]:
    """Split dependencies into those inside one function (drawn one by one) and bundles.

    A bundle is every dependency from one function's systems to one system of another
    function: ``((function anchor, target), sources, {via: count})``.  Only the
    :data:`BUNDLE_EDGES` biggest bundles are drawn (they show the hubs); the third value
    counts the dependencies left out, which the legend states.
    """
    individual = []
    bundles: dict = defaultdict(lambda: (set(), Counter()))
    for u, v, via in deps:
        if cluster_of.get(u) == cluster_of.get(v):
            individual.append((u, v, via))
        else:
            sources, vias = bundles[(cluster_of[u], v)]
            sources.add(u)
            vias.update(via)
    ranked = sorted(bundles.items(), key=lambda kv: (-len(kv[1][0]), kv[0]))
    kept = sorted(ranked[:BUNDLE_EDGES])
    left_out = sum(len(sources) for _, (sources, _) in ranked[BUNDLE_EDGES:])
    return individual, [(key, sources, vias) for key, (sources, vias) in kept], left_out


def _overlay(deps: list, systems: int) -> bool:
    """True when dependencies should not decide the ranks: a big map, or a deep one.

    Long dependency chains make dot stretch every edge over many ranks (a random
    350-system estate had 144 ranks and took minutes); past :data:`MAX_DEPTH` the
    systems are laid out in grids and the dependencies drawn over them.
    """
    if systems > BIG_MAP:
        return True
    import networkx as nx
    g = nx.DiGraph((u, v) for u, v, _ in deps)
    return bool(g) and nx.dag_longest_path_length(nx.condensation(g)) > MAX_DEPTH


@dataclass
class _Block:
    """A laid-out group of nodes: its left-most node, its right-most node, its width in ranks."""

    entry: str
    exit: str
    width: int


def _grid(dot: Dot, names: list) -> list:
    """Chain ``names`` into rows a few ranks wide (invisible edges); returns the rows."""
    width = max(1, math.ceil(math.sqrt(len(names) / 3)))
    rows = [names[i:i + width] for i in range(0, len(names), width)]
    for row in rows:
        for a, b in zip(row, row[1:]):
            dot.edge(a, b, style="invis")
    return rows


def _hang(dot: Dot, anchor: str, grids: list) -> _Block:
    """Hang every row of every grid from ``anchor``, so they start one rank after it."""
    widest: list = []
    for rows in grids:
        for row in rows:
            dot.edge(anchor, row[0], style="invis")
            if len(row) > len(widest):
                widest = row
    return _Block(anchor, widest[-1] if widest else anchor, 1 + len(widest))


def _shelves(dot: Dot, blocks: list, target: int) -> None:
    """Chain blocks left to right into shelves no wider than ``target`` ranks."""
    width = 0
    previous = None
    for b in blocks:
        if previous is not None and width + b.width > target:
            previous, width = None, 0
        if previous is not None:
            dot.edge(previous.exit, b.entry, style="invis")
        previous, width = b, width + b.width


def _folded_attrs(view: View, systems: list) -> dict:
    counts = Counter(view.rating(s.qid) for s in systems)
    worst = next((r for r in ("red", "amber", "green") if counts[r]), None)
    detail = ", ".join(f"{counts[r]} {r if r else 'not rated'}" for r in ("red", "amber", "green", None) if counts[r])
    names = "; ".join(clean(s.name) for s in sorted(systems, key=lambda s: s.qid))
    return {"label": Html(f"<B>{len(systems)} systems</B><BR/>"
                          f'<FONT POINT-SIZE="8">no dependencies on this map<BR/>{esc(detail)}</FONT>'),
            "shape": "folder", "style": "filled", "fillcolor": RATING_FILL.get(worst, NOT_RATED_FILL),
            "tooltip": clean(names, 1000)}


def _external_attrs(estate, qid: str) -> dict:
    authority_id, _, sid = qid.partition("/")
    authority = estate.authorities.get(authority_id)
    system = estate.system(qid)
    return {"label": Html(f'<FONT POINT-SIZE="8">{esc(authority.name if authority else authority_id, 40)}'
                          f'<BR/><B>{esc(system.name if system else sid, 40)}</B></FONT>'),
            "shape": "box", "style": "filled,dashed", "fillcolor": EXTERNAL_FILL, "color": "#9aa0a6",
            "height": 0.2, "tooltip": qid}


# ---- partnership / region map -----------------------------------------------------------

def group_map(estate, graph, view: View, kind: str, group_id: str, name: str, members: list) -> Map:
    """Member councils side by side; one row per line of business 2+ members run systems for.

    Lines whose systems are the same at every member (a revenues system serving council
    tax and business rates, say) share one row, so a system appears once per row.
    """
    present = [m for m in dict.fromkeys(members) if m in estate.authorities]
    member_set = set(present)
    per_line: dict = defaultdict(lambda: defaultdict(list))   # taxonomy line -> authority -> systems
    for aid in present:
        authority = estate.authorities[aid]
        for s in authority.systems.values():
            if s.status == "retired":
                continue
            for lid in dict.fromkeys(s.supports):
                tid = authority.taxonomy_of(lid)
                if tid and s not in per_line[tid][aid]:
                    per_line[tid][aid].append(s)
    need = min(2, len(present))
    cat_lines = estate.catalogue.lines_of_business
    order = _function_order(estate)
    taxonomy = {tid: i for i, tid in enumerate(cat_lines)}

    def function_of(tid: str) -> str:
        return cat_lines[tid].function if tid in cat_lines else "Other"

    lines = sorted((tid for tid, by in per_line.items() if len(by) >= need),
                   key=lambda t: (order.get(function_of(t), len(order)), taxonomy.get(t, len(taxonomy)), t))
    # shared products: items with 2+ members among their councils
    shared: dict = {}
    shared_notes = []
    for item in view.shared:
        here = sorted(set(item.get("authorities") or []) & member_set)
        if len(here) >= 2:
            shared_notes.append(f"Shared: {clean(item.get('product_name') or item.get('product'), 50)} "
                                f"({', '.join(here)})")
            for qid in item.get("systems") or []:
                if str(qid).partition("/")[0] in member_set:
                    shared.setdefault(qid, item)
    # consolidation candidates of this group first, then any within its members
    candidates: dict = {}
    for own in (True, False):
        for position, item in enumerate(view.consolidation):
            group = item.get("group") or {}
            councils = set(item.get("authorities") or [])
            if own:
                match = group.get("kind") == kind and (group.get("id") in (group_id, name)
                                                      or group.get("name") == name)
            else:
                match = len(councils) >= 2 and councils <= member_set
            line = item.get("line_of_business")
            if match and line in per_line and line not in candidates:
                candidates[line] = (position, item)
    ranked = {line: i + 1 for i, (line, _) in enumerate(sorted(candidates.items(), key=lambda kv: kv[1][0]))}
    # rows: lines with the same systems at every member share a row
    rows: list = []
    index: dict = {}
    for tid in lines:
        systems = {a: sorted(per_line[tid].get(a, []), key=lambda s: s.qid) for a in present}
        signature = (function_of(tid), tuple(tuple(s.qid for s in systems[a]) for a in present))
        if signature in index:
            rows[index[signature]]["lines"].append(tid)
        else:
            index[signature] = len(rows)
            rows.append({"lines": [tid], "systems": systems})
    nodes = sum(max(1, len(row["systems"][a])) for row in rows for a in present)
    engine, layout, _ = _layout(nodes, nodes + len(rows), 0)
    n_shared = len({i.get("product") for i in shared.values()})
    noun = "partnership" if kind == "partnership" else "region"
    title = (f"{name}: systems by line of business" if kind == "partnership"
             else f"{name} region: systems by line of business")
    subtitle = (f"{_plural(len(present), 'council')}; {_plural(len(lines), 'line')} of business that "
                f"{'2+ members' if need == 2 else 'the member'} run systems for, in "
                f"{_plural(len(rows), 'row')}; {_plural(n_shared, 'shared product')}, "
                f"{_plural(len(candidates), 'consolidation candidate')} "
                f"(top {min(CANDIDATE_HIGHLIGHTS, len(candidates))} in purple); retired systems not shown")
    description = (f"The {noun} {clean(name)}: "
                   f"{', '.join(clean(estate.authorities[a].name) for a in present) or 'no councils'} "
                   f"side by side for {_plural(len(lines), 'line')} of business, highlighting "
                   f"{_plural(n_shared, 'shared product')} and "
                   f"{_plural(len(candidates), 'consolidation candidate')}.")
    map_id = f"{kind}-{group_id}"
    dot = Dot(map_id, _graph_attrs(title, subtitle, rankdir="TB", **layout), NODE_DEFAULTS, EDGE_DEFAULTS)
    dot.line('edge [style="invis"]')
    recommended_by_row = []
    with dot.cluster("lines", label=Html("<B>Line of business</B>"), fontname=FONT, fontsize=11,
                     color="#ffffff"):
        previous = None
        for row in rows:
            found = [candidates[t] for t in row["lines"] if t in candidates]
            recommended = {item.get("recommended_product") for _, item in found} - {None}
            recommended_by_row.append(recommended)
            shown = row["lines"][:4]
            label = "<BR/>".join(f"<B>{esc(estate.line_name(t), 44)}</B>" for t in shown)
            if len(row["lines"]) > len(shown):
                label += f'<BR/><FONT POINT-SIZE="8">and {len(row["lines"]) - len(shown)} more lines</FONT>'
            attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff", "color": "#dadce0",
                     "width": 2.4, "tooltip": ", ".join(estate.line_name(t) for t in row["lines"])}
            if found:
                best = min(ranked[t] for t in row["lines"] if t in ranked)
                savings = [i.get("estimated_annual_saving") for _, i in found]
                saving = sum(v for v in savings if isinstance(v, (int, float)) and not isinstance(v, bool))
                names = sorted({clean(i.get("recommended_product_name") or i.get("recommended_product"), 36)
                                for _, i in found if i.get("recommended_product")})
                note = f"consolidation candidate #{best}"
                if names:
                    note += f": converge on {', '.join(names[:2])}"
                if saving:
                    note += f"; save about \u00a3{saving:,.0f} a year"
                label += f'<BR/><FONT POINT-SIZE="8">{_wrap(note, 44)}</FONT>'
                attrs["tooltip"] = clean(" ".join(found[0][1].get("reasons") or []), 1000) or attrs["tooltip"]
                if best <= CANDIDATE_HIGHLIGHTS:
                    attrs.update(fillcolor=CONSOLIDATION_FILL, color=CONSOLIDATION_COLOUR, penwidth=2.0)
                else:
                    attrs.update(color=CONSOLIDATION_COLOUR)
            attrs["label"] = Html(label)
            name_ = f"row:{row['lines'][0]}"
            dot.node(name_, **attrs)
            if previous:
                dot.edge(previous, name_)
            previous = name_
    last_row = previous
    for ai, aid in enumerate(present):
        authority = estate.authorities[aid]
        with dot.cluster(f"a{ai}", label=Html(f"<B>{esc(authority.name, 60)}</B>"), fontname=FONT,
                         fontsize=12, style="rounded", color="#5f6368", margin=8):
            previous = None
            for row, recommended in zip(rows, recommended_by_row):
                key = row["lines"][0]
                names = []
                for s in row["systems"][aid]:
                    n = f"{key}|{s.qid}"
                    dot.node(n, **_system_attrs(
                        estate, view, s, highlight=SHARED_COLOUR if s.qid in shared else None,
                        star=s.product_id in recommended if s.product_id else False))
                    names.append(n)
                if not names:
                    n = f"{key}|{aid}|none"
                    dot.node(n, label="no system", shape="plaintext", fontcolor="#9aa0a6", fontsize=8)
                    names.append(n)
                if previous:
                    for n in names:
                        dot.edge(previous, n)
                previous = names[0]
    _legend(dot, edges=False, highlight=True, notes=[
        "Lines whose systems are the same at every member share a row; a system that "
        "supports several rows appears in each.",
        *shared_notes[:12], *(["... and more shared products"] if len(shared_notes) > 12 else [])])
    if last_row:
        dot.edge(last_row, "legend")
    dot.line('edge [style="solid"]')
    return Map(id=map_id, kind=kind, title=title, description=description, source=dot.text(),
               engine=engine, stats={"nodes": dot.nodes, "edges": dot.edges, "clusters": dot.clusters,
                                     "rows": len(rows), "lines": len(lines), "members": present})


# ---- landscape -----------------------------------------------------------------------

def landscape_map(estate, graph, view: View) -> Map:
    """Lines of business x councils; each cell names the products, the top products coloured."""
    authorities = list(estate.authorities.values())
    cells: dict = defaultdict(lambda: defaultdict(dict))   # line -> authority -> {product key: name}
    for a in authorities:
        for s in a.systems.values():
            if s.status == "retired":
                continue
            key = s.product_id or f"~{clean(s.product or s.name).lower()}"
            label = _product_name(estate, s) if (s.product_id or s.product) else f"{clean(s.name)} (no product)"
            if s.status in ("retiring", "planned"):
                label += f" ({s.status})"
            for lid in dict.fromkeys(s.supports):
                tid = a.taxonomy_of(lid)
                if tid:
                    cells[tid][a.id].setdefault((key, label), None)
    # the dominant products: shared ones, ranked by the cells they fill, then by councils
    filled = Counter(key for by in cells.values() for products in by.values() for key, _ in products)
    shared = {}
    for i, item in enumerate(view.shared):
        product = item.get("product")
        if product and product not in shared:
            shared[product] = (-filled[product], -len(item.get("authorities") or []), i, item)
    ranked = sorted(shared.items(), key=lambda kv: kv[1][:3])[:TOP_PRODUCTS]
    top = {product: (PRODUCT_PALETTE[i], rank[3]) for i, (product, rank) in enumerate(ranked)}
    cat_lines = estate.catalogue.lines_of_business
    order = _function_order(estate)
    taxonomy = list(cat_lines)
    rows = sorted(cells, key=lambda t: (order.get(cat_lines[t].function, 99) if t in cat_lines else 99,
                                        taxonomy.index(t) if t in cat_lines else 0, t))
    head = "".join(f'<TD BGCOLOR="#f1f3f4"><B>{esc(a.name, 28)}</B></TD>' for a in authorities)
    body = []
    current = None
    for tid in rows:
        function = cat_lines[tid].function if tid in cat_lines else "Other"
        if function != current:
            current = function
            body.append(f'<TR><TD ALIGN="LEFT" COLSPAN="{len(authorities) + 1}" BGCOLOR="#dadce0">'
                        f"<B>{esc(function)}</B></TD></TR>")
        row = [f'<TD ALIGN="LEFT">{esc(estate.line_name(tid), 44)}</TD>']
        for a in authorities:
            products = sorted(cells[tid].get(a.id, {}), key=lambda kl: (kl[0] not in top, kl[1].lower()))
            if not products:
                row.append('<TD><FONT COLOR="#9aa0a6">\u2014</FONT></TD>')
                continue
            inner = "".join(
                f'<TR><TD BGCOLOR="{top[key][0] if key in top else OTHER_PRODUCT_FILL}">{esc(label, 36)}</TD></TR>'
                for key, label in products)
            row.append(f'<TD CELLPADDING="0"><TABLE BORDER="0" CELLSPACING="1" CELLPADDING="2">{inner}</TABLE></TD>')
        body.append(f"<TR>{''.join(row)}</TR>")
    table = ('<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
             f'<TR><TD BGCOLOR="#f1f3f4"><B>Line of business</B></TD>{head}</TR>{"".join(body)}</TABLE>')
    key_rows = "".join(
        f'<TR><TD BGCOLOR="{colour}" WIDTH="14"> </TD><TD ALIGN="LEFT">'
        f'{esc(item.get("product_name") or product, 44)} ({len(item.get("authorities") or [])} councils)</TD></TR>'
        for product, (colour, item) in top.items())
    key_rows += (f'<TR><TD BGCOLOR="{OTHER_PRODUCT_FILL}" WIDTH="14"> </TD>'
                 '<TD ALIGN="LEFT">any other product</TD></TR>'
                 '<TR><TD><FONT COLOR="#9aa0a6">\u2014</FONT></TD><TD ALIGN="LEFT">no system recorded</TD></TR>')
    title = "Landscape: which product each council runs for each line of business"
    subtitle = (f"{_plural(len(authorities), 'council')}, {_plural(len(rows), 'line')} of business; "
                f"the {len(top)} most widely shared products coloured, other products grey; "
                "retired systems and local-only lines not shown")
    description = (f"Table of {_plural(len(rows), 'line')} of business by {_plural(len(authorities), 'council')} "
                   f"naming the product each council runs, with the {len(top)} most widely shared products "
                   "in colour.")
    dot = Dot("landscape", _graph_attrs(title, subtitle, rankdir="TB"), NODE_DEFAULTS, EDGE_DEFAULTS)
    dot.node("landscape", shape="plaintext", fontsize=9, label=Html(table))
    with dot.cluster("legend", label="Legend", fontname=FONT, fontsize=11, style="rounded", color="#9aa0a6"):
        dot.node("legend", shape="plaintext", fontsize=9, label=Html(
            '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="2">'
            '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Cell colour: product</B></TD></TR>'
            f"{key_rows}</TABLE>"))
    dot.edge("legend", "landscape", style="invis")
    return Map(id="landscape", kind="landscape", title=title, description=description,
               source=dot.text(), stats={"rows": len(rows), "councils": len(authorities), "top": len(top)})


# ---- blast radius --------------------------------------------------------------------

def blast_radius_map(estate, graph, view: View, hub: dict, rank: int = 0) -> Optional[Map]:
    """One hub and the systems that depend on it, directly or transitively."""
    hub_qid = hub["system"]
    hub_system = estate.system(hub_qid)
    if hub_system is None:
        return None
    dependents = hub.get("dependent_systems")
    if not isinstance(dependents, list):
        import networkx as nx
        from estate.model.graph import dependency_graph
        hn = gnode("system", hub_qid)
        deps_graph = dependency_graph(graph)
        dependents = sorted(n.split(":", 1)[1] for n in nx.ancestors(deps_graph, hn)) if hn in deps_graph else []
    qids = {hub_qid} | {q for q in dependents if estate.system(q) is not None}
    edges = [(u, v, via) for u, v, via in _dependencies(graph, qids) if u in qids and v in qids]
    direct = sum(1 for u, v, _ in edges if v == hub_qid)
    by_authority: dict = defaultdict(list)
    for qid in sorted(qids):
        by_authority[qid.partition("/")[0]].append(estate.system(qid))
    engine, layout, label_edges = _layout(len(qids), len(qids), len(edges))
    overlay = engine != "sfdp" and _overlay(edges, len(qids))
    if overlay:
        layout.update(splines="line", outputorder="edgesfirst")
    authority = estate.authorities.get(hub_system.authority)
    where = authority.name if authority else hub_system.authority
    title = f"Blast radius of {clean(hub_system.name)} ({clean(where)})"
    n = len(qids) - 1
    subtitle = (f"{_plural(n, 'system')} depend on it ({direct} directly) across "
                f"{_plural(len(by_authority), 'council')}; {_rating_counts(view, [estate.system(q) for q in qids])}")
    description = (f"If {clean(hub_system.name)} at {clean(where)} fails, {_plural(n, 'system')} that depend on it "
                   f"directly or indirectly are affected ({direct} directly), across "
                   f"{_plural(len(by_authority), 'council')}.")
    map_id = f"blast-radius-{hub_qid}"
    dot = Dot(map_id, _graph_attrs(title, subtitle, **layout), NODE_DEFAULTS, EDGE_DEFAULTS)
    blocks = [_Block("legend", "legend", 1)]
    for ai, (aid, systems) in enumerate(sorted(by_authority.items())):
        a = estate.authorities.get(aid)
        with dot.cluster(f"a{ai}", label=Html(f"<B>{esc(a.name if a else aid, 60)}</B>"), fontname=FONT,
                         fontsize=12, style="rounded", color="#5f6368", margin=8):
            names = []
            for s in sorted(systems, key=lambda s: (s.qid != hub_qid, s.qid)):
                attrs = _system_attrs(estate, view, s, detail=len(qids) <= BIG_MAP)
                if s.qid == hub_qid:
                    attrs.update(penwidth=3.5, color="#202124",
                                 label=Html(f'<FONT POINT-SIZE="8">HUB</FONT><BR/>{attrs["label"]}'))
                dot.node(s.qid, **attrs)
                names.append(s.qid)
            if overlay:
                dot.node(f"anchor:a{ai}", **ANCHOR)
                blocks.append(_hang(dot, f"anchor:a{ai}", [_grid(dot, names)]))
    if overlay:
        _shelves(dot, blocks, max(max(b.width for b in blocks), math.ceil(0.6 * math.sqrt(len(qids)))))
    for u, v, via in edges:
        dot.edge(u, v, **_edge_attrs(via, label_edges, overlay), constraint=_free(dot, u, v, overlay))
    _legend(dot, notes=["Thick black border: the hub; every other system depends on it, "
                        "directly or through others.", "Arrow A \u2192 B: A depends on B."])
    return Map(id=map_id, kind="blast-radius", title=title, description=description, source=dot.text(),
               engine=engine, rank=rank, stats={"nodes": dot.nodes, "edges": dot.edges, "systems": len(qids),
                                                "overlay": overlay})


# ---- which maps ----------------------------------------------------------------------

def region_slug(region: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", clean(region).lower()).strip("-") or "unnamed"


def build_maps(estate, graph, findings: Optional[dict], settings) -> list[Map]:
    """Every map ``settings.maps`` asks for, as DOT text (no files written)."""
    return list(iter_maps(estate, graph, findings, settings))


def iter_maps(estate, graph, findings: Optional[dict], settings) -> Iterator[Map]:
    """The maps of :func:`build_maps`, each built only when asked for, in their order:
    by kind (:data:`KIND_ORDER`), then rank, then id.

    The renderer draws each as it comes and lets its DOT text go, so a national estate's
    maps (150 million characters for 400 councils) are never all in memory at once.
    """
    choice = getattr(settings, "maps", "all") or "all"
    if choice not in MAP_CHOICES:
        log.warning("unknown maps setting %r; drawing all maps", choice)
        choice = "all"
    kinds = MAP_CHOICES[choice]
    view = View.of(findings)
    if "landscape" in kinds and estate.authorities:
        yield landscape_map(estate, graph, view)
    # a region whose councils are exactly a partnership's would draw the same map twice
    partnerships: set = set()
    if "partnership" in kinds:
        planned = []
        for pid, p in estate.catalogue.partnerships.items():
            members = [m for m in dict.fromkeys(p.members or [])]
            members += [a.id for a in estate.authorities.values() if pid in a.partnerships and a.id not in members]
            if any(m in estate.authorities for m in members):
                planned.append((f"partnership-{pid}", pid, p.name, members))
        for _, pid, name, members in sorted(planned, key=lambda plan: plan[0]):
            m = group_map(estate, graph, view, "partnership", pid, name, members)
            partnerships.add(frozenset(m.stats.get("members", ())))
            yield m
    if "region" in kinds:
        regions: dict = defaultdict(list)
        for a in estate.authorities.values():
            if a.region and clean(a.region):
                regions[clean(a.region)].append(a.id)
        planned, used = [], set()
        for region, members in sorted(regions.items()):
            if len(members) >= 2 and frozenset(members) not in partnerships:
                slug, i = region_slug(region), 2
                while slug in used:            # "North West" and "north-west" stay apart
                    slug, i = f"{region_slug(region)}-{i}", i + 1
                used.add(slug)
                planned.append((f"region-{slug}", slug, region, members))
        for _, slug, region, members in sorted(planned, key=lambda plan: plan[0]):
            yield group_map(estate, graph, view, "region", slug, region, members)
    if "council" in kinds:
        for aid in sorted(estate.authorities, key=lambda aid: f"council-{aid}"):
            yield council_map(estate, graph, view, aid)
    if "blast-radius" in kinds:
        # the findings list settings.top_hubs hubs, in order: rank i
        for i, hub in enumerate(view.hubs):
            m = blast_radius_map(estate, graph, view, hub, rank=i)
            if m is not None:
                yield m


# ---- rendering -----------------------------------------------------------------------

def _formats(settings) -> list[str]:
    wanted = ["svg", *[str(f).strip().lower() for f in (getattr(settings, "map_formats", None) or ())]]
    out = []
    for fmt in wanted:
        if fmt in ("dot", "") or fmt in out:
            continue
        if fmt not in FORMATS:
            log.warning("map format %r is not supported (use %s); skipped", fmt, ", ".join(FORMATS))
            continue
        out.append(fmt)
    return out


def _stem(m: Map, seen: set) -> str:
    """``m``'s file stem: safe_name of its id, unique (ignoring case) among the stems in
    ``seen``, which it joins."""
    base = safe_name(m.id)
    stem, i = base, 2
    while stem.lower() in seen:
        stem, i = f"{base}-{i}", i + 1
    seen.add(stem.lower())
    return stem


def run_graphviz(source: str, engine: str, outputs: dict, timeout: float) -> None:
    """Lay out ``source`` once with ``engine`` and write each ``{format: path}`` atomically."""
    with contextlib.ExitStack() as stack:
        cmd = [engine]
        for fmt, path in outputs.items():
            tmp = stack.enter_context(atomic_path(path, suffix=f".{fmt}"))
            cmd += [f"-T{fmt}", "-o", str(tmp)]
        done = subprocess.run(cmd, input=source.encode("utf-8"), capture_output=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode("utf-8", "replace").strip() or f"{engine} failed")
        if done.stderr:
            log.debug("%s: %s", engine, done.stderr.decode("utf-8", "replace").strip())


def _render_one(m: Map, stem: str, outdir: Path, formats: list, timeout: float, reuse=None) -> dict:
    if reuse is not None:
        earlier = reuse.lookup(stem, m.source, formats)
        if earlier is not None:
            log.debug("map %s: unchanged since the last run; not drawn again", m.id)
            return earlier
    base = outdir.resolve().parent
    dot_path = inside(outdir, f"{stem}.dot")
    write_text(dot_path, m.source)
    outputs = {fmt: inside(outdir, f"{stem}.{fmt}") for fmt in formats}
    files = {"dot": dot_path.relative_to(base).as_posix()}
    result = {"id": m.id, "kind": m.kind, "title": m.title, "description": m.description,
              "files": files, "engine": m.engine}
    started = time.perf_counter()
    engines = [m.engine] + [e for e in ("osage", "sfdp") if e != m.engine]
    for engine in engines:
        try:
            run_graphviz(m.source, engine, outputs, timeout)
        except subprocess.TimeoutExpired:
            log.warning("map %s: %s ran out of time after %.0f s", m.id, engine, timeout)
            result["error"] = f"{engine} took longer than {timeout:.0f} s"
            continue
        except (OSError, RuntimeError) as exc:
            log.warning("map %s: %s failed: %s", m.id, engine, exc)
            result["error"] = f"{engine} failed: {clean(exc, 300)}"
            continue
        result.pop("error", None)
        result["engine"] = engine
        files.update({fmt: path.relative_to(base).as_posix() for fmt, path in outputs.items()})
        break
    log.debug("map %s drawn in %.2f s", m.id, time.perf_counter() - started)
    if reuse is not None:
        reuse.remember(stem, m.source, formats, result)
    return result


def render_maps(estate, graph, findings, outdir: Path, settings, *, workers: Optional[int] = None,
                timeout: float = RENDER_TIMEOUT, reuse=None) -> list[dict]:
    """Draw every map into ``outdir``; one dict per map (paths relative to ``outdir``'s parent).

    Each dict: ``id``, ``kind``, ``title``, ``description`` (one sentence of alt text),
    ``files`` (``{"dot": ..., "svg": ..., "png": ...}``), ``engine``, and ``error`` when
    Graphviz could not draw the map (its ``.dot`` file is still written).  ``reuse`` (an
    :class:`estate.reuse.MapReuse`) hands back maps an earlier run drew from the same DOT
    text, whose files are untouched, instead of drawing them again.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    formats = _formats(settings)
    workers = max(1, workers or min(MAX_WORKERS, os.cpu_count() or 1))
    # each map is built as a worker comes free and let go once drawn: at most this many
    # maps' DOT text is held at a time
    slots = threading.BoundedSemaphore(2 * workers)
    seen: set = set()
    futures = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for m in iter_maps(estate, graph, findings, settings):
            slots.acquire()
            future = pool.submit(_render_one, m, _stem(m, seen), outdir, formats, timeout, reuse)
            future.add_done_callback(lambda _: slots.release())
            futures.append(future)
            del m, future
    return [f.result() for f in futures]
