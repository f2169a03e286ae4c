"""Registers as councils publish them: title rows, mixed dates, several councils in one
sheet, missing end dates, repeated and blank references, IT and non-IT rows."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import yaml

from estate.errors import UsageError
from estate.interchange.table_import import import_table

HEADER = ["Organisation", "Reference", "Title", "Supplier", "Company No", "Category", "CPV",
          "Start", "End", "Extension", "Total value", "Annual value"]
ROWS = [  # spreadsheet rows 4 onwards
    ["Camden", "LBC-001", "Revenues and benefits software", "NEC Software Solutions UK Ltd",
     9217226, "ICT - software & SAAS", "48000000-8", "01-Apr-2013", "08/10/2024",
     "2 x 12 months", "£1.2m", None],
    ["Camden", "LBC-001", "Revenues support", "NEC Software Solutions UK Ltd", 9217226, "ICT",
     "72000000", "2014-10-08", "31/03/2027", "none", "£450k", "£150k"],
    ["Camden", "LBC-002", "Grounds maintenance", "Green Spaces Ltd", None, "Environment",
     "77310000", "01/04/2020", "31/03/2025", None, "£300,000", None],
    ["Hackney", None, "Laptop refresh", "Dell Corporation Limited", "02081369", "Corporate", None,
     dt.datetime(2022, 5, 1), None, None, "£90,000 inc VAT", None],
    ["Hackney", "HK-9", "Telephony", None, None, "IT", None, "01/01/2022", "31/12/2025", None,
     "£10,000", None],
    ["Hackney", None, "Laptop refresh", "Dell Corporation Limited", "02081369", "Corporate", None,
     dt.datetime(2022, 5, 1), None, None, "£90,000 inc VAT", None],
    ["Hackney", "HK-10", "Street cleansing", "Veolia ES (UK) Limited", None, "Environment", None,
     "01/04/2019", "31/03/2029", None, "£12m", None],
    ["Islington", "ISL-1", "Network upgrade", "BT plc", "SC123456", "Facilities", "32400000",
     44000, 45000, "1+1 years", "£250,000", None],
]
MAPPING = """\
kind: contracts
columns:
  council: Organisation
  id: Reference
  supplier: Supplier
  supplier_company_number: Company No
  category: Category
  cpv: CPV
  title: Title
  start: Start
  end: End
  extension: Extension
  total_value: Total value
  annual_value: Annual value
