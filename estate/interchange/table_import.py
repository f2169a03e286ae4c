"""Import a council's own spreadsheet or CSV of systems or contracts, through a mapping.

A mapping is a small YAML file that says which column holds which SPEC field::

    kind: contracts                  # or: systems
    authority: Burnley Borough Council   # a name (matched to the UK list) or {id:, name:}
    sheet: Contracts                 # xlsx only; default: the first sheet
    header_row: 1                    # default 1
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

``estate import table FILE --guess`` proposes a mapping from the headers: each SPEC
field is matched to the header most like one of its usual names (Local Government
Transparency Code contract-register headers among them) by fuzzy matching
(rapidfuzz), with the score, so a person can check it before importing.

Cells are cleaned as :mod:`estate.interchange.values` says: "£180,000" is 180000,
31/03/2026 is 2026-03-31, Yes/No are booleans, HTML entities are decoded.  A contract
without an end date is skipped and counted (SPEC needs ``end``; none is invented).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Optional

import yaml

from estate.errors import UsageError
from estate.analyses._contracts import add_months
from estate.interchange.authorities import load_index
from estate.interchange.it_only import classify, cpv_codes
from estate.interchange.ocds_import import _annual, _framework
from estate.interchange.sheets import SourceError, Table, header_key, read_csv, read_xlsx
from estate.interchange.values import (ValueProblem, clean_text, parse_bool, parse_date, parse_int,
                                       parse_extension, parse_list, parse_money, restore, route_of,
                                       slugify, text_of)
from estate.interchange.writer import AuthorityDoc, ImportResult
from estate.model import records as R
from estate.model.validate import CONTRACT_ID

CONTRACT_FIELDS = ("id", "supplier", "covers", "start", "end", "extension_until", "notice_months",
                   "annual_value", "total_value", "route", "framework", "sme",
                   "procurement_started")
#: columns a mapping may name besides the SPEC fields: the council (one inventory per
#: council named), the Companies House number, and what ``--it-only`` reads
EXTRA_FIELDS = ("council", "supplier_company_number", "extension", "cpv", "category", "title",
                "description")
SYSTEM_FIELDS = ("id", "name", "product", "vendor", "version", "hosting", "status", "introduced",
                 "end_of_support", "supports", "depends_on", "personal_data", "api",
                 "export_formats", "open_standards", "annual_cost", "users", "criticality", "owner")

#: usual column headers for each field (Local Government Transparency Code names first)
SYNONYMS = {
    "contracts": {
        "id": ["Reference Number", "Contract Reference", "Contract Ref", "Reference", "Ref No",
               "Contract ID", "Contract Number", "Unique Reference", "Contract Code"],
        "supplier": ["Supplier Name", "Supplier", "Contractor", "Contractor Name", "Awarded Supplier",
                     "Provider", "Vendor", "Name of Supplier"],
        "start": ["Start Date", "Contract Start Date", "Commencement Date", "Contract Start", "Start"],
        "end": ["End Date", "Contract End Date", "Expiry Date", "Contract Expiry Date", "End",
                "Contract End"],
        "extension_until": ["Extension End Date", "End Date Including Extensions",
                            "Latest End Date", "Maximum End Date", "Extension Until",
                            "Extended End Date", "Extension Date"],
        "total_value": ["Value of Contract", "Contract Value", "Total Value", "Total Contract Value",
                        "Estimated Total Value", "Whole Life Value", "Value"],
        "annual_value": ["Annual Value", "Annual Contract Value", "Value per Annum", "Yearly Value",
                         "Estimated Annual Value", "Annual Spend"],
        "route": ["Procurement Process", "Procurement Route", "Procurement Method",
                  "Route to Market", "Procurement Procedure", "Process"],
        "framework": ["Framework", "Framework Name", "Framework Agreement", "Framework Reference"],
        "sme": ["Supplier is SME", "SME", "SME Status", "Is SME", "SME Supplier", "VCSE",
                "Supplier is VCSE", "SME/VCSE"],
        "notice_months": ["Notice Period (Months)", "Notice Months", "Notice Period"],
        "procurement_started": ["Procurement Start Date", "Procurement Started", "Tender Start Date"],
        "covers": ["Systems", "System Ids", "Covers"],
    },
    "systems": {
        "id": ["System ID", "Application ID", "Asset ID", "App ID", "Ref", "Reference"],
        "name": ["System Name", "Application Name", "Application", "System", "Name"],
        "product": ["Product", "Product Name", "Software", "Package", "Software Product"],
        "vendor": ["Vendor", "Supplier", "Manufacturer", "Software Supplier", "Vendor Name"],
        "version": ["Version", "Release", "Version Number"],
        "hosting": ["Hosting", "Hosting Model", "Hosted", "Deployment", "Where Hosted"],
        "status": ["Status", "Lifecycle Status", "Lifecycle"],
        "introduced": ["Introduced", "Year Introduced", "Year Implemented", "Go Live Year",
                       "Implemented"],
        "end_of_support": ["End of Support", "Support End Date", "End of Life", "EOL",
                           "Support Ends", "End of Support Date"],
        "supports": ["Lines of Business", "Line of Business", "Services", "Service",
                     "Business Function", "Supports"],
        "depends_on": ["Depends On", "Dependencies", "Integrations", "Interfaces"],
        "personal_data": ["Personal Data", "Holds Personal Data", "Contains Personal Data", "GDPR"],
        "api": ["API", "Has API", "API Available"],
        "export_formats": ["Export Formats", "Export"],
        "open_standards": ["Open Standards", "Standards"],
        "annual_cost": ["Annual Cost", "Annual Maintenance", "Cost per Year", "Yearly Cost",
                        "Annual Support Cost", "Running Cost"],
        "users": ["Users", "Number of Users", "User Count", "No of Users"],
        "criticality": ["Criticality", "Business Criticality", "Priority", "Impact"],
        "owner": ["Owner", "Business Owner", "System Owner", "Service Owner", "Information Asset Owner"],
    },
}
#: headers worth keeping as a comment above each record
NOTE_HEADERS = ["Title of Agreement", "Title", "Contract Title", "Description", "Department",
                "Service Area", "Directorate", "Supplier Registration Number",
                "Companies House Number", "Review Date", "VCSE"]
GUESS_THRESHOLD = 80


# ------------------------------------------------------------------------------ guess
def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).casefold()).split())


def _score(header: str, synonym: str) -> float:
    from rapidfuzz import fuzz
    a, b = _norm(header), _norm(synonym)
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return max(fuzz.ratio(a, b), 0.95 * fuzz.token_set_ratio(a, b) if len(a.split()) > 1 else 0.0)


def guess_mapping(headers: list, kind: Optional[str] = None) -> dict:
    """Propose a mapping from column headers: ``{"kind", "columns", "scores", "notes",
    "unmapped"}``.  Each header goes to at most one field, best scores first."""
    headers = [h for h in headers if h and str(h).strip()]
    kinds = [kind] if kind else ["contracts", "systems"]
    best = None
    for k in kinds:
        pairs = []
        for fieldname, synonyms in SYNONYMS[k].items():
            for h in headers:
                score = max(_score(h, s) for s in synonyms)
                # earlier synonyms are the usual name: break ties towards them
                rank = min(i for i, s in enumerate(synonyms) if _score(h, s) == score)
                pairs.append((score, -rank, fieldname, h))
        pairs.sort(key=lambda p: (-p[0], -p[1], p[2], str(p[3])))
        columns, scores, used = {}, {}, set()
        for score, _, fieldname, h in pairs:
            if score < GUESS_THRESHOLD or fieldname in columns or h in used:
                continue
            columns[fieldname], scores[fieldname] = h, round(score)
            used.add(h)
        total = sum(scores.values()) + (200 if k == "contracts" and "supplier" in columns
                                        and "end" in columns else 0) + \
            (200 if k == "systems" and "name" in columns and "supplier" not in columns else 0)
        if best is None or total > best[0]:
            best = (total, k, columns, scores, used)
    _, k, columns, scores, used = best
    notes = [h for h in headers if h not in used and max(_score(h, n) for n in NOTE_HEADERS) >= 90]
    order = CONTRACT_FIELDS if k == "contracts" else SYSTEM_FIELDS
    return {"kind": k, "columns": {f: columns[f] for f in order if f in columns},
            "scores": scores, "notes": notes,
            "unmapped": [h for h in headers if h not in used and h not in notes]}


def guess_yaml(path, sheet: Optional[str] = None, header_row: int = 1,
               kind: Optional[str] = None) -> str:
    """The proposed mapping as a commented YAML file to check and save."""
    table = read_table(path, sheet, header_row)
    g = guess_mapping(table.header, kind)
    lines = [f"# Proposed by `estate import table {Path(path).name} --guess`: check every line,",
             "# fill in the authority, then save and run",
             f"#   estate import table {Path(path).name} --mapping THIS_FILE -o DIR",
             f"kind: {g['kind']}",
             "authority:                # the council's name (matched to the UK list) or id and name",
             "  name: CHANGE ME"]
    if sheet or str(path).lower().endswith((".xlsx", ".xlsm")):
        lines.append(f"sheet: {_yaml_str(table.name)}")
    if header_row != 1:
        lines.append(f"header_row: {header_row}")
    lines.append("columns:")
    for f, h in g["columns"].items():
        lines.append(f"  {f}: {_yaml_str(h)}".ljust(48) + f"# match {g['scores'][f]}/100")
    order = CONTRACT_FIELDS if g["kind"] == "contracts" else SYSTEM_FIELDS
    missing = [f for f in order if f not in g["columns"]]
    if missing:
        lines.append(f"  # not found: {', '.join(missing)}")
    if g["notes"]:
        lines.append("notes: [" + ", ".join(_yaml_str(n) for n in g["notes"]) + "]"
                     "   # kept as comments above each record")
    if g["unmapped"]:
        lines.append("# columns not used: " + ", ".join(str(h) for h in g["unmapped"]))
    return "\n".join(lines) + "\n"


def _yaml_str(text) -> str:
    from estate.interchange.writer import scalar
    return scalar(str(text))


# ----------------------------------------------------------------------------- import
def read_table(path, sheet: Optional[str] = None, header_row: int = 1) -> Table:
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        tables = read_xlsx(path, sheet, header_row)
        return next(iter(tables.values()))
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, header_row)
    raise UsageError(f"{path} is neither an .xlsx workbook nor a .csv file",
                     hint="save the sheet as .xlsx or CSV UTF-8")


def load_mapping(path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError) as exc:
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
