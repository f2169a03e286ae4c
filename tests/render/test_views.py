"""Views both the report and the register show, on tiny estates with hand-worked answers."""

from __future__ import annotations

import datetime as dt

import pytest

from estate.render import views

AS_OF = dt.date(2026, 11, 21)

GAMMA = """
kind: authority
authority:
  id: gamma
  name: Gamma City Council
  type: unitary
  region: Testshire
lines_of_business:
  - {id: council-tax}
  - {id: business-rates}
  - {id: tenancy-management, delivery: outsourced}
  - {id: bin-chips, name: Bin chips}
systems:
  - {id: live-revs, name: Live Revenues, product: iWorld, supports: [council-tax]}
  - {id: old-revs, name: Old Revenues, product: Academy, status: retiring, supports: [business-rates]}
  - {id: new-revs, name: New Revenues, product: Zeta, status: planned, supports: [business-rates]}
  - {id: gone, name: Gone, product: Omega, status: retired, supports: [tenancy-management]}
  - {id: plan-only, name: Plan Only, product: Chipper, status: planned, supports: [bin-chips]}
contracts:
  - {id: G-1, supplier: Northgate, covers: [live-revs], end: 2027-06-30, notice_months: 6}
  - {id: G-2, supplier: Capita, covers: [old-revs], end: 2026-03-31, extension_until: 2027-03-31,
     notice_months: 3}
  - {id: G-3, supplier: Capita, end: 2026-01-31}
  - {id: G-4, supplier: Capita, end: 2040-01-31}
"""

DELTA = """
kind: authority
authority:
  id: delta
  name: Delta District Council
  type: district
  region: Testshire
lines_of_business:
  - {id: council-tax}
systems:
  - {id: d-revs, name: Delta Revenues, product: Academy, status: retiring, supports: [council-tax]}
"""


@pytest.fixture
def estate(mini):
    return mini({"gamma.yaml": GAMMA, "delta.yaml": DELTA})[0]


def _row(view, name):
    return next(r for r in view["rows"] if r["name"] == name)


def _cell(row, authority):
    return next(c for c in row["cells"] if c["authority"] == authority)


def test_landscape_counts_live_and_retiring_as_in_service_and_planned_apart(estate):
    view = views.landscape(estate)
    assert [c["id"] for c in view["councils"]] == ["delta", "gamma"]       # the estate's order
    tax = _row(view, "Council Tax")
    assert [_cell(tax, a)["state"] for a in ("gamma", "delta")] == ["in-service", "in-service"]  # live; retiring
    assert tax["councils"] == 2 and tax["planned_councils"] == 0
    rates = _row(view, "Business Rates")
    gamma = _cell(rates, "gamma")
    assert gamma["state"] == "in-service"
    assert [(s["name"], s["status"]) for s in gamma["systems"]] == [("Old Revenues", "retiring"),
                                                                     ("New Revenues", "planned")]
    assert (gamma["in_service"], gamma["planned"]) == (1, 1)
    assert _cell(rates, "delta")["state"] == "not-listed"
    assert rates["councils"] == 1 and rates["planned_councils"] == 1


def test_landscape_leaves_retired_out_and_keeps_planned_only_apart(estate):
    view = views.landscape(estate)
    waste = _cell(_row(view, "Tenancy management"), "gamma")
    assert waste["state"] == "no-system" and waste["systems"] == [] and waste["delivery"] == "outsourced"
    chips = _row(view, "Bin chips")
    assert chips["local"] and chips["function"] == "Local to Gamma City Council"
    assert _cell(chips, "gamma")["state"] == "planned" and chips["councils"] == 0
    assert view["rows"][-1] is chips                           # local lines come last


def test_landscape_needs_an_estate():
    assert views.landscape(None) is None


def test_contract_status_on_extension_and_notice(estate):
    g1 = views.contract_status(estate.authorities["gamma"].contracts["G-1"], AS_OF)
    assert g1["end"] == dt.date(2027, 6, 30) and not g1["extended"]
    assert g1["notice_by"] == dt.date(2026, 12, 30)            # 6 months before 30 June 2027
    assert g1["earliest_exit"] == dt.date(2027, 6, 30) and g1["exit_how"] == "end"
    g2 = views.contract_status(estate.authorities["gamma"].contracts["G-2"], AS_OF)
    assert g2["extended"] and g2["end"] == dt.date(2027, 3, 31)
    assert g2["first_end"] == dt.date(2026, 3, 31)
    assert g2["notice_by"] == dt.date(2026, 12, 31)            # 3 months before the extension's end
    assert g2["exit_how"] == "extension"


def test_contracts_ending_between_as_of_and_the_horizon(estate):
    view = views.contracts_ending(estate, AS_OF, dt.date(2032, 1, 1), windows={"gamma/G-1": ["W1"]})
    assert [r["contract"] for r in view["rows"]] == ["G-2", "G-1"]   # soonest end first
    assert view["before"] == 1 and view["after"] == 1               # G-3 ended; G-4 ends in 2040
    g1 = view["rows"][1]
    assert g1["windows"] == ["W1"] and g1["authority_name"] == "Gamma City Council"
    assert g1["systems"][0]["name"] == "Live Revenues"
    assert views.contracts_ending(None, AS_OF, dt.date(2032, 1, 1)) is None
