"""Files an importer must refuse before reading them: links to devices, FIFOs, files over
the size limit and workbooks that inflate past the inflate limit (docs/security.md).
Each ends in a clear error naming the file, exit 1, no traceback, nothing written."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from click.testing import CliRunner

from estate.cli import main


def _import(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result


def test_a_csv_that_links_to_a_device_is_refused(tmp_path):
    link = tmp_path / "contracts.csv"
    link.symlink_to("/dev/zero")
    result = _import("import", "table", link, "--guess")
    assert result.exit_code == 1
    assert "contracts.csv" in result.output and "not a regular file" in result.output


def test_an_ocds_file_that_is_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "releases.json"
    os.mkfifo(fifo)
    result = _import("import", "ocds", fifo, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "releases.json" in result.output and "FIFO" in result.output
    assert not (tmp_path / "out").exists()


def test_a_table_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    table = tmp_path / "big.csv"
    table.write_text("Supplier,Title\n" + "Civica,Revenues\n" * 50, encoding="utf-8")
    monkeypatch.setenv("ESTATE_MAX_FILE_BYTES", "200")
    result = _import("import", "table", table, "--guess")
    assert result.exit_code == 1
    assert "big.csv" in result.output and "200" in result.output


def _bomb(path, inflated: int) -> None:
    """A valid-looking xlsx whose one sheet inflates to ``inflated`` bytes of spaces."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * inflated)


def test_a_workbook_that_inflates_past_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    book = tmp_path / "register.xlsx"
    _bomb(book, 4 * 1024 * 1024)
    assert book.stat().st_size < 20_000                 # 4 MB of spaces in a few KB
    monkeypatch.setenv("ESTATE_MAX_INFLATE_BYTES", str(1024 * 1024))
    result = _import("import", "register", book, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "register.xlsx" in result.output and "inflates to 4,194,3" in result.output
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_a_workbook_says_so(tmp_path):
    book = tmp_path / "contracts.xlsx"
    book.write_bytes(b"Supplier,Title\nCivica,Revenues\n")
    result = _import("import", "table", book, "--guess")
    assert result.exit_code == 1
    assert "contracts.xlsx" in result.output and "not an Excel workbook" in result.output


@pytest.mark.parametrize("size", [0, 1])
def test_read_workbook_bytes_accepts_what_is_within_the_limit(tmp_path, size):
    from estate.model.files import read_workbook_bytes
    book = tmp_path / "ok.xlsx"
    _bomb(book, 1000 * size)
    data = read_workbook_bytes(book)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()[1] == "xl/worksheets/sheet1.xml"
