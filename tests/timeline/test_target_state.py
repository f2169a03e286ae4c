"""The estate as planned on a date: hand-worked counts on a tiny estate."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from estate.cli import main
from estate.config import Settings
from estate.model import load
from estate.model.target_state import as_planned, plan_of
from estate.findings import run_analyses

#: council-tax: old-revs is replaced by new-revs (live 2027-04-01); legacy-revs is retired
#: by 2027-12-31.  payroll: pay runs on; pay2 goes live 2029-01-01 beside it.
PLANNED = """\
kind: authority
authority: {id: aa, name: A Council}
lines_of_business: [council-tax, payroll]
systems:
  - {id: old-revs, name: Old revenues, product: iWorld, supports: [council-tax],
     annual_cost: 100000, replaced_by: new-revs}
  - {id: new-revs, name: New revenues, product: Capita Revenues and Benefits, status: planned,
     supports: [council-tax], annual_cost: 60000, go_live: 2027-04-01}
  - {id: legacy-revs, name: Legacy revenues, supports: [council-tax], annual_cost: 20000,
     retire_by: 2027-12-31}
  - {id: pay, name: Payroll, supports: [payroll], annual_cost: 30000}
  - {id: pay2, name: New payroll, status: planned, supports: [payroll], annual_cost: 40000,
     go_live: 2029-01-01}
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "aa.yaml").write_text(PLANNED, encoding="utf-8")
    return tmp_path


def findings(folder, day):
    estate = load([str(folder)])
    assert not estate.errors, [p.format() for p in estate.errors]
    _, found = run_analyses(estate, Settings(as_of=dt.date.fromisoformat(day)))
    return estate, found


# as of: (systems in service, annual cost, duplicates as (line, systems))
CASES = {
    "2026-11-21": (3, 150000, [("council-tax", ["aa/legacy-revs", "aa/old-revs"])]),
    "2027-06-01": (3, 110000, [("council-tax", ["aa/legacy-revs", "aa/new-revs"])]),
    "2028-04-01": (2, 90000, []),
    "2029-06-01": (3, 130000, [("payroll", ["aa/pay", "aa/pay2"])]),
}


@pytest.mark.parametrize("day", sorted(CASES))
def test_counts_of_the_estate_as_planned(folder, day):
    in_service, cost, duplicates = CASES[day]
    _, found = findings(folder, day)
    assert found["summary"]["in_service_systems"] == in_service
    assert found["summary"]["annual_cost"] == cost
    assert [(d["line_of_business"], d["systems"]) for d in found["duplicates"]] == duplicates


def test_each_change_explains_itself(folder):
    estate, _ = findings(folder, "2028-04-01")
    assert [(c.system, c.before, c.after) for c in estate.plan_changes] == [
        ("aa/legacy-revs", "live", "retired"),
        ("aa/new-revs", "planned", "live"),
        ("aa/old-revs", "live", "retired"),
    ]
    reasons = {c.system: c.reason for c in estate.plan_changes}
    assert reasons["aa/old-revs"] == ("aa/old-revs is replaced by aa/new-revs, which goes live "
                                      "on 2027-04-01, on or before 2028-04-01")
    assert reasons["aa/legacy-revs"] == ("aa/legacy-revs is to be retired by 2027-12-31, on or "
                                         "before 2028-04-01")


def test_an_estate_without_plans_is_left_as_loaded(tmp_path):
    (tmp_path / "b.yaml").write_text(
        "kind: authority\nauthority: {id: b, name: B}\nsystems:\n"
        "  - {id: s, name: S, status: planned, supports: []}\n", encoding="utf-8")
    estate = load([str(tmp_path)])
    assert as_planned(estate, dt.date(2040, 1, 1)) == []
    assert estate.system("b/s").status == "planned"


def test_a_replacement_without_a_go_live_date_retires_nothing(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "kind: authority\nauthority: {id: c, name: C}\nsystems:\n"
        "  - {id: old, name: Old, supports: [], replaced_by: new}\n"
        "  - {id: new, name: New, supports: []}\n", encoding="utf-8")
    estate = load([str(tmp_path)])
    assert not estate.problems
    assert plan_of(estate.system("c/old")).replaced_by == "new"
    assert as_planned(estate, dt.date(2040, 1, 1)) == []
    assert estate.system("c/old").status == "live"


def test_analyse_as_of_writes_the_target_state(folder, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyse", str(folder), "-o", str(out), "--as-of",
                                       "2028-04-01", "--maps", "none", "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "analysis.json").read_text())["summary"]
    assert (summary["in_service_systems"], summary["annual_cost"]) == (2, 90000)
