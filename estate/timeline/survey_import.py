"""Bring survey answers back into the inventories, in place.

:func:`read_answers` reads the Systems and Contracts sheets of each survey workbook
(:mod:`estate.timeline.survey`) and compares every readable cell with the record it
belongs to, loaded from the inventories; :func:`import_surveys` turns the differences
into in-place edits of the YAML files (:mod:`estate.interchange.inplace`: only the
changed fields are touched; comments, order and style stay as written) and returns the
changes and the unified diff.

The guarantees of the register round trip hold:

* a survey returned unchanged changes nothing: each cell is read as the writer wrote it
  (dates as dates, ``yes``/``no``, lists joined by ``, ``, money and whole numbers) and
  compared with the record's value;
* a value that cannot be read (a typo in a drop-down column, a date that is not one, a
  negative cost) is an error naming the file, the sheet and the cell, with the values
  allowed; every such problem in every file is reported at once and nothing is written;
* a row whose ids match no record is an error too (the ids tie a row to its record).

A cell emptied by the owner removes the field from the record.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from estate.interchange.sheets import SourceError, header_key
from estate.interchange.values import (ValueProblem, blank, parse_bool, parse_date, parse_int,
                                       parse_list, parse_money, text_of)
from estate.timeline.diff_text import inert
from estate.timeline.survey_fields import SHEETS, Field

KEYS = {"Systems": ("Authority", "System id"), "Contracts": ("Authority", "Contract id")}


@dataclass
class FieldChange:
    record: str           # <authority>/<id>
    section: str          # systems | contracts
    field: str            # e.g. end_of_support, data.api
    before: object
    after: object
    cell: str             # file: sheet 'Systems' cell H5

    def describe(self) -> str:
        return f"{self.record}: {self.field} {_show(self.before)} -> {_show(self.after)} ({self.cell})"


@dataclass
class SurveyImport:
    changes: list = field(default_factory=list)     # [FieldChange]
    diff: str = ""
    files: int = 0


def _show(value) -> str:
    if value is None or value == []:
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return inert(str(value))


def _enum(value, choices: tuple):
    text = text_of(value)
    if text is None:
        return None
    key = "-".join(text.strip().lower().replace("_", " ").split())
    if key in choices:
        return key
    close = difflib.get_close_matches(key, choices, n=1)
    raise ValueProblem(f"{text!r} is not one of {', '.join(choices)}"
                       + (f"; did you mean '{close[0]}'?" if close else ""))


def parse_cell(f: Field, value):
    """The value of a cell for ``f``, as the record holds it; raises :class:`ValueProblem`."""
    if f.kind == "enum":
        return _enum(value, f.choices)
    if f.kind == "bool":
        if blank(value):
            return None
        parsed = parse_bool(value)
        if parsed is None:
            raise ValueProblem(f"{text_of(value)!r} is not yes or no")
        return parsed
    if f.kind == "date":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueProblem(f"{value!r} is not a date; write YYYY-MM-DD")
        try:
            return parse_date(value)
        except ValueProblem as exc:
            raise ValueProblem(f"{exc}; write YYYY-MM-DD")
    if f.kind == "list":
        return parse_list(value)
    if f.kind == "money":
        money = parse_money(value)
        if money is not None and money < 0:
            raise ValueProblem(f"{_show(money)} is less than 0")
        return money
    if f.kind == "int":
        return parse_int(value, low=0)
    return text_of(value)


def _same(before, after) -> bool:
    if isinstance(before, (int, float)) and isinstance(after, (int, float)) \
            and not isinstance(before, bool) and not isinstance(after, bool):
        return float(before) == float(after)
    return (before if before not in (None, "", []) else None) == \
        (after if after not in (None, "", []) else None)


def read_answers(path, estate) -> tuple[list, list]:
    """``(changes, problems)`` of one survey workbook against the loaded ``estate``."""
    path = Path(path)
    changes, problems = [], []
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:        # noqa: BLE001 - any unreadable file says so, located
        return [], [f"{path}: cannot be read as a survey workbook ({type(exc).__name__}: {exc})"]
    for title, (section, fields) in SHEETS.items():
        if title not in wb.sheetnames:
            problems.append(f"{path}: sheet '{title}' is missing (was it renamed?)")
            continue
        ws = wb[title]
        header = {header_key(c.value): c.column for c in ws[1] if c.value is not None}
        missing = [f.header for f in fields if header_key(f.header) not in header]
        if missing:
            problems.append(f"{path}: sheet '{title}' has no column {', '.join(map(repr, missing))} "
                            "in row 1 (was it renamed?)")
            continue
        col = {f.header: header[header_key(f.header)] for f in fields}
        for row in range(2, ws.max_row + 1):
            aid, rid = (text_of(ws.cell(row, col[k]).value) for k in KEYS[title])
            readable = [f for f in fields if f.field]
            if aid is None and rid is None:
                if any(not blank(ws.cell(row, col[f.header]).value) for f in readable):
                    problems.append(f"{path}: sheet '{title}' row {row}: a row without "
                                    f"{KEYS[title][0]} and {KEYS[title][1]} cannot be imported")
                continue
            a = estate.authorities.get(aid or "")
            record = getattr(a, section).get(rid or "") if a is not None else None
            if record is None:
                problems.append(f"{path}: sheet '{title}' row {row}: {aid}/{rid} is not in the "
                                "inventories (do not change the id columns)")
                continue
            for f in readable:
                ref = f"{get_column_letter(col[f.header])}{row}"
                where = f"{path}: sheet '{title}' cell {ref}"
                try:
                    after = parse_cell(f, ws[ref].value)
                except ValueProblem as exc:
                    problems.append(f"{where} ({f.header}): {exc}")
                    continue
                before = f.value_of(record)
                if not _same(before, after):
                    changes.append(FieldChange(f"{aid}/{rid}", section, f.field, before,
                                               after if after != [] else None, where))
    return changes, problems


def _as_changes(found: list) -> list:
    from estate.interchange.inplace import Change

    fields: dict = {}
    for c in found:
        aid, rid = c.record.split("/", 1)
        target = fields.setdefault((aid, c.section, rid), {})
        if c.field.startswith("data."):
            target.setdefault("data", {})[c.field.split(".", 1)[1]] = c.after
        else:
            target[c.field] = c.after
    return [Change.set_fields(aid, section, rid, values)
            for (aid, section, rid), values in sorted(fields.items())]


def import_surveys(files, inventories, estate, write: bool = True) -> SurveyImport:
    """Read every survey in ``files``; unless a problem is found, apply the answers to the
    inventory files under ``inventories`` (in place) and return what changed."""
    from estate.interchange.inplace import apply_changes

    found, problems = [], []
    for path in files:
        changes, trouble = read_answers(path, estate)
        found += changes
        problems += trouble
    if problems:
        raise SourceError(problems, "the survey(s)")
    clashing = {}
    for c in found:
        clashing.setdefault((c.record, c.field), []).append(c)
    twice = [v for v in clashing.values() if len({repr(x.after) for x in v}) > 1]
    if twice:
        raise SourceError([f"{v[0].record}: {v[0].field} is answered differently in "
                           + " and ".join(x.cell for x in v) for v in twice], "the survey(s)")
    result = SurveyImport(changes=found, files=len(files))
    if found:
        result.diff = apply_changes([str(p) for p in inventories], _as_changes(found), write=write)
    return result
