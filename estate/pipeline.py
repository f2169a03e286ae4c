"""The ``analyse`` pipeline as a library call: load, check, graph, analyse, write.

The command line only parses options and calls :func:`analyse`; tests and other tools
can call it too.  The outputs are written into a staging folder and published together
(:mod:`estate.publish`): the output folder holds the previous run or this one, whole,
whatever stops the run; nothing is written at all when the inventories are invalid.

At the scale of a national estate (``docs/performance.md``): files are parsed in ``jobs``
worker processes and, given a ``cache``, reused from earlier runs; once loaded, the
estate and its graph are moved out of the garbage collector's sight (``gc.freeze``), as
they live until the end of the run and hold no garbage, so that each later collection
looks only at what the analyses and renderers create.  ``progress`` hears of every
stage (:mod:`estate.progress`).
"""

from __future__ import annotations

import datetime
import gc
import json
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from estate import __version__
from estate.analyses import CouncilCache
from estate.choices import OutputChoices
from estate.config import Settings
from estate import forked
from estate.clock import thread_cpu, timed as _timed
from estate.findings import load_valid, run_analyses
from estate.forked import Forked
from estate.model.loader import discover
from estate.output import write_json_stream
from estate.progress import Progress, as_progress
from estate.publish import Publication, check_inputs
from estate.reuse import (MapReuse, PageReuse, RunRecord, RunRecords, current, drawing_identity,
                          files_written, input_digests, run_key)
from estate.timeline.baseline import progress as progress_since
from estate.timeline.diff import record_views
from estate.timeline.snapshot import Snapshot

log = logging.getLogger(__name__)


@dataclass
class Result:
    estate: object
    graph: object
    findings: dict
    written: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)     # things the user should know (stderr)
    warnings: int = 0                             # data-quality warnings in the inputs
    reused: Optional[str] = None                  # when set: nothing rewritten; the earlier run's time


def analyse(paths, outdir, settings: Settings, *, choices: Optional[OutputChoices] = None,
            strict: bool = False, jobs: int = 1, outputs: Optional[set] = None, progress=None,
            cache=None, force: bool = False, baseline=None) -> Result:
    """Analyse the inventories under ``paths`` and write the outputs into ``outdir``.

    ``settings`` are the analyses' thresholds and ``as_of``, the run's "today" (published
    in ``analysis.json``); ``choices`` the :class:`~estate.choices.OutputChoices` (which
    maps, their formats, the report's templates; default: the defaults), which change
    the files written but no finding.
    ``cache`` is a :class:`~estate.model.parse_cache.ParseCache` (None: parse every file, reuse
    nothing).  With a cache, a run whose inputs, settings and estate are those of the last
    completed run into ``outdir``, whose outputs are untouched, rewrites nothing
    (:mod:`estate.reuse`; ``Result.reused``) unless ``force``; unchanged maps are not
    drawn again.  ``progress`` is a :class:`~estate.progress.Progress` or a function
    ``f(stage, done, total)``.  ``baseline`` (a :class:`~estate.timeline.baseline.Baseline`,
    or None) is the earlier snapshot the findings' ``progress`` compares with.
    """
    timings: dict = {}
    progress = _Clock(as_progress(progress), timings)
    try:
        return _analyse(paths, outdir, settings, choices or OutputChoices(), strict, jobs,
                        outputs or DEFAULT_OUTPUTS, progress, cache, force, timings, baseline)
    finally:
        gc.unfreeze()
        if cache is not None:
            timings.update({f"cache:{k}": v for k, v in cache.stats.as_dict().items()})
        log.debug("timings: %s", json.dumps({k: round(v, 4) if isinstance(v, float) else v
                                              for k, v in timings.items()}))


