"""The HTML report: sections and numbers, escaping, templates, inline maps.

A small estate is built with the ``mini`` fixture and paired with a findings dict
written by hand to the shape of docs/findings.md, so every number asserted here is
known.  The HTML is parsed (lxml.html) rather than searched where structure matters.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
from markupsafe import Markup
import pytest

from estate.analyses import run_all
from estate.choices import OutputChoices
from estate.config import Settings
from estate.errors import OutputError, UsageError
from estate.render import html as report
from estate.render import report_maps, report_sections, svg_sanitise
from estate.render.html import report_context, sanitise_svg, write_report

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

ALPHA = """
kind: authority
authority:
  id: alpha
  name: Alpha Borough Council
  type: district
  region: Testshire
  partnerships: [trio]
lines_of_business:
  - {id: council-tax}
  - {id: business-rates}
  - {id: tenancy-management}
  - {id: financial-management}
systems:
  - id: al-revs
    name: Alpha Revenues
    product: iWorld
    vendor: Northgate
    hosting: on-premise
    supports: [council-tax, business-rates]
    annual_cost: 100000
  - id: al-xss
    name: "<script>alert(1)</script>"
    product: '"><img src=x onerror=alert(1)>'
    hosting: saas
    supports: [tenancy-management]
    annual_cost: 5000
contracts:
  - id: AL-1
    supplier: Northgate
    covers: [al-revs]
    start: 2020-04-01
    end: 2027-03-31
    notice_months: 6
    annual_value: 100000
    route: framework
  - id: AL-2
    supplier: '"><img src=x onerror=alert(1)>'
    covers: [al-xss]
    end: 2027-06-30
    annual_value: 5000
    route: g-cloud
    sme: true
"""

BETA = """
kind: authority
authority:
  id: beta
  name: Beta District Council
  type: district
  region: Testshire
  partnerships: [trio]
lines_of_business:
  - {id: council-tax}
  - {id: business-rates}
systems:
  - id: be-revs
    name: Beta Revenues
    product: Academy
    vendor: Capita
    hosting: hosted
    supports: [council-tax, business-rates]
    annual_cost: 80000
contracts:
  - id: BE-7
    supplier: Capita
    covers: [be-revs]
    end: 2027-09-30
    extension_until: 2028-09-30
    annual_value: 30000
    route: open-tender
  - id: BE-8
    supplier: Civica
    end: 2026-03-31
    extension_until: 2027-12-31
    notice_months: 3
    annual_value: 1000
  - id: BE-9
    supplier: Civica
    end: 2025-01-31
    annual_value: 1000
