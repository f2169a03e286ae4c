"""Benchmark ``estate analyse`` on synthetic estates: ``python -m estate.dev.bench``.

For each size N it writes a synthetic estate (:mod:`estate.synth`), then runs, each in
its own process so that its wall time and peak memory (``ru_maxrss`` from ``wait4``,
the process and its workers) are its own:

* the *baseline*: ``yaml.load_all`` with PyYAML's ``CSafeLoader`` over every file, in one
  process, the simplest way to read the same files (its parse time is the unit of every
  ratio, so that the targets hold on a slower or faster machine);
* ``estate --debug analyse DIR -o OUT --cache-dir CACHE -q`` four times: *cold* (empty
  cache), *warm* (nothing changed: the outputs of the cold run are reused,
  :mod:`estate.reuse`), *warm --force* (nothing changed, but every output rewritten from
  the parse cache: what a warm run costs without output reuse), *edit* (one council's
  file changed); the debug log gives the time of every stage (parse, validate, graph,
  each analysis, each output);
* the same with ``--maps none`` (``--variants``), to show what the maps cost;
* the imports (:func:`estate.interchange.scale.measure_imports`): ``import ocds`` on
  synthetic release packages (``--import-releases``) and ``import table`` on synthetic
  contract registers (``--import-rows``), CPU and wall seconds and the ``tracemalloc``
  peak of each, per release or row, and how far the largest size is from linear
  (``--no-imports`` leaves them out).

It writes the figures, the targets and whether each is met into a Markdown file
(``docs/benchmarks.md``) with the commands, the machine and the date.  Text between
``<!-- notes -->`` and ``<!-- /notes -->`` in that file is kept from one run to the next.
This is a measurement, not a test: it takes minutes to hours, and tests stay fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

#: (run, target ratio to the baseline parse) -- from the issue
TARGETS = {"cold": 1.0, "warm": 0.05, "edit": 0.4}
MEMORY_TARGET = 2.5e9
NOTES = re.compile(r"<!-- notes -->.*?<!-- /notes -->", re.S)


@dataclass
class Run:
    name: str
    command: list
    shown: list = field(default_factory=list)   # the command with DIR, OUT, CACHE for paths
    wall: float = 0.0
    cpu: float = 0.0                   # user + system seconds, the command and its workers
    maxrss: int = 0                    # bytes, the largest single process
    pss: int = 0                       # bytes, all processes of the command together, sampled
    returncode: Optional[int] = None
    timed_out: bool = False
    timings: dict = field(default_factory=dict)
    inner: Optional[dict] = None       # what the baseline reports about itself
    map_timeouts: int = 0              # maps Graphviz did not finish in time
    maps_missing: Optional[int] = None # maps whose drawing is not in the output (None: no maps)
    load: tuple = ()                   # load average before and after


def measure(name: str, command: list, log: Path, timeout: float) -> Run:
    """Run ``command`` in its own process group; its wall time and peak RSS."""
    run = Run(name, command)
    before = os.getloadavg()[0]
    with open(log, "wb") as err, open(log.with_suffix(".out"), "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
        sampled = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - sampled > 0.25:
                run.pss = max(run.pss, group_pss(proc.pid))
                sampled = time.perf_counter()
            if time.perf_counter() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                run.timed_out = True
                break
            time.sleep(0.01)
        run.wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    run.returncode = proc.returncode
    run.maxrss = usage.ru_maxrss * 1024
    run.cpu = usage.ru_utime + usage.ru_stime
    run.load = (round(before, 2), round(os.getloadavg()[0], 2))
    text = log.read_text(errors="replace")
    match = re.search(r"timings: (\{.*\})", text)
    if match:
        run.timings = json.loads(match.group(1))
    run.map_timeouts = text.count("ran out of time")
    out_text = log.with_suffix(".out").read_text(errors="replace").strip()
    if name == "baseline" and out_text:
        run.inner = json.loads(out_text.splitlines()[-1])
    return run


def missing_maps(out: Path) -> Optional[int]:
    """How many maps in ``out/maps`` have their Graphviz text (``.dot``) but no drawing
    beside it: a map that could not be drawn keeps its ``.dot`` file (``docs/maps.md``).
    None when the run wrote no maps folder."""
    folder = out / "maps"
    if not folder.is_dir():
        return None
    drawn = {p.stem for p in folder.iterdir() if p.suffix in (".svg", ".png", ".pdf")}
    return sum(1 for p in folder.iterdir() if p.suffix == ".dot" and p.stem not in drawn)


def group_pss(group: int) -> int:
    """Proportional set size of every process in process group ``group`` (Linux; else 0).

    Pages that a forked process still shares with its parent count once, split between
    them, so this is what the command costs the machine at that moment.  A child made by
    ``vfork`` (as ``subprocess`` starts Graphviz) borrows its parent's memory until it
    runs the program, and reports its parent's figures: it is not counted (:func:`total_pss`).
    """
    found = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) != group:
                continue
            rss = pss = 0
            with open(f"/proc/{name}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss = int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss = int(line.split()[1]) * 1024
                        break
            found[int(name)] = (int(fields[1]), rss, pss)
        except (OSError, ValueError, IndexError):
            continue
    return total_pss(found)


#: a child whose figures are within this share of its parent's is the parent's memory
VFORK_TOLERANCE = 0.02


def total_pss(found: dict) -> int:
    """The PSS of ``{pid: (parent pid, rss, pss)}``, each vfork child left out.

    A vfork child shares its parent's memory (one address space, so its PSS is about its
    RSS) and reports its parent's figures; read a moment apart while the parent
    allocates, they differ a little, so *about the same* is the test (within
    :data:`VFORK_TOLERANCE`).  A forked worker (the parse workers) has memory of its own,
    far smaller than the parent's, or pages shared with it (PSS well under RSS), and is
    counted.
    """
    total = 0
    for pid, (ppid, rss, pss) in found.items():
        parent = found.get(ppid)
        if parent and pss > 0.75 * rss and _close(rss, parent[1]) and _close(pss, parent[2]):
            continue                     # the same memory as its parent: a vfork child
        total += pss
    return total


def _close(a: int, b: int) -> bool:
    return abs(a - b) <= VFORK_TOLERANCE * max(a, b, 1)


def bare_parse(folder: str) -> dict:
    """Parse every inventory file with PyYAML's C loader, in this process: the baseline."""
    import yaml

    from estate.model.loader import discover

    files = discover([folder])
    started = time.perf_counter()
    size = 0
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        size += len(raw)
        list(yaml.load_all(raw, Loader=yaml.CSafeLoader))
    return {"seconds": time.perf_counter() - started, "files": len(files), "bytes": size}


