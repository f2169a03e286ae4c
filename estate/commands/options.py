"""Options and arguments shared by the commands, each declared once.

Each is a decorator to stack on a command (the sqlite-utils way), so that a flag means
the same thing, with the same help, wherever it appears::

    @click.command()
    @paths_argument
    @strict_option
    @analysis_options
    def command(paths, strict, as_of, config_path): ...
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import click

from estate.choices import FIELDS as CHOICES, OutputChoices, load_choices
from estate.config import Settings, find_settings, load_settings


def iso_date(ctx, param, value):
    """A click callback: ``YYYY-MM-DD`` as a date, or a usage error that says how to write it."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD")


#: ``PATHS...``: inventory files and folders (at least one)
paths_argument = click.argument("paths", nargs=-1, required=True,
                                type=click.Path(exists=True, dir_okay=True, readable=True))

#: ``--strict``: warnings count as errors
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def as_of_option(help: str = "Treat this date (YYYY-MM-DD) as today."):
    """``--as-of DATE`` (a :class:`datetime.date`, or None); ``help`` says what it does."""
    return click.option("--as-of", callback=iso_date, help=help)


#: ``--config FILE``: the settings file
config_option = click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False),
    help="Settings file (default: estate.yaml beside the inventories).")


def analysis_options(func):
    """``--as-of`` and ``--config``: what every command that runs the analyses takes."""
    return as_of_option()(config_option(func))


def run_settings(paths, config_path: Optional[str], **overrides) -> tuple[Settings, OutputChoices]:
    """The settings and output choices of a run: ``config_path`` (default: the
    ``estate.yaml`` beside ``paths``), then ``overrides`` given on the command line
    (a ``None`` value overrides nothing)."""
    path = config_path or find_settings(paths)
    settings, choices = load_settings(path), load_choices(path)
    settings = settings.replace(**{k: v for k, v in overrides.items() if k not in CHOICES})
    choices = choices.replace(**{k: v for k, v in overrides.items() if k in CHOICES})
    return settings, choices



def baseline_options(func):
    """``--baseline PATH`` (repeatable) and ``--since REV``: the earlier snapshot a run
    reports its progress against (:mod:`estate.timeline.baseline`)."""
    func = click.option(
        "--since", "since", metavar="REV",
        help="Report progress since this git revision of the same inventories.")(func)
    return click.option(
        "--baseline", "baseline_paths", multiple=True, metavar="PATH",
        type=click.Path(exists=True, dir_okay=True, readable=True),
        help="Report progress since these earlier inventories (a folder or file; repeatable).")(func)