"""


def hand_findings() -> dict:
    """Findings in the shape of docs/findings.md, with numbers chosen to be recognisable."""
    return {
        "summary": {"as_of": "2026-11-21", "authorities": 2, "systems": 3, "live_systems": 3,
                    "contracts": 3, "lines_of_business": 4, "annual_cost": 4210000,
                    "costed_systems": 3, "uncosted_systems": 0, "annual_contract_value": 135000,
                    "vendors": 3, "products": 2, "files": 3},
        "authorities": [
            {"id": "alpha", "name": "Alpha Borough Council", "type": "district", "region": "Testshire",
             "partnerships": ["trio"], "systems": 2, "live_systems": 2, "annual_cost": 105000,
             "lines_of_business": 4, "lines_supported": 3, "line_support_share": 0.75,
             "lines_unsupported": ["financial-management"], "past_support_systems": [],
             "past_support_count": 0, "saas_cloud_share": 0.5, "api_share": 0.44,
             "open_standards_share": None, "personal_data_systems": 1, "contract_spend": 105000,
             "sme_spend_share": 0.12, "routes": {"framework": 20, "g-cloud": 8},
             "median_sales_cycle_days": 243, "sales_cycles_measured": 9,
             "not_judged": {"api": 5}, "reasons": ["3 of 4 lines of business have a live system"]},
            {"id": "beta", "name": "Beta District Council", "systems": 1, "live_systems": 1},
        ],
        "duplicates": [
            {"authority": "alpha", "line_of_business": "council-tax", "line_name": "Council Tax",
             "systems": ["alpha/al-revs", "alpha/al-xss"], "retiring": [], "planned": [],
             "products": ["NEC Revenues & Benefits", IMG], "annual_cost": 210000,
             "reasons": [f"Alpha runs two systems, one called {SCRIPT}"]},
        ],
        "shared_products": [],
        "consolidation_candidates": [
            {"line_of_business": "council-tax", "line_name": "Council Tax",
             "group": {"kind": "partnership", "id": "trio", "name": "Trio Shared ICT"},
             "authorities": ["alpha", "beta"], "systems": ["alpha/al-revs", "beta/be-revs"],
             "products": [{"product": "nec-revenues-benefits", "name": "NEC Revenues & Benefits",
                           "authorities": ["alpha"], "systems": ["alpha/al-revs"], "annual_cost": 100000}],
             "recommended_product": "nec-revenues-benefits",
             "recommended_product_name": "NEC Revenues & Benefits",
             "annual_cost": 650000, "estimated_annual_saving": 52000,
             "saving_model": "20% of the cost of the systems retired",
             "contracts": ["beta/BE-7"], "earliest_exit": "2027-03-31", "blast_radius": [],
             "reasons": ["Both councils run Council Tax on different products"]},
        ],
        "procurement_windows": [
            {"start": "2027-03-31", "end": "2027-09-30", "must_start_by": "2026-06-30",
             "line_of_business": "council-tax", "line_name": "Council Tax", "product": None,
             "contracts": ["alpha/AL-1", "beta/BE-7"], "authorities": ["alpha", "beta"],
             "suppliers": ["nec", "capita"], "combined_annual_value": 390000,
             "reasons": ["Two contracts end within six months"]},
        ],
        "supplier_concentration": [
            {"line_of_business": "council-tax", "line_name": "Council Tax", "basis": "spend",
             "hhi": 5200, "leading_vendor": "nec", "leading_vendor_name": "NEC Software Solutions",
             "leading_share": 0.62, "vendors": [{"vendor": "nec", "name": "NEC Software Solutions",
                                                 "share": 0.62, "annual_cost": 0, "authorities": ["alpha"]}],
             "authorities": 2, "reasons": []},
        ],
        "legacy_risks": [
            {"system": "alpha/al-revs", "name": "Alpha Revenues", "authority": "alpha",
             "product": "nec-revenues-benefits", "score": 78, "rating": "red", "disposition": "migrate",
             "not_judged": ["end_of_support"], "reasons": ["Out of support since 2025"]},
            {"system": "beta/be-revs", "name": "Beta Revenues", "authority": "beta", "score": 12,
             "rating": "green", "disposition": "tolerate", "reasons": []},
        ],
        "dependencies": {"hubs": [], "cycles": [], "cross_council": [],
                         "single_points_of_failure": [], "unresolved": []},
        "data_quality": [
            {"severity": "warning", "code": "W201", "name": "unresolved-vendor", "file": "alpha.yaml",
             "line": 12, "column": 5, "message": f"vendor '{IMG}' matches no catalogue vendor",
             "hint": "add it to the aliases"},
        ],
    }


@pytest.fixture
def estate(mini):
    return mini({"alpha.yaml": ALPHA, "beta.yaml": BETA})


class Site:
    """The board pack and its detail pages, parsed: looked up as one document."""

    def __init__(self, folder: Path):
        self.board = lxml.html.document_fromstring((folder / "report.html").read_text(encoding="utf-8"))
        self.pages = {p.name: lxml.html.document_fromstring(p.read_text(encoding="utf-8"))
                      for p in sorted((folder / "report").glob("*.html"))}
        self.docs = [self.board, *self.pages.values()]

    def get_element_by_id(self, id_):
        for doc in self.docs:
            found = doc.get_element_by_id(id_, None)
            if found is not None:
                return found
        raise KeyError(id_)

    def xpath(self, path: str) -> list:
        return [e for doc in self.docs for e in doc.xpath(path)]


def site_text(folder: Path) -> str:
    """report.html and every detail page, as one text."""
    return "\n".join(p.read_text(encoding="utf-8")
                     for p in [folder / "report.html", *sorted((folder / "report").glob("*.html"))])


@pytest.fixture
def rendered(estate, settings, tmp_path):
    """Write the report from the hand-built findings; return (text of every page, Site)."""
    path = tmp_path / "out" / "report.html"
    write_report(estate[0], hand_findings(), [], path, settings)
    return site_text(path.parent), Site(path.parent)


def words(element) -> str:
    """An element's text with every run of white space (and each <br>) as one space."""
    return " ".join(" ".join(element.itertext()).split())


def section_text(doc, section_id: str) -> str:
    return words(doc.get_element_by_id(section_id))


# --------------------------------------------------------------------------- sections and numbers

def test_board_pack_sections_in_order(rendered):
    _, doc = rendered
    ids = [s.get("id") for s in doc.board.xpath("//section[contains(@class, 'report-section')]")]
    assert ids == ["summary", "decisions", "group-partnership-trio", "details"]
    nav = [a.get("href") for a in doc.board.xpath("//nav//a")]
    assert nav == [f"#{i}" for i in ids]
    links = {a.get("href") for a in doc.board.xpath("//section[@id='details']//a")}
    assert {"report/candidates.html", "report/timeline.html", "report/data-quality.html",
            "report/alpha.html", "report/beta.html"} <= links
    assert sorted(doc.pages) == ["about.html", "alpha.html", "beta.html", "buying.html", "candidates.html",
                                 "councils.html", "data-quality.html", "data.html", "maps.html", "risks.html", "roadmap.html",
                                 "timeline.html"]


def test_executive_summary_asks_the_board_in_words(rendered):
    _, doc = rendered
    text = section_text(doc, "summary")
    assert "2 councils record 3 systems, 3 of them live, supporting 4 lines of business" in text
    assert "cost £4.2m a year" in text                      # rounded for prose
    assert "No procurement window can still be bought jointly in time; 1 window is already late." in text
    assert "1 consolidation candidate could save about £52,000 a year" in text
    assert "1 system is at red legacy risk" in text
    assert "1 line of business runs on two or more live systems in one council" in text


def test_decisions_in_a_sentence_or_two_with_figures(rendered):
    _, doc = rendered
    text = section_text(doc, "decisions")
    # W1 had to start by 30 June 2026, before the as-of date: late, not a decision to take
    assert "No procurement window can still be bought jointly in time." in text
    assert "W1: Council Tax , worth £390,000 a year: the procurement had to start by 30 June 2026." in text
    assert ("Council Tax across Trio Shared ICT. 2 councils converging on NEC Revenues & Benefits could save "
            "about £52,000 a year. Their contracts can all end by 31 March 2027.") in text
    assert "Alpha Revenues at Alpha Borough Council: scores 78 out of 100; recommended: migrate." in text
    assert "Council Tax at Alpha Borough Council : 2 live systems" in text and "£210,000 a year" in text


