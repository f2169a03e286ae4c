"""Consolidation candidates: groups of councils that could converge one line on one product.

The estate below is worked out by hand (as of 2026-11-21).  Every line here (council tax,
business rates, tenancy management) is a case-management line in the cost model: saving
25% (15%-35%) of the replaced systems' line cost R, one-off cost 1.0 x R, so net_5y =
5 x 0.25R - R = 0.25R and payback 4 years; none reaches the £50,000 materiality threshold
(R would need to be 200,000), so the order is by net_5y, that is by R.

Groups, in priority order: trio (shared-service: alpha, beta, gamma), duo-buy
(procurement-group: delta, epsilon), region North (alpha, beta, gamma, delta), region
South (epsilon, zeta), then shared dependencies {alpha, gamma} (alpha/a-portal depends on
gamma/g-ext) and {eta, zeta} (zeta/z-ct depends on eta/h-ct).

Line shares (cost / lines supported): a-rb 300,000 / 3 = 100,000; b-rb 60,000; g-rb
100,000 / 2 = 50,000; d-rb 40,000; e-rb unknown; z-ct 20,000; h-ct 30,000; a-hou 50,000;
b-hou 30,000.

council-tax
  trio {alpha, beta, gamma}: NEC R&B at alpha+beta (2), Academy at gamma (1) -> NEC;
      replace g-rb: 0.25 x 50,000 = 12,500; cost 210,000; contracts G1 (ends 2027-12-31,
      notice 3 still in time) and G2 (2026-12-31, no notice) -> earliest exit 2027-12-31;
      blast radius: gamma/g-ext (depends on g-rb) and alpha/a-portal (depends on g-ext).
  duo-buy {delta, epsilon}: Academy (delta) vs OpenRevenues (epsilon), 1 council each;
      d-rb is past end of support -> OpenRevenues; replace d-rb: 0.25 x 40,000 = 10,000;
      cost 40,000 (epsilon unknown); no contract -> no exit date.
  North {alpha, beta, gamma, delta}: not inside trio or duo-buy. NEC 2 councils, Academy 2;
      NEC all in support, Academy half -> NEC; replace g-rb + d-rb: 0.25 x 90,000 = 22,500;
      cost 250,000.
  South {epsilon, zeta}: OpenRevenues is the only catalogue product (zeta is bespoke);
      replace z-ct: 5,000; cost 20,000.
  {alpha, gamma}: inside trio -> not shown.  {eta, zeta}: Academy (eta) over bespoke;
      replace z-ct: 5,000; cost 50,000.
business-rates
  trio {alpha, gamma} (beta's b-rb is council tax only): NEC (alpha) vs Academy (gamma), one
      council each, both in support; g-rb has an API, a-rb not -> Academy; replace a-rb:
      0.25 x 100,000 = 25,000; cost 150,000; contract A1 missed its notice -> 2028-03-31.
  North and {alpha, gamma}: the same set, covered by trio.
tenancy-management
  trio {alpha, beta}: both NEC Housing -> two instances onto one; keep a-hou (50,000),
      replace b-hou: 0.25 x 30,000 = 7,500; cost 80,000.
Not candidates: housing-benefit and customer-relationship-management (one council each), the
local 'markets' line (not in the taxonomy), eta's retired and alpha's planned systems.
"""

from __future__ import annotations

import json

from estate.analyses import consolidation

