"""The benchmark's report: ratios, verdicts and memory judged as docs/benchmarks.md says.

The benchmark itself is not run here (it takes minutes); its report is given runs whose
figures were chosen by hand, so the right verdicts are known.
"""

from __future__ import annotations

from dataclasses import asdict

from estate.dev import bench

FACTS = {"nproc": 2, "cpu": "test CPU", "memory": "8.0 GiB", "platform": "test",
         "python": "3", "pyyaml": "6", "libyaml": "0.2", "graphviz": "dot 2", "estate": "0"}


def run(name, wall, pss=0, maxrss=100e6, returncode=0, timed_out=False, timings=None):
    return asdict(bench.Run(name=name, command=["python", "-m", "estate", name], wall=wall,
                            cpu=wall, pss=pss, maxrss=maxrss, returncode=returncode,
                            timed_out=timed_out, timings=timings or {}, load=(0.5, 0.6)))


def result(runs: dict) -> dict:
    baseline = run("baseline", 12.0)
    baseline["inner"] = {"seconds": 10.0, "files": 3, "bytes": 1000}
    return {"n": 4, "files": 3, "bytes": 3_000_000, "edited": "a/b.yaml", "seed": 1,
            "runs": {"baseline": baseline, **runs}}


def rows(text: str) -> dict:
    """{run name: cells} of the Targets table."""
    table = text.split("## Targets", 1)[1].split("\n\n", 2)[1]
    out = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        out[cells[1]] = cells
    return out


def test_each_run_is_judged_against_its_own_target_as_a_ratio_to_the_baseline_parse():
    text = bench.report([result({
        "cold": run("cold", 10.0),                       # 1.00x: exactly the target, met
        "warm": run("warm", 0.6),                        # 0.06x: just over 0.05x
        "warm --force": run("warm --force", 0.5),        # judged as warm: 0.05x, met
        "edit": run("edit", 4.0, timed_out=True),        # 0.40x, but it did not finish
        "cold --maps none": run("cold --maps none", 9.0, returncode=1),
    })], FACTS, ["python", "-m", "estate.dev.bench"], "start", "end", "")
    got = rows(text)
    assert got["cold"][5:8] == ["1.00x", "1.0x", "met"]
    assert got["warm"][5:8] == ["0.06x", "0.05x", "**not met**"]
    assert got["warm --force"][5:8] == ["0.05x", "0.05x", "met"]
    assert got["edit"][7] == "**not met** (timed out)"
    assert got["cold --maps none"][7] == "**failed** (exit 1)"


def test_peak_memory_is_the_larger_of_the_two_figures_against_2_5_GB():
    text = bench.report([result({
        "cold": run("cold", 5.0, pss=2.6e9, maxrss=2.0e9),
        "warm": run("warm", 1.0, pss=1.0e9, maxrss=2.4e9),
    })], FACTS, ["python", "-m", "estate.dev.bench"], "start", "end", "")
    got = rows(text)
    assert got["cold"][8:10] == ["2.60 GB (**not met**)", "2.00 GB"]
    assert got["warm"][8:10] == ["2.40 GB (met)", "2.40 GB"]


def test_stage_timings_and_reused_maps_are_tabled_and_notes_are_kept():
    notes = "<!-- notes -->\nwritten by hand\n<!-- /notes -->"
    text = bench.report([result({
        "cold": run("cold", 5.0, timings={"graph": 1.234, "analyse:duplicates": 0.5,
                                          "maps:reused": 0, "cache:hits": 0, "cache:misses": 3}),
        "edit": run("edit", 2.0, timings={"graph": 1.0, "maps:reused": 7,
                                          "cache:hits": 2, "cache:misses": 1}),
    })], FACTS, ["python", "-m", "estate.dev.bench"], "start", "end", notes)
    assert notes in text
    lines = text.splitlines()
    assert "| graph | 1.23 | 1.00 |" in lines
    assert "| analyse:duplicates | 0.50 | - |" in lines
    assert "| maps reused (not drawn again) | 0 | 7 |" in lines
    assert "| cache hits / misses | 0 / 3 | 2 / 1 |" in lines


def test_a_vfork_child_is_not_counted_twice_but_a_forked_worker_is():
    gb = 10 ** 9
    found = {
        100: (1, 2 * gb, int(1.9 * gb)),                       # the command
        101: (100, int(2.01 * gb), int(1.91 * gb)),            # vfork child, read a moment later
        102: (100, int(0.3 * gb), int(0.28 * gb)),             # a parse worker: its own memory
        103: (100, int(1.9 * gb), int(0.95 * gb)),             # just forked: pages shared, PSS split
        104: (101, int(0.2 * gb), int(0.2 * gb)),              # Graphviz, once running
    }
    assert bench.total_pss(found) == int(1.9 * gb) + int(0.28 * gb) + int(0.95 * gb) + int(0.2 * gb)
    found[101] = (100, int(2.2 * gb), int(2.1 * gb))           # 10% apart: not the same memory
    assert bench.total_pss(found) > 5 * gb