def test_a_page_per_partnership_and_per_council(rendered):
    _, doc = rendered
    trio = section_text(doc, "group-partnership-trio")
    assert "2 councils in this partnership, with 3 live systems costing £105,000 a year" in trio
    assert "No window to act on; 1 window is already late." in trio
    assert "1 system is rated red: Alpha Revenues. 1 line of business runs on two or more" in trio
    alpha = words(doc.pages["alpha.html"].xpath("//main")[0])
    assert "2 live systems costing £105,000 a year support 3 of its 4 lines of business" in alpha
    assert "AL-1 NEC Software Solutions 31 Mar 2027 30 Sep 2026 £100,000 W1" in alpha
    assert "1 procurement window: W1." in alpha and "BE-7" not in alpha


def test_question_sections_show_the_indicators(rendered):
    _, doc = rendered
    lines = section_text(doc, "lines")
    assert "Alpha Borough Council" in lines and "75%" in lines and "£105,000" in lines
    assert "Financial management" in lines                  # line without support
    data = section_text(doc, "data")
    assert "44%" in data and "50%" in data and "not judged" in data and "api: 5" in data
    buying = section_text(doc, "buying")
    assert "12%" in buying and "framework 20, g cloud 8" in buying
    assert "243 days" in buying and "9 contracts measured" in buying
    assert "5,200" in buying and "NEC Software Solutions" in buying and "62%" in buying


def test_matrix_lists_products_per_council_from_the_records(rendered):
    _, doc = rendered
    matrix = doc.get_element_by_id("matrix")
    headers = [" ".join(th.text_content().split()) for th in matrix.xpath("./thead//th")]
    assert headers == ["Line of business", "Alpha Borough Council", "Beta District Council",
                       "Councils with a system in service"]
    rows = {words(tr.xpath("./th")[0]): tr for tr in matrix.xpath("./tbody/tr")}
    council_tax = [words(td) for td in rows["Council Tax Revenues and Benefits"].xpath("./td")]
    assert council_tax == ["NEC Revenues & Benefits", "Capita Academy Revenues & Benefits", "2"]
    financial = [words(td) for td in rows["Financial management Finance"].xpath("./td")]
    assert financial == ["No system", "– not listed", "0"]


def test_consolidation_timeline_risk_and_quality(rendered):
    _, doc = rendered
    consolidation = section_text(doc, "consolidation")
    assert "£52,000" in consolidation and "31 Mar 2027" in consolidation and "Trio Shared ICT" in consolidation
    timeline = section_text(doc, "timeline")
    assert "W1" in timeline and "Start buying by" in timeline and "30 Jun 2026 Passed" in timeline
    contracts = doc.get_element_by_id("contracts")
    ids = [tr.xpath("./th")[0].text_content().strip() for tr in contracts.xpath("./tbody/tr")]
    assert ids == ["AL-1", "AL-2", "BE-7", "BE-8"]          # soonest end first; BE-9 has ended
    assert "30 Sep 2026" in contracts.text_content()        # AL-1 notice: 6 months before its end
    be8 = [words(td) for td in contracts.xpath("./tbody/tr")[3].xpath("./td")]
    assert be8[3:6] == ["31 Dec 2027 on extension since 31 Mar 2026", "in use", "30 Sep 2027"]
    assert "1 contract that ended before 21 Nov 2026" in timeline
    svg = doc.xpath("//section[@id='timeline']//svg")[0]
    assert svg.get("role") == "img"
    assert len(svg.xpath(".//*[contains(@class, 'tl-cell--window')]")) == 2   # AL-1, BE-7 quarters
    risks = section_text(doc, "risks")
    assert "Red 1 system" in risks and "Green 1 system" in risks
    assert "Beta Revenues" not in " ".join(doc.get_element_by_id("risks-table").text_content().split())
    quality = section_text(doc, "quality")
    assert "1 warning and 0 notes" in quality and "alpha.yaml:12" in quality


def test_missing_findings_render_as_no_findings(estate, settings, tmp_path):
    """Analyses land one by one: a missing key is a section saying so, never a crash."""
    for findings in ({}, {"summary": hand_findings()["summary"]}):
        path = tmp_path / "report.html"
        write_report(estate[0], findings, [], path, settings)
        doc = Site(path.parent)
        for section in ("consolidation", "timeline", "risks", "buying", "quality"):
            assert "No findings: this analysis did not run" in section_text(doc, section), section
        assert "No maps were drawn" in section_text(doc, "maps")


def test_findings_of_an_unexpected_shape_do_not_crash(estate, settings, tmp_path):
    findings = {"summary": "oops", "authorities": {"not": "a list"}, "duplicates": [1, "x", {}],
                "legacy_risks": [{"system": "alpha/al-revs"}], "dependencies": [],
                "supplier_concentration": [{"hhi": "n/a", "vendors": None}],
                "consolidation_candidates": [{"products": ["nec-revenues-benefits"], "group": None}],
                "procurement_windows": [{"start": "someday", "end": None}]}
    write_report(estate[0], findings, [], tmp_path / "report.html", settings)
    text = site_text(tmp_path)
    assert "Not rated" in text and "not known" in text


