"""estate import register: the register workbook, edited in Excel, back into inventories."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pytest

from estate_testing import INTERCHANGE_MINI as MINI, MINI_CATALOGUE
from estate.config import Settings
from estate.interchange.register_import import import_register
from estate.interchange.sheets import SourceError
from estate.model import build_graph, load

AS_OF = dt.date(2026, 11, 21)


def _register(tmp_path, paths=(MINI_CATALOGUE, MINI), default_catalogue=False):
    excel = pytest.importorskip(
        "estate.render.excel", reason="estate.render.excel (write_register) is not written yet")
    from estate.analyses import run_all
    estate = load([str(p) for p in paths], default_catalogue=default_catalogue)
    assert not estate.errors
    settings = Settings(as_of=AS_OF)
    path = tmp_path / "register.xlsx"
    excel.write_register(estate, run_all(estate, build_graph(estate), settings), path, settings)
    return estate, path


def _fields(record) -> dict:
    out = {}
    for f in dataclasses.fields(record):
        if f.name in ("src",):
            continue
        value = getattr(record, f.name)
        if f.name == "depends_on":
            value = [(d.target, d.qid, d.via, d.resolved) for d in value]
        elif f.name == "data":
            value = dataclasses.asdict(value)
        out[f.name] = value
    return out


def _same_estate(a, b):
    assert list(a.authorities) == list(b.authorities)
    for aid, original in a.authorities.items():
        imported = b.authorities[aid]
        for name in ("name", "type", "region", "gss_code", "partnerships", "extra"):
            assert getattr(imported, name) == getattr(original, name), (aid, name)
        assert {k: _fields(v) for k, v in imported.lines.items()} == \
            {k: _fields(v) for k, v in original.lines.items()}
        assert list(imported.systems) == list(original.systems)
        for sid, s in original.systems.items():
            assert _fields(imported.systems[sid]) == _fields(s), sid
        assert list(imported.contracts) == list(original.contracts)
        for cid, c in original.contracts.items():
            assert _fields(imported.contracts[cid]) == _fields(c), cid


def test_round_trip_loses_nothing_and_changes_nothing(tmp_path, run):
    original, path = _register(tmp_path)
    out = tmp_path / "imported"
    result = run("import", "register", path, "-o", out, "--against", MINI,
                 "--catalogue", MINI_CATALOGUE)
    assert "0 change(s) compared with" in result.stderr
    assert result.stdout.splitlines() == [str(out / "alpha.yaml"), str(out / "beta.yaml")]
    imported = load([str(MINI_CATALOGUE), str(out)], default_catalogue=False)
    assert not imported.errors, [p.format() for p in imported.errors]
    _same_estate(original, imported)
    text = (out / "alpha.yaml").read_text(encoding="utf-8")
    assert imported.system("alpha/al-revs").owner == "=cmd|' /C calc'!A0"   # text, not a formula
    assert 'version: "9.10"' in text and "end_of_support: 2026-03-31" in text
    assert "# from: register.xlsx Systems row" in text
    assert "notes: kept through the register round trip" in text   # kept from --against


def test_edits_in_excel_are_exactly_the_changes_reported(tmp_path, run):
    _, path = _register(tmp_path)
    out = tmp_path / "inv"
    run("import", "register", path, "-o", out, "--against", MINI, "--catalogue", MINI_CATALOGUE)
    wb = openpyxl.load_workbook(path)
    systems, contracts = wb["Systems"], wb["Contracts"]
    head = {c.value: c.column for c in systems[1]}
    for row in systems.iter_rows(min_row=2):
        if row[head["System id"] - 1].value == "al-revs":
            row[head["End of support"] - 1].value = dt.datetime(2027, 3, 31)
    chead = {c.value: c.column for c in contracts[1]}
    for row in contracts.iter_rows(min_row=2):
        if row[chead["Contract id"] - 1].value == "BE-1":
            row[chead["Supplier"] - 1].value = "Capita Business Services Ltd"
    new = [None] * len(head)
    new[head["Authority"] - 1], new[head["System id"] - 1] = "beta", "be-crm"
    new[head["Name"] - 1], new[head["Supports"] - 1] = "Customer CRM", "council-tax"
    new[head["Annual cost"] - 1], new[head["Personal data"] - 1] = "£12,000", "yes"
    systems.append(new)
    wb.save(path)

    refused = run("import", "register", path, "-o", out, "--catalogue", MINI_CATALOGUE, ok=False)
    assert refused.exit_code == 1
    assert "would change; nothing was written" in refused.stderr
    assert "-    end_of_support: 2026-03-31\n+    end_of_support: 2027-03-31" in refused.stdout
    assert "end_of_support: 2026-03-31" in (out / "alpha.yaml").read_text()   # untouched

    done = run("import", "register", path, "-o", out, "--catalogue", MINI_CATALOGUE, "--force")
    changes = [line for line in done.stdout.splitlines() if ": " in line and not line.startswith(("+", "-", "@", " "))]
    assert changes == ["alpha/al-revs: end_of_support 2026-03-31 -> 2027-03-31",
                       "beta/be-crm: system added",
                       "beta/BE-1: supplier Civica UK Ltd -> Capita Business Services Ltd"]
    estate = load([str(MINI_CATALOGUE), str(out)], default_catalogue=False)
    assert not estate.errors
    assert estate.system("alpha/al-revs").end_of_support == dt.date(2027, 3, 31)
    assert estate.contract("beta/BE-1").supplier == "Capita Business Services Ltd"
    crm = estate.system("beta/be-crm")
    assert (crm.name, crm.supports, crm.annual_cost, crm.data.personal_data) == \
        ("Customer CRM", ["council-tax"], 12000, True)
    # a second run finds nothing to do
    again = run("import", "register", path, "-o", out, "--catalogue", MINI_CATALOGUE)
    assert "0 change(s)" in again.stderr and "nothing to change" in again.stderr
    assert not again.stdout


def test_the_sample_inventories_round_trip(tmp_path):
    """The repository's sample estate (if present) survives the register unchanged."""
    from estate_testing import REPO
    from estate.interchange import writer
    samples = REPO / "inventories"
    if not samples.is_dir():
        pytest.skip("no sample inventories in this checkout")
    estate, path = _register(tmp_path, [samples], default_catalogue=True)
    result = import_register(path)
    old = writer.docs_from_estate(estate)
    writer.keep_extensions(result.docs, old)
    assert writer.compare(old, result.docs, complete=True) == []


