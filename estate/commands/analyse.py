"""``estate analyse PATHS -o OUT``: analyse the inventories and write every output."""

from __future__ import annotations

import contextlib
import logging
import os
import signal

import click

from estate.choices import map_formats as parse_map_formats, parse_maps
from estate.commands.options import (analysis_options, baseline_options, paths_argument, run_settings,
                                     strict_option)
from estate.errors import Interrupted, UsageError
from estate.render.filters import plural


def _formats(ctx, param, value):
    """A click callback: ``svg,png`` as a tuple of map formats, or a usage error."""
    if value is None:
        return None
    try:
        formats = parse_map_formats(value)
    except UsageError:
        formats = ()
    if not formats:
        raise click.BadParameter(f"use svg, png or pdf, comma-separated (not {value!r})")
    return formats


def _maps(ctx, param, value):
    """A click callback: a ``--maps`` value (``auto``, ``council:c01,c02``), or a usage error."""
    if value is None:
        return None
    try:
        parse_maps(value)
    except UsageError as exc:
        raise click.BadParameter(exc.message) from None
    return value


@click.command()
@paths_argument
@click.option("-o", "--output", "outdir", default="output", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write the outputs into.")
@analysis_options
@click.option("--window-months", type=click.IntRange(1, 120),
              help="Contracts ending this close together form a procurement window [12].")
@strict_option
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Worker processes for parsing [number of CPUs].")
@click.option("--maps", "maps", metavar="auto|all|councils|partnerships|none|council:ID[,ID...]",
              callback=_maps,
              help="Which maps to draw [auto: every map up to 20 councils, beyond that the "
                   "landscape, region overviews and partnership maps]; council:ID[,ID...] "
                   "adds those councils' maps to auto's.")
@click.option("--map-format", "map_formats", callback=_formats,
              help="Map formats besides .dot, comma-separated: svg,png,pdf [svg].")
@click.option("--templates", "templates", type=click.Path(exists=True, file_okay=False),
              help="Folder of report templates to use instead of the built-in ones.")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Keep parsed inventories here between runs [$XDG_CACHE_HOME/estate or "
                   "~/.cache/estate].")
@click.option("--no-cache", is_flag=True,
              help="Parse every file and draw every map; read and write no cache.")
@click.option("--force", is_flag=True,
              help="Rewrite every output even when nothing has changed since the last run.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@baseline_options
def analyse(paths, outdir, as_of, config_path, window_months, strict, jobs, maps, map_formats,
            templates, cache_dir, no_cache, force, quiet, baseline_paths, since):
    """Analyse inventories and write analysis.json, register.xlsx, report.html and maps/."""
    from estate.model.parse_cache import ParseCache
    from estate.pipeline import analyse as run
    from estate.progress import for_stream
    from estate.timeline.baseline import baseline_of

    settings, choices = run_settings(paths, config_path, as_of=as_of, window_months=window_months,
                                     maps=maps, map_formats=map_formats, templates=templates)
    baseline = baseline_of(paths, baseline_paths, since)
    cache = None if no_cache else ParseCache(cache_dir)
    try:
        with _terminate_as_interrupt(), _warnings_at_the_end():
            result = run(paths, outdir, settings, choices=choices, strict=strict,
                         jobs=jobs or os.cpu_count() or 1, cache=cache,
                         progress=for_stream(quiet=quiet), force=force, baseline=baseline)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted; {outdir} left as it was") from None
    if quiet:
        return
    _summary(result)
    for path in result.written:
        click.echo(str(path))


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM stops the run as Ctrl-C does: the staging folder is removed on the way
    out and one line says the folder was left as it was."""
    def stop(signum, frame):
        raise KeyboardInterrupt
    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:                  # not the main thread: leave SIGTERM as it is
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Held(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def _warnings_at_the_end():
    """Warnings logged during the run are shown when it ends, after the progress bars;
    a run stopped by Ctrl-C shows none of them (the maps Graphviz was drawing fail with
    it), only the line that says so.  With --debug, everything is shown as it comes."""
    root = logging.getLogger()
    if root.isEnabledFor(logging.DEBUG):
        yield
        return
    handlers, held = root.handlers[:], _Held()
    root.handlers = [held]
    try:
        yield
    except KeyboardInterrupt:
        held.records.clear()
        raise
    finally:
        root.handlers = handlers
        for record in held.records:
            root.handle(record)


def _summary(result) -> None:
    """The notes and counts of a run, on stderr."""
    s = result.findings["summary"]
    for note in result.notes:
        click.echo(f"estate: {note}", err=True)
    # the counts the report and the register show (estate.analyses.summary.finding_counts)
    click.echo(f"estate: {plural(s['authorities'], 'council')}, {plural(s['systems'], 'system')}, "
               f"{plural(s['contracts'], 'contract')}; {plural(s.get('findings', 0), 'finding')}, "
               f"{plural(s.get('warnings', result.warnings), 'data-quality warning')} and "
               f"{plural(s.get('notes', 0), 'note')}", err=True)
    if result.reused:
        click.echo(f"estate: nothing has changed since the run of {result.reused} (the same "
                   f"inputs, settings and estate; its outputs untouched), so nothing was "
                   f"rewritten; --force rewrites them", err=True)
