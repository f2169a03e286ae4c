"""A streaming SpreadsheetML (``.xlsx``) writer: only the parts the register needs.

Rows go straight into the zip file as they are appended, so a workbook of millions of
cells is written in bounded memory; what SpreadsheetML puts after the rows (tables,
hyperlinks, data validation, conditional formats, print settings) is kept until the
sheet is closed, and what the workbook shares (styles, names, properties) until the
workbook is.

Why this module exists, rather than a library
---------------------------------------------
The register of a national estate holds about seven million cells in Excel tables.
Measured on those cells: openpyxl's write-only mode took 50-64 CPU seconds; XlsxWriter's
``constant_memory`` mode cannot add tables (every register sheet is one) and took 50 s;
rustpy-xlsxwriter (7-9 s) writes neither tables nor document properties; excelize drops
links, validation and conditional formats when it streams; PyExcelerate and pyfastexcel
wrote files openpyxl cannot open.  Writing the parts directly takes a fraction of the
time with every feature the register uses.  openpyxl still reads registers back
(``estate import register``), and the tests read every feature written here with it
and open the file in LibreOffice.

What it writes: inline strings (no shared-string table to hold in memory), numbers,
dates, booleans; cell styles (number format, bold or coloured or underlined font, fill,
quote prefix, wrapped text); column widths, a frozen header, one table per sheet with
its autofilter, internal hyperlinks, data validation, conditional formats (cell value
rules and three-colour scales), print settings (orientation, paper, fit to pages, print
titles and area, header and footer) and document properties.

Text is made safe in one place, :func:`cell_text`: characters XML 1.0 cannot hold are
removed, text longer than Excel's 32,767 characters is cut with a note saying so, and
text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return) is written as a string with the quote prefix so it stays text when the cell is
edited.  No cell is ever written as a formula.  The file holds no save time: the same
rows and properties give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from dataclasses import dataclass, replace
from typing import Optional

#: the most characters a cell holds in Excel
MAX_CELL_TEXT = 32767
#: what replaces the end of text cut at that limit
CUT_NOTE = " ... (cut here: a cell holds at most 32,767 characters)"
#: what XML 1.0 cannot hold: control characters (tab, newline, CR are fine), surrogates
#: and the two non-characters U+FFFE, U+FFFF
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: text a spreadsheet may run as a formula or DDE command when the cell is re-entered
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_ESCAPE = re.compile("[&<>\r]")
_NEEDS_WORK = re.compile(ILLEGAL_XML.pattern[:-1] + "&<>\r]")     # either of the two
_ATTR_ESCAPE = re.compile('[&<>"\t\n\r]')
_ATTR = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;",
         "\r": "&#13;"}
_EPOCH = dt.datetime(1899, 12, 30)
#: zip entries carry this time, not the time of writing, so the bytes are reproducible
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ZIP_LEVEL = 1      # deflate level: 6 (the default) is a third slower for 5% smaller files

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def clean(text: str) -> str:
    """``text`` without the characters XML cannot hold, cut at Excel's limit with a note."""
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[:MAX_CELL_TEXT - len(CUT_NOTE)] + CUT_NOTE
    return text


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would run ``text`` as a formula or DDE command."""
    return text.startswith(FORMULA_START)


def cell_text(text: str) -> tuple:
    """(``text`` as XML element content, whether it needs the quote prefix): the one
    place text is made safe.  Empty text gives ("", False): no cell."""
    if len(text) <= MAX_CELL_TEXT and not _NEEDS_WORK.search(text):
        return text, text.startswith(FORMULA_START)        # the common case, one search
    text = clean(text)
    quote = text.startswith(FORMULA_START)
    if _NEEDS_ESCAPE.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
            .replace("\r", "&#13;")     # a raw CR would be read back as a line feed
    return text, quote


def attr(value) -> str:
    """``value`` as an XML attribute value (without the quotes)."""
    text = clean(str(value))
    return _ATTR_ESCAPE.sub(lambda m: _ATTR[m.group()], text)


def _esc(value) -> str:
    return cell_text(str(value))[0]


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_date(value) -> float:
    """A date or datetime as Excel's serial number: days since 1899-12-30, less one before
    March 1900 (Excel counts a 29 February 1900 that never was)."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        serial = delta.days + delta.seconds / 86400
    else:
        serial = (value - _EPOCH.date()).days
    return serial - 1 if serial < 61 else serial