def test_renders_from_run_all(estate, settings, tmp_path):
    """Whatever analyses exist today, their real output renders."""
    est, graph = estate
    findings = run_all(est, graph, settings)
    write_report(est, findings, [], tmp_path / "report.html", settings)
    doc = Site(tmp_path).board
    assert doc.xpath("//h1")[0].text_content() == "IT estate report"


def test_renders_without_the_estate(settings):
    context = report_context(None, hand_findings(), [], settings)
    assert context["matrix"]["available"] is False and context["contracts"]["available"] is False
    councils = next(p for p in context["pages"] if p["id"] == "councils")
    html = report.render_report(report.detail_context(context, councils), OutputChoices(), report.DETAIL_TEMPLATE)
    assert "the report was made without the inventories" in html


# --------------------------------------------------------------------------- escaping

def test_inventory_strings_are_escaped(rendered):
    text, doc = rendered
    assert SCRIPT not in text and IMG not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    for page in doc.docs:
        scripts = page.xpath("//script")
        assert len(scripts) == 1 and "sortable" in scripts[0].text     # only report.js
    assert doc.xpath("//img") == []
    assert doc.xpath("//@*[starts-with(name(), 'on')]") == []
    # and the strings are there, as text, where the records put them
    assert SCRIPT in doc.get_element_by_id("matrix").text_content() or \
        IMG in doc.get_element_by_id("matrix").text_content()
    assert IMG in doc.get_element_by_id("contracts").text_content()
    assert SCRIPT in doc.get_element_by_id("duplicates-table").text_content()


def test_templates_never_mark_strings_safe():
    """The sanitised SVG is the only unescaped markup, and it arrives as Markup."""
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", ""), path.name
        assert "autoescape false" not in text, path.name


# --------------------------------------------------------------------------- self-contained, accessible

def test_self_contained_and_offline(rendered):
    text, doc = rendered
    assert doc.xpath("//link[@rel='stylesheet']") == [] and doc.xpath("//script[@src]") == []
    assert all(len(page.xpath("//script")) == 1 for page in doc.docs)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert "@import" not in text and "url(http" not in text
    assert "@media print" in text and "break-before: page" in text


def test_accessibility_basics(rendered):
    _, doc = rendered
    assert all(page.get("lang") == "en-GB" and len(page.xpath("//h1")) == 1 for page in doc.docs)
    levels = [int(h.tag[1]) for h in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    skip = doc.xpath("//a[@class='skip-link']")[0]
    assert doc.get_element_by_id(skip.get("href")[1:]) is not None
    for table in doc.xpath("//table"):
        assert table.xpath("./caption"), table.get("id")
        assert all(th.get("scope") == "col" for th in table.xpath("./thead//th")), table.get("id")
    # ratings carry words, not colour alone
    assert [t.text_content() for t in doc.xpath("//section[@id='risks']//strong[contains(@class, 'tag--red')]")][:1] == ["Red"]


# --------------------------------------------------------------------------- templates

def test_strict_undefined_names_the_template_and_line(estate, settings, tmp_path):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "report.html").write_text("<h1>{{ title }}</h1>\n<p>{{ summary.sytems }}</p>\n", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_report(estate[0], hand_findings(), [], tmp_path / "r.html", settings, OutputChoices(templates=str(folder)))
    message = str(caught.value)
    assert "report.html:2" in message and "sytems" in message
    assert not (tmp_path / "r.html").exists()           # nothing half-written
    # the page is streamed to its file as it renders: an error after the first line
    # still leaves the last good report as it was, and no temporary file
    (tmp_path / "r.html").write_text("the last good report", encoding="utf-8")
    with pytest.raises(OutputError):
        write_report(estate[0], hand_findings(), [], tmp_path / "r.html", settings, OutputChoices(templates=str(folder)))
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == "the last good report"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["r.html"]


def test_template_syntax_error_is_an_output_error(estate, settings, tmp_path):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "_header.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(OutputError, match="_header.html:1: template syntax error"):
        write_report(estate[0], {}, [], tmp_path / "r.html", settings, OutputChoices(templates=str(folder)))


def test_templates_folder_overrides_by_name(estate, settings, tmp_path):
    """A brand folder holding one partial overrides it; everything else falls back."""
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "_header.html").write_text(
        '<header class="masthead"><p>Trio Shared ICT board pack {{ as_of_text }}</p></header>\n', encoding="utf-8")
    (folder / "report.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    path = tmp_path / "r.html"
    write_report(estate[0], hand_findings(), [], path, settings, OutputChoices(templates=str(folder)))
    text = path.read_text(encoding="utf-8")
    assert "Trio Shared ICT board pack 21 November 2026" in text
    assert "color: #123456" in text and "--brand:" not in text
    assert 'id="decisions"' in text                      # packaged partials still used


def test_a_whole_report_template_can_be_replaced(estate, settings, tmp_path):
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "report.html").write_text(
        "{% for c in councils.rows %}{{ c.name }}={{ c.line_support_share|pct }};{% endfor %}", encoding="utf-8")
    path = tmp_path / "r.html"
    write_report(estate[0], hand_findings(), [], path, settings, OutputChoices(templates=str(folder)))
    assert path.read_text(encoding="utf-8") == "Alpha Borough Council=75%;Beta District Council=not judged;"


def test_missing_templates_folder_is_a_usage_error(estate, settings, tmp_path):
    with pytest.raises(UsageError, match="templates folder not found"):
        write_report(estate[0], {}, [], tmp_path / "r.html", settings, OutputChoices(templates=str(tmp_path / "nope")))


