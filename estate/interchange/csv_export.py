"""The estate and its findings as CSV files, one per register and per finding list.

``authorities.csv``, ``lines_of_business.csv``, ``systems.csv``, ``dependencies.csv``,
``contracts.csv``, ``vendors.csv``, ``products.csv``, and ``duplicates.csv``,
``shared_products.csv``, ``consolidation_candidates.csv``, ``procurement_windows.csv``,
``supplier_concentration.csv``, ``legacy_risks.csv``, ``data_quality.csv``,
``authority_indicators.csv`` and ``dependency_*.csv`` (the columns are those of the
SQLite export, :mod:`estate.interchange.tabular`).

* **Encoding: UTF-8 with a byte order mark** (``utf-8-sig``).  Excel on Windows reads a
  CSV without a BOM as the local code page and garbles "Ysgol Gymraeg" accents and the
  pound sign; with the BOM it reads UTF-8.  Python, R, pandas and Datasette skip the BOM.
* **Formula-looking text is neutralised**: a cell that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return gets a leading ``'`` (OWASP, "CSV Injection"), so that a
  system named ``=HYPERLINK(...)`` is shown, not run; NUL and other control characters
  are removed first (:func:`~estate.interchange.values.csv_text`, the rule of every CSV
  estate writes).  Numbers are written as numbers (``-5`` stays ``-5``).
* Lists are joined with ``", "`` (as in the register workbook); nested objects (e.g. a
  consolidation candidate's ``group``) are JSON.  Booleans are ``true``/``false``.
* Each file is written atomically; rows end with CRLF, as RFC 4180 says.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from estate.interchange.tabular import columns_of, estate_tables, finding_tables
from estate.interchange.values import csv_text
from estate.output import write_bytes

REGISTERS = ["authorities", "lines_of_business", "systems", "dependencies", "contracts",
             "vendors", "products"]


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        if all(not isinstance(v, (dict, list)) for v in value):
            return csv_text(", ".join("" if v is None else str(v) for v in value))
        return csv_text(json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, dict):
        return csv_text(json.dumps(value, ensure_ascii=False, default=str))
    return csv_text(str(value))


def to_csv(columns: list, rows: list) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_text(c) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8-sig")


def write_csvs(estate, findings: dict, outdir) -> list[Path]:
    """Write every register and finding list as ``<name>.csv`` into ``outdir``."""
    outdir = Path(outdir)
    written = []
    registers = estate_tables(estate)
    tables = {name: (list(registers[name][0]) if registers[name] else [], registers[name])
              for name in REGISTERS}
    if not registers["systems"]:
        tables["systems"] = (_empty_columns("systems"), [])
    if not registers["contracts"]:
        tables["contracts"] = (_empty_columns("contracts"), [])
    for name, rows in finding_tables(findings).items():
        tables[name] = (columns_of(name, rows), rows)
    for name, (columns, rows) in tables.items():
        dest = outdir / f"{name}.csv"
        write_bytes(dest, to_csv(columns, rows))
        written.append(dest)
    return written


def _empty_columns(table: str) -> list:
    from estate.interchange.sqlite_export import SCHEMA
    start = SCHEMA.index(f"CREATE TABLE {table} (")
    body = SCHEMA[start:SCHEMA.index(");", start)]
    cols = []
    for part in body.split("(", 1)[1].replace("\n", " ").split(","):
        word = part.strip().split(" ")[0].strip('"')
        if word and word.upper() not in ("PRIMARY", "FOREIGN") and not word.startswith(("(", "KEY")):
            cols.append(word)
    return cols
