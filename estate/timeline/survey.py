"""Surveys to data owners: one workbook per owner with what is known and the gaps.

:func:`plan_surveys` groups the systems of an estate by owner: a system's ``owner``
within its council, else the council itself.  A contract goes to every owner of a system
it covers (to the council when it covers none).  :func:`write_survey` writes one
owner's workbook:

* an **Instructions** sheet: who it is for, what to fill in, how to return it;
* **Systems** and **Contracts** sheets, one row per record, with every value known;
  a blank cell of a field the analyses need (end of support, API, hosting, cost,
  contract end, data formats) is a gap, filled yellow, as is ``hosting: unknown``;
* drop-down lists (data validation) on the enumerated fields, date and number checks on
  the others, so a typo is caught in Excel and, if it gets through, by the import
  (:mod:`estate.timeline.survey_import`), which names the sheet and cell.

The id columns tie each row to its record: the import reads them back, so they must not
be changed.  Cells are written as values, never formulas (a text that looks like a
formula is stored as text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from estate.interchange.values import slugify
from estate.output import atomic_path
from estate.timeline.survey_fields import CONTRACT_FIELDS, SYSTEM_FIELDS, Field

GAP_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FONT = Font(bold=True)
SURVEY_MARK = "estate survey"        # the workbook's subject: what the import checks


@dataclass
class Survey:
    """One owner's share of the estate."""

    authority: str
    authority_name: str
    owner: str | None
    systems: list = field(default_factory=list)
    contracts: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.authority}-{slugify(self.owner)}" if self.owner else self.authority

    @property
    def title(self) -> str:
        return f"{self.owner}, {self.authority_name}" if self.owner else self.authority_name


def plan_surveys(estate) -> list[Survey]:
    """One :class:`Survey` per owner, sorted by council then owner."""
    out: dict = {}
    for a in estate.authorities.values():
        owner_of = {}
        for s in a.systems.values():
            owner = (s.owner or "").strip() or None
            owner_of[s.id] = owner
            survey = out.setdefault((a.id, owner or ""), Survey(a.id, a.name, owner))
            survey.systems.append(s)
        for c in a.contracts.values():
            owners = sorted({owner_of[sid] or "" for sid in c.covers if sid in owner_of}) or [""]
            for owner in owners:
                survey = out.setdefault((a.id, owner), Survey(a.id, a.name, owner or None))
                survey.contracts.append(c)
    return [out[k] for k in sorted(out)]


def _cell_value(f: Field, record):
    value = f.value_of(record)
    if f.kind == "bool":
        return None if value is None else ("yes" if value else "no")
    if f.kind == "list":
        return ", ".join(value) if value else None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_gap(f: Field, value) -> bool:
    return f.gap and (value is None or value == "" or value == "unknown")


def _validation(f: Field, ref: str):
    if f.kind in ("enum", "bool"):
        dv = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle=f.header,
                            error=f"Choose one of: {', '.join(f.choices)}")
    elif f.kind == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1",
                            allow_blank=True, showErrorMessage=True, errorTitle=f.header,
                            error="Enter a date, e.g. 2027-03-31")
    elif f.kind in ("money", "int"):
        dv = DataValidation(type="decimal" if f.kind == "money" else "whole",
                            operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle=f.header,
                            error="Enter a number of 0 or more")
    else:
        return None
    dv.add(ref)
    return dv


def _sheet(wb, title: str, fields: tuple, rows: list) -> int:
    """Write one table; return the number of gaps highlighted."""
    ws = wb.create_sheet(title)
    for col, f in enumerate(fields, 1):
        cell = ws.cell(1, col, f.header)
        cell.font = HEADER_FONT
        if f.hint:
            cell.comment = Comment(f.hint, SURVEY_MARK)
        ws.column_dimensions[get_column_letter(col)].width = max(12, len(f.header) + 4)
    gaps = 0
    for r, values in enumerate(rows, 2):
        for col, (f, value) in enumerate(zip(fields, values), 1):
            cell = ws.cell(r, col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"           # text stays text, even "=..."
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if _is_gap(f, value):
                cell.fill = GAP_FILL
                gaps += 1
    last = max(len(rows), 1) + 1
    for col, f in enumerate(fields, 1):
        letter = get_column_letter(col)
        dv = _validation(f, f"{letter}2:{letter}{last + 200}")
        if dv is not None:
            ws.add_data_validation(dv)
        if f.kind == "date":
            for r in range(2, last + 1):
                ws.cell(r, col).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(fields))}{last}"
    return gaps


