"""The estate and its findings as one SQLite database, for Datasette or any SQL client.

Tables
------
Registers: ``authorities``, ``lines_of_business`` (per authority, listed or implied by a
system), ``systems``, ``system_lines`` (system supports line), ``dependencies``,
``contracts``, ``contract_systems`` (contract covers system), ``vendors`` and
``products`` (the catalogue).  Findings: ``authority_indicators``, ``duplicates``,
``shared_products``, ``consolidation_candidates``, ``procurement_windows``,
``supplier_concentration``, ``legacy_risks``, ``data_quality`` and ``dependency_*``
(hubs, cycles, ...), each with ``rank`` (1 = most important) and the keys of
``analysis.json`` as columns.  ``estate_export`` holds the version and settings.

Conventions: systems and contracts are keyed by their qualified id (``qid``:
``northbrook/nb-academy``); dates are ISO text; booleans are 0/1; lists and nested
objects are JSON text (``json_each()`` unpacks them in SQL; Datasette shows them).
Foreign keys are declared (``REFERENCES``) and the file is checked with
``PRAGMA foreign_key_check`` before it is moved into place; indexes cover the columns
people filter on.  The database is built in a temporary file beside the destination
and replaces it only when complete.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Optional

from estate import __version__
from estate.errors import OutputError
from estate.interchange.tabular import columns_of, estate_tables, finding_tables
from estate.interchange.targets import check_target
from estate.interchange.values import strip_control
from estate.output import atomic_path

SCHEMA = """
CREATE TABLE authorities (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT, region TEXT, gss_code TEXT,
    partnerships TEXT, systems INTEGER, contracts INTEGER, files TEXT);
CREATE TABLE vendors (id TEXT PRIMARY KEY, name TEXT NOT NULL, aliases TEXT, sme INTEGER);
CREATE TABLE products (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, vendor TEXT REFERENCES vendors(id), aliases TEXT,
    lines_of_business TEXT, category TEXT);
CREATE TABLE lines_of_business (
    authority TEXT NOT NULL REFERENCES authorities(id), id TEXT NOT NULL, taxonomy_id TEXT,
    name TEXT, function TEXT, statutory INTEGER, delivery TEXT, listed INTEGER,
    PRIMARY KEY (authority, id));
CREATE TABLE systems (
    qid TEXT PRIMARY KEY, authority TEXT NOT NULL REFERENCES authorities(id), id TEXT NOT NULL,
    name TEXT NOT NULL, product TEXT, vendor TEXT, product_id TEXT REFERENCES products(id),
    product_name TEXT, vendor_id TEXT REFERENCES vendors(id), vendor_name TEXT, bespoke INTEGER,
    version TEXT, hosting TEXT, status TEXT, introduced INTEGER, end_of_support TEXT,
    supports TEXT, annual_cost REAL, users INTEGER, criticality TEXT, owner TEXT,
    personal_data INTEGER, api INTEGER, export_formats TEXT, open_standards TEXT,
    depends_on TEXT, source_file TEXT);
CREATE TABLE system_lines (
    system TEXT NOT NULL REFERENCES systems(qid), authority TEXT NOT NULL, line_id TEXT NOT NULL,
    taxonomy_id TEXT, PRIMARY KEY (system, line_id),
    FOREIGN KEY (authority, line_id) REFERENCES lines_of_business(authority, id));
CREATE TABLE dependencies (
    system TEXT NOT NULL REFERENCES systems(qid), target TEXT NOT NULL,
    target_system TEXT REFERENCES systems(qid), via TEXT, resolved INTEGER);
CREATE TABLE contracts (
    qid TEXT PRIMARY KEY, authority TEXT NOT NULL REFERENCES authorities(id), id TEXT NOT NULL,
    supplier TEXT NOT NULL, vendor_id TEXT REFERENCES vendors(id), covers TEXT, start TEXT,
    "end" TEXT, extension_until TEXT, latest_end TEXT, notice_months INTEGER, annual_value REAL,
    total_value REAL, route TEXT, framework TEXT, sme INTEGER, procurement_started TEXT,
    source_file TEXT);
CREATE TABLE contract_systems (
    contract TEXT NOT NULL REFERENCES contracts(qid), system TEXT NOT NULL REFERENCES systems(qid),
    PRIMARY KEY (contract, system));
