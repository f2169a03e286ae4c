"""The register: one Excel workbook that procurement teams open, filter and edit.

:func:`write_register` renders the records and the findings (``docs/findings.md``) into
one sheet per register and per finding list, in a fixed order (:func:`sheets`).  It
never recomputes an analysis: a finding list that is missing (an analysis that did not
run) gives a sheet with its headers and no rows.

How the workbook is built, and why
----------------------------------
* **Streaming.**  openpyxl's write-only mode writes rows as they come, so a national
  estate is written in bounded memory.  Write-only sheets put the sheet view (frozen
  header) and column widths before the rows, so both are set first; column widths are
  measured on the header and the first :data:`WIDTH_SAMPLE` rows, capped at
  :data:`MAX_WIDTH`.  Tables, data validation, conditional formatting and hyperlinks
  are written after the rows, when the sheet is closed.
* **Speed.**  openpyxl spends several microseconds on each cell it writes, and a
  national estate has millions of cells, so :class:`_Cells` gives it as little as it can:
  text and whole numbers go in as plain values, and each styled value (a date, money, a
  link, text kept as text) goes in one cell per column and style, reused row after row,
  so no cell object is made nor style looked up per value.  That saves up to a tenth of
  the time; the rest is openpyxl's own, per cell.  XlsxWriter was measured too and not
  taken: in its streaming mode (``constant_memory``) it cannot add tables, and it drops
  links past 65,530 a sheet (*Legacy risk* at 400 councils has over 100,000); in its
  default mode it holds every cell in memory, and even then it wrote the cells of 100
  councils, unstyled, less than a fifth faster than openpyxl writes them as plain
  values (``docs/register.md``, "Large estates").
* **Tables.**  Every sheet holds one Excel table (filter buttons, banded rows) named
  ``tbl<Sheet>``.  Write-only mode cannot read the header back, so the table columns are
  named here.  An empty list still gets a table over its header and one blank row,
  because Excel refuses a table without a data row.
* **Inert text.**  Every string is written as a string (``t="inlineStr"``), never as a
  formula: openpyxl would otherwise store text that starts with ``=`` as a formula.
  Text that a spreadsheet would run when re-entered (``= + - @``, tab, carriage return)
  also gets the quote prefix, so Excel and LibreOffice show and keep it as text.
  Characters XML cannot hold (control characters other than tab, newline and carriage
  return) are dropped; the rest of the text is kept.
* **Links.**  A finding that cites systems or contracts links its first citation to that
  row of *Systems* or *Contracts*; a "Rows in ..." column lists every cited row.  A
  sheet holds at most :data:`MAX_LINKS` links, Excel's limit per worksheet: at national
  scale (*Legacy risk* of 400 councils has over 100,000 rows) the later rows keep their
  text and their "Rows in ..." column, without the link.
* **Determinism.**  The same inputs and ``as_of`` give the same cell values; the
  workbook's ``created`` property is ``as_of`` (the file itself still holds a save
  time, so compare cells, not bytes).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.filters import AutoFilter

from estate import __version__
from estate.model.records import AUTHORITY_TYPES, CRITICALITY, DELIVERY, HOSTING, ROUTES, STATUS
from estate.output import atomic_path

#: column widths are measured on this many rows (and the header)
WIDTH_SAMPLE = 1000
MIN_WIDTH, MAX_WIDTH = 6, 60

#: hyperlinks a sheet holds at most: Excel's limit per worksheet (XlsxWriter's figure,
#: the lower of those published); later rows keep their text and "Rows in ..." column
MAX_LINKS = 65_530

MONEY = '"£"#,##0'
DATE = "yyyy-mm-dd"
SHARE = "0.0%"
DECIMAL = "0.00"
TABLE_STYLE = "TableStyleMedium2"

#: text a spreadsheet may run as a formula or DDE command when the cell is re-entered
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: what XML 1.0 cannot hold: control characters (tab, newline, CR are fine), surrogates
#: and the two non-characters U+FFFE, U+FFFF
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_CELL_TEXT = 32767

LINK_FONT = Font(color="0563C1", underline="single")
BOLD = Font(bold=True)
RED = dict(fill=PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid"),
           font=Font(color="9C0006"))
AMBER = dict(fill=PatternFill(start_color="FFEB9C", end_color="FFEB9C", fill_type="solid"),
             font=Font(color="9C5700"))
GREEN = dict(fill=PatternFill(start_color="C6EFCE", end_color="C6EFCE", fill_type="solid"),
             font=Font(color="006100"))
YES_NO = ("yes", "no")


# --------------------------------------------------------------------------------------
# cells
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    """One column of a sheet: its header, how its values are written, its validation."""

    header: str
    kind: str = "text"     # text | int | money | date | share | decimal
    choices: tuple = ()    # drop-down list
    check: Optional[str] = None   # "year" | "whole" | "months" | "money" | "date"


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


def clean_text(value) -> str:
    """``value`` as text XML can hold: illegal characters dropped, length capped."""
    text = value if isinstance(value, str) else str(value)
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub("", text)
    return text[:MAX_CELL_TEXT]


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would run ``text`` as a formula or DDE command."""
    return text.startswith(FORMULA_START)


