"""The ``estate`` command line: parse options, call the library, format, exit.

Each command lives in its own module under :mod:`estate.commands`; this module makes
the group, adds every command to it (so ``estate``, ``python -m estate`` and ``python -m
estate.cli`` all list every one), and turns every error into a message in one place.

Exit codes: 0 success; 1 invalid inventories or a failed run; 2 a usage error.
Data goes to stdout, messages to stderr, and a traceback only with ``--debug``.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from estate import __version__
from estate.commands.analyse import analyse
from estate.commands.diff import diff
from estate.commands.survey import import_survey, survey
from estate.commands.interchange import export, import_group
from estate.commands.synth import synth
from estate.commands.validate import validate
from estate.errors import EstateError, Interrupted, InventoryError


class EstateGroup(click.Group):
    """Turns every :class:`EstateError` into a message and an exit code, in one place."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (Interrupted, KeyboardInterrupt) as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _report_error(exc if isinstance(exc, Interrupted) else Interrupted("interrupted"))
            sys.stdout.flush()
            sys.stderr.flush()
            # at once: threads still drawing maps into the staging folder (thrown away on
            # the way here) are not waited for, and print nothing as they go
            os._exit(Interrupted.exit_code)
        except EstateError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _report_error(exc)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
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


#: every command of the group (``--help`` lists them by name)
COMMANDS = (validate, analyse, import_group, export, synth, diff, survey)
for _command in COMMANDS:
    main.add_command(_command)
import_group.add_command(import_survey)     # `estate import survey`, beside the other imports


if __name__ == "__main__":  # pragma: no cover
    main()
