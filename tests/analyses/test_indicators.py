"""Per-council indicators: lines supported, support status, data, and how councils buy."""

from __future__ import annotations

import json

import pytest

from estate.analyses import indicators
from estate_testing import SHARED_SERVICE

ALPHA = """
kind: authority
authority: {id: alpha, name: Alpha Council, type: district, region: East, partnerships: [trio]}
lines_of_business:
  - {id: council-tax}
  - {id: business-rates}
  - {id: tenancy-management}
  - {id: customer-relationship-management}
  - {id: financial-management, delivery: not-delivered}
systems:
  - id: s1
    name: Revenues
    product: iWorld
    hosting: saas
    end_of_support: 2026-01-01
    supports: [council-tax, business-rates]
    data: {personal_data: true, api: true, open_standards: [UPRN]}
    annual_cost: 100000
  - id: s2
    name: Housing
    product: NEC Housing
    status: retiring
    hosting: on-premise
    end_of_support: 2027-03-31
    supports: [tenancy-management]
    data: {personal_data: true, api: false}
    annual_cost: 50000
  - {id: s3, name: Old CRM, status: retired, supports: [customer-relationship-management], annual_cost: 7777}
  - {id: s4, name: New CRM, status: planned, supports: [customer-relationship-management]}
  - {id: s5, name: Spare, supports: [council-tax]}
  # implies housing-benefit, but is retired: not a line alpha runs
  - {id: s6, name: Old benefits, status: retired, supports: [housing-benefit]}
contracts:
  - {id: C1, supplier: Northgate, covers: [s1], start: 2025-04-01, end: 2030-03-31,
     annual_value: 100000, route: framework, procurement_started: 2025-01-01}
  - {id: C2, supplier: Smallco Digital, covers: [], start: 2025-07-01, end: 2030-03-31,
     annual_value: 50000, route: g-cloud, procurement_started: 2025-01-01}
  - {id: C3, supplier: Unknown Supplier Ltd, covers: [], end: 2030-03-31, annual_value: 30000,
     route: direct-award}
  - {id: C4, supplier: Capita, covers: [s2], start: 2025-01-01, end: 2027-03-31, annual_value: 20000,
     route: framework, sme: true, procurement_started: 2024-01-01}
  - {id: C5, supplier: Civica, covers: [], end: 2030-03-31}
"""

BETA = """
kind: authority
authority: {id: beta, name: Beta Council}
systems:
  - {id: b1, name: Big, supports: [council-tax], annual_cost: 900000}
"""


@pytest.fixture
def found(mini, settings):
    estate, graph = mini({"alpha.yaml": ALPHA, "beta.yaml": BETA})
    return indicators.find(estate, graph, settings)


def test_sorted_by_annual_cost(found):
    # beta 900,000 before alpha 150,000 (s1 100,000 + s2 50,000; retired s3 costs nothing now)
    assert [(a["id"], a["annual_cost"]) for a in found] == [("beta", 900000), ("alpha", 150000)]


def test_lines_and_support(found):
    alpha = found[1]
    assert (alpha["systems"], alpha["live_systems"], alpha["in_service_systems"]) == (6, 2, 3)
    # 4 lines counted (financial-management is not delivered; housing-benefit is implied only
    # by a retired system); council tax, business rates and tenancy (retiring s2) supported
    assert (alpha["lines_of_business"], alpha["lines_supported"], alpha["line_support_share"]) == \
        (4, 3, 0.75)
    assert alpha["lines_unsupported"] == ["customer-relationship-management"]
    assert alpha["lines_only_retiring"] == ["tenancy-management"]
    assert alpha["lines_not_delivered"] == ["financial-management"]
    # s1's support ended 2026-01-01 (before 2026-11-21); s2's ends 2027-03-31, within 12 months
    assert alpha["past_support_systems"] == ["alpha/s1"] and alpha["past_support_count"] == 1
    assert alpha["support_ending_systems"] == ["alpha/s2"]
    assert alpha["reasons"][0].startswith("3 of 4 lines of business have a system in service; "
                                          "1 have none: customer-relationship-management")


