"""The register workbook: read back with openpyxl (and its XML), never compared as bytes."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest

from estate import __version__
from estate.model.records import (AUTHORITY_TYPES, CRITICALITY, DELIVERY, HOSTING, ROUTES,
                                  STATUS, Authority, Catalogue, Contract, Estate,
                                  LineOfBusiness, Source, System)
from estate.render import excel, xlsx
from estate.render.excel import write_register

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

SHEETS = ["Summary", "Authorities", "Systems", "Contracts", "Lines of business",
          "Authority lines", "Duplicates", "Shared products", "Consolidation candidates",
          "Procurement windows", "Roadmap", "Supplier concentration", "Legacy risk", "Dependencies",
          "Data quality"]

SYSTEM_HEADERS = [
    "Authority", "Council", "System id", "Name", "Product", "Vendor", "Catalogue product",
    "Catalogue vendor", "Version", "Hosting", "Status", "Introduced", "End of support",
    "Supports", "Depends on", "Personal data", "API", "Export formats", "Open standards",
    "Annual cost", "Users", "Criticality", "Owner", "Legacy risk score", "Legacy risk rating",
    "Disposition", "Source"]
CONTRACT_HEADERS = [
    "Authority", "Council", "Contract id", "Supplier", "Catalogue vendor", "Covers", "Start",
    "End", "Extension until", "Notice months", "Annual value", "Total value", "Route",
    "Framework", "SME", "Procurement started", "Ends", "On extension", "Notice by",
    "Earliest exit", "Procurement windows", "Source"]

ALPHA = """
    kind: authority
    authority:
      id: alpha
      name: Alpha District Council
      type: district
      region: East
      gss_code: E07000001
      partnerships: [trio]
    lines_of_business:
      - {id: council-tax, statutory: true, delivery: in-house}
      - {id: business-rates, delivery: in-house}
      - {id: customer-relationship-management, delivery: in-house}
      - {id: tenancy-management, delivery: outsourced}
      - {id: pest-control, name: Pest control, statutory: false, delivery: not-delivered}
      - {id: rev, name: Revenues (local name), maps_to: housing-benefit}
    systems:
      - id: a-rb
        name: Revenues
        product: iWorld
        vendor: Northgate
        version: "4.2"
        hosting: on-premise
        status: live
        introduced: 2009
        end_of_support: 2025-03-31
        supports: [council-tax, business-rates, rev]
        depends_on:
          - {system: a-fin, via: file-transfer}
          - {system: beta/b-rb}
        data: {personal_data: true, api: false, export_formats: [csv, xml],
               open_standards: [BS7666]}
        annual_cost: 180000
        users: 120
        criticality: high
        owner: Head of Revenues
      - id: a-fin
        name: Ledger
        product: In-house
        vendor: In-house
        supports: [financial-management]
      - id: a-crm1
        name: CRM one
        product: Dynamics
        vendor: Microsoft
        supports: [customer-relationship-management]
        annual_cost: 50000
      - id: a-crm2
        name: CRM two
        product: Salesforce
        vendor: Salesforce
        supports: [customer-relationship-management]
        annual_cost: 70000
      - id: a-old
        name: Old revenues
        product: OpenRevenues
        vendor: Civica
        status: retired
        supports: [council-tax, tenancy-management]
    contracts:
      - id: A-1
        supplier: Northgate Public Services Ltd
        covers: [a-rb]
        start: 2019-04-01
        end: 2026-03-31
        extension_until: 2027-03-31
        notice_months: 12
        annual_value: 180000
        total_value: 1260000
        route: framework
        framework: RM6194
        sme: false
        procurement_started: 2018-06-01
    """

BETA = """
    kind: authority
    authority: {id: beta, name: Beta Borough Council, type: london-borough, region: London,
                partnerships: [trio]}
    lines_of_business:
      - {id: council-tax}
      - {id: housing-benefit, delivery: in-house}
    systems:
      - id: b-rb
        name: Academy
        product: Academy
        vendor: Capita
        hosting: saas
        supports: [council-tax]
        annual_cost: 90000
    contracts:
      - id: B-1
        supplier: Capita Software
        covers: [b-rb]
        end: 2026-09-30
        annual_value: 90000
        route: g-cloud
        sme: true
    """

FILES = {"alpha.yaml": ALPHA, "beta.yaml": BETA}

# rows of the records in the register, as the inventories order them
ROW = {"alpha/a-rb": 2, "alpha/a-fin": 3, "alpha/a-crm1": 4, "alpha/a-crm2": 5,
       "alpha/a-old": 6, "beta/b-rb": 7, "alpha/A-1": 2, "beta/B-1": 3}

FINDINGS = {
    "summary": {"as_of": "2026-11-21", "authorities": 2, "systems": 6, "live_systems": 5,
                "contracts": 2, "lines_of_business": 7, "annual_cost": 390000,
                "costed_systems": 4, "uncosted_systems": 1, "annual_contract_value": 270000,
                "vendors": 2, "products": 2, "files": 3},
    "authorities": [
        {"id": "alpha", "systems": 5, "live_systems": 4, "annual_cost": 300000,
         "lines_of_business": 6, "lines_supported": 4, "line_support_share": 0.667,
         "lines_unsupported": ["tenancy-management", "pest-control"],
         "past_support_systems": ["alpha/a-rb"], "past_support_count": 1,
         "saas_cloud_share": 0.0, "api_share": 0.5, "open_standards_share": None,
         "personal_data_systems": 1, "contract_spend": 180000, "sme_spend_share": 0.0,
         "routes": {"framework": 1}, "median_sales_cycle_days": 304,
         "sales_cycles_measured": 1, "not_judged": {"hosting": 3},
         "reasons": ["4 of 6 lines of business have a live system.", "One is past support."]},
    ],
    "duplicates": [
        {"authority": "alpha", "line_of_business": "customer-relationship-management",
         "line_name": "Customer relationship management",
         "systems": ["alpha/a-crm2", "alpha/a-crm1"], "retiring": [], "planned": [],
         "products": ["Salesforce", "Dynamics"], "annual_cost": 120000,
         "reasons": ["alpha runs 2 live systems for Customer relationship management."]},
    ],
    "shared_products": [
        {"product": "nec-revenues-benefits", "product_name": "NEC Revenues & Benefits",
         "vendor": "nec", "vendor_name": "NEC Software Solutions",
         "authorities": ["alpha", "beta"], "systems": ["alpha/a-rb", "beta/b-rb"],
         "spellings": ["iWorld"], "annual_cost": 270000, "reasons": ["Used by 2 councils."]},
    ],
    "consolidation_candidates": [
        {"line_of_business": "council-tax", "line_name": "Council Tax",
         "group": {"kind": "partnership", "id": "trio", "name": "Trio Shared ICT"},
         "authorities": ["alpha", "beta"], "systems": ["alpha/a-rb", "beta/b-rb"],
         "products": [{"product": "nec-revenues-benefits", "name": "NEC Revenues & Benefits",
                       "authorities": ["alpha"], "systems": ["alpha/a-rb"], "annual_cost": 180000},
                      {"product": "capita-academy", "name": "Capita Academy Revenues & Benefits",
                       "authorities": ["beta"], "systems": ["beta/b-rb"], "annual_cost": 90000}],
         "recommended_product": "nec-revenues-benefits",
         "recommended_product_name": "NEC Revenues & Benefits", "annual_cost": 270000,
         "estimated_annual_saving": 18000, "saving_model": "20% of the systems retired",
         "contracts": ["beta/B-1", "alpha/A-1"], "earliest_exit": "2026-09-30",
         "blast_radius": ["alpha/a-fin"], "reasons": ["Both are in Trio Shared ICT."]},
    ],
    "procurement_windows": [
        {"start": "2026-03-31", "end": "2026-09-30", "must_start_by": "2025-06-30",
         "line_of_business": "council-tax", "line_name": "Council Tax", "product": None,
         "contracts": ["beta/B-1", "alpha/A-1"], "authorities": ["alpha", "beta"],
         "suppliers": ["capita", "nec"], "combined_annual_value": 270000,
         "reasons": ["Both end within 6 months."]},
    ],
    "supplier_concentration": [
        {"line_of_business": "council-tax", "line_name": "Council Tax", "basis": "spend",
         "hhi": 5556, "leading_vendor": "nec", "leading_vendor_name": "NEC Software Solutions",
         "leading_share": 0.667,
         "vendors": [{"vendor": "nec", "name": "NEC Software Solutions", "share": 0.667},
                     {"vendor": "capita", "name": "Capita", "share": 0.333}],
         "authorities": 2, "reasons": ["NEC holds two thirds of the spend."]},
    ],
    "legacy_risks": [
        {"system": "alpha/a-rb", "name": "Revenues", "authority": "alpha",
         "product": "nec-revenues-benefits", "score": 78, "rating": "red", "likelihood": 0.8,
         "impact": 0.7, "disposition": "migrate", "business_value": 0.8,
         "technical_health": 0.2, "not_judged": [], "reasons": ["Past end of support."]},
        {"system": "beta/b-rb", "name": "Academy", "authority": "beta",
         "product": "capita-academy", "score": 20, "rating": "green", "likelihood": 0.2,
         "impact": 0.4, "disposition": "tolerate", "business_value": 0.5,
         "technical_health": 0.8, "not_judged": ["end_of_support"], "reasons": ["SaaS."]},
    ],
    "dependencies": {
        "hubs": [{"system": "alpha/a-fin", "name": "Ledger", "dependents": 1,
                  "direct_dependents": 1, "dependent_systems": ["alpha/a-rb"],
                  "reasons": ["1 system depends on it."]}],
        "cycles": [{"systems": ["alpha/a-crm1", "alpha/a-crm2"], "reasons": ["A loop."]}],
        "cross_council": [{"from": "alpha/a-rb", "to": "beta/b-rb", "via": ["other"],
                           "reasons": ["Crosses councils."]}],
        "single_points_of_failure": [{"system": "alpha/a-fin", "dependents": 1,
                                      "reasons": ["Only one."]}],
        "unresolved": [{"system": "alpha/a-rb", "target": "gamma/g-x", "file": "alpha.yaml",
                        "line": 12, "reasons": ["gamma is not analysed."]}],
    },
    "data_quality": [
        {"severity": "warning", "code": "W201", "name": "unresolved-vendor", "file": "alpha.yaml",
         "line": 40, "column": 17, "message": "vendor 'Microsoft' matches no catalogue vendor",
         "hint": "add it to the catalogue"},
        {"severity": "info", "code": "I300", "name": "fuzzy-product", "file": "beta.yaml",
         "line": 0, "column": 0, "message": "matched by similarity", "hint": None},
    ],
}


# helpers ------------------------------------------------------------------------------

@pytest.fixture
def build(mini, settings, tmp_path):
    """``build(findings=..., files=..., change=fn)`` -> (path of the register, estate)."""

    def run(findings=FINDINGS, files=FILES, change=None):
        estate, _graph = mini(files)
        if change:
            change(estate)
        path = tmp_path / "out" / "register.xlsx"
        write_register(estate, copy.deepcopy(findings), path, settings)
        return path, estate

    return run


def open_register(path: Path):
    """Load the workbook, failing on any warning openpyxl gives while reading it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return openpyxl.load_workbook(path)


