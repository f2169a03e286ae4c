"""Counts that mean what they say, and a council named as the vendor of its own system.

By hand (as of 2026-11-21):

  alpha: 'ctax' (local, maps to council-tax) and 'council-tax' itself both listed: one line.
    rev (iWorld, live), old (Academy, retired), new (OpenRevenues, planned),
    portal (NEC Housing, retiring), own (vendor "Alpha Council", live, no contract).
  summary: products in use at alpha = NEC R&B and NEC Housing (not Academy, retired, nor
    OpenRevenues, planned), plus beta's live Academy = 3; vendors of systems in service =
    NEC and Capita (beta) = 2, not Civica (the contract of a planned system only).
  indicators: lines_of_business = 1 (council-tax), supported by rev.
  in-house: 'own' names its own council as vendor: Q501 is information, and supplier
    concentration files it under "In-house (Alpha Council)", not as a public body.
"""

from __future__ import annotations

from estate.analyses import indicators, quality, summary, supplier_concentration
from estate.analyses._suppliers import in_house, names_own_council

FILES = {
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        lines_of_business:
          - {id: ctax, name: Council tax (local), maps_to: council-tax}
          - {id: council-tax}
        systems:
          - {id: rev, name: Revenues, product: iWorld, supports: [council-tax], annual_cost: 100}
          - {id: old, name: Old, product: Academy, status: retired, supports: [ctax]}
          - {id: new, name: New, product: OpenRevenues, status: planned, supports: [ctax]}
          - {id: portal, name: Portal, product: Northgate Housing, status: retiring, supports: [ctax]}
          - {id: own, name: Own, vendor: Alpha Council, supports: [council-tax], annual_cost: 50}
        contracts:
          - {id: C1, supplier: NEC, covers: [rev], end: 2028-03-31}
          - {id: C2, supplier: Capita, covers: [old], end: 2028-03-31}
          - {id: C3, supplier: Civica, covers: [new], end: 2028-03-31}
        """,
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta Council}
        systems:
          - {id: rev, name: Revenues, product: Academy, supports: [council-tax], annual_cost: 100}
        """,
}


def test_products_and_vendors_count_systems_in_service_only(mini, settings):
    estate, graph = mini(FILES)
    s = summary.summarise(estate, graph, settings)
    # in service: alpha rev (NEC R&B), portal (NEC Housing), own (no catalogue product);
    # beta rev (Academy) -> products 3, vendors NEC and Capita = 2
    assert (s["products"], s["vendors"]) == (3, 2)


def test_a_mapped_local_line_and_its_taxonomy_id_count_once(mini, settings):
    estate, graph = mini(FILES)
    alpha = {a["id"]: a for a in indicators.find(estate, graph, settings)}["alpha"]
    assert (alpha["lines_of_business"], alpha["lines_supported"]) == (1, 1)


def test_a_council_named_as_its_own_vendor_is_in_house(mini, settings):
    estate, graph = mini(FILES)
    own = estate.system("alpha/own")
    assert names_own_council(estate, own) and in_house(estate, own)
    assert not in_house(estate, estate.system("alpha/rev"))
    items = [i for i in quality.find(estate, graph, settings)
             if i["code"] == "Q501" and "alpha/" in i["message"]]
    assert [(i["severity"], "built or run in-house" in i["message"]) for i in items] == [("info", True)]
    ct = {f["line_of_business"]: f for f in supplier_concentration.find(estate, graph, settings)}["council-tax"]
    names = {v["name"]: v["kind"] for v in ct["vendors"]}
    assert names["In-house (Alpha Council)"] == "in-house"
