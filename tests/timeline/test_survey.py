"""Surveys: one workbook per owner, gaps highlighted; answers merged back in place."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from estate.cli import main
from estate.model import load
from estate.timeline.diff import record_views
from estate_testing import REPO

OWNER = "survey-kingsmere-head-of-member-services.xlsx"
GAP = "00FFF2CC"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The samples' surveys, written once through the command line."""
    out = tmp_path_factory.mktemp("surveys") / "surveys"
    result = run("survey", REPO / "inventories", "-o", out, "--as-of", "2026-11-21")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith(".xlsx")
    return out


@pytest.fixture
def surveyed(written, tmp_path):
    """A copy of the samples and of their surveys, for a test to change."""
    inventories, out = tmp_path / "inv", tmp_path / "surveys"
    shutil.copytree(REPO / "inventories", inventories)
    shutil.copytree(written, out)
    return inventories, out


def test_one_workbook_per_owner_with_gaps_and_drop_downs(surveyed):
    inventories, out = surveyed
    estate = load([str(inventories)])
    owners = {(s.authority, s.owner) for s in estate.systems()}
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert OWNER in names and "survey-kingsmere-head-of-ict.xlsx" in names
    assert len(names) >= len(owners)
    wb = load_workbook(out / OWNER)
    assert wb.sheetnames == ["Instructions", "Systems", "Contracts"]
    assert "Yellow cells are gaps" in wb["Instructions"]["A5"].value
    ws = wb["Systems"]
    system = estate.system(f"kingsmere/{ws['B2'].value}")
    assert system.owner == "Head of Member Services"
    assert system.end_of_support is None and system.annual_cost is None
    gaps = sorted(c.coordinate for row in ws.iter_rows(min_row=2) for c in row
                  if c.fill.fgColor.rgb == GAP)
    assert gaps == ["I2", "L2", "O2"]        # end of support, annual cost, contract ends
    lists = {str(dv.sqref)[0]: dv.formula1
             for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists["G"] == '"on-premise,hosted,saas,cloud,hybrid,unknown"'
    assert lists["J"] == '"yes,no"'


def test_two_gaps_filled_change_exactly_two_fields_in_place(surveyed):
    inventories, out = surveyed
    before_text = (inventories / "kingsmere.yaml").read_text(encoding="utf-8")
    before = record_views(load([str(inventories)]))
    wb = load_workbook(out / OWNER)
    ws = wb["Systems"]
    sid = ws["B2"].value
    ws["I2"] = dt.date(2028, 3, 31)
    ws["L2"] = 12500
    wb.save(out / OWNER)
    result = run("import", "survey", out / OWNER, "-o", inventories)
    assert result.exit_code == 0, result.output
    diff = [line for line in result.output.splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert sorted(diff) == ["+    annual_cost: 12500", "+    end_of_support: 2028-03-31"]
    after = record_views(load([str(inventories)]))
    changed = {k: (before["systems"][k], v) for k, v in after["systems"].items()
               if before["systems"][k] != v}
    assert list(changed) == [f"kingsmere/{sid}"]
    old, new = changed[f"kingsmere/{sid}"]
    assert {k for k in set(old) | set(new) if old.get(k) != new.get(k)} == \
        {"end_of_support", "annual_cost"}
    assert new["end_of_support"] == "2028-03-31" and new["annual_cost"] == 12500
    assert before["contracts"] == after["contracts"]
    after_text = (inventories / "kingsmere.yaml").read_text(encoding="utf-8")
    comments = [line for line in before_text.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(c in after_text.splitlines() for c in comments)
    assert len(after_text.splitlines()) == len(before_text.splitlines()) + 2


def test_an_unchanged_survey_changes_nothing(surveyed):
    inventories, out = surveyed
    files = sorted(out.glob("survey-northbrook-*.xlsx"))
    texts = {p: p.read_bytes() for p in inventories.rglob("*.yaml")}
    result = run("import", "survey", *files, "-o", inventories)
    assert result.exit_code == 0, result.output
    assert f"0 field(s) changed from {len(files)} survey(s)" in result.output
    assert {p: p.read_bytes() for p in inventories.rglob("*.yaml")} == texts


def test_typos_are_errors_naming_sheet_and_cell_and_nothing_is_written(surveyed):
    inventories, out = surveyed
    texts = {p: p.read_bytes() for p in inventories.rglob("*.yaml")}
    wb = load_workbook(out / OWNER)
    ws = wb["Systems"]
    ws["G2"] = "sass"
    ws["I2"] = "31/31/2027"
    ws["J2"] = "maybe"
    wb.save(out / OWNER)
    result = run("import", "survey", out / OWNER, "-o", inventories)
    assert result.exit_code == 1
    text = result.output
    assert "3 problem(s)" in text and "nothing was written" in text
    assert f"{out / OWNER}: sheet 'Systems' cell G2 (Hosting): 'sass' is not one of " \
           "on-premise, hosted, saas, cloud, hybrid, unknown; did you mean 'saas'?" in text
    assert "sheet 'Systems' cell I2 (End of support):" in text
    assert "sheet 'Systems' cell J2 (API): 'maybe' is not yes or no" in text
    assert "Traceback" not in text
    assert {p: p.read_bytes() for p in inventories.rglob("*.yaml")} == texts


def test_a_changed_id_is_an_error(surveyed):
    inventories, out = surveyed
    wb = load_workbook(out / OWNER)
    wb["Systems"]["B2"] = "no-such-system"
    wb.save(out / OWNER)
    result = run("import", "survey", out / OWNER, "-o", inventories)
    assert result.exit_code == 1
    assert "row 2: kingsmere/no-such-system is not in the inventories" in result.output
