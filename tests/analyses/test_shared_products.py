"""Shared products: one catalogue product in use at two or more councils."""

from __future__ import annotations

import json

from estate.analyses import shared_products

FILES = {
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        systems:
          - {id: a-rb, name: Revenues, product: iWorld, vendor: Northgate, version: "4.1",
             supports: [council-tax], annual_cost: 100000}
          - {id: a-hou, name: Housing, product: NEC Housing, supports: [tenancy-management], annual_cost: 40000}
          - {id: a-reg, name: Housing Register, product: In-house, supports: [tenancy-management]}
          - {id: a-park, name: Parking, product: Acme Parking, supports: [customer-relationship-management]}
        """,
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta Council}
        systems:
          - {id: b-rb, name: Revs and bens, product: Northgate Revenues & Benefits, version: "4.3",
             supports: [council-tax]}
          - {id: b-reg, name: Housing Register, product: In-house, supports: [tenancy-management]}
          - {id: b-park, name: Parking, product: Acme Parking, supports: [customer-relationship-management]}
        """,
    "gamma.yaml": """
        kind: authority
        authority: {id: gamma, name: Gamma Council}
        systems:
          - {id: g-rb, name: Revenues, product: NEC Revenues and Benefits, status: retiring,
             supports: [council-tax], annual_cost: 80000}
          - {id: g-ac, name: Benefits, product: Academy, supports: [housing-benefit], annual_cost: 30000}
        """,
    "delta.yaml": """
        kind: authority
        authority: {id: delta, name: Delta Council}
        systems:
          - {id: d-rb, name: Old revenues, product: iWorld, status: retired, supports: [council-tax],
             annual_cost: 999999}
          - {id: d-hou, name: Housing, product: Northgate Housing, supports: [tenancy-management],
             annual_cost: 25000}
        """,
}


def test_hand_worked_shared_products(mini, settings):
    # By hand:
    #   nec-revenues-benefits: alpha 'iWorld' (100,000), beta 'Northgate Revenues & Benefits'
    #     (no cost), gamma 'NEC Revenues and Benefits' (retiring, 80,000) -> 3 councils, 180,000,
    #     1 unknown; delta's iWorld is retired and does not count.
    #   nec-housing: alpha 'NEC Housing' 40,000 + delta 'Northgate Housing' 25,000 -> 2 councils, 65,000;
    #     same vendor as the revenues product but never merged with it.
    #   Not shared: the two 'In-house' Housing Registers (bespoke), 'Acme Parking' (not in the
    #     catalogue, never grouped by text), Academy (one council).
    estate, graph = mini(FILES)
    found = shared_products.find(estate, graph, settings)
    assert [(f["product"], f["authorities"], f["annual_cost"]) for f in found] == [
        ("nec-revenues-benefits", ["alpha", "beta", "gamma"], 180000),
        ("nec-housing", ["alpha", "delta"], 65000),
    ]
    rb, housing = found
    assert rb["systems"] == ["alpha/a-rb", "beta/b-rb", "gamma/g-rb"]
    assert rb["spellings"] == ["iWorld", "NEC Revenues and Benefits", "Northgate Revenues & Benefits"]
    assert (rb["vendor"], rb["vendor_name"], rb["product_name"]) == ("nec", "NEC Software Solutions",
                                                                     "NEC Revenues & Benefits")
    assert rb["not_judged"] == {"annual_cost": 1}
    assert rb["versions"] == ["4.1", "4.3"]
    text = " ".join(rb["reasons"])
    assert "NEC Revenues & Benefits (NEC Software Solutions) is in use at 3 councils (3 systems)" in text
    assert "alpha/a-rb as 'iWorld'" in text and "gamma/g-rb is retiring" in text
    assert "1 system (beta/b-rb) recorded no cost" in text
    assert housing["spellings"] == ["NEC Housing", "Northgate Housing"]
    assert housing["vendor"] == "nec" and housing["not_judged"] == {}


def test_bespoke_and_unresolved_are_never_shared(mini, settings):
    estate, graph = mini(FILES)
    found = shared_products.find(estate, graph, settings)
    systems = {s for f in found for s in f["systems"]}
    assert not systems & {"alpha/a-reg", "beta/b-reg", "alpha/a-park", "beta/b-park", "delta/d-rb"}
    assert estate.system("alpha/a-reg").bespoke and estate.system("alpha/a-park").product_id is None


def test_one_council_with_two_instances_is_not_shared(mini, settings):
    estate, graph = mini({"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: x, name: X, product: iWorld, supports: [council-tax]}
          - {id: y, name: Y, product: iWorld, supports: [business-rates]}
        """})
    assert shared_products.find(estate, graph, settings) == []


def test_deterministic(mini, settings):
    first = shared_products.find(*mini(FILES), settings)
    assert json.dumps(first) == json.dumps(shared_products.find(*mini(FILES), settings))


def test_planned_systems_do_not_make_a_product_shared_but_are_listed(mini, settings):
    from estate.analyses import shared_products
    council = """
        kind: authority
        authority: {{id: {id}, name: {id} council}}
        systems:
          - {{id: rev, name: Revenues, product: iWorld, supports: [council-tax], status: {status},
             annual_cost: 100}}
    """
    estate, graph = mini({"a.yaml": council.format(id="alpha", status="live"),
                          "b.yaml": council.format(id="beta", status="planned"),
                          "c.yaml": council.format(id="gamma", status="retiring")})
    [finding] = shared_products.find(estate, graph, settings)
    # in service: alpha (live) and gamma (retiring) -> shared; beta only plans it
    assert finding["authorities"] == ["alpha", "gamma"]
    assert finding["planned"] == ["beta/rev"]
    assert finding["annual_cost"] == 200


def test_one_live_and_one_planned_is_not_shared(mini, settings):
    from estate.analyses import shared_products
    council = """
        kind: authority
        authority: {{id: {id}, name: {id} council}}
        systems:
          - {{id: rev, name: Revenues, product: iWorld, supports: [council-tax], status: {status}}}
    """
    estate, graph = mini({"a.yaml": council.format(id="alpha", status="live"),
                          "b.yaml": council.format(id="beta", status="planned")})
    assert shared_products.find(estate, graph, settings) == []
