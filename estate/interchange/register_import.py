"""Import the register workbook (``register.xlsx`` from ``estate analyse``) back into
inventories, after people have edited it in Excel.

The register's sheets and columns are a contract with :mod:`estate.render.excel`:

=================  =====================================================================
sheet              columns read (others, such as computed ones, are ignored)
=================  =====================================================================
Authorities        Id, Name, Type, Region, GSS code, Partnerships
Authority lines    Authority, Line id, Name, Maps to, Statutory, Delivery
Systems            Authority, System id, Name, Product, Vendor, Version, Hosting, Status,
                   Introduced, End of support, Supports, Depends on, Personal data, API,
                   Export formats, Open standards, Annual cost, Users, Criticality, Owner
Contracts          Authority, Contract id, Supplier, Covers, Start, End, Extension until,
                   Notice months, Annual value, Total value, Route, Framework, SME,
                   Procurement started
=================  =====================================================================

Lists are joined by ", "; ``Depends on`` reads ``nb-finance (file-transfer); wexcombe/wx-gis
(api)``; yes/no columns read yes, no or blank.  Computed columns (Catalogue product,
Catalogue vendor, Legacy risk score/rating, Disposition, Source) are ignored: they are
worked out again by the next ``estate analyse``.

Ids are kept as they are in the sheet, so a record keeps its identity through Excel.  A
row added without an id gets one made from its name (system) or supplier and end date
(contract), and the import says so.  Formula-looking text comes back exactly as written:
the register keeps it inert through the cell type and style, adding no character.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Callable, Optional

from estate.model.files import read_workbook_bytes
from estate.interchange.sheets import SourceError, Table, find_table, header_key, read_xlsx
from estate.interchange.values import (ValueProblem, parse_bool, parse_date, parse_int,
                                       parse_list, parse_money, slugify, text_of)
from estate.interchange.writer import SECTIONS, AuthorityDoc, ImportResult
from estate.model import records as R

#: the register's custom document property naming the catalogue files it was written with
CATALOGUE_PROPERTY = "estate catalogue files"

AUTHORITIES = "Authorities"
LINES = "Authority lines"
SYSTEMS = "Systems"
CONTRACTS = "Contracts"

_DEP = re.compile(r"^(?P<target>[^()\s]+)\s*(?:\((?P<via>[^)]*)\))?$")


class _Row:
    """Cells of one row by header, with typed readers that record problems."""

    def __init__(self, table: Table, number: int, cells: dict, problems: list, source: str):
        self.table, self.number, self.problems, self.source = table, number, problems, source
        self.cells = {header_key(k): v for k, v in cells.items()}

    def where(self, column: str) -> str:
        return f"{self.source} {self.table.name} row {self.number} column '{column}'"

    def raw(self, column: str):
        value = self.cells.get(header_key(column))
        # the register stores text exactly as written (formula-looking text is kept inert
        # by the cell's type and quote-prefix style, not by an added character)
        return value

    def get(self, column: str, parse: Callable = text_of, *args):
        value = self.raw(column)
        try:
            return parse(value, *args)
        except ValueProblem as exc:
            self.problems.append(f"{self.where(column)}: {exc}")
            return None

    def text(self, column: str) -> Optional[str]:
        value = self.raw(column)
        if value is None:
            return None
        text = text_of(value)
        return text if text else None

    def enum(self, column: str, allowed) -> Optional[str]:
        value = self.text(column)
        if value is None:
            return None
        folded = re.sub(r"[\s_]+", "-", value.strip().lower())
        if folded not in allowed:
            self.problems.append(f"{self.where(column)}: '{value}' is not one of {', '.join(allowed)}")
            return None
        return folded


def _depends(row: _Row) -> list:
    value = row.text("Depends on")
    out = []
    for part in re.split(r"[;\n]", value or ""):
        part = part.strip().rstrip(",")
        if not part:
            continue
        m = _DEP.match(part)
        if not m:
            row.problems.append(f"{row.where('Depends on')}: '{part}' is not 'system (via)'")
            continue
        dep = {"system": m.group("target")}
        via = (m.group("via") or "").strip().lower().replace(" ", "-")
        if via:
            if via not in R.VIA:
                row.problems.append(f"{row.where('Depends on')}: via '{via}' is not one of "
                                    f"{', '.join(R.VIA)}")
            dep["via"] = via
        out.append(dep)
    return out


def recorded_catalogue(path) -> tuple:
    """``(existing files, missing files)`` of the catalogue a register records."""
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(read_workbook_bytes(path)), read_only=True)
        props = {p.name: p.value for p in wb.custom_doc_props}
        wb.close()
    except Exception:                 # a bad workbook is reported when it is read
        return [], []
    files = [f for f in str(props.get(CATALOGUE_PROPERTY) or "").split("\n") if f.strip()]
    return [f for f in files if Path(f).is_file()], [f for f in files if not Path(f).is_file()]


def _unique_id(base: str, taken: set) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def import_register(path, *, source: Optional[str] = None) -> ImportResult:
    """Read a register workbook into authority documents.  Raises :class:`SourceError`
    listing every cell that cannot be read."""
    source = source or Path(path).name
    tables = read_xlsx(path)
    result = ImportResult(source=source, command="estate import register", complete=True,
                          layout="whole")
    problems: list[str] = []
    sheets = {k: find_table(tables, k) for k in (AUTHORITIES, LINES, SYSTEMS, CONTRACTS)}
    if not any(sheets.values()):
        raise SourceError([f"{source} has none of the sheets {AUTHORITIES}, {SYSTEMS}, {CONTRACTS}, "
                           f"{LINES} (its sheets: {', '.join(tables)})"], source)
    for name, table in sheets.items():
        if table is None:
            result.notes.append(f"{source} has no '{name}' sheet: nothing of that kind was imported")
    docs = result.docs

    def doc_for(row: _Row, column: str) -> Optional[AuthorityDoc]:
        aid = row.text(column)
        if not aid:
            problems.append(f"{row.where(column)}: the authority id is blank")
            return None
        if aid not in docs:
            docs[aid] = AuthorityDoc(authority={"id": aid, "name": aid})
            result.notes.append(f"authority '{aid}' ({row.table.name} row {row.number}) is not on the "
                                f"{AUTHORITIES} sheet; its name was set to its id")
        return docs[aid]

    if sheets[AUTHORITIES]:
        t = sheets[AUTHORITIES]
        for number, cells in t.records():
            row = _Row(t, number, cells, problems, source)
            aid = row.text("Id")
            if not aid:
                problems.append(f"{row.where('Id')}: the authority id is blank")
                continue
            if aid in docs:
                problems.append(f"{row.where('Id')}: authority '{aid}' is listed twice")
                continue
            head = {"id": aid, "name": row.text("Name") or aid,
                    "type": row.enum("Type", R.AUTHORITY_TYPES), "region": row.text("Region"),
                    "gss_code": row.text("GSS code"),
                    "partnerships": parse_list(row.raw("Partnerships")) or None}
            docs[aid] = AuthorityDoc(authority={k: v for k, v in head.items() if v is not None})
            docs[aid].origin[("authority", aid)] = [f"from: {source} {t.name} row {number}"]

    if sheets[LINES]:
        t = sheets[LINES]
        for number, cells in t.records():
            row = _Row(t, number, cells, problems, source)
            doc = doc_for(row, "Authority")
            lid = row.text("Line id")
            if doc is None or not lid:
                if doc is not None:
                    problems.append(f"{row.where('Line id')}: the line id is blank")
                continue
            if any(line["id"] == lid for line in doc.lines_of_business):
                problems.append(f"{row.where('Line id')}: line '{lid}' of '{doc.id}' is listed twice")
                continue
            rec = {"id": lid, "name": row.text("Name"), "maps_to": row.text("Maps to"),
                   "statutory": row.get("Statutory", parse_bool),
                   "delivery": row.enum("Delivery", R.DELIVERY)}
            doc.lines_of_business.append({k: v for k, v in rec.items() if v is not None})
            doc.origin[("lines_of_business", lid)] = [f"from: {source} {t.name} row {number}"]

    if sheets[SYSTEMS]:
        t = sheets[SYSTEMS]
        for number, cells in t.records():
            row = _Row(t, number, cells, problems, source)
            doc = doc_for(row, "Authority")
            if doc is None:
                continue
            taken = {s["id"] for s in doc.systems}
            sid, name = row.text("System id"), row.text("Name")
            if not name:
                problems.append(f"{row.where('Name')}: the system name is blank")
                continue
            note = []
            if not sid:
                sid = _unique_id(slugify(name), taken)
                note = [f"no System id in the register: id '{sid}' made from the name"]
                result.notes.append(f"{t.name} row {number}: no System id; gave it '{sid}'")
            elif sid in taken:
                problems.append(f"{row.where('System id')}: system '{sid}' of '{doc.id}' is listed twice")
                continue
            data = {"personal_data": row.get("Personal data", parse_bool),
                    "api": row.get("API", parse_bool),
                    "export_formats": parse_list(row.raw("Export formats")),
                    "open_standards": parse_list(row.raw("Open standards"))}
            rec = {"id": sid, "name": name, "product": row.text("Product"),
                   "vendor": row.text("Vendor"), "version": row.text("Version"),
                   "hosting": row.enum("Hosting", R.HOSTING),
                   "status": row.enum("Status", R.STATUS),
                   "introduced": row.get("Introduced", parse_int, 1950, 2100),
                   "end_of_support": row.get("End of support", parse_date),
                   "supports": parse_list(row.raw("Supports")),
                   "depends_on": _depends(row), "data": data,
                   "annual_cost": row.get("Annual cost", parse_money),
                   "users": row.get("Users", parse_int, 0),
                   "criticality": row.enum("Criticality", R.CRITICALITY),
                   "owner": row.text("Owner")}
            doc.systems.append({k: v for k, v in rec.items() if v is not None})
            doc.origin[("systems", sid)] = [f"from: {source} {t.name} row {number}", *note]

    if sheets[CONTRACTS]:
        t = sheets[CONTRACTS]
        for number, cells in t.records():
            row = _Row(t, number, cells, problems, source)
            doc = doc_for(row, "Authority")
            if doc is None:
                continue
            supplier, end = row.text("Supplier"), row.get("End", parse_date)
            cid = row.text("Contract id")
            if not supplier:
                problems.append(f"{row.where('Supplier')}: the supplier is blank")
            if end is None and row.raw("End") in (None, ""):
                problems.append(f"{row.where('End')}: the end date is blank (SPEC requires it)")
            if not supplier or end is None:
                continue
            taken = {c["id"] for c in doc.contracts}
            note = []
            if not cid:
                cid = _unique_id(f"{slugify(supplier)}-{end.isoformat()}", taken)
                note = [f"no Contract id in the register: id '{cid}' made from supplier and end"]
                result.notes.append(f"{t.name} row {number}: no Contract id; gave it '{cid}'")
            elif cid in taken:
                problems.append(f"{row.where('Contract id')}: contract '{cid}' of '{doc.id}' is listed twice")
                continue
            rec = {"id": cid, "supplier": supplier, "covers": parse_list(row.raw("Covers")),
                   "start": row.get("Start", parse_date), "end": end,
                   "extension_until": row.get("Extension until", parse_date),
                   "notice_months": row.get("Notice months", parse_int, 0, 120),
                   "annual_value": row.get("Annual value", parse_money),
                   "total_value": row.get("Total value", parse_money),
                   "route": row.enum("Route", R.ROUTES), "framework": row.text("Framework"),
                   "sme": row.get("SME", parse_bool),
                   "procurement_started": row.get("Procurement started", parse_date)}
            doc.contracts.append({k: v for k, v in rec.items() if v is not None})
            doc.origin[("contracts", cid)] = [f"from: {source} {t.name} row {number}", *note]

    if problems:
        raise SourceError(problems, source)
    for doc in docs.values():
        doc.sections = SECTIONS
    return result
