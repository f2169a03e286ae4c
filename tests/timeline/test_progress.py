"""``estate analyse --baseline/--since``: progress since the last report, end to end."""

from __future__ import annotations

import json
import re
import subprocess
from html import unescape

from click.testing import CliRunner

from estate.cli import main
from estate_testing import write_inventory

#: one council running two systems for council tax (a duplicate) and a contract
BEFORE = """
    kind: authority
    authority: {id: alpha, name: Alpha Council, type: district, region: London}
    lines_of_business: [council-tax]
    systems:
      - {id: a-revs, name: Revenues, product: iWorld, supports: [council-tax], annual_cost: 90000}
      - {id: a-old, name: Old Revenues, product: Capita Academy, supports: [council-tax], annual_cost: 40000}
    contracts:
      - {id: A-1, supplier: NEC, covers: [a-revs], end: 2029-03-31, annual_value: 90000}
    """
#: the same with Old Revenues removed and the cost of Revenues cut to 75,000
AFTER = BEFORE.replace("      - {id: a-old, name: Old Revenues, product: Capita Academy, supports: "
                       "[council-tax], annual_cost: 40000}\n", "").replace(
    "annual_cost: 90000}", "annual_cost: 75000}")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def analyse(inventories, out, *options):
    result = run("analyse", inventories, "-o", out, "--as-of", "2026-11-21", "--maps", "none",
                 "--no-cache", *options)
    assert result.exit_code == 0, result.output
    return json.loads((out / "analysis.json").read_text(encoding="utf-8"))


def page_text(out) -> str:
    html = (out / "report" / "progress.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def snapshots(tmp_path):
    write_inventory(tmp_path / "before", "alpha.yaml", BEFORE)
    write_inventory(tmp_path / "after", "alpha.yaml", AFTER)
    return tmp_path / "before", tmp_path / "after"


def test_the_planted_changes_and_nothing_else(tmp_path):
    assert AFTER != BEFORE and "a-old" not in AFTER
    before, after = snapshots(tmp_path)
    progress = analyse(after, tmp_path / "out", "--baseline", before)["progress"]
    assert progress["systems"] == {
        "added": [], "removed": ["alpha/a-old"],
        "changed": [{"id": "alpha/a-revs", "fields": {"annual_cost": {"before": 90000, "after": 75000}}}]}
    assert progress["contracts"] == {"added": [], "removed": [], "changed": []}
    assert progress["authorities"] == {"added": [], "removed": [], "changed": []}
    summary = progress["findings"]["summary"]
    assert summary["systems"] == {"before": 2, "after": 1}
    assert summary["annual_cost"] == {"before": 130000, "after": 75000}
    assert [d["systems"] for d in progress["findings"]["duplicates"]["resolved"]] == \
        [["alpha/a-old", "alpha/a-revs"]]
    assert progress["since"] == {"revision": None, "date": None, "paths": [str(before)]}
    assert progress["names"]["alpha/a-old"] == "Old Revenues"


def test_the_page_says_it_in_words_and_the_board_pack_links_it(tmp_path):
    before, after = snapshots(tmp_path)
    out = tmp_path / "out"
    analyse(after, out, "--baseline", before)
    text = page_text(out)
    assert f"Progress since {before}" in text
    assert "Systems 2 1 down 1" in text
    assert "Annual cost £130,000 £75,000 down £55,000" in text
    assert "1 system removed: Old Revenues." in text
    assert "System Revenues: annual cost £90,000 → £75,000." in text
    assert "Alpha Council no longer runs 2 systems for Council Tax (Old Revenues, Revenues)." in text
    assert "alpha/a-old" not in text
    assert 'href="report/progress.html"' in (out / "report.html").read_text(encoding="utf-8")


def test_without_a_baseline_progress_is_null_and_there_is_no_page(tmp_path):
    _, after = snapshots(tmp_path)
    out = tmp_path / "out"
    assert analyse(after, out)["progress"] is None
    assert not (out / "report" / "progress.html").exists()
    assert "progress.html" not in (out / "report.html").read_text(encoding="utf-8")


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_since_a_git_revision_of_the_same_inventories(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "user.name", "Test")
    write_inventory(repo / "inv", "alpha.yaml", BEFORE)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "before", "--date", "2026-06-30T12:00:00")
    git(repo, "tag", "last-report")
    write_inventory(repo / "inv", "alpha.yaml", AFTER)     # not committed: the run reads it
    out = tmp_path / "out"
    progress = analyse(repo / "inv", out, "--since", "last-report")["progress"]
    assert progress["systems"]["removed"] == ["alpha/a-old"]
    assert [c["id"] for c in progress["systems"]["changed"]] == ["alpha/a-revs"]
    date = git(repo, "show", "-s", "--format=%cs", "last-report")
    assert progress["since"] == {"revision": "last-report", "date": date, "paths": None}
    assert git(repo, "status", "--porcelain") == "M inv/alpha.yaml"   # nothing disturbed
    assert "Progress since last-report (" in page_text(out)


