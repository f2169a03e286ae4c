"""What every register sheet is made of: columns, typed and linked values, highlights, and
the rendering context (lookups over the records, the row of each system and contract)."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from estate.analyses._contracts import add_months
from estate.render.views import Names
from estate.render.xlsx import Highlight, Print, clean, excel_date

#: a finding's reasons cell holds at most about this many characters
MAX_REASONS = 1000
REASONS_CUT = " ... (full text in analysis.json)"

RED = Highlight(color="9C0006", fill="FFC7CE")
AMBER = Highlight(color="9C5700", fill="FFEB9C")
GREEN = Highlight(color="006100", fill="C6EFCE")
YES_NO = ("yes", "no")


@dataclass(frozen=True)
class Col:
    """One column of a sheet: its header, how its values are written, its validation."""

    header: str
    kind: str = "text"     # text | int | money | date | share | decimal
    choices: tuple = ()    # drop-down list
    check: Optional[str] = None   # "year" | "whole" | "months" | "money" | "date"
    wrap: Optional[int] = None    # long text wraps at this width (None: the default; 0: never)


#: a finding's reasons: the column people read, so it wraps wider than the rest
REASONS = Col("Reasons", wrap=60)


class Typed:
    """A value written as ``kind``, whatever its column's kind is (the Summary's values)."""

    __slots__ = ("value", "kind")

    def __init__(self, value, kind: str):
        self.value, self.kind = value, kind


class Link:
    """A cell value that links to a place in the workbook ("'Systems'!A42")."""

    __slots__ = ("value", "location", "tooltip")

    def __init__(self, value, location: Optional[str], tooltip: Optional[str] = None):
        self.value, self.location, self.tooltip = value, location, tooltip


@dataclass
class Sheet:
    """A sheet to write: one table of ``columns`` filled with ``rows``."""

    title: str
    columns: list
    rows: Callable[[], Iterable[list]]
    formats: Optional[Callable] = None    # (sheet, column letters by header, last row) -> None
    after: Optional[Callable] = None      # () -> rows written below the table (Summary)
    print: Print = field(default_factory=Print)

    @property
    def table_name(self) -> str:
        return "tbl" + re.sub(r"\W", "", self.title.title())


# highlights (conditional formats) ------------------------------------------------------

def column_range(col: dict, header: str, last: int) -> str:
    """"L2:L42": the data rows of the column headed ``header``."""
    return f"{col[header]}2:{col[header]}{last}"


def rag(ws, ref: str, red: str, amber: str, green: str) -> None:
    """Cells in ``ref`` equal to ``red``, ``amber`` or ``green`` take that colour."""
    for value, style in ((red, RED), (amber, AMBER), (green, GREEN)):
        ws.highlight(ref, "equal", [f'"{value}"'], style)


def score_scale(ws, ref: str, high: float = 100) -> None:
    """Green at 0, amber half way, red at ``high``."""
    ws.color_scale(ref, 0, high)


def dates_before(ws, ref: str, day: dt.date, style: Highlight = RED) -> None:
    """Dates in ``ref`` before ``day`` take ``style``."""
    ws.highlight(ref, "lessThan", [str(int(excel_date(day)))], style)


def dates_between(ws, ref: str, first: dt.date, last: dt.date,
                  style: Highlight = AMBER) -> None:
    """Dates in ``ref`` from ``first`` to ``last`` take ``style``."""
    ws.highlight(ref, "between", [str(int(excel_date(first))), str(int(excel_date(last)))],
                 style)


# values ---------------------------------------------------------------------------------

def as_date(value) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def as_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def yes_no(value) -> Optional[str]:
    return None if value is None else ("yes" if value else "no")


def joined(values) -> Optional[str]:
    values = [str(v) for v in values or () if v is not None and v != ""]
    return ", ".join(values) or None


def reasons(item) -> Optional[str]:
    """The reasons of a finding as one readable cell: sentences joined by "; " (or " "
    after a stop), at most about :data:`MAX_REASONS` characters, cut at a word with a
    note that analysis.json holds the rest."""
    given = item.get("reasons") if isinstance(item, dict) else None
    if isinstance(given, str):
        text = given
    else:
        text = ""
        for reason in given or ():
            reason = str(reason).strip()
            if reason:
                text += (" " if text.endswith((".", "!", "?")) else "; ") * bool(text) + reason
    if len(text) > MAX_REASONS:
        limit = MAX_REASONS - len(REASONS_CUT)
        cut = text[:limit + 1]              # one more: a sentence or word may end just there
        stop = max(cut.rfind(". "), cut.rfind("; "))
        if stop > limit - 300:
            cut = cut[:stop + 1]            # at the end of a sentence, if one ends late
        elif " " in cut[-40:]:
            cut = cut[:cut.rfind(" ")]      # else at a word
        text = cut[:limit].rstrip(" ;,") + REASONS_CUT
    return text or None


def counts(value) -> Optional[str]:
    """``{"hosting": 2, "api": 5}`` -> "hosting 2, api 5" (lists are joined)."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or None
    if isinstance(value, (list, tuple)):
        return joined(value)
    return value


