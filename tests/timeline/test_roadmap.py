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
                                                 "Window", "Subject", "Name",
                                                 "Councils sharing", "Clash", "Reasons"]
    assert [c.kind for c in sheet.columns][2] == "date"
    assert [c.kind for c in sheet.columns][7] == "int"
    rows = list(sheet.rows())
    assert len(rows) == 6 + 1 + 7                   # aa, bb, and the partnership's
    assert rows[0][1:9] == ["aa", "2027-01-31", "Contract exit", None, "aa/A-CRM-1", "Civica",
                            None, None]
    assert rows[1][8] == "Retired before its replacement goes live"
    assert rows[1][9].startswith("Old revenues (aa/old-revs) is to be retired by 2027-03-31;")
    assert [r[1] for r in rows[7:]] == ["pair"] * 7
    context = roadmap_context(findings)
    assert [(r["timeline_id"], r["subject"]) for r in context["rows"]] == \
        [(r[1], r[5]) for r in rows]
    html = environment(OutputChoices()).get_template("_roadmap.html").render(
        roadmap=context, system_names={}, root="../")
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
    # every window the roadmap names links to that window's row on the timeline page
    linked = set(re.findall(r'href="\.\./report/timeline\.html#window-(W\d+)"', page))
    rows = set(re.findall(r'<tr id="window-(W\d+)"', (out / "report" / "timeline.html")
                          .read_text(encoding="utf-8")))
    assert linked and linked <= rows


#: three councils: aa and bb share a payroll window (W1, the larger); all three share a
#: council tax window (W2).  cc's payroll contract ends in 2031, in no window.  With no
#: measured sales cycle each contract's lead time is the default 270 days: W1 must start
#: by 2027-09-30 - 270 days = 2027-01-03, W2 by 2028-03-31 - 270 days = 2027-07-05.
SHARERS = {
    "catalogue.yaml": CATALOGUE,
    **{f"{x}{x}.yaml": f"""\
kind: authority
authority: {{id: {x}{x}, name: {x.upper()} Council{", partnerships: [pair]" if x != "c" else ""}}}
lines_of_business: [payroll, council-tax]
systems:
  - {{id: pay, name: Payroll, supports: [payroll]}}
  - {{id: revs, name: Revenues, supports: [council-tax]}}
contracts:
  - {{id: {x.upper()}-PAY, supplier: MHR, covers: [pay], end: {pay}, annual_value: 100000}}
  - {{id: {x.upper()}-REV, supplier: NEC, covers: [revs], end: {rev}, annual_value: 50000}}
""" for x, pay, rev in (("a", "2027-09-30", "2028-03-31"), ("b", "2027-12-31", "2028-06-30"),
                        ("c", "2031-03-31", "2028-09-30"))},
}


def sharers(tmp_path):
    for name, text in SHARERS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    estate = load([str(tmp_path)])
    assert not estate.errors, [p.format() for p in estate.errors]
    _, findings = run_analyses(estate, Settings(as_of=dt.date(2026, 11, 21)))
    return findings


def _windows(timeline):
    return [i for i in timeline["items"] if i["kind"] == "procurement-window"]


