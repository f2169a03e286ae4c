"""The timeline commands end to end: --help, exit codes, streams, the docs page."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from estate.cli import main
from estate_testing import REPO

COMMANDS = [["diff"], ["survey"], ["import", "survey"]]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_exits_0_and_the_docs_page_has_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    doc = (REPO / "docs" / "timeline.md").read_text(encoding="utf-8")
    assert f"estate {' '.join(command)} " in doc
    for option in ("--git", "--format", "--as-of", "--dry-run"):
        if option in result.output:
            assert option in doc, f"{option} is not in docs/timeline.md"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_missing_arguments_are_usage_errors(command):
    result = run(*command)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_survey_of_invalid_inventories_exits_1_and_writes_nothing(tmp_path):
    (tmp_path / "bad.yaml").write_text("kind: authority\nauthority: {id: x}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("survey", tmp_path / "bad.yaml", "-o", out)
    assert result.exit_code == 1
    assert "E120" in result.output
    assert not out.exists()


def test_survey_prints_the_workbooks_on_stdout(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "kind: authority\nauthority: {id: a, name: A Council}\nsystems:\n"
        "  - {id: s1, name: '=cmd|calc', supports: [], owner: Head of IT}\n"
        "  - {id: s2, name: Two, supports: []}\n", encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["survey", str(tmp_path / "a.yaml"), "-o", str(out),
                                  "--as-of", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(out / "survey-a.xlsx"),
                                          str(out / "survey-a-head-of-it.xlsx")]
    from openpyxl import load_workbook
    wb = load_workbook(out / "survey-a-head-of-it.xlsx")
    assert wb["Instructions"]["A1"].value == "Survey: Head of IT, A Council"
    ws = wb["Systems"]
    assert (ws["C2"].value, ws["C2"].data_type) == ("=cmd|calc", "s")   # text, not a formula


def test_import_survey_rejects_a_file_that_is_not_a_workbook(tmp_path):
    (tmp_path / "a.yaml").write_text("kind: authority\nauthority: {id: a, name: A}\n",
                                     encoding="utf-8")
    fake = tmp_path / "answers.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    result = run("import", "survey", fake, "-o", tmp_path)
    assert result.exit_code == 1
    assert f"{fake}: cannot be read as a survey workbook" in result.output
