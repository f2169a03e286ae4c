"""Shared helpers over the estate graph, for the analyses (one home, so that no analysis
imports another for them).

Everything derived from the graph once and read by several analyses is memoised in one
dictionary on the graph, reached only through :func:`graph_memo`: the edges by type, the
``depends_on`` edges and their digraph, which lines each system supports, the
contracts covering each system, the source positions.  The analyses never change what
they read from it.
"""

from __future__ import annotations

import networkx as nx

from estate.model.loader import Positions

#: statuses of the systems kept in the dependency digraph (retired ones are left out)
ACTIVE = ("live", "retiring", "planned")
#: statuses of the systems in service
IN_SERVICE = ("live", "retiring")


def graph_memo(graph) -> dict:
    """The graph's memo of derived views (created empty on first use)."""
    return graph.graph.setdefault("_memo", {})


#: the types of edge the analyses look up by type (:func:`edges_of_type`)
LOOKED_UP = ("supports", "depends_on")


def edges_of_type(graph, kind: str) -> list:
    """The edges of one ``type`` of :data:`LOOKED_UP` as ``(u, v, edge attributes)``, in
    the graph's edge order.

    One pass over every edge finds them all, memoised on the graph, so that the analyses
    needing ``supports`` or ``depends_on`` edges do not each walk the whole graph.
    """
    memo = graph_memo(graph)
    if "edges_by_type" not in memo:
        by_type: dict = {k: [] for k in LOOKED_UP}
        for u, v, data in graph.edges(data=True):
            found = by_type.get(data.get("type"))
            if found is not None:
                found.append((u, v, data))
        memo["edges_by_type"] = by_type
    return memo["edges_by_type"][kind]


def depends_on_edges(graph) -> list:
    """Every ``depends_on`` edge as ``(system attributes, its dependency's attributes, edge
    attributes)``, in the graph's edge order (memoised)."""
    memo = graph_memo(graph)
    if "depends_on_edges" not in memo:
        nodes = graph.nodes
        memo["depends_on_edges"] = [(nodes[u], nodes[v], data)
                                    for u, v, data in edges_of_type(graph, "depends_on")]
    return memo["depends_on_edges"]


def dependency_digraph(graph) -> nx.DiGraph:
    """Systems (by qualified id) and their ``depends_on`` edges, retired systems left out.

    An edge ``u -> v`` means u depends on v; its ``via`` attribute lists how.  Self-loops
    are kept (they are reported as cycles).  Memoised on the graph.
    """
    memo = graph_memo(graph)
    if "dependency_digraph" not in memo:
        dep = nx.DiGraph()
        dep.add_edges_from((du["id"], dv["id"], {"via": list(data.get("via") or ["other"])})
                           for du, dv, data in depends_on_edges(graph)
                           if du.get("status") in ACTIVE and dv.get("status") in ACTIVE)
        memo["dependency_digraph"] = dep
    return memo["dependency_digraph"]


def line_support(graph) -> dict:
    """Which lines each system supports, and which systems support each council's line.

    ``{"lines_of": {qid: (line node, ...)}, "by_line": {(authority, line node):
    [(qid, status), ...]}}`` over every system; line nodes are the graph's (``line:<taxonomy
    id>`` or ``line:<authority>/<local id>``).  Memoised on the graph.
    """
    memo = graph_memo(graph)
    if "line_support" not in memo:
        nodes = graph.nodes
        supports: dict = {}          # system node -> its line nodes, in the graph's order
        for u, v, _ in edges_of_type(graph, "supports"):
            supports.setdefault(u, []).append(v)
        lines_of: dict = {}
        by_line: dict = {}
        for n, data in nodes(data=True):
            if data.get("type") != "system":
                continue
            qid, status, authority = data["id"], data.get("status"), data.get("authority")
            lines = tuple(supports.get(n, ()))
            lines_of[qid] = lines
            for line in lines:
                by_line.setdefault((authority, line), []).append((qid, status))
        memo["line_support"] = {"lines_of": lines_of, "by_line": by_line}
    return memo["line_support"]


def partner_systems(estate, graph, authority: str, line_node: str) -> list:
    """Systems in service of councils sharing a partnership with ``authority`` that support
    ``line_node`` (a taxonomy line): how a ``delivery: shared-service`` line is supported."""
    memo = graph_memo(graph)
    by_line = line_support(graph)["by_line"]
    partners = memo.setdefault("partners", {})
    if authority not in partners:
        a = estate.authorities[authority]
        found = set()
        for pid in a.partnerships:
            p = estate.catalogue.partnerships.get(pid)
            found.update(p.members if p else ())
        found.discard(authority)
        partners[authority] = found
    return sorted(q for partner in partners[authority]
                  for q, status in by_line.get((partner, line_node), ()) if status in IN_SERVICE)


def positions(graph, estate=None) -> Positions:
    """The run's one :class:`Positions`, memoised on the graph: the loader's
    (``estate.positions``, which reads no YAML again) when it kept one, else a new one."""
    memo = graph_memo(graph)
    if "positions" not in memo:
        memo["positions"] = getattr(estate, "positions", None) or Positions()
    return memo["positions"]


def locate(graph, src, *more) -> tuple:
    """``(file, line, column)`` of a record's source, or of a key below it."""
    if src is None:
        return ("", 0, 0)
    line, column = positions(graph).locate(src.file, src.doc, tuple(src.where) + tuple(more))
    return (src.file, line, column)


def components(nodes, pairs) -> list[list]:
    """The connected components of the undirected graph of ``nodes`` and ``pairs`` (edges),
    each sorted, in the order of their smallest member (NetworkX finds them)."""
    undirected = nx.Graph()
    undirected.add_nodes_from(nodes)
    undirected.add_edges_from(pairs)
    return sorted((sorted(c) for c in nx.connected_components(undirected)), key=lambda c: c[0])
