"""In-place changes: only what changed, comments, style and layout kept."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest

from estate.interchange.inplace import Change, apply_changes, changes_between, plan_changes
from estate.interchange.writer import existing_docs

BASE = """\
# Testham -- a hand-written header comment
kind: authority
authority:
  id: testham
  name: Testham Council   # the name on the letterhead

lines_of_business:
  # Revenues
  - {id: council-tax, statutory: true, delivery: in-house}
  - {id: business-rates, statutory: true, delivery: in-house}

systems:
  # from: the 2024 survey
  - id: th-revs
    name: 'Revenues'
    vendor: Capita
    supports: [council-tax]
    data:
      personal_data: true
      api: false

  # from: the 2024 survey
  - id: th-web
    name: Website
    supports: []

  - id: th-gis
    name: GIS
    supports: []

contracts:
  - id: C-1
    supplier: Capita
    end: 2026-03-31   # as signed
    notice_months: 6
"""


@pytest.fixture
def inv(tmp_path):
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "testham.yaml").write_text(BASE, encoding="utf-8")
    return folder


def _diff_lines(diff: str) -> list:
    return [line for line in diff.splitlines()
            if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]


def test_one_changed_field_is_a_one_line_diff_keeping_its_comment(inv):
    diff = apply_changes([inv], [Change.set_fields("testham", "contracts", "C-1",
                                                   {"end": dt.date(2027, 3, 31)})])
    assert _diff_lines(diff) == ["-    end: 2026-03-31   # as signed",
                                 "+    end: 2027-03-31   # as signed"]
    assert (inv / "testham.yaml").read_text() == BASE.replace("2026-03-31", "2027-03-31")


def test_quoting_flow_style_and_nested_fields_are_kept(inv):
    apply_changes([inv], [
        Change.set_fields("testham", "systems", "th-revs",
                          {"name": "Revenues and Benefits", "supports": ["council-tax", "business-rates"],
                           "data": {"api": True, "export_formats": ["csv"]}, "vendor": None,
                           "users": 40}),
        Change.set_fields("testham", "lines_of_business", "council-tax", {"delivery": "shared-service"}),
        Change.set_fields("testham", "authority", "testham", {"region": "North West"}),
    ])
    text = (inv / "testham.yaml").read_text()
    assert text == BASE.replace("name: 'Revenues'", "name: 'Revenues and Benefits'") \
        .replace("    vendor: Capita\n", "") \
        .replace("supports: [council-tax]\n", "supports: [council-tax, business-rates]\n") \
        .replace("      api: false\n", "      api: true\n      export_formats: [csv]\n    users: 40\n") \
        .replace("{id: council-tax, statutory: true, delivery: in-house}",
                 "{id: council-tax, statutory: true, delivery: shared-service}") \
        .replace("# the name on the letterhead\n", "# the name on the letterhead\n  region: North West\n")


def test_added_records_go_to_the_end_of_their_section_in_the_style_before_them(inv):
    apply_changes([inv], [
        Change.add_record("testham", "lines_of_business",
                          {"id": "markets", "statutory": False, "delivery": "outsourced"}),
        Change.add_record("testham", "systems", {"id": "th-crm", "name": "CRM", "supports": []},
                          comment=["from: survey.xlsx row 4"]),
        Change.add_record("testham", "contracts", {"id": "C-2", "supplier": "Civica",
                                                   "end": dt.date(2028, 1, 31)}),
    ])
    text = (inv / "testham.yaml").read_text()
    assert "  - {id: business-rates, statutory: true, delivery: in-house}\n" \
           "  - {id: markets, statutory: false, delivery: outsourced}\n\nsystems:" in text
    assert "    name: GIS\n    supports: []\n\n  # from: survey.xlsx row 4\n  - id: th-crm\n" \
           "    name: CRM\n    supports: []\n\ncontracts:" in text
    assert text.endswith("    notice_months: 6\n  - id: C-2\n    supplier: Civica\n    covers: []\n"
                         "    end: 2028-01-31\n")


def test_removed_records_go_with_their_own_comments_but_not_a_group_heading(inv):
    apply_changes([inv], [Change.remove_record("testham", "systems", "th-web"),
                          Change.remove_record("testham", "lines_of_business", "council-tax")])
    text = (inv / "testham.yaml").read_text()
    assert text == BASE.replace("  # from: the 2024 survey\n  - id: th-web\n    name: Website\n"
                                "    supports: []\n\n", "") \
        .replace("  - {id: council-tax, statutory: true, delivery: in-house}\n", "")
    assert "  # Revenues\n  - {id: business-rates" in text


def test_removing_every_contract_leaves_an_empty_list(inv):
    apply_changes([inv], [Change.remove_record("testham", "contracts", "C-1")])
    assert (inv / "testham.yaml").read_text().endswith("    supports: []\n\ncontracts: []\n")


def test_the_changes_between_two_loads_are_applied_exactly(inv):
    old = existing_docs([inv])
    new = existing_docs([inv])
    new["testham"].contracts[0]["notice_months"] = 3
    new["testham"].systems = [s for s in new["testham"].systems if s["id"] != "th-gis"]
    changes = changes_between(old, new)
    assert [(c.action, c.section, c.id, c.fields) for c in changes] == [
        ("remove", "systems", "th-gis", {}),
        ("set", "contracts", "C-1", {"notice_months": 3})]
    plan = plan_changes([inv], changes)
    assert _diff_lines(plan.diff()) == ["-  - id: th-gis", "-    name: GIS", "-    supports: []", "-",
                                        "-    notice_months: 6", "+    notice_months: 3"]
    assert (inv / "testham.yaml").read_text() == BASE            # planned, not written
    assert plan.files[0].new == BASE.replace("  - id: th-gis\n    name: GIS\n    supports: []\n\n", "") \
        .replace("notice_months: 6", "notice_months: 3")


def test_a_new_authority_gets_a_new_file_and_unknown_records_are_refused(inv):
    from estate.errors import UsageError
    apply_changes([inv], [Change.add_record("newtown", "authority", {"id": "newtown", "name": "Newtown"}),
                          Change.add_record("newtown", "contracts", {"id": "N-1", "supplier": "X",
                                                                     "end": dt.date(2030, 1, 1)})],
                  new_files_in=inv, layout="section")
    assert "  - id: N-1\n" in (inv / "newtown-contracts.yaml").read_text()
    with pytest.raises(UsageError, match="testham/nope"):
        plan_changes([inv], [Change.set_fields("testham", "systems", "nope", {"name": "x"})])


def test_a_symbolic_link_is_never_written_through(inv, tmp_path):
    from estate.errors import OutputError
    target = tmp_path / "elsewhere.yaml"
    target.write_text(BASE)
    (inv / "testham.yaml").unlink()
    (inv / "testham.yaml").symlink_to(target)
    with pytest.raises(OutputError, match="symbolic link"):
        apply_changes([inv], [Change.set_fields("testham", "contracts", "C-1", {"notice_months": 1})])
    assert target.read_text() == BASE


def test_a_new_file_that_is_a_link_is_refused_before_it_is_read(inv):
    """A new authority's file that is already a link (here to a device) is neither read for
    the diff nor written through."""
    from estate.errors import OutputError
    (inv / "newtown-contracts.yaml").symlink_to("/dev/zero")
    with pytest.raises(OutputError, match="symbolic link"):
        plan_changes([inv], [Change.add_record("newtown", "authority", {"id": "newtown", "name": "Newtown"}),
                             Change.add_record("newtown", "contracts", {"id": "N-1", "supplier": "X"})],
                     new_files_in=inv, layout="section")


def _git(folder, *args):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=folder, check=True, capture_output=True, text=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_one_cell_edited_in_the_samples_register_is_a_one_line_git_diff(tmp_path, run):
    from estate_testing import REPO
    inv = tmp_path / "inv"
    shutil.copytree(REPO / "inventories", inv)
    _git(inv, "init", "-q")
    _git(inv, "add", "-A")
    _git(inv, "commit", "-qm", "samples")
    run("analyse", inv, "-o", tmp_path / "out", "--as-of", "2026-11-21")
    path = tmp_path / "out" / "register.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Contracts"]
    head = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        if row[head["Contract id"] - 1].value == "NB-C-0051":
            row[head["End"] - 1].value = dt.datetime(2026, 9, 30)
    wb.save(path)
    run("import", "register", path, "-o", inv, "--force")
    assert _git(inv, "diff", "--numstat") == "1\t1\tnorth-central/northbrook/contracts.yaml\n"
    diff = _git(inv, "diff", "-U0")
    assert _diff_lines(diff) == ["-    end: 2026-03-31", "+    end: 2026-09-30"]
    assert _git(inv, "status", "--porcelain") == " M north-central/northbrook/contracts.yaml\n"
