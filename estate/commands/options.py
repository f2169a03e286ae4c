"""Option helpers shared by the commands."""

from __future__ import annotations

import datetime as dt

import click


def iso_date(ctx, param, value):
    """A click callback: ``YYYY-MM-DD`` as a date, or a usage error that says how to write it."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; write YYYY-MM-DD")