def header(ws) -> list:
    return [c.value for c in ws[1]]


def records(ws) -> list[dict]:
    """The rows of a sheet's table as {header: cell}."""
    (table,) = ws.tables.values()
    heads = header(ws)
    last = openpyxl.utils.cell.range_boundaries(table.ref)[3]
    out = []
    for row in ws.iter_rows(min_row=2, max_row=last):
        if all(c.value is None for c in row):
            continue
        out.append(dict(zip(heads, row)))
    return out


def sheet_xml(path: Path) -> dict:
    """{sheet title: parsed worksheet XML}, read straight from the zip."""
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        out = {}
        for s in wb.find("m:sheets", NS):
            rid = s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            target = targets[rid].lstrip("/")
            target = target if target.startswith("xl/") else "xl/" + target
            out[s.get("name")] = ET.fromstring(z.read(target))
        return out


def validations(ws) -> dict:
    """{header: DataValidation} for the columns of a sheet."""
    heads = header(ws)
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[heads[rng.min_col - 1]] = (dv, str(rng))
    return out


# structure ----------------------------------------------------------------------------

def test_sheets_come_in_order_each_with_a_filterable_table_and_a_frozen_header(build):
    path, _ = build()
    wb = open_register(path)
    assert wb.sheetnames == SHEETS
    names = set()
    for ws in wb:
        assert ws.freeze_panes == "A2", ws.title
        (table,) = ws.tables.values()
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table.displayName)
        assert table.displayName.casefold() not in names
        names.add(table.displayName.casefold())
        assert table.tableStyleInfo.name and table.autoFilter.ref == table.ref
        min_col, min_row, max_col, max_row = openpyxl.utils.cell.range_boundaries(table.ref)
        assert (min_col, min_row) == (1, 1) and max_col == len(header(ws))
        assert [c.name for c in table.tableColumns] == header(ws)
        assert all(isinstance(h, str) for h in header(ws))
        rows = records(ws)
        assert max_row == max(len(rows), 1) + 1, ws.title