FILES = {
    "partnerships.yaml": """
        kind: catalogue
        partnerships:
          - {id: duo-buy, name: Duo Buying Group, kind: procurement-group, members: [delta, epsilon]}
        """,
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha Council, region: North}
        lines_of_business:
          - {id: markets, name: Markets}
        systems:
          - {id: a-rb, name: Revenues, product: iWorld, hosting: on-premise, data: {api: false},
             supports: [council-tax, business-rates, housing-benefit], annual_cost: 300000}
          - {id: a-new, name: New revenues, product: Academy, status: planned, supports: [council-tax]}
          - {id: a-hou, name: Housing, product: NEC Housing, supports: [tenancy-management], annual_cost: 50000}
          - {id: a-mk, name: Markets, product: OpenRevenues, supports: [markets], annual_cost: 1000}
          - {id: a-portal, name: Portal, product: Portal X, supports: [customer-relationship-management],
             depends_on: [{system: gamma/g-ext}]}
        contracts:
          - {id: A1, supplier: Northgate, covers: [a-rb], end: 2027-03-31, extension_until: 2028-03-31,
             notice_months: 6, annual_value: 300000}
        """,
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta Council, region: North}
        lines_of_business:
          - {id: markets, name: Markets}
        systems:
          - {id: b-rb, name: Revs, product: Northgate Revenues & Benefits, supports: [council-tax],
             annual_cost: 60000}
          - {id: b-hou, name: Housing, product: Northgate Housing, supports: [tenancy-management],
             annual_cost: 30000}
          - {id: b-mk, name: Markets, product: OpenRevenues, supports: [markets], annual_cost: 1000}
        """,
    "gamma.yaml": """
        kind: authority
        authority: {id: gamma, name: Gamma Council, region: north }
        systems:
          - {id: g-rb, name: Revenues, product: Academy, data: {api: true},
             supports: [council-tax, business-rates], annual_cost: 100000}
          - {id: g-ext, name: Integration hub, product: Hub, supports: [], depends_on: [{system: g-rb}]}
        contracts:
          - {id: G1, supplier: Capita, covers: [g-rb], end: 2027-12-31, notice_months: 3, annual_value: 90000}
          - {id: G2, supplier: Capita, covers: [g-rb], end: 2026-12-31, annual_value: 10000}
        """,
    "delta.yaml": """
        kind: authority
        authority: {id: delta, name: Delta Council, region: North}
        systems:
          - {id: d-rb, name: Revenues, product: Academy, end_of_support: 2025-01-01, supports: [council-tax],
             annual_cost: 40000}
        """,
    "epsilon.yaml": """
        kind: authority
        authority: {id: epsilon, name: Epsilon Council, region: South}
        systems:
          - {id: e-rb, name: Revenues, product: OpenRevenues, supports: [council-tax]}
        """,
    "zeta.yaml": """
        kind: authority
        authority: {id: zeta, name: Zeta Council, region: South}
        systems:
          - {id: z-ct, name: Council tax, product: In-house, supports: [council-tax], annual_cost: 20000,
             depends_on: [{system: eta/h-ct}]}
        """,
    "eta.yaml": """
        kind: authority
        authority: {id: eta, name: Eta Council}
        systems:
          - {id: h-ct, name: Council tax, product: Academy, supports: [council-tax], annual_cost: 30000}
          - {id: h-old, name: Old council tax, product: OpenRevenues, status: retired, supports: [council-tax]}
        """,
}

EXPECTED = [
    # (line, group kind, group id, authorities, recommended, saving, annual cost)
    ("business-rates", "partnership", "trio", ["alpha", "gamma"], "capita-academy", 25000, 150000),
    ("council-tax", "region", "north", ["alpha", "beta", "delta", "gamma"], "nec-revenues-benefits",
     22500, 250000),
    ("council-tax", "partnership", "trio", ["alpha", "beta", "gamma"], "nec-revenues-benefits",
     12500, 210000),
    ("council-tax", "partnership", "duo-buy", ["delta", "epsilon"], "civica-openrevenues", 10000, 40000),
    ("tenancy-management", "partnership", "trio", ["alpha", "beta"], "nec-housing", 7500, 80000),
    ("council-tax", "shared-dependencies", "eta+zeta", ["eta", "zeta"], "capita-academy", 5000, 50000),
    ("council-tax", "region", "south", ["epsilon", "zeta"], "civica-openrevenues", 5000, 20000),
]


