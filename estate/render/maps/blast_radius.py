"""The blast-radius map: one dependency hub and every system that depends on it."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Optional

from estate.model.graph import node as gnode
from estate.render.maps.dot import clean, Dot, Html, wrap_label
from estate.render.maps.layout import ANCHOR, _Block, _free, _grid, _hang, _overlay, _shelves
from estate.render.maps.style import (BIG_MAP, _dependencies, _edge_attrs, EDGE_DEFAULTS, FONT, _graph_attrs,
                                      _layout, _legend, Map, NODE_DEFAULTS, _plural, _rating_counts,
                                      _system_attrs, View)


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
        with dot.cluster(f"a{ai}", label=Html(f"<B>{wrap_label(a.name if a else aid, 40)}</B>"), fontname=FONT,
                         fontsize=12, style="rounded", color="#5f6368", margin=8):
            names = []
            for s in sorted(systems, key=lambda s: (s.qid != hub_qid, s.qid)):
                attrs = _system_attrs(estate, view, s, detail=len(qids) <= BIG_MAP)
                if s.qid == hub_qid:
                    attrs.update(penwidth=3.5, color="#202124",
                                 label=Html(f'<FONT POINT-SIZE="9">HUB</FONT><BR/>{attrs["label"]}'))
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
