"""``estate validate PATHS``: list every problem in the inventories."""

from __future__ import annotations

import json
import sys

import click

from estate.commands.options import paths_argument, strict_option


@click.command()
@paths_argument
@strict_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format of the problem list.")
@click.option("--verbose", "-v", is_flag=True, help="Also list information notes (I-codes).")
def validate(paths, strict, fmt, verbose):
    """Check inventories and list every problem as FILE:LINE:COL: CODE message.

    Exits 0 when valid (warnings allowed), 1 when invalid.
    """
    from estate.model import load
    from estate.findings import make_strict
    from estate.validation_report import format_problems, problems_json

    estate = load(paths)
    if strict:
        make_strict(estate)
    if fmt == "json":
        click.echo(json.dumps(problems_json(estate), indent=2))
    else:
        text = format_problems(estate, verbose)
        if text:
            click.echo(text)
    sys.exit(1 if estate.errors else 0)
