"""Duplicates: two or more live systems for one line of business inside one council."""

from __future__ import annotations

import json

from estate.analyses import duplicates

NORTHBROOK = """
kind: authority
authority: {id: northbrook, name: Northbrook Borough Council}
lines_of_business:
  - {id: crm, name: Customer contact, maps_to: customer-relationship-management}
  - {id: council-tax}
systems:
  # CRM: nb-sf is filed under the local id 'crm', nb-dyn under the taxonomy id: one line
  - {id: nb-sf, name: Salesforce CRM, product: Salesforce Service Cloud, supports: [crm],
     annual_cost: 120000}
  - {id: nb-dyn, name: Dynamics, product: Microsoft Dynamics 365, supports: [customer-relationship-management],
     annual_cost: 90000}
  - {id: nb-old, name: Old CRM, product: Lagan, status: retiring, supports: [crm], annual_cost: 5000}
  - {id: nb-new, name: New CRM, product: Granicus, status: planned, supports: [crm]}
  - {id: nb-gone, name: Ancient CRM, product: Siebel, status: retired, supports: [crm]}
  # one product over three lines: never a duplicate of itself
  - {id: nb-rb, name: Revenues, product: iWorld, vendor: Northgate,
     supports: [council-tax, business-rates, housing-benefit], annual_cost: 200000}
  # two instances of one product (spelled two ways), one without a cost
  - {id: nb-h1, name: Housing North, product: NEC Housing, supports: [tenancy-management], annual_cost: 50000}
  - {id: nb-h2, name: Housing South, product: Northgate Housing, supports: [tenancy-management]}
  # one live and one retiring: a migration, not a duplicate
  - {id: nb-fin, name: Finance, product: Unit4 ERP, supports: [financial-management], annual_cost: 70000}
  - {id: nb-fin-old, name: Old Finance, product: Agresso, status: retiring, supports: [financial-management]}
"""

EASTHAM = """
kind: authority
authority: {id: eastham, name: Eastham Council}
lines_of_business:
  - {id: markets, name: Markets}
systems:
  # one live, one retired for council tax: no duplicate
  - {id: eh-rb, name: Revenues, product: Academy, supports: [council-tax], annual_cost: 100000}
  - {id: eh-rb-old, name: Old revenues, product: OpenRevenues, status: retired, supports: [council-tax],
     annual_cost: 80000}
  # an unmapped local line still compares inside the council; bespoke systems count
  - {id: eh-mk1, name: Markets, product: In-house, supports: [markets], annual_cost: 10000}
  - {id: eh-mk2, name: Market stalls, product: Bespoke, supports: [markets], annual_cost: 5000}
"""


def build(mini):
    return mini({"northbrook.yaml": NORTHBROOK, "eastham.yaml": EASTHAM})


def test_finds_exactly_the_hand_worked_duplicates(mini, settings):
    # By hand:
    #   northbrook CRM: nb-dyn + nb-sf live (crm maps to the taxonomy id), 90,000 + 120,000 = 210,000;
    #     nb-old retiring and nb-new planned shown apart, nb-gone retired not shown.
    #   northbrook tenancy: nb-h1 + nb-h2, one NEC Housing spelled two ways: 50,000 (+1 unknown).
    #   eastham markets (local line): eh-mk1 + eh-mk2 = 15,000.
    #   Not duplicates: nb-rb (one system, three lines), nb-fin (+ retiring), eh-rb (+ retired).
    estate, graph = build(mini)
    found = duplicates.find(estate, graph, settings)
    assert [(f["authority"], f["line_of_business"], f["systems"], f["annual_cost"]) for f in found] == [
        ("northbrook", "customer-relationship-management", ["northbrook/nb-dyn", "northbrook/nb-sf"], 210000),
        ("northbrook", "tenancy-management", ["northbrook/nb-h1", "northbrook/nb-h2"], 50000),
        ("eastham", "markets", ["eastham/eh-mk1", "eastham/eh-mk2"], 15000),
    ]
    crm = found[0]
    assert crm["retiring"] == ["northbrook/nb-old"] and crm["planned"] == ["northbrook/nb-new"]
    assert crm["line_name"] == "Customer relationship management"
    assert crm["products"] == ["Microsoft Dynamics 365", "Salesforce Service Cloud"]
    assert crm["not_judged"] == {}
    assert crm["reasons"][0].startswith(
        "Northbrook Borough Council runs 2 live systems for Customer relationship management: "
        "Dynamics (northbrook/nb-dyn; Microsoft Dynamics 365, not a catalogue product, £90,000 a year) "
        "and Salesforce CRM (northbrook/nb-sf; Salesforce Service Cloud")
    assert crm["reasons"][0].endswith("one may be redundant.")
    assert any("Already retiring, so not counted: Old CRM (northbrook/nb-old)" in r for r in crm["reasons"])
    assert any("Planned, not yet counted: New CRM (northbrook/nb-new)" in r for r in crm["reasons"])
    assert not any("nb-gone" in r for f in found for r in f["reasons"])