#: the height of a wrapped line of the register's 11-point text, in points
LINE_POINTS = 16


def _lines(text: str, width: int) -> int:
    """About how many lines ``text`` takes wrapped at ``width`` characters.  Text wraps
    between words, so a line holds less than ``width`` characters: about half a word
    (four characters) less, or a long reason's last lines are cut off in print."""
    per_line = max(1, width - 4) if width > 8 else width
    return sum(-(-len(part) // per_line) or 1 for part in text.split("\n"))


def _number(value) -> Optional[str]:
    if value.__class__ is int:
        return str(value)
    if math.isfinite(value):
        return repr(float(value))
    return None             # NaN and infinity: Excel has no such numbers


# --------------------------------------------------------------------------------------
# styles
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Style:
    """How a cell looks: ``color`` and ``fill`` are RGB hex ("0563C1")."""

    number_format: str = "General"
    bold: bool = False
    color: Optional[str] = None
    underline: bool = False
    fill: Optional[str] = None
    quote_prefix: bool = False
    wrap: bool = False


@dataclass(frozen=True)
class Highlight:
    """What a conditional format does to a cell: font colour and fill (RGB hex)."""

    color: str
    fill: str


class _Styles:
    """The workbook's style table, built as styles are asked for."""

    def __init__(self):
        self.xfs: dict = {}
        self.formats: dict = {}
        self.fonts: dict = {(False, None, False): 0}
        self.fills: dict = {}
        self.dxfs: dict = {}
        self.index(Style())

    def index(self, style: Style) -> int:
        found = self.xfs.get(style)
        if found is None:
            found = self.xfs[style] = len(self.xfs)
            if style.number_format != "General":
                self.formats.setdefault(style.number_format, 164 + len(self.formats))
            self.fonts.setdefault((style.bold, style.color, style.underline), len(self.fonts))
            if style.fill:
                self.fills.setdefault(style.fill, 2 + len(self.fills))
        return found

    def dxf(self, highlight: Highlight) -> int:
        return self.dxfs.setdefault(highlight, len(self.dxfs))

    def xml(self) -> str:
        out = [_XML, f'<styleSheet xmlns="{MAIN}">']
        if self.formats:
            out.append(f'<numFmts count="{len(self.formats)}">')
            out += [f'<numFmt numFmtId="{i}" formatCode="{attr(code)}"/>'
                    for code, i in self.formats.items()]
            out.append("</numFmts>")
        out.append(f'<fonts count="{len(self.fonts)}">')
        for bold, color, underline in self.fonts:
            out.append("<font>" + "<b/>" * bold + '<u/>' * underline + '<sz val="11"/>'
                       + (f'<color rgb="FF{color}"/>' if color else "")
                       + '<name val="Calibri"/><family val="2"/></font>')
        out.append(f'</fonts><fills count="{2 + len(self.fills)}">'
                   '<fill><patternFill patternType="none"/></fill>'
                   '<fill><patternFill patternType="gray125"/></fill>')
        out += [f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
                f'<bgColor rgb="FF{rgb}"/></patternFill></fill>' for rgb in self.fills]
        out.append('</fills><borders count="1"><border><left/><right/><top/><bottom/>'
                   '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
                   'fontId="0" fillId="0" borderId="0" applyAlignment="1"><alignment '
                   'vertical="top"/></xf></cellStyleXfs>'
                   f'<cellXfs count="{len(self.xfs)}">')
        for s in self.xfs:
            fmt = self.formats.get(s.number_format, 0)
            font = self.fonts[(s.bold, s.color, s.underline)]
            fill = self.fills.get(s.fill, 0)
            xf = (f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
                  + ' applyNumberFormat="1"' * bool(fmt) + ' applyFont="1"' * bool(font)
                  + ' applyFill="1"' * bool(fill) + ' quotePrefix="1"' * s.quote_prefix)
            # every cell sits at the top of its row, beside the wrapped text of others
            out.append(xf + ' applyAlignment="1"><alignment vertical="top"'
                       + ' wrapText="1"' * s.wrap + "/></xf>")
        out.append('</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
                   f'builtinId="0"/></cellStyles><dxfs count="{len(self.dxfs)}">')
        out += [f'<dxf><font><color rgb="FF{h.color}"/></font><fill><patternFill '
                f'patternType="solid"><fgColor rgb="FF{h.fill}"/><bgColor rgb="FF{h.fill}"/>'
                f'</patternFill></fill></dxf>' for h in self.dxfs]
        out.append('</dxfs><tableStyles count="0" defaultTableStyle="TableStyleMedium2" '
                   'defaultPivotStyle="PivotStyleLight16"/></styleSheet>')
        return "".join(out)


# --------------------------------------------------------------------------------------
# cells and sheets
# --------------------------------------------------------------------------------------

class Cell:
    """A value with its own style, and optionally a link to a place in the workbook."""

    __slots__ = ("value", "style", "location", "tooltip")

    def __init__(self, value, style: Optional[Style] = None, location: Optional[str] = None,
                 tooltip: Optional[str] = None):
        self.value, self.style, self.location, self.tooltip = value, style, location, tooltip


@dataclass
class Print:
    """How a sheet prints: landscape on ``paper``, ``fit_width`` pages wide (0: as many as needed),
    the first ``title_rows`` rows and ``title_columns`` columns on every page."""

    landscape: bool = True
    paper: int = 9           # 9: A4, 8: A3 (SpreadsheetML's paper sizes)
    fit_width: int = 1
    fit_height: int = 0      # pages tall at most (0: as many as needed)
    title_rows: int = 1
    title_columns: int = 0
    area: bool = True        # print the table (and any rows below it), nothing beyond


class Sheet:
    """One worksheet being written: append rows, then add what follows them; close."""

    def __init__(self, book: "Workbook", index: int, title: str, widths: list,
                 column_styles: list, print_: Print, freeze: bool, wrap: frozenset):
        self.book, self.index, self.title = book, index, title
        self.ncols = len(widths)
        self.letters = [column_letter(i) for i in range(1, max(self.ncols, 1) + 200)]
        styles = book.styles
        self._number_styles = [styles.index(s or Style()) for s in column_styles]
        # text cells: (plain, quote-prefixed) style of each column, wrapped where asked
        self._text_styles = [(styles.index(Style(wrap=i in wrap)),
                              styles.index(Style(wrap=i in wrap, quote_prefix=True)))
                             for i in range(self.ncols)]
        self._default_text = (0, styles.index(Style(quote_prefix=True)))
        #: characters a line holds in each wrapped column (0: not wrapped)
        self._wrap_widths = [int(w * 1.4) if i in wrap else 0 for i, w in enumerate(widths)]
        self.print = print_
        self.rows = 0
        self.max_col = self.ncols
        self.tables: list = []
        self.links: list = []
        self.validations: list = []
        self.conditionals: list = []
        self._buffer: list = []
        self._stream = book.zip.open(book.entry(f"xl/worksheets/sheet{index}.xml"), "w",
                                     force_zip64=True)
        fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if print_.fit_width else ""
        selected = ' tabSelected="1"' if index == 1 else ""
        pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if freeze else ""
        cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                       for i, w in enumerate(widths, 1))
        self._write(f'{_XML}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{fit}<sheetViews>'
                    f'<sheetView workbookViewId="0"{selected}>{pane}</sheetView></sheetViews>'
                    + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>")

    def _write(self, text: str) -> None:
        self._stream.write(text.encode("utf-8"))

    def append(self, values) -> int:
        """Write one row; return its number.  Values: None (no cell), str, int, float,
        bool, date, datetime, or a :class:`Cell`.  Numbers and dates take the column's
        style (``column_styles``); text is text, quote-prefixed when formula-like."""
        self.rows = r = self.rows + 1
        rs = str(r)
        out = [""]
        letters = self.letters
        wrap = self._wrap_widths
        lines = 1
        for col, value in enumerate(values):
            if value is None:
                continue
            cls = value.__class__
            if cls is str:
                out.append(self._text_cell(letters[col] + rs, value, None, col))
                if col < self.ncols and wrap[col] and (len(value) > wrap[col] or "\n" in value):
                    lines = max(lines, _lines(value, wrap[col]))
            elif cls is int or cls is float:
                number = _number(value)
                if number is not None:
                    style = self._number_styles[col] if col < self.ncols else 0
                    out.append(f'<c r="{letters[col]}{rs}" s="{style}"><v>{number}</v></c>'
                               if style else f'<c r="{letters[col]}{rs}"><v>{number}</v></c>')
            elif cls is Cell:
                out.append(self._styled(letters[col] + rs, value, col))
                if col < self.ncols and wrap[col] and isinstance(value.value, str):
                    lines = max(lines, _lines(value.value, wrap[col]))
            else:
                out.append(self._other(letters[col] + rs, value, col))
            if col >= self.max_col:
                self.max_col = col + 1
        # a row of wrapped text is as tall as its longest cell needs: written, since
        # LibreOffice does not work it out when it opens the file; 16 points a line, as
        # the fonts it puts in Calibri's place set 11-point lines a little over 15 apart
        out[0] = (f'<row r="{rs}" ht="{min(409, LINE_POINTS * lines)}" customHeight="1">' if lines > 1
                  else f'<row r="{rs}">')
        out.append("</row>")
        self._buffer.append("".join(out))
        if len(self._buffer) >= 500:
            self._flush()
        return r

    def _flush(self) -> None:
        if self._buffer:
            self._write("".join(self._buffer))
            self._buffer = []

    def _text_cell(self, ref: str, text: str, style: Optional[Style], col: int = -1) -> str:
        body, quote = cell_text(text)
        if not body:
            return ""
        if style is not None:
            s = self.book.styles.index(replace(style, quote_prefix=True) if quote else style)
        else:
            s = (self._text_styles[col] if 0 <= col < self.ncols else self._default_text)[quote]
        space = ' xml:space="preserve"' if body[0] in " \t\n" or body[-1] in " \t\n" else ""
        s_attr = f' s="{s}"' if s else ""
        return f'<c r="{ref}"{s_attr} t="inlineStr"><is><t{space}>{body}</t></is></c>'

    def _other(self, ref: str, value, col: int) -> str:
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (dt.date, dt.datetime)):
            style = self._number_styles[col] if col < self.ncols else 0
            if not style:
                style = self.book.styles.index(Style(number_format="yyyy-mm-dd"))
            return f'<c r="{ref}" s="{style}"><v>{excel_date(value)}</v></c>'
        if isinstance(value, (int, float)):
            number = _number(value)
            return f'<c r="{ref}"><v>{number}</v></c>' if number is not None else ""
        return self._text_cell(ref, str(value), None, col)

    def _styled(self, ref: str, cell: Cell, col: int = -1) -> str:
        value, style = cell.value, cell.style or Style()
        if 0 <= col < self.ncols and self._wrap_widths[col]:
            style = replace(style, wrap=True)
        if cell.location:
            self.links.append((ref, cell.location, cell.tooltip))
        if isinstance(value, str):
            return self._text_cell(ref, value, style)
        s = self.book.styles.index(style)
        if isinstance(value, bool):
            return f'<c r="{ref}" s="{s}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (dt.date, dt.datetime)):
            return f'<c r="{ref}" s="{s}"><v>{excel_date(value)}</v></c>'
        number = _number(value) if isinstance(value, (int, float)) else None
        if number is None:
            return self._text_cell(ref, str(value), style) if value is not None else ""
        return f'<c r="{ref}" s="{s}"><v>{number}</v></c>'

    # what follows the rows -------------------------------------------------------------

    def table(self, name: str, ref: str, columns: list, style: str = "TableStyleMedium2") -> None:
        """An Excel table over ``ref`` (its first row the header, whose texts are
        ``columns``), with filter buttons and banded rows."""
        self.tables.append((name, ref, columns, style))

    def validation(self, sqref: str, kind: str, formula1: str, formula2: Optional[str] = None,
                   operator: Optional[str] = None, error: str = "",
                   error_title: str = "") -> None:
        """Data validation of ``kind`` (list, whole, decimal, date) over ``sqref``."""
        self.validations.append((sqref, kind, formula1, formula2, operator, error[:255],
                                 error_title[:32]))

    def highlight(self, sqref: str, operator: str, formulas: list, highlight: Highlight) -> None:
        """Cells in ``sqref`` whose value satisfies ``operator`` (equal, lessThan,
        between...) over ``formulas`` take ``highlight``."""
        dxf = self.book.styles.dxf(highlight)
        body = "".join(f"<formula>{_esc(f)}</formula>" for f in formulas)
        self.conditionals.append((sqref, f'<cfRule type="cellIs" dxfId="{dxf}" priority="{{p}}" '
                                         f'operator="{operator}">{body}</cfRule>'))

    def color_scale(self, sqref: str, low: float, high: float,
                    colors=("63BE7B", "FFEB84", "F8696B")) -> None:
        """A three-colour scale over ``sqref`` from ``low`` to ``high``."""
        mid = (low + high) / 2
        cfvo = "".join(f'<cfvo type="num" val="{v:g}"/>' for v in (low, mid, high))
        color = "".join(f'<color rgb="FF{c}"/>' for c in colors)
        self.conditionals.append((sqref, '<cfRule type="colorScale" priority="{p}"><colorScale>'
                                         f"{cfvo}{color}</colorScale></cfRule>"))

    def close(self) -> None:
        self._flush()
        out = ["</sheetData>"]
        for priority, (sqref, rule) in enumerate(self.conditionals, 1):
            out.append(f'<conditionalFormatting sqref="{sqref}">'
                       f'{rule.replace("{p}", str(priority))}</conditionalFormatting>')
        if self.validations:
            out.append(f'<dataValidations count="{len(self.validations)}">')
            for sqref, kind, f1, f2, op, error, title in self.validations:
                out.append(f'<dataValidation type="{kind}" allowBlank="1" showErrorMessage="1"'
                           + (f' operator="{op}"' if op else "")
                           + (f' errorTitle="{attr(title)}"' if title else "")
                           + (f' error="{attr(error)}"' if error else "")
                           + f' sqref="{sqref}"><formula1>{_esc(f1)}</formula1>'
                           + (f"<formula2>{_esc(f2)}</formula2>" if f2 is not None else "")
                           + "</dataValidation>")
            out.append("</dataValidations>")
        if self.links:
            out.append("<hyperlinks>")
            out += [f'<hyperlink ref="{ref}" location="{attr(location)}"'
                    + (f' tooltip="{attr(tip)}"' if tip else "") + "/>"
                    for ref, location, tip in self.links]
            out.append("</hyperlinks>")
        p = self.print
        out.append('<printOptions/><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" '
                   'header="0.3" footer="0.3"/>'
                   f'<pageSetup paperSize="{p.paper}" orientation="{"landscape" if p.landscape else "portrait"}"'
                   + (f' fitToWidth="{p.fit_width}" fitToHeight="{p.fit_height}"' if p.fit_width else "")
                   + '/><headerFooter><oddHeader>&amp;L&amp;A</oddHeader>'
                   '<oddFooter>&amp;LPage &amp;P of &amp;N&amp;R&amp;F</oddFooter></headerFooter>')
        if self.tables:
            out.append(f'<tableParts count="{len(self.tables)}">')
            out += [f'<tablePart r:id="rId{i}"/>' for i in range(1, len(self.tables) + 1)]
            out.append("</tableParts>")
        out.append("</worksheet>")
        self._write("".join(out))
        self._stream.close()
        self.book.sheet_closed(self)


# --------------------------------------------------------------------------------------
# the workbook
# --------------------------------------------------------------------------------------

@dataclass
class Properties:
    """Document properties (File > Properties in Excel)."""

    title: str = ""
    subject: str = ""
    creator: str = ""
    keywords: str = ""
    description: str = ""
    category: str = ""
    created: Optional[dt.datetime] = None
    #: custom properties (File > Properties > Custom): ``((name, text), ...)``
    custom: tuple = ()


class Workbook:
    """``with Workbook(path_or_file, properties) as wb:`` then :meth:`sheet` for each sheet,
    in order, each closed before the next is opened."""

    def __init__(self, file, properties: Properties):
        self.zip = zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.properties = properties
        self.styles = _Styles()
        self.sheets: list = []        # (title, print settings, rows, columns)
        self.table_count = 0

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if kind is None:
            self.close()
        else:
            self.zip.close()

    def entry(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, _ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = _ZIP_LEVEL      # read by ZipFile.open(info, "w")
        return info

    def _put(self, name: str, text: str) -> None:
        self.zip.writestr(self.entry(name), text.encode("utf-8"))

    def sheet(self, title: str, widths: list, column_styles: Optional[list] = None,
              print_: Optional[Print] = None, freeze: bool = True, wrap=()) -> Sheet:
        """Open the next sheet: ``widths`` in characters, one per column;
        ``column_styles`` the style of the numbers and dates of each column; text in the
        columns numbered (from 0) in ``wrap`` wraps within the column's width."""
        styles = list(column_styles or [])
        styles += [None] * (len(widths) - len(styles))
        return Sheet(self, len(self.sheets) + 1, title, widths, styles, print_ or Print(),
                     freeze, frozenset(wrap))

    def sheet_closed(self, sheet: Sheet) -> None:
        rels = []
        for i, (name, ref, columns, style) in enumerate(sheet.tables, 1):
            self.table_count += 1
            n = self.table_count
            cols = "".join(f'<tableColumn id="{j}" name="{attr(c)}"/>'
                           for j, c in enumerate(columns, 1))
            self._put(f"xl/tables/table{n}.xml",
                      f'{_XML}<table xmlns="{MAIN}" id="{n}" name="{attr(name)}" '
                      f'displayName="{attr(name)}" ref="{ref}" totalsRowShown="0">'
                      f'<autoFilter ref="{ref}"/><tableColumns count="{len(columns)}">{cols}'
                      f'</tableColumns><tableStyleInfo name="{style}" showFirstColumn="0" '
                      'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>')
            rels.append(f'<Relationship Id="rId{i}" Type="{REL}/table" '
                        f'Target="../tables/table{n}.xml"/>')
        if rels:
            self._put(f"xl/worksheets/_rels/sheet{sheet.index}.xml.rels",
                      f'{_XML}<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>')
        self.sheets.append((sheet.title, sheet.print, sheet.rows, sheet.max_col,
                            len(sheet.tables)))

    def close(self) -> None:
        names, sheets, rels, types = [], [], [], []
        for i, (title, p, rows, cols, _tables) in enumerate(self.sheets, 1):
            quoted = "'" + title.replace("'", "''") + "'"
            sheets.append(f'<sheet name="{attr(title)}" sheetId="{i}" r:id="rId{i}"/>')
            rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" '
                        f'Target="worksheets/sheet{i}.xml"/>')
            types.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="'
                         'application/vnd.openxmlformats-officedocument.spreadsheetml.'
                         'worksheet+xml"/>')
            if p.area and rows and cols:
                names.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{i - 1}">'
                             f"{attr(quoted)}!$A$1:${column_letter(cols)}${rows}</definedName>")
            titles = []
            if p.title_columns:
                titles.append(f"{quoted}!$A:${column_letter(p.title_columns)}")
            if p.title_rows:
                titles.append(f"{quoted}!$1:${p.title_rows}")
            if titles:
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i - 1}">'
                             f'{attr(",".join(titles))}</definedName>')
        n = len(self.sheets)
        rels.append(f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        self._put("xl/workbook.xml",
                  f'{_XML}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView '
                  f'activeTab="0"/></bookViews><sheets>{"".join(sheets)}</sheets>{defined}'
                  "</workbook>")
        self._put("xl/_rels/workbook.xml.rels",
                  f'{_XML}<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>')
        self._put("xl/styles.xml", self.styles.xml())
        types += [f'<Override PartName="/xl/tables/table{t}.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/>'
                  for t in range(1, self.table_count + 1)]
        self._put("docProps/core.xml", self._core())
        custom = self._custom()
        if custom:
            self._put("docProps/custom.xml", custom)
            types.append('<Override PartName="/docProps/custom.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.custom-properties+xml"/>')
        self._put("docProps/app.xml",
                  f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                  '2006/extended-properties"><Application>estate</Application></Properties>')
        self._put("[Content_Types].xml",
                  f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/'
                  'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                  'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                  'sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="'
                  'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                  '<Override PartName="/docProps/core.xml" ContentType="application/'
                  'vnd.openxmlformats-package.core-properties+xml"/><Override '
                  'PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
                  f'officedocument.extended-properties+xml"/>{"".join(types)}</Types>')
        self._put("_rels/.rels",
                  f'{_XML}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                  f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/><Relationship '
                  'Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
                  'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                  f'<Relationship Id="rId3" Type="{REL}/extended-properties" '
                  'Target="docProps/app.xml"/>'
                  + (f'<Relationship Id="rId4" Type="{REL}/custom-properties" '
                     'Target="docProps/custom.xml"/>' if custom else "")
                  + '</Relationships>')
        self.zip.close()

    def _custom(self) -> str:
        """docProps/custom.xml of the custom properties (text only), or "" when none."""
        fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"     # the one id text properties use
        props = "".join(f'<property fmtid="{fmtid}" pid="{pid}" name="{attr(name)}">'
                        f"<vt:lpwstr>{_esc(value)}</vt:lpwstr></property>"
                        for pid, (name, value) in enumerate(self.properties.custom, 2))
        if not props:
            return ""
        return (f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
                f'2006/docPropsVTypes">{props}</Properties>')

    def _core(self) -> str:
        p = self.properties
        fields = [("dc:title", p.title), ("dc:subject", p.subject), ("dc:creator", p.creator),
                  ("cp:keywords", p.keywords), ("dc:description", p.description),
                  ("cp:lastModifiedBy", p.creator), ("cp:category", p.category)]
        body = "".join(f"<{tag}>{_esc(value)}</{tag}>" for tag, value in fields if value)
        if p.created is not None:
            when = p.created.strftime("%Y-%m-%dT%H:%M:%SZ")
            body += "".join(f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{when}</dcterms:{tag}>'
                            for tag in ("created", "modified"))
        return (f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
                '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/'
                'dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"{body}</cp:coreProperties>")
