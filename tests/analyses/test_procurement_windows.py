"""Procurement windows: contracts at 2+ councils that can end within window_months of each other.

Main estate, by hand (as of 2026-11-21, window 12 months):

  contract  covers (product; lines)                       end / extension / notice   can end
  alpha/A1  a-rb (NEC R&B; council tax, rates, benefit)   2027-03-31 / 2028-03-31 / 6  2028-03-31 (notice
                                                          deadline 2026-09-30 missed: runs to extension)
  beta/B1   b-rb (NEC R&B; council tax)                   2027-12-31 / - / 3           2027-12-31
  gamma/G1  g-rb (Academy; council tax)                   2029-06-30 / - / -           2029-06-30
  delta/D1  d-rb (Academy; council tax)                   2026-03-31: ended, left out
  delta/D2  d-rb                                          2029-12-31 / 2030-12-31 / 12 2029-12-31..2030-12-31
  epsilon/E1 e-br (OpenRevenues; business rates)          2027-06-30 / - / 3           2027-06-30
  epsilon/E2 covers nothing: cannot be placed

Lead time (as of 2026-11-21): notice and re-procurement run in parallel, so each contract
must start by (the date it ends in the window) - max(notice it needs, sales cycle).  No
council has measured 3 contracts, so every sales cycle is the default, 270 days.  Only a
contract that would otherwise run on needs notice: B1, E1 and G1 simply expire at their
end, A1 runs to its last extension; D2 ends 2029-12-31 with an extension option to
2030-12-31, so it needs its 12 months' notice.

Values: A1 covers one system serving 3 lines, so a third of its 100,000 (33,333.33) serves
council tax, and a third business rates; the other contracts serve one line each.

council tax, by latest end: B1 (2027-12-31) anchors [2027-12-31, 2028-12-31]; A1 joins
  -> window {A1, B1}, 2027-12-31..2028-03-31, value 33,333.33 + 80,000 = 113,333.33 (180,000
  in all).  B1: 2027-12-31 - 270 days = 2027-04-05; A1: 2028-03-31 - 270 days = 2027-07-05;
  must start by 2027-04-05 (set by B1): actionable.
  Then G1 (2029-06-30) anchors; D2 (earliest 2029-12-31) joins -> {D2, G1},
  2029-06-30..2029-12-31, value 40,000 (G1 unknown).  G1: 2029-06-30 - 270 d = 2028-10-03;
  D2: min(2029-12-31 - 12 months = 2028-12-31, 2029-12-31 - 270 d = 2029-04-05) = 2028-12-31;
  must start by 2028-10-03: actionable.
business rates: E1 (2027-06-30) anchors, A1 joins -> {A1, E1}, 2027-06-30..2028-03-31,
  33,333.33 + 20,000 = 53,333.33.  E1: 2027-06-30 - 270 d = 2026-10-03, 49 days late; A1's own
  date (2027-07-05) is still ahead, so it could still join.
housing benefit: A1 alone.  Products: NEC R&B {A1, B1} and Academy {D2, G1} repeat the council
  tax windows (kept once, product named); OpenRevenues: E1 alone.
Order: actionable by value (W1 council tax {A1, B1}, W2 council tax {D2, G1}), then late
  (W3 business rates).

With each council's own median (sales_cycle_min_contracts 1): alpha 183 days (A1), beta 245
(B1), delta 366 (D2); gamma and epsilon measured none: 270.  B1: 2027-12-31 - 245 d =
2027-04-30; A1: 2028-03-31 - 183 d = 2027-09-30; D2: max(12 months, 366 days) = 366 days ->
2028-12-30.
"""

from __future__ import annotations

import datetime as dt
import json

from estate.analyses import procurement_windows

