"""``estate diff``: what changed between two snapshots of the inventories."""

from __future__ import annotations

import json

import click

from estate.commands.options import analysis_options


@click.command()
@click.argument("sides", nargs=-1, required=True)
@click.option("--git", "git", is_flag=True,
              help="Compare two git revisions: estate diff --git REV1 REV2 [PATH].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@analysis_options
def diff(sides, git, fmt, as_of, config_path):
    """Compare two snapshots: records added, removed and changed, and the findings.

    \b
    estate diff BEFORE AFTER          each side a folder or file of inventories
                                      (several: join them with commas)
    estate diff --git REV1 REV2 [PATH]  two revisions of PATH (default: the current folder)

    Vendors and products are compared after catalogue normalisation.  Exits 0 (with or
    without changes), 1 for invalid inventories, 2 for a usage error.
    """
    from estate.timeline.compare import compare_git, compare_paths, split_sides
    from estate.timeline.diff_text import format_text

    if git:
        if len(sides) not in (2, 3):
            raise click.UsageError("--git takes REV1 REV2 [PATH]")
        result = compare_git(sides[0], sides[1], sides[2] if len(sides) == 3 else ".",
                             config_path, as_of)
    else:
        before, after = split_sides(sides)
        result = compare_paths(before, after, config_path, as_of)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if fmt == "json"
               else format_text(result), nl=fmt == "json")
