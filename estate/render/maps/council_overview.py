"""A council on paper: an overview by function, then one drill-down map per function.

A council of up to :data:`ONE_MAP_SYSTEMS` systems keeps its one map.  A larger
council's full map (every system, every dependency) is a wall chart: the sample
councils' ran to 1,260 x 3,780 pt, text near 2 pt when printed on A3, and a 300-system
council's is larger still.  So a council is drawn as

* ``council-<id>``: the **overview**, one box per function (its systems, lines of
  business and legacy-risk ratings, filled by the worst rating), an arrow from a
  function to each function it depends on, as thick as the number of dependencies
  behind it (the count is in the tooltip and the legend says how to read the width),
  and a box for other councils' systems when any are involved;
* ``council-<id>--<function>``: the **drill-down** of each function, the map of
  :func:`estate.render.maps.council.council_map` cut to that function's systems, with
  the systems elsewhere they depend on (or that depend on them) in a dashed box.

Every map then fits A3 at 7 pt or more for the sample and synthetic councils (the
test ``tests/render/test_maps.py::test_every_map_fits_a3`` measures them).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Iterator

from estate.render.maps.council import council_map
from estate.render.maps.dot import Dot, Html, clean, wrap_label
from estate.render.maps.style import (EDGE_DEFAULTS, NODE_DEFAULTS, NOT_RATED_FILL, RATING_FILL, Map, View,
                                      _dependencies, _function_order, _graph_attrs, _legend, _line_of, _plural,
                                      _rating_counts)

#: an overview of at most this many functions is laid out top to bottom, else left to right
TOP_TO_BOTTOM_FUNCTIONS = 10
#: the overview's stand-in for every system of another council
OTHER_COUNCILS = "Other councils"


def functions_of(estate, graph, authority_id: str) -> list:
    """The council's functions in taxonomy order (the order of its drill-down maps)."""
    authority = estate.authorities[authority_id]
    order = _function_order(estate)
    found = {_line_of(graph, authority, s)[0] for s in authority.systems.values()}
    return sorted(found, key=lambda f: (order.get(f, len(order)), f))


#: a council with at most this many systems keeps one map of them all (it fits A3)
ONE_MAP_SYSTEMS = 20


def council_maps(estate, graph, view: View, authority_id: str) -> Iterator[Map]:
    """The overview, then the drill-down of each function (a council of at most
    :data:`ONE_MAP_SYSTEMS` systems: its one map)."""
    if len(estate.authorities[authority_id].systems) <= ONE_MAP_SYSTEMS:
        yield council_map(estate, graph, view, authority_id)
        return
    functions = functions_of(estate, graph, authority_id)
    yield overview_map(estate, graph, view, authority_id, functions)
    for function in functions:
        yield council_map(estate, graph, view, authority_id, function)


def _function_label(function: str, systems: list, lines: int, view: View) -> str:
    counts = Counter(view.rating(s.qid) for s in systems)
    rated = ", ".join(f"{counts[r]} {r}" for r in ("red", "amber", "green") if counts[r]) or "none rated"
    return (f"<B>{wrap_label(function, 26)}</B><BR/>"
            f'<FONT POINT-SIZE="9">{_plural(len(systems), "system")}, '
            f'{_plural(lines, "line")} of business<BR/>legacy risk: {rated}</FONT>')


def overview_map(estate, graph, view: View, authority_id: str, functions: list) -> Map:
    """One box per function and the dependencies between functions (rules in the docstring)."""
    authority = estate.authorities[authority_id]
    systems = list(authority.systems.values())
    function_of = {s.qid: _line_of(graph, authority, s)[0] for s in systems}
    deps = _dependencies(graph, set(function_of))
    links: Counter = Counter()
    vias: dict = defaultdict(Counter)
    for u, v, via in deps:
        key = (function_of.get(u, OTHER_COUNCILS), function_of.get(v, OTHER_COUNCILS))
        if key[0] != key[1]:
            links[key] += 1
            vias[key].update(via)
    node = {f: f"f{i}" for i, f in enumerate(functions)}
    node[OTHER_COUNCILS] = "external"
    title = f"{authority.name}: overview by function"
    subtitle = (f"{_plural(len(systems), 'system')} in {_plural(len(functions), 'function')}, "
                f"{_plural(sum(links.values()), 'dependency', 'dependencies')} between functions; "
                f"{_rating_counts(view, systems)}; each function has its own map")
    description = (f"Overview of {clean(authority.name)}: {_plural(len(functions), 'function')} as boxes with "
                   f"their systems and legacy-risk ratings, and the dependencies between them "
                   f"({_rating_counts(view, systems)}).")
    map_id = f"council-{authority_id}"
    # measured: a few functions that depend on each other in chains lay out flat and wide
    # left to right (a 350-system, 8-function council: 1,622 x 569 pt) but compact top to
    # bottom (623 x 878 pt); many functions are the other way round (the samples' 13 to 17:
    # 1,225 x 920 pt left to right, 1,879 x 732 pt top to bottom)
    rankdir = "TB" if len(functions) <= TOP_TO_BOTTOM_FUNCTIONS else "LR"
    dot = Dot(map_id, _graph_attrs(title, subtitle, rankdir=rankdir, splines="true", nodesep=0.2, ranksep=0.6),
              NODE_DEFAULTS, EDGE_DEFAULTS)
    for function in functions:
        members = [s for s in systems if function_of[s.qid] == function]
        lines = {line for s in members for line in s.supports}
        counts = Counter(view.rating(s.qid) for s in members)
        worst = next((r for r in ("red", "amber", "green") if counts[r]), None)
        dot.node(node[function], label=Html(_function_label(function, members, len(lines), view)),
                 shape="box", style="rounded,filled", fillcolor=RATING_FILL.get(worst, NOT_RATED_FILL),
                 margin="0.15,0.08", tooltip=f"{function}: " + ", ".join(clean(s.name) for s in members)[:900])
    if any(OTHER_COUNCILS in key for key in links):
        dot.node("external", label=OTHER_COUNCILS, shape="box", style="dashed,rounded", color="#9aa0a6")
    for (a, b), n in sorted(links.items(), key=lambda kv: (node[kv[0][0]], node[kv[0][1]])):
        dot.edge(node[a], node[b], penwidth=round(1 + min(4.0, math.log2(n)), 2),
                 tooltip=f"{n} {'dependency' if n == 1 else 'dependencies'} of {a} on {b}: "
                 + ", ".join(f"{k} ({c})" for k, c in sorted(vias[(a, b)].items())))
    _legend(dot, edges=False, systems=False, notes=[
        "Fill: the worst legacy-risk rating among the function's systems.",
        "Arrow A \u2192 B: systems of A depend on systems of B; the thicker the arrow, the more "
        "dependencies (1, 2, 4, 8, 16 or more).",
        "Each function's own map shows its systems, lines of business and dependencies."])
    return Map(id=map_id, kind="council", title=title, description=description, source=dot.text(),
               stats={"systems": len(systems), "functions": len(functions), "links": len(links),
                      "nodes": dot.nodes, "edges": dot.edges})