def edit_one_council(folder: Path) -> Path:
    """Change one number in the first council's file, as a person updating it would."""
    path = next(p for p in sorted(folder.rglob("*.yaml")) if p.name not in ("catalogue.yaml", "estate.yaml")
                and "users: " in p.read_text())
    text = path.read_text()
    m = re.search(r"users: (\d+)", text)
    path.write_text(text[:m.start(1)] + str(int(m.group(1)) + 1) + text[m.end(1):])
    return path


def machine() -> dict:
    import yaml

    facts = {"nproc": os.cpu_count(), "python": platform.python_version(),
             "platform": platform.platform(), "pyyaml": yaml.__version__}
    try:
        import yaml._yaml as cyaml
        facts["libyaml"] = cyaml.get_version_string()
    except ImportError:
        facts["libyaml"] = "not available"
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
        facts["memory"] = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        facts["memory"] = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            facts["cpu"] = re.search(r"model name\s*:\s*(.*)", f.read()).group(1).strip()
    except (OSError, AttributeError):
        facts["cpu"] = platform.processor() or "unknown"
    dot = shutil.which("dot")
    if dot:
        done = subprocess.run([dot, "-V"], capture_output=True, text=True)
        facts["graphviz"] = (done.stderr or done.stdout).strip()
    else:
        facts["graphviz"] = "not installed (no maps drawn)"
    from estate import __version__
    facts["estate"] = __version__
    return facts