notes: [Title]
"""


@pytest.fixture
def london(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Contracts"
    ws.append(["London boroughs' contracts register, 2024"])
    ws.append([])
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    path = tmp_path / "london.xlsx"
    wb.save(path)
    mapping = tmp_path / "london.mapping.yaml"
    mapping.write_text(MAPPING)
    return path, mapping


def _records(result):
    return {aid: doc.contracts for aid, doc in result.docs.items()}


def test_every_row_is_imported_or_listed_with_why(london):
    path, mapping = london
    result = import_table(path, mapping)
    contracts = _records(result)
    assert sorted(contracts) == ["camden", "hackney", "islington"]
    assert result.docs["camden"].authority == {"id": "camden", "name": "London Borough of Camden",
                                               "type": "london-borough", "region": "London",
                                               "gss_code": "E09000007"}
    laptop_id = contracts["hackney"][0]["id"]
    assert laptop_id.startswith("dell-corporation-limited-") and len(laptop_id) == len(
        "dell-corporation-limited-") + 8
    assert contracts == {
        "camden": [
            {"id": "LBC-001", "supplier": "NEC Software Solutions UK Ltd",
             "supplier_company_number": "09217226", "covers": [], "start": dt.date(2013, 4, 1),
             "end": dt.date(2024, 10, 8), "extension_until": dt.date(2026, 10, 8),
             "annual_value": 104348, "total_value": 1200000},
            {"id": "LBC-001-2", "supplier": "NEC Software Solutions UK Ltd",
             "supplier_company_number": "09217226", "covers": [], "start": dt.date(2014, 10, 8),
             "end": dt.date(2027, 3, 31), "annual_value": 150000, "total_value": 450000},
            {"id": "LBC-002", "supplier": "Green Spaces Ltd", "covers": [],
             "start": dt.date(2020, 4, 1), "end": dt.date(2025, 3, 31), "annual_value": 60000,
             "total_value": 300000}],
        "hackney": [
            {"id": laptop_id, "supplier": "Dell Corporation Limited",
             "supplier_company_number": "02081369", "covers": [], "start": dt.date(2022, 5, 1),
             "total_value": 75000},
            {"id": "HK-10", "supplier": "Veolia ES (UK) Limited", "covers": [],
             "start": dt.date(2019, 4, 1), "end": dt.date(2029, 3, 31), "annual_value": 1200000,
             "total_value": 12000000}],
        "islington": [
            {"id": "ISL-1", "supplier": "BT plc", "supplier_company_number": "SC123456",
             "covers": [], "start": dt.date(2020, 6, 18), "end": dt.date(2023, 3, 15),
             "extension_until": dt.date(2025, 3, 15), "annual_value": 90909, "total_value": 250000}],
    }
    assert result.notes == [
        "the header is on row 3 of london.xlsx; the rows above it were taken as a title and skipped",
        "row 9 is an exact copy of row 7: merged into it",
        "row 8: no supplier: not imported",
        "1 contract(s) have no end date (rows 7): imported without one; analyses that need an "
        "end date count them as not judged",
    ]
    assert result.summary()[1:] == ["skipped 1: exact copies of an earlier row (merged)",
                                    "skipped 1: rows that cannot be imported (listed)"]
    hackney = result.docs["hackney"].origin
    assert hackney[("contracts", laptop_id)] == [
        "from: london.xlsx row 7", "Title: Laptop refresh",
        "no reference in the sheet: id made from the supplier and the row's content (the same on "
        "every run)",
        "total_value 90,000 includes VAT: 75,000 without it",
        "no end date in the sheet: recorded without one (unknown or rolling)"]
    assert result.docs["camden"].origin[("contracts", "LBC-001-2")][-1] == \
        "reference 'LBC-001' is used by an earlier row: id 'LBC-001-2'"
    assert "extension_until = end 2024-10-08 + 2 x 12 months (24 months)" in \
        result.docs["camden"].origin[("contracts", "LBC-001")]
    # the same file gives the same ids on every run
    assert _records(import_table(path, mapping)) == contracts


def test_it_only_keeps_it_rows_and_explains_each(london):
    path, mapping = london
    result = import_table(path, mapping, it_only=True, explain=True)
    assert {aid: [c["id"] for c in cs] for aid, cs in _records(result).items()} == {
        "camden": ["LBC-001", "LBC-001-2"],
        "hackney": [next(c["id"] for c in result.docs["hackney"].contracts)],
        "islington": ["ISL-1"]}
    assert [n for n in result.notes if n.startswith("row ")] == [
        "row 4: kept: CPV 48000000 (software package and information systems)",
        "row 5: kept: CPV 72000000 (IT services)",
        "row 6: dropped: CPV 77310000 is not IT",
        "row 7: kept: keyword 'Laptop' in the title or description",
        "row 8: kept: category 'IT' names IT",
        "row 9 is an exact copy of row 7: merged into it",
        "row 10: dropped: no CPV code, category 'Environment' is not IT, no IT keyword",
        "row 11: kept: CPV 32400000 (networks and telecommunications equipment)",
        "row 8: no supplier: not imported"]
    assert "skipped 2: not IT (--it-only; --explain says why, row by row)" in result.summary()


def test_the_councils_own_it_categories(tmp_path, london):
    path, mapping = london
    mapping.write_text(MAPPING.replace("  cpv: CPV\n", "") +
                       'it_categories: ["ICT - software & SAAS", "IT"]\n')
    result = import_table(path, mapping, it_only=True)
    assert {aid: [c["id"][:7] for c in cs] for aid, cs in _records(result).items()} == \
        {"camden": ["LBC-001"], "hackney": ["dell-co"], "islington": ["ISL-1"]}
    # row 4 by category; row 5's "ICT" is not one of the labels given; 7 by keyword
    # (laptop), 11 by keyword (network)


def test_a_header_that_cannot_be_found_suggests_header_row(tmp_path, london):
    path, mapping = london
    mapping.write_text(MAPPING.replace("total_value: Total value", "total_value: Total Value (GBP)"))
    with pytest.raises(UsageError) as err:
        import_table(path, mapping)
    assert err.value.message == ("london.xlsx has no column 'Total Value (GBP)' (row 3, which looks "
                                 "like the header, holds 11 of the 12 mapped columns)")
    assert "give --header-row N" in err.value.hint


def test_values_with_vat_as_a_mapping_option_and_csv_layout(tmp_path, run):
    csv = tmp_path / "wyre.csv"
    csv.write_text("Wyre Council contracts\n"
                   "Ref,Supplier,Start,End,Value\n"
                   "W1,Civica UK Ltd,08/10/2014,07/10/2019,\"£120,000\"\n"
                   "W2,Idox Software Ltd,2015-01-01,31-Dec-2016,£60k + VAT\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("kind: contracts\nauthority: Wyre Council\nvat: included\n"
                       "columns: {id: Ref, supplier: Supplier, start: Start, end: End, "
                       "total_value: Value}\n")
    out = tmp_path / "inv"
    run("import", "table", csv, "--mapping", mapping, "-o", out)
    records = yaml.safe_load((out / "wyre-contracts.yaml").read_text())["contracts"]
    assert [(c["id"], c["total_value"], c["annual_value"]) for c in records] == \
        [("W1", 100000, 20000), ("W2", 60000, 30000)]


def test_one_inventory_per_council_from_the_command_line(london, tmp_path, run):
    path, mapping = london
    out = tmp_path / "inv"
    result = run("import", "table", path, "--mapping", mapping, "--it-only", "--explain", "-o", out)
    assert "estate: row 6: dropped: CPV 77310000 is not IT" in result.stderr
    assert "estate: row 8: no supplier: not imported" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == \
        ["camden-contracts.yaml", "hackney-contracts.yaml", "islington-contracts.yaml"]
    camden = yaml.safe_load((out / "camden-contracts.yaml").read_text())
    assert camden["authority"]["name"] == "London Borough of Camden"
    assert [c["id"] for c in camden["contracts"]] == ["LBC-001", "LBC-001-2"]
