"""Data quality found by the analyses (Q5xx): each item located to its file and line."""

from __future__ import annotations

import pytest

from estate.analyses import quality, run_all
from estate_testing import SHARED_SERVICE

# line numbers are those of the file as written (dedented, first blank line dropped)
ALPHA = """
kind: authority
authority: {id: alpha, name: Alpha Council}
lines_of_business:
  - {id: council-tax}
  - {id: tenancy-management}
  - {id: customer-relationship-management, delivery: outsourced}
  - {id: financial-management, delivery: not-delivered}
  - {id: markets, name: Markets}
systems:
  - id: ok
    name: Fine
    product: iWorld
    supports: [council-tax]
    annual_cost: 1000
  - id: old
    name: Old
    product: Academy
    supports: [council-tax]
    end_of_support: 2025-03-31
  - {id: own, name: Own build, product: In-house, supports: [council-tax], annual_cost: 0}
  - {id: gone, name: Gone, status: retired, supports: [markets, business-rates]}
  - {id: user, name: User, status: retiring, supports: [council-tax], depends_on: [gone, nowhere/x], annual_cost: 5}
contracts:
  - {id: C1, supplier: Northgate, covers: [ok], end: 2028-03-31}
  - {id: C2, supplier: Capita, covers: [old], end: 2026-03-31}
  - {id: C3, supplier: Capita, covers: [], end: 2028-03-31}
  - {id: C4, supplier: Northgate, covers: [ok], end: 2026-01-31, extension_until: 2027-01-31}
"""


@pytest.fixture
def items(mini, settings):
    estate, graph = mini({"alpha.yaml": ALPHA})
    return quality.find(estate, graph, settings)


def test_every_item_by_hand(items):
    got = sorted((i["code"], i["line"], i["severity"]) for i in items)
    assert got == [
        ("Q501", 20, "info"),       # 'own' is live, in-house, and no contract covers it
        ("Q502", 26, "info"),       # C3 covers nothing (allowed, so information)
        ("Q503", 19, "warning"),    # 'old' out of support since 2025-03-31 (line of the date)
        ("Q504", 25, "warning"),    # C2 ended 2026-03-31, still covers live 'old'
        ("Q504", 27, "info"),       # C4 ended 2026-01-31 but can be extended to 2027-01-31
        ("Q505", 15, "warning"),    # 'old' has no annual_cost
        ("Q506", 5, "warning"),     # tenancy-management: no system at all
        ("Q506", 6, "info"),        # CRM: none, but outsourced
        ("Q506", 8, "warning"),     # markets: only a retired system
        ("Q507", 22, "warning"),    # 'user' (retiring) depends on retired 'gone'
    ]
    # not reported: 'ok' (covered, costed), 'user' has no contract but is retiring, the
    # not-delivered financial line, business-rates (implied only by retired 'gone')


def test_items_have_the_problem_shape(items):
    for item in items:
        assert set(item) == {"severity", "code", "name", "file", "line", "column", "message", "hint"}
        assert item["file"].endswith("alpha.yaml") and item["column"] > 0 and item["hint"]
    by_code = {i["code"]: i for i in items}
    assert by_code["Q503"]["name"] == "past-end-of-support"
    assert by_code["Q503"]["message"] == ("live system 'alpha/old' (Old) has been out of vendor "
                                          "support since 2025-03-31 (as of 2026-11-21)")
    assert by_code["Q507"]["message"] == "system 'alpha/user' (retiring) depends on 'alpha/gone', which is retired"


def test_run_all_puts_them_in_data_quality_once(mini, settings, monkeypatch):
    made = []

    from estate.analyses import _graph

    class Counting(_graph.Positions):
        def __init__(self, *args, **kwargs):
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(_graph, "Positions", Counting)
    estate, graph = mini({"alpha.yaml": ALPHA})
    findings = run_all(estate, graph, settings)
    assert "_quality" not in findings and list(findings)[-1] == "data_quality"
    codes = [i["code"] for i in findings["data_quality"]]
    assert codes.count("Q506") == 3 and codes.count("Q504") == 2
    # the unmapped local line 'markets' is W205 from validation, once, and no Q item repeats it
    assert codes.count("W205") == 1
    # one Positions for the whole run, shared by quality and dependencies (which locates the
    # reference to 'nowhere', an authority not in the inputs): the loader's when the estate
    # carries one, else a single new one
    assert [(u["target"], u["line"]) for u in findings["dependencies"]["unresolved"]] == \
        [("nowhere/x", 22)]
    kept = getattr(estate, "positions", None)
    assert len(made) == (0 if kept else 1)
    assert _graph.graph_memo(graph)["positions"] is (kept or made[0])

    # without the loader's, exactly one is made for a run
    from estate.model import build_graph
    estate.positions = None
    made.clear()
    again = run_all(estate, build_graph(estate), settings)
    assert len(made) == 1
    assert [i["line"] for i in again["data_quality"] if i["code"].startswith("Q")] == \
        [i["line"] for i in findings["data_quality"] if i["code"].startswith("Q")]




def test_shared_service_lines(mini, settings):
    estate, graph = mini(SHARED_SERVICE)
    found = [(i["code"], i["severity"], i["message"]) for i in quality.find(estate, graph, settings)
             if i["code"] == "Q506"]
    # finance is supported by partner beta's system: nothing to say; CRM has no partner system
    assert found == [("Q506", "info", "line of business 'customer-relationship-management' "
                      "(Customer relationship management) of 'gamma' has no live system supporting "
                      "it (it is a shared service, but no partner council's system in the inputs "
                      "supports it)")]
