"""estate import table: a council's own spreadsheet or CSV through a column mapping."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import yaml

from estate_testing import INTERCHANGE as FIXTURES
from estate.interchange.sheets import SourceError
from estate.interchange.table_guess import guess_mapping
from estate.interchange.table_import import import_table
from estate.model import load

REGISTER = FIXTURES / "contract-register.csv"
MAPPING = FIXTURES / "contract-register.mapping.yaml"


def test_guess_recognises_transparency_code_headers(run):
    result = run("import", "table", REGISTER, "--guess")
    mapping = yaml.safe_load(result.stdout)
    assert mapping["kind"] == "contracts"
    assert mapping["columns"] == {"id": "Reference Number", "supplier": "Supplier Name",
                                  "start": "Start Date", "end": "End Date",
                                  "total_value": "Value of Contract", "route": "Procurement Process",
                                  "sme": "Supplier is SME"}
    assert mapping["notes"] == ["Title of Agreement", "Department", "Supplier Registration Number",
                                "Review Date", "VCSE"]
    assert "# match 100/100" in result.stdout


@pytest.mark.parametrize("headers,expected", [
    (["Contract Reference", "Title", "Contractor", "Contract Start Date", "Contract End Date",
      "Annual Value", "Procurement Route", "SME"],
     {"id": "Contract Reference", "supplier": "Contractor", "start": "Contract Start Date",
      "end": "Contract End Date", "annual_value": "Annual Value", "route": "Procurement Route",
      "sme": "SME"}),
    (["Ref No", "Supplier", "Start", "Expiry Date", "Contract Value", "Service Area"],
     {"id": "Ref No", "supplier": "Supplier", "start": "Start", "end": "Expiry Date",
      "total_value": "Contract Value"}),
])
def test_guess_with_other_spellings(headers, expected):
    g = guess_mapping(headers)
    assert g["kind"] == "contracts" and g["columns"] == expected


def test_guess_systems_headers():
    g = guess_mapping(["Application Name", "Software Supplier", "Version", "Hosting Model",
                       "Support End Date", "Annual Maintenance", "Business Owner"])
    assert g["kind"] == "systems"
    assert g["columns"] == {"name": "Application Name", "vendor": "Software Supplier",
                            "version": "Version", "hosting": "Hosting Model",
                            "end_of_support": "Support End Date", "annual_cost": "Annual Maintenance",
                            "owner": "Business Owner"}


def test_contract_register_csv_imports_with_uk_dates_money_and_yes_no(tmp_path, run):
    out = tmp_path / "inv"
    result = run("import", "table", REGISTER, "--mapping", MAPPING, "-o", out)
    assert "1 contract(s) have no end date (rows 4): imported without one" in result.stderr
    assert "skipped" not in result.stderr
    estate = load([str(out)])
    assert all(p.code == "E120" and "'CR-0103'" in p.message and p.message.endswith("'end'")
               for p in estate.errors)        # SPEC 1.1 makes 'end' optional (model validation)
    wyre = estate.authorities["wyre"]
    assert [c for c in wyre.contracts if c != "CR-0103"] == ["CR-0101", "CR-0102", "CR-0104", "CR-0105"]
    assert "  # no end date in the sheet: recorded without one (unknown or rolling)\n  - id: CR-0103" \
        in (out / "wyre-contracts.yaml").read_text()
    nec = wyre.contracts["CR-0101"]
    assert (nec.supplier, nec.start, nec.end, nec.total_value, nec.annual_value, nec.route,
            nec.framework, nec.sme) == ("NEC Software Solutions UK Limited", dt.date(2021, 4, 1),
                                        dt.date(2026, 3, 31), 1250000, 250000, "framework", "RM6194", False)
    mhr = wyre.contracts["CR-0104"]
    assert (mhr.start, mhr.total_value, mhr.route, mhr.framework) == \
        (dt.date(2023, 4, 1), 2100000, "g-cloud", "G-Cloud 13")
    assert wyre.contracts["CR-0105"].sme is True and wyre.contracts["CR-0102"].route == "open-tender"
    text = (out / "wyre-contracts.yaml").read_text()
    assert "# from: contract-register.csv row 2\n  # Title of Agreement: Revenues & Benefits system support" in text
    assert '# Title of Agreement: =HYPERLINK("http://example.invalid")' in text


def test_values_mapping_and_bad_cells(tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("Ref,Supplier,End,Value,How,SME\n"
                   "A1,Acme,31/03/2027,£5k,Quick quote,SME\n"
                   "A2,Acme,31/02/2027,ten pounds,Quick quote,maybe\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("kind: contracts\nauthority: {id: acme-council, name: Acme Council}\n"
                       "columns: {id: Ref, supplier: Supplier, end: End, annual_value: Value, "
                       "route: How, sme: SME}\n"
                       "values: {route: {Quick quote: other}, sme: {yes: [SME], no: [Large]}}\n")
    with pytest.raises(SourceError) as err:
        import_table(csv, mapping)
    assert err.value.problems == [
        "c.csv row 3 column 'End': '31/02/2027' is not a real date (day is out of range for month)",
        "c.csv row 3 column 'Value': 'ten pounds' is not an amount of money: write e.g. 180000 or £180,000",
        "c.csv row 3 column 'SME': 'maybe' is not yes or no",
    ]
    csv.write_text("Ref,Supplier,End,Value,How,SME\nA1,Acme,31/03/2027,£5k,Quick quote,SME\n")
    (contract,) = import_table(csv, mapping).docs["acme-council"].contracts
    assert (contract["annual_value"], contract["route"], contract["sme"]) == (5000, "other", True)


def test_systems_spreadsheet_declares_local_lines(tmp_path, run):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Applications"
    ws.append(["Application Name", "Software Supplier", "Version", "Hosting Model",
               "Support End Date", "Annual Maintenance", "Services", "Holds Personal Data"])
    ws.append(["Revenues", "NEC", 9.4, "On premises", dt.datetime(2026, 3, 31), "£180,000",
               "Council Tax; Business Rates", "Yes"])
    ws.append(["Allotments DB", "In-house", None, "Azure", "31/12/2030", None, "Allotments", "No"])
    path = tmp_path / "apps.xlsx"
    wb.save(path)
    guessed = run("import", "table", path, "--guess").stdout
    assert "kind: systems" in guessed and "sheet: Applications" in guessed
    mapping = tmp_path / "m.yaml"
    mapping.write_text(guessed.replace("name: CHANGE ME", "name: Burnley Borough Council"))
    out = tmp_path / "inv"
    run("import", "table", path, "--mapping", mapping, "-o", out)
    estate = load([str(out)])
    assert not estate.errors, [p.format() for p in estate.errors]
    burnley = estate.authorities["burnley"]
    revs = burnley.systems["revenues"]
    assert (revs.version, revs.hosting, revs.end_of_support, revs.annual_cost, revs.supports,
            revs.data.personal_data) == ("9.4", "on-premise", dt.date(2026, 3, 31), 180000,
                                         ["council-tax", "business-rates"], True)
    assert burnley.systems["allotments-db"].hosting == "cloud"
    assert burnley.lines["allotments"].name == "Allotments"
    assert (out / "burnley-systems.yaml").exists()


def test_missing_column_names_the_columns_there_are(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("kind: contracts\nauthority: Wyre Council\ncolumns: {supplier: Vendor Name, end: End Date}\n")
    from estate.errors import UsageError
    with pytest.raises(UsageError) as err:
        import_table(REGISTER, mapping)
    assert "has no column 'Vendor Name'" in err.value.message
    assert "Supplier Name" in err.value.hint
