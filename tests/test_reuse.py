"""A run with nothing changed rewrites nothing; an edited council redraws only its maps."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from estate import reuse
from estate.model.parse_cache import ParseCache
from estate.choices import OutputChoices
from estate.cli import main
from estate.config import Settings
from estate.errors import InventoryError
from estate.pipeline import analyse
from estate_testing import AS_OF, REPO

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")


@pytest.fixture
def inv(tmp_path):
    """A private copy of the sample inventories, free to edit."""
    folder = tmp_path / "inv"
    shutil.copytree(REPO / "inventories", folder)
    return folder


def run(inv, out, cache, maps="none", **options):
    settings = Settings(as_of=options.pop("as_of", AS_OF))
    return analyse([str(inv)], out, settings, choices=OutputChoices(maps=maps), cache=ParseCache(cache),
                   **options)


def stamps(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def edit(path: Path, pattern: str, replace) -> None:
    text = path.read_text(encoding="utf-8")
    changed, n = re.subn(pattern, replace, text, count=1)
    assert n == 1, f"{pattern!r} not found in {path}"
    path.write_text(changed, encoding="utf-8")


def test_an_unchanged_run_rewrites_nothing_and_reports_what_the_last_run_found(inv, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = run(inv, out, cache)
    assert first.reused is None
    before = stamps(out)
    assert {name for name in before if not name.startswith("report/")} == {
        "analysis.json", "register.xlsx", "report.html"}
    assert "report/candidates.html" in before                   # the board pack's detail pages
    second = run(inv, out, cache)
    assert second.reused is not None
    assert stamps(out) == before
    assert second.findings["summary"] == first.findings["summary"]
    assert second.warnings == first.warnings > 0
    assert [p.name for p in second.written] == [p.name for p in first.written]


@pytest.mark.parametrize("change", ["input", "as_of", "touched output", "deleted output",
                                    "force", "strict"])
def test_any_change_runs_again(inv, tmp_path, change):
    out, cache = tmp_path / "out", tmp_path / "cache"
    run(inv, out, cache)
    options = {}
    if change == "input":
        edit(inv / "kingsmere.yaml", r"users: (\d+)", lambda m: f"users: {int(m.group(1)) + 1}")
    elif change == "as_of":
        options["as_of"] = AS_OF.replace(day=AS_OF.day - 1)
    elif change == "touched output":
        os.utime(out / "register.xlsx", ns=(1, 1))
    elif change == "deleted output":
        (out / "report.html").unlink()
    elif change == "force":
        options["force"] = True
    elif change == "strict":
        options["strict"] = True
    if change == "strict":          # the samples have warnings: a strict run fails
        with pytest.raises(InventoryError):
            run(inv, out, cache, **options)
        return
    before = stamps(out)
    again = run(inv, out, cache, **options)
    assert again.reused is None
    after = stamps(out)
    assert {name for name in after if not name.startswith("report/")} == {
        "analysis.json", "register.xlsx", "report.html"}
    assert all(after[name] != before.get(name) for name in after if not name.startswith("report/"))
    # a detail page is rendered again unless its context is what it was (then reused)
    kept = [name for name in after if name.startswith("report/") and after[name] == before.get(name)]
    assert len(kept) == again.timings["report:pages reused"]
    if change in ("force", "as_of"):
        assert kept == []


def test_a_failed_run_leaves_no_record_so_the_next_run_does_everything(inv, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    run(inv, out, cache)
    good = (inv / "kingsmere.yaml").read_bytes()
    (inv / "kingsmere.yaml").write_bytes(good + b"\n  - {broken: [\n")
    with pytest.raises(InventoryError):
        run(inv, out, cache)
    (inv / "kingsmere.yaml").write_bytes(good)      # the inputs of the first run again
    assert run(inv, out, cache).reused is None


def test_without_a_cache_every_run_writes(inv, tmp_path):
    out = tmp_path / "out"
    settings, choices = Settings(as_of=AS_OF), OutputChoices(maps="none")
    analyse([str(inv)], out, settings, choices=choices)
    before = stamps(out)
    assert analyse([str(inv)], out, settings, choices=choices).reused is None
    assert all(stamps(out)[name] != before[name] for name in before)


def test_a_changed_estate_never_reuses_an_older_run(inv, tmp_path, monkeypatch):
    out, cache = tmp_path / "out", tmp_path / "cache"
    run(inv, out, cache)
    monkeypatch.setattr(reuse, "_fingerprint", "another estate")
    assert run(inv, out, cache).reused is None


def test_the_command_says_nothing_was_rewritten(inv, tmp_path):
    args = ["analyse", str(inv), "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c"),
            "--maps", "none", "--as-of", AS_OF.isoformat()]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "nothing was rewritten" in second.stderr and "--force" in second.stderr
    assert second.stdout == first.stdout                      # the same outputs listed
    summary = [line for line in first.stderr.splitlines() if "data-quality warning" in line]
    assert summary and summary[0] in second.stderr            # the same counts
    forced = CliRunner().invoke(main, args + ["--force"])
    assert forced.exit_code == 0 and "nothing was rewritten" not in forced.stderr


@needs_dot
def test_an_edited_council_redraws_its_maps_and_no_others(inv, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = run(inv, out, cache, maps="all")
    drawn = first.timings["maps:reused"]
    assert drawn == 0
    before = stamps(out / "maps")
    maps = len([name for name in before if name.endswith(".svg")])
    # a system's name is on its council's map (and the maps that show that council)
    edit(inv / "kingsmere.yaml", r"name: Revenues and Benefits Online",
         "name: Revenues and Benefits Portal")
    second = run(inv, out, cache, maps="all")
    after = stamps(out / "maps")
    redrawn = {name for name in after if after[name] != before.get(name)}
    assert "council-kingsmere.svg" in redrawn and "council-kingsmere.dot" in redrawn
    assert "council-wexcombe.svg" not in redrawn
    assert 0 < second.timings["maps:reused"] < maps
    assert len({n for n in redrawn if n.endswith(".svg")}) == maps - second.timings["maps:reused"]
    # what was reused is what a run from scratch draws
    fresh = tmp_path / "fresh"
    analyse([str(inv)], fresh, Settings(as_of=AS_OF), choices=OutputChoices(maps="all"))
    for name in after:
        assert (out / "maps" / name).read_bytes() == (fresh / "maps" / name).read_bytes(), name
    assert (out / "report.html").read_bytes() == (fresh / "report.html").read_bytes()
    assert (out / "analysis.json").read_bytes() == (fresh / "analysis.json").read_bytes()


@needs_dot
def test_a_map_whose_file_was_edited_is_drawn_again(inv, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    run(inv, out, cache, maps="all")
    (out / "maps" / "council-wexcombe.svg").write_text("<svg/>")
    edit(inv / "kingsmere.yaml", r"users: (\d+)", lambda m: f"users: {int(m.group(1)) + 1}")
    run(inv, out, cache, maps="all")
    assert (out / "maps" / "council-wexcombe.svg").read_text().startswith("<?xml")


def test_an_edited_council_renders_only_the_report_pages_whose_context_changed(inv, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = run(inv, out, cache)
    pages = {name for name in stamps(out) if name.startswith("report/")}
    assert first.timings["report:pages rendered"] == len(pages) > 10
    assert first.timings["report:pages reused"] == 0
    before = stamps(out)
    old = {name: (out / name).read_bytes() for name in pages}
    # a system's cost is in its council's figures: on its council's page, and on the
    # shared pages of councils' figures and of candidates; not on another council's page
    edit(inv / "kingsmere.yaml", r"annual_cost: (\d+)", lambda m: f"annual_cost: {int(m.group(1)) + 500000}")
    second = run(inv, out, cache)
    after = stamps(out)
    rendered = {name for name in pages if after[name] != before[name]}
    changed = {name for name in pages if (out / name).read_bytes() != old[name]}
    assert {"report/kingsmere.html", "report/councils.html"} <= changed <= rendered
    assert not {"report/wexcombe.html", "report/ashdown.html", "report/maps.html", "report/roadmap.html",
                "report/risks.html", "report/about.html"} & rendered
    assert len(rendered) < len(pages) // 2
    assert second.timings["report:pages rendered"] == len(rendered)
    assert second.timings["report:pages reused"] == len(pages) - len(rendered) > 0
    # what was reused is what a run from scratch, and a forced run, write
    fresh, forced = tmp_path / "fresh", tmp_path / "forced"
    analyse([str(inv)], fresh, Settings(as_of=AS_OF), choices=OutputChoices(maps="none"))
    shutil.copytree(out, forced)
    third = run(inv, forced, cache, force=True)
    assert third.timings["report:pages reused"] == 0
    for name in pages:
        assert (out / name).read_bytes() == (fresh / name).read_bytes() == (forced / name).read_bytes(), name


def test_a_report_page_whose_file_was_edited_is_rendered_again(inv, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    run(inv, out, cache)
    good = (out / "report" / "wexcombe.html").read_bytes()
    (out / "report" / "wexcombe.html").write_text("edited")
    edit(inv / "kingsmere.yaml", r"annual_cost: (\d+)", lambda m: f"annual_cost: {int(m.group(1)) + 1000}")
    second = run(inv, out, cache)
    assert (out / "report" / "wexcombe.html").read_bytes() == good
    assert second.timings["report:pages reused"] > 0


def test_a_changed_template_renders_every_page_again(inv, tmp_path):
    out, cache, folder = tmp_path / "out", tmp_path / "cache", tmp_path / "templates"
    folder.mkdir()
    run(inv, out, cache)
    (folder / "_footer.html").write_text((REPO / "templates" / "_footer.html").read_text() + "<!-- ours -->\n")
    edit(inv / "kingsmere.yaml", r"annual_cost: (\d+)", lambda m: f"annual_cost: {int(m.group(1)) + 1000}")
    settings = Settings(as_of=AS_OF)
    second = analyse([str(inv)], out, settings, choices=OutputChoices(maps="none", templates=str(folder)),
                     cache=ParseCache(cache))
    assert second.timings["report:pages reused"] == 0
    assert "<!-- ours -->" in (out / "report" / "wexcombe.html").read_text()
