"""Legacy risk: score = 100 x likelihood x impact, a rating, and a TIME disposition.

Every number below is worked out by hand from the weights in legacy_risk.py:
likelihood = 0.30 support + 0.20 contract + 0.20 age + 0.15 hosting + 0.15 api;
impact = 0.40 criticality + 0.20 personal data + 0.20 dependents + 0.20 statutory.
as_of is 2026-11-21 (the ``settings`` fixture).
"""

from __future__ import annotations

import json

import pytest

from estate.analyses import legacy_risk

ALPHA = """
kind: authority
authority: {id: alpha, name: Alpha Council}
lines_of_business:
  - {id: council-tax}
  - {id: customer-relationship-management}
  - {id: tenancy-management, statutory: false}    # the council overrides the taxonomy (true)
  - {id: markets, name: Markets, statutory: true}  # a local line, statutory by the council's say
systems:
  - id: old
    name: Old revenues
    product: iWorld
    vendor: Northgate
    hosting: on-premise
    introduced: 2000
    end_of_support: 2025-03-31
    supports: [council-tax]
    data: {personal_data: true, api: false}
    criticality: critical
    users: 999
  - id: portal
    name: Self-service portal
    hosting: saas
    introduced: 2020
    supports: [council-tax]
    depends_on: [old]
    data: {personal_data: true, api: true}
    criticality: high
    users: 99
  - id: amber
    name: Housing
    hosting: on-premise
    introduced: 2010
    end_of_support: 2026-06-30
    supports: [tenancy-management]
    data: {personal_data: true, api: true}
    criticality: medium
  - {id: soon, name: Markets, end_of_support: 2027-06-30, supports: [markets], criticality: low}
  - {id: crm-a, name: Small CRM, hosting: saas, introduced: 2021, supports: [customer-relationship-management],
     data: {api: true}, criticality: low, users: 9}
  - {id: crm-b, name: Big CRM, supports: [customer-relationship-management], criticality: high, users: 999}
  - {id: gone, name: Retired, status: retired, supports: [council-tax], hosting: on-premise}
  - {id: next, name: Planned, status: planned, supports: [council-tax], hosting: on-premise}
  - {id: bare, name: Bare, supports: []}
contracts:
  - {id: C-OLD, supplier: Northgate, covers: [old], end: 2026-03-31, annual_value: 100000}
  - {id: C-AMB, supplier: Capita, covers: [amber], end: 2027-06-30, annual_value: 50000}
"""


@pytest.fixture
def risks(mini, settings):
    estate, graph = mini({"alpha.yaml": ALPHA})
    return {r["system"]: r for r in legacy_risk.find(estate, graph, settings)}, \
        legacy_risk.find(estate, graph, settings)


def test_order_and_scope(risks):
    by_id, found = risks
    # retired and planned systems are not judged; score desc, then id
    assert [r["system"] for r in found] == [
        "alpha/old", "alpha/amber", "alpha/soon",
        "alpha/bare", "alpha/crm-a", "alpha/crm-b", "alpha/portal"]


def test_the_worst_case_by_hand(risks):
    old = risks[0]["alpha/old"]
    # likelihood: support ended 2025-03-31 (1 x 0.30) + contract C-OLD ended 2026-03-31
    # (1 x 0.20) + introduced 2000, 26 years > 2 x 10 (1 x 0.20) + on-premise (0.15)
    # + no API (0.15) = 1.00
    # impact: critical (1 x 0.40) + personal data (0.20) + 1 dependent, portal
    # (0.25 x 0.20 = 0.05) + statutory council tax (0.20) = 0.85
    assert old["likelihood"] == 1.0 and old["impact"] == 0.85
    assert old["score"] == 85 and old["rating"] == "red"
    # business value: (0.40 x 1 + 0.20 x users log10(1000)/3 = 1 + 0.20 x 1 + 0.20 x 0.25) / 1
    # = 0.85; technical health: everything 0 -> migrate
    assert old["business_value"] == 0.85 and old["technical_health"] == 0.0
    assert old["disposition"] == "migrate"
    assert old["not_judged"] == []
    text = " ".join(old["reasons"])
    for evidence in ("out of vendor support since 2025-03-31", "alpha/C-OLD (Northgate), ended on "
                     "2026-03-31", "introduced in 2000, 26 years ago", "on premise",
                     "no documented API", "criticality recorded as critical", "personal data",
                     "1 system depends on it", "statutory services: Council Tax",
                     "score 85 = 100 x likelihood 1.00 x impact 0.85: red"):
        assert evidence in text, evidence


