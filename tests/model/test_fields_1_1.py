"""Fields added in version 1.1 of the format: an optional contract end, a system's
planned replacement and dates, Companies House numbers, a council as its own vendor."""

from __future__ import annotations

import datetime as dt

from estate.model import load

INVENTORY = """\
kind: authority
authority: {id: alpha, name: Alpha Borough Council}
systems:
  - {id: a-old, name: Old CRM, supports: [], replaced_by: a-new, retire_by: 2027-03-31}
  - {id: a-new, name: New CRM, supports: [], status: planned, go_live: 2027-01-01}
  - {id: a-markets, name: Markets, supports: [], vendor: Alpha Council}
  - {id: a-shared, name: Planning, supports: [], vendor: Beta District Council}
contracts:
  - {id: C1, supplier: Capita, covers: [a-old], start: 2020-01-01}
  - {id: C2, supplier: Some Trading Name Ltd, supplier_company_number: "sc 123456", end: 2027-01-01}
  - {id: C3, supplier: Capita, supplier_company_number: "00000000", end: 2027-01-01}
---
kind: authority
authority: {id: beta, name: Beta District Council}
---
kind: catalogue
vendors:
  - {id: someco, name: Someco, company_number: SC123456}
"""


def loaded(tmp_path, text=INVENTORY):
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    return load([str(tmp_path)])


def test_a_contract_without_an_end_is_kept_with_an_information_note(tmp_path):
    estate = loaded(tmp_path)
    assert not estate.errors, [p.format() for p in estate.errors]
    c1 = estate.authorities["alpha"].contracts["C1"]
    assert (c1.end, c1.latest_end, c1.start) == (None, None, dt.date(2020, 1, 1))
    [note] = [p for p in estate.problems if p.code == "I303"]
    assert (note.severity, note.line) == ("info", 9)
    assert note.message == ("contract 'C1' of 'alpha' has no end date: it is taken as unknown or "
                            "rolling, and analyses that need an end count it as not judged")


def test_latest_end_uses_whichever_date_is_known(tmp_path):
    estate = loaded(tmp_path, INVENTORY.replace("start: 2020-01-01}",
                                                "start: 2020-01-01, extension_until: 2028-03-31}"))
    assert estate.authorities["alpha"].contracts["C1"].latest_end == dt.date(2028, 3, 31)


def test_planned_replacement_and_dates_are_kept_on_the_system(tmp_path):
    systems = loaded(tmp_path).authorities["alpha"].systems
    old, new = systems["a-old"], systems["a-new"]
    assert (old.replaced_by, old.retire_by, old.go_live) == ("a-new", dt.date(2027, 3, 31), None)
    assert (new.status, new.go_live) == ("planned", dt.date(2027, 1, 1))


def test_an_unknown_replacement_is_an_error_with_a_suggestion(tmp_path):
    estate = loaded(tmp_path, INVENTORY.replace("replaced_by: a-new", "replaced_by: a-nwe"))
    [error] = estate.errors
    assert (error.code, error.line) == ("E140", 4)
    assert error.message == ("system 'a-old' of 'alpha' is replaced by 'a-nwe', which is not a "
                             "system of the same authority")
    assert error.hint == "did you mean 'a-new'?"


def test_a_company_number_matches_the_vendor_before_any_name(tmp_path):
    contracts = loaded(tmp_path).authorities["alpha"].contracts
    assert (contracts["C2"].supplier_company_number, contracts["C2"].vendor_id) == ("SC123456", "someco")
    # a number no catalogue vendor carries: the name is matched as before
    assert (contracts["C3"].supplier_company_number, contracts["C3"].vendor_id) == ("00000000", "capita")


def test_invalid_company_numbers_are_errors(tmp_path):
    estate = loaded(tmp_path, INVENTORY.replace('"sc 123456"', '"ABC"').replace('"00000000"', "1234567"))
    got = [(p.code, p.line, p.message) for p in estate.errors]
    assert got == [
        ("E128", 10, "'supplier_company_number' of contract 'C2' of 'alpha' is 'ABC', which is not "
                     "a Companies House number: 8 digits, or 2 letters and 6 digits"),
        ("E128", 11, "'supplier_company_number' of contract 'C3' of 'alpha' must be text, not the "
                     "number 1234567"),
    ]


def test_a_council_named_as_vendor_of_its_own_system_is_in_house(tmp_path):
    estate = loaded(tmp_path)
    markets = estate.authorities["alpha"].systems["a-markets"]
    assert (markets.bespoke, markets.vendor_body, markets.vendor_id) == (True, "alpha", None)
    shared = estate.authorities["alpha"].systems["a-shared"]
    assert (shared.bespoke, shared.vendor_body) == (False, "beta")
    # neither is an unresolved vendor
    assert [p for p in estate.problems if p.code == "W201"] == []
