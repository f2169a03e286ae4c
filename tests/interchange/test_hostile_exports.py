"""Every export with the same hostile corpus: one escaping rule per output format."""

from __future__ import annotations

import csv
import io
import sqlite3
import xml.etree.ElementTree as ET

import pytest

from hostile import CONTROL_CHARACTERS, FORMULA_START, HOSTILE
from estate.interchange.writer import AuthorityDoc, render


@pytest.fixture(scope="module")
def hostile_estate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    doc = AuthorityDoc(
        authority={"id": "testham", "name": "Testham Council"},
        systems=[{"id": f"s{i}", "name": text, "vendor": text, "owner": text, "supports": []}
                 for i, text in enumerate(HOSTILE)],
        contracts=[{"id": f"C{i}", "supplier": text, "framework": text, "covers": [f"s{i}"],
                    "end": "2027-03-31"} for i, text in enumerate(HOSTILE)])
    (folder / "testham.yaml").write_text(render(doc), encoding="utf-8")
    return folder


def _cells(path) -> list:
    text = path.read_bytes().decode("utf-8-sig")
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _assert_inert_csv(cells: list) -> None:
    for c in cells:
        assert not c.startswith(FORMULA_START), c
        assert not CONTROL_CHARACTERS & set(c), repr(c)


def test_csv_export_writes_formulas_as_text_without_control_characters(hostile_estate, tmp_path, run):
    out = tmp_path / "csv"
    run("export", "csv", hostile_estate, "-o", out, "--as-of", "2026-11-21")
    cells = _cells(out / "systems.csv") + _cells(out / "contracts.csv")
    _assert_inert_csv(cells)
    assert "'=cmd|' /C calc'!A0" in cells and "'+1+1" in cells and "'=1+1" in cells   # names are trimmed
    assert "NULinside" in cells and "line one\nfile.yaml:1:1: E999 forged problem" in cells


def test_archi_csv_writes_formulas_as_text_without_control_characters(hostile_estate, tmp_path, run):
    out = tmp_path / "archi"
    run("export", "archi-csv", hostile_estate, "-o", out)
    cells = [c for name in ("elements.csv", "relations.csv", "properties.csv")
             for c in _cells(out / name)]
    _assert_inert_csv(cells)
    assert "'=cmd|' /C calc'!A0" in cells and "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
    assert "belland escape[31mred" in cells


def test_archimate_xml_parses_and_keeps_the_text_without_control_characters(hostile_estate, tmp_path,
                                                                           run):
    out = tmp_path / "model.xml"
    run("export", "archimate", hostile_estate, "-o", out)
    root = ET.parse(out).getroot()
    texts = [t for t in root.itertext()]
    assert not any(CONTROL_CHARACTERS & set(t) for t in texts)
    assert "<script>alert('x')</script>" in texts and "=cmd|' /C calc'!A0" in texts


def test_sqlite_stores_the_text_as_given_without_control_characters(hostile_estate, tmp_path, run):
    out = tmp_path / "e.db"
    run("export", "sqlite", hostile_estate, "-o", out, "--as-of", "2026-11-21")
    db = sqlite3.connect(out)
    names = [r[0] for r in db.execute("SELECT name FROM systems ORDER BY id")]
    db.close()
    assert not any(CONTROL_CHARACTERS & set(n) for n in names)
    assert "=cmd|' /C calc'!A0" in names and "NULinside" in names    # not a spreadsheet: no '


def test_sqlite_refuses_to_overwrite_a_file_that_is_not_an_estate_database(hostile_estate, tmp_path,
                                                                          run):
    thesis = tmp_path / "thesis.db"
    thesis.write_text("my thesis, not a database")
    result = run("export", "sqlite", hostile_estate, "-o", thesis, ok=False)
    assert result.exit_code == 1 and "is not a database written by 'estate export sqlite'" in \
        result.stderr and "Traceback" not in result.output
    assert thesis.read_text() == "my thesis, not a database"
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert run("export", "sqlite", hostile_estate, "-o", other, ok=False).exit_code == 1
    ours = tmp_path / "ours.db"
    run("export", "sqlite", hostile_estate, "-o", ours)
    run("export", "sqlite", hostile_estate, "-o", ours)          # an earlier export is replaced


def test_archimate_does_not_create_missing_folders(hostile_estate, tmp_path, run):
    result = run("export", "archimate", hostile_estate, "-o", tmp_path / "no" / "such" / "m.xml",
                 ok=False)
    assert result.exit_code == 1 and "the folder" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "no").exists()
