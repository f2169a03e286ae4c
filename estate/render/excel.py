"""The register: one Excel workbook that procurement teams open, filter, print and edit.

:func:`write_register` writes the sheets of :mod:`estate.render.register` (the records
and the findings, ``docs/findings.md``), in order, with :mod:`estate.render.xlsx`, a
streaming writer of our own (its docstring says why no library fits).  It never
recomputes an analysis: a finding list that is missing (an analysis that did not run)
gives a sheet with its headers and no rows.

How a sheet is written
----------------------
* **Streaming.**  Rows go to the file as they come, so a national estate is written in
  bounded memory.  Column widths come before the rows in the file, so they are measured
  on the header and the first :data:`WIDTH_SAMPLE` rows, capped at :data:`MAX_WIDTH`.
* **Values by column.**  Each column has a kind (text, int, money, date, share,
  decimal): dates (also ISO text) become real dates, numbers take the column's format,
  anything else is written as text.  Lists are joined by ", ", yes/no columns read yes
  or no.
* **Tables.**  Every sheet holds one Excel table (filter buttons, banded rows) named
  ``tbl<Sheet>``.  An empty list still gets a table over its header and one blank row,
  because Excel refuses a table without a data row.
* **Inert text.**  Text is made safe once, by the writer: never a formula, quote-
  prefixed when it looks like one, characters XML cannot hold dropped, cut at Excel's
  32,767 characters with a note.
* **Links.**  A finding that cites systems or contracts links its first citation to that
  row of *Systems* or *Contracts*; a "Rows in ..." column lists every cited row.  A
  sheet holds at most :data:`MAX_LINKS` links, Excel's limit per worksheet: at national
  scale (*Legacy risk* of 400 councils has over 100,000 rows) the later rows keep their
  text and their "Rows in ..." column, without the link.
* **Printing.**  Every sheet prints landscape, one page wide (the lines-of-business
  matrix: its first three columns on every page, ten councils a page), on A4, or A3 when
  its columns are wider than :data:`A4_WIDTH`; its header row on every page, the table
  (and, on Summary, the notes below it) as the print area.  Long text wraps at
  :data:`WRAP_WIDTH` characters (*Reasons* at 60) in rows tall enough to show it.
* **Determinism.**  The same inputs and ``as_of`` give the same file, byte for byte:
  the workbook's ``created`` property is ``as_of`` and the file holds no save time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from itertools import chain, islice
from pathlib import Path

from estate import __version__
from estate.interchange.register_import import CATALOGUE_PROPERTY
from estate.model.catalogue import catalogue_files
from estate.output import atomic_path
from estate.render.register import Context, Sheet, sheets
from estate.render.register.base import Col, Link, Typed, as_date, as_number
from estate.render.xlsx import Cell, Properties, Style, Workbook, column_letter, excel_date

#: column widths are measured on this many rows (and the header)
WIDTH_SAMPLE = 1000
MIN_WIDTH, MAX_WIDTH = 6, 60
#: text columns wider than this wrap their text at this width instead
WRAP_WIDTH = 24
#: a sheet whose columns are wider than this (in characters) prints on A3, not A4: one
#: page wide on A4 its text would be under about 7 points
A4_WIDTH, A3 = 200, 8

#: hyperlinks a sheet holds at most: Excel's limit per worksheet (XlsxWriter's figure,
#: the lower of those published); later rows keep their text and "Rows in ..." column
MAX_LINKS = 65_530

MONEY = '"£"#,##0'
DATE = "yyyy-mm-dd"
SHARE = "0.0%"
DECIMAL = "0.00"
TABLE_STYLE = "TableStyleMedium2"

#: the number format of each kind of column (int and text: General)
NUMBER_FORMATS = {"money": MONEY, "share": SHARE, "decimal": DECIMAL, "date": DATE}
STYLES = {kind: Style(number_format=fmt) for kind, fmt in NUMBER_FORMATS.items()}
LINK = Style(color="0563C1", underline=True)


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------

class _Cells:
    """Turns the rows of one sheet into what its streaming sheet appends."""

    def __init__(self, columns):
        self.kinds = [c.kind for c in columns]
        self.links = 0             # hyperlinks written in this sheet

    def row(self, values) -> list:
        """``values`` (one per column) as a row to append."""
        out = []
        append = out.append
        for value, kind in zip(values, self.kinds):
            cls = value.__class__
            if value is None or (cls is str and kind == "text") or (cls is int and kind == "int"):
                append(value)                       # the common cases, kept short
            else:
                append(self.value(value, kind))
        return out

    def value(self, value, kind: str):
        """What to append for ``value`` in a column of ``kind``."""
        if isinstance(value, Typed):
            value, kind = value.value, value.kind
            if value is None:
                return None
            converted = self.value(value, kind)
            style = STYLES.get(kind)
            return Cell(converted, style) if style and not isinstance(converted, str) \
                else converted
        if isinstance(value, Link):
            text = self.value(value.value, kind)
            if value.location is None or self.links >= MAX_LINKS or text is None:
                return text             # past Excel's limit: the text stays, without the link
            self.links += 1
            return Cell(text, LINK, value.location, value.tooltip)
        if value is None or value == "" or value == []:
            return None
        if isinstance(value, (list, tuple, set, frozenset)):
            value = ", ".join(str(v) for v in value)
        if kind == "date":
            day = as_date(value)
            if day is not None:
                return day
        elif kind in NUMBER_FORMATS or kind == "int":
            number = as_number(value)
            if number is not None:
                return number
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value if isinstance(value, str) else str(value)


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
    if kind == "money" and as_number(value) is not None:
        return len(f"£{value:,.0f}")
    if kind == "decimal" and as_number(value) is not None:
        return len(f"{value:.2f}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


# --------------------------------------------------------------------------------------
# sheets
# --------------------------------------------------------------------------------------

def _letters(columns) -> dict:
    return {c.header: column_letter(i) for i, c in enumerate(columns, 1)}


def _write_sheet(wb: Workbook, sheet: Sheet) -> int:
    """Write one sheet; return the number of data rows."""
    columns = sheet.columns
    rows = iter(sheet.rows())
    sample = list(islice(rows, WIDTH_SAMPLE))
    widths, wrap = [], []
    for i, col in enumerate(columns):
        width = max([len(col.header) + 3] + [_width(r[i], col.kind) for r in sample])
        at = WRAP_WIDTH if col.wrap is None else col.wrap
        if col.kind == "text" and at and width + 2 > at:
            wrap.append(i)          # long text wraps in a narrower column: it prints
            width = max(at, len(col.header) + 3) - 2
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, width + 2)))
    printing = sheet.print
    if sum(widths) > A4_WIDTH and printing.fit_width == 1:
        printing = replace(printing, paper=A3)   # wide: on A3 its text stays readable
    ws = wb.sheet(sheet.title, widths, [STYLES.get(c.kind) for c in columns], printing,
                  wrap=wrap)
    ws.append([c.header for c in columns])
    cells = _Cells(columns)
    count = 0
    for row in chain(sample, rows):
        ws.append(cells.row(row))
        count += 1
    last_row = max(count, 1) + 1
    ref = f"A1:{column_letter(len(columns))}{last_row}"
    ws.table(sheet.table_name, ref, [c.header for c in columns], TABLE_STYLE)
    letters = _letters(columns)
    for col in columns:
        _validate(ws, col, f"{letters[col.header]}2:{letters[col.header]}{last_row}")
    if sheet.formats:
        sheet.formats(ws, letters, last_row)
    if count == 0:
        ws.append([])           # the table's blank data row
    if sheet.after:
        ws.append([])
        for line in sheet.after():
            ws.append(line)
    ws.close()
    return count


def _serial(day: dt.date) -> str:
    return str(int(excel_date(day)))


#: (kind, operator, formula1, formula2, error) of each check a column can have
CHECKS = {
    "year": ("whole", "between", "1950", "2100", "Enter a year from 1950 to 2100, such as 2009"),
    "whole": ("whole", "greaterThanOrEqual", "0", None, "Enter a whole number, 0 or more"),
    "months": ("whole", "between", "0", "120", "Enter a whole number of months from 0 to 120"),
    "money": ("decimal", "greaterThanOrEqual", "0", None,
              "Enter an amount in pounds, 0 or more, without the £ sign"),
    "date": ("date", "between", _serial(dt.date(1900, 1, 1)), _serial(dt.date(2199, 12, 31)),
             "Enter a date as YYYY-MM-DD"),
}


def _validate(ws, col: Col, sqref: str) -> None:
    """The column's drop-down list or check (Excel's limits: title 32, message 255)."""
    if col.choices:
        ws.validation(sqref, "list", '"' + ",".join(col.choices) + '"',
                      error=f"Choose one of: {', '.join(col.choices)}", error_title=col.header)
    elif col.check in CHECKS:
        kind, operator, first, second, error = CHECKS[col.check]
        ws.validation(sqref, kind, first, second, operator, error, col.header)


# --------------------------------------------------------------------------------------
# the workbook
# --------------------------------------------------------------------------------------

def _properties(estate, as_of: dt.date) -> Properties:
    return Properties(
        title="Estate register",
        subject=f"IT estate of {len(estate.authorities)} council(s) as of {as_of.isoformat()}",
        creator=f"estate {__version__}",
        keywords="estate, register, local government, IT estate, systems, contracts, procurement",
        description="Systems, contracts and lines of business of UK councils, and where they "
                    "could converge. Written by estate; see the Summary sheet.",
        category="IT estate register",
        created=dt.datetime.combine(as_of, dt.time()),
        # the user's catalogue files, so that 'estate import register' finds them again
        custom=((CATALOGUE_PROPERTY, "\n".join(files)),) if (files := catalogue_files(estate)) else ())


def write_register(estate, findings, path: Path, settings) -> None:
    """Write the register of ``estate`` and its ``findings`` to ``path``, atomically;
    "today" is ``settings.as_of``."""
    ctx = Context(estate, findings, settings)
    with atomic_path(path, suffix=".xlsx") as tmp:
        with Workbook(tmp, _properties(estate, ctx.as_of)) as wb:
            for sheet in sheets(ctx):
                _write_sheet(wb, sheet)
