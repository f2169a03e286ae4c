"""The estate graph: typed nodes and edges, qualified ids."""

from __future__ import annotations

from collections import Counter

from estate.model.graph import dependency_graph, line_node


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
