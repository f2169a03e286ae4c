"""The estate graph: typed nodes and edges, qualified ids."""

from __future__ import annotations

import gc
from collections import Counter

from estate.model.graph import build_graph, dependency_graph, line_node


FILES = {
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha Council, partnerships: [trio]}
        lines_of_business:
          - {id: council-tax}
          - {id: markets, name: Markets}
          - {id: rents, name: Rents, maps_to: tenancy-management}
        systems:
          - {id: rev, name: Revenues, product: iWorld, supports: [council-tax],
             depends_on: [{system: fin, via: file-transfer}, {system: beta/ledger, via: api}]}
          - {id: fin, name: Finance, vendor: Civica, supports: [], depends_on: [{system: rev}]}
          - {id: mkt, name: Markets app, product: Bespoke, supports: [markets, rents]}
        contracts:
          - {id: A-1, supplier: Northgate, covers: [rev], end: 2027-03-31}
    """,
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta Council}
        systems:
          - {id: ledger, name: Ledger, supports: [financial-management]}
    """,
}


def test_nodes_and_edges_are_typed_with_qualified_ids(mini):
    estate, g = mini(FILES)
    assert g.nodes["system:alpha/rev"]["type"] == "system"
    assert g.nodes["contract:alpha/A-1"]["type"] == "contract"
    edge_types = Counter(t for _, _, t in g.edges(data="type"))
    # runs: alpha 3 systems + 1 contract + 3 lines; beta 1 system + 1 implicit line
    assert edge_types["runs"] == 3 + 1 + 3 + 1 + 1
    assert edge_types["depends_on"] == 3
    # alpha names trio itself; beta is listed among trio's members in the catalogue
    assert edge_types["member_of"] == 2
    assert g.edges["system:alpha/rev", "product:nec-revenues-benefits"]["type"] == "instance_of"
    assert g.edges["product:nec-revenues-benefits", "vendor:nec"]["type"] == "made_by"
    assert g.edges["system:alpha/fin", "vendor:civica"]["type"] == "made_by"
    assert g.edges["contract:alpha/A-1", "system:alpha/rev"]["type"] == "covers"
    assert g.edges["contract:alpha/A-1", "vendor:nec"]["type"] == "supplied_by"
    assert g.edges["system:alpha/rev", "system:beta/ledger"]["via"] == ["api"]


def test_local_lines_are_per_council_and_mapped_lines_are_shared(mini):
    estate, g = mini(FILES)
    alpha = estate.authorities["alpha"]
    assert line_node(alpha, "markets") == "line:alpha/markets"
    assert line_node(alpha, "rents") == "line:tenancy-management"
    assert g.has_edge("system:alpha/mkt", "line:alpha/markets")
    assert g.has_edge("system:alpha/mkt", "line:tenancy-management")
    assert g.nodes["line:alpha/markets"]["local"] is True


def test_dependency_view_holds_only_systems_and_dependencies(mini):
    estate, g = mini(FILES)
    deps = dependency_graph(g)
    assert sorted(deps.edges) == [("system:alpha/fin", "system:alpha/rev"),
                                  ("system:alpha/rev", "system:alpha/fin"),
                                  ("system:alpha/rev", "system:beta/ledger")]
    assert all(deps.nodes[n]["type"] == "system" for n in deps.nodes)


def test_a_dependency_listed_twice_is_one_edge_with_every_route(mini):
    files = dict(FILES)
    files["gamma.yaml"] = """
        kind: authority
        authority: {id: gamma, name: Gamma Council}
        systems:
          - {id: a, name: A, supports: [], depends_on: [{system: b, via: sso}, {system: b, via: api}]}
          - {id: b, name: B, supports: []}
    """
    estate, g = mini(files)
    assert g.edges["system:gamma/a", "system:gamma/b"] == {"type": "depends_on", "via": ["api", "sso"]}


def test_nodes_and_each_nodes_edges_come_in_the_order_of_the_records(mini):
    estate, g = mini(FILES)
    kinds = [t for _, t in g.nodes(data="type")]
    # the catalogue first (lines, vendors, products, partnerships), then council by council
    first = kinds.index("authority")
    assert set(kinds[:first]) == {"line", "vendor", "product", "partnership"}
    alpha = [n for n in g if n.startswith(("system:alpha/", "contract:alpha/"))]
    assert alpha == ["system:alpha/rev", "system:alpha/fin", "system:alpha/mkt", "contract:alpha/A-1"]
    # an authority runs its lines, then its systems, then its contracts
    assert [v for v in g.succ["authority:alpha"] if not v.startswith("partnership:")] == [
        "line:council-tax", "line:alpha/markets", "line:tenancy-management",
        "system:alpha/rev", "system:alpha/fin", "system:alpha/mkt", "contract:alpha/A-1"]
    # a system: its lines, its product, then its dependencies in the order written
    assert list(g.succ["system:alpha/rev"]) == ["line:council-tax", "product:nec-revenues-benefits",
                                                "system:alpha/fin", "system:beta/ledger"]


def test_building_leaves_the_garbage_collector_as_it_was(mini):
    estate, _ = mini(FILES)
    assert gc.isenabled()
    build_graph(estate)
    assert gc.isenabled()
    gc.disable()
    try:
        build_graph(estate)
        assert not gc.isenabled()
    finally:
        gc.enable()
