"""Import a council's own spreadsheet or CSV of systems or contracts, through a mapping.

A mapping is a small YAML file that says which column holds which SPEC field::

    kind: contracts                  # or: systems
    authority: Burnley Borough Council   # a name (matched to the UK list) or {id:, name:}
    sheet: Contracts                 # xlsx only; default: the first sheet
    header_row: 1                    # default: found below any title rows
    vat: excluded                    # or: included (amounts include VAT at 20%)
    date_format: "%d/%m/%Y"          # optional; UK day-first dates are read anyway
    columns:
      id: Reference Number
      supplier: Supplier Name
      start: Start Date
      end: End Date
      total_value: Value of Contract
      sme: [Supplier is SME, SME]    # a list: the first column that has a value
      route: Procurement Process
    notes: [Title of Agreement, Department]   # written as comments above each record
    values:                          # optional translations of cell values
      route: {"Call off": framework, "Quotation": other}
      sme: {yes: [Y, Yes, SME], no: [N, No]}
    defaults:                        # optional values for every record
      hosting: unknown

``estate import table FILE --guess`` proposes a mapping from the headers
(:mod:`estate.interchange.table_guess`).  Besides SPEC fields a mapping may name the
columns ``council`` (one inventory per council named), ``supplier_company_number``,
``extension`` ("2 x 12 months"), and ``cpv``, ``category``, ``title``, ``description``
(read by ``--it-only``, :mod:`estate.interchange.it_only`).

Cells are cleaned as :mod:`estate.interchange.values` says: "£180,000" is 180000,
31/03/2026 and 01-Apr-2013 are dates, Yes/No are booleans, HTML entities are decoded.
No row is lost silently: a contract without an end date is imported without one (SPEC
1.1), a row that cannot be imported is listed with its row number and why, an exact
copy of an earlier row is merged with a note.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Optional

import yaml

from estate.model.files import read_regular_bytes
from estate.errors import UsageError
from estate.analyses._contracts import add_months
from estate.interchange.authorities import load_index
from estate.interchange.it_only import classify, cpv_codes
from estate.interchange.ocds_import import _annual, _framework
from estate.interchange.sheets import SourceError, Table, header_key, read_table
from estate.interchange.table_guess import CONTRACT_FIELDS, SYSTEM_FIELDS
from estate.interchange.values import (ValueProblem, clean_text, parse_bool, parse_date, parse_int,
                                       parse_extension, parse_list, parse_money, restore, route_of,
                                       slugify, text_of)
from estate.interchange.writer import AuthorityDoc, ImportResult
from estate.model import records as R
from estate.model.validate import CONTRACT_ID

#: columns a mapping may name besides the SPEC fields: the council (one inventory per
#: council named), the Companies House number, and what ``--it-only`` reads
EXTRA_FIELDS = ("council", "supplier_company_number", "extension", "cpv", "category", "title",
                "description")

# ----------------------------------------------------------------------------- import
def load_mapping(path) -> dict:
    try:
        data = yaml.safe_load(read_regular_bytes(path).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read the mapping {path}: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise UsageError(f"the mapping {path} needs 'columns:' (field: column header)",
                         hint="run 'estate import table FILE --guess' for a starting point")
    kind = data.get("kind", "contracts")
    if kind not in ("contracts", "systems"):
        raise UsageError(f"the mapping's kind is '{kind}': use contracts or systems")
    fields = (CONTRACT_FIELDS if kind == "contracts" else SYSTEM_FIELDS) + EXTRA_FIELDS
    unknown = [f for f in data["columns"] if f not in fields]
    if unknown:
        raise UsageError(f"the mapping names unknown {kind} field(s): {', '.join(map(str, unknown))}",
                         hint=f"fields are: {', '.join(fields)}")
    data["kind"] = kind
    return data


def _authority(spec, mapping_path) -> dict:
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, dict) or not (spec.get("name") or spec.get("id")):
        raise UsageError(f"the mapping {mapping_path} needs 'authority:' (the council's name, or "
                         "id and name)", hint="e.g. authority: Burnley Borough Council")
    head = _matched(spec.get("name") or spec.get("id")) or {}
    head.update({k: v for k, v in spec.items() if v is not None})
    if "id" not in head:
        head["id"] = slugify(head["name"])
    head.setdefault("name", head["id"])
    return {k: v for k, v in head.items() if v is not None}


def _find_header(table: Table, wanted: list, source: str, header_row: Optional[int]) -> Table:
    """The table read from its real header row: the given one, or the first of the top 20
    rows holding every mapped column (a title row above the header is skipped)."""
    keys = {header_key(w) for w in wanted}
    present = {header_key(h) for h in table.header if h}
    if header_row is not None or keys <= present:
        return table
    best = (len(keys & present), 0)
    for offset, row in enumerate(table.rows[:20], start=1):
        cells = {header_key(v) for v in row if v is not None and str(v).strip()}
        if keys <= cells:
            return Table(table.name, list(row), table.rows[offset:],
                         first_row=table.first_row + offset)
        best = max(best, (len(keys & cells), offset))
    found, offset = best
    if not offset:
        return table                 # no better row: the missing column is named below
    cells = {header_key(v) for v in table.rows[offset - 1] if v is not None}
    missing = next(w for w in wanted if header_key(w) not in cells)
    row = table.first_row - 1 + offset
    raise UsageError(f"{source} has no column '{missing}' (row {row}, which looks like the header, "
                     f"holds {found} of the {len(keys)} mapped columns)",
                     hint="check the column names in the mapping; if the headers are on another "
                          "row, give --header-row N")


def _matched(name: str) -> Optional[dict]:
    """The authority header of the UK local authority ``name`` matches, or ``None``."""
    la, _ = load_index().match(name)
    if la is None:
        return None
    head = {"id": la.id, "name": la.name, "type": la.spec_type(), "region": la.region,
            "gss_code": la.gss_code or None}
    return {k: v for k, v in head.items() if v is not None}


def import_table(path, mapping_path, *, sheet: Optional[str] = None,
                 header_row: Optional[int] = None, it_only: bool = False,
                 explain: bool = False) -> ImportResult:
    """Read a council's spreadsheet or CSV through a mapping into authority documents.

    ``header_row`` (1-based) overrides the mapping's; without either, a title row above
    the header is found.  ``it_only`` keeps IT contracts only (:mod:`it_only`), and
    ``explain`` adds a note per row saying why it was kept or dropped.
    """
    mapping = load_mapping(mapping_path)
    kind = mapping["kind"]
    header_row = header_row or mapping.get("header_row")
    table = read_table(path, sheet or mapping.get("sheet"), int(header_row or 1))
    source = Path(path).name
    wanted = [c if not isinstance(c, list) else c[0] for c in mapping["columns"].values()]
    before = table.first_row
    table = _find_header(table, wanted, source, header_row)
    headers = {header_key(h): h for h in table.header if h}
    columns = {}
    for fieldname, col in mapping["columns"].items():
        cols = col if isinstance(col, list) else [col]
        missing = [c for c in cols if header_key(c) not in headers]
        if missing and len(missing) == len(cols):
            raise UsageError(f"{source} has no column '{missing[0]}' (mapped to {fieldname})",
                             hint=f"its columns are: {', '.join(h for h in table.header if h)}")
        columns[fieldname] = [headers[header_key(c)] for c in cols if header_key(c) in headers]
    notes = [headers[header_key(n)] for n in (mapping.get("notes") or []) if header_key(n) in headers]
    formats = mapping.get("date_format") or []
    formats = [formats] if isinstance(formats, str) else list(formats)
    dayfirst = not mapping.get("month_first", False)
    values = mapping.get("values") or {}
    defaults = mapping.get("defaults") or {}
    vat = str(mapping.get("vat") or "excluded").casefold()
    if vat not in ("excluded", "included"):
        raise UsageError(f"the mapping's vat is '{mapping.get('vat')}': use excluded or included")

    result = ImportResult(source=source, command="estate import table", layout="section")
    if table.first_row != before:
        result.notes.append(f"the header is on row {table.first_row - 1} of {source}; the rows "
                            "above it were taken as a title and skipped")
    councils = _Councils(mapping, mapping_path, result, kind)
    problems: list[str] = []
    taken: dict = {}
    no_end_rows: list = []
    seen_rows: dict = {}
    cannot: list = []

    for number, cells in table.records():
        def cell(fieldname):
            for c in columns.get(fieldname, ()):
                v = cells.get(c)
                if isinstance(v, str):
                    v = restore(v)
                if v is not None and not (isinstance(v, str) and not v.strip()):
                    return v, c
            return defaults.get(fieldname), (columns.get(fieldname) or ["(default)"])[0]

        def where(col):
            return f"{source} row {number} column '{col}'"

        def get(fieldname, parse, *args):
            value, col = cell(fieldname)
            table_values = values.get(fieldname)
            if isinstance(table_values, dict) and value is not None and parse is not parse_bool:
                lookup = {str(k).strip().casefold(): v for k, v in table_values.items()}
                value = lookup.get(str(value).strip().casefold(), value)
            try:
                if parse is parse_bool and isinstance(table_values, dict):
                    return parse_bool(value, table_values.get("yes") or table_values.get(True),
                                      table_values.get("no") or table_values.get(False))
                return parse(value, *args)
            except ValueProblem as exc:
                problems.append(f"{where(col)}: {exc}")
                return None

        def enum(fieldname, allowed, guess=None):
            value = get(fieldname, text_of)
            if value is None:
                return None
            folded = re.sub(r"[\s_]+", "-", value.strip().lower())
            if folded in allowed:
                return folded
            if guess:
                guessed = guess(value)
                if guessed:
                    return guessed
            problems.append(f"{where(cell(fieldname)[1])}: '{value}' is not one of "
                            f"{', '.join(allowed)}; translate it under 'values: {fieldname}:' "
                            "in the mapping")
            return None

        # a digest of the row's cells, not the cells: a million rows stay small in memory
        content = hashlib.sha256(repr(sorted((k, text_of(v) or "") for k, v in cells.items()))
                                 .encode("utf-8")).digest()
        if content in seen_rows:
            result.notes.append(f"row {number} is an exact copy of row {seen_rows[content]}: "
                                "merged into it")
            result.skip("exact copies of an earlier row (merged)")
            continue
        seen_rows[content] = number

        comment = [f"from: {source} row {number}"]
        for n in notes:
            text = clean_text(text_of(cells.get(n)))
            if text:
                comment.append(f"{n}: {text[:150]}")

        if it_only:
            texts = [clean_text(text_of(cell(f)[0])) or "" for f in ("title", "description")]
            texts += [clean_text(text_of(cells.get(n))) or "" for n in notes]
            keep, why = classify(cpv_codes(text_of(cell("cpv")[0])), clean_text(text_of(cell("category")[0])),
                                 " ".join(texts), mapping.get("it_categories") or ())
            if explain:
                result.notes.append(f"row {number}: {'kept' if keep else 'dropped'}: {why}")
            if not keep:
                result.skip("not IT (--it-only; --explain says why, row by row)")
                continue

        doc = councils.doc_for(clean_text(text_of(cell("council")[0])), number)
        if doc is None:
            cannot.append(f"row {number}: no council named in column '{cell('council')[1]}'")
            continue
        doc_taken = taken.setdefault(doc.id, set())

        if kind == "contracts":
            supplier = get("supplier", lambda v: clean_text(text_of(v)))
            end = get("end", parse_date, formats, dayfirst)
            if not supplier:
                cannot.append(f"row {number}: no supplier")
                continue
            raw_id = clean_text(text_of(cell("id")[0]))
            cid = re.sub(r"[^A-Za-z0-9._/-]+", "-", raw_id).strip("-./") if raw_id else ""
            if not cid or not CONTRACT_ID.match(cid):
                digest = content.hex()[:8]
                cid = f"{slugify(supplier)}-{end.isoformat() if end else digest}"
                comment.append("no reference in the sheet: id made from the supplier and " +
                               ("the end date" if end else "the row's content (the same on every run)"))
            if cid in doc_taken:
                base, n = cid, 2
                while f"{base}-{n}" in doc_taken:
                    n += 1
                comment.append(f"reference '{cid}' is used by an earlier row: id '{base}-{n}'")
                cid = f"{base}-{n}"
            doc_taken.add(cid)
            route_text = get("route", text_of)
            route = None
            if route_text is not None:
                route = route_text if route_text in R.ROUTES else route_of(route_text)
            framework_ref, implied = _framework(route_text or "")
            if implied == "g-cloud":
                route = "g-cloud"
            rec = {"id": cid, "supplier": supplier,
                   "supplier_company_number": _company_number(cell("supplier_company_number")[0]),
                   "covers": [slugify(x) for x in parse_list(cell("covers")[0])],
                   "start": get("start", parse_date, formats, dayfirst), "end": end,
                   "extension_until": get("extension_until", parse_date, formats, dayfirst),
                   "notice_months": get("notice_months", parse_int, 0, 120),
                   "annual_value": _money(get, cell, "annual_value", vat, comment),
                   "total_value": _money(get, cell, "total_value", vat, comment), "route": route,
                   "framework": get("framework", lambda v: clean_text(text_of(v))) or framework_ref,
                   "sme": get("sme", parse_bool),
                   "procurement_started": get("procurement_started", parse_date, formats, dayfirst)}
            extension = get("extension", parse_extension)
            if end is None and cell("end")[0] not in (None, ""):
                continue                  # the unreadable date is reported; the row is not imported
            if end is None:
                no_end_rows.append(number)
                comment.append("no end date in the sheet: recorded without one (unknown or rolling)")
            elif extension and not rec["extension_until"]:
                rec["extension_until"] = add_months(end, extension)
                comment.append(f"extension_until = end {end} + {text_of(cell('extension')[0])} "
                               f"({extension} months)")
            if end and rec["extension_until"] and rec["extension_until"] < end:
                comment.append(f"extension date {rec['extension_until']} is before the end: left out")
                rec["extension_until"] = None
            if rec["annual_value"] is None and rec["total_value"] is not None and end:
                rec["annual_value"] = _annual(rec["total_value"], rec["start"], end, comment)
            if end and rec["start"] and rec["start"] > end:
                problems.append(f"{where(cell('start')[1])}: starts on {rec['start']}, after it ends on {end}")
                continue
            doc.contracts.append({k: v for k, v in rec.items() if v is not None})
            doc.origin[("contracts", cid)] = comment
        else:
            name = get("name", lambda v: clean_text(text_of(v)))
            if not name:
                cannot.append(f"row {number}: no system name")
                continue
            raw_id = clean_text(text_of(cell("id")[0]))
            sid = slugify(raw_id) if raw_id else slugify(name)
            if sid in doc_taken:
                base, n = sid, 2
                while f"{base}-{n}" in doc_taken:
                    n += 1
                comment.append(f"id '{sid}' is used by an earlier row: id '{base}-{n}'")
                sid = f"{base}-{n}"
            doc_taken.add(sid)
            deps = []
            for part in re.split(r"[;\n]", text_of(cell("depends_on")[0]) or ""):
                m = re.match(r"^\s*([^()]+?)\s*(?:\(([^)]*)\))?\s*$", part)
                if m and m.group(1).strip():
                    target = m.group(1).strip()
                    target = target if "/" in target else slugify(target)
                    via = (m.group(2) or "").strip().lower().replace(" ", "-")
                    deps.append({"system": target, **({"via": via} if via in R.VIA else {})})
            rec = {"id": sid, "name": name,
                   "product": get("product", lambda v: clean_text(text_of(v))),
                   "vendor": get("vendor", lambda v: clean_text(text_of(v))),
                   "version": get("version", text_of),
                   "hosting": enum("hosting", R.HOSTING, _hosting_of),
                   "status": enum("status", R.STATUS, _status_of),
                   "introduced": get("introduced", parse_int, 1950, 2100),
                   "end_of_support": get("end_of_support", parse_date, formats, dayfirst),
                   "supports": [slugify(x) for x in parse_list(cell("supports")[0])],
                   "depends_on": deps,
                   "data": {"personal_data": get("personal_data", parse_bool),
                            "api": get("api", parse_bool),
                            "export_formats": parse_list(cell("export_formats")[0]),
                            "open_standards": parse_list(cell("open_standards")[0])},
                   "annual_cost": get("annual_cost", parse_money),
                   "users": get("users", parse_int, 0),
                   "criticality": enum("criticality", R.CRITICALITY, _criticality_of),
                   "owner": get("owner", lambda v: clean_text(text_of(v)))}
            doc.systems.append({k: v for k, v in rec.items() if v is not None})
            doc.origin[("systems", sid)] = comment

    if problems:
        raise SourceError(problems, source)
    if cannot:
        result.skip("rows that cannot be imported (listed)", len(cannot))
        result.notes.extend(f"{line}: not imported" for line in cannot)
    if no_end_rows:
        shown = ", ".join(map(str, no_end_rows[:20])) + (" ..." if len(no_end_rows) > 20 else "")
        result.notes.append(f"{len(no_end_rows)} contract(s) have no end date (rows {shown}): "
                            "imported without one; analyses that need an end date count them "
                            "as not judged")
    if kind == "systems":
        for doc in result.docs.values():
            _declare_local_lines(doc)
    return result


def _money(get, cell, fieldname: str, vat: str, comment: list):
    """An amount, without VAT: ``vat: included`` in the mapping, or "inc VAT" in the cell,
    means the amount includes VAT at the standard 20%, which is taken off."""
    amount = get(fieldname, parse_money)
    raw = text_of(cell(fieldname)[0]) or ""
    included = re.search(r"(?i)\binc(?:l(?:uding|\.)?)?\.?\s*vat\b", raw) or \
        (vat == "included" and not re.search(r"(?i)(?:\bex(?:cl(?:uding|\.)?)?\.?|\+)\s*vat\b", raw))
    if amount is None or not included:
        return amount
    net = round(amount / 1.2, 2)
    net = int(net) if float(net).is_integer() else net
    comment.append(f"{fieldname} {amount:,} includes VAT: {net:,} without it")
    return net


def _company_number(value) -> Optional[str]:
    """A Companies House number as registered: 8 characters, digits zero-padded
    (``9217226`` -> ``09217226``; ``SC123456`` kept)."""
    text = (text_of(value) or "").strip().upper().replace(" ", "")
    if not text:
        return None
    return text.zfill(8) if text.isdigit() else text


class _Councils:
    """The authority document of each row: the mapping's one council, or the council a
    column names (matched to the UK list), one document per council."""

    def __init__(self, mapping: dict, mapping_path, result: ImportResult, kind: str):
        self.result, self.kind, self.mapping_path = result, kind, mapping_path
        self.by_column = "council" in mapping["columns"]
        self.fixed = None
        self.by_name: dict = {}
        if not self.by_column or mapping.get("authority"):
            self.fixed = self._add(_authority(mapping.get("authority"), mapping_path),
                                   f"from: {Path(mapping_path).name} (mapping)")

    def _add(self, head: dict, origin: str) -> AuthorityDoc:
        doc = self.result.docs.get(head["id"])
        if doc is None:
            doc = self.result.docs[head["id"]] = AuthorityDoc(authority=head, sections=(self.kind,))
            doc.origin[("authority", head["id"])] = [origin]
        return doc

    def doc_for(self, name: Optional[str], number: int) -> Optional[AuthorityDoc]:
        if not self.by_column or (not name and self.fixed is not None):
            return self.fixed
        if not name:
            return None
        key = name.casefold()
        if key not in self.by_name:
            head = _matched(name)
            if head is None:
                head = {"id": slugify(name), "name": name}
                self.result.notes.append(f"council '{name}' (row {number}) is not on the UK "
                                         f"authority list: given the id '{head['id']}'")
            self.by_name[key] = self._add(head, f"from: {self.result.source} column of council "
                                                f"names ('{name}')")
        return self.by_name[key]


def _declare_local_lines(doc: AuthorityDoc) -> None:
    """Lines a system supports that are not in the shared taxonomy are declared as local
    lines (with the text as their name), so the inventory validates; ``estate validate``
    then says which are not mapped to the taxonomy (W205)."""
    from estate.model import load
    from estate.model.catalogue import default_catalogue_files
    taxonomy = set(load(default_catalogue_files(), default_catalogue=False).catalogue.lines_of_business)
    local = {}
    for s in doc.systems:
        for lid in s.get("supports", []):
            if lid not in taxonomy and lid not in local:
                local[lid] = {"id": lid, "name": lid.replace("-", " ").capitalize()}
    if local:
        doc.lines_of_business = [local[k] for k in sorted(local)]
        doc.sections = ("systems", "lines_of_business")


def _hosting_of(text: str) -> Optional[str]:
    t = text.casefold()
    for word, value in (("saas", "saas"), ("software as a service", "saas"), ("cloud", "cloud"),
                        ("azure", "cloud"), ("aws", "cloud"), ("hybrid", "hybrid"),
                        ("on prem", "on-premise"), ("on-prem", "on-premise"),
                        ("in house", "on-premise"), ("local", "on-premise"), ("hosted", "hosted")):
        if word in t:
            return value
    return None


def _status_of(text: str) -> Optional[str]:
    t = text.casefold()
    for word, value in (("decommission", "retired"), ("retired", "retired"), ("retiring", "retiring"),
                        ("being replaced", "retiring"), ("sunset", "retiring"), ("planned", "planned"),
                        ("procur", "planned"), ("implement", "planned"), ("in use", "live"),
                        ("production", "live"), ("active", "live"), ("current", "live")):
        if word in t:
            return value
    return None


def _criticality_of(text: str) -> Optional[str]:
    t = text.casefold()
    for word, value in (("critical", "critical"), ("high", "high"), ("medium", "medium"),
                        ("moderate", "medium"), ("low", "low"), ("p1", "critical"), ("p2", "high"),
                        ("p3", "medium"), ("p4", "low")):
        if word in t:
            return value
    return None
