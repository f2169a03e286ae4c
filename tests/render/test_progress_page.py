"""The "Progress since ..." page's words, from a hand-made comparison."""

from __future__ import annotations

from estate.render.progress import progress_context
from estate.render.views import Names

EMPTY = {"added": [], "removed": [], "changed": []}


def comparison(**findings):
    f = {"summary": {}, "councils": {}, "duplicates": {"resolved": [], "new": []},
         "consolidation_candidates": {"realised": [], "no_longer_candidates": [], "new": []},
         "legacy_risks": {"moved": [], "ratings": {}}}
    f.update(findings)
    return {"before": "v1", "after": "inv", "authorities": EMPTY, "systems": EMPTY,
            "contracts": {"added": [], "removed": [],
                          "changed": [{"id": "alpha/A-1", "fields": {
                              "end": {"before": "2026-03-31", "after": "2027-06-30"}}}]},
            "findings": f, "since": {"revision": "v1", "date": "2027-06-30", "paths": None},
            "names": {"alpha": "Alpha Council", "beta": "Beta Council", "alpha/A-1": "A-1 with NEC",
                      "alpha/a-revs": "Revenues"}}


def test_realised_savings_moved_risks_and_dates_in_words():
    progress = comparison(
        consolidation_candidates={"realised": [{
            "line_of_business": "council-tax", "group": {"kind": "partnership", "id": "p"},
            "authorities": ["alpha", "beta"], "estimated_annual_saving": 52000,
            "product": "nec-revenues-benefits"}], "no_longer_candidates": [], "new": []},
        legacy_risks={"moved": [{"system": "alpha/a-revs", "before": "red", "after": "amber"}],
                      "ratings": {}},
        duplicates={"resolved": [], "new": [{"authority": "beta"}, {"authority": "alpha"}]})
    page = progress_context({"progress": progress}, Names(None))
    assert page["since"] == "v1 (30 June 2027)"
    assert page["candidates_realised"] == [
        "Alpha Council and Beta Council now run nec-revenues-benefits for Council tax; "
        "the saving estimated then was £52,000 a year."]
    assert page["risks_moved"] == [{"system": "Revenues", "council": "Alpha Council",
                                    "before": "red", "after": "amber"}]
    assert page["duplicates_new"] == 2
    assert page["councils"] == [{"id": "alpha", "name": "Alpha Council", "changes": [
        "Contract A-1 with NEC: end date 31 March 2026 → 30 June 2027."]}]


def test_no_comparison_no_page():
    assert progress_context({"progress": None}, Names(None)) is None
    assert progress_context({}, Names(None)) is None