FILES = {
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        systems:
          - {id: a-rb, name: Revenues, product: iWorld, supports: [council-tax, business-rates, housing-benefit]}
        contracts:
          - {id: A1, supplier: Northgate Public Services Ltd, covers: [a-rb], start: 2020-04-01,
             procurement_started: 2019-10-01, end: 2027-03-31, extension_until: 2028-03-31,
             notice_months: 6, annual_value: 100000}
        """,
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta Council}
        systems:
          - {id: b-rb, name: Revs, product: Northgate Revenues & Benefits, supports: [council-tax]}
        contracts:
          - {id: B1, supplier: NEC Software Solutions, covers: [b-rb], start: 2022-01-01,
             procurement_started: 2021-05-01, end: 2027-12-31, notice_months: 3, annual_value: 80000}
        """,
    "gamma.yaml": """
        kind: authority
        authority: {id: gamma, name: Gamma Council}
        systems:
          - {id: g-rb, name: Revenues, product: Academy, supports: [council-tax]}
        contracts:
          - {id: G1, supplier: Capita, covers: [g-rb], end: 2029-06-30}
        """,
    "delta.yaml": """
        kind: authority
        authority: {id: delta, name: Delta Council}
        systems:
          - {id: d-rb, name: Revenues, product: Academy, supports: [council-tax]}
        contracts:
          - {id: D1, supplier: Capita, covers: [d-rb], end: 2026-03-31, annual_value: 5000}
          - {id: D2, supplier: Capita, covers: [d-rb], start: 2025-01-01, procurement_started: 2024-01-01,
             end: 2029-12-31, extension_until: 2030-12-31, notice_months: 12, annual_value: 40000}
        """,
    "epsilon.yaml": """
        kind: authority
        authority: {id: epsilon, name: Epsilon Council}
        systems:
          - {id: e-br, name: Rates, product: OpenRevenues, supports: [business-rates]}
        contracts:
          - {id: E1, supplier: Civica, covers: [e-br], end: 2027-06-30, notice_months: 3, annual_value: 20000}
          - {id: E2, supplier: Civica, end: 2027-06-30, annual_value: 1000000}
        """,
}


def run(mini, settings, files=FILES):
    estate, graph = mini(files)
    return procurement_windows.find(estate, graph, settings)


def test_hand_worked_windows(mini, settings):
    found = run(mini, settings)
    assert [(w["ref"], w["line_of_business"], w["product"], w["contracts"], w["start"], w["end"],
             w["must_start_by"], w["actionable"], w["days_late"], w["combined_annual_value"])
            for w in found] == [
        ("W1", "council-tax", None, ["alpha/A1", "beta/B1"], "2027-12-31", "2028-03-31", "2027-04-05",
         True, 0, 113333.33),
        ("W2", "council-tax", None, ["delta/D2", "gamma/G1"], "2029-06-30", "2029-12-31", "2028-10-03",
         True, 0, 40000),
        ("W3", "business-rates", None, ["alpha/A1", "epsilon/E1"], "2027-06-30", "2028-03-31",
         "2026-10-03", False, 49, 53333.33),
    ]
    first, later, rates = found
    assert (first["total_annual_value"], rates["total_annual_value"], later["total_annual_value"]) == (
        180000, 120000, 40000)
    assert [e["share"] for e in first["contract_ends"]] == [0.3333, 1.0]
    assert first["authorities"] == ["alpha", "beta"] and first["suppliers"] == ["nec"]
    assert first["also_products"] == ["nec-revenues-benefits"]
    assert later["also_products"] == ["capita-academy"]
    assert rates["also_products"] == [] and rates["suppliers"] == ["civica", "nec"]
    assert (first["sales_cycle_days"], first["sales_cycle_basis"], first["lead_time_set_by"]) == (
        270, "default", "beta/B1")
    # A1 runs to its last extension and B1 simply expires: neither needs notice
    assert first["longest_notice_months"] == 0 and later["longest_notice_months"] == 12
    assert {e["contract"]: (e["needs_notice"], e["must_start_by"]) for e in later["contract_ends"]} == {
        "delta/D2": (True, "2028-12-31"), "gamma/G1": (False, "2028-10-03")}
    assert later["not_judged"] == {"notice_months": 1, "annual_value": 1}
    assert first["ended_excluded"] == 1 and rates["ended_excluded"] == 0
    ends = {e["contract"]: (e["earliest_exit"], e["ends_in_window"]) for e in first["contract_ends"]}
    assert ends == {"alpha/A1": ("2028-03-31", "2028-03-31"), "beta/B1": ("2027-12-31", "2027-12-31")}
    assert [w["could_still_join"] for w in found] == [["alpha/A1", "beta/B1"], ["delta/D2", "gamma/G1"],
                                                       ["alpha/A1"]]