def test_same_product_twice_is_two_instances_and_unknown_cost_is_counted(mini, settings):
    estate, graph = build(mini)
    housing = duplicates.find(estate, graph, settings)[1]
    assert housing["products"] == ["NEC Housing", "NEC Housing"]
    assert housing["product_ids"] == ["nec-housing", "nec-housing"]
    assert housing["not_judged"] == {"annual_cost": 1}
    text = " ".join(housing["reasons"])
    assert "2 separate instances of the same product, NEC Housing" in text
    assert "£50,000 a year as far as known: 1 system (northbrook/nb-h2) recorded no annual cost" in text


def test_local_line_keeps_its_name_and_bespoke_products(mini, settings):
    estate, graph = build(mini)
    markets = duplicates.find(estate, graph, settings)[2]
    assert markets["line_name"] == "Markets"
    assert markets["products"] == ["In-house", "Bespoke"]
    assert markets["product_ids"] == [None, None]


def test_same_pair_on_several_lines_says_so(mini, settings):
    # Two revenues systems both serving council tax and business rates: one finding per line,
    # each naming the other line, so nobody adds the two costs up.
    estate, graph = mini({"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: x, name: X, product: iWorld, supports: [council-tax, business-rates], annual_cost: 100}
          - {id: y, name: Y, product: Academy, supports: [council-tax, business-rates], annual_cost: 50}
        """})
    found = duplicates.find(estate, graph, settings)
    # equal cost and size: ordered by line id
    assert [f["line_of_business"] for f in found] == ["business-rates", "council-tax"]
    assert "also overlap on Council Tax" in " ".join(found[0]["reasons"])
    assert "also overlap on Business Rates" in " ".join(found[1]["reasons"])


def test_no_duplicate_without_two_live_systems(mini, settings):
    estate, graph = mini({"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: x, name: X, product: iWorld, supports: [council-tax]}
          - {id: y, name: Y, product: Academy, status: planned, supports: [council-tax]}
          - {id: z, name: Z, product: OpenRevenues, status: retiring, supports: [council-tax]}
          - {id: w, name: W, product: OpenRevenues, supports: []}
        """})
    assert duplicates.find(estate, graph, settings) == []


def test_deterministic(mini, settings, tmp_path):
    first = duplicates.find(*build(mini), settings)
    again = duplicates.find(*build(mini), settings)
    assert json.dumps(first) == json.dumps(again)


def test_a_portal_over_the_back_office_is_complementary_not_a_duplicate(mini, settings):
    # web depends on rb, both serve council tax: one group (rivals 1), two products ->
    # complementary.  x and y serve business rates with no link and different vendors: rivals 2,
    # a duplicate.
    estate, graph = mini({"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: rb, name: Revenues, product: iWorld, supports: [council-tax], annual_cost: 100}
          - {id: web, name: Portal, product: Citizen Portal, supports: [council-tax], annual_cost: 10,
             depends_on: [{system: rb, via: api}]}
          - {id: x, name: X, product: Academy, supports: [business-rates], annual_cost: 5}
          - {id: y, name: Y, product: OpenRevenues, supports: [business-rates], annual_cost: 5}
        """})
    dups = duplicates.find(estate, graph, settings)
    [tax] = duplicates.find_complementary(estate, graph, settings)
    assert [f["line_of_business"] for f in dups] == ["business-rates"]
    rates = dups[0]
    assert (tax["line_of_business"], tax["linked"], tax["rivals"]) == ("council-tax", True, 1)
    assert (rates["linked"], rates["rivals"], rates["complementary"]) == (False, 2, [])
    assert tax["complementary"] == [{"systems": ["alpha/web", "alpha/rb"], "relation": "depends_on",
                                     "why": "alpha/web depends on alpha/rb"}]
    text = " ".join(tax["reasons"])
    assert "They work together rather than compete (alpha/web depends on alpha/rb)" in text
    assert "one may be redundant" not in text and "one may be redundant" in " ".join(rates["reasons"])


def test_products_of_one_family_are_complementary_but_two_instances_are_not(mini, settings):
    # NEC Revenues & Benefits and NEC Housing (one vendor, two products) on tenancy management:
    # complementary with no link.  Two NEC Housing instances plus an NEC R&B on housing benefit:
    # one family, but a product twice -> still a duplicate, with the family pair named.
    estate, graph = mini({"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: rb, name: Revenues, product: iWorld, supports: [tenancy-management, housing-benefit]}
          - {id: h1, name: Housing, product: NEC Housing, supports: [tenancy-management]}
          - {id: h2, name: Housing 2, product: NEC Housing, supports: [housing-benefit]}
          - {id: h3, name: Housing 3, product: NEC Housing, supports: [housing-benefit]}
        """})
    [family] = duplicates.find_complementary(estate, graph, settings)
    assert (family["line_of_business"], [r["relation"] for r in family["complementary"]]) == (
        "tenancy-management", ["product_family"])
    assert "are products of one family (one vendor, NEC Software Solutions)" in " ".join(family["reasons"])
    [dup] = duplicates.find(estate, graph, settings)
    assert (dup["line_of_business"], dup["rivals"]) == ("housing-benefit", 1)
    assert len(dup["complementary"]) == 2 and "instances of one product" in " ".join(dup["reasons"])
