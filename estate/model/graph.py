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
    g = nx.DiGraph()
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
            g.add_edge(node("product", product.id), node("vendor", product.vendor), type="made_by")
    for partnership in cat.partnerships.values():
        g.add_node(node("partnership", partnership.id), type="partnership", label=partnership.name,
                   record=partnership, kind=partnership.kind, id=partnership.id)
    for a in estate.authorities.values():
        an = node("authority", a.id)
        g.add_node(an, type="authority", label=a.name, record=a, id=a.id)
        for pid in a.partnerships:
            if pid in cat.partnerships:
                g.add_edge(an, node("partnership", pid), type="member_of")
        for line in a.lines.values():
            ln = line_node(a, line.id)
            if ln not in g:
                g.add_node(ln, type="line", label=line.name or line.id, function="Local", local=True,
                           id=f"{a.id}/{line.id}")
            g.add_edge(an, ln, type="runs")
        for s in a.systems.values():
            sn = node("system", s.qid)
            g.add_node(sn, type="system", label=s.name, record=s, authority=a.id, status=s.status,
                       id=s.qid)
            g.add_edge(an, sn, type="runs")
            for lid in s.supports:
                ln = line_node(a, lid)
                if ln in g:
                    g.add_edge(sn, ln, type="supports")
            if s.product_id:
                g.add_edge(sn, node("product", s.product_id), type="instance_of")
            elif s.vendor_id:
                g.add_edge(sn, node("vendor", s.vendor_id), type="made_by")
        for c in a.contracts.values():
            cn = node("contract", c.qid)
            g.add_node(cn, type="contract", label=c.id, record=c, authority=a.id, id=c.qid)
            g.add_edge(an, cn, type="runs")
            if c.vendor_id:
                g.add_edge(cn, node("vendor", c.vendor_id), type="supplied_by")
    # dependencies last, once every system node exists
    for s in estate.systems():
        for dep in s.depends_on:
            target = node("system", dep.qid)
            if dep.resolved and target in g:
                sn = node("system", s.qid)
                if g.has_edge(sn, target):
                    g.edges[sn, target]["via"] = sorted(set(g.edges[sn, target]["via"]) | {dep.via or "other"})
                else:
                    g.add_edge(sn, target, type="depends_on", via=[dep.via or "other"])
    for c in estate.contracts():
        for sid in c.covers:
            qid = sid if "/" in sid else f"{c.authority}/{sid}"
            if node("system", qid) in g:
                g.add_edge(node("contract", c.qid), node("system", qid), type="covers")
    return g


def dependency_graph(g: nx.DiGraph) -> nx.DiGraph:
    """Only systems and their depends_on edges (a view; cheap)."""
    return nx.subgraph_view(g, filter_node=lambda n: g.nodes[n].get("type") == "system",
                            filter_edge=lambda u, v: g.edges[u, v].get("type") == "depends_on")


def nodes_of(g: nx.DiGraph, kind: str):
    return (n for n, t in g.nodes(data="type") if t == kind)
