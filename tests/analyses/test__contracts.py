"""Contract dates and coverage helpers: every answer worked out by hand in a comment."""

from __future__ import annotations

import datetime as dt

import pytest

from estate.analyses._contracts import (add_months, and_list, contract_lines, contract_products,
                                        council_sales_cycles, covered_systems, earliest_exit, gbp, has_ended,
                                        median_sales_cycle, notice_deadline, sales_cycle_days,
                                        system_lines)
from estate.model.records import Contract

AS_OF = dt.date(2026, 11, 21)
D = dt.date.fromisoformat


def contract(end, extension_until=None, notice_months=None, start=None, procurement_started=None):
    return Contract(authority="alpha", id="C1", supplier="NEC", end=D(end),
                    extension_until=D(extension_until) if extension_until else None,
                    notice_months=notice_months, start=D(start) if start else None,
                    procurement_started=D(procurement_started) if procurement_started else None)


@pytest.mark.parametrize("day, months, expected", [
    ("2027-03-31", -1, "2027-02-28"),     # clamped to the shorter month
    ("2024-03-31", -1, "2024-02-29"),     # leap year
    ("2026-11-21", 12, "2027-11-21"),
    ("2027-01-31", 1, "2027-02-28"),
    ("2027-03-31", -6, "2026-09-30"),
    ("2026-12-15", 1, "2027-01-15"),      # across the year end
    ("2027-01-15", -1, "2026-12-15"),
])
def test_add_months(day, months, expected):
    assert add_months(D(day), months) == D(expected)


def test_add_months_agrees_with_the_calendar_at_every_month_end():
    import calendar
    for year in range(1999, 2032):
        for month in range(1, 13):
            for day in range(28, calendar.monthrange(year, month)[1] + 1):
                for months in range(-25, 26):
                    y, m = divmod(year * 12 + month - 1 + months, 12)
                    last = calendar.monthrange(y, m + 1)[1]
                    assert add_months(dt.date(year, month, day), months) == \
                        dt.date(y, m + 1, min(day, last))


def test_notice_can_still_be_given_so_it_ends_at_end():
    # deadline = 2027-12-31 - 6 months = 2027-06-30, after 2026-11-21
    x = earliest_exit(contract("2027-12-31", "2028-12-31", notice_months=6), AS_OF)
    assert (x.date, x.how, x.notice_known) == (D("2027-12-31"), "end", True)
    assert "notice of 6 months can still be given by 2027-06-30" in x.reason


def test_notice_deadline_on_the_day_still_counts():
    # end 2027-05-21 - 6 months = 2026-11-21 = as_of: notice given today is in time
    x = earliest_exit(contract("2027-05-21", "2028-05-21", notice_months=6), AS_OF)
    assert (x.date, x.how) == (D("2027-05-21"), "end")
    # one day later and it is missed: it runs on to its extension
    x = earliest_exit(contract("2027-05-20", "2028-05-21", notice_months=6), AS_OF)
    assert (x.date, x.how) == (D("2028-05-21"), "extension")


def test_missed_notice_runs_to_the_last_extension():
    # deadline 2026-09-30 passed; extension to 2028-03-31 is the exit
    x = earliest_exit(contract("2027-03-31", "2028-03-31", 6), AS_OF)
    assert (x.date, x.how) == (D("2028-03-31"), "extension")
    assert "2026-09-30" in x.reason and "2028-03-31" in x.reason


def test_without_extension_option_it_simply_expires_and_needs_no_notice():
    # deadline 2026-09-30 passed, but there is no extension option: it expires on its end
    x = earliest_exit(contract("2027-03-31", notice_months=6), AS_OF)
    assert (x.date, x.how) == (D("2027-03-31"), "end")
    assert "expires on 2027-03-31 with no extension option, so no notice is needed" in x.reason


def test_holding_over_ends_when_notice_given_today_runs_out():
    # ended 2026-06-30 with no extension: holding over; 2026-11-21 + 6 months = 2027-05-21
    x = earliest_exit(contract("2026-06-30", notice_months=6), AS_OF)
    assert (x.date, x.how) == (D("2027-05-21"), "notice")
    assert "notice given on 2026-11-21 ends it on 2027-05-21" in x.reason


def test_no_end_recorded_has_no_exit_and_never_ended():
    c = contract("2027-01-01")
    c.end = None
    assert earliest_exit(c, AS_OF) is None and not has_ended(c, AS_OF)