def test_each_council_uses_its_own_sales_cycle_when_it_has_enough_history(mini, settings):
    found = run(mini, settings.replace(sales_cycle_min_contracts=1))
    first, later, rates = found
    assert {e["contract"]: (e["sales_cycle_days"], e["sales_cycle_basis"], e["must_start_by"])
            for e in first["contract_ends"]} == {
        "alpha/A1": (183, "council", "2027-09-30"), "beta/B1": (245, "council", "2027-04-30")}
    assert first["must_start_by"] == "2027-04-30" and first["sales_cycle_basis"] == "council"
    # D2: the longer of 12 months' notice (to 2028-12-31) and 366 days (to 2028-12-30)
    d2 = [e for e in later["contract_ends"] if e["contract"] == "delta/D2"][0]
    assert (d2["needs_notice"], d2["sales_cycle_days"], d2["must_start_by"]) == (True, 366, "2028-12-30")
    assert rates["must_start_by"] == "2026-10-03" and rates["sales_cycle_basis"] == "default"
    assert "its council's median sales cycle of 245 days (over 1 contract)" in " ".join(first["reasons"])


def test_only_a_contract_that_would_run_on_needs_notice(mini, settings):
    # H1 ends 2027-01-31 with no extension option: its 6-month notice deadline (2026-07-31) has
    # passed, but it simply expires, so it ends on 2027-01-31 and needs no notice:
    # 2027-01-31 - 60 days = 2026-12-02.  K1 ends 2027-06-30 but could run on to 2029-06-30, so to
    # end in the window it needs its 3 months' notice: min(2027-06-30 - 3 months = 2027-03-30,
    # 2027-06-30 - 60 days = 2027-05-01) = 2027-03-30.  The window must start by 2026-12-02.
    files = {"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: s, name: S, product: NEC Housing, supports: [tenancy-management]}
        contracts:
          - {id: H1, supplier: NEC, covers: [s], end: 2027-01-31, notice_months: 6}
        """, "b.yaml": """
        kind: authority
        authority: {id: beta, name: Beta}
        systems:
          - {id: t, name: T, product: Civica CX, supports: [tenancy-management]}
        contracts:
          - {id: K1, supplier: Civica, covers: [t], end: 2027-06-30, extension_until: 2029-06-30,
             notice_months: 3}
        """}
    [w] = run(mini, settings.replace(default_sales_cycle_days=60), files)
    assert (w["start"], w["end"]) == ("2027-01-31", "2027-06-30")
    assert {e["contract"]: (e["earliest_exit"], e["needs_notice"], e["must_start_by"])
            for e in w["contract_ends"]} == {
        "alpha/H1": ("2027-01-31", False, "2026-12-02"), "beta/K1": ("2027-06-30", True, "2027-03-30")}
    assert (w["must_start_by"], w["actionable"], w["days_late"], w["longest_notice_months"]) == (
        "2026-12-02", True, 0, 3)
    # on 2026-12-03 the window is a day late, and K1 can still join
    late = run(mini, settings.replace(default_sales_cycle_days=60, as_of=dt.date(2026, 12, 3)), files)
    assert (late[0]["actionable"], late[0]["days_late"], late[0]["could_still_join"]) == (
        False, 1, ["beta/K1"])


def test_contract_without_end_is_not_placed_and_counted(mini, settings):
    estate, graph = mini(FILES)
    estate.authorities["gamma"].contracts["G1"].end = None
    found = procurement_windows.find(estate, graph, settings)
    assert not any("gamma/G1" in w["contracts"] for w in found)
    first = [w for w in found if w["contracts"] == ["alpha/A1", "beta/B1"]][0]
    assert first["not_judged"]["end"] == 1
    assert "1 other contract for Council Tax records no end date" in " ".join(first["reasons"])


def test_late_windows_come_after_actionable_ones_and_say_who_can_still_join(mini, settings):
    found = run(mini, settings)
    assert [w["actionable"] for w in found] == sorted((w["actionable"] for w in found), reverse=True)
    text = " ".join(found[-1]["reasons"])
    assert "already past by 49 days (as of 2026-11-21)" in text
    assert "alpha/A1 can still join on time (own start-by 2027-07-05)" in text


def test_reasons_cite_the_evidence(mini, settings):
    first = run(mini, settings)[0]
    text = " ".join(first["reasons"])
    assert ("2 contracts at 2 councils (Alpha Council and Beta Council) for Council Tax can all end "
            "between 2027-12-31 and 2028-03-31, within 12 months") in text
    assert "alpha/A1 (NEC Software Solutions, £100,000 a year): the 6-month notice deadline" in text
    assert ("must start by 2027-04-05: beta/B1 ends in the window on 2027-12-31, less the default sales "
            "cycle of 270 days (its council has too few measured); no notice is needed") in text
    assert "run in parallel" in text
    assert "already past" not in text
    assert ("Combined annual value £113,333, the part serving Council Tax (alpha/A1 also covers other "
            "systems or lines, so only its share counts); £180,000 a year in all") in text
    assert "also form this window for the product NEC Revenues & Benefits" in text
    assert "1 other contract for Council Tax had already ended before 2026-11-21 and was left out" in text


def test_service_contract_without_systems_is_not_placed(mini, settings):
    assert not any("epsilon/E2" in w["contracts"] for w in run(mini, settings))


def test_narrow_window_finds_nothing(mini, settings):
    # 2 months: B1 (2027-12-31) and A1 (2028-03-31) are 3 months apart; E1 and A1 9 months; G1 and
    # D2 6 months: every anchor stands alone.
    assert run(mini, settings.replace(window_months=2)) == []


def test_one_council_cluster_does_not_hide_the_next_council(mini, settings):
    # alpha X1 2027-01-31 and X2 2027-06-30; beta Y1 2028-03-31.  X1 anchors [2027-01-31,
    # 2028-01-31]: X1 and X2 are one council, so only X1 is set aside; X2 anchors
    # [2027-06-30, 2028-06-30] and Y1 joins -> {X2, Y1}.  No procurement_started: default cycle,
    # 270 days; no notice: must start by 2027-06-30 - 270 days = 2026-10-03.
    files = {"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: fin, name: Finance, product: Ledger One, supports: [financial-management]}
        contracts:
          - {id: X1, supplier: Acme, covers: [fin], end: 2027-01-31}
          - {id: X2, supplier: Acme, covers: [fin], end: 2027-06-30}
        """, "b.yaml": """
        kind: authority
        authority: {id: beta, name: Beta}
        systems:
          - {id: fin, name: Finance, product: Ledger Two, supports: [financial-management]}
        contracts:
          - {id: Y1, supplier: Acme, covers: [fin], end: 2028-03-31, annual_value: 5}
        """}
    [w] = run(mini, settings, files)
    assert (w["contracts"], w["start"], w["end"]) == (["alpha/X2", "beta/Y1"], "2027-06-30", "2028-03-31")
    assert (w["sales_cycle_days"], w["sales_cycle_basis"], w["must_start_by"]) == (270, "default", "2026-10-03")
    assert w["not_judged"] == {"notice_months": 2, "annual_value": 1}
    assert "the default sales cycle of 270 days" in " ".join(w["reasons"])