def test_amber_with_the_councils_statutory_override(risks):
    amber = risks[0]["alpha/amber"]
    # likelihood: support ended 2026-06-30 (0.30) + C-AMB ends 2027-06-30, within 18 months
    # (0.5 x 0.20 = 0.10) + 16 years old, over 10 (0.6 x 0.20 = 0.12) + on-premise (0.15)
    # + API (0) = 0.67
    # impact: medium (0.5 x 0.40 = 0.20) + personal data (0.20) + no dependents (0)
    # + tenancy management, statutory in the taxonomy but not for this council (0) = 0.40
    # score = 100 x 0.67 x 0.40 = 26.8 -> 27, amber (25 <= 27 < 50)
    assert (amber["likelihood"], amber["impact"], amber["score"], amber["rating"]) == \
        (0.67, 0.4, 27, "amber")
    assert amber["not_judged"] == ["users"]
    # value (0.40 x 0.5 + 0 statutory + 0 dependents) / 0.80 = 0.25, low; health: support 0,
    # age 16 (0.5 x 0.25), on-premise 0, API 1 x 0.20 -> 0.325, poor.  The quadrant says
    # eliminate, but it is the council's only system for tenancy management: migrate
    assert (amber["business_value"], amber["technical_health"], amber["disposition"]) == \
        (0.25, 0.325, "migrate")
    assert "which alone would say eliminate, but no better live system of alpha supports " \
        "Tenancy management" in amber["reasons"][-1]


def test_support_ending_soon_and_missing_fields(risks):
    soon = risks[0]["alpha/soon"]
    # likelihood: support ends 2027-06-30, within 12 months (0.6 x 0.30 = 0.18); nothing else known
    # impact: low (0.25 x 0.40 = 0.10) + local line 'markets' statutory (0.20) = 0.30
    # score = 100 x 0.18 x 0.30 = 5.4 -> 5, green
    assert (soon["likelihood"], soon["impact"], soon["score"], soon["rating"]) == \
        (0.18, 0.3, 5, "green")
    assert soon["not_judged"] == ["contract", "introduced", "hosting", "api", "personal_data", "users"]
    # business value over what is judged: (0.40 x 0.25 + 0.20 x 1 + 0.20 x 0) / 0.80 = 0.375;
    # technical health: support only, 0.35 of the weight (below 0.5): it cannot be judged
    assert soon["business_value"] == 0.375 and soon["technical_health"] == 0.5
    assert soon["disposition"] == "needs data"
    assert soon["missing"] == ["introduced", "hosting", "data.api"]
    assert ("needs data (TIME): too little is recorded to judge its technical health (less than 0.5 "
            "of the factors' weight); record introduced, hosting, data.api to judge it") in soon["reasons"]

    # bare: value from statutory (none: 0) and dependents only, 0.4 of the weight; no health at all
    bare = risks[0]["alpha/bare"]
    assert bare["score"] == 0 and bare["rating"] == "green"
    assert (bare["disposition"], bare["technical_health"]) == ("needs data", None)
    assert bare["missing"] == ["criticality", "users", "end_of_support", "introduced", "hosting", "data.api"]


def test_time_dispositions(risks):
    by_id = risks[0]
    # portal: value (0.40 x 0.75 + 0.20 x log10(100)/3 + 0.20 x 1 + 0) = 0.633 high; health
    # (age 6, saas, API) 1.0 -> invest.  It supports council tax like 'old' but depends on
    # it, so it complements 'old' rather than duplicating it.
    assert by_id["alpha/portal"]["business_value"] == 0.633
    assert by_id["alpha/portal"]["disposition"] == "invest"
    assert by_id["alpha/portal"]["duplicated_by"] == []
    # crm-a: value (0.40 x 0.25 + 0.20 x log10(10)/3 + 0 + 0) = 0.167, low; health 1.0 ->
    # tolerate: crm-b supports its line too, but crm-b cannot be judged, so it is no proof
    # that crm-a is the weaker of the two
    crm_a = by_id["alpha/crm-a"]
    assert crm_a["business_value"] == 0.167 and crm_a["technical_health"] == 1.0
    assert crm_a["disposition"] == "tolerate" and crm_a["duplicated_by"] == []
    # crm-b: value (0.40 x 0.75 + 0.20 x 1 + 0 + 0) = 0.5, but nothing of its health is
    # recorded: it is not called "invest" on unknown data, it needs data
    crm_b = by_id["alpha/crm-b"]
    assert (crm_b["business_value"], crm_b["technical_health"], crm_b["disposition"]) == \
        (0.5, None, "needs data")
    assert crm_b["missing"] == ["end_of_support", "introduced", "hosting", "data.api"]