def test_the_editable_sheets_have_the_importers_headers(build):
    path, _ = build()
    wb = open_register(path)
    assert header(wb["Systems"]) == SYSTEM_HEADERS
    assert header(wb["Contracts"]) == CONTRACT_HEADERS
    assert header(wb["Authorities"])[:8] == ["Id", "Name", "Type", "Region", "GSS code",
                                             "Partnerships", "Systems", "Annual cost"]
    assert header(wb["Authority lines"]) == ["Authority", "Council", "Line id", "Name",
                                             "Maps to", "Statutory", "Delivery"]


def test_missing_findings_give_sheets_with_headers_and_no_rows(build):
    path, estate = build(findings={})
    wb = open_register(path)
    assert wb.sheetnames == SHEETS
    for title in SHEETS[6:]:
        ws = wb[title]
        assert records(ws) == [], title
        (table,) = ws.tables.values()
        assert table.ref.endswith("2") and table.ref[-2].isalpha()   # header + one blank row
    # the registers come from the records, not the findings
    assert len(records(wb["Systems"])) == 6
    assert len(records(wb["Contracts"])) == 2
    assert records(wb["Systems"])[0]["Legacy risk score"].value is None
    summary = {r["Measure"].value: r for r in records(wb["Summary"])}
    assert "not analysed in this run" in summary["Duplicates"]["Note"].value


def test_findings_of_the_wrong_shape_do_not_crash_the_register(build):
    path, _ = build(findings={"summary": None, "duplicates": "oops", "legacy_risks": [None, 3],
                              "dependencies": [], "authorities": [{"id": "alpha",
                                                                   "routes": "framework"}]})
    wb = open_register(path)
    assert records(wb["Duplicates"]) == [] and records(wb["Legacy risk"]) == []


# the registers ------------------------------------------------------------------------

def test_system_rows_render_every_field(build):
    path, _ = build()
    systems = records(open_register(path)["Systems"])
    assert [(r["Authority"].value, r["System id"].value) for r in systems] == [
        ("alpha", "a-rb"), ("alpha", "a-fin"), ("alpha", "a-crm1"), ("alpha", "a-crm2"),
        ("alpha", "a-old"), ("beta", "b-rb")]
    rb = {k: c.value for k, c in systems[0].items()}
    assert rb == {
        "Authority": "alpha", "Council": "Alpha District Council", "System id": "a-rb",
        "Name": "Revenues", "Product": "iWorld",
        "Vendor": "Northgate", "Catalogue product": "NEC Revenues & Benefits",
        "Catalogue vendor": "NEC Software Solutions", "Version": "4.2", "Hosting": "on-premise",
        "Status": "live", "Introduced": 2009, "End of support": dt.datetime(2025, 3, 31),
        "Supports": "council-tax, business-rates, rev",
        "Depends on": "a-fin (file-transfer); beta/b-rb", "Personal data": "yes", "API": "no",
        "Export formats": "csv, xml", "Open standards": "BS7666", "Annual cost": 180000,
        "Users": 120, "Criticality": "high", "Owner": "Head of Revenues",
        "Legacy risk score": 78, "Legacy risk rating": "red", "Disposition": "migrate",
        "Source": rb["Source"]}
    assert rb["Source"].endswith("alpha.yaml") and ":" not in Path(rb["Source"]).name
    assert systems[0]["Version"].data_type == "s"          # "4.2" stays text
    assert systems[0]["End of support"].is_date
    assert systems[0]["End of support"].number_format == "yyyy-mm-dd"
    assert systems[0]["Annual cost"].number_format == '"£"#,##0'
    fin = systems[1]
    assert fin["Catalogue product"].value == "bespoke" and fin["Catalogue vendor"].value is None
    assert fin["Personal data"].value is None and fin["Annual cost"].value is None
    crm = systems[2]
    assert crm["Catalogue product"].value is None and crm["Catalogue vendor"].value is None


def test_contract_rows_have_real_dates_and_money(build):
    path, _ = build()
    a1, b1 = records(open_register(path)["Contracts"])
    assert {k: c.value for k, c in a1.items() if k != "Source"} == {
        "Authority": "alpha", "Council": "Alpha District Council", "Contract id": "A-1",
        "Supplier": "Northgate Public Services Ltd",
        "Catalogue vendor": "NEC Software Solutions", "Covers": "a-rb",
        "Start": dt.datetime(2019, 4, 1), "End": dt.datetime(2026, 3, 31),
        "Extension until": dt.datetime(2027, 3, 31), "Notice months": 12,
        "Annual value": 180000, "Total value": 1260000, "Route": "framework",
        "Framework": "RM6194", "SME": "no", "Procurement started": dt.datetime(2018, 6, 1),
        # as of 2026-11-21 its first end has passed: it runs on its extension, whose
        # notice date (12 months before) has passed too
        "Ends": dt.datetime(2027, 3, 31), "On extension": "yes",
        "Notice by": dt.datetime(2026, 3, 31), "Earliest exit": dt.datetime(2027, 3, 31),
        "Procurement windows": None}
    for key in ("Start", "End", "Extension until", "Procurement started"):
        assert a1[key].is_date and a1[key].number_format == "yyyy-mm-dd"
    for key in ("Annual value", "Total value"):
        assert a1[key].number_format == '"£"#,##0'
    assert b1["SME"].value == "yes" and b1["Start"].value is None
    assert b1["Catalogue vendor"].value == "Capita"
    # ended before as of, no extension: it ends when it ended, and can be left now
    assert (b1["Ends"].value, b1["On extension"].value, b1["Notice by"].value) == (
        dt.datetime(2026, 9, 30), "no", None)
    assert b1["Earliest exit"].value == dt.datetime(2026, 11, 21)