def test_both_options_or_an_unknown_revision_are_usage_errors(tmp_path):
    before, after = snapshots(tmp_path)
    result = run("analyse", after, "-o", tmp_path / "out", "--baseline", before, "--since", "HEAD")
    assert result.exit_code == 2
    assert "--baseline and --since cannot be used together" in result.output
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_inventory(repo, "alpha.yaml", AFTER)
    result = run("analyse", repo, "-o", tmp_path / "out", "--since", "no-such-rev")
    assert result.exit_code == 2
    assert "unknown revision 'no-such-rev'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
    result = run("analyse", after, "-o", tmp_path / "out", "--since", "HEAD")
    assert result.exit_code == 2
    assert f"--since: {after} is not in a git repository" in result.output


def test_a_different_baseline_is_not_skipped_as_nothing_changed(tmp_path):
    before, after = snapshots(tmp_path)
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = ["analyse", after, "-o", out, "--as-of", "2026-11-21", "--maps", "none",
            "--cache-dir", cache]
    assert run(*args).exit_code == 0
    again = run(*args, "--baseline", before)
    assert again.exit_code == 0
    assert "nothing has changed" not in again.output
    assert json.loads((out / "analysis.json").read_text())["progress"]["systems"]["removed"] == \
        ["alpha/a-old"]
    write_inventory(before, "alpha.yaml", AFTER)        # the baseline's bytes changed
    third = run(*args, "--baseline", before)
    assert "nothing has changed" not in third.output
    assert json.loads((out / "analysis.json").read_text())["progress"]["systems"]["removed"] == []


def test_hostile_names_are_inert_on_the_page(tmp_path):
    hostile = "<script>alert(1)</script>"
    write_inventory(tmp_path / "before", "alpha.yaml", BEFORE.replace("Old Revenues", hostile))
    write_inventory(tmp_path / "after", "alpha.yaml", AFTER)
    out = tmp_path / "out"
    analyse(tmp_path / "after", out, "--baseline", tmp_path / "before")
    html = (out / "report" / "progress.html").read_text(encoding="utf-8")
    assert hostile not in html
    assert "1 system removed: &lt;script&gt;alert(1)&lt;/script&gt;." in html


def test_an_invalid_baseline_is_reported_with_its_file_and_line_and_writes_nothing(tmp_path):
    _, after = snapshots(tmp_path)
    bad = write_inventory(tmp_path / "bad", "alpha.yaml", "kind: authority\nauthority: {id: x}\n")
    out = tmp_path / "out"
    result = run("analyse", after, "-o", out, "--baseline", bad.parent, "--no-cache")
    assert result.exit_code == 1
    assert f"{bad}:2:" in result.output
    assert "Traceback" not in result.output
    assert not (out / "analysis.json").exists()