def test_extensions_let_an_early_contract_join_a_later_one(mini, settings):
    # C1 can end 2027-01-31 (1 month notice, deadline 2026-12-31 still open) or run to 2029-01-31;
    # D1 ends 2028-12-31.  By latest end D1 anchors [2028-12-31, 2029-12-31]; C1 joins and would
    # run on to 2028-12-31.  Without the extension C1 could only end 2027-01-31: no window.
    def files(extension):
        return {"a.yaml": f"""
            kind: authority
            authority: {{id: alpha, name: Alpha}}
            systems:
              - {{id: s, name: S, product: iWorld, supports: [council-tax, business-rates]}}
            contracts:
              - {{id: C1, supplier: NEC, covers: [s], end: 2027-01-31, notice_months: 1{extension}}}
            """, "b.yaml": """
            kind: authority
            authority: {id: beta, name: Beta}
            systems:
              - {id: s, name: S, product: Northgate iWorld, supports: [council-tax, business-rates]}
            contracts:
              - {id: D1, supplier: NEC, covers: [s], end: 2028-12-31, notice_months: 0}
            """}
    [w] = run(mini, settings, files(", extension_until: 2029-01-31"))
    # one window for two lines and one product: the same contracts, reported once
    assert (w["line_of_business"], w["lines_of_business"], w["also_products"]) == (
        "business-rates", ["business-rates", "council-tax"], ["nec-revenues-benefits"])
    assert (w["start"], w["end"], w["contracts"]) == ("2028-12-31", "2028-12-31", ["alpha/C1", "beta/D1"])
    assert "would run on to 2028-12-31, within its extensions (possible until 2029-01-31)" in \
        " ".join(w["reasons"])
    assert "for Business Rates and Council Tax can all end on 2028-12-31" in " ".join(w["reasons"])
    assert "reported once, under Business Rates" in " ".join(w["reasons"])
    assert run(mini, settings, files("")) == []


