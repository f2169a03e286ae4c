"""The HTML report in a real browser: Playwright drives Debian's Chromium.

The report is built from a small estate (the ``mini`` fixture), the findings of
``estate.analyses.run_all`` and real Graphviz maps when ``estate.render.maps`` and
``dot`` are there (else a small hand-written SVG), then opened from a ``file://`` URL
with the network unused.  These tests run in the normal ``pytest`` run; they skip, with
the reason, only when Chromium or Playwright is missing (``make browser`` installs
Chromium).  A full-page screenshot is left in ``tests/artifacts/report.png``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from estate.analyses import run_all
from estate.choices import OutputChoices
from estate.render.html import write_report

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

if importlib.util.find_spec("playwright") is None:
    pytest.skip("Playwright for Python is not installed (pip install -e '.[test]')", allow_module_level=True)
if CHROMIUM is None:
    pytest.skip("Chromium was not found (make browser, or apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

AUTHORITIES = {
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha Borough Council, type: district, region: Testshire, partnerships: [trio]}
        lines_of_business:
          - {id: council-tax}
          - {id: business-rates}
          - {id: tenancy-management}
        systems:
          - id: al-revs
            name: Alpha Revenues
            product: iWorld
            vendor: Northgate
            hosting: on-premise
            introduced: 2004
            end_of_support: 2025-03-31
            criticality: critical
            supports: [council-tax, business-rates]
            depends_on: [{system: al-housing, via: file-transfer}]
            annual_cost: 100000
          - id: al-housing
            name: "<script>alert(1)</script>"
            product: Northgate Housing
            vendor: NEC Software Solutions
            hosting: hosted
            supports: [tenancy-management]
            annual_cost: 40000
        contracts:
          - {id: AL-1, supplier: Northgate, covers: [al-revs], start: 2020-04-01, end: 2027-03-31,
             annual_value: 100000, route: framework, sme: false, procurement_started: 2019-06-01}
          - {id: AL-2, supplier: Smallco Digital, covers: [al-housing], end: 2027-06-30,
             annual_value: 5000, route: g-cloud, sme: true}
        """,
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta District Council, type: district, region: Testshire, partnerships: [trio]}
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
          - {id: BE-7, supplier: Capita, covers: [be-revs], end: 2027-09-30, annual_value: 30000,
             route: open-tender, sme: false}
        """,
}

HAND_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg width="240pt" height="120pt" viewBox="0 0 240 120" xmlns="http://www.w3.org/2000/svg">
<g id="graph0" class="graph"><title>trio</title>
<rect x="10" y="10" width="100" height="40" fill="#cce2d8" stroke="#005a30"/>
<text x="60" y="35" text-anchor="middle">Alpha Revenues</text>
<rect x="130" y="70" width="100" height="40" fill="#f4cdc6" stroke="#2a0b06"/>
<text x="180" y="95" text-anchor="middle">Beta Revenues</text>
<path d="M110 30 L130 90" stroke="#0b0c0c"/>
</g></svg>
"""


def draw_maps(estate, graph, findings, outdir: Path, settings) -> list:
    """Real maps when the map renderer and Graphviz are there, else one hand-written SVG."""
    if importlib.util.find_spec("estate.render.maps") is not None:
        from estate.render import maps as maps_module
        if maps_module.dot_available():
            drawn = maps_module.render_maps(estate, graph, findings, outdir / "maps", OutputChoices())
            if drawn:
                return drawn
    (outdir / "maps").mkdir(parents=True, exist_ok=True)
    (outdir / "maps" / "trio.svg").write_text(HAND_SVG, encoding="utf-8")
    return [{"id": "trio", "kind": "partnership", "title": "Trio Shared ICT",
             "description": "Systems of the Trio councils", "files": {"svg": "maps/trio.svg"}}]