def test_context_is_documented():
    """Template data is an API: every context key is in docs/report.md and the docstring."""
    context = report_context(None, hand_findings(), [], Settings(as_of=dt.date(2026, 11, 21)))
    docs = (REPO / "docs" / "report.md").read_text(encoding="utf-8")
    for key in context:
        assert f"`{key}`" in docs, key
        assert f"``{key}``" in report.__doc__, key


# --------------------------------------------------------------------------- maps

HOSTILE_SVG = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- Generated by graphviz -->
<svg width="200pt" height="100pt" viewBox="0 0 200 100" xmlns="http://www.w3.org/2000/svg"
     xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
<script>alert(2)</script>
<style>body { display: none }</style>
<defs><linearGradient id="l_1"><stop offset="0" stop-color="red"/></linearGradient></defs>
<g id="graph0" class="graph" onclick="alert(3)">
<title>G</title>
<g id="node1" class="node"><title>a</title>
<a xlink:href="javascript:alert(4)" href="JaVa&#x09;script:alert(5)"><ellipse cx="50" cy="50" rx="40" ry="20" fill="url(#l_1)"/></a>
<text x="50" y="50">&lt;b&gt;Council Tax&lt;/b&gt;</text>
</g>
<a xlink:href="#node1"><text x="120" y="50" onmouseover="alert(6)">link</text></a>
<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(7)"/></div></foreignObject>
<animate attributeName="href" to="javascript:alert(8)"/>
</g>
</svg>
"""


def test_sanitise_svg_removes_what_could_run():
    svg = sanitise_svg(HOSTILE_SVG, id_prefix="map-a-", label="A map")
    doc = lxml.html.fragment_fromstring(str(svg))
    assert doc.tag == "svg" and doc.get("role") == "img" and doc.get("aria-label") == "A map"
    names = {el.tag.rpartition("}")[2] for el in doc.iter() if isinstance(el.tag, str)}
    assert not names & {"script", "style", "foreignobject", "animate", "img", "div"}
    assert doc.xpath("//@*[starts-with(name(), 'on')]") == []
    assert "javascript" not in str(svg).lower() and "<?xml" not in svg and "DOCTYPE" not in svg
    assert "&lt;b&gt;Council Tax&lt;/b&gt;" in svg        # labels stay text
    assert 'id="map-a-node1"' in svg and 'href="#map-a-node1"' in svg and "url(#map-a-l_1)" in svg
    assert 'width="200pt"' not in svg and "max-width:200pt" in svg


def test_sanitise_svg_refuses_what_is_not_svg():
    with pytest.raises(ValueError):
        sanitise_svg("<html><body>hi</body></html>")
    with pytest.raises(ValueError):
        sanitise_svg("<svg><g></svg>")
    with pytest.raises(ValueError):                        # entities need the DOCTYPE, which is dropped
        sanitise_svg('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>')


def test_maps_are_embedded_inline_and_sanitised(estate, settings, tmp_path):
    out = tmp_path / "out"
    (out / "maps").mkdir(parents=True)
    (out / "maps" / "trio.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    maps = [
        {"id": "trio", "kind": "partnership", "title": "Trio Shared ICT", "description": "Systems of the trio",
         "files": {"svg": "maps/trio.svg", "dot": "maps/trio.dot"}},
        {"id": "gone", "kind": "council", "title": "Missing", "description": "", "files": {"svg": "maps/gone.svg"}},
        {"id": "escape", "kind": "council", "title": "Outside", "description": "",
         "files": {"svg": "../../etc/passwd"}},
    ]
    write_report(estate[0], hand_findings(), maps, out / "report.html", settings)
    text = site_text(out)
    doc = Site(out)
    figures = doc.xpath("//section[@id='maps']//figure")
    assert len(figures) == 3
    svg = figures[0].xpath(".//svg")
    assert len(svg) == 1 and svg[0].get("aria-label") == "Trio Shared ICT. Systems of the trio"
    assert figures[0].xpath(".//figcaption/strong")[0].text == "Trio Shared ICT"
    assert [a.get("href") for a in figures[0].xpath(".//figcaption//a")] == ["../maps/trio.dot", "../maps/trio.svg"]
    assert len(doc.pages["maps.html"].xpath("//script")) == 1
    assert not any(f"alert({n})" in text for n in range(2, 9))     # the SVG's, not the inventory's
    assert "could not be read" in figures[1].text_content()
    assert "outside the output folder" in figures[2].text_content()


# --------------------------------------------------------------------------- filters

@pytest.mark.parametrize("value, money, short, pct", [
    (None, "not known", "not known", "not judged"),
    (0, "£0", "£0", "0%"),
    (1234.5, "£1,234", "£1,234", "123450%"),
    (4210000, "£4,210,000", "£4.2m", "421000000%"),
    (0.904, "£1", "£1", "90%"),
])
def test_filters(value, money, short, pct):
    assert report.money(value) == money and report.money_short(value) == short and report.pct(value) == pct


def test_date_filter():
    assert report.date_text("2027-03-31") == "31 Mar 2027"
    assert report.date_text(dt.date(2026, 11, 21)) == "21 Nov 2026"
    assert report.date_text(None) == "not known" and report.date_text("soon") == "soon"


# --------------------------------------------------------------------------- national scale

def test_long_tables_are_cut_on_screen_and_say_so(estate, settings, tmp_path, monkeypatch):
    monkeypatch.setattr(report_sections, "SCREEN_ROWS", 4)
    findings = hand_findings()
    one = findings["data_quality"][0] if findings.get("data_quality") else {
        "severity": "warning", "code": "W201", "name": "unresolved-vendor", "file": "a.yaml",
        "line": 1, "column": 1, "message": "m", "hint": None}
    findings["data_quality"] = [dict(one, line=i + 1, message=f"problem {i}") for i in range(10)]
    path = tmp_path / "out" / "report.html"
    write_report(estate[0], findings, [], path, settings)
    doc = Site(path.parent)
    rows = doc.xpath("//section[@id='quality']//table[.//caption[@id='quality-caption']]/tbody/tr")
    assert len(rows) == 4
    caption = doc.xpath("//caption[@id='quality-caption']")[0].text_content()
    assert "The first 4 of 10 are shown here" in caption


def test_maps_beyond_the_budget_are_linked_not_embedded_overviews_first(estate, settings, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr(report_maps, "MAX_EMBEDDED_MAPS", 2)
    out = tmp_path / "out"
    (out / "maps").mkdir(parents=True)
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g><title>x</title></g></svg>'
    maps = []
    for kind, name in (("council", "c1"), ("council", "c2"), ("landscape", "land"), ("partnership", "p1")):
        (out / "maps" / f"{name}.svg").write_text(svg, encoding="utf-8")
        maps.append({"id": name, "kind": kind, "title": name, "description": "",
                     "files": {"svg": f"maps/{name}.svg"}})
    write_report(estate[0], hand_findings(), maps, out / "report.html", settings)
    doc = Site(out)
    figures = doc.xpath("//section[@id='maps']//figure")
    titles = [f.xpath(".//figcaption/strong")[0].text for f in figures]
    # overview maps first, then the councils in their given order
    assert titles == ["land", "p1", "c1", "c2"]
    embedded = [bool(f.xpath(".//svg")) for f in figures]
    assert embedded == [True, True, False, False]
    assert "Not embedded" in figures[2].text_content()
    assert [a.get("href") for a in figures[2].xpath(".//figcaption//a")] == ["../maps/c1.svg"]


def test_long_tables_count_every_row_though_they_build_only_those_shown(estate, settings, monkeypatch):
    monkeypatch.setattr(report_sections, "SCREEN_ROWS", 2)
    findings = hand_findings()
    candidate = findings["consolidation_candidates"][0]
    findings["consolidation_candidates"] = [dict(candidate, estimated_annual_saving=100 - i) for i in range(7)]
    duplicate = findings["duplicates"][0]
    findings["duplicates"] = [dict(duplicate) for _ in range(5)]
    findings["data_quality"] = [{"severity": "warning" if i % 3 else "info", "code": f"W{i % 2}", "name": "n",
                                 "file": f"/inv/c{i}/a.yaml", "line": i, "message": "m"} for i in range(9)]
    context = report_context(estate[0], findings, [], settings)
    cc = context["consolidation"]
    assert (len(cc["rows"]), cc["rows_total"], len(cc["featured"])) == (2, 7, 2)
    assert context["top"]["counts"]["consolidation"] == 7 and context["top"]["savings"]["more"] == 4
    assert "rows_total" not in context["top"]["savings"]
    assert context["top"]["counts"]["duplicates"] == 5 and context["duplicates"]["rows_total"] == 5
    dq = context["data_quality"]
    assert (len(dq["rows"]), dq["rows_total"], dq["counts"]) == (2, 9, {"warning": 6, "info": 3})
    assert sorted((c["code"], c["severity"], c["count"]) for c in dq["by_code"]) == [
        ("W0", "info", 2), ("W0", "warning", 3), ("W1", "info", 1), ("W1", "warning", 3)]
    assert [r["file"] for r in dq["rows"]] == ["inv/c0/a.yaml", "inv/c1/a.yaml"]
    assert list(dq) == ["available", "rows", "by_code", "counts", "rows_total"]


def test_contract_ends_filter_writes_what_a_template_loop_would():
    contracts = [{"contract": "C-1", "supplier": "<Civica & Co>", "end": "2027-03-31", "windows": ["W1", "W2"]},
                 {"contract": "C-2", "supplier": None, "end": "2028-01-05", "windows": []}]
    env = report.environment(OutputChoices())
    loop = env.from_string('{% for x in cs %}; {{ x.contract }} {{ x.supplier }} ends {{ x.end|date }}'
                           '{% if x.windows %} ({{ x.windows|join(", ") }}){% endif %}{% endfor %}')
    assert env.from_string("{{ cs|contract_ends }}").render(cs=contracts) == loop.render(cs=contracts)
    assert report.contract_ends(contracts) == (
        "; C-1 &lt;Civica &amp; Co&gt; ends 31 Mar 2027 (W1, W2); C-2 None ends 5 Jan 2028")


# --------------------------------------------------------------------------- the SVG writer

def _elementtree_sanitise(text: str, *, id_prefix: str = "", label: str = "") -> str:
    """sanitise_svg as it was written with ElementTree: the streaming writer must give its bytes."""
    import xml.etree.ElementTree as ET
    body = svg_sanitise._PROLOG.sub("", text).strip()
    root = ET.fromstring(body)
    local = svg_sanitise._local
    ids: dict = {}

    def clean(element):
        for child in list(element):
            if local(child.tag).lower() not in svg_sanitise.SVG_ELEMENTS \
                    or (child.tag.startswith("{") and not child.tag.startswith(f"{{{svg_sanitise.SVG_NS}}}")):
                element.remove(child)
                continue
            clean(child)
        for name in list(element.attrib):
            low, value = local(name).lower(), element.attrib[name]
            if low.startswith("on") or low in ("formaction", "attributename", "values", "begin"):
                del element.attrib[name]
            elif low in ("href", "src", "action") and not svg_sanitise._safe_url(value):
                del element.attrib[name]
            elif low == "style" and re.search(r"url\s*\(|expression\s*\(|@import|javascript:", value, re.I):
                del element.attrib[name]
            elif low == "id" and id_prefix:
                ids[value] = element.attrib[name] = id_prefix + value

    clean(root)
    if ids:
        for el in root.iter():
            for name, value in list(el.attrib.items()):
                el.attrib[name] = svg_sanitise._rewrite_ref(name, value, ids)
    width = root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    style = "width:100%;height:auto"
    if width and re.fullmatch(r"[0-9.]+(pt|px)?", width.strip()):
        style += f";max-width:{width.strip()}"
    root.set("style", style)
    root.set("role", "img")
    root.set("focusable", "false")
    if label:
        root.set("aria-label", label)
    ET.register_namespace("", svg_sanitise.SVG_NS)
    ET.register_namespace("xlink", svg_sanitise.XLINK_NS)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


SVG = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
TRICKY_SVGS = [
    HOSTILE_SVG,
    f'<svg {SVG}/>',
    f'<svg {SVG} width="10cm" height="5" style="fill:red" id="root"><g></g><g> </g></svg>',
    f'<svg {SVG}><g>before<script>x</script>tail dropped<rect/>kept tail</g><g><style/>\n</g></svg>',
    f'<svg {SVG}><script><g><text>nested</text></g></script><text>a &amp; b &lt; c &gt; d &#45; &#160; &quot;'
    f'&apos;</text><![CDATA[ <raw> & ]]></svg>',
    f'<svg {SVG} {XLINK}><a xlink:href="#later" href=" javascript:x"><text id="x1" fill="url( #later )">t</text>'
    f'</a><linearGradient id="later"/><rect style="fill: url(#later)"/><use xlink:href="#x1"/></svg>',
    f'<svg {SVG} xmlns:foo="urn:foo" xmlns:bar="urn:bar" foo:a="1"><g bar:b="2" foo:c="3" xml:space="preserve">'
    f'<foo:g/><title xml:lang="en">x</title></g></svg>',
    f'<svg {SVG}><text title="a&#10;b&#9;c&#13;d &lt;&gt;&amp;&quot;" x="line\nbreak\ttab">é😀</text></svg>',
    f'<svg {SVG}><?pi whatever?><!-- c --><g onclick="x()" ONLOAD="y" formAction="z" values="1" begin="2"/></svg>',
    '<svg><g id="n1"><title>no namespace</title><a href="mailto:x@y" src="data:x"/></g></svg>',
    '<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:g id="a"><svg:path d="M0"/></svg:g></svg:svg>',
    '<svg xmlns="urn:other"><g id="a"/></svg>',
    f'<svg {SVG}><svg width="1"><g/></svg><SVG/><Title>case</Title></svg>',
    f'<?pi a?>\n<svg {SVG}><g/></svg>\n<?pi x?>  \n<?pi y?>',
    f'<svg {SVG} {XLINK} xmlns:e="urn:e" xmlns:f="urn:f"><a xlink:href="javascript:x" e:onclick="y"><g f:x="1"/>'
    f'</a><e:g f:y="2"/></svg>',
]


@pytest.mark.parametrize("svg", TRICKY_SVGS)
@pytest.mark.parametrize("prefix, label", [("map-a-", "A map & <its> \"label\""), ("", "")])
def test_sanitise_svg_writes_what_elementtree_wrote(svg, prefix, label):
    assert str(sanitise_svg(svg, id_prefix=prefix, label=label)) == \
        _elementtree_sanitise(svg, id_prefix=prefix, label=label)


def test_sanitise_svg_writes_graphviz_maps_as_elementtree_did(estate, settings, tmp_path):
    import shutil
    from estate.render.maps import build_maps, run_graphviz
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' is not installed")
    est, graph = estate
    findings = run_all(est, graph, settings)
    drawn = 0
    for n, m in enumerate(build_maps(est, graph, findings, OutputChoices())[:8]):
        svg = tmp_path / f"{n}.svg"
        run_graphviz(m.source, m.engine, {"svg": svg}, 60)
        text = svg.read_text(encoding="utf-8")
        assert str(sanitise_svg(text, id_prefix="p-", label=m.title)) == \
            _elementtree_sanitise(text, id_prefix="p-", label=m.title)
        drawn += 1
    assert drawn


def test_prose_filters_write_dates_counts_and_money_for_people():
    assert report.long_date("2027-06-30") == "30 June 2027" and report.long_date(None) == "not known"
    assert report.plural(1, "council") == "1 council" and report.plural(3, "council") == "3 councils"
    assert report.plural(2, "system is", "systems are") == "2 systems are"
    assert report.plural(1204, "system") == "1,204 systems"
    assert report.money_round(4_210_000) == "£4.2m" and report.money_round(52_340) == "£52,000"
    assert report.money_round(5_230) == "£5,200" and report.money_round(None) == "not known"
    assert report.words("notice by 2026-12-31, ends 2027-06-30") == "notice by 31 December 2026, ends 30 June 2027"
    assert report.words("past support: alpha/al-revs, beta/x", {"alpha/al-revs": "Alpha Revenues"}) == \
        "past support: Alpha Revenues, beta/x"


def test_a_council_page_lists_all_its_contracts_though_long_tables_are_cut(estate, settings, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(report_sections, "SCREEN_ROWS", 1)
    path = tmp_path / "out" / "report.html"
    write_report(estate[0], hand_findings(), [], path, settings)
    site = Site(path.parent)
    assert len(site.pages["timeline.html"].xpath("//table[@id='contracts']/tbody/tr")) == 1
    alpha = [tr.xpath("./th")[0].text_content() for tr in
             site.pages["alpha.html"].xpath("//table[@id='council-contracts']/tbody/tr")]
    assert alpha == ["AL-1", "AL-2"]


def test_a_late_window_names_the_councils_whose_contracts_could_still_join(estate):
    """`could_still_join` holds contract ids; the board pack says whose they are in words."""
    from estate.render.report_sections import _windows
    from estate.render.views import Names

    est = estate[0]
    authority = next(iter(est.authorities.values()))
    window = {"ref": "W2", "actionable": False, "days_late": 30, "combined_annual_value": 1000,
              "authorities": [authority.id],
              "could_still_join": [f"{authority.id}/C-1", f"{authority.id}/C-2"]}
    (row,) = _windows({"procurement_windows": [window]}, Names(est))["rows"]
    assert row["could_still_join"] == [f"{authority.name} (C-1, C-2)"]


def test_hostile_text_in_the_findings_stays_inert_on_every_report_page(estate, settings, tmp_path):
    """The shared hostile corpus, put into names and reasons: no control character and no
    live markup on the board pack or any detail page."""
    from hostile import CONTROL_CHARACTERS, HOSTILE

    findings = hand_findings()
    texts = iter(HOSTILE * 50)

    def poison(value):
        if isinstance(value, dict):
            return {k: (next(texts) if k in ("name", "line_name", "product_name") and isinstance(v, str)
                        else [next(texts)] if k == "reasons" else poison(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [poison(v) for v in value]
        return value

    path = tmp_path / "r.html"
    write_report(estate[0], poison(findings), [], path, settings)
    pages = [path, *sorted((tmp_path / "report").glob("*.html"))]
    assert len(pages) > 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not CONTROL_CHARACTERS & set(text), page.name
        assert "<script>alert" not in text, page.name


def test_one_template_environment_renders_every_page_and_the_bytes_do_not_change(estate, settings, tmp_path,
                                                                                  monkeypatch):
    made = []
    real = report.environment

    def counted(choices):
        made.append(choices)
        return real(choices)

    monkeypatch.setattr(report, "environment", counted)
    write_report(estate[0], hand_findings(), [], tmp_path / "a" / "report.html", settings)
    pages = sorted(p.name for p in (tmp_path / "a" / "report").glob("*.html"))
    assert len(pages) > 10          # the board pack's detail pages and a page per council
    assert len(made) == 1
    # a page rendered on its own, with a new environment, is byte for byte the same
    context = report_context(estate[0], hand_findings(), [], settings, base=tmp_path / "a")
    alone = [p for p in context["pages"] if p.get("council") == "alpha"][0]
    html = report.render_report(report.detail_context(context, alone), OutputChoices(), report.DETAIL_TEMPLATE)
    assert (tmp_path / "a" / alone["href"]).read_text(encoding="utf-8") == html
    assert len(made) == 2
    write_report(estate[0], hand_findings(), [], tmp_path / "b" / "report.html", settings)
    assert site_text(tmp_path / "a") == site_text(tmp_path / "b")


@pytest.mark.parametrize("fast", [True, False])
def test_a_page_key_digests_values_in_their_own_order(fast, monkeypatch):
    if not fast:
        monkeypatch.setattr(report, "orjson", None)
    one = report._digest({"a": [1, dt.date(2027, 3, 31)], "b": Markup("<b>x</b>")})
    assert one == report._digest({"a": [1, dt.date(2027, 3, 31)], "b": Markup("<b>x</b>")})
    assert one != report._digest({"b": Markup("<b>x</b>"), "a": [1, dt.date(2027, 3, 31)]})   # a loop's order
    assert one != report._digest({"a": [1, "2027-03-31x"], "b": Markup("<b>x</b>")})
    assert report._digest({"a": object()}) is None          # not JSON: the page is always rendered


def test_a_detail_page_key_follows_what_its_templates_read(estate, settings, tmp_path):
    context = report_context(estate[0], hand_findings(), [], settings, base=tmp_path)
    keys = report.PageKeys(report.environment(OutputChoices()), context)
    council = [p for p in context["pages"] if p.get("council") == "alpha"][0]
    roadmap = [p for p in context["pages"] if p["id"] == "roadmap"][0]
    before = {p["id"]: keys.key(report.detail_context(context, p)) for p in (council, roadmap)}
    assert None not in before.values() and len(set(before.values())) == 2
    # the roadmap page reads "roadmap"; the council page does not
    changed = {**context, "roadmap": {**context["roadmap"], "clashes": context["roadmap"]["clashes"] + 1}}
    keys = report.PageKeys(report.environment(OutputChoices()), changed)
    assert keys.key(report.detail_context(changed, roadmap)) != before["roadmap"]
    assert keys.key(report.detail_context(changed, council)) == before["council:alpha"]