def bench_size(n: int, work: Path, seed: int, timeout: float, variants: list, say) -> dict:
    from estate import synth

    folder = work / f"estate-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    say(f"N={n}: writing the synthetic estate")
    files = synth.write(n, folder, seed=seed)
    size = sum(p.stat().st_size for p in files)
    py = sys.executable
    runs = {}

    def go(name, command):
        say(f"N={n}: {name}: {' '.join(map(str, command))}")
        run = measure(name, [str(c) for c in command], work / f"{n}-{name.replace(' ', '')}.log", timeout)
        if "-o" in command:
            run.maps_missing = missing_maps(Path(command[command.index("-o") + 1]))
        names = {str(folder): "DIR", sys.executable: "python"}
        if len(command) > 9:
            names.update({str(command[7]): "OUT", str(command[9]): "CACHE"})
        run.shown = [names.get(str(c), str(c)) for c in command]
        say(f"N={n}: {name}: {run.wall:.1f} s, {run.maxrss / 1e6:.0f} MB, exit {run.returncode}"
            + (" (timed out)" if run.timed_out else ""))
        runs[name] = run
        return run

    go("baseline", [py, "-m", "estate.dev.bench", "--bare", folder])
    edited = None
    for maps in [None, *variants]:
        suffix = f" --maps {maps}" if maps else ""
        extra = ["--maps", maps] if maps else []
        cache = work / f"cache-{n}{suffix.replace(' ', '-')}"
        out = work / f"out-{n}{suffix.replace(' ', '-')}"
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        command = [py, "-m", "estate", "--debug", "analyse", folder, "-o", out,
                   "--cache-dir", cache, "-q", *extra]
        go("cold" + suffix, command)
        go("warm" + suffix, command)
        go("warm --force" + suffix, command + ["--force"])
        edited = edit_one_council(folder)    # each variant sees one changed file
        go("edit" + suffix, command)
    return {"n": n, "files": len(files), "bytes": size, "edited": str(edited.relative_to(folder)),
            "runs": {k: asdict(v) for k, v in runs.items()}}


# --- the report --------------------------------------------------------------------------------

STAGES = [("reuse:check", "hash the inputs; compare with the last run's record"),
          ("load:read", "parse (read + YAML, in worker processes; cache hits on warm runs)"),
          ("load:check", "validate (records, references, names) and locate problems"),
          ("graph", "graph"),
          ("analyse:*", "each analysis"),
          ("write:analysis.json", "analysis.json"),
          ("write:register.xlsx", "register.xlsx"),
          ("write:report.html", "report.html"),
          ("write:maps", "maps (on a thread, beside analysis.json and the register)"),
          ("write:maps (waited)", "time spent waiting for the maps after the register")]


def _fmt(seconds) -> str:
    """Seconds with two decimals; a count (an integer, such as ``analyse:reused councils``)
    as it is."""
    if seconds is None:
        return "-"
    return str(seconds) if isinstance(seconds, int) else f"{seconds:.2f}"


def _stage(timings: dict, key: str) -> str:
    """A stage's wall seconds, and its CPU seconds (``cpu:<stage>``, user + system, the
    stage's child processes included) beside them when the run recorded them."""
    wall, cpu = timings.get(key), timings.get(f"cpu:{key}")
    return _fmt(wall) if cpu is None else f"{_fmt(wall)} / {_fmt(cpu)}"


def _verdict(ratio: Optional[float], target: float, run: dict) -> str:
    if run["timed_out"]:
        return "**not met** (timed out)"
    if run["returncode"] != 0:
        return f"**failed** (exit {run['returncode']})"
    return "met" if ratio is not None and ratio <= target else "**not met**"


def _maps_verdict(run: dict) -> str:
    missing = run.get("maps_missing")
    if missing is None:
        return "-"
    return "none missing" if missing == 0 else f"**{missing} missing**"


IMPORT_NAMES = {"ocds": ("import ocds", "release"), "table": ("import table", "row")}