CREATE TABLE estate_export (key TEXT PRIMARY KEY, value TEXT);
CREATE INDEX systems_authority ON systems(authority);
CREATE INDEX systems_product ON systems(product_id);
CREATE INDEX systems_vendor ON systems(vendor_id);
CREATE INDEX systems_status ON systems(status);
CREATE INDEX system_lines_taxonomy ON system_lines(taxonomy_id);
CREATE INDEX dependencies_system ON dependencies(system);
CREATE INDEX dependencies_target ON dependencies(target_system);
CREATE INDEX contracts_authority ON contracts(authority);
CREATE INDEX contracts_vendor ON contracts(vendor_id);
CREATE INDEX contracts_end ON contracts("end");
CREATE INDEX contract_systems_system ON contract_systems(system);
CREATE INDEX products_vendor ON products(vendor);
"""

REGISTER_ORDER = ["authorities", "vendors", "products", "lines_of_business", "systems",
                  "system_lines", "dependencies", "contracts", "contract_systems"]
#: finding columns that name a record, and the table they then reference
FINDING_REFERENCES = {"system": ("systems", "qid"), "authority": ("authorities", "id")}


def _cell(value):
    """The one rule for SQLite: values are bound as parameters (never spliced into SQL);
    text loses NUL and other control characters, which many SQLite tools cut text at."""
    if isinstance(value, str):
        return strip_control(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _insert(db, table: str, rows: list, columns: Optional[list] = None) -> None:
    if not rows:
        return
    columns = columns or list(rows[0])
    sql = (f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, columns))}) "
           f"VALUES ({', '.join('?' for _ in columns)})")
    db.executemany(sql, [[_cell(r.get(c)) for c in columns] for r in rows])


def _finding_table(db, table: str, rows: list, known: dict) -> None:
    columns = columns_of(table, rows)
    defs = []
    for c in columns:
        if c == "rank":
            defs.append('"rank" INTEGER PRIMARY KEY')
            continue
        values = [r.get(c) for r in rows if r.get(c) is not None]
        kind = "TEXT"
        if values and all(isinstance(v, bool) for v in values):
            kind = "INTEGER"
        elif values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            kind = "INTEGER"
        elif values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            kind = "REAL"
        ref = FINDING_REFERENCES.get(c)
        if ref and values and all(isinstance(v, str) and v in known[ref[0]] for v in values):
            defs.append(f"{_quote(c)} {kind} REFERENCES {ref[0]}({ref[1]})")
        else:
            defs.append(f"{_quote(c)} {kind}")
    db.execute(f"CREATE TABLE {_quote(table)} ({', '.join(defs)})")
    for c in columns:
        if c in FINDING_REFERENCES or c in ("line_of_business", "severity", "code"):
            db.execute(f"CREATE INDEX {_quote(table + '_' + c)} ON {_quote(table)}({_quote(c)})")
    _insert(db, table, rows, columns)


def build_database(path, estate, findings: dict, settings=None) -> None:
    """Create the database at ``path`` (which must not exist yet)."""
    db = sqlite3.connect(str(path))
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA)
        tables = estate_tables(estate)
        for table in REGISTER_ORDER:
            rows = tables[table]
            if table == "products":
                rows = [dict(r, vendor=r["vendor"] if r["vendor"] in {v["id"] for v in tables["vendors"]}
                             else None) for r in rows]
            _insert(db, table, rows)
        known = {"systems": {r["qid"] for r in tables["systems"]},
                 "authorities": {r["id"] for r in tables["authorities"]}}
        for table, rows in finding_tables(findings).items():
            _finding_table(db, table, rows, known)
        meta = {"estate_version": __version__, "summary": findings.get("summary"),
                "settings": settings.as_dict() if settings is not None and hasattr(settings, "as_dict")
                else None}
        _insert(db, "estate_export", [{"key": k, "value": v if isinstance(v, str) else
                                       json.dumps(v, ensure_ascii=False, default=str)}
                                      for k, v in meta.items() if v is not None])
        bad = db.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            raise OutputError(f"the database would break {len(bad)} foreign key(s), e.g. {bad[0]}")
        db.commit()
    finally:
        db.close()


def is_estate_database(path) -> bool:
    """True when ``path`` is an SQLite database this export wrote (it has ``estate_export``
    with an ``estate_version``)."""
    try:
        with open(path, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                return False
        db = sqlite3.connect(f"file:{Path(path).resolve().as_posix()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM estate_export WHERE key = 'estate_version'").fetchone()
        finally:
            db.close()
    except (OSError, sqlite3.Error):
        return False
    return row is not None


def write_sqlite(estate, findings: dict, dest, settings=None) -> Path:
    """Write the database atomically: built beside ``dest``, then moved onto it.

    An existing ``dest`` is replaced only when it is an estate database (an earlier
    export); any other file is refused, so a typo in ``-o`` cannot destroy a document.
    """
    dest = Path(dest)
    check_target(dest, "database file")
    if dest.exists() and not is_estate_database(dest):
        raise OutputError(f"{dest} exists and is not a database written by 'estate export "
                          "sqlite'; refusing to overwrite it",
                          hint="give -o a new file name, or delete that file first")
    with atomic_path(dest, suffix=".db") as tmp:
        tmp.unlink()                       # sqlite creates it afresh
        build_database(tmp, estate, findings, settings)
    return dest
