"""The region overview: a region's councils as nodes, tied by the products they share.

A national estate's regions hold dozens of councils each, and drawing every system of
every member side by side (:mod:`.group`) takes seconds a map and a wall to read.  Above
:data:`estate.render.maps.AUTO_COUNCILS` councils a region is drawn as an overview
instead: one node per council (its name, its number of systems), and one edge per pair
of councils that share products (``findings["shared_products"]``), its pen width the
number of products they share (1 for a single product up to :data:`MAX_PENWIDTH` for
the pair sharing most in the region, in proportion), its label that number
and its tooltip naming them.  Councils sharing nothing with the rest of the region stand
alone.  ``neato`` lays it out (no ranks: the ties have no direction).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from estate.render.maps.dot import clean, Dot, Html, wrap_label
from estate.render.maps.group import Group
from estate.render.maps.style import (EDGE_DEFAULTS, FONT, Map, NODE_DEFAULTS, SHARED_COLOUR, View,
                                      _graph_attrs, _plural)

#: the width of the line of the pair of councils sharing most products in a region
MAX_PENWIDTH = 8
#: products named in an edge's tooltip (then "and N more")
TOOLTIP_PRODUCTS = 20


def shared_pairs(view: View, members: list) -> dict:
    """``{(council a, council b): [product names, sorted]}`` for each pair of ``members``
    (a < b) that share at least one product."""
    member_set = set(members)
    pairs: dict = defaultdict(set)
    for item in view.shared:
        here = sorted(set(item.get("authorities") or []) & member_set)
        name = clean(item.get("product_name") or item.get("product"), 80)
        for pair in combinations(here, 2):
            pairs[pair].add(name)
    return {pair: sorted(names) for pair, names in sorted(pairs.items())}


def pen_width(shared: int, most: int) -> float:
    """The width of a line for ``shared`` products when the region's busiest pair shares
    ``most``: 1 for one product, :data:`MAX_PENWIDTH` for the most, in proportion between."""
    if most <= 1:
        return 1.0
    return round(1 + (MAX_PENWIDTH - 1) * (shared - 1) / (most - 1), 1)


def region_overview(estate, view: View, group: Group) -> Map:
    """The overview map of ``group`` (a region): councils as nodes, shared products as ties."""
    present = sorted(m for m in dict.fromkeys(group.members) if m in estate.authorities)
    pairs = shared_pairs(view, present)
    products = {name for names in pairs.values() for name in names}
    title = f"{group.name} region: councils and the products they share"
    subtitle = (f"{_plural(len(present), 'council')}; {_plural(len(pairs), 'pair')} sharing "
                f"{_plural(len(products), 'product')}; a line's width and label: the number of "
                f"products the two councils share")
    description = (f"The region {clean(group.name)}: {_plural(len(present), 'council')}, a line between "
                   f"two councils for each of the {_plural(len(pairs), 'pair')} that share products "
                   f"({_plural(len(products), 'product')} shared in all).")
    map_id = f"region-{group.id}"
    dot = Dot(map_id, _graph_attrs(title, subtitle, overlap="false", sep="+12", splines="false",
                                   outputorder="edgesfirst"),
              {**NODE_DEFAULTS, "shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff",
               "color": "#5f6368"},
              {**EDGE_DEFAULTS, "dir": "none", "color": SHARED_COLOUR})
    for aid in present:
        authority = estate.authorities[aid]
        systems = sum(1 for s in authority.systems.values() if s.status != "retired")
        dot.node(aid, label=Html(f"<B>{wrap_label(authority.name, 28)}</B><BR/>"
                                 f'<FONT POINT-SIZE="9">{_plural(systems, "system")}</FONT>'),
                 tooltip=f"{clean(authority.name)}: {_plural(systems, 'system')} in use")
    most = max((len(names) for names in pairs.values()), default=1)
    for (a, b), names in pairs.items():
        shown = names[:TOOLTIP_PRODUCTS]
        more = f" and {len(names) - len(shown)} more" if len(names) > len(shown) else ""
        dot.edge(a, b, penwidth=pen_width(len(names), most), weight=len(names),
                 label=str(len(names)), fontname=FONT,
                 tooltip=f"{a} and {b} share {_plural(len(names), 'product')}: {', '.join(shown)}{more}")
    return Map(id=map_id, kind="region", title=title, description=description, source=dot.text(),
               engine="neato", stats={"nodes": dot.nodes, "edges": dot.edges, "clusters": dot.clusters,
                                      "members": present, "pairs": len(pairs)})