@pytest.fixture
def report_url(mini, settings, tmp_path):
    """``report_url(page)``: the URL of the board pack (``""``) or of a detail page
    (``"timeline"``: ``report/timeline.html``)."""
    estate, graph = mini(AUTHORITIES)
    findings = run_all(estate, graph, settings)
    outdir = tmp_path / "out"
    maps = draw_maps(estate, graph, findings, outdir, settings)
    write_report(estate, findings, maps, outdir / "report.html", settings)
    return lambda name="": (outdir / (f"report/{name}.html" if name else "report.html")).as_uri()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _open(browser, url):
    """``url`` open in a page; ``page.problems`` collects console errors, page errors, dialogs."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, offline=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:")) else page.problems.append(f"request: {r.url}"))
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page


@pytest.fixture
def page(browser, report_url):
    """The board pack open in a page."""
    context, page = _open(browser, report_url())
    yield page
    context.close()


@pytest.fixture
def timeline(browser, report_url):
    """The timeline detail page (procurement windows and contracts) open in a page."""
    context, page = _open(browser, report_url("timeline"))
    yield page
    context.close()


def first_cell(page, table: str) -> str:
    return page.locator(f"#{table} tbody tr:not(.is-hidden) th").first.inner_text().strip()


def test_opens_from_file_without_errors_and_saves_a_screenshot(page):
    assert page.title().startswith("IT estate report")
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
    assert page.problems == []


def test_maps_are_visible(browser, report_url):
    context, page = _open(browser, report_url("maps"))
    figures = page.locator("#maps figure")
    assert figures.count() >= 1
    svg = figures.first.locator("svg").first
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 20
    assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
    assert page.problems == []
    context.close()


def test_clicking_a_header_sorts_numerically(timeline):
    """The contracts table starts soonest-first; annual values sort as numbers, not text."""
    assert first_cell(timeline, "contracts") == "AL-1"
    header = timeline.locator("#contracts thead th", has_text="Annual value")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert first_cell(timeline, "contracts") == "AL-2"                   # £5,000 < £30,000 < £100,000
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    assert first_cell(timeline, "contracts") == "AL-1"
    other = timeline.locator("#contracts thead th", has_text="Supplier")
    other.locator("button").click()
    assert other.get_attribute("aria-sort") == "ascending" and header.get_attribute("aria-sort") is None
    assert first_cell(timeline, "contracts") == "BE-7"                   # Capita
    assert timeline.problems == []


def test_typing_in_the_filter_hides_other_rows(timeline):
    box = timeline.locator("input[data-filter-for='contracts']")
    visible = timeline.locator("#contracts tbody tr:visible")
    assert visible.count() == 3
    box.fill("capita")
    assert visible.count() == 1 and first_cell(timeline, "contracts") == "BE-7"
    assert "Showing 1 of 3 rows" in timeline.locator("#contracts").locator("xpath=../preceding-sibling::div[1]").inner_text()
    box.fill("")
    assert visible.count() == 3
    assert timeline.problems == []


def test_tables_are_complete_without_javascript(browser, report_url):
    context = browser.new_context(java_script_enabled=False, offline=True)
    page = context.new_page()
    page.goto(report_url("timeline"))
    assert page.locator("#contracts tbody tr").count() == 3
    assert page.locator("input[type=search]").count() == 0            # no dead controls
    assert page.locator("#contracts thead th button").count() == 0
    context.close()


def test_print_layout_hides_navigation(page):
    page.emulate_media(media="print")
    assert page.locator("nav.contents").is_hidden()
    assert page.evaluate("getComputedStyle(document.getElementById('decisions')).breakBefore") == "page"
    assert page.evaluate("getComputedStyle(document.querySelector('section.group')).breakBefore") == "page"
    assert page.problems == []


# --------------------------------------------------------------------------- the board pack of the samples

REPO = Path(__file__).resolve().parents[2]
#: an ``authority/system`` style id, and an ISO date, as a person should never read them in prose
ID_PATTERN = re.compile(r"\b[a-z0-9-]+/[a-z0-9-]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """The sample inventories analysed end to end by the command line (maps off: the
    board pack links them), as of a fixed date."""
    out = tmp_path_factory.mktemp("samples") / "out"
    done = subprocess.run([sys.executable, "-m", "estate", "analyse", str(REPO / "inventories"), "-o", str(out),
                           "--as-of", "2026-11-21", "--maps", "none", "--no-cache", "-q"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def test_board_pack_prints_to_at_most_12_a4_pages(browser, samples):
    context, page = _open(browser, (samples / "report.html").as_uri())
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 3 <= pages <= 12, pages
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "board-pack.pdf").write_bytes(pdf)
    context.close()


def test_board_pack_prose_has_names_not_ids_or_iso_dates(browser, samples):
    context, page = _open(browser, (samples / "report.html").as_uri())
    text = page.locator("main").inner_text()
    assert "Decisions" in text and "Start the joint procurement by" in text
    assert ID_PATTERN.findall(text) == []
    assert ISO_DATE.findall(text) == []
    assert not re.search(r"\b1 (councils|systems|windows|candidates|contracts)\b|\(s\)", text)
    assert page.problems == []
    context.close()


@pytest.mark.parametrize("name", ["report.html", "report/candidates.html", "report/timeline.html",
                                  "report/northbrook.html"])
def test_a_768_px_tablet_never_scrolls_sideways(browser, samples, name):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, offline=True)
    page = context.new_page()
    page.goto((samples / name).as_uri())
    width, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= client, (name, width, client)
    if name == "report.html":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "board-pack-768.png"))
    context.close()