def imp(kind, size, cpu, peak, seconds=None):
    return {"import": kind, "size": size, "seconds": seconds or cpu, "cpu_seconds": cpu,
            "peak_mb": peak, "contracts": size}


def test_imports_are_tabled_per_item_with_the_linearity_of_largest_to_smallest():
    text = bench.report([result({"cold": run("cold", 5.0)})], FACTS, ["python"], "s", "e", "", [
        imp("ocds", 1000, 0.5, 10.0), imp("ocds", 10000, 10.0, 100.0, seconds=11.0),
        imp("table", 2000, 1.0, 4.0), imp("table", 4000, 2.0, 8.0)])
    section = text.split("## Imports", 1)[1].splitlines()
    # 10 s / 10,000 releases = 1,000 ms per 1,000; 100 MB = 102,400 KB / 10,000 = 10.24 KB
    assert "| import ocds | 10,000 releases | 10.00 | 11.00 | 100.0 | 1000.0 | 10.24 |" in section
    assert "| import table | 2,000 rows | 1.00 | 1.00 | 4.0 | 500.0 | 2.05 |" in section
    # CPU per release doubled (0.5 ms -> 1 ms), memory per release the same
    assert "| import ocds | 1,000 to 10,000 | 2.00 | 1.00 |" in section
    assert "| import table | 2,000 to 4,000 | 1.00 | 1.00 |" in section


def test_no_imports_no_section():
    text = bench.report([result({"cold": run("cold", 5.0)})], FACTS, ["python"], "s", "e", "")
    assert "## Imports" not in text


def test_bench_measures_tiny_imports_end_to_end(tmp_path):
    out = tmp_path / "bench.md"
    assert bench.main(["--sizes", "", "--import-releases", "200", "--import-rows", "1000,2000",
                       "--out", str(out), "--workdir", str(tmp_path / "work")]) == 0
    section = out.read_text(encoding="utf-8").split("## Imports", 1)[1].splitlines()
    assert any(line.startswith("| import ocds | 200 releases |") for line in section)
    assert any(line.startswith("| import table | 1,000 rows |") for line in section)
    assert any(line.startswith("| import table | 1,000 to 2,000 |") for line in section)
    assert not any("| import ocds | 200 to" in line for line in section)   # one size: no ratio


def test_no_imports_switch_skips_them(tmp_path):
    out = tmp_path / "bench.md"
    assert bench.main(["--sizes", "", "--no-imports", "--import-rows", "1000",
                       "--out", str(out), "--workdir", str(tmp_path / "work")]) == 0
    assert not out.exists()            # nothing measured, nothing written
    assert not (tmp_path / "work" / "imports").exists()


def test_cpu_seconds_stand_beside_wall_seconds_and_counts_are_not_seconds():
    text = bench.report([result({
        "cold": run("cold", 5.0, timings={"write:maps": 40.0, "cpu:write:maps": 71.5,
                                          "analyse:recomputed councils": 400}),
        "edit": run("edit", 2.0, timings={"write:maps": 1.0, "analyse:recomputed councils": 1,
                                          "analyse:reused councils": 399}),
    })], FACTS, ["python", "-m", "estate.dev.bench"], "start", "end", "")
    lines = text.splitlines()
    assert "| write:maps | 40.00 / 71.50 | 1.00 |" in lines
    assert "| analyse:recomputed councils | 400 | 1 |" in lines
    assert "| analyse:reused councils | - | 399 |" in lines


def test_a_map_with_its_graphviz_text_but_no_drawing_is_counted_missing(tmp_path):
    maps = tmp_path / "out" / "maps"
    maps.mkdir(parents=True)
    for name in ("landscape.dot", "landscape.svg", "region-north.dot", "region-north.svg",
                 "partnership-p1.dot"):                 # drawn, drawn, not drawn
        (maps / name).write_text("x")
    assert bench.missing_maps(tmp_path / "out") == 1
    assert bench.missing_maps(tmp_path / "nothing") is None
    cold, warm = run("cold", 5.0), run("warm", 0.4)
    cold["maps_missing"], warm["maps_missing"] = 1, 0
    got = rows(bench.report([result({"cold": cold, "warm": warm})], FACTS,
                            ["python", "-m", "estate.dev.bench"], "start", "end", ""))
    assert got["cold"][10] == "**1 missing**"
    assert got["warm"][10] == "none missing"
