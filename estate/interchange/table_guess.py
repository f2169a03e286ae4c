"""Propose a column mapping for ``estate import table --guess`` from a table's headers.

Each SPEC field is matched to the header most like one of its usual names (Local
Government Transparency Code contract-register headers among them) by fuzzy matching
(rapidfuzz), with the score, so a person can check the proposal before importing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from estate.interchange.sheets import read_table

CONTRACT_FIELDS = ("id", "supplier", "covers", "start", "end", "extension_until", "notice_months",
                   "annual_value", "total_value", "route", "framework", "sme",
                   "procurement_started")
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
