"""estate diff on the samples and the samples with four planted changes."""

from __future__ import annotations

import json
import subprocess

from click.testing import CliRunner

from estate.cli import main

AS_OF = "2026-11-21"

#: exactly what was planted (tests/timeline/conftest.py); the respelt vendor and the
#: product alias of northbrook/nb-revs are not changes
EXPECTED = {
    "authorities": {"added": ["newtown"], "removed": [], "changed": []},
    "systems": {"added": ["newtown/nt-revs"], "removed": [], "changed": [
        {"id": "northbrook/nb-lettings", "fields": {
            "product": {"before": "civica-cx", "after": "salesforce-service-cloud"},
            "vendor": {"before": "civica", "after": "salesforce"}}}]},
    "contracts": {"added": ["newtown/NT-1"], "removed": [], "changed": [
        {"id": "northbrook/NB-C-0051", "fields": {
            "end": {"before": "2026-03-31", "after": "2031-03-31"},
            "extension_until": {"before": "2028-03-31", "after": "2033-03-31"}}}]},
}


def run(*args):
    result = CliRunner().invoke(main, ["diff", *map(str, args)])
    return result


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout


def records(doc):
    return {k: doc[k] for k in EXPECTED}


def test_json_reports_exactly_the_planted_changes(snapshots):
    before, after = snapshots
    result = run("--format", "json", "--as-of", AS_OF, before, after)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert records(doc) == EXPECTED
    f = doc["findings"]
    assert f["summary"]["systems"] == {"before": 349, "after": 350}
    assert f["summary"]["authorities"] == {"before": 7, "after": 8}
    cost = f["summary"]["annual_cost"]
    assert round(cost["after"] - cost["before"]) == 90000      # newtown's one system
    assert f["councils"]["newtown"]["systems"] == {"before": None, "after": 1}
    assert {"product": "nec-revenues-benefits", "joined": ["newtown"], "left": []} \
        in f["shared_products"]["changed"]
    assert {"product": "civica-cx", "joined": [], "left": ["northbrook"]} \
        in f["shared_products"]["changed"]


def test_text_summary_first_then_councils(snapshots):
    before, after = snapshots
    result = run("--as-of", AS_OF, before, after)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1:4] == ["  authorities: 1 added, 0 removed, 0 changed",
                          "  systems: 1 added, 0 removed, 1 changed",
                          "  contracts: 1 added, 0 removed, 1 changed"]
    assert lines[4].startswith("  systems 349 -> 350;")
    councils = result.output.split("\n\n")[1:3]
    assert councils == [
        "newtown:\n  council added\n  system added: newtown/nt-revs\n"
        "  contract added: newtown/NT-1\n  systems: (none) -> 1\n"
        "  in service systems: (none) -> 1\n  lines of business: (none) -> 1\n"
        "  annual cost: (none) -> £90,000",
        "northbrook:\n  system changed: northbrook/nb-lettings\n"
        "    product: civica-cx -> salesforce-service-cloud\n    vendor: civica -> salesforce\n"
        "  contract changed: northbrook/NB-C-0051\n    end: 2026-03-31 -> 2031-03-31\n"
        "    extension_until: 2028-03-31 -> 2033-03-31",
    ]
    findings = result.output.split("\n\n")[3]
    assert findings.startswith("findings:\n  shared product civica-cx: left by northbrook\n")
    assert "nb-revs" not in result.output          # the respelt vendor is no change


def test_the_same_snapshot_twice_has_no_change(snapshots):
    before, _ = snapshots
    result = run("--format", "json", "--as-of", AS_OF, before, before)
    doc = json.loads(result.output)
    empty = {"added": [], "removed": [], "changed": []}
    assert records(doc) == {"authorities": empty, "systems": empty, "contracts": empty}
    text = run("--as-of", AS_OF, before, before).output
    assert "No authority, system or contract changed." in text
    assert "findings: no change" in text


def test_git_revisions_give_the_same_changes_and_leave_the_checkout_alone(history, snapshots,
                                                                        monkeypatch):
    status = git(history, "status", "--porcelain")
    monkeypatch.chdir(history)
    result = run("--git", "--format", "json", "--as-of", AS_OF, "HEAD~1", "HEAD", "inv")
    assert result.exit_code == 0, result.output
    assert records(json.loads(result.output)) == EXPECTED
    assert git(history, "status", "--porcelain") == status      # the edit is still there
    assert (history / "inv" / "kingsmere.yaml").read_text() == "kind: authority\n"
    text = run("--git", "--as-of", AS_OF, "HEAD~1", "HEAD", "inv").output
    assert text.splitlines()[0] == "estate diff: HEAD~1:inv -> HEAD:inv (as of 2026-11-21)"
    folders = run("--as-of", AS_OF, *snapshots).output
    assert text.splitlines()[1:] == folders.splitlines()[1:]


def test_git_unknown_revision_is_a_usage_error(history, monkeypatch):
    monkeypatch.chdir(history)
    result = run("--git", "no-such-rev", "HEAD", "inv")
    assert result.exit_code == 2
    assert "git rev-parse failed" in result.output
    assert "Traceback" not in result.output


def test_invalid_side_names_the_file_and_exits_1(snapshots, tmp_path):
    before, _ = snapshots
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: authority\nauthority: {id: x}\n", encoding="utf-8")
    result = run(before, bad)
    assert result.exit_code == 1
    assert f"{bad}:2:" in result.output and "E1" in result.output


def test_usage_errors_exit_2(snapshots):
    before, _ = snapshots
    assert run(before).exit_code == 2
    assert run("--git", "HEAD").exit_code == 2
    assert run(before, "/no/such/folder").exit_code == 2


def test_control_characters_in_values_are_shown_inert(tmp_path):
    before, after = tmp_path / "b", tmp_path / "a"
    for folder, name in ((before, "Payroll"), (after, "Pay\\x1b[2Jroll")):
        folder.mkdir()
        (folder / "x.yaml").write_text(
            "kind: authority\nauthority: {id: x, name: X}\nsystems:\n"
            f"  - {{id: pay, name: \"{name}\", supports: []}}\n", encoding="utf-8")
    result = run("--as-of", AS_OF, before, after)
    assert result.exit_code == 0, result.output
    assert "    name: Payroll -> Pay\\x1b[2Jroll\n" in result.output
    assert "\x1b" not in result.output
    doc = json.loads(run("--format", "json", "--as-of", AS_OF, before, after).output)
    assert doc["systems"]["changed"][0]["fields"]["name"]["after"] == "Pay\x1b[2Jroll"