def test_authorities_carry_the_indicators_with_shares_as_percent(build):
    path, _ = build()
    ws = open_register(path)["Authorities"]
    alpha, beta = records(ws)
    assert [alpha[k].value for k in ("Id", "Name", "Type", "Region", "GSS code", "Partnerships",
                                     "Systems", "Annual cost")] == [
        "alpha", "Alpha District Council", "district", "East", "E07000001", "trio", 5, 300000]
    assert alpha["Annual cost"].number_format == '"£"#,##0'
    assert alpha["Line support"].value == pytest.approx(0.667)
    assert alpha["Line support"].number_format == "0.0%"
    assert alpha["Open standards"].value is None
    assert alpha["SaaS or cloud"].value == 0 and alpha["SaaS or cloud"].number_format == "0.0%"
    assert alpha["Lines without a system"].value == "tenancy-management, pest-control"
    assert alpha["Routes"].value == "framework 1" and alpha["Not judged"].value == "hosting 3"
    assert alpha["Reasons"].value.startswith("4 of 6 lines")
    link = alpha["Systems past end of support"]
    assert link.value == "alpha/a-rb" and link.hyperlink.location == "'Systems'!A2"
    # beta has no indicators in the findings: its record columns are still there
    assert beta["Name"].value == "Beta Borough Council" and beta["Systems"].value == 1
    assert beta["Line support"].value is None


def test_authority_lines_round_trip_what_the_council_wrote(build):
    path, _ = build()
    rows = [[c.value for c in r.values()] for r in records(open_register(path)["Authority lines"])]
    assert rows == [
        ["alpha", "Alpha District Council", "council-tax", None, None, "yes", "in-house"],
        ["alpha", "Alpha District Council", "business-rates", None, None, None, "in-house"],
        ["alpha", "Alpha District Council", "customer-relationship-management", None, None, None, "in-house"],
        ["alpha", "Alpha District Council", "tenancy-management", None, None, None, "outsourced"],
        ["alpha", "Alpha District Council", "pest-control", "Pest control", None, "no", "not-delivered"],
        ["alpha", "Alpha District Council", "rev", "Revenues (local name)", "housing-benefit", None, None],
        ["beta", "Beta Borough Council", "council-tax", None, None, None, None],
        ["beta", "Beta Borough Council", "housing-benefit", None, None, None, "in-house"]]


def test_lines_of_business_matrix_is_the_shared_landscape_view(build):
    path, _ = build()
    ws = open_register(path)["Lines of business"]
    assert header(ws) == ["Function", "Line id", "Line of business", "Councils",
                          "Alpha District Council", "Beta Borough Council"]
    rows = {r["Line id"].value: [c.value for c in r.values()] for r in records(ws)}
    # the lines councils list or support, by function then name; local lines last
    assert list(rows) == ["customer-relationship-management", "financial-management",
                          "tenancy-management", "business-rates", "council-tax",
                          "housing-benefit", "pest-control"]
    assert rows["council-tax"] == ["Revenues and Benefits", "council-tax", "Council Tax", 2,
                                   "NEC Revenues & Benefits", "Capita Academy Revenues & Benefits"]
    # a local line mapped to the taxonomy counts as the taxonomy line
    assert rows["housing-benefit"][4:] == ["NEC Revenues & Benefits", "(no system in service)"]
    # retired systems do not count; a listed line without a system says how it is delivered
    assert rows["tenancy-management"][3:] == [0, "(outsourced)", None]
    assert rows["financial-management"][4] == "Ledger (bespoke)"
    assert rows["customer-relationship-management"][4] == "Dynamics; Salesforce"
    assert rows["business-rates"][5] is None           # beta does not list it
    assert rows["pest-control"] == ["Local to Alpha District Council", "pest-control",
                                    "Pest control", 0, "(not delivered)", None]


def test_the_matrix_counts_retiring_systems_and_shows_planned_ones_apart(build):
    def change(estate):
        estate.system("alpha/a-crm1").status = "retiring"
        estate.system("alpha/a-crm2").status = "planned"
        estate.system("beta/b-rb").status = "planned"

    path, _ = build(change=change)
    rows = {r["Line id"].value: [c.value for c in r.values()]
            for r in records(open_register(path)["Lines of business"])}
    assert rows["customer-relationship-management"][3:5] == [1, "Dynamics; Salesforce (planned)"]
    assert rows["council-tax"][3:] == [1, "NEC Revenues & Benefits",
                                       "Capita Academy Revenues & Benefits (planned)"]


# findings and their links -------------------------------------------------------------

def test_a_duplicate_links_to_the_first_system_it_cites_and_lists_every_row(build):
    path, _ = build()
    wb = open_register(path)
    (dup,) = records(wb["Duplicates"])
    cell = dup["Systems"]
    assert cell.value == "alpha/a-crm2, alpha/a-crm1"
    assert cell.hyperlink.location == f"'Systems'!A{ROW['alpha/a-crm2']}"
    assert dup["Rows in Systems"].value == "5, 4"
    target = cell.hyperlink.location.split("!")[1]
    assert wb["Systems"][target].offset(column=2).value == "a-crm2"
    assert dup["Annual cost"].number_format == '"£"#,##0'
    assert dup["Line of business"].value == "Customer relationship management"