def test_extension_already_past_counts_as_no_extension():
    # end 2026-05-31, extension 2026-10-31 both past; 3 months from 2026-11-21 = 2027-02-21
    x = earliest_exit(contract("2026-05-31", "2026-10-31", 3), AS_OF)
    assert (x.date, x.how) == (D("2027-02-21"), "notice")
    assert "last extension ended on 2026-10-31" in x.reason


def test_no_notice_recorded_is_assumed_none_and_said():
    x = earliest_exit(contract("2027-03-31", "2028-03-31"), AS_OF)
    assert (x.date, x.how, x.notice_known) == (D("2027-03-31"), "end", False)
    assert "no notice period recorded" in x.reason
    # ended, no notice, no extension: it can end at once (today)
    x = earliest_exit(contract("2026-06-30"), AS_OF)
    assert (x.date, x.how) == (AS_OF, "notice")
    assert "at once" in x.reason


def test_has_ended_uses_the_last_extension():
    assert has_ended(contract("2026-01-01"), AS_OF)
    assert not has_ended(contract("2026-01-01", "2027-01-01"), AS_OF)
    assert not has_ended(contract("2026-11-21"), AS_OF)          # ends today: not yet ended
    assert notice_deadline(contract("2027-03-31")) == D("2027-03-31")


def test_sales_cycles_and_their_median():
    a = contract("2030-01-01", start="2020-04-01", procurement_started="2019-10-01")   # 183 days
    b = contract("2030-01-01", start="2022-01-01", procurement_started="2021-05-01")   # 245 days
    c = contract("2030-01-01", start="2025-01-01", procurement_started="2024-01-01")   # 366 (leap)
    missing = contract("2030-01-01", start="2025-01-01")
    backwards = contract("2030-01-01", start="2024-01-01", procurement_started="2025-01-01")
    assert [sales_cycle_days(x) for x in (a, b, c, missing, backwards)] == [183, 245, 366, None, None]
    assert median_sales_cycle([a, b, c, missing, backwards]) == (245, 3)
    # each council its own median, once it has measured enough contracts
    beta = contract("2030-01-01", start="2022-01-01", procurement_started="2021-11-01")   # 61 days
    beta.authority = "beta"
    assert council_sales_cycles([a, b, c, missing, beta], 3) == {"alpha": (245, 3)}
    assert council_sales_cycles([a, b, c, beta], 1) == {"alpha": (245, 3), "beta": (61, 1)}
    assert median_sales_cycle([a, b]) == (214, 2)              # (183 + 245) / 2 = 214
    assert median_sales_cycle([missing]) == (None, 0)


def test_coverage_lines_and_products(mini):
    estate, _ = mini({"alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha}
        lines_of_business:
          - {id: ctax, name: Local council tax, maps_to: council-tax}
          - {id: markets, name: Markets}
        systems:
          - {id: a-rb, name: Revs, product: iWorld, supports: [ctax, business-rates]}
          - {id: a-mk, name: Markets, product: In-house, supports: [markets]}
        contracts:
          - {id: C1, supplier: Northgate, covers: [a-rb, a-mk], end: 2027-03-31}
          - {id: C2, supplier: Civica, end: 2027-03-31}
        """})
    a = estate.authorities["alpha"]
    # ctax maps to council-tax; the unmapped local line is qualified by its council
    assert system_lines(estate, a.systems["a-rb"]) == ["council-tax", "business-rates"]
    assert system_lines(estate, a.systems["a-mk"]) == ["alpha/markets"]
    c1, c2 = a.contracts["C1"], a.contracts["C2"]
    assert [s.qid for s in covered_systems(estate, c1)] == ["alpha/a-rb", "alpha/a-mk"]
    assert contract_lines(estate, c1) == ["business-rates", "council-tax"]
    assert contract_lines(estate, c1, taxonomy_only=False) == ["alpha/markets", "business-rates",
                                                               "council-tax"]
    assert contract_products(estate, c1) == ["nec-revenues-benefits"]     # bespoke has none
    assert contract_lines(estate, c2) == [] and contract_products(estate, c2) == []


def test_wording():
    assert gbp(120000) == "£120,000" and gbp(1234.4) == "£1,234"
    assert and_list(["a"]) == "a" and and_list(["a", "b", "c"]) == "a, b and c"
