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
    assert all(after[name] != before.get(name) for name in after)


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