def _text_cell(ws, text: str, font=None):
    """A cell that holds ``text`` as a string, whatever it looks like."""
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"            # never "f" (formula) or "e" (error value)
    if is_formula_like(text):
        cell.quotePrefix = True     # and keep it text when the reader edits the cell
    if font is not None:
        cell.font = font
    return cell


def _as_date(value) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _as_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


#: number formats of the kinds of column written as formatted numbers
NUMBER_FORMATS = {"money": MONEY, "share": SHARE, "decimal": DECIMAL}
#: first characters that make text need a string cell: a formula, or an error value (#N/A)
_RISKY_START = frozenset("=+-@\t\r#")


class _Cells:
    """Turns the rows of one sheet into what its write-only worksheet appends.

    openpyxl writes a plain value (text, a number) more cheaply than a cell, so text that
    a spreadsheet reads as text and whole numbers are appended as they are.  A value that
    needs a style (a date, money, a share, a link, text kept as text) goes in a cell, and
    there is one such cell per column and style, reused row after row: a write-only sheet
    writes each row as it is appended, so the cell is free again for the next row, and
    the style is set (and looked up) once rather than once per cell.
    """

    def __init__(self, ws, columns):
        self.ws = ws
        self.kinds = [c.kind for c in columns]
        self._styled: dict = {}
        self.links = 0             # hyperlinks written in this sheet

    def row(self, values) -> list:
        """``values`` (one per column) as a row to append."""
        out = []
        append = out.append
        illegal = ILLEGAL_XML.search
        for col, (value, kind) in enumerate(zip(values, self.kinds)):
            cls = value.__class__
            if value is None:
                append(None)
            elif cls is str and kind == "text" and value and value[0] not in _RISKY_START \
                    and len(value) <= MAX_CELL_TEXT and not illegal(value):
                append(value)                       # the common case, kept short
            elif cls is int and kind == "int":
                append(value)
            else:
                append(self.value(col, value, kind))
        return out

    def value(self, col: int, value, kind: str, link: Optional[Link] = None):
        """What to append for ``value`` in column ``col`` of ``kind``: a value, a cell or None."""
        if isinstance(value, Typed):
            return self.value(col, value.value, value.kind, link)
        if isinstance(value, Link):
            return self.value(col, value.value, kind, value if value.location else None)
        if value is None or value == "" or value == []:
            return None
        if isinstance(value, (list, tuple, set, frozenset)):
            value = ", ".join(str(v) for v in value)
        if link is not None and self.links >= MAX_LINKS:
            link = None            # past Excel's limit: the text stays, without the link
        number_format = None       # None: text; "": a number without a format
        if kind == "date":
            day = _as_date(value)
            if day is not None:
                value, number_format = day, DATE
        elif kind in NUMBER_FORMATS:
            number = _as_number(value)
            if number is not None:
                value, number_format = number, NUMBER_FORMATS[kind]
        elif kind == "int":
            number = _as_number(value)
            if number is not None:
                value, number_format = number, ""
        if number_format is None:
            if isinstance(value, bool):
                value = "yes" if value else "no"
            value = clean_text(value)
            if not value:
                return None
            quote = is_formula_like(value)
            if link is None and not quote:
                if value[0] != "#":
                    return value
                cell = WriteOnlyCell(self.ws, value=value)    # an error value such as #N/A
                cell.data_type = "s"                         # ... kept as text
                return cell
            cell = self._cell(col, None, link is not None, quote)
            cell.value = value
            cell.data_type = "s"        # never "f" (formula) or "e" (error value)
        else:
            if link is None and not number_format:
                return value
            cell = self._cell(col, number_format or None, link is not None, False)
            cell.value = value
        if link is not None:
            cell.hyperlink = Hyperlink(ref="", location=link.location, tooltip=link.tooltip)
            self.links += 1
        return cell

    def _cell(self, col: int, number_format: Optional[str], link: bool, quote: bool):
        key = (col, number_format, link, quote)
        cell = self._styled.get(key)
        if cell is None:
            cell = self._styled[key] = WriteOnlyCell(self.ws)
            if number_format:
                cell.number_format = number_format
            if link:
                cell.font = LINK_FONT
            if quote:
                cell.quotePrefix = True     # and keep it text when the reader edits the cell
        return cell


