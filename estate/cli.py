"""The ``estate`` command line: parse options, call the library, format, exit.

Exit codes: 0 success; 1 invalid inventories or a failed run; 2 a usage error.
Data goes to stdout, messages to stderr, and a traceback only with ``--debug``.
"""

from __future__ import annotations

import json
import logging
import os
import sys

import click

from estate.commands.options import iso_date

from estate import __version__
from estate.config import find_settings, load_settings
from estate.errors import EstateError, InventoryError


class EstateGroup(click.Group):
    """Turns every :class:`EstateError` into a message and an exit code, in one place."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except EstateError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _report_error(exc)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # an unexpected failure: say so briefly
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"estate: internal error: {type(exc).__name__}: {exc}\n"
                       "  hint: run again with --debug for the traceback, and report it", err=True)
            ctx.exit(1)


def _report_error(exc: EstateError) -> None:
    if isinstance(exc, InventoryError):
        for p in exc.problems:
            if p.severity in ("error", "warning"):
                click.echo(p.format(), err=True)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        warnings = sum(1 for p in exc.problems if p.severity == "warning")
        click.echo(f"estate: {errors} error(s), {warnings} warning(s): nothing was written; fix the "
                   "errors above and run again", err=True)
        return
    click.echo(f"estate: {exc.message}", err=True)
    if exc.hint:
        click.echo(f"  hint: {exc.hint}", err=True)




def _formats(ctx, param, value):
    if value is None:
        return None
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in ("svg", "png", "pdf")]
    if unknown or not formats:
        raise click.BadParameter(f"use svg, png or pdf, comma-separated (not {', '.join(unknown) or value!r})")
    return formats


@click.group(cls=EstateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="estate")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.pass_context
def main(ctx, debug):
    """Discover a council's IT estate and find where councils can converge.

    Point estate at YAML inventories of systems, contracts and lines of business
    (format: SPEC.md; samples: inventories/).
    """
    ctx.obj = {"debug": debug}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="estate: %(levelname)s: %(message)s")


paths_argument = click.argument("paths", nargs=-1, required=True,
                                type=click.Path(exists=True, dir_okay=True, readable=True))


@main.command()
@paths_argument
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format of the problem list.")
@click.option("--verbose", "-v", is_flag=True, help="Also list information notes (I-codes).")
def validate(paths, strict, fmt, verbose):
    """Check inventories and list every problem as FILE:LINE:COL: CODE message.

    Exits 0 when valid (warnings allowed), 1 when invalid.
    """
    from estate.model import load
    from estate.validation_report import format_problems, problems_json

    estate = load(paths)
    if strict:
        for p in estate.problems:
            if p.severity == "warning":
                p.severity = "error"
    if fmt == "json":
        click.echo(json.dumps(problems_json(estate), indent=2))
    else:
        text = format_problems(estate, verbose)
        if text:
            click.echo(text)
    sys.exit(1 if estate.errors else 0)


@main.command()
@paths_argument
@click.option("-o", "--output", "outdir", default="output", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write the outputs into.")
@click.option("--as-of", callback=iso_date, help="Treat this date (YYYY-MM-DD) as today.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Settings file (default: estate.yaml beside the inventories).")
@click.option("--window-months", type=click.IntRange(1, 120),
              help="Contracts ending this close together form a procurement window [12].")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Worker processes for parsing [number of CPUs].")
@click.option("--maps", "maps", type=click.Choice(["all", "councils", "partnerships", "none"]),
              help="Which maps to draw [all].")
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
def analyse(paths, outdir, as_of, config_path, window_months, strict, jobs, maps, map_formats,
            templates, cache_dir, no_cache, force, quiet):
    """Analyse inventories and write analysis.json, register.xlsx, report.html and maps/."""
    from estate.model.parse_cache import ParseCache
    from estate.pipeline import analyse as run
    from estate.progress import for_stream

    settings = load_settings(config_path or find_settings(paths))
    settings = settings.replace(as_of=as_of, window_months=window_months, maps=maps,
                                map_formats=map_formats, templates=templates)
    cache = None if no_cache else ParseCache(cache_dir)
    result = run(paths, outdir, settings, strict=strict, jobs=jobs or os.cpu_count() or 1,
                 cache=cache, progress=for_stream(quiet=quiet), force=force)
    if not quiet:
        s = result.findings["summary"]
        for note in result.notes:
            click.echo(f"estate: {note}", err=True)
        click.echo(f"estate: {s['authorities']} authorities, {s['systems']} systems, "
                   f"{s['contracts']} contracts; {result.warnings} data-quality warning(s)",
                   err=True)
        if result.reused:
            click.echo(f"estate: nothing has changed since the run of {result.reused} (the "
                       f"same inputs, settings and estate; its outputs untouched), so nothing "
                       f"was rewritten; --force rewrites them", err=True)
        for path in result.written:
            click.echo(str(path))


if __name__ == "__main__":  # pragma: no cover
    main()

from estate.commands.interchange import export, import_group  # noqa: E402
main.add_command(import_group)
main.add_command(export)

from estate.commands.synth import synth  # noqa: E402
main.add_command(synth)

from estate.commands.diff import diff  # noqa: E402
main.add_command(diff)

from estate.commands.survey import import_survey, survey  # noqa: E402
main.add_command(survey)
import_group.add_command(import_survey)