def test_findings_link_systems_and_contracts(build):
    path, _ = build()
    wb = open_register(path)
    (cand,) = records(wb["Consolidation candidates"])
    assert cand["Systems"].hyperlink.location == "'Systems'!A2"
    assert cand["Contracts"].hyperlink.location == f"'Contracts'!A{ROW['beta/B-1']}"
    assert cand["Earliest exit"].value == dt.datetime(2026, 9, 30) and cand["Earliest exit"].is_date
    assert cand["Estimated annual saving"].value == 18000
    assert cand["Products"].value == ("NEC Revenues & Benefits (alpha); "
                                      "Capita Academy Revenues & Benefits (beta)")
    assert cand["Group"].value == "Trio Shared ICT" and cand["Councils"].value == 2
    (window,) = records(wb["Procurement windows"])
    assert window["Contracts"].hyperlink.location == "'Contracts'!A3"
    assert window["Rows in Contracts"].value == "3, 2"
    assert window["Start"].value == dt.datetime(2026, 3, 31)
    assert window["Must start by"].number_format == "yyyy-mm-dd"
    assert window["Suppliers"].value == "Capita, NEC Software Solutions"
    assert window["Combined annual value"].number_format == '"£"#,##0'
    (shared,) = records(wb["Shared products"])
    assert shared["Systems"].hyperlink.location == "'Systems'!A2"
    assert shared["Councils"].value == 2
    risks = records(wb["Legacy risk"])
    assert [r["System"].hyperlink.location for r in risks] == ["'Systems'!A2", "'Systems'!A7"]
    assert risks[0]["Product"].value == "NEC Revenues & Benefits"
    assert risks[1]["Not judged"].value == "end_of_support"
    (conc,) = records(wb["Supplier concentration"])
    assert conc["Leading share"].number_format == "0.0%"
    assert conc["Vendors"].value == "NEC Software Solutions 67%, Capita 33%"


def test_dependencies_are_one_table_with_a_kind_column(build):
    path, _ = build()
    rows = records(open_register(path)["Dependencies"])
    assert [r["Kind"].value for r in rows] == ["hub", "cycle", "cross-council",
                                               "single point of failure", "unresolved"]
    hub, cycle, cross, spof, unresolved = rows
    assert hub["System"].hyperlink.location == f"'Systems'!A{ROW['alpha/a-fin']}"
    assert hub["Name"].value == "Ledger" and hub["Related systems"].value == "alpha/a-rb"
    assert cycle["Related systems"].value == "alpha/a-crm1, alpha/a-crm2"
    assert cross["Related systems"].value == "beta/b-rb" and cross["Via"].value == "other"
    assert unresolved["Related systems"].value == "gamma/g-x" and unresolved["Line"].value == 12


def test_data_quality_rows_and_severity_colours(build):
    path, _ = build()
    ws = open_register(path)["Data quality"]
    rows = records(ws)
    assert [r["Code"].value for r in rows] == ["W201", "I300"]
    assert rows[1]["Line"].value is None      # 0 means unknown
    rules = {str(cf.sqref): [r.formula for r in cf.rules] for cf in ws.conditional_formatting}
    assert rules == {"A2:A3": [['"error"'], ['"warning"'], ['"info"']]}


def test_red_amber_green_formatting(build):
    path, _ = build()
    wb = open_register(path)
    systems = wb["Systems"]
    kinds = {str(cf.sqref): [r.type for r in cf.rules] for cf in systems.conditional_formatting}
    assert kinds == {"Y2:Y7": ["cellIs", "cellIs", "cellIs"], "X2:X7": ["colorScale"],
                     "M2:M7": ["cellIs"]}
    risk = wb["Legacy risk"]
    kinds = {str(cf.sqref): [r.type for r in cf.rules] for cf in risk.conditional_formatting}
    assert kinds == {"G2:G3": ["cellIs"] * 3, "F2:F3": ["colorScale"]}
    red = next(cf for cf in risk.conditional_formatting if str(cf.sqref) == "G2:G3").rules[0]
    assert red.formula == ['"red"'] and red.dxf.fill.fgColor.rgb.endswith("FFC7CE")


def test_editable_columns_carry_validation(build):
    path, _ = build()
    wb = open_register(path)
    systems = validations(wb["Systems"])

    def choices(dv):
        return dv.formula1.strip('"').split(",")

    for head, allowed in (("Hosting", HOSTING), ("Status", STATUS), ("Criticality", CRITICALITY),
                          ("Personal data", ("yes", "no")), ("API", ("yes", "no"))):
        dv, ref = systems[head]
        assert dv.type == "list" and choices(dv) == list(allowed) and dv.showErrorMessage
        assert ref.endswith("2:" + ref.split(":")[0][:-1] + "7")
    assert systems["Introduced"][0].type == "whole"
    introduced = systems["Introduced"][0]
    assert (introduced.formula1, introduced.formula2) == ("1950", "2100")
    assert systems["End of support"][0].type == "date"
    assert systems["Annual cost"][0].type == "decimal"
    assert systems["Annual cost"][0].operator == "greaterThanOrEqual"
    assert systems["Annual cost"][0].formula1 == "0"
    assert systems["Users"][0].type == "whole"
    contracts = validations(wb["Contracts"])
    assert choices(contracts["Route"][0]) == list(ROUTES)
    assert choices(contracts["SME"][0]) == ["yes", "no"]
    assert contracts["Notice months"][0].type == "whole"
    for head in ("Start", "End", "Extension until", "Procurement started"):
        assert contracts[head][0].type == "date"
    for head in ("Annual value", "Total value"):
        assert contracts[head][0].type == "decimal"
    lines = validations(wb["Authority lines"])
    assert choices(lines["Delivery"][0]) == list(DELIVERY)
    assert choices(lines["Statutory"][0]) == ["yes", "no"]
    assert choices(validations(wb["Authorities"])["Type"][0]) == list(AUTHORITY_TYPES)
    for ws in wb:                     # Excel's limits, beyond which it "repairs" the file
        for dv in ws.data_validations.dataValidation:
            assert len(dv.errorTitle or "") <= 32 and len(dv.error or "") <= 255
            assert dv.type != "list" or len(dv.formula1) <= 257


# the summary and the workbook ---------------------------------------------------------

def test_summary_has_headline_numbers_as_of_and_how_to_read(build, settings):
    path, _ = build()
    ws = open_register(path)["Summary"]
    rows = {r["Measure"].value: r for r in records(ws)}
    assert rows["As of"]["Value"].value == dt.datetime(2026, 11, 21)
    assert rows["As of"]["Value"].number_format == "yyyy-mm-dd"
    assert rows["Systems"]["Value"].value == 6 and "5 of them live" in rows["Systems"]["Note"].value
    assert rows["Annual cost of systems"]["Value"].value == 390000
    assert rows["Annual cost of systems"]["Value"].number_format == '"£"#,##0'
    assert rows["Duplicates"]["Value"].value == 1
    assert rows["Duplicates"]["Measure"].hyperlink.location == "'Duplicates'!A1"
    assert rows["Dependencies"]["Value"].value == 5
    assert rows["Systems rated red for legacy risk"]["Value"].value == 1
    assert rows["Written by"]["Value"].value == f"estate {__version__}"
    below = [c.value for c in ws["A"] if c.value][len(rows) + 1:]
    assert below[0] == "How to read this register"
    assert any("filter" in line for line in below)