def _width(value, kind: str) -> int:
    if isinstance(value, Typed):
        value, kind = value.value, value.kind
    if isinstance(value, Link):
        value = value.value
    if value is None:
        return 0
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    if kind == "date":
        return 10
    if kind == "share":
        return 7
    if kind == "money" and _as_number(value) is not None:
        return len(f"£{value:,.0f}")
    if kind == "decimal" and _as_number(value) is not None:
        return len(f"{value:.2f}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


# --------------------------------------------------------------------------------------
# sheets
# --------------------------------------------------------------------------------------

@dataclass
class Sheet:
    """A sheet to write: one table of ``columns`` filled with ``rows``."""

    title: str
    columns: list
    rows: Callable[[], Iterable[list]]
    formats: Optional[Callable] = None    # (ws, column letters by header, last row) -> None
    after: Optional[Callable] = None      # (ws) -> rows written below the table (Summary)

    @property
    def table_name(self) -> str:
        return "tbl" + re.sub(r"\W", "", self.title.title())


def _letters(columns) -> dict:
    return {c.header: get_column_letter(i) for i, c in enumerate(columns, 1)}


def _write_sheet(wb, sheet: Sheet) -> int:
    """Write one sheet; return the number of data rows."""
    ws = wb.create_sheet(sheet.title)
    columns = sheet.columns
    rows = iter(sheet.rows())
    sample = list(islice(rows, WIDTH_SAMPLE))
    for i, col in enumerate(columns, 1):
        width = max([len(col.header) + 3] + [_width(r[i - 1], col.kind) for r in sample])
        ws.column_dimensions[get_column_letter(i)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.append([_text_cell(ws, c.header) for c in columns])
    cells = _Cells(ws, columns)
    count = 0
    for row in chain(sample, rows):
        ws.append(cells.row(row))
        count += 1
    last_row = max(count, 1) + 1
    last_col = get_column_letter(len(columns))
    ref = f"A1:{last_col}{last_row}"
    table = Table(displayName=sheet.table_name, ref=ref,
                  tableStyleInfo=TableStyleInfo(name=TABLE_STYLE, showRowStripes=True),
                  autoFilter=AutoFilter(ref=ref))
    table.tableColumns = [TableColumn(id=i, name=c.header) for i, c in enumerate(columns, 1)]
    with warnings.catch_warnings():
        # write-only sheets warn that columns must be named by hand: they are, above
        warnings.filterwarnings("ignore", message="In write-only mode")
        ws.add_table(table)
    letters = _letters(columns)
    for col in columns:
        dv = _validation(col)
        if dv is not None:
            dv.add(f"{letters[col.header]}2:{letters[col.header]}{last_row}")
            ws.data_validations.append(dv)
    if sheet.formats:
        sheet.formats(ws, letters, last_row)
    if sheet.after:
        ws.append([])
        for line in sheet.after(ws):
            ws.append(line)
    return count


def _validation(col: Col) -> Optional[DataValidation]:
    if col.choices:
        dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"',
                            allow_blank=True)
        dv.error = f"Choose one of: {', '.join(col.choices)}"
    elif col.check == "year":
        dv = DataValidation(type="whole", operator="between", formula1="1950", formula2="2100",
                            allow_blank=True)
        dv.error = "Enter a year from 1950 to 2100, such as 2009"
    elif col.check == "whole":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True)
        dv.error = "Enter a whole number, 0 or more"
    elif col.check == "months":
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2="120",
                            allow_blank=True)
        dv.error = "Enter a whole number of months from 0 to 120"
    elif col.check == "money":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True)
        dv.error = "Enter an amount in pounds, 0 or more, without the £ sign"
    elif col.check == "date":
        dv = DataValidation(type="date", operator="between",
                            formula1=str(int(to_excel(dt.date(1900, 1, 1)))),
                            formula2=str(int(to_excel(dt.date(2199, 12, 31)))), allow_blank=True)
        dv.error = "Enter a date as YYYY-MM-DD"
    else:
        return None
    dv.showErrorMessage = True
    dv.errorTitle = col.header[:32]        # Excel's limits: 32 characters, message 255
    dv.error = dv.error[:255]
    return dv


def _rag(ws, ref: str, red: str, amber: str, green: str) -> None:
    for value, style in ((red, RED), (amber, AMBER), (green, GREEN)):
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{value}"'],
                                                      **style))


def _score_scale(ws, ref: str, high: float = 100) -> None:
    ws.conditional_formatting.add(ref, ColorScaleRule(
        start_type="num", start_value=0, start_color="63BE7B",
        mid_type="num", mid_value=high / 2, mid_color="FFEB84",
        end_type="num", end_value=high, end_color="F8696B"))


# --------------------------------------------------------------------------------------
# rendering context: lookups over the records, the row of each system and contract
# --------------------------------------------------------------------------------------

def _yes_no(value) -> Optional[str]:
    return None if value is None else ("yes" if value else "no")


def _joined(values) -> Optional[str]:
    values = [str(v) for v in values or () if v is not None and v != ""]
    return ", ".join(values) or None


def _reasons(item) -> Optional[str]:
    """The reasons of a finding as one cell: sentences joined by "; " (or " " after a stop)."""
    reasons = item.get("reasons") if isinstance(item, dict) else None
    if isinstance(reasons, str):
        return reasons
    text = ""
    for reason in reasons or ():
        reason = str(reason).strip()
        if reason:
            text += (" " if text.endswith((".", "!", "?")) else "; ") * bool(text) + reason
    return text or None