def run(mini, settings):
    estate, graph = mini(FILES)
    return consolidation.find(estate, graph, settings)


def by(found, line, group_id):
    return next(f for f in found if f["line_of_business"] == line and f["group"]["id"] == group_id)


def test_hand_worked_candidates_in_order(mini, settings):
    found = run(mini, settings)
    assert [(f["line_of_business"], f["group"]["kind"], f["group"]["id"], f["authorities"],
             f["recommended_product"], f["estimated_annual_saving"], f["annual_cost"])
            for f in found] == EXPECTED


def test_partnership_candidate_in_full(mini, settings):
    trio = by(run(mini, settings), "council-tax", "trio")
    assert trio["group"] == {"kind": "partnership", "id": "trio", "name": "Trio Shared ICT",
                             "partnership_kind": "shared-service"}
    assert trio["systems"] == ["alpha/a-rb", "beta/b-rb", "gamma/g-rb"]
    assert trio["replaced_systems"] == ["gamma/g-rb"]
    assert [(p["product"], p["authorities"], p["annual_cost"]) for p in trio["products"]] == [
        ("nec-revenues-benefits", ["alpha", "beta"], 160000), ("capita-academy", ["gamma"], 50000)]
    assert trio["contracts"] == ["gamma/G1", "gamma/G2"]
    assert trio["earliest_exit"] == "2027-12-31"
    assert trio["blast_radius"] == ["alpha/a-portal", "gamma/g-ext"]
    assert trio["not_judged"]["notice_months"] == 1          # G2 records no notice period
    assert "0.25 x £50,000" in trio["saving_model"]
    text = " ".join(trio["reasons"])
    assert "Trio Shared ICT (a shared-service partnership) has 3 councils" in text
    assert "most councils in the group use it (2 of 3; next Capita Academy Revenues & Benefits with 1)" in text
    assert "can all end by 2027-12-31" in text
    assert "2 systems depend on the systems that would be replaced" in text


def test_tie_breaks_support_then_api(mini, settings):
    found = run(mini, settings)
    duo = by(found, "council-tax", "duo-buy")
    assert "more of its systems are in vendor support" in " ".join(duo["reasons"])
    assert duo["not_judged"]["annual_cost"] == 1                    # epsilon's cost unknown
    assert duo["earliest_exit"] is None and duo["contracts"] == []
    assert "No recorded contract covers" in " ".join(duo["reasons"])
    rates = by(found, "business-rates", "trio")
    assert "more of its systems have a documented API" in " ".join(rates["reasons"])
    assert rates["replaced_systems"] == ["alpha/a-rb"]
    # A1's 6-month notice deadline (2026-09-30) has passed: it runs to its extension
    assert rates["contracts"] == ["alpha/A1"] and rates["earliest_exit"] == "2028-03-31"
    north = by(found, "council-tax", "north")
    assert north["group"]["name"] == "North"                       # gamma wrote 'north' and counts
    assert north["replaced_systems"] == ["delta/d-rb", "gamma/g-rb"]
    assert north["not_judged"]["contracts"] == 1                   # d-rb has no contract
    text = " ".join(north["reasons"])
    assert "past its end of support" not in text                    # NEC is in support everywhere
    # alpha runs NEC R&B and plans Academy (a-new) for council tax: said, not hidden
    assert "Beware: alpha/a-new (Capita Academy Revenues & Benefits) is planned for Council Tax" in text


def test_bespoke_is_never_recommended(mini, settings):
    found = run(mini, settings)
    deps = by(found, "council-tax", "eta+zeta")
    assert deps["group"]["kind"] == "shared-dependencies"
    assert deps["reasons"][0].startswith("A group of councils whose systems already depend on one "
                                         "another's has 2 councils with a live system for Council Tax")
    for f in found:
        assert f["recommended_product"] is not None
    south = by(found, "council-tax", "south")
    assert south["replaced_systems"] == ["zeta/z-ct"]
    bespoke = [p for p in south["products"] if p["bespoke"]]
    assert [(p["product"], p["systems"]) for p in bespoke] == [(None, ["zeta/z-ct"])]
    assert "never recommended" in " ".join(south["reasons"])


