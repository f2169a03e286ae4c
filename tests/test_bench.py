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
        "warm": run("warm", 3.6),                        # 0.36x: just over 0.35x
        "warm --force": run("warm --force", 3.0),        # judged as warm: 0.30x, met
        "edit": run("edit", 4.0, timed_out=True),        # 0.40x, but it did not finish
        "cold --maps none": run("cold --maps none", 9.0, returncode=1),
    })], FACTS, ["python", "-m", "estate.dev.bench"], "start", "end", "")
    got = rows(text)
    assert got["cold"][5:8] == ["1.00x", "1.0x", "met"]
    assert got["warm"][5:8] == ["0.36x", "0.35x", "**not met**"]
    assert got["warm --force"][5:8] == ["0.30x", "0.35x", "met"]
    assert got["edit"][7] == "**not met** (timed out)"
    assert got["cold --maps none"][7] == "**failed** (exit 1)"


def test_peak_memory_is_the_larger_of_the_two_figures_against_2_5_GB():
    text = bench.report([result({
        "cold": run("cold", 5.0, pss=2.6e9, maxrss=2.0e9),
        "warm": run("warm", 1.0, pss=1.0e9, maxrss=2.4e9),
    })], FACTS, ["python", "-m", "estate.dev.bench"], "start", "end", "")
    got = rows(text)
    assert got["cold"][8:] == ["2.60 GB (**not met**)", "2.00 GB"]
    assert got["warm"][8:] == ["2.40 GB (met)", "2.40 GB"]


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
