"""``estate survey`` and ``estate import survey``: ask the data owners, bring the answers in."""

from __future__ import annotations

import click

from estate.commands.options import iso_date


def _note(message: str) -> None:
    click.echo(f"estate: {message}", err=True)


@click.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=True, readable=True))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the survey workbooks into.")
@click.option("--as-of", callback=iso_date, help="Date written on the surveys [today].")
def survey(paths, outdir, as_of):
    """Write one survey workbook per data owner, with the gaps highlighted.

    An owner is a system's 'owner' within its council, else the council.  Each workbook
    lists the owner's systems and contracts with what is known, drop-down lists for
    enumerated fields and an instruction sheet.  Bring the answers back with
    'estate import survey'.
    """
    import datetime as dt

    from estate.commands.interchange import _load
    from estate.timeline.survey import write_surveys

    estate = _load(paths, False)
    written = write_surveys(estate, outdir, as_of or dt.date.today())
    gaps = sum(counts["gaps"] for _, counts in written)
    _note(f"{len(written)} survey(s) written, {gaps} gap(s) highlighted")
    for path, _ in written:
        click.echo(str(path))


@click.command("survey")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("-o", "--output", "inventories", required=True,
              type=click.Path(exists=True, file_okay=False),
              help="The inventory folder the surveys were written from; changed in place.")
@click.option("--dry-run", is_flag=True, help="Show the changes and the diff; write nothing.")
def import_survey(files, inventories, dry_run):
    """Merge survey answers into the inventories in place, and show the diff.

    Only the fields whose answers differ change; comments and layout are kept.  A survey
    returned unchanged changes nothing.  A value that cannot be read is an error naming
    the file, sheet and cell, and nothing is written.
    """
    from estate.commands.interchange import _load
    from estate.timeline.survey_import import import_surveys

    estate = _load([inventories], False)
    result = import_surveys(files, [inventories], estate, write=not dry_run)
    for change in result.changes:
        _note(change.describe())
    click.echo(result.diff, nl=False)
    verb = "would change" if dry_run else "changed"
    _note(f"{len(result.changes)} field(s) {verb} from {result.files} survey(s)")