def test_same_product_everywhere_is_instances_onto_one(mini, settings):
    housing = by(run(mini, settings), "tenancy-management", "trio")
    assert housing["same_product"] is True
    assert housing["replaced_systems"] == ["beta/b-hou"]              # a-hou (50,000) is kept
    assert "2 separate instances" in " ".join(housing["reasons"])


def test_local_lines_retired_and_single_council_lines_never_appear(mini, settings):
    found = run(mini, settings)
    lines = {f["line_of_business"] for f in found}
    assert lines == {"council-tax", "business-rates", "tenancy-management"}
    systems = {s for f in found for s in f["systems"]}
    assert not systems & {"eta/h-old", "alpha/a-new", "alpha/a-mk", "beta/b-mk"}


def test_min_councils_is_honoured(mini, settings):
    estate, graph = mini(FILES)
    found = consolidation.find(estate, graph, settings.replace(min_councils=3))
    assert [(f["line_of_business"], f["group"]["id"]) for f in found] == [
        ("council-tax", "north"), ("council-tax", "trio")]


def test_saving_counts_only_known_costs(mini, settings):
    # x (Academy, 10,000) would be replaced: 0.25 x 10,000 = 2,500; y and z (NEC) stay and
    # record no cost, so the cost today is 10,000 with 2 systems not judged.
    estate, graph = mini({"p.yaml": FILES["partnerships.yaml"], "d.yaml": """
        kind: authority
        authority: {id: delta, name: Delta}
        systems:
          - {id: x, name: X, product: Academy, supports: [council-tax], annual_cost: 10000}
          - {id: y, name: Y, product: iWorld, supports: [council-tax]}
        """, "e.yaml": """
        kind: authority
        authority: {id: epsilon, name: Epsilon}
        systems:
          - {id: z, name: Z, product: iWorld, supports: [council-tax]}
        """})
    [f] = consolidation.find(estate, graph, settings)
    assert f["recommended_product"] == "nec-revenues-benefits"      # 2 councils against 1
    assert f["replaced_systems"] == ["delta/x"] and f["estimated_annual_saving"] == 2500
    assert f["annual_cost"] == 10000 and f["not_judged"]["annual_cost"] == 2


def test_deterministic(mini, settings):
    assert json.dumps(run(mini, settings)) == json.dumps(run(mini, settings))


PORTALS = {
    "portal.yaml": """
        kind: catalogue
        products:
          - {id: citizen-portal, name: Citizen Portal, vendor: nec, lines_of_business: [council-tax]}
        """,
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: a-rb, name: Revenues, product: iWorld, supports: [council-tax], annual_cost: 100000}
          - {id: a-web, name: Portal, product: Citizen Portal, hosting: saas, data: {api: true},
             supports: [council-tax], annual_cost: 10000, depends_on: [{system: a-rb}]}
        """,
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta}
        systems:
          - {id: b-rb, name: Revenues, product: iWorld, supports: [council-tax], annual_cost: 80000}
          - {id: b-web, name: Portal, product: Citizen Portal, hosting: saas, data: {api: true},
             supports: [council-tax], annual_cost: 10000, depends_on: [{system: b-rb}]}
        """,
    "gamma.yaml": """
        kind: authority
        authority: {id: gamma, name: Gamma}
        systems:
          - {id: g-rb, name: Revenues, product: Academy, supports: [council-tax], annual_cost: 60000}
          - {id: g-web, name: Portal, product: Citizen Portal, hosting: saas, data: {api: true},
             supports: [council-tax], annual_cost: 10000, depends_on: [{system: g-rb}]}
        """,
}