def _analyse(paths, outdir, settings, choices, strict, jobs, outputs, progress, cache, force,
             timings, baseline=None) -> Result:
    outdir = Path(outdir)
    check_inputs(outdir, paths)
    # the folder is this run's from here on: a second run into it refuses at once
    with Publication(outdir) as publication:
        records = key = earlier = None
        if cache is not None:
            with _timed(timings, "reuse:check"):
                records = RunRecords(cache.root)
                key = run_key(input_digests(discover(paths)), settings, choices, outputs, strict,
                              baseline.identity() if baseline else None)
                earlier = records.get(outdir)
            if not force and current(earlier, key):
                return Result(None, None, {"summary": earlier.summary}, notes=earlier.notes,
                              written=[outdir / name for name in earlier.written], timings=timings,
                              warnings=earlier.warnings, reused=earlier.finished)
            records.forget(outdir)      # a run that fails from here on leaves no record
        with _timed(timings, "load", children=True):
            estate = load_valid(paths, strict, jobs=jobs, cache=cache, progress=progress)
        choices.check_councils(estate.authorities)      # before any analysis runs
        gc.freeze()
        views = record_views(estate) if baseline else None     # before the plan moves any status
        graph, findings = run_analyses(estate, settings, progress=progress, timings=timings,
                                       freeze=True, cache=CouncilCache(cache.root) if cache else None)
        findings["progress"] = None
        if baseline:
            with _timed(timings, "progress"):
                now = Snapshot(",".join(map(str, paths)), estate, findings, views)
                findings["progress"] = progress_since(baseline, baseline.load(paths, settings), now)
        gc.freeze()         # the findings, too, live to the end of the run
        result = Result(estate, graph, findings, timings=timings,
                        warnings=sum(1 for p in estate.problems if p.severity == "warning"))
        work = publication.staging
        reuse = MapReuse(earlier if not force else None, drawing_identity(), into=work) \
            if records else None
        pages = PageReuse(earlier if not force else None) if records else None
        maps = _write(result, work, settings, choices, outputs, jobs, progress, reuse, pages)
        files = files_written(work, result.written, maps, pages.entries if pages is not None else ())
        publication.publish()
    result.written = [outdir / Path(p).name for p in result.written]
    if reuse is not None:
        timings["maps:reused"] = reuse.reused
    if pages is not None and "report" in outputs:
        timings["report:pages reused"], timings["report:pages rendered"] = pages.reused, pages.rendered
    if records is not None:
        records.put(RunRecord(
            key=key, outdir=str(outdir.resolve()), summary=findings["summary"],
            finished=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            warnings=result.warnings, notes=list(result.notes),
            written=[p.name for p in result.written], files=files,
            maps=reuse.entries if reuse is not None else {},
            pages=pages.entries if pages is not None else {}))
    return result


