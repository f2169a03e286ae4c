"""The roadmap: one timeline per council and partnership, with the planted clashes flagged."""

from __future__ import annotations

import datetime as dt

from estate.analyses.roadmap import find
from estate.config import Settings
from estate.model import load
from estate.findings import run_analyses

CATALOGUE = """\
kind: catalogue
partnerships:
  - {id: pair, name: The Pair, kind: shared-service, members: [aa, bb]}
"""

#: aa: old-revs is retired on 2027-03-31 but its replacement goes live on 2027-06-01 (a
#: clash); pay's contract ends within 24 months with nothing after it (a clash); crm's
#: contract is renewed by a later one (no clash).  bb: one contract far in the future.
AA = """\
kind: authority
authority: {id: aa, name: A Council, partnerships: [pair]}
lines_of_business: [council-tax, payroll, customer-relationship-management]
systems:
  - {id: old-revs, name: Old revenues, supports: [council-tax], retire_by: 2027-03-31,
     replaced_by: new-revs, end_of_support: 2027-12-31}
  - {id: new-revs, name: New revenues, status: planned, supports: [council-tax],
     go_live: 2027-06-01}
  - {id: pay, name: Payroll, supports: [payroll]}
  - {id: crm, name: CRM, supports: [customer-relationship-management]}
contracts:
  - {id: A-PAY, supplier: MHR, covers: [pay], end: 2027-09-30}
  - {id: A-CRM-1, supplier: Civica, covers: [crm], end: 2027-01-31}
  - {id: A-CRM-2, supplier: Civica, covers: [crm], start: 2027-02-01, end: 2031-01-31}
  - {id: A-OLD, supplier: NEC, covers: [old-revs], end: 2020-01-31}
"""

BB = """\
kind: authority
authority: {id: bb, name: B Council, partnerships: [pair]}
lines_of_business: [payroll]
systems:
  - {id: bpay, name: Payroll, supports: [payroll]}
contracts:
  - {id: B-PAY, supplier: MHR, covers: [bpay], end: 2032-03-31}
"""