def test_portals_over_a_back_office_are_add_ons_not_the_product_to_converge_on(mini, settings):
    # Counted naively, Citizen Portal is at 3 councils and would win (SaaS, API) over the
    # revenues systems it fronts.  As add-ons, only a-rb, b-rb (NEC R&B, 2 councils) and g-rb
    # (Academy, 1) are ranked: NEC R&B; g-rb goes: 0.25 x 60,000 = 15,000; cost today
    # 100,000 + 80,000 + 60,000 + 3 x 10,000 = 270,000; g-web depends on g-rb: blast radius.
    estate, graph = mini(PORTALS)
    [f] = consolidation.find(estate, graph, settings)
    assert f["recommended_product"] == "nec-revenues-benefits"
    assert f["add_ons"] == ["alpha/a-web", "beta/b-web", "gamma/g-web"]
    assert f["replaced_systems"] == ["gamma/g-rb"]
    assert (f["estimated_annual_saving"], f["annual_cost"]) == (15000, 270000)
    assert f["blast_radius"] == ["gamma/g-web"]
    assert [p["product"] for p in f["products"]] == ["nec-revenues-benefits", "capita-academy"]
    assert "Treated as add-ons" in " ".join(f["reasons"])


def test_same_back_office_everywhere_converges_instances_despite_add_ons(mini, settings):
    # Without gamma both councils run NEC R&B (with a portal each): keep a-rb (100,000), merge
    # b-rb: 0.25 x 80,000 = 20,000; b-web depends on b-rb and must be re-linked.
    files = {k: v for k, v in PORTALS.items() if k != "gamma.yaml"}
    estate, graph = mini(files)
    [f] = consolidation.find(estate, graph, settings)
    assert (f["recommended_product"], f["same_product"]) == ("nec-revenues-benefits", True)
    assert f["replaced_systems"] == ["beta/b-rb"] and f["estimated_annual_saving"] == 20000
    assert f["blast_radius"] == ["beta/b-web"]
    assert "2 separate instances" in " ".join(f["reasons"])