DUPLICATES = """
kind: authority
authority: {id: alpha, name: Alpha Council}
systems:
  # Health is known for each (0.65 of the weight or more).
  # t1 and t2 duplicate each other on CRM; t1 has more users, so more business value:
  # t1 (0.40 x 0.25 + 0.20 x log10(100)/3) = 0.233, t2 (0.40 x 0.25 + 0.20 x log10(10)/3) = 0.167
  - {id: t1, name: T1, hosting: saas, introduced: 2020, data: {api: true},
     supports: [customer-relationship-management], criticality: low, users: 99}
  - {id: t2, name: T2, hosting: saas, introduced: 2020, data: {api: true},
     supports: [customer-relationship-management], criticality: low, users: 9}
  # t3 and t4 are identical: the lower id is kept
  - {id: t3, name: T3, hosting: cloud, introduced: 2020, data: {api: true}, supports: [tenancy-management],
     criticality: low}
  - {id: t4, name: T4, hosting: cloud, introduced: 2020, data: {api: true}, supports: [tenancy-management],
     criticality: low}
  # low value, poor health (unsupported since 2020, 36 years old, on premise), no line: eliminate
  - {id: t5, name: T5, hosting: on-premise, introduced: 1990, end_of_support: 2020-01-01, supports: [],
     criticality: low}
  # retiring: never invest.  r1 supports tenancy management beside t3 and t4: eliminate; r2 is the
  # only system for council tax: migrate (the work must move first), whatever its value
  - {id: r1, name: R1, status: retiring, hosting: saas, introduced: 2024, data: {api: true},
     supports: [tenancy-management], criticality: critical, users: 999}
  - {id: r2, name: R2, status: retiring, supports: [council-tax]}
"""


def test_duplicates_are_ranked_so_one_survives(mini, settings):
    estate, graph = mini({"alpha.yaml": DUPLICATES})
    found = {r["system"]: r for r in legacy_risk.find(estate, graph, settings)}
    got = {q: (r["disposition"], r["duplicated_by"]) for q, r in found.items()}
    assert got == {
        "alpha/t1": ("tolerate", []),                # health 1.0
        "alpha/t2": ("eliminate", ["alpha/t1"]),
        "alpha/t3": ("tolerate", []),
        "alpha/t4": ("eliminate", ["alpha/t3"]),
        # value (0.40 x 0.25 + 0 + 0) / 0.80 = 0.125, health 0
        "alpha/t5": ("eliminate", []),
        "alpha/r1": ("eliminate", []),
        "alpha/r2": ("migrate", []),
    }
    assert found["alpha/t5"]["business_value"] == 0.125
    assert "it supports no recorded line of business" in found["alpha/t5"]["reasons"][-1]
    assert "never invest in a system being retired" in found["alpha/r1"]["reasons"][-1]
    assert "no other live system of alpha supports Council Tax" in found["alpha/r2"]["reasons"][-1]


def test_time_min_evidence_is_a_setting(mini, settings):
    estate, graph = mini({"alpha.yaml": ALPHA})
    found = {r["system"]: r for r in legacy_risk.find(estate, graph, settings.replace(time_min_evidence=0.3))}
    # soon: health from support alone (0.35 of the weight) is now enough: 0.5, good; value 0.375 low
    assert (found["alpha/soon"]["disposition"], found["alpha/soon"]["missing"]) == ("tolerate", [])


def test_thresholds_are_settings(mini, settings):
    estate, graph = mini({"alpha.yaml": ALPHA})
    found = {r["system"]: r for r in legacy_risk.find(
        estate, graph, settings.replace(legacy_red_score=27, legacy_amber_score=5))}
    assert found["alpha/amber"]["rating"] == "red" and found["alpha/soon"]["rating"] == "amber"


def test_an_extension_keeps_an_ended_contract_expiring_not_expired(mini, settings):
    text = ALPHA.replace("end: 2026-03-31, annual_value: 100000}",
                         "end: 2026-03-31, extension_until: 2027-03-31, annual_value: 100000}")
    estate, graph = mini({"alpha.yaml": text})
    old = {r["system"]: r for r in legacy_risk.find(estate, graph, settings)}["alpha/old"]
    # contract factor 0.5 instead of 1: likelihood 1.00 - 0.10 = 0.90
    assert old["likelihood"] == 0.9
    assert old["factors"]["likelihood.contract"] == 0.5
    assert any("runs on only by extension, to 2027-03-31" in r for r in old["reasons"])


def test_deterministic(mini, settings):
    estate, graph = mini({"alpha.yaml": ALPHA})
    assert json.dumps(legacy_risk.find(estate, graph, settings)) == \
        json.dumps(legacy_risk.find(estate, graph, settings))


CONTRACTED = """
kind: authority
authority: {{id: alpha, name: Alpha Council}}
systems:
  - {{id: s, name: S, supports: [council-tax], hosting: saas, data: {{api: true}}}}
contracts:
  - {{id: C1, supplier: Northgate, covers: [s], end: 2027-03-31, notice_months: {notice},
     extension_until: 2029-03-31}}
"""


@pytest.mark.parametrize("notice,factor", [
    # notice deadline 2026-09-30 has passed (as of 2026-11-21): the contract runs on to
    # 2029-03-31, beyond the 18 months to 2028-05-21, so it is not "expiring"
    (6, 0.0),
    # 3 months' notice can still be given by 2026-12-31: it can end on 2027-03-31, within
    # 18 months, so the contract factor is 0.5
    (3, 0.5),
])
def test_a_contract_past_its_notice_deadline_is_judged_by_its_extension(mini, settings, notice, factor):
    estate, graph = mini({"alpha.yaml": CONTRACTED.format(notice=notice)})
    [risk] = legacy_risk.find(estate, graph, settings)
    assert risk["factors"]["likelihood.contract"] == factor
