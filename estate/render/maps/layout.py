"""Layout for big or deep maps: systems in grids hung from anchors, shelves of
blocks, dependencies drawn over the top, bundles between functions."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Optional

from estate.render.maps.dot import Dot, esc, Html
from estate.render.maps.style import BIG_MAP, BUNDLE_EDGES, MAX_DEPTH

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
