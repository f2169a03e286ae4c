"""Supplier concentration per line of business (HHI) and the estate's top vendors."""

from __future__ import annotations

import json

import pytest

from estate.analyses import supplier_concentration as sc

ALPHA = """
kind: authority
authority: {id: alpha, name: Alpha Council}
systems:
  # one suite over two lines: 120,000 split 60,000 to each
  - {id: a-rb, name: Revenues, product: iWorld, vendor: Northgate, supports: [council-tax, business-rates],
     annual_cost: 120000}
  - {id: a-hb, name: Benefits, product: iWorld, supports: [housing-benefit], annual_cost: 10000}
  - {id: a-ten, name: Housing, product: NEC Housing, supports: [tenancy-management], annual_cost: 5000}
  - {id: a-crm, name: CRM, vendor: Acme Widgets Ltd, supports: [customer-relationship-management],
     annual_cost: 30000}
contracts:
  - {id: A1, supplier: Northgate, covers: [a-rb], end: 2028-03-31, annual_value: 60000}
  - {id: A2, supplier: Acme Widgets Ltd, covers: [a-crm], end: 2028-03-31, annual_value: 10000}
"""

BETA = """
kind: authority
authority: {id: beta, name: Beta Council}
systems:
  - {id: b-ct, name: Council tax, product: Academy, supports: [council-tax], annual_cost: 40000}
  # retired: ignored (it would otherwise dominate council tax)
  - {id: b-old, name: Old revenues, product: iWorld, status: retired, supports: [council-tax],
     annual_cost: 999999}
  # no annual cost: housing benefit falls back to shares of councils
  - {id: b-hb, name: Benefits, product: Academy, supports: [housing-benefit]}
  - {id: b-crm, name: CRM, product: In-house, supports: [customer-relationship-management],
     annual_cost: 20000}
contracts:
  - {id: B1, supplier: Capita Software, covers: [b-ct], end: 2028-03-31, annual_value: 40000}
  - {id: B2, supplier: Civica, covers: [], end: 2028-03-31}
"""

GAMMA = """
kind: authority
authority: {id: gamma, name: Gamma Council}
systems:
  - {id: g-br, name: Rates, product: OpenRevenues, supports: [business-rates], annual_cost: 60000}
  - {id: g-hb1, name: Benefits 1, product: Academy, supports: [housing-benefit], annual_cost: 1000}
  - {id: g-hb2, name: Benefits 2, product: OpenRevenues, supports: [housing-benefit], annual_cost: 1000}
  - {id: g-crm, name: CRM, vendor: ACME WIDGETS LIMITED, supports: [customer-relationship-management],
     annual_cost: 10000}
  # no vendor, no product: cannot be attributed, left out and counted
  - {id: g-crm2, name: Mystery CRM, supports: [customer-relationship-management], annual_cost: 5000}
contracts:
  - {id: G1, supplier: ACME WIDGETS LIMITED, covers: [g-crm], end: 2028-03-31, annual_value: 10000}
  # a shared service bought from another council: a public body, not a vendor
  - {id: G2, supplier: The Beta Council, covers: [], end: 2028-03-31, annual_value: 5000}
"""


@pytest.fixture
def estate_graph(mini):
    return mini({"alpha.yaml": ALPHA, "beta.yaml": BETA, "gamma.yaml": GAMMA})