def _counts(value) -> Optional[str]:
    """``{"hosting": 2, "api": 5}`` -> "hosting 2, api 5" (lists are joined)."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or None
    if isinstance(value, (list, tuple)):
        return _joined(value)
    return value


def _list(findings: dict, key: str) -> list:
    value = findings.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class Context:
    """Everything the sheets share: the estate, the findings, where each row lands."""

    def __init__(self, estate, findings: dict, settings):
        self.estate = estate
        self.findings = findings if isinstance(findings, dict) else {}
        self.settings = settings
        self.catalogue = estate.catalogue
        self.system_rows = {s.qid: row for row, s in enumerate(estate.systems(), 2)}
        self.contract_rows = {c.qid: row for row, c in enumerate(estate.contracts(), 2)}

    @property
    def as_of(self) -> dt.date:
        as_of = getattr(self.settings, "as_of", None)
        if as_of is None:
            as_of = _as_date((self.findings.get("summary") or {}).get("as_of")) or dt.date.today()
        return as_of

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


# --------------------------------------------------------------------------------------
# the sheets, in order
# --------------------------------------------------------------------------------------

SYSTEM_COLUMNS = [
    Col("Authority"), Col("System id"), Col("Name"), Col("Product"), Col("Vendor"),
    Col("Catalogue product"), Col("Catalogue vendor"), Col("Version"),
    Col("Hosting", choices=HOSTING), Col("Status", choices=STATUS),
    Col("Introduced", "int", check="year"), Col("End of support", "date", check="date"),
    Col("Supports"), Col("Depends on"), Col("Personal data", choices=YES_NO),
    Col("API", choices=YES_NO), Col("Export formats"), Col("Open standards"),
    Col("Annual cost", "money", check="money"), Col("Users", "int", check="whole"),
    Col("Criticality", choices=CRITICALITY), Col("Owner"),
    Col("Legacy risk score", "int"), Col("Legacy risk rating"), Col("Disposition"), Col("Source"),
]

CONTRACT_COLUMNS = [
    Col("Authority"), Col("Contract id"), Col("Supplier"), Col("Catalogue vendor"), Col("Covers"),
    Col("Start", "date", check="date"), Col("End", "date", check="date"),
    Col("Extension until", "date", check="date"), Col("Notice months", "int", check="months"),
    Col("Annual value", "money", check="money"), Col("Total value", "money", check="money"),
    Col("Route", choices=ROUTES), Col("Framework"), Col("SME", choices=YES_NO),
    Col("Procurement started", "date", check="date"), Col("Source"),
]

#: per-council indicators: (header, key in findings["authorities"][], kind)
INDICATORS = [
    ("Live systems", "live_systems", "int"),
    ("Lines of business", "lines_of_business", "int"),
    ("Lines supported", "lines_supported", "int"),
    ("Line support", "line_support_share", "share"),
    ("Lines without a system", "lines_unsupported", "text"),
    ("Past end of support", "past_support_count", "int"),
    ("Systems past end of support", "past_support_systems", "link"),
    ("SaaS or cloud", "saas_cloud_share", "share"),
    ("With an API", "api_share", "share"),
    ("Open standards", "open_standards_share", "share"),
    ("Personal data systems", "personal_data_systems", "int"),
    ("Contract spend", "contract_spend", "money"),
    ("SME share of spend", "sme_spend_share", "share"),
    ("Routes", "routes", "text"),
    ("Median sales cycle (days)", "median_sales_cycle_days", "int"),
    ("Sales cycles measured", "sales_cycles_measured", "int"),
    ("Not judged", "not_judged", "text"),
    ("Reasons", "reasons", "text"),
]

AUTHORITY_COLUMNS = [
    Col("Id"), Col("Name"), Col("Type", choices=AUTHORITY_TYPES), Col("Region"), Col("GSS code"),
    Col("Partnerships"), Col("Systems", "int"), Col("Annual cost", "money"),
] + [Col(h, "text" if k == "link" else k) for h, _, k in INDICATORS]


def _authorities(ctx: Context) -> Iterator[list]:
    found = {a.get("id"): a for a in _list(ctx.findings, "authorities")}
    for a in ctx.estate.authorities.values():
        f = found.get(a.id, {})
        row = [a.id, a.name, a.type, a.region, a.gss_code, _joined(a.partnerships),
               f.get("systems", len(a.systems)), f.get("annual_cost")]
        for _, key, kind in INDICATORS:
            value = f.get(key)
            if key == "reasons":
                value = _reasons(f)
            elif kind == "link":
                value = ctx.cite(value)[0]
            elif kind == "text":
                value = _counts(value)
            row.append(value)
        yield row


def _depends(system) -> Optional[str]:
    parts = [f"{d.target} ({d.via})" if d.via else d.target for d in system.depends_on]
    return "; ".join(parts) or None


def _systems(ctx: Context) -> Iterator[list]:
    risks = {r.get("system"): r for r in _list(ctx.findings, "legacy_risks")}
    for s in ctx.estate.systems():
        risk = risks.get(s.qid, {})
        if s.bespoke:
            cat_product, cat_vendor = "bespoke", None
        else:
            cat_product = ctx.catalogue.products[s.product_id].name \
                if s.product_id in ctx.catalogue.products else None
            cat_vendor = ctx.catalogue.vendors[s.vendor_id].name \
                if s.vendor_id in ctx.catalogue.vendors else None
        yield [s.authority, s.id, s.name, s.product, s.vendor, cat_product, cat_vendor,
               s.version, s.hosting, s.status, s.introduced, s.end_of_support,
               _joined(s.supports), _depends(s), _yes_no(s.data.personal_data),
               _yes_no(s.data.api), _joined(s.data.export_formats),
               _joined(s.data.open_standards), s.annual_cost, s.users, s.criticality, s.owner,
               risk.get("score"), risk.get("rating"), risk.get("disposition"),
               s.src.file if s.src else None]


def _systems_formats(ctx: Context):
    def formats(ws, col, last):
        _rag(ws, f"{col['Legacy risk rating']}2:{col['Legacy risk rating']}{last}",
             "red", "amber", "green")
        _score_scale(ws, f"{col['Legacy risk score']}2:{col['Legacy risk score']}{last}")
        eos = col["End of support"]
        ws.conditional_formatting.add(f"{eos}2:{eos}{last}", CellIsRule(
            operator="lessThan", formula=[str(int(to_excel(ctx.as_of)))], **RED))
    return formats


def _contracts(ctx: Context) -> Iterator[list]:
    for c in ctx.estate.contracts():
        vendor = ctx.catalogue.vendors.get(c.vendor_id) if c.vendor_id else None
        yield [c.authority, c.id, c.supplier, vendor.name if vendor else None, _joined(c.covers),
               c.start, c.end, c.extension_until, c.notice_months, c.annual_value,
               c.total_value, c.route, c.framework, _yes_no(c.sme), c.procurement_started,
               c.src.file if c.src else None]


def _authority_headers(ctx: Context) -> list:
    """Matrix column headers: council names, unique (case-insensitively) as tables need."""
    names, seen = [], {"function", "line id", "line of business", "councils"}
    for a in ctx.estate.authorities.values():
        name = " ".join(clean_text(a.name or "").split())[:200] or a.id
        if name.casefold() in seen:
            name = f"{name} ({a.id})"[:255]
        seen.add(name.casefold())
        names.append(name)
    return names


def _matrix_columns(ctx: Context) -> list:
    return [Col("Function"), Col("Line id"), Col("Line of business"), Col("Councils", "int")] + \
        [Col(name) for name in _authority_headers(ctx)]


def _matrix(ctx: Context) -> Iterator[list]:
    """Taxonomy lines (grouped by function) x councils: the products of live systems."""
    taxonomy = ctx.catalogue.lines_of_business
    authorities = list(ctx.estate.authorities.values())
    cells: dict = {}          # (line, authority index) -> set of product labels
    local: dict = {}          # local line id -> name
    for i, a in enumerate(authorities):
        for s in a.systems.values():
            if s.status != "live":
                continue
            if s.product_id in ctx.catalogue.products:
                label = ctx.catalogue.products[s.product_id].name
            elif s.bespoke:
                label = f"{s.name} (bespoke)"
            else:
                label = s.product or s.name
            for line_id in s.supports:
                key = a.taxonomy_of(line_id) or (line_id if line_id in taxonomy else None)
                if key is None:
                    key = f"local:{line_id}"
                    local.setdefault(line_id, ctx.estate.line_name(line_id))
                cells.setdefault((key, i), set()).add(label)
        for line in a.lines.values():
            if not line.implicit and not line.taxonomy_id and line.id not in taxonomy:
                local.setdefault(line.id, line.name or ctx.estate.line_name(line.id))

    # the lines each council lists itself, by the taxonomy id they stand for
    listed = [{line.taxonomy_id: line for line in a.lines.values()
               if line.taxonomy_id and not line.implicit} for a in authorities]

    def status(i, key, line_id):
        a = authorities[i]
        if key.startswith("local:"):
            line = a.lines.get(line_id)
        else:
            line = listed[i].get(key)
        if line is None or line.implicit:
            return None
        if line.delivery in (None, "in-house"):
            return "(no live system)"
        return f"({line.delivery.replace('-', ' ')})"     # outsourced, shared service...

    def row(function, key, line_id, name):
        values = []
        for i in range(len(authorities)):
            labels = cells.get((key, i))
            values.append("; ".join(sorted(labels)) if labels else status(i, key, line_id))
        councils = sum(1 for i in range(len(authorities)) if (key, i) in cells)
        return [function, line_id, name, councils] + values

    by_function: dict = {}
    for line in taxonomy.values():
        by_function.setdefault(line.function or "Other", []).append(line)
    for function, lines in by_function.items():
        for line in lines:
            yield row(function, line.id, line.id, line.name)
    for line_id in sorted(local):
        yield row("Not in the taxonomy", f"local:{line_id}", line_id, local[line_id])


AUTHORITY_LINE_COLUMNS = [
    Col("Authority"), Col("Line id"), Col("Name"), Col("Maps to"),
    Col("Statutory", choices=YES_NO), Col("Delivery", choices=DELIVERY),
]


def _authority_lines(ctx: Context) -> Iterator[list]:
    for a in ctx.estate.authorities.values():
        for line in a.lines.values():
            if line.implicit:
                continue      # not written in the inventory: a system supports it
            yield [a.id, line.id, line.name, line.maps_to, _yes_no(line.statutory), line.delivery]


DUPLICATE_COLUMNS = [
    Col("Authority"), Col("Line of business"), Col("Line id"), Col("Systems"),
    Col("Rows in Systems"), Col("Products"), Col("Retiring"), Col("Planned"),
    Col("Annual cost", "money"), Col("Reasons"),
]


def _duplicates(ctx: Context) -> Iterator[list]:
    for d in _list(ctx.findings, "duplicates"):
        systems, rows = ctx.cite(d.get("systems"))
        line = d.get("line_of_business")
        yield [d.get("authority"), d.get("line_name") or ctx.line_name(line), line, systems, rows,
               _joined(d.get("products")), _joined(d.get("retiring")), _joined(d.get("planned")),
               d.get("annual_cost"), _reasons(d)]


SHARED_COLUMNS = [
    Col("Product"), Col("Vendor"), Col("Councils", "int"), Col("Authorities"), Col("Systems"),
    Col("Rows in Systems"), Col("Spellings"), Col("Annual cost", "money"), Col("Reasons"),
]


def _shared(ctx: Context) -> Iterator[list]:
    for p in _list(ctx.findings, "shared_products"):
        systems, rows = ctx.cite(p.get("systems"))
        authorities = p.get("authorities") or []
        yield [p.get("product_name") or ctx.product_name(p.get("product")),
               p.get("vendor_name") or ctx.vendor_name(p.get("vendor")), len(authorities),
               _joined(authorities), systems, rows, _joined(p.get("spellings")),
               p.get("annual_cost"), _reasons(p)]


CONSOLIDATION_COLUMNS = [
    Col("Line of business"), Col("Line id"), Col("Group"), Col("Group kind"),
    Col("Councils", "int"), Col("Authorities"), Col("Systems"), Col("Rows in Systems"),
    Col("Products"), Col("Recommended product"), Col("Annual cost", "money"),
    Col("Estimated annual saving", "money"), Col("Saving model"), Col("Contracts"),
    Col("Earliest exit", "date"), Col("Blast radius"), Col("Reasons"),
]


def _product_summary(products) -> Optional[str]:
    parts = []
    for p in products or ():
        if isinstance(p, dict):
            name = p.get("name") or p.get("product")
            who = _joined(p.get("authorities"))
            parts.append(f"{name} ({who})" if who else str(name))
        else:
            parts.append(str(p))
    return "; ".join(parts) or None


def _consolidation(ctx: Context) -> Iterator[list]:
    for c in _list(ctx.findings, "consolidation_candidates"):
        group = c.get("group") if isinstance(c.get("group"), dict) else {}
        systems, rows = ctx.cite(c.get("systems"))
        contracts, _ = ctx.cite(c.get("contracts"), "contract")
        authorities = c.get("authorities") or []
        line = c.get("line_of_business")
        yield [c.get("line_name") or ctx.line_name(line), line,
               group.get("name") or group.get("id"), group.get("kind"), len(authorities),
               _joined(authorities), systems, rows, _product_summary(c.get("products")),
               c.get("recommended_product_name") or ctx.product_name(c.get("recommended_product")),
               c.get("annual_cost"), c.get("estimated_annual_saving"), c.get("saving_model"),
               contracts, c.get("earliest_exit"), _joined(c.get("blast_radius")), _reasons(c)]


WINDOW_COLUMNS = [
    Col("Start", "date"), Col("End", "date"), Col("Must start by", "date"),
    Col("Line of business"), Col("Line id"), Col("Product"), Col("Contracts"),
    Col("Rows in Contracts"), Col("Authorities"), Col("Suppliers"),
    Col("Combined annual value", "money"), Col("Reasons"),
]


def _windows(ctx: Context) -> Iterator[list]:
    for w in _list(ctx.findings, "procurement_windows"):
        contracts, rows = ctx.cite(w.get("contracts"), "contract")
        line = w.get("line_of_business")
        yield [w.get("start"), w.get("end"), w.get("must_start_by"),
               w.get("line_name") or ctx.line_name(line), line,
               w.get("product_name") or ctx.product_name(w.get("product")),
               contracts, rows, _joined(w.get("authorities")),
               _joined(ctx.vendor_name(v) for v in w.get("suppliers") or ()),
               w.get("combined_annual_value"), _reasons(w)]


CONCENTRATION_COLUMNS = [
    Col("Line of business"), Col("Line id"), Col("Basis"), Col("HHI", "int"),
    Col("Leading vendor"), Col("Leading share", "share"), Col("Vendors"), Col("Councils", "int"),
    Col("Reasons"),
]


def _concentration(ctx: Context) -> Iterator[list]:
    for c in _list(ctx.findings, "supplier_concentration"):
        vendors = []
        for v in c.get("vendors") or ():
            if isinstance(v, dict):
                name = v.get("name") or ctx.vendor_name(v.get("vendor"))
                share = _as_number(v.get("share"))
                vendors.append(f"{name} {share:.0%}" if share is not None else str(name))
        line = c.get("line_of_business")
        councils = c.get("authorities")
        yield [c.get("line_name") or ctx.line_name(line), line, c.get("basis"), c.get("hhi"),
               c.get("leading_vendor_name") or ctx.vendor_name(c.get("leading_vendor")),
               c.get("leading_share"), ", ".join(vendors) or None,
               len(councils) if isinstance(councils, list) else councils, _reasons(c)]


def _concentration_formats(ws, col, last):
    _score_scale(ws, f"{col['HHI']}2:{col['HHI']}{last}", high=10000)


RISK_COLUMNS = [
    Col("System"), Col("Name"), Col("Authority"), Col("Product"), Col("Score", "int"),
    Col("Rating"), Col("Disposition"), Col("Likelihood", "decimal"), Col("Impact", "decimal"),
    Col("Business value", "decimal"), Col("Technical health", "decimal"), Col("Not judged"),
    Col("Reasons"),
]


def _risks(ctx: Context) -> Iterator[list]:
    for r in _list(ctx.findings, "legacy_risks"):
        system, _ = ctx.cite(r.get("system"))
        yield [system, r.get("name") or ctx.system_name(r.get("system")), r.get("authority"),
               ctx.product_name(r.get("product")), r.get("score"), r.get("rating"),
               r.get("disposition"), r.get("likelihood"), r.get("impact"),
               r.get("business_value"), r.get("technical_health"),
               _counts(r.get("not_judged")), _reasons(r)]


def _risk_formats(ws, col, last):
    _rag(ws, f"{col['Rating']}2:{col['Rating']}{last}", "red", "amber", "green")
    _score_scale(ws, f"{col['Score']}2:{col['Score']}{last}")


DEPENDENCY_COLUMNS = [
    Col("Kind"), Col("System"), Col("Name"), Col("Related systems"), Col("Dependents", "int"),
    Col("Direct dependents", "int"), Col("Via"), Col("File"), Col("Line", "int"), Col("Reasons"),
]


def _dependencies(ctx: Context) -> Iterator[list]:
    deps = ctx.findings.get("dependencies")
    deps = deps if isinstance(deps, dict) else {}

    def items(key):
        return [v for v in deps.get(key) or () if isinstance(v, dict)]

    for h in items("hubs"):
        yield ["hub", ctx.cite(h.get("system"))[0],
               h.get("name") or ctx.system_name(h.get("system")),
               _joined(h.get("dependent_systems")), h.get("dependents"), h.get("direct_dependents"),
               None, None, None, _reasons(h)]
    for c in items("cycles"):
        systems = c.get("systems") or []
        first = systems[0] if systems else None
        yield ["cycle", ctx.cite(first)[0], ctx.system_name(first), _joined(systems),
               None, None, None, None, None, _reasons(c)]
    for x in items("cross_council"):
        yield ["cross-council", ctx.cite(x.get("from"))[0], ctx.system_name(x.get("from")),
               x.get("to"), None, None, _joined(x.get("via")), None, None, _reasons(x)]
    for s in items("single_points_of_failure"):
        yield ["single point of failure", ctx.cite(s.get("system"))[0],
               s.get("name") or ctx.system_name(s.get("system")),
               _joined(s.get("dependent_systems")), s.get("dependents"),
               s.get("direct_dependents"), None, None, None, _reasons(s)]
    for u in items("unresolved"):
        yield ["unresolved", ctx.cite(u.get("system"))[0], ctx.system_name(u.get("system")),
               u.get("target"), None, None, None, u.get("file"), u.get("line"), _reasons(u)]


QUALITY_COLUMNS = [
    Col("Severity"), Col("Code"), Col("Problem"), Col("File"), Col("Line", "int"),
    Col("Column", "int"), Col("Message"), Col("Hint"),
]


def _quality(ctx: Context) -> Iterator[list]:
    for q in _list(ctx.findings, "data_quality"):
        yield [q.get("severity"), q.get("code"), q.get("name"), q.get("file"),
               q.get("line") or None, q.get("column") or None, q.get("message"), q.get("hint")]


def _quality_formats(ws, col, last):
    _rag(ws, f"{col['Severity']}2:{col['Severity']}{last}", "error", "warning", "info")


SUMMARY_COLUMNS = [Col("Measure"), Col("Value", "int"), Col("Note")]

#: (sheet title, findings key, what one row is) for the Summary's list of findings
FINDING_SHEETS = [
    ("Duplicates", "duplicates",
     "each row: a council running two or more live systems for one line of business"),
    ("Shared products", "shared_products", "each row: a product in use at two or more councils"),
    ("Consolidation candidates", "consolidation_candidates",
     "each row: a group of councils that could converge one line of business"),
    ("Procurement windows", "procurement_windows",
     "each row: contracts that end close enough together to be bought jointly"),
    ("Supplier concentration", "supplier_concentration",
     "each row: how concentrated the suppliers of one line of business are"),
    ("Legacy risk", "legacy_risks", "each row: a system, scored 0-100"),
    ("Dependencies", "dependencies", "each row: a hub, cycle, cross-council link, single point "
     "of failure or unresolved reference"),
    ("Data quality", "data_quality",
     "each row: a problem in the inventories that did not stop the run"),
]

HOW_TO_READ = [
    "How to read this register",
    "Each sheet is an Excel table: use the filter buttons in its header row to filter and sort.",
    "Authorities, Systems, Contracts and Authority lines are the registers: what each council "
    "wrote in its inventory. Systems, Contracts and Authority lines can be edited and read back "
    "by estate; keep their column headers as they are. Drop-down lists and checks guard the "
    "columns that take a fixed set of values, dates, years and amounts.",
    "The other sheets are findings, most important first. Every finding says why in its Reasons "
    "column. A blue, underlined cell links to the first system or contract it cites; the "
    "'Rows in ...' column lists the rows of every one it cites.",
    "Lines of business shows, for each line of business (grouped by function) and each council, "
    "the products of its live systems; an entry in brackets means the council lists the line "
    "but runs no live system for it.",
    "Red, amber and green mark legacy risk ratings and scores, systems past their end of "
    "support, and the severity of data-quality problems.",
    "Money is in pounds; costs and values are a year unless the column says total. Shares are "
    "percentages of the records that could be judged. A blank cell means not known.",
    "Everything is as of the date above: run estate again with a later --as-of to move it.",
]


def _dependency_count(findings: dict) -> Optional[int]:
    deps = findings.get("dependencies")
    if not isinstance(deps, dict):
        return None
    return sum(len(v) for v in deps.values() if isinstance(v, list))


def _summary(ctx: Context) -> Iterator[list]:
    s = ctx.findings.get("summary")
    s = s if isinstance(s, dict) else {}
    yield ["As of", Typed(ctx.as_of, "date"), "the date the analysis treats as today"]
    yield ["Councils", s.get("authorities", len(ctx.estate.authorities)), None]
    yield ["Systems", s.get("systems"),
           f"{s['live_systems']} of them live" if "live_systems" in s else None]
    yield ["Contracts", s.get("contracts"), None]
    yield ["Lines of business", s.get("lines_of_business"),
           "taxonomy lines once, local lines once per council"]
    note = None
    if "costed_systems" in s:
        note = (f"systems in service (live or retiring): {s['costed_systems']} give a cost, "
                f"{s.get('uncosted_systems', 0)} do not")
    yield ["Annual cost of systems", Typed(s.get("annual_cost"), "money"), note]
    yield ["Annual value of contracts", Typed(s.get("annual_contract_value"), "money"), None]
    yield ["Vendors", s.get("vendors"), "resolved to the catalogue"]
    yield ["Products", s.get("products"), "resolved to the catalogue"]
    yield ["Inventory files", s.get("files"), None]
    for title, key, what in FINDING_SHEETS:
        if key == "dependencies":
            count = _dependency_count(ctx.findings)
        else:
            count = len(_list(ctx.findings, key)) if key in ctx.findings else None
        note = what
        if key not in ctx.findings:
            note += " (not analysed in this run)"
        yield [Link(title, f"'{title}'!A1", f"Go to {title}"), count, note]
    risks = _list(ctx.findings, "legacy_risks")
    if risks:
        yield ["Systems rated red for legacy risk",
               sum(1 for r in risks if r.get("rating") == "red"), None]
    yield ["Written by", f"estate {__version__}", None]


def _how_to_read(ws) -> Iterator[list]:
    for i, line in enumerate(HOW_TO_READ):
        cell = _text_cell(ws, line, BOLD if i == 0 else None)
        yield [cell]


# --------------------------------------------------------------------------------------
# the workbook
# --------------------------------------------------------------------------------------

def sheets(ctx: Context) -> list:
    """Every sheet of the register, in order."""
    return [
        Sheet("Summary", SUMMARY_COLUMNS, lambda: _summary(ctx), after=_how_to_read),
        Sheet("Authorities", AUTHORITY_COLUMNS, lambda: _authorities(ctx)),
        Sheet("Systems", SYSTEM_COLUMNS, lambda: _systems(ctx), _systems_formats(ctx)),
        Sheet("Contracts", CONTRACT_COLUMNS, lambda: _contracts(ctx)),
        Sheet("Lines of business", _matrix_columns(ctx), lambda: _matrix(ctx)),
        Sheet("Authority lines", AUTHORITY_LINE_COLUMNS, lambda: _authority_lines(ctx)),
        Sheet("Duplicates", DUPLICATE_COLUMNS, lambda: _duplicates(ctx)),
        Sheet("Shared products", SHARED_COLUMNS, lambda: _shared(ctx)),
        Sheet("Consolidation candidates", CONSOLIDATION_COLUMNS, lambda: _consolidation(ctx)),
        Sheet("Procurement windows", WINDOW_COLUMNS, lambda: _windows(ctx)),
        Sheet("Supplier concentration", CONCENTRATION_COLUMNS, lambda: _concentration(ctx),
              _concentration_formats),
        Sheet("Legacy risk", RISK_COLUMNS, lambda: _risks(ctx), _risk_formats),
        Sheet("Dependencies", DEPENDENCY_COLUMNS, lambda: _dependencies(ctx)),
        Sheet("Data quality", QUALITY_COLUMNS, lambda: _quality(ctx), _quality_formats),
    ]


def write_register(estate, findings, path: Path, settings) -> None:
    """Write the register of ``estate`` and its ``findings`` to ``path``, atomically."""
    ctx = Context(estate, findings, settings)
    wb = Workbook(write_only=True)
    created = dt.datetime.combine(ctx.as_of, dt.time())
    props = wb.properties
    props.title = "Estate register"
    props.subject = (f"IT estate of {len(estate.authorities)} council(s) as of "
                     f"{ctx.as_of.isoformat()}")
    props.creator = props.lastModifiedBy = f"estate {__version__}"
    props.created = created
    props.modified = created
    props.keywords = ("estate, register, local government, IT estate, systems, contracts, "
                      "procurement")
    props.description = ("Systems, contracts and lines of business of UK councils, and where they "
                         "could converge. Written by estate; see the Summary sheet.")
    props.category = "IT estate register"
    from estate.interchange.register_import import record_catalogue
    record_catalogue(wb, estate)           # so that 'estate import register' finds it again
    for sheet in sheets(ctx):
        _write_sheet(wb, sheet)
    with atomic_path(path, suffix=".xlsx") as tmp:
        wb.save(tmp)