def test_workbook_properties(build):
    path, _ = build()
    props = open_register(path).properties
    assert props.title == "Estate register"
    assert props.creator == f"estate {__version__}"
    assert props.created == dt.datetime(2026, 11, 21)
    assert "2 council(s)" in props.subject and "2026-11-21" in props.subject
    assert "procurement" in props.keywords


def test_column_widths_follow_content_and_are_capped(build):
    path, _ = build()
    wb = open_register(path)
    systems = wb["Systems"]
    widths = {h: systems.column_dimensions[openpyxl.utils.get_column_letter(i)].width
              for i, h in enumerate(header(systems), 1)}
    assert widths["Authority"] < widths["Catalogue product"] <= excel.MAX_WIDTH
    assert all(excel.MIN_WIDTH <= w <= excel.MAX_WIDTH for w in widths.values())
    reasons = wb["Authorities"].column_dimensions[
        openpyxl.utils.get_column_letter(header(wb["Authorities"]).index("Reasons") + 1)]
    assert reasons.width >= len("4 of 6 lines of business have a live system.")


def test_same_inputs_give_the_same_cells(build, tmp_path):
    first, _ = build()
    kept = tmp_path / "first.xlsx"
    shutil.copy(first, kept)
    second, _ = build()

    def cells(path):
        wb = open_register(path)
        return [(ws.title, c.coordinate, c.value, c.number_format, c.data_type,
                 c.hyperlink.location if c.hyperlink else None)
                for ws in wb for row in ws.iter_rows() for c in row]

    assert cells(kept) == cells(second)


def test_the_register_is_written_atomically(build, monkeypatch, tmp_path):
    path, _ = build()
    before = path.read_bytes()

    real_close = xlsx.Workbook.close

    def fail(self):
        real_close(self)
        raise OSError("disk full")

    monkeypatch.setattr(xlsx.Workbook, "close", fail)
    with pytest.raises(OSError):
        build()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["register.xlsx"]


def test_the_same_inputs_give_the_same_bytes(build, tmp_path):
    first, _ = build()
    kept = (tmp_path / "first.xlsx")
    shutil.copy(first, kept)
    second, _ = build()
    assert kept.read_bytes() == second.read_bytes()


# inventory text that looks like a formula ---------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
             "=cmd|' /C calc'!A0", "#N/A"]


def _poison(estate):
    """Every dangerous text as a name, a vendor and an owner of the alpha and beta systems."""
    systems = [s for s in estate.systems() if s.authority in ("alpha", "beta")]
    n = len(DANGEROUS)
    for i, system in enumerate(systems):
        system.name, system.vendor, system.owner = (DANGEROUS[i % n], DANGEROUS[(i + 2) % n],
                                                    DANGEROUS[(i + 4) % n])
    for contract, text in zip(estate.contracts(), DANGEROUS[-2:]):
        contract.supplier = text


def test_formula_like_inventory_text_stays_inert_text(build):
    # through the loader too: an unresolved vendor and supplier written as formulas
    files = dict(FILES, **{"gamma.yaml": """
        kind: authority
        authority: {id: gamma, name: "=1+1"}
        systems:
          - {id: g-x, name: "=cmd|' /C calc'!A0", vendor: "+SUM(1)", product: "@x", supports: []}
        contracts:
          - {id: G-1, supplier: "=HYPERLINK(\\"http://x\\",\\"y\\")", end: 2027-01-01}
        """})
    findings = copy.deepcopy(FINDINGS)
    findings["duplicates"][0]["reasons"] = ["=1+2"]
    findings["data_quality"][0]["message"] = "-cmd"
    path, estate = build(findings=findings, files=files, change=_poison)

    wb = open_register(path)
    expected = {(s.authority, s.id): s for s in estate.systems()}
    poisoned = 0
    for row in records(wb["Systems"]):
        system = expected[(row["Authority"].value, row["System id"].value)]
        for head, value in (("Name", system.name), ("Vendor", system.vendor),
                            ("Owner", system.owner), ("Product", system.product)):
            cell = row[head]
            assert cell.value == value, head
            if value and value.startswith(("=", "+", "-", "@", "\t", "\r")):
                assert cell.data_type == "s" and cell.quotePrefix, (head, value)
                poisoned += 1
    assert poisoned >= 18
    na = [c for r in records(wb["Systems"]) for c in r.values() if c.value == "#N/A"]
    assert na and all(c.data_type == "s" for c in na)     # text, not the error value
    suppliers = [r["Supplier"].value for r in records(wb["Contracts"])]
    assert suppliers == ["=cmd|' /C calc'!A0", "#N/A", '=HYPERLINK("http://x","y")']
    assert records(wb["Authorities"])[2]["Name"].value == "=1+1"
    assert header(wb["Lines of business"])[-1] == "=1+1"
    assert records(wb["Duplicates"])[0]["Reasons"].value == "=1+2"
    assert records(wb["Data quality"])[0]["Message"].value == "-cmd"

    # and in the file itself: no formula anywhere, every string a string
    texts = []
    for title, root in sheet_xml(path).items():
        assert root.findall(".//m:f", NS) == [], title
        for c in root.iter(f"{{{NS['m']}}}c"):
            t = c.find("m:is/m:t", NS)
            if t is not None:
                assert c.get("t") == "inlineStr"
                texts.append(t.text)
            else:
                assert c.get("t") in (None, "n"), (title, c.get("r"), c.get("t"))
    for text in DANGEROUS + ["=1+1", "+SUM(1)", "@x", "=1+2", "-cmd"]:
        assert text in texts, text