def _write(result: Result, work: Path, settings, choices, outputs, jobs, progress, reuse,
           pages: Optional[PageReuse] = None) -> list:
    """Write every output into the folder ``work``; listed in ``result.written``.  Returns
    what the map renderer returned (one dict per map).  ``reuse`` and ``pages`` hand over
    the maps and report pages of the folder's earlier run."""
    estate, graph, findings, timings = result.estate, result.graph, result.findings, result.timings
    document = {"estate_version": __version__, "settings": settings.as_dict(), **findings}
    progress.begin("write", 1 + len(outputs & DEFAULT_OUTPUTS))
    drawing = None
    if "maps" in outputs and choices.maps != "none":
        from estate.render.maps import dot_available, render_maps
        if dot_available():
            def draw():
                with _timed(timings, "write:maps", children=True):
                    return render_maps(estate, graph, findings, work / "maps", choices, reuse=reuse)
            drawing = draw
        else:
            result.notes.append("Graphviz 'dot' was not found, so no maps were drawn; install "
                                "Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew "
                                "install graphviz; Windows: winget install graphviz) and run again")
    maps: list = []
    register_job = maps_job = None
    try:
        if "register" in outputs:
            from estate.render.excel import write_register

            def register():
                write_register(estate, findings, work / "register.xlsx", settings)
            # the register is pure Python: beside the maps' thread it would take turns with
            # it at the interpreter lock, so with more than one CPU it is written by a
            # forked child (before the thread starts: nothing of the thread's is copied)
            register_job = _Register(register, forked=jobs > 1 and forked.available())
        if drawing is not None:
            # Graphviz does most of the work of the maps, in its own processes: with more
            # than one CPU, the maps are drawn from a thread while this one writes the
            # JSON (the report needs the maps, so it comes last)
            maps_job = _Thread(drawing) if jobs > 1 else _Now(drawing)
        with _timed(timings, "write:analysis.json"):
            write_json_stream(work / "analysis.json", document)
        result.written.append(work / "analysis.json")
        progress.advance()
        if isinstance(maps_job, _Now):
            maps = maps_job.join()
            result.written.append(work / "maps")
        if register_job is not None:
            register_job.join(timings)
            result.written.append(work / "register.xlsx")
            progress.advance()
    except BaseException:
        if register_job is not None:
            register_job.kill()         # on any error or Ctrl-C: the child stops at once
        if isinstance(maps_job, _Thread) and not isinstance(sys.exc_info()[1], KeyboardInterrupt):
            maps_job.join()             # raises what drawing raised, after any error here
        raise
    # (on Ctrl-C the drawing is not waited for: the staging folder is thrown away)
    if isinstance(maps_job, _Thread):
        t = time.perf_counter()
        maps = maps_job.join()
        timings["write:maps (waited)"] = time.perf_counter() - t
        result.written.append(work / "maps")
    if "maps" in outputs:
        progress.advance()
        from estate.render.maps import failed_maps_note
        if failed_maps_note(maps):      # never silently missing: named in the summary
            result.notes.append(failed_maps_note(maps))
    if "report" in outputs:
        from estate.render.html import write_report
        with _timed(timings, "write:report.html"):
            write_report(estate, findings, maps, work / "report.html", settings, choices, reuse=pages)
        result.written.append(work / "report.html")
        result.written.append(work / "report")      # the detail pages beside it
        progress.advance()
    progress.end()
    return maps


class _Register:
    """The register written from now: in a forked child (:mod:`estate.forked`) when
    ``forked``, else in this thread when joined.  Its timings: ``write:register.xlsx``
    (wall, from the fork to the child's end) and ``cpu:write:register.xlsx`` (the child's
    CPU seconds, from ``wait4``, plus this thread's)."""

    KEY = "write:register.xlsx"

    def __init__(self, work, forked: bool):
        self.work, self.started, self.cpu = work, time.perf_counter(), thread_cpu()
        self.child = Forked(work, "register.xlsx") if forked else None

    def join(self, timings: dict) -> None:
        if self.child is None:
            with _timed(timings, self.KEY):
                self.work()
            return
        try:
            self.child.join()
        finally:
            timings[self.KEY] = time.perf_counter() - self.started
            timings[f"cpu:{self.KEY}"] = self.child.cpu + max(0.0, thread_cpu() - self.cpu)

    def kill(self) -> None:
        if self.child is not None:
            self.child.kill()


class _Now:
    """A job done when joined, in this thread."""

    def __init__(self, work):
        self.work = work

    def join(self):
        return self.work()


class _Thread:
    """A job done in a thread from now; :meth:`join` returns its result or raises its error."""

    def __init__(self, work):
        self.work = work
        self.value, self.error = None, None
        self.thread = threading.Thread(target=self._run, name="estate-maps", daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.value = self.work()
        except BaseException as exc:   # noqa: BLE001 - handed to the joining thread
            self.error = exc

    def join(self):
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value


class _Clock(Progress):
    """Passes progress on, and records how long each stage of loading took (``load:read``)."""

    def __init__(self, inner: Progress, timings: dict):
        self.inner, self.timings, self.stage, self.started = inner, timings, None, 0.0

    def begin(self, stage, total=None):
        self.stage, self.started = stage, time.perf_counter()
        self.inner.begin(stage, total)

    def advance(self, n=1):
        self.inner.advance(n)

    def end(self):
        if self.stage in ("read", "check"):
            self.timings[f"load:{self.stage}"] = time.perf_counter() - self.started
        self.inner.end()


DEFAULT_OUTPUTS = frozenset({"maps", "register", "report"})