def test_warnings_about_the_recommended_product(mini, settings):
    # One council each; Academy costs less per council (10,000 against 50,000) and is chosen.
    # b-x's contract can end 2028-03-31 (3 months' notice still in time), after a-x's Academy
    # version leaves support (2027-06-30); alpha also plans OpenRevenues for council tax.
    estate, graph = mini({"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: a-x, name: X, product: Academy, end_of_support: 2027-06-30, supports: [council-tax],
             annual_cost: 10000}
          - {id: a-new, name: New, product: OpenRevenues, status: planned, supports: [council-tax]}
        """, "b.yaml": """
        kind: authority
        authority: {id: beta, name: Beta}
        systems:
          - {id: b-x, name: X, product: iWorld, supports: [council-tax], annual_cost: 50000}
        contracts:
          - {id: B1, supplier: NEC, covers: [b-x], end: 2028-03-31, notice_months: 3}
        """})
    [f] = consolidation.find(estate, graph, settings)
    assert (f["recommended_product"], f["estimated_annual_saving"], f["earliest_exit"]) == (
        "capita-academy", 12500, "2028-03-31")
    text = " ".join(f["reasons"])
    assert "costs less per council for this line (£10,000 a year against £50,000)" in text
    assert "alpha/a-x (2027-06-30) reaches end of support" in text
    assert "alpha/a-new (Civica OpenRevenues) is planned for Council Tax" in text


def test_one_replacement_serving_two_lines_names_its_twin(mini, settings):
    """Alpha and beta run iWorld for council tax and business rates; gamma runs Academy for
    both, in one system.  Per line: NEC (2 councils) beats Capita (1), so gamma's system is
    replaced in both candidates: the same change, cross-referenced; each counts half of
    gamma's £100,000 (two lines), so 0.25 x 50,000 = 12,500 each."""
    from estate.analyses import consolidation
    council = """
        kind: authority
        authority: {{id: {id}, name: {id} council, partnerships: [trio]}}
        systems:
          - {{id: rev, name: Revenues, product: {product}, supports: [council-tax, business-rates],
             annual_cost: 100000}}
    """
    estate, graph = mini({"a.yaml": council.format(id="alpha", product="iWorld"),
                          "b.yaml": council.format(id="beta", product="iWorld"),
                          "c.yaml": council.format(id="gamma", product="Academy")})
    found = {f["line_of_business"]: f for f in consolidation.find(estate, graph, settings)}
    assert sorted(found) == ["business-rates", "council-tax"]
    for line, twin in (("council-tax", "business-rates"), ("business-rates", "council-tax")):
        f = found[line]
        assert f["replaced_systems"] == ["gamma/rev"]
        assert f["estimated_annual_saving"] == 12500
        assert f["same_change_as"] == [twin]
        assert "The same change" in f["reasons"][1]


def test_bespoke_systems_are_described_as_systems_not_products(mini, settings):
    from estate.analyses import consolidation
    council = """
        kind: authority
        authority: {{id: {id}, name: {id} council, partnerships: [trio]}}
        systems:
          - {{id: crm, name: {name}, {what}, supports: [customer-relationship-management]}}
    """
    estate, graph = mini({"a.yaml": council.format(id="alpha", name="CRM", what="vendor: Civica"),
                          "b.yaml": council.format(id="beta", name="Home CRM", what="product: In-house"),
                          "c.yaml": council.format(id="gamma", name="CRM", what="product: iWorld")})
    [f] = [f for f in consolidation.find(estate, graph, settings)]
    text = " ".join(f["reasons"])
    assert "1 catalogue product and 2 other systems (bespoke or not in the catalogue)" in text
    assert "a bespoke system ('Home CRM')" in text


# --------------------------------------------------------------------------------------
# the cost model (estate/data/saving_rates.csv, analyses/_savings.py)
# --------------------------------------------------------------------------------------

def _two_tenants(line: str, cost_a: int, cost_b: int) -> dict:
    """Two councils of one partnership, each running Microsoft 365 for ``line``."""
    def council(aid, cost):
        return f"""
            kind: authority
            authority: {{id: {aid}, name: {aid.title()} Council}}
            systems:
              - {{id: m, name: M365, product: Microsoft 365, supports: [{line}], annual_cost: {cost}}}
            """
    return {"p.yaml": """
        kind: catalogue
        vendors:
          - {id: microsoft, name: Microsoft}
        products:
          - {id: microsoft-365, name: Microsoft 365, vendor: microsoft,
             lines_of_business: [office-productivity, gis-mapping, tenancy-management]}
        lines_of_business:
          - {id: office-productivity, name: Office productivity, function: Corporate, statutory: false}
          - {id: gis-mapping, name: GIS and Mapping, function: Corporate, statutory: false}
        partnerships:
          - {id: pair, name: Pair, kind: shared-service, members: [alpha, beta]}
        """, "a.yaml": council("alpha", cost_a), "b.yaml": council("beta", cost_b)}


def test_per_user_licences_save_little_by_merging_tenants(mini, settings):
    # office-productivity is per-user licensed: keep alpha's (300,000), merge beta's 200,000.
    # saving 3% x 200,000 = 6,000 (0% -> 0 to 6% -> 12,000); one-off 0.25 x 200,000 = 50,000;
    # payback 50,000 / 6,000 = 8.3 years; net_5y 5 x 6,000 - 50,000 = -20,000: minor.
    estate, graph = mini(_two_tenants("office-productivity", 300000, 200000))
    [f] = consolidation.find(estate, graph, settings)
    assert (f["saving_kind"], f["replaced_annual_cost"], f["estimated_annual_saving"], f["saving_low"],
            f["saving_high"], f["one_off_cost"], f["payback_years"], f["net_5y"], f["material"]) == (
        "per-user-licence", 200000, 6000, 0, 12000, 50000, 8.3, -20000, False)
    text = " ".join(f["reasons"])
    assert "Estimated saving £6,000 a year (range £0 to £12,000): 3% (0% to 6%" in text
    assert "treated as per-user licensed software: licences are bought per user" in text
    assert ("One-off cost £50,000: 0.25 x £200,000 (data migration, re-integration, training and "
            "parallel running). It pays back in 8.3 years; over 5 years the net is 5 x £6,000 - "
            "£50,000 = -£20,000, below the materiality threshold of £50,000, so it is listed as minor.") in text


def test_case_management_saves_more_and_can_be_material(mini, settings):
    # The same pair on tenancy-management (case management): 25% x 200,000 = 50,000 (15%: 30,000,
    # 35%: 70,000); one-off 1.0 x 200,000; payback 4 years; net_5y 250,000 - 200,000 = 50,000,
    # exactly the threshold: material.
    estate, graph = mini(_two_tenants("tenancy-management", 300000, 200000))
    [f] = consolidation.find(estate, graph, settings)
    assert (f["saving_kind"], f["estimated_annual_saving"], f["saving_low"], f["saving_high"],
            f["one_off_cost"], f["payback_years"], f["net_5y"], f["material"]) == (
        "case-management", 50000, 30000, 70000, 200000, 4.0, 50000, True)
    assert "at or above the materiality threshold of £50,000." in " ".join(f["reasons"])
    [f] = consolidation.find(estate, graph, settings.replace(materiality_net_5y=50000.01))
    assert not f["material"]


def test_other_lines_and_overrides_from_the_settings(mini, settings):
    # gis-mapping is "other": 15% x 200,000 = 30,000, one-off 0.5 x 200,000 = 100,000, net 50,000.
    estate, graph = mini(_two_tenants("gis-mapping", 300000, 200000))
    [f] = consolidation.find(estate, graph, settings)
    assert (f["saving_kind"], f["estimated_annual_saving"], f["one_off_cost"], f["net_5y"]) == (
        "other", 30000, 100000, 50000)
    # a council's own figures for the line: 10% central, a fixed one-off of 15,000:
    # 20,000 a year, payback 0.75 -> 0.8 years, net 100,000 - 15,000 = 85,000
    own = settings.replace(saving_rates={"gis-mapping": {"central": 0.1, "one_off_cost": 15000}})
    [f] = consolidation.find(estate, graph, own)
    assert (f["estimated_annual_saving"], f["saving_low"], f["one_off_cost"], f["payback_years"],
            f["net_5y"]) == (20000, 16000, 15000, 0.8, 85000)
    assert "10% (8% to 20%, set in the settings)" in " ".join(f["reasons"])
    assert "One-off cost £15,000: £15,000, the figure set for GIS and Mapping in the settings" in \
        " ".join(f["reasons"])
    # the older flat rate still replaces the central rate of every line
    [f] = consolidation.find(estate, graph, settings.replace(consolidation_saving_rate=0.2))
    assert f["estimated_annual_saving"] == 40000 and f["saving_high"] == 40000


def test_material_candidates_come_first(mini, settings):
    # office-productivity (per-user, net -20,000) and tenancy-management (case management, net
    # 50,000) at the same pair: the material one leads although both save something.
    files = _two_tenants("office-productivity", 300000, 200000)
    for name, aid, cost in (("c.yaml", "alpha", 300000), ("d.yaml", "beta", 200000)):
        files[name] = f"""
            kind: authority
            authority: {{id: {aid}}}
            systems:
              - {{id: h, name: Housing, product: NEC Housing, supports: [tenancy-management],
                 annual_cost: {cost}}}
            """
    estate, graph = mini(files)
    found = consolidation.find(estate, graph, settings)
    assert [(f["line_of_business"], f["material"]) for f in found] == [
        ("tenancy-management", True), ("office-productivity", False)]