def test_a_sheet_holds_no_more_links_than_excel_allows(build, monkeypatch):
    monkeypatch.setattr(excel, "MAX_LINKS", 1)
    path, _ = build()
    wb = open_register(path)
    risks = records(wb["Legacy risk"])
    assert len(risks) == 2
    assert risks[0]["System"].hyperlink.location == "'Systems'!A2"
    assert risks[1]["System"].hyperlink is None               # the second link is past the cap
    assert risks[1]["System"].value == risks[1]["System"].value.strip() != ""
    # every sheet counts on its own: the first citation of another sheet still links
    (shared,) = records(wb["Shared products"])
    assert shared["Systems"].hyperlink.location == "'Systems'!A2"
    for ws in wb.worksheets:
        assert len(ws._hyperlinks) <= 1, ws.title


def test_styles_and_links_stay_on_their_own_rows(build):
    """Styled cells are reused from row to row: nothing may leak into the next row."""
    findings = copy.deepcopy(FINDINGS)
    risk = findings["legacy_risks"][0]
    findings["legacy_risks"] = [
        dict(risk, system="alpha/a-rb", likelihood=0.25, reasons=["=1+1"]),
        dict(risk, system="gamma/nowhere", likelihood=None, reasons=["plain"]),
        dict(risk, system="beta/b-rb", likelihood="unknown", reasons=["#N/A"]),
        dict(risk, system="alpha/a-fin", likelihood=0.5, reasons=["-1"]),
    ]

    def change(estate):
        for system, name in zip(estate.systems(), ["=a", "b", "+c", "d", "e", "@f"]):
            system.name = name

    path, estate = build(findings=findings, change=change)
    wb = open_register(path)
    risks = records(wb["Legacy risk"])
    links = [r["System"].hyperlink.location if r["System"].hyperlink else None for r in risks]
    assert links == ["'Systems'!A2", None, "'Systems'!A7", "'Systems'!A3"]
    assert [r["System"].value for r in risks] == ["alpha/a-rb", "gamma/nowhere", "beta/b-rb",
                                                  "alpha/a-fin"]
    assert [r["System"].font.u for r in risks] == ["single", None, "single", "single"]
    assert [r["Likelihood"].value for r in risks] == [0.25, None, "unknown", 0.5]
    assert [r["Likelihood"].number_format for r in risks] == ["0.00", "General", "General",
                                                              "0.00"]
    assert [(r["Reasons"].value, r["Reasons"].quotePrefix) for r in risks] == [
        ("=1+1", True), ("plain", False), ("#N/A", False), ("-1", True)]
    systems = records(wb["Systems"])
    assert [(r["Name"].value, r["Name"].quotePrefix) for r in systems] == [
        ("=a", True), ("b", False), ("+c", True), ("d", False), ("e", False), ("@f", True)]
    assert [r["End of support"].is_date for r in systems] == [True] + [False] * 5


def test_characters_xml_cannot_hold_are_dropped_and_the_rest_kept(build):
    def change(estate):
        system = estate.system("alpha/a-rb")
        system.name = "Reve\x00nues\x07 and\x1b bene\x0bfits\ud800\tline\nline"
        system.owner = "\x01=1+1"
        estate.contract("alpha/A-1").supplier = "North\x0cgate"

    path, _ = build(change=change)
    wb = open_register(path)
    row = records(wb["Systems"])[0]
    assert row["Name"].value == "Revenues and benefits\tline\nline"
    assert row["Owner"].value == "=1+1" and row["Owner"].data_type == "s"
    assert row["Owner"].quotePrefix
    assert records(wb["Contracts"])[0]["Supplier"].value == "Northgate"


# scale --------------------------------------------------------------------------------

def _big_estate(systems_per_council: int, councils: int) -> Estate:
    catalogue = Catalogue(lines_of_business={
        "council-tax": LineOfBusiness("council-tax", "Council Tax", "Revenues and Benefits")})
    estate = Estate(catalogue)
    for a in range(councils):
        authority = Authority(id=f"c{a:03d}", name=f"Council {a}")
        estate.authorities[authority.id] = authority
        for s in range(systems_per_council):
            system = System(authority.id, f"s{s}", f"System {s}", supports=["council-tax"],
                            annual_cost=1000.0 * s, end_of_support=dt.date(2027, 1, 1),
                            src=Source("inv.yaml"))
            authority.systems[system.id] = system
            contract = Contract(authority.id, f"C{s}", "Supplier Ltd", dt.date(2028, 1, 1),
                                covers=[system.id], annual_value=5.0, src=Source("inv.yaml"))
            authority.contracts[contract.id] = contract
    return estate


def test_a_large_estate_streams_row_by_row(tmp_path, settings, monkeypatch):
    flushed = []
    real = xlsx.Sheet._flush

    def spy(self):
        flushed.append((self.title, len(self._buffer)))
        real(self)

    monkeypatch.setattr(xlsx.Sheet, "_flush", spy)
    estate = _big_estate(systems_per_council=600, councils=5)
    findings = {"legacy_risks": [{"system": s.qid, "score": 40, "rating": "amber"}
                                 for s in estate.systems()]}
    path = tmp_path / "big.xlsx"
    write_register(estate, findings, path, settings)
    # rows leave memory in batches while the sheet is written, not all at the end
    assert [n for title, n in flushed if title == "Systems"][:6] == [500] * 6
    full = open_register(path)
    assert full["Systems"].max_row == 3001 and full["Legacy risk"].max_row == 3001
    assert full["Systems"].tables["tblSystems"].ref == "A1:AA3001"
    assert full["Legacy risk"]["A3001"].hyperlink.location == "'Systems'!A3001"


# the round trip ------------------------------------------------------------------------

def test_the_importer_reads_back_what_the_register_wrote(build, tmp_path):
    importer = pytest.importorskip("estate.interchange.register_import")
    writer = pytest.importorskip("estate.interchange.writer")

    def change(estate):
        _poison(estate)
        for system in estate.systems():      # the loader strips white space, so does import
            system.name, system.vendor, system.owner = (
                (v or "").strip() or None for v in (system.name, system.vendor, system.owner))

    path, estate = build(change=change)
    result = importer.import_register(path)
    assert writer.compare(writer.docs_from_estate(estate), result.docs, complete=True) == []


# other spreadsheets -------------------------------------------------------------------

@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed")
def test_libreoffice_opens_the_register(build, tmp_path):
    path, _ = build(change=_poison)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    out = tmp_path / "csv"
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "csv", "--outdir", str(out), str(path)],
                   check=True, timeout=180, capture_output=True)
    text = (out / "register.csv").read_text(encoding="utf-8", errors="replace")
    assert "Measure" in text