def import_report(rows: list) -> list[str]:
    """The *Imports* section: one line per import and size, then the linearity of each.

    The linearity ratio is the cost per release (or row) at the largest size divided by
    the cost per release at the smallest: 1.00 is exactly linear, 2.00 means each
    release costs twice as much when there are (say) ten times as many.
    """
    lines = ["## Imports", "",
             "The import step of `estate import ocds` and `estate import table` (reading the "
             "input into the documents an import writes; not validating or writing them) on "
             "synthetic inputs (`estate.interchange.scale`), in this process. *Peak MB* is the "
             "`tracemalloc` peak of Python allocations during the import (the interpreter "
             "itself not counted); *CPU s* is the process's CPU time, the figure to compare "
             "on a busy machine.", "",
             "| import | size | CPU s | wall s | peak MB | CPU ms per 1,000 | peak KB per item |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        name, unit = IMPORT_NAMES.get(r["import"], (r["import"], "item"))
        lines.append(f"| {name} | {r['size']:,} {unit}s | {r['cpu_seconds']:.2f} | "
                     f"{r['seconds']:.2f} | {r['peak_mb']:.1f} | "
                     f"{1e6 * r['cpu_seconds'] / r['size']:.1f} | "
                     f"{1024 * r['peak_mb'] / r['size']:.2f} |")
    lines += ["", "| import | sizes | CPU per item, largest / smallest | peak per item, "
              "largest / smallest |", "|---|---|---:|---:|"]
    for kind in dict.fromkeys(r["import"] for r in rows):
        runs = sorted((r for r in rows if r["import"] == kind), key=lambda r: r["size"])
        small, large = runs[0], runs[-1]
        if len(runs) < 2 or small["size"] == large["size"]:
            continue

        def ratio(key):
            per_small = small[key] / small["size"]
            return "-" if not per_small else f"{(large[key] / large['size']) / per_small:.2f}"
        lines.append(f"| {IMPORT_NAMES.get(kind, (kind,))[0]} | {small['size']:,} to "
                     f"{large['size']:,} | {ratio('cpu_seconds')} | {ratio('peak_mb')} |")
    lines += ["", "A ratio near 1.00 is linear growth; well above 1 means each item costs more "
              "as the input grows.", ""]
    return lines


def report(results: list, facts: dict, argv: list, started: str, finished: str, notes: str,
           imports: Optional[list] = None) -> str:
    lines = ["# Benchmarks", "",
             "Written by `make bench` (`python -m estate.dev.bench`); the figures below come from one "
             "run of it. Times are wall-clock seconds of a whole command (interpreter start "
             "included); *ratio* is that time divided by the baseline's parse time. Peak memory "
             "is the larger of two figures: the proportional set size (PSS) of all the "
             "command's processes together, sampled four times a second (parse workers and "
             "Graphviz included; pages a forked process shares with its parent count once), "
             "and the largest resident set of any one of them "
             "(`ru_maxrss` from `wait4`), shown on its own.",
             "", f"- run: {started} to {finished}",
             f"- command: `{' '.join(argv)}`",
             f"- machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['memory']} memory, "
             f"{facts['platform']}",
             f"- Python {facts['python']}, PyYAML {facts['pyyaml']}, libyaml {facts['libyaml']}, "
             f"{facts['graphviz']}, estate {facts['estate']}",
             "- load average before/after each command is listed: other work on the machine "
             "slows every figure, the baseline included.", "",
             notes or "<!-- notes -->\n<!-- /notes -->", ""]
    lines += ["## Targets", "",
              "| N | run | wall s | CPU s | baseline parse s | ratio | target | verdict | "
              "peak memory, all processes | largest process | maps |",
              "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|"]
    for r in results:
        base = r["runs"]["baseline"]["inner"]["seconds"] if r["runs"]["baseline"]["inner"] else None
        for name, run in r["runs"].items():
            if name == "baseline":
                continue
            kind = name.split()[0]
            ratio = run["wall"] / base if base else None
            target = TARGETS[kind]
            peak = max(run["pss"], run["maxrss"])
            memory = "met" if peak <= MEMORY_TARGET else "**not met**"
            lines.append(f"| {r['n']} | {name} | {run['wall']:.1f} | {run['cpu']:.1f} | {_fmt(base)} | "
                         f"{'-' if ratio is None else f'{ratio:.2f}x'} | {target}x | "
                         f"{_verdict(ratio, target, run)} | {peak / 1e9:.2f} GB ({memory}) | "
                         f"{run['maxrss'] / 1e9:.2f} GB | {_maps_verdict(run)} |")
    lines += ["", f"Memory target: at most {MEMORY_TARGET / 1e9:.1f} GB. Runs named "
              "`--maps none` are the same command without maps. *warm* reuses the outputs of the "
              "run before it (nothing changed: nothing is rewritten); *warm --force* is the same "
              "run told to rewrite every output from the parse cache, shown against the same "
              "target. *CPU s* adds up the user and "
              "system time of the command and its worker processes (Graphviz included): more "
              "than the wall time means the work ran in parallel. *maps*: how many maps have their "
              "Graphviz text but no drawing in the output (the target is none missing; `-`: "
              "no maps written).", ""]
    lines += ["## The estates", "", "| N | files | MB of YAML | baseline parse s | baseline peak memory | "
              "file edited for the *edit* run |", "|---|---:|---:|---:|---:|---|"]
    for r in results:
        b = r["runs"]["baseline"]
        lines.append(f"| {r['n']} | {r['files']} | {r['bytes'] / 1e6:.1f} | "
                     f"{_fmt(b['inner']['seconds'] if b['inner'] else None)} | "
                     f"{b['maxrss'] / 1e6:.0f} MB | `{r['edited']}` |")
    lines += ["", "## Stages", "",
              "Seconds per stage, from the `timings` line of `estate --debug analyse`: wall "
              "seconds, then CPU seconds (user + system, the stage's child processes such as "
              "Graphviz and the register's writer included) where the run recorded them "
              "(`wall / CPU`). Stages overlap: the maps are drawn while analysis.json and the "
              "register are written. Rows such as *reused councils* are counts.", ""]
    for r in results:
        names = [n for n in r["runs"] if n != "baseline"]
        lines += [f"### N = {r['n']}", "", "| stage | " + " | ".join(names) + " |",
                  "|---|" + "---:|" * len(names)]
        keys = []
        for key, _ in STAGES:
            if not key.endswith("*"):
                keys.append(key)
                continue
            for run in r["runs"].values():
                keys += sorted(k for k in run["timings"] if k.startswith(key[:-1]) and k not in keys)
        for key in keys:
            row = [_stage(r["runs"][n]["timings"], key) for n in names]
            lines.append(f"| {key} | " + " | ".join(row) + " |")
        lines.append("| **total (wall, whole command)** | " +
                     " | ".join(f"**{r['runs'][n]['wall']:.2f}**" for n in names) + " |")
        lines.append("| cache hits / misses | " + " | ".join(
            f"{r['runs'][n]['timings'].get('cache:hits', '-')} / {r['runs'][n]['timings'].get('cache:misses', '-')}"
            for n in names) + " |")
        lines.append("| maps reused (not drawn again) | " + " | ".join(
            str(r["runs"][n]["timings"].get("maps:reused", "-")) for n in names) + " |")
        lines.append("| maps whose layout ran out of time | " + " | ".join(
            str(r["runs"][n].get("map_timeouts", "-")) for n in names) + " |")
        lines.append("| load average before / after | " + " | ".join(
            f"{r['runs'][n]['load'][0]} / {r['runs'][n]['load'][1]}" if r['runs'][n]['load'] else "-"
            for n in names) + " |")
        lines.append("")
    lines += ["## Commands", "", "For each N, in a fresh folder `DIR` (`estate synth N -o DIR --seed "
              f"{results[0].get('seed', 1) if results else 1}`):", "", "```"]
    if results:
        for name, run in results[-1]["runs"].items():
            lines.append(f"# {name}")
            lines.append(" ".join(run["shown"]))
    lines += ["```", "", "Between *warm* and *edit*, one number (`users:`) in one council's file "
              "is changed.", ""]
    if imports:
        lines += import_report(imports)
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m estate.dev.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,400", help="numbers of councils, comma-separated")
    parser.add_argument("--out", default="docs/benchmarks.md", help="Markdown file to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", help="folder for estates, outputs and caches [a temporary one]")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="seconds per command")
    parser.add_argument("--variants", default="none",
                        help="--maps values to measure besides the default, comma-separated "
                             "('' for none)")
    parser.add_argument("--import-releases", default="6000,20000,100000",
                        help="OCDS releases per import measured, comma-separated ('' for none)")
    parser.add_argument("--import-rows", default="100000,1000000",
                        help="contract register rows per import measured, comma-separated "
                             "('' for none)")
    parser.add_argument("--no-imports", action="store_true", help="do not measure the imports")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--bare", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        print(json.dumps(bare_parse(args.bare)))
        return 0
    sizes = _sizes(args.sizes)
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="estate-bench-"))
    work.mkdir(parents=True, exist_ok=True)

    def say(message: str) -> None:
        print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)

    started = dt.datetime.now().astimezone()
    facts = machine()
    results, imports = [], []
    try:
        for n in sizes:
            variants = [v.strip() for v in args.variants.split(",") if v.strip()]
            result = bench_size(n, work, args.seed, args.timeout, variants, say)
            result["seed"] = args.seed
            results.append(result)
            (work / "results.json").write_text(json.dumps(results, indent=1, default=str))
        if not args.no_imports:
            from estate.interchange.scale import measure_imports

            def reported(row: dict) -> None:
                say(f"import {row['import']} of {row['size']}: {row['cpu_seconds']} CPU s, "
                    f"{row['peak_mb']} MB peak")
            measure_imports(work / "imports", releases=_sizes(args.import_releases),
                            rows=_sizes(args.import_rows),
                            report=lambda row: (imports.append(row), reported(row)))
    finally:
        out = Path(args.out)
        old = out.read_text(encoding="utf-8") if out.exists() else ""
        notes = NOTES.search(old)
        if results or imports:
            text = report(results, facts, ["python", "-m", "estate.dev.bench", *(argv or sys.argv[1:])],
                          f"{started:%Y-%m-%d %H:%M %Z}",
                          f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
                          notes.group(0) if notes else "", imports)
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, out)
            say(f"wrote {out}")
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