def test_a_window_item_holds_the_readers_share_and_the_windows_ref(tmp_path):
    findings = sharers(tmp_path)
    assert [(w["ref"], w["authorities"]) for w in findings["procurement_windows"]] == [
        ("W1", ["aa", "bb"]), ("W2", ["aa", "bb", "cc"])]
    r = findings["roadmap"]
    council = {c["authority"]: c for c in r["councils"]}
    w1, w2 = _windows(council["aa"])
    assert {k: w1[k] for k in ("date", "authority", "subject", "name", "ref", "authorities",
                               "contracts", "councils", "start", "end", "clash")} == {
        "date": "2027-01-03", "authority": "aa", "subject": "payroll", "name": "Payroll",
        "ref": "W1", "authorities": ["aa"], "contracts": ["aa/A-PAY"], "councils": 2,
        "start": "2027-09-30", "end": "2027-12-31", "clash": False}
    assert w1["reasons"] == [
        "1 other council's contracts end in window W1 with aa's contract aa/A-PAY, between "
        "2027-09-30 and 2027-12-31; to buy Payroll jointly, procurement must start by 2027-01-03."]
    assert (w2["ref"], w2["contracts"], w2["councils"]) == ("W2", ["aa/A-REV"], 3)
    assert w2["reasons"][0].startswith("2 other councils' contracts end in window W2 with aa's "
                                       "contract aa/A-REV, between 2028-03-31 and 2028-09-30;")
    (cc_w2,) = _windows(council["cc"])               # cc is in W2 only
    assert (cc_w2["ref"], cc_w2["authorities"], cc_w2["contracts"]) == ("W2", ["cc"], ["cc/C-REV"])


def test_a_window_whose_lead_time_has_run_out_says_so_rather_than_must_start_by(tmp_path):
    """On 2027-03-01 the payroll window (ends 2027-09-30 to 2027-12-31) is still ahead, but
    its start-by date, 2027-01-03, is past: the reason says procurement should have started;
    the council tax window's (2027-07-05) is not."""
    sharers(tmp_path)
    estate = load([str(tmp_path)])
    _, findings = run_analyses(estate, Settings(as_of=dt.date(2027, 3, 1)))
    council = {c["authority"]: c for c in findings["roadmap"]["councils"]}
    w1, w2 = _windows(council["aa"])
    assert (w1["subject"], w1["date"], w2["subject"]) == ("payroll", "2027-01-03", "council-tax")
    assert w2["reasons"][0].endswith("procurement must start by 2027-07-05.")
    assert w1["reasons"][0].endswith(
        "to buy Payroll jointly, procurement should have started by 2027-01-03, before "
        "2027-03-01: start now, or extend a contract to meet the window.")
    assert "must start by" not in w1["reasons"][0]


def test_a_partnerships_window_item_holds_its_members_share(tmp_path):
    (pair,) = sharers(tmp_path)["roadmap"]["partnerships"]
    w1, w2 = _windows(pair)
    assert (w1["ref"], w1["authority"], w1["authorities"], w1["contracts"], w1["councils"]) == \
        ("W1", "aa,bb", ["aa", "bb"], ["aa/A-PAY", "bb/B-PAY"], 2)
    assert w1["reasons"][0].startswith("Only aa and bb's contracts aa/A-PAY, bb/B-PAY end in "
                                       "window W1, between")
    assert (w2["authorities"], w2["contracts"], w2["councils"]) == \
        (["aa", "bb"], ["aa/A-REV", "bb/B-REV"], 3)
    assert w2["reasons"][0].startswith("1 other council's contracts end in window W2 with aa "
                                       "and bb's contracts aa/A-REV, bb/B-REV,")


def test_the_register_and_report_name_the_window_and_link_to_it(tmp_path):
    from estate.choices import OutputChoices
    from estate.render.html import environment
    from estate.render.register.roadmap import roadmap_sheet
    from estate.render.roadmap import roadmap_context

    findings = sharers(tmp_path)
    rows = [r for r in roadmap_sheet(findings).rows() if r[3] == "Procurement window"]
    assert [(r[1], r[4], r[7]) for r in rows] == [
        ("aa", "W1", 2), ("aa", "W2", 3), ("bb", "W1", 2), ("bb", "W2", 3), ("cc", "W2", 3),
        ("pair", "W1", 2), ("pair", "W2", 3)]
    html = environment(OutputChoices()).get_template("_roadmap.html").render(
        roadmap=roadmap_context(findings), system_names={}, root="../")
    assert html.count('<a href="../report/timeline.html#window-W1">W1</a>') == 3
    assert html.count("shared by 3 councils") == 4
