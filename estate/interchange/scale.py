"""How imports scale: synthetic OCDS releases and contract registers of any size, and
the time and peak memory of importing them (for ``make bench``; see
``docs/benchmarks.md``).

:func:`measure_imports` is the entry point: it writes the inputs into a folder, imports
each size (the library call an ``estate import`` makes, up to the documents it would
write) and returns one row per run::

    {"import": "ocds", "size": 20000, "seconds": 3.1, "cpu_seconds": 3.0, "peak_mb": 75.7,
     "contracts": 20000}

``cpu_seconds`` (the process's CPU time) is the figure to compare on a busy machine.  Peak
memory is the ``tracemalloc`` peak of Python allocations during the import, so it
does not count the interpreter itself and is comparable between sizes.  Both imports
should grow linearly: twice the rows, about twice the time and memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import time
import tracemalloc
from pathlib import Path
from typing import Iterable

BUYERS = ["West Sussex County Council", "London Borough of Camden", "Wyre Council",
          "Burnley Borough Council", "Kent County Council"]
SUPPLIERS = ["NEC Software Solutions UK Ltd", "Civica UK Ltd", "Capita Business Services Ltd",
             "Idox Software Ltd", "Acme Digital Ltd"]


def synthetic_releases(n: int, seed: int = 1) -> dict:
    """A release package of ``n`` awarded releases spread over a few buyers."""
    rng = random.Random(seed)
    releases = []
    for i in range(n):
        start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(2000))
        end = start + dt.timedelta(days=365 * rng.randint(1, 7))
        releases.append({
            "ocid": f"ocds-bench-{i:07d}", "id": f"r-{i:07d}", "date": f"{start}T00:00:00Z",
            "buyer": {"id": "b", "name": BUYERS[i % len(BUYERS)]},
            "tender": {"title": f"Software service {i}",
                       "classification": {"scheme": "CPV", "id": "48000000"}},
            "awards": [{"id": f"a-{i:07d}", "suppliers": [{"name": rng.choice(SUPPLIERS)}],
                        "value": {"amount": rng.randint(1, 900) * 1000, "currency": "GBP"},
                        "contractPeriod": {"startDate": str(start), "endDate": str(end)}}]})
    return {"releases": releases}


def write_register_csv(path, n: int, seed: int = 1) -> Path:
    """A Transparency Code contract register of ``n`` rows (one council)."""
    rng = random.Random(seed)
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Reference Number", "Title of Agreement", "Supplier Name", "Start Date",
                    "End Date", "Value of Contract"])
        for i in range(n):
            start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(2000))
            end = start + dt.timedelta(days=365 * rng.randint(1, 7))
            w.writerow([f"CR-{i:07d}", f"Service {i}", rng.choice(SUPPLIERS),
                        start.strftime("%d/%m/%Y"), end.strftime("%d/%m/%Y") if i % 7 else "",
                        f"£{rng.randint(1, 900)},000"])
    return path


REGISTER_MAPPING = """kind: contracts
authority: Wyre Council
columns: {id: Reference Number, supplier: Supplier Name, start: Start Date, end: End Date,
          total_value: Value of Contract}
notes: [Title of Agreement]
"""


def _timed(func) -> tuple:
    tracemalloc.start()
    began, cpu = time.perf_counter(), time.process_time()
    try:
        value = func()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return value, round(seconds, 2), round(cpu, 2), round(peak / 2**20, 1)


def _add(out: list, report, row: dict) -> None:
    out.append(row)
    if report is not None:
        report(row)


def measure_imports(folder, releases: Iterable[int] = (6000, 20000, 60000),
                    rows: Iterable[int] = (100_000,), report=None) -> list:
    """Time and peak memory of ``import ocds`` and ``import table`` at each size;
    ``report(row)``, when given, is called as each run ends."""
    from estate.interchange.ocds_import import import_ocds
    from estate.interchange.table_import import import_table
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in releases:
        path = folder / f"releases-{n}.json"
        path.write_text(json.dumps(synthetic_releases(n)), encoding="utf-8")
        result, seconds, cpu, peak = _timed(lambda: import_ocds([str(path)]))
        _add(out, report, {"import": "ocds", "size": n, "seconds": seconds, "cpu_seconds": cpu,
                           "peak_mb": peak,
                           "contracts": sum(len(d.contracts) for d in result.docs.values())})
    mapping = folder / "register.mapping.yaml"
    mapping.write_text(REGISTER_MAPPING, encoding="utf-8")
    for n in rows:
        path = write_register_csv(folder / f"register-{n}.csv", n)
        result, seconds, cpu, peak = _timed(lambda: import_table(path, mapping))
        _add(out, report, {"import": "table", "size": n, "seconds": seconds, "cpu_seconds": cpu,
                           "peak_mb": peak,
                           "contracts": sum(len(d.contracts) for d in result.docs.values())})
    return out
