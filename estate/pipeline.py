"""The ``analyse`` pipeline as a library call: load, check, graph, analyse, write.

The command line only parses options and calls :func:`analyse`; tests and other tools
can call it too.  Every output is written atomically (``estate.output``), and nothing
is written at all when the inventories are invalid.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from estate import __version__
from estate.analyses import run_all
from estate.config import Settings
from estate.errors import InventoryError
from estate.model import build_graph, load
from estate.output import write_json

log = logging.getLogger(__name__)


@dataclass
class Result:
    estate: object
    graph: object
    findings: dict
    written: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)     # things the user should know (stderr)


def check(estate, strict: bool = False) -> None:
    """Raise :class:`InventoryError` when the estate has errors (or warnings, if strict)."""
    if strict:
        for p in estate.problems:
            if p.severity == "warning":
                p.severity = "error"
    if estate.errors:
        raise InventoryError(estate.problems)


def analyse(paths, outdir, settings: Settings, *, strict: bool = False, jobs: int = 1,
            outputs: Optional[set] = None, progress=None) -> Result:
    """Analyse the inventories under ``paths`` and write the outputs into ``outdir``."""
    timings: dict = {}
    started = time.perf_counter()
    estate = load(paths, jobs=jobs)
    timings["load"] = time.perf_counter() - started
    check(estate, strict)
    t = time.perf_counter()
    graph = build_graph(estate)
    timings["graph"] = time.perf_counter() - t
    findings = run_all(estate, graph, settings, timings)
    result = Result(estate, graph, findings, timings=timings)
    outdir = Path(outdir)
    outputs = outputs or DEFAULT_OUTPUTS
    document = {"estate_version": __version__, "settings": settings.as_dict(), **findings}
    with _timed(timings, "write:analysis.json"):
        write_json(outdir / "analysis.json", document)
    result.written.append(outdir / "analysis.json")
    maps: list = []
    if "maps" in outputs and settings.maps != "none":
        from estate.render.maps import dot_available, render_maps
        if dot_available():
            with _timed(timings, "write:maps"):
                maps = render_maps(estate, graph, findings, outdir / "maps", settings)
            result.written.append(outdir / "maps")
        else:
            result.notes.append("Graphviz 'dot' was not found, so no maps were drawn; install "
                                "Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew "
                                "install graphviz; Windows: winget install graphviz) and run again")
    if "register" in outputs:
        from estate.render.excel import write_register
        with _timed(timings, "write:register.xlsx"):
            write_register(estate, findings, outdir / "register.xlsx", settings)
        result.written.append(outdir / "register.xlsx")
    if "report" in outputs:
        from estate.render.html import write_report
        with _timed(timings, "write:report.html"):
            write_report(estate, findings, maps, outdir / "report.html", settings)
        result.written.append(outdir / "report.html")
    return result


DEFAULT_OUTPUTS = frozenset({"maps", "register", "report"})


@contextmanager
def _timed(timings: dict, key: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[key] = time.perf_counter() - started