def test_hhi_per_line_by_hand(estate_graph, settings):
    estate, graph = estate_graph
    found = sc.find(estate, graph, settings)
    by_line = {f["line_of_business"]: f for f in found}
    # tenancy management is run by alpha alone: fewer than min_councils (2), not reported
    assert [f["line_of_business"] for f in found] == [
        "customer-relationship-management", "council-tax", "business-rates", "housing-benefit"]

    # council tax, by spend: NEC 60,000 (half of alpha's 120,000 suite) and Capita 40,000;
    # beta's retired iWorld is ignored.  Shares 60/40: HHI 3600 + 1600 = 5200
    ct = by_line["council-tax"]
    assert (ct["basis"], ct["hhi"], ct["leading_vendor"], ct["leading_share"]) == \
        ("spend", 5200, "nec", 0.6)
    assert [(v["vendor"], v["share"], v["annual_cost"]) for v in ct["vendors"]] == \
        [("nec", 0.6, 60000), ("capita", 0.4, 40000)]
    assert ct["level"] == "highly concentrated" and ct["authorities"] == 2
    assert "HHI 5200 (60² + 40²): highly concentrated" in ct["reasons"][2]
    assert "shares are of annual spend (£100,000 in all" in ct["reasons"][0]

    # business rates, by spend: NEC 60,000 and Civica 60,000: 2500 + 2500 = 5000; the tie
    # breaks on the name (Civica before NEC Software Solutions)
    br = by_line["business-rates"]
    assert (br["basis"], br["hhi"], br["leading_vendor"]) == ("spend", 5000, "civica")

    # housing benefit: beta's system has no cost, so shares are of councils: alpha NEC (1),
    # beta Capita (1), gamma Capita and Civica (1/2 each) -> NEC 1/3, Capita 1.5/3, Civica 0.5/3
    # HHI = 33.33² + 50² + 16.67² = 1111.1 + 2500 + 277.8 = 3888.9 -> 3889
    hb = by_line["housing-benefit"]
    assert (hb["basis"], hb["hhi"], hb["leading_vendor"], hb["leading_share"]) == \
        ("councils", 3889, "capita", 0.5)
    assert [(v["vendor"], v["share"]) for v in hb["vendors"]] == \
        [("capita", 0.5), ("nec", 0.333), ("civica", 0.167)]
    assert "annual_cost is missing for 1 of the 4 live systems" in hb["reasons"][0]
    capita = hb["vendors"][0]
    assert capita["annual_cost"] is None and capita["systems"] == ["beta/b-hb", "gamma/g-hb1"]

    # CRM, by spend: Acme (two spellings, grouped) 30,000 + 10,000 = 40,000, beta's in-house
    # build 20,000; the vendorless system is left out.  2/3 and 1/3: 4444.4 + 1111.1 = 5556
    crm = by_line["customer-relationship-management"]
    assert (crm["basis"], crm["hhi"]) == ("spend", 5556)
    acme, own = crm["vendors"]
    assert acme["vendor"] is None and not acme["resolved"] and acme["annual_cost"] == 40000
    assert acme["authorities"] == ["alpha", "gamma"]
    assert own["name"] == "In-house (Beta Council)" and own["kind"] == "in-house"
    assert crm["not_judged"] == {"vendor": 1}
    assert any("grouped by the name as written" in r for r in crm["reasons"])


def test_levels_follow_the_settings(estate_graph, settings):
    # UK marks by default (2010 guidelines: above 1,000 concentrated, above 2,000 highly)
    assert sc.level(1000, settings) == "unconcentrated"
    assert sc.level(1001, settings) == "moderately concentrated"
    assert sc.level(2000, settings) == "moderately concentrated"
    assert sc.level(2001, settings) == "highly concentrated"
    # US 2023: above 1,800 highly concentrated
    us = settings.replace(hhi_guidelines="us-2023")
    assert (sc.level(1800, us), sc.level(1801, us)) == ("moderately concentrated", "highly concentrated")
    assert "Merger Guidelines 2023" in sc.thresholds(us)[2]
    assert "CC2 (Revised)/OFT1254" in sc.thresholds(settings)[2]
    estate, graph = estate_graph
    found = sc.find(estate, graph, settings.replace(hhi_high=5300))
    assert {f["line_of_business"]: f["level"] for f in found}["council-tax"] == \
        "moderately concentrated"


