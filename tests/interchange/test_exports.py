"""estate export archimate | archi-csv | sqlite | csv."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest

import oef_structure
from estate_testing import INTERCHANGE as FIXTURES, INTERCHANGE_MINI as MINI, MINI_CATALOGUE, REPO

ARGS = [MINI_CATALOGUE, MINI]


def test_archimate_passes_the_structure_check_and_is_deterministic(tmp_path, run):
    out = tmp_path / "model.xml"
    run("export", "archimate", *ARGS, "-o", out)
    xml = out.read_bytes()
    assert oef_structure.check(xml) == []
    run("export", "archimate", *ARGS, "-o", tmp_path / "again.xml")
    assert (tmp_path / "again.xml").read_bytes() == xml
    text = xml.decode()
    for expected in ('identifier="id-system-alpha--al-revs" xsi:type="ApplicationComponent"',
                     'identifier="id-authority-alpha" xsi:type="BusinessActor"',
                     'identifier="id-line-council-tax" xsi:type="Capability"',
                     'identifier="id-line-alpha-markets" xsi:type="Capability"',
                     'identifier="id-contract-alpha--AL--2020.7" xsi:type="Contract"',
                     'identifier="id-partnership-trio" xsi:type="BusinessCollaboration"',
                     'identifier="id-vendor-nec" xsi:type="BusinessActor"',
                     'source="id-system-alpha--al-revs" target="id-system-beta--be-gis" xsi:type="Flow"',
                     "<name xml:lang=\"en\">depends on (api)</name>",
                     "<value xml:lang=\"en\">=cmd|' /C calc'!A0</value>"):
        assert expected in text, expected


def test_the_structure_check_catches_what_the_schema_forbids():
    good = (b'<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" '
            b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="id-m">'
            b'<name>m</name><elements>'
            b'<element identifier="id-a" xsi:type="ApplicationComponent"><name>a</name></element>'
            b'<element identifier="id-c" xsi:type="Capability"><name>c</name></element>'
            b'</elements><relationships>'
            b'<relationship identifier="id-r" source="id-a" target="id-c" xsi:type="Realization"/>'
            b'</relationships></model>')
    assert oef_structure.check(good) == []
    assert oef_structure.check(good.replace(b'"Realization"', b'"Serving"')) == [
        "relationship id-r: Serving from ApplicationComponent to Capability is not allowed by ArchiMate 3.1"]
    assert "is used twice" in oef_structure.check(good.replace(b'"id-c"', b'"id-a"'))[0]
    assert "not an NCName" in oef_structure.check(good.replace(b'"id-r"', b'"1r"'))[0]
    assert "not an ArchiMate 3.1 element" in oef_structure.check(good.replace(b'"Capability"', b'"Cap"'))[0]
    assert "out of schema order" in oef_structure.check(
        good.replace(b"<name>m</name><elements>", b"<elements>").replace(b"</relationships>", b"</relationships><name>m</name>"))[0]


def test_archimate_of_the_sample_estate_and_of_imported_contracts(tmp_path, run):
    samples = REPO / "inventories"
    if samples.is_dir():
        run("export", "archimate", samples, "-o", tmp_path / "samples.xml")
        assert oef_structure.check((tmp_path / "samples.xml").read_bytes()) == []
    run("import", "ocds", FIXTURES / "council-releases.json", "-o", tmp_path / "inv")
    run("export", "archimate", tmp_path / "inv", "-o", tmp_path / "ocds.xml")
    assert oef_structure.check((tmp_path / "ocds.xml").read_bytes()) == []


def _read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_archi_csv_has_archis_exact_headers_and_consistent_ids(tmp_path, run):
    out = tmp_path / "archi"
    run("export", "archi-csv", *ARGS, "-o", out)
    elements = _read_csv(out / "elements.csv")
    relations = _read_csv(out / "relations.csv")
    properties = _read_csv(out / "properties.csv")
    assert elements[0] == ["ID", "Type", "Name", "Documentation", "Specialization"]
    assert relations[0] == ["ID", "Type", "Name", "Documentation", "Source", "Target", "Specialization"]
    assert properties[0] == ["ID", "Key", "Value"]
    assert (out / "elements.csv").read_bytes().splitlines()[0] == \
        b'\xef\xbb\xbf"ID","Type","Name","Documentation","Specialization"'
    assert elements[1][1] == "ArchimateModel"
    ids = {row[0] for row in elements[1:]}
    assert all(re.match(r"^[a-zA-Z0-9._-]+$", i) for i in ids | {r[0] for r in relations[1:]})
    types = {row[1] for row in relations[1:]}
    assert types == {"AggregationRelationship", "AssociationRelationship", "CompositionRelationship",
                     "FlowRelationship", "RealizationRelationship", "ServingRelationship"}
    assert all(r[4] in ids and r[5] in ids for r in relations[1:])
    assert {p[0] for p in properties[1:]} <= ids | {r[0] for r in relations[1:]}
    assert ["id-system-alpha--al-revs", "Version", "9.10"] in properties


def test_sqlite_has_registers_findings_foreign_keys_and_indexes(tmp_path, run):
    db_path = tmp_path / "estate.db"
    run("export", "sqlite", *ARGS, "-o", db_path, "--as-of", "2026-11-21")
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA foreign_keys = ON")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"authorities", "lines_of_business", "systems", "system_lines", "dependencies", "contracts",
            "contract_systems", "vendors", "products", "duplicates", "shared_products",
            "consolidation_candidates", "procurement_windows", "supplier_concentration",
            "legacy_risks", "data_quality"} <= tables
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM systems").fetchone() == (5,)
    row = db.execute("SELECT version, export_formats, personal_data, end_of_support, vendor_id "
                     "FROM systems WHERE qid='alpha/al-revs'").fetchone()
    assert row == ("9.10", '["csv", "xml"]', 1, "2026-03-31", "nec")
    assert db.execute("SELECT target_system, via FROM dependencies WHERE system='alpha/al-revs' "
                      "ORDER BY target").fetchall() == [("alpha/al-finance", "file-transfer"),
                                                        ("beta/be-gis", "api")]
    assert db.execute("SELECT contract, system FROM contract_systems ORDER BY 1").fetchall() == \
        [("alpha/AL-C-0042", "alpha/al-revs"), ("beta/BE-1", "beta/be-revs")]
    fks = db.execute("PRAGMA foreign_key_list(systems)").fetchall()
    assert {(f[2], f[3]) for f in fks} >= {("authorities", "authority"), ("vendors", "vendor_id")}
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"systems_authority", "contracts_end"} <= indexes
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO systems (qid, authority, id, name) VALUES ('x/y', 'nowhere', 'y', 'Y')")
    risks = db.execute("SELECT rank, system FROM legacy_risks ORDER BY rank").fetchall()
    assert [r[0] for r in risks] == list(range(1, len(risks) + 1)) and risks[0][1] == "alpha/al-revs"
    json.loads(db.execute("SELECT value FROM estate_export WHERE key='summary'").fetchone()[0])


def test_csv_export_is_utf8_with_bom_and_neutralises_formulas(tmp_path, run):
    out = tmp_path / "csv"
    run("export", "csv", *ARGS, "-o", out, "--as-of", "2026-11-21")
    names = {p.name for p in out.iterdir()}
    assert {"systems.csv", "contracts.csv", "authorities.csv", "duplicates.csv", "legacy_risks.csv",
            "procurement_windows.csv", "data_quality.csv"} <= names
    rows = _read_csv(out / "systems.csv")
    head = rows[0]
    revs = next(r for r in rows if r[head.index("qid")] == "alpha/al-revs")
    assert revs[head.index("owner")] == "'=cmd|' /C calc'!A0"
    assert revs[head.index("name")] == "Revenues & Benefits (Académie)"
    assert revs[head.index("export_formats")] == "csv, xml"
    assert revs[head.index("personal_data")] == "true"


def test_invalid_inventories_are_refused_and_nothing_is_written(tmp_path, run):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("kind: authority\nauthority: {id: x, name: X}\n"
                                "contracts:\n  - {id: C1, supplier: S, end: 2026-13-45}\n")
    for command, out in (("archimate", "m.xml"), ("sqlite", "e.db"), ("csv", "csv"), ("archi-csv", "a")):
        result = run("export", command, bad, "-o", tmp_path / out, ok=False)
        assert result.exit_code == 1 and "E124" in result.stderr
        assert not (tmp_path / out).exists()