def items(findings: dict, key: str) -> list:
    """The dict entries of the finding list ``key`` ([] when missing or malformed)."""
    value = findings.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class Context:
    """Everything the sheets share: the estate, the findings, where each row lands.

    ``as_of`` is the run's (``settings.as_of``), never the day the register is written;
    the planning horizon is ``settings.expiring_months`` after it.
    """

    def __init__(self, estate, findings: dict, settings):
        self.estate = estate
        self.findings = findings if isinstance(findings, dict) else {}
        self.settings = settings
        self.as_of: dt.date = settings.as_of
        #: the planning horizon: contracts ending before it are highlighted
        self.horizon: dt.date = add_months(self.as_of, settings.expiring_months)
        self.catalogue = estate.catalogue
        self.names = Names(estate)
        self.system_rows = {s.qid: row for row, s in enumerate(estate.systems(), 2)}
        self.contract_rows = {c.qid: row for row, c in enumerate(estate.contracts(), 2)}

    def vendor_name(self, vendor_id) -> Optional[str]:
        vendor = self.catalogue.vendors.get(vendor_id) if vendor_id else None
        return vendor.name if vendor else vendor_id

    def product_name(self, product_id) -> Optional[str]:
        product = self.catalogue.products.get(product_id) if product_id else None
        return product.name if product else product_id

    def line_name(self, line_id) -> Optional[str]:
        return self.estate.line_name(line_id) if line_id else None

    def system_name(self, qid) -> Optional[str]:
        system = self.estate.system(qid) if isinstance(qid, str) else None
        return system.name if system else None

    def council_name(self, authority_id) -> Optional[str]:
        """The name of the council ``authority_id`` (None when unknown)."""
        a = self.estate.authorities.get(authority_id) if isinstance(authority_id, str) else None
        return clean(a.name) if a is not None and a.name else None

    def council_names(self, authority_ids) -> Optional[str]:
        """The names of the councils, joined (the id where a council has no name)."""
        if isinstance(authority_ids, str):
            authority_ids = [authority_ids]
        return joined(self.council_name(a) or a for a in authority_ids or () if a)

    def window_refs(self) -> dict:
        """{contract id: linked text of the references (W1, W2...) of the procurement
        windows holding it, linking to the first}; windows are numbered by the findings'
        ``ref`` alone, so a window without one is not listed."""
        found: dict = {}
        for row, w in enumerate(items(self.findings, "procurement_windows"), 2):
            ref = w.get("ref")
            for qid in w.get("contracts") or () if ref else ():
                found.setdefault(qid, []).append((str(ref), row))
        return {qid: Link(", ".join(ref for ref, _ in refs),
                          f"'Procurement windows'!A{refs[0][1]}",
                          f"Go to window {refs[0][0]} in Procurement windows")
                for qid, refs in found.items()}

    def cite(self, ids, kind: str = "system"):
        """(linked cell text, "Rows in ..." text) for a list of cited systems or contracts."""
        if isinstance(ids, str):
            ids = [ids]
        ids = [str(i) for i in ids or () if i]
        if not ids:
            return None, None
        rows_of, sheet = ((self.system_rows, "Systems") if kind == "system"
                          else (self.contract_rows, "Contracts"))
        rows = [rows_of.get(i) for i in ids]
        first = next(((i, r) for i, r in zip(ids, rows) if r), None)
        text = ", ".join(ids)
        listed = ", ".join(str(r) for r in rows if r) or None
        if first is None:
            return text, None
        tip = f"Go to {first[0]} in {sheet}"
        if len(ids) > 1:
            tip += f" (the first of {len(ids)}; rows {listed})"
        return Link(text, f"'{sheet}'!A{first[1]}", tip[:255]), listed
