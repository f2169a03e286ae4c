"""The council map: every system of one council, clustered by function and line."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Optional

from estate.render.maps.dot import clean, Dot, esc, Html, wrap_label
from estate.render.maps.layout import _anchor, _Block, _bundle, _free, _grid, _hang, _overlay, _shelves
from estate.render.maps.style import (BIG_MAP, COLLAPSE_MAP, _dependencies, _edge_attrs, EDGE_DEFAULTS,
                                      EXTERNAL_FILL, FONT, _function_order, _graph_attrs, _layout, _legend,
                                      _line_of, Map, NODE_DEFAULTS, NOT_RATED_FILL, _plural, _rating_counts,
                                      RATING_FILL, _system_attrs, View)


# ---- council map ---------------------------------------------------------------------

def council_map(estate, graph, view: View, authority_id: str, focus: Optional[str] = None) -> Map:
    """Every system of one council (or of one of its functions, ``focus``: the drill-down of
    :func:`estate.render.maps.council_overview.council_maps`), clustered by function then
    line of business.  A drill-down draws the systems elsewhere that its systems depend
    on, or that depend on them, in a dashed "Elsewhere" box.

    Small, shallow maps let the dependencies decide the ranks (dependents left of what
    they depend on).  Big or deep ones (see :func:`_overlay`) lay each line of business
    out as a compact grid, the functions on shelves, and draw the dependencies over the
    top (``constraint=false``, straight lines under the nodes); above :data:`BIG_MAP`
    systems the dependencies between functions are bundled (:func:`_bundle`) and above
    :data:`COLLAPSE_MAP` the systems without a dependency fold into count nodes.
    """
    authority = estate.authorities[authority_id]
    systems = [s for s in authority.systems.values()
               if focus is None or _line_of(graph, authority, s)[0] == focus]
    qids = {s.qid for s in systems}
    deps = _dependencies(graph, qids)
    gathered: dict = {}
    if focus is not None:
        deps, gathered = _gather_elsewhere(estate, graph, deps, qids)
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
    title = (f"{authority.name}: systems and dependencies" if focus is None
             else f"{authority.name}: {focus}")
    subtitle = (f"{_plural(len(systems), 'system')} ({live} not retired) in "
                f"{_plural(len(functions), 'function')}, {_plural(len(deps), 'dependency', 'dependencies')}; "
                f"{_rating_counts(view, systems)}")
    description = (f"System map of {clean(authority.name)}: {_plural(len(systems), 'system')} grouped by "
                   f"function and line of business, {_plural(len(deps), 'dependency', 'dependencies')}"
                   f"{f' ({len(external)} systems of other councils)' if external else ''}, "
                   f"coloured by legacy risk ({_rating_counts(view, systems)}).")
    map_id = f"council-{authority_id}" if focus is None else f"council-{authority_id}--{function_slug(focus)}"
    dot = Dot(map_id, _graph_attrs(title, subtitle, **layout), NODE_DEFAULTS, EDGE_DEFAULTS)
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
                with dot.cluster(f"f{fi}l{li}", label=Html(wrap_label(lname, 40)), fontname=FONT, fontsize=9,
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
        where = "Other councils" if focus is None else "Elsewhere"
        with dot.cluster("external", label=where, fontname=FONT, fontsize=10, style="dashed",
                         color="#9aa0a6"):
            if overlay or bundles:
                dot.node(anchor, **_anchor(where, visible=not overlay))
            for qid in external:
                dot.node(qid, **(_elsewhere_attrs(gathered[qid]) if qid in gathered
                                 else _external_attrs(estate, qid, graph)))
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
    return Map(id=map_id, kind="council" if focus is None else "council-function", title=title, description=description,
               source=dot.text(), engine=engine, rank=0,
               stats={"systems": len(systems), "nodes": dot.nodes, "edges": dot.edges,
                      "clusters": dot.clusters, "folded": sum(len(v) for v in folded.values()),
                      "overlay": overlay, "bundles": len(bundles)})


def _folded_attrs(view: View, systems: list) -> dict:
    counts = Counter(view.rating(s.qid) for s in systems)
    worst = next((r for r in ("red", "amber", "green") if counts[r]), None)
    detail = ", ".join(f"{counts[r]} {r if r else 'not rated'}" for r in ("red", "amber", "green", None) if counts[r])
    names = "; ".join(clean(s.name) for s in sorted(systems, key=lambda s: s.qid))
    return {"label": Html(f"<B>{len(systems)} systems</B><BR/>"
                          f'<FONT POINT-SIZE="9">no dependencies on this map<BR/>{esc(detail)}</FONT>'),
            "shape": "folder", "style": "filled", "fillcolor": RATING_FILL.get(worst, NOT_RATED_FILL),
            "tooltip": clean(names, 1000)}


def _external_attrs(estate, qid: str, graph=None) -> dict:
    """A system drawn outside its own map's clusters: its council's name (or, with
    ``graph``, its function when it is the map's own council) above its name."""
    authority_id, _, sid = qid.partition("/")
    authority = estate.authorities.get(authority_id)
    system = estate.system(qid)
    where = authority.name if authority else authority_id
    if graph is not None and system is not None and authority is not None:
        where = f"{where}: {_line_of(graph, authority, system)[0]}"
    return {"label": Html(f'<FONT POINT-SIZE="9">{wrap_label(where, 30)}'
                          f'<BR/><B>{wrap_label(system.name if system else sid, 30)}</B></FONT>'),
            "shape": "box", "style": "filled,dashed", "fillcolor": EXTERNAL_FILL, "color": "#9aa0a6",
            "height": 0.2, "tooltip": qid}


def function_slug(function: str) -> str:
    """A function's name as part of a map id: ``Revenues and Benefits`` -> ``revenues-and-benefits``."""
    return re.sub(r"[^a-z0-9]+", "-", clean(function).lower()).strip("-") or "other"


def _gather_elsewhere(estate, graph, deps: list, qids: set) -> tuple[list, dict]:
    """A drill-down's dependencies with every system outside it gathered into one node per
    (council, function): ``(deps, {node: (council name, function, [systems])})``.  A hub
    that forty systems depend on would otherwise draw forty boxes around one function."""
    gathered: dict = {}

    def place(qid: str) -> str:
        if qid in qids:
            return qid
        authority = estate.authorities.get(qid.partition("/")[0])
        system = estate.system(qid)
        if authority is None or system is None:
            return qid
        function = _line_of(graph, authority, system)[0]
        key = f"elsewhere:{authority.id}:{function_slug(function)}"
        entry = gathered.setdefault(key, (authority.name, function, []))
        if system not in entry[2]:
            entry[2].append(system)
        return key

    merged: dict = {}
    for u, v, via in deps:
        pair = (place(u), place(v))
        merged.setdefault(pair, []).extend(x for x in via if x not in merged.get(pair, []))
    return sorted((u, v, via) for (u, v), via in merged.items()), gathered


#: names listed on a gathered node before "and n more"
ELSEWHERE_NAMES = 6


def _elsewhere_attrs(entry: tuple) -> dict:
    council, function, systems = entry
    names = sorted(clean(s.name) for s in systems)
    shown = "".join(f"<BR/>{wrap_label(n, 30)}" for n in names[:ELSEWHERE_NAMES])
    if len(names) > ELSEWHERE_NAMES:
        shown += f"<BR/>and {len(names) - ELSEWHERE_NAMES} more"
    return {"label": Html(f'<FONT POINT-SIZE="9">{wrap_label(council, 30)}<BR/><B>{wrap_label(function, 30)}</B>'
                          f"{shown}</FONT>"),
            "shape": "box", "style": "filled,dashed", "fillcolor": EXTERNAL_FILL, "color": "#9aa0a6",
            "tooltip": f"{council}, {function}: " + "; ".join(names)[:900]}