def test_json_findings_render_like_the_dict(build, tmp_path):
    """analysis.json round trip: what the pipeline writes renders the same."""
    path, _ = build(findings=json.loads(json.dumps(FINDINGS)))
    assert records(open_register(path)["Procurement windows"])[0]["Start"].is_date


# printing and linking up ----------------------------------------------------------------

def test_every_sheet_prints_landscape_one_page_wide_with_its_header_repeated(build):
    path, _ = build()
    wb = open_register(path)
    for ws in wb:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 1 if ws.title == "Summary" else 0)
        assert ws.print_title_rows == "$1:$1", ws.title
        (table,) = ws.tables.values()
        last = "$".join(re.fullmatch(r"A1:([A-Z]+)(\d+)", table.ref).groups())
        if ws.title != "Summary":          # the table is the print area
            assert str(ws.print_area) == f"'{ws.title}'!$A$1:${last}", ws.title
    # wide sheets go on A3 so that their text stays readable; narrow ones on A4
    assert wb["Systems"].page_setup.paperSize == 8
    assert wb["Summary"].page_setup.paperSize == 9
    # the matrix keeps the line's function, id and name on every page
    assert wb["Lines of business"].print_title_cols == "$A:$C"
    # Summary prints the notes below its table too
    summary = wb["Summary"]
    assert str(summary.print_area) == f"'Summary'!$A$1:$C${summary.max_row}"


def test_the_matrix_prints_ten_councils_a_page(tmp_path, settings):
    estate = _big_estate(systems_per_council=1, councils=25)
    path = tmp_path / "wide.xlsx"
    write_register(estate, {}, path, settings)
    ws = open_register(path)["Lines of business"]
    assert ws.page_setup.fitToWidth == 3 and ws.print_title_cols == "$A:$C"


def test_windows_carry_their_reference_and_contracts_link_to_them(build):
    findings = copy.deepcopy(FINDINGS)
    findings["procurement_windows"][0]["ref"] = "W1"
    path, _ = build(findings=findings)
    wb = open_register(path)
    (window,) = records(wb["Procurement windows"])
    assert header(wb["Procurement windows"])[0] == "Window" and window["Window"].value == "W1"
    assert window["Council names"].value == "Alpha District Council, Beta Borough Council"
    a1, b1 = records(wb["Contracts"])
    for contract in (a1, b1):
        assert contract["Procurement windows"].value == "W1"
        assert contract["Procurement windows"].hyperlink.location == "'Procurement windows'!A2"


def test_windows_without_a_reference_are_not_numbered_here(build):
    path, _ = build()          # FINDINGS' window has no "ref"
    wb = open_register(path)
    (window,) = records(wb["Procurement windows"])
    assert window["Window"].value is None
    assert [c["Procurement windows"].value for c in records(wb["Contracts"])] == [None, None]


def test_councils_are_named_beside_their_ids(build):
    path, _ = build()
    wb = open_register(path)
    (dup,) = records(wb["Duplicates"])
    assert (dup["Authority"].value, dup["Council"].value) == ("alpha", "Alpha District Council")
    risks = records(wb["Legacy risk"])
    assert [r["Council"].value for r in risks] == ["Alpha District Council", "Beta Borough Council"]
    (shared,) = records(wb["Shared products"])
    assert shared["Council names"].value == "Alpha District Council, Beta Borough Council"
    (cand,) = records(wb["Consolidation candidates"])
    assert cand["Council names"].value == "Alpha District Council, Beta Borough Council"


def _serial(day):
    return str((day - dt.date(1899, 12, 30)).days)


def test_contracts_ending_within_the_horizon_and_passed_dates_are_highlighted(build, settings):
    path, _ = build()
    wb = open_register(path)
    horizon = dt.date(2028, 5, 21)         # 18 months (expiring_months) after 2026-11-21
    assert settings.expiring_months == 18

    def rules(ws):
        heads = header(ws)
        return {(heads[openpyxl.utils.cell.range_boundaries(str(cf.sqref))[0] - 1], r.operator,
                 tuple(r.formula)):
                r.dxf.fill.fgColor.rgb[-6:] for cf in ws.conditional_formatting for r in cf.rules
                if r.type == "cellIs"}

    contracts = rules(wb["Contracts"])
    assert contracts[("Ends", "between", (_serial(settings.as_of), _serial(horizon)))] == "FFEB9C"
    assert contracts[("Notice by", "lessThan", (_serial(settings.as_of),))] == "FFC7CE"
    windows = rules(wb["Procurement windows"])
    assert windows[("Must start by", "lessThan", (_serial(settings.as_of),))] == "FFC7CE"
    assert windows[("Start", "between", (_serial(settings.as_of), _serial(horizon)))] == "FFEB9C"


def test_a_long_reasons_cell_is_cut_with_a_pointer_to_analysis_json(build):
    findings = copy.deepcopy(FINDINGS)
    findings["duplicates"][0]["reasons"] = [f"Reason number {i} is here." for i in range(200)]
    path, _ = build(findings=findings)
    (dup,) = records(open_register(path)["Duplicates"])
    text = dup["Reasons"].value
    assert 900 <= len(text) <= 1000
    assert text.startswith("Reason number 0 is here. Reason number 1")
    assert text.endswith(" ... (full text in analysis.json)")
    assert text[:-len(" ... (full text in analysis.json)")].endswith("is here.")


def test_summary_counts_are_the_findings_counts(build):
    path, _ = build()
    rows = {r["Measure"].value: r["Value"].value for r in records(open_register(path)["Summary"])}
    # 1 duplicate + 1 shared + 1 candidate + 1 window + 1 concentration + 2 risks + 5 deps
    assert rows["Findings"] == 12
    assert (rows["Data-quality warnings"], rows["Data-quality notes"]) == (1, 1)
    findings = copy.deepcopy(FINDINGS)
    findings["summary"].update(findings=40, warnings=7, notes=3)     # the run's own counts
    path, _ = build(findings=findings)
    rows = {r["Measure"].value: r["Value"].value for r in records(open_register(path)["Summary"])}
    assert (rows["Findings"], rows["Data-quality warnings"], rows["Data-quality notes"]) == (40, 7, 3)