def test_data_shares(found):
    alpha = found[1]
    # in service: s1, s2, s5.  Hosting known for s1 (saas) and s2 (on-premise): 1/2.
    # API recorded for s1 (true) and s2 (false): 1/2.  Data profile for s1 (UPRN) and s2: 1/2.
    assert (alpha["saas_cloud_share"], alpha["api_share"], alpha["open_standards_share"]) == \
        (0.5, 0.5, 0.5)
    assert alpha["personal_data_systems"] == 2
    beta = found[0]
    assert beta["saas_cloud_share"] is None and beta["api_share"] is None


def test_buying(found):
    alpha = found[1]
    # spend 100,000 + 50,000 + 30,000 + 20,000 = 200,000 (C5 has no annual_value).
    # SME: C1 Northgate -> NEC, catalogue sme false; C2 Smallco, catalogue true; C3 unknown
    # supplier, not judged; C4 Capita says sme: true itself (the catalogue says false);
    # C5 Civica false but no value.  Known spend 100,000 + 50,000 + 20,000 = 170,000, of
    # which SME 50,000 + 20,000 = 70,000: 0.412
    assert alpha["contract_spend"] == 200000
    assert alpha["sme_spend_share"] == 0.412 and alpha["sme_unknown_contracts"] == 1
    assert alpha["routes"] == {"framework": 2, "direct-award": 1, "g-cloud": 1}
    # sales cycles: C1 2025-01-01 -> 04-01 = 90 days; C2 -> 07-01 = 181; C4 2024-01-01 ->
    # 2025-01-01 = 366 (a leap year); median 181
    assert (alpha["median_sales_cycle_days"], alpha["sales_cycles_measured"]) == (181, 3)
    assert alpha["not_judged"] == {"annual_value": 1, "api": 1, "end_of_support": 1, "hosting": 1,
                                   "open_standards": 1, "procurement_started": 2, "route": 1,
                                   "sme": 1}
    text = " ".join(alpha["reasons"])
    assert "SME suppliers hold 41% (£70,000) of the £170,000 whose supplier size is known" in text
    assert "supplier size unknown for 1 contract(s)" in text
    assert "median sales cycle 181 days" in text
    beta = found[0]
    assert beta["median_sales_cycle_days"] is None and beta["sme_spend_share"] is None
    assert "no contracts are recorded" in beta["reasons"]


def test_deterministic(mini, settings, found):
    # a second load of the same files gives the same bytes
    estate, graph = mini({"alpha.yaml": ALPHA, "beta.yaml": BETA})
    assert json.dumps(indicators.find(estate, graph, settings)) == json.dumps(found)




def test_a_shared_service_line_is_supported_by_a_partners_system(mini, settings):
    estate, graph = mini(SHARED_SERVICE)
    gamma = {a["id"]: a for a in indicators.find(estate, graph, settings)}["gamma"]
    # finance runs on partner beta's b-fin; CRM's only system is delta's, not a partner
    assert (gamma["lines_supported"], gamma["lines_of_business"]) == (1, 2)
    assert gamma["lines_shared"] == {"financial-management": ["beta/b-fin"]}
    assert gamma["lines_unsupported"] == ["customer-relationship-management"]
    assert any("financial-management (beta/b-fin)" in r for r in gamma["reasons"])


SPARSE = """
kind: authority
authority: {id: alpha, name: Alpha Council}
systems:
  - {id: s1, name: Only the required fields, supports: []}
  - {id: s2, name: A line but nothing else, supports: [council-tax]}
contracts:
  - {id: C1, supplier: Someone Unknown, end: 2027-01-01}
"""


def test_missing_optional_fields_are_counted_not_fatal(mini, settings):
    from estate.analyses import run_all
    estate, graph = mini({"alpha.yaml": SPARSE})
    findings = run_all(estate, graph, settings)      # every analysis, nothing raises
    [alpha] = findings["authorities"]
    # 2 systems in service with no hosting, API, data block or support date; 1 contract with
    # no value, route, SME flag (the supplier is not in the catalogue) or procurement date
    assert alpha["not_judged"] == {"annual_value": 1, "api": 2, "end_of_support": 2, "hosting": 2,
                                   "open_standards": 2, "procurement_started": 1, "route": 1,
                                   "sme": 1}
    assert (alpha["saas_cloud_share"], alpha["sme_spend_share"], alpha["median_sales_cycle_days"]) \
        == (None, None, None)
    risks = {r["system"]: r for r in findings["legacy_risks"]}
    assert risks["alpha/s1"]["score"] == 0 and "criticality" in risks["alpha/s1"]["not_judged"]
