"""The estate as one NetworkX graph.

Nodes are typed (``type`` attribute) and named ``<type>:<qualified id>``:

==============  =================================  ======================================
type            node id                            attributes
==============  =================================  ======================================
authority       ``authority:northbrook``           label, record
partnership     ``partnership:north-central-ict``  label, record, kind
line            ``line:council-tax`` (taxonomy),   label, function, local (bool)
                ``line:northbrook/markets`` (local)
system          ``system:northbrook/nb-academy``   label, record, authority, status
product         ``product:nec-revenues-benefits``  label, record
vendor          ``vendor:nec``                     label, record
contract        ``contract:northbrook/NB-C-0042``  label, record, authority
==============  =================================  ======================================

Edges are typed too (``type``): authority -runs-> system | contract | line;
system -supports-> line; system -depends_on-> system (``via``); system -instance_of->
product; product -made_by-> vendor (and system -made_by-> vendor when the product is
unknown); contract -covers-> system; contract -supplied_by-> vendor; authority
-member_of-> partnership.  ``docs/model.md`` draws it.
"""

from __future__ import annotations


import networkx as nx

from estate.collector import collector_off
from estate.model.records import Estate


def node(kind: str, qid: str) -> str:
    return f"{kind}:{qid}"


def line_node(authority, line_id: str) -> str:
    """The node of a line id as an authority writes it: shared when it maps to the taxonomy."""
    local = authority.lines.get(line_id)
    if local is not None and local.taxonomy_id:
        return node("line", local.taxonomy_id)
    return node("line", f"{authority.id}/{line_id}")


def build_graph(estate: Estate) -> nx.DiGraph:
    """The estate's graph (nodes and edges as in the module docstring).

    Nodes are added as they come; edges are collected in order and added in one call at
    the end (every end already a node), which gives the same graph, in the same order,
    as adding each edge at once, without the cost of a call per edge.  The collector is
    off meanwhile: a graph holds no cycles to collect, only objects that collections
    would walk again and again.
    """
    with collector_off():
        return _build(estate)


# one attribute dictionary per kind of edge: add_edges_from copies it into each edge
RUNS, SUPPORTS, INSTANCE_OF, MADE_BY = ({"type": t} for t in ("runs", "supports", "instance_of",
                                                              "made_by"))
SUPPLIED_BY, COVERS, MEMBER_OF = ({"type": t} for t in ("supplied_by", "covers", "member_of"))


def _build(estate: Estate) -> nx.DiGraph:
    g = nx.DiGraph()
    edges: list = []
    link = edges.append
    nodes = g.nodes                        # ``n in nodes``: is n a node already

    def link_to(u: str, v: str, data: dict) -> None:
        """An edge whose end ``v`` may not be a node yet: it becomes one now, bare, as
        adding the edge at once would make it."""
        if v not in nodes:
            g.add_node(v)
        link((u, v, data))

    cat = estate.catalogue
    for line in cat.lines_of_business.values():
        g.add_node(node("line", line.id), type="line", label=line.name, function=line.function,
                   local=False, id=line.id)
    for vendor in cat.vendors.values():
        g.add_node(node("vendor", vendor.id), type="vendor", label=vendor.name, record=vendor, id=vendor.id)
    for product in cat.products.values():
        g.add_node(node("product", product.id), type="product", label=product.name, record=product,
                   id=product.id)
        if product.vendor in cat.vendors:
            link((node("product", product.id), node("vendor", product.vendor), MADE_BY))
    for partnership in cat.partnerships.values():
        g.add_node(node("partnership", partnership.id), type="partnership", label=partnership.name,
                   record=partnership, kind=partnership.kind, id=partnership.id)
    for a in estate.authorities.values():
        an = node("authority", a.id)
        g.add_node(an, type="authority", label=a.name, record=a, id=a.id)
        for pid in a.partnerships:
            if pid in cat.partnerships:
                link((an, node("partnership", pid), MEMBER_OF))
        line_nodes = {}                    # line id as the council writes it -> its node
        for line in a.lines.values():
            ln = line_nodes[line.id] = line_node(a, line.id)
            if ln not in nodes:
                g.add_node(ln, type="line", label=line.name or line.id, function="Local", local=True,
                           id=f"{a.id}/{line.id}")
            link((an, ln, RUNS))
        for s in a.systems.values():
            sn = node("system", s.qid)
            g.add_node(sn, type="system", label=s.name, record=s, authority=a.id, status=s.status,
                       id=s.qid)
            link((an, sn, RUNS))
            for lid in s.supports:
                ln = line_nodes.get(lid) or line_node(a, lid)
                if ln in nodes:
                    link((sn, ln, SUPPORTS))
            if s.product_id:
                link_to(sn, node("product", s.product_id), INSTANCE_OF)
            elif s.vendor_id:
                link_to(sn, node("vendor", s.vendor_id), MADE_BY)
        for c in a.contracts.values():
            cn = node("contract", c.qid)
            g.add_node(cn, type="contract", label=c.id, record=c, authority=a.id, id=c.qid)
            link((an, cn, RUNS))
            if c.vendor_id:
                link_to(cn, node("vendor", c.vendor_id), SUPPLIED_BY)
    # dependencies last, once every system node exists; a system listing one twice (by
    # different routes) has one edge, listing every route
    via: dict = {}                         # (system node, its dependency's node) -> via
    for s in estate.systems():
        for dep in s.depends_on:
            target = node("system", dep.qid)
            if dep.resolved and target in nodes:
                key = (node("system", s.qid), target)
                if key in via:
                    via[key] = sorted(set(via[key]) | {dep.via or "other"})
                else:
                    via[key] = [dep.via or "other"]
    edges.extend((u, v, {"type": "depends_on", "via": routes}) for (u, v), routes in via.items())
    for c in estate.contracts():
        for sid in c.covers:
            qid = sid if "/" in sid else f"{c.authority}/{sid}"
            if node("system", qid) in nodes:
                link((node("contract", c.qid), node("system", qid), COVERS))
    g.add_edges_from(edges)
    return g


def dependency_graph(g: nx.DiGraph) -> nx.DiGraph:
    """Only systems and their depends_on edges (a view; cheap)."""
    return nx.subgraph_view(g, filter_node=lambda n: g.nodes[n].get("type") == "system",
                            filter_edge=lambda u, v: g.edges[u, v].get("type") == "depends_on")


def nodes_of(g: nx.DiGraph, kind: str):
    return (n for n, t in g.nodes(data="type") if t == kind)