def test_product_window_when_no_line_window_has_the_same_contracts(mini, settings):
    # One product, different lines at each council: no line has two councils, the product does.
    files = {"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: s, name: S, product: iWorld, supports: [council-tax]}
        contracts:
          - {id: C1, supplier: NEC, covers: [s], end: 2027-06-30, annual_value: 10}
        """, "b.yaml": """
        kind: authority
        authority: {id: beta, name: Beta}
        systems:
          - {id: s, name: S, product: iWorld, supports: [housing-benefit]}
          - {id: h, name: H, product: In-house, supports: [housing-benefit]}
        contracts:
          - {id: D1, supplier: NEC, covers: [s], end: 2027-09-30, annual_value: 20}
        """}
    [w] = run(mini, settings, files)
    assert (w["product"], w["line_of_business"], w["contracts"]) == (
        "nec-revenues-benefits", None, ["alpha/C1", "beta/D1"])
    assert w["product_name"] == "NEC Revenues & Benefits" and w["combined_annual_value"] == 30


def test_deterministic(mini, settings):
    assert json.dumps(run(mini, settings)) == json.dumps(run(mini, settings))


def test_earliest_window_needs_no_extension(mini, settings):
    # P can end 2029-09-30 (notice 12, deadline 2028-09-30 open), Q 2030-03-31, R 2030-09-30; each
    # could also run on 2 more years.  P anchors [2029-09-30, 2030-09-30]: Q and R can end inside
    # it without extensions, so the window is 2029-09-30..2030-09-30, not pushed to the extensions.
    def council(aid, cid, end, ext):
        return f"""
            kind: authority
            authority: {{id: {aid}, name: {aid.title()}}}
            systems:
              - {{id: s, name: S, product: NEC Housing, supports: [tenancy-management]}}
            contracts:
              - {{id: {cid}, supplier: NEC, covers: [s], end: {end}, extension_until: {ext},
                 notice_months: 12, annual_value: 100}}
            """
    [w] = run(mini, settings, {"a.yaml": council("alpha", "P", "2029-09-30", "2031-09-30"),
                               "b.yaml": council("beta", "Q", "2030-03-31", "2032-03-31"),
                               "c.yaml": council("gamma", "R", "2030-09-30", "2032-09-30")})
    assert (w["start"], w["end"]) == ("2029-09-30", "2030-09-30")
    assert [e["ends_in_window"] for e in w["contract_ends"]] == ["2029-09-30", "2030-03-31", "2030-09-30"]
    assert not any("would run on" in r for r in w["reasons"])
    # line and product give the same set: one window, for the line, naming the product
    assert (w["line_of_business"], w["also_products"]) == ("tenancy-management", ["nec-housing"])


def test_a_dominant_contract_is_named(mini, settings):
    # S1 (900 a year, its system has no recorded cost) and T1 (100): S1 is 90% of 1,000.
    files = {"a.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: s, name: S, product: NEC Housing, supports: [tenancy-management]}
        contracts:
          - {id: S1, supplier: NEC, covers: [s], end: 2027-06-30, notice_months: 3, annual_value: 900}
        """, "b.yaml": """
        kind: authority
        authority: {id: beta, name: Beta}
        systems:
          - {id: t, name: T, product: Civica CX, supports: [tenancy-management], annual_cost: 100}
        contracts:
          - {id: T1, supplier: Civica, covers: [t], end: 2027-09-30, notice_months: 3, annual_value: 100}
        """}
    [w] = run(mini, settings, files)
    assert w["combined_annual_value"] == 1000
    assert ("alpha/S1 makes up 90% of that value; the systems it covers record no annual cost"
            in " ".join(w["reasons"]))