def test_vendor_concentration(estate_graph, settings):
    estate, graph = estate_graph
    # contracts: NEC 60,000; Capita 40,000; Acme 10,000 + 10,000 (two spellings, one group);
    # Civica with no annual_value; Beta Council 5,000.  6 contracts, 125,000 a year.
    top2 = sc.find_vendors(estate, graph, settings.replace(top_vendors=2))
    # the top 2 by spend, NEC and Capita: 2 of 6 contracts = 0.333; 100,000 / 125,000 = 0.8
    assert (top2["contracts_share"], top2["spend_share"]) == (0.333, 0.8)
    assert [v["vendor"] for v in top2["vendors"]] == ["nec", "capita"]
    assert top2["vendor_count"] == 4 and top2["contracts"] == 6 and top2["spend"] == 125000

    every = sc.find_vendors(estate, graph, settings)
    # the 4 vendors hold 5 of 6 contracts (0.833) and 120,000 of 125,000 (0.96); the council
    # is in the totals but not ranked
    assert (every["contracts_share"], every["spend_share"]) == (0.833, 0.96)
    assert every["public_bodies"] == [{"supplier": "authority:beta", "name": "Beta Council",
                                       "contracts": 1, "spend": 5000, "authorities": ["gamma"]}]
    acme = every["vendors"][2]
    assert (acme["vendor"], acme["resolved"], acme["contracts"], acme["spend"]) == \
        (None, False, 2, 10000 + 10000)
    assert acme["authorities"] == ["alpha", "gamma"] and acme["contract_share"] == 0.333
    assert every["vendors"][3]["vendor"] == "civica" and every["vendors"][3]["spend"] == 0
    assert every["not_judged"] == {"annual_value": 1}
    assert any("grouped by the name as written" in r for r in every["reasons"])


def test_deterministic(estate_graph, settings):
    estate, graph = estate_graph
    first = json.dumps([sc.find(estate, graph, settings), sc.find_vendors(estate, graph, settings)])
    again = json.dumps([sc.find(estate, graph, settings), sc.find_vendors(estate, graph, settings)])
    assert first == again


def test_spend_and_council_shares_are_never_ranked_together(estate_graph, settings):
    estate, graph = estate_graph
    found = sc.find(estate, graph, settings)
    bases = [f["basis"] for f in found]
    assert bases == sorted(bases, key=sc.BASIS_ORDER.get)
    for basis in ("spend", "councils"):
        hhis = [f["hhi"] for f in found if f["basis"] == basis]
        assert hhis == sorted(hhis, reverse=True)


def test_concentration_reads_as_dependency_and_not_a_problem_where_convergence_is_intended(
        estate_graph, settings):
    estate, graph = estate_graph
    found = sc.find(estate, graph, settings)
    ct = {f["line_of_business"]: f for f in found}["council-tax"]
    assert "This measures dependency: the councils rely on NEC Software Solutions for 60%" in \
        " ".join(ct["reasons"])
    assert (ct["concern"], ct["convergence_intended"]) == (True, False)
    candidate = {"line_of_business": "council-tax", "recommended_product_name": "NEC Revenues & Benefits",
                 "group": {"id": "trio", "name": "Trio Shared Service"}}
    sc.relate(found, [candidate])
    assert (ct["concern"], ct["convergence_intended"], ct["consolidation_groups"]) == (False, True, ["trio"])
    assert ("Convergence is the intended outcome on this line (Trio Shared Service: converge on NEC "
            "Revenues & Benefits), so this concentration is expected, not a problem") in ct["reasons"][-1]
    br = {f["line_of_business"]: f for f in found}["business-rates"]
    assert (br["concern"], br["convergence_intended"]) == (True, False)


def test_run_all_relates_concentration_to_consolidation(mini, settings):
    from estate.analyses import run_all
    estate, graph = mini({"alpha.yaml": ALPHA, "beta.yaml": BETA, "gamma.yaml": GAMMA})
    findings = run_all(estate, graph, settings)
    lines = {c["line_of_business"] for c in findings["consolidation_candidates"]}
    assert lines and lines != {f["line_of_business"] for f in findings["supplier_concentration"]}
    for item in findings["supplier_concentration"]:
        assert item["convergence_intended"] == (item["line_of_business"] in lines)