def _system_rows(survey: Survey, contract_ends: dict) -> list:
    rows = []
    for s in survey.systems:
        values = [s.authority, s.id, s.name] + [_cell_value(f, s) for f in SYSTEM_FIELDS[3:-1]]
        ends = contract_ends.get(s.qid)
        values.append(", ".join(ends) if ends else None)
        rows.append(values)
    return rows


def _contract_rows(survey: Survey) -> list:
    return [[c.authority, c.id, c.supplier, ", ".join(c.covers) or None]
            + [_cell_value(f, c) for f in CONTRACT_FIELDS[4:]] for c in survey.contracts]


INSTRUCTIONS = (
    "This survey asks {title} to check what is recorded about their systems and contracts, "
    "and to fill the gaps.",
    "Yellow cells are gaps: values the analysis of the estate needs and nobody has recorded. "
    "Fill in what you know; leave blank what you do not.",
    "Correct any value that is wrong. Choose from the drop-down lists where a column has one; "
    "write dates as YYYY-MM-DD and money as a plain number of pounds a year.",
    "Do not change the Authority, System id or Contract id columns, or the sheet names: they tie "
    "each row to its record.  Columns shown for context (Name, Supplier, Covers, Contract "
    "ends) are not read back; change contract dates on the Contracts sheet.",
    "Return the workbook to whoever sent it. They bring the answers in with: "
    "estate import survey THIS-FILE.xlsx -o INVENTORY-FOLDER",
)


def write_survey(survey: Survey, path: Path, as_of: dt.date, contract_ends: dict) -> dict:
    """Write one owner's workbook to ``path``; return counts of rows and gaps."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Instructions"
    ws.column_dimensions["A"].width = 110
    ws.cell(1, 1, f"Survey: {survey.title}").font = Font(bold=True, size=14)
    ws.cell(2, 1, f"Written by estate on {as_of.isoformat()}: {len(survey.systems)} system(s), "
                  f"{len(survey.contracts)} contract(s).")
    for i, line in enumerate(INSTRUCTIONS, 4):
        cell = ws.cell(i, 1)
        cell.value = line.format(title=survey.title)
        cell.data_type = "s"
    gaps = _sheet(wb, "Systems", SYSTEM_FIELDS, _system_rows(survey, contract_ends))
    gaps += _sheet(wb, "Contracts", CONTRACT_FIELDS, _contract_rows(survey))
    wb.properties.subject = SURVEY_MARK
    wb.properties.title = f"Survey: {survey.title}"
    created = dt.datetime.combine(as_of, dt.time())
    wb.properties.created = wb.properties.modified = created
    with atomic_path(path, suffix=".xlsx") as tmp:
        wb.save(tmp)
    return {"systems": len(survey.systems), "contracts": len(survey.contracts), "gaps": gaps}


def contract_ends_of(estate) -> dict:
    """``<authority>/<system>`` -> the end dates (ISO) of the contracts covering it."""
    ends: dict = {}
    for c in estate.contracts():
        end = c.end.isoformat() if c.end else "no end recorded"
        for sid in c.covers:
            ends.setdefault(f"{c.authority}/{sid}", []).append(end)
    return {k: sorted(v) for k, v in ends.items()}


def write_surveys(estate, outdir, as_of: dt.date) -> list[tuple[Path, dict]]:
    """One workbook per owner into ``outdir``; return (path, counts) for each."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    ends = contract_ends_of(estate)
    written = []
    names: dict = {}
    for survey in plan_surveys(estate):
        # two owners whose names make the same file name are kept apart
        n = names[survey.name] = names.get(survey.name, 0) + 1
        stem = survey.name if n == 1 else f"{survey.name}-{n}"
        path = outdir / f"survey-{stem}.xlsx"
        written.append((path, write_survey(survey, path, as_of, ends)))
    return written
