"""Reading rows from spreadsheets (xlsx) and CSV files, the same way for both.

A table is a header row and data rows.  Each row comes back as ``(row_number,
{header: value})`` where ``row_number`` is what Excel shows (the header is row 1 unless
the table starts lower), so messages and provenance comments point at the right row.
Cells keep their type (dates stay dates, numbers stay numbers); CSV cells are text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator, Optional

from estate.model.files import UnreadableFile, read_regular_bytes, read_workbook_bytes
from estate.errors import EstateError, UsageError


class SourceError(EstateError):
    """An input file could not be imported; ``problems`` lists every reason, located."""

    def __init__(self, problems: list[str], source: str = ""):
        shown = problems[:50]
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in {source}; nothing was written:\n  "
                         + "\n  ".join(shown) + more,
                         hint="fix the cells named above and import again")
        self.problems = problems


def header_key(text) -> str:
    return " ".join(str(text or "").replace("_", " ").split()).casefold()


class Table:
    """One sheet or CSV file: its header and rows."""

    def __init__(self, name: str, header: list, rows: list, first_row: int = 2):
        self.name = name
        self.header = [str(h).strip() if h is not None else "" for h in header]
        self.rows = rows
        self.first_row = first_row

    def records(self) -> Iterator[tuple[int, dict]]:
        for offset, row in enumerate(self.rows):
            values = list(row) + [None] * (len(self.header) - len(row))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield self.first_row + offset, {h: v for h, v in zip(self.header, values) if h}


def _excel_value(cell):
    value = cell.value
    if cell.data_type == "f" and isinstance(value, str):
        return value              # a formula: kept as its text, never evaluated
    return value


def read_xlsx(path, sheet: Optional[str] = None, header_row: int = 1) -> dict[str, Table]:
    """Every sheet of a workbook (or the one named), as tables."""
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(read_workbook_bytes(path)), data_only=False)
    except UnreadableFile:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise UsageError(f"cannot read {path} as an Excel workbook: {exc}",
                         hint="save it as .xlsx (Excel Workbook), or export the sheet as CSV")
    tables = {}
    names = wb.sheetnames
    if sheet is not None:
        found = [n for n in names if n.casefold() == sheet.casefold()]
        if not found:
            raise UsageError(f"{path} has no sheet named '{sheet}'",
                             hint=f"its sheets are: {', '.join(names)}")
        names = found
    for name in names:
        ws = wb[name]
        rows = [[_excel_value(c) for c in row] for row in ws.iter_rows(min_row=header_row)]
        if not rows:
            tables[name] = Table(name, [], [])
            continue
        tables[name] = Table(name, rows[0], rows[1:], first_row=header_row + 1)
    return tables


def read_csv(path, header_row: int = 1, encoding: Optional[str] = None) -> Table:
    """A CSV file as a table; UTF-8 (with or without BOM), else Windows-1252."""
    raw = read_regular_bytes(path)
    text = None
    for enc in ([encoding] if encoding else ["utf-8-sig", "cp1252"]):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise UsageError(f"cannot decode {path} as {encoding}", hint="save it as CSV UTF-8")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    rows = rows[header_row - 1:]
    if not rows:
        return Table(Path(path).name, [], [])
    return Table(Path(path).name, rows[0], rows[1:], first_row=header_row + 1)


def find_table(tables: dict, *names: str) -> Optional[Table]:
    for wanted in names:
        for name, table in tables.items():
            if name.casefold() == wanted.casefold():
                return table
    return None


def read_table(path, sheet: Optional[str] = None, header_row: int = 1) -> Table:
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        tables = read_xlsx(path, sheet, header_row)
        return next(iter(tables.values()))
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, header_row)
    raise UsageError(f"{path} is neither an .xlsx workbook nor a .csv file",
                     hint="save the sheet as .xlsx or CSV UTF-8")