def _handmade(tmp_path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Authorities"
    ws.append(["Id", "Name", "Type", "Region", "GSS code", "Partnerships"])
    ws.append(["gamma", "Gamma Council", "unitary", "Wales", None, None])
    ws = wb.create_sheet("Systems")
    ws.append(["Authority", "System id", "Name", "Version", "End of support", "Depends on",
               "Supports", "Owner", "Legacy risk score"])
    for row in rows:
        ws.append(row)
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    return path


def test_cells_that_cannot_be_read_are_all_named(tmp_path):
    path = _handmade(tmp_path, [
        ["gamma", "g-1", "One", 9.4, "31/13/2026", None, "council-tax", None, 99],
        ["gamma", "g-2", "Two", None, None, "g-1 (carrier pigeon)", "", None, None],
        ["gamma", "g-1", "Again", None, None, None, "", None, None],
    ])
    with pytest.raises(SourceError) as err:
        import_register(path)
    assert err.value.problems == [
        "hand.xlsx Systems row 2 column 'End of support': '31/13/2026' is not a real date "
        "(month must be in 1..12)",
        "hand.xlsx Systems row 3 column 'Depends on': via 'carrier-pigeon' is not one of "
        "api, file-transfer, database-link, manual, sso, other",
        "hand.xlsx Systems row 4 column 'System id': system 'g-1' of 'gamma' is listed twice",
    ]


def test_quoted_formula_text_and_uk_dates_are_read(tmp_path):
    path = _handmade(tmp_path, [
        ["gamma", "g-1", "One", 9.4, "31/03/2026", "g-2 (api); other/x", "council-tax, markets",
         "'=SUM(A1)", 99],
        ["gamma", None, "Added in Excel", None, None, None, None, None, None],
    ])
    result = import_register(path)
    doc = result.docs["gamma"]
    first, added = doc.systems
    assert first["version"] == "9.4" and first["end_of_support"] == dt.date(2026, 3, 31)
    # the register writes text verbatim, so a leading quote in a cell is part of the text
    assert first["owner"] == "'=SUM(A1)"
    assert first["depends_on"] == [{"system": "g-2", "via": "api"}, {"system": "other/x"}]
    assert first["supports"] == ["council-tax", "markets"]
    assert "Legacy risk score" not in str(first)                    # computed column ignored
    assert added["id"] == "added-in-excel"
    assert any("no System id; gave it 'added-in-excel'" in n for n in result.notes)



def test_the_register_knows_its_catalogue(tmp_path, run):
    """A register written with a custom catalogue imports back without --catalogue."""
    from estate.interchange.register_import import recorded_catalogue
    _, path = _register(tmp_path)
    assert recorded_catalogue(path) == ([str(MINI_CATALOGUE.resolve())], [])
    out = tmp_path / "imported"
    result = run("import", "register", path, "-o", out, "--against", MINI)
    assert f"catalogue from the register's properties: {MINI_CATALOGUE.resolve()}" in result.stderr
    assert "0 change(s) compared with" in result.stderr
    assert load([str(MINI_CATALOGUE), str(out)], default_catalogue=False).errors == []