def roadmap(tmp_path, day="2026-11-21"):
    for name, text in (("catalogue.yaml", CATALOGUE), ("aa.yaml", AA), ("bb.yaml", BB)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    estate = load([str(tmp_path)])
    assert not estate.errors, [p.format() for p in estate.errors]
    _, findings = run_analyses(estate, Settings(as_of=dt.date.fromisoformat(day)))
    return findings["roadmap"]


def test_council_timeline_in_date_order(tmp_path):
    r = roadmap(tmp_path)
    aa = next(c for c in r["councils"] if c["authority"] == "aa")
    assert [(i["date"], i["kind"], i["subject"]) for i in aa["items"]] == [
        ("2027-01-31", "contract-exit", "aa/A-CRM-1"),
        ("2027-03-31", "retirement", "aa/old-revs"),
        ("2027-06-01", "go-live", "aa/new-revs"),
        ("2027-09-30", "contract-exit", "aa/A-PAY"),
        ("2027-12-31", "end-of-support", "aa/old-revs"),
        ("2031-01-31", "contract-exit", "aa/A-CRM-2"),
    ]
    assert [c["authority"] for c in r["councils"]] == ["aa", "bb"]    # most clashes first
    assert aa["clashes"] == 2


def test_the_planted_clashes_and_only_those(tmp_path):
    r = roadmap(tmp_path)
    assert [(c["clash"], c["subject"]) for c in r["clashes"]] == [
        ("retired-before-replacement", "aa/old-revs"),
        ("no-successor", "aa/A-PAY"),
    ]
    retire, contract = r["clashes"]
    assert retire["reasons"][1] == ("Clash: it is retired 62 day(s) before its replacement "
                                    "aa/new-revs goes live on 2027-06-01, so nothing would run "
                                    "its work in between.")
    assert contract["systems"] == ["aa/pay"]
    assert "no other contract covers it after that date" in contract["reasons"][1]


def test_partnership_timeline_holds_both_councils(tmp_path):
    r = roadmap(tmp_path)
    (pair,) = r["partnerships"]
    assert pair["partnership"] == "pair" and pair["authorities"] == ["aa", "bb"]
    assert pair["clashes"] == 2
    assert pair["items"][-1]["subject"] == "bb/B-PAY"
    assert len(pair["items"]) == 7


def test_a_later_date_shows_the_target_state_and_what_is_left(tmp_path):
    r = roadmap(tmp_path, "2028-01-01")
    assert [(c["system"], c["after"]) for c in r["target_state"]] == [
        ("aa/new-revs", "live"), ("aa/old-revs", "retired")]
    aa = next(c for c in r["councils"] if c["authority"] == "aa")
    assert [i["subject"] for i in aa["items"]] == ["aa/A-CRM-2"]
    assert r["clashes"] == []


def test_register_sheet_and_report_section_render_the_same_rows(tmp_path):
    from estate.choices import OutputChoices
    from estate.render.html import environment
    from estate.render.register.roadmap import roadmap_sheet
    from estate.render.roadmap import roadmap_context

    findings = {"roadmap": roadmap(tmp_path)}
    aa = findings["roadmap"]["councils"][0]
    aa["name"] = "<script>alert(1)</script>"       # hostile text stays inert in the report
    sheet = roadmap_sheet(findings)
    assert sheet.title == "Roadmap"
    assert [c.header for c in sheet.columns] == ["Timeline", "Timeline id", "Date", "Kind",
                                                 "Subject", "Name", "Clash", "Reasons"]
    assert [c.kind for c in sheet.columns][2] == "date"
    rows = list(sheet.rows())
    assert len(rows) == 6 + 1 + 7                   # aa, bb, and the partnership's
    assert rows[0][1:7] == ["aa", "2027-01-31", "Contract exit", "aa/A-CRM-1", "Civica", None]
    assert rows[1][6] == "Retired before its replacement goes live"
    assert rows[1][7].startswith("Old revenues (aa/old-revs) is to be retired by 2027-03-31;")
    assert [r[1] for r in rows[7:]] == ["pair"] * 7
    context = roadmap_context(findings)
    assert [(r["timeline_id"], r["subject"]) for r in context["rows"]] == \
        [(r[1], r[4]) for r in rows]
    html = environment(OutputChoices()).get_template("_roadmap.html").render(roadmap=context,
                                                                             system_names={})
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert html.count('class="clash"') == 4            # two clashes, in aa's and the pair's
    assert "<strong>2 clashes</strong> flagged across 3 timelines" in html


def test_a_contract_without_an_end_is_placed_only_by_its_extension(tmp_path):
    (tmp_path / "cc.yaml").write_text(
        "kind: authority\nauthority: {id: cc, name: C Council}\n"
        "systems:\n  - {id: s, name: S, supports: []}\n"
        "contracts:\n  - {id: ROLLING, supplier: MHR, covers: [s]}\n"
        "  - {id: OPEN, supplier: MHR, covers: [s], extension_until: 2027-05-31}\n",
        encoding="utf-8")
    estate = load([str(tmp_path)])
    assert not estate.errors, [p.format() for p in estate.errors]
    # the roadmap alone: it reads the windows finding, given here as none
    found = find(estate, None, Settings(as_of=dt.date(2026, 11, 21)), windows=[])
    (cc,) = found["councils"]
    assert [(i["date"], i["subject"], i["clash"]) for i in cc["items"]] == [
        ("2027-05-31", "cc/OPEN", False)]           # the rolling contract renews it
    assert cc["items"][0]["reasons"] == [
        "Contract cc/OPEN with MHR has no end recorded and can be extended to 2027-05-31."]


def test_the_report_has_a_roadmap_page_in_words(tmp_path):
    """The samples' run writes report/roadmap.html, linked from the board pack, its dates
    as people write them."""
    import re
    import subprocess
    import sys

    from estate_testing import REPO

    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "estate", "analyse", str(REPO / "inventories"),
                          "-o", str(out), "--maps", "none", "--as-of", "2026-12-04", "--no-cache"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    page = (out / "report" / "roadmap.html").read_text(encoding="utf-8")
    assert 'href="report/roadmap.html"' in (out / "report.html").read_text(encoding="utf-8")
    assert "What is due to happen from 4 December 2026" in page
    cells = re.findall(r'<td data-sort="(\d{4}-\d{2}-\d{2})">([^<]*)</td>', page)
    assert cells and not [shown for _, shown in cells if re.fullmatch(r"\d{4}-\d{2}-\d{2}", shown)]
