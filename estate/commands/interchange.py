"""``estate import ...`` and ``estate export ...``: inventories in, the estate out.

The commands parse options, call :mod:`estate.interchange`, print and exit.  Data
(change lists, diffs, written paths, a guessed mapping) goes to stdout; notes and
counts go to stderr.
"""

from __future__ import annotations

from pathlib import Path

import click

from estate.commands.options import analysis_options, paths_argument, run_settings, strict_option
from estate.errors import OutputError, UsageError

_FILE = click.Path(exists=True, dir_okay=False, readable=True)


def _note(message: str) -> None:
    click.echo(f"estate: {message}", err=True)




def _import_options(func):
    func = click.option("--catalogue", "catalogues", multiple=True, type=click.Path(exists=True),
                        help="Catalogue file or folder to validate against (partnerships, local "
                             "vendors); may be repeated.")(func)
    func = click.option("--force", is_flag=True,
                        help="Overwrite existing inventory files (after showing the diff).")(func)
    func = click.option("--against", "against", multiple=True, type=click.Path(exists=True),
                        help="Existing inventories to compare with (default: those already in "
                             "-o DIR); may be repeated.")(func)
    func = click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
                        help="Folder to write the inventory files into.")(func)
    return func


def _finish(result, outdir, against, force, catalogues) -> None:
    """Compare, validate, show the diff, and write (or refuse to overwrite).

    When -o DIR already holds inventories (and no --against is given) the import
    changes them in place: only what changed, comments and layout kept.
    """
    from estate.interchange import inplace, writer
    from estate.model.loader import discover

    for line in result.summary():
        _note(line)
    for line in result.notes:
        _note(line)
    outdir = Path(outdir)
    in_place = not against and outdir.is_dir() and bool(discover([str(outdir)]))
    baseline = list(against) or ([str(outdir)] if in_place else [])
    if baseline:
        old = writer.existing_docs([*baseline, *catalogues])   # catalogues: partnership members
        kept = writer.keep_extensions(result.docs, old)
        if kept:
            _note(f"kept {kept} extension key(s) (not in SPEC, e.g. notes) from {', '.join(baseline)}")
        changes = writer.compare(old, result.docs, complete=result.complete)
        _note(f"{len(changes)} change(s) compared with {', '.join(baseline)}")
        for change in changes:
            click.echo(change)
    problems = writer.check(result, outdir, [*catalogues, *against, *( [outdir] if outdir.is_dir() else [])])
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors:
        for p in errors:
            click.echo(p.format(), err=True)
        raise OutputError(f"the imported inventories would not validate ({len(errors)} error(s)); "
                          "nothing was written",
                          hint="pass your catalogue with --catalogue if partnerships or lines of "
                               "business are defined there")
    if warnings:
        _note(f"{len(warnings)} validation warning(s) in what is written (see 'estate validate')")
    if in_place:
        edits = inplace.changes_between(writer.existing_docs([outdir]), result.docs,
                                        complete=result.complete)
        plan = inplace.plan_changes([outdir], edits, new_files_in=outdir,
                                    header=writer.header_lines(result), layout=result.layout)
    else:
        plan = writer.plan(result, outdir)
    if plan.overwrites:
        click.echo(plan.diff(), nl=False)
        if not force:
            raise OutputError(f"{len(plan.overwrites)} existing file(s) in {outdir} would change; "
                              "nothing was written",
                              hint="check the diff above, then run again with --force")
    if in_place and not plan.pending:
        _note(f"nothing to change: the inventories in {outdir} already match")
    written = writer.apply(plan)
    unchanged = sum(1 for f in plan.files if f.status == "unchanged")
    if unchanged:
        _note(f"{unchanged} file(s) already up to date")
    for path in written:
        click.echo(str(path))


@click.group(name="import")
def import_group():
    """Write inventories from a register, a spreadsheet or contract notices.

    Every import writes SPEC inventory YAML into -o DIR, with a comment above each
    record saying where it came from.  Existing files are never overwritten without
    --force; the diff is shown first.
    """


@import_group.command("register")
@click.argument("file", type=_FILE)
@_import_options
def import_register(file, outdir, against, force, catalogues):
    """Read a register.xlsx (from 'estate analyse', edited in Excel) back into inventories.

    Lists every change, record by record and field by field, compared with --against
    inventories or with those already in -o DIR.  Without --catalogue, the catalogue
    files the register was written with (recorded in its properties) are used.
    """
    from estate.interchange.register_import import import_register as run, recorded_catalogue
    if not catalogues:
        found, missing = recorded_catalogue(file)
        catalogues = tuple(found)
        if found:
            _note(f"catalogue from the register's properties: {', '.join(found)}")
        if missing:
            _note(f"the register was written with catalogue file(s) no longer there: "
                  f"{', '.join(missing)} (pass --catalogue)")
    _finish(run(file), outdir, against, force, catalogues)


@import_group.command("table")
@click.argument("file", type=_FILE)
@click.option("--mapping", "mapping", type=_FILE,
              help="Column mapping (YAML): which column holds which SPEC field.")
@click.option("--guess", is_flag=True, help="Print a proposed mapping from the headers, and stop.")
@click.option("--kind", type=click.Choice(["contracts", "systems"]),
              help="With --guess: what the table holds (default: worked out from the headers).")
@click.option("--sheet", help="The sheet of a workbook (default: the mapping's, or the first).")
@click.option("--header-row", type=click.IntRange(1, 1000),
              help="The row that holds the headers (default: the mapping's, or found: a title "
                   "row above the header is skipped).")
@click.option("--it-only", is_flag=True,
              help="Keep only IT contracts: by CPV code, the council's category or keywords "
                   "(docs/interchange.md).")
@click.option("--explain", is_flag=True, help="With --it-only: say why each row was kept or dropped.")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False),
              help="Folder to write the inventory files into.")
@click.option("--against", "against", multiple=True, type=click.Path(exists=True),
              help="Existing inventories to compare with (default: those in -o DIR).")
@click.option("--force", is_flag=True, help="Overwrite existing inventory files.")
@click.option("--catalogue", "catalogues", multiple=True, type=click.Path(exists=True),
              help="Catalogue file or folder to validate against.")
def import_table(file, mapping, guess, kind, sheet, header_row, it_only, explain, outdir, against,
                 force, catalogues):
    """Read a council's own spreadsheet (.xlsx) or CSV of systems or contracts.

    Use --guess first to get a mapping to check and save, then --mapping to import.
    """
    from estate.interchange import table_guess, table_import
    if guess:
        click.echo(table_guess.guess_yaml(file, sheet, header_row or 1, kind), nl=False)
        return
    if not mapping:
        raise UsageError("give --mapping MAPPING.yaml (or --guess to propose one)")
    if not outdir:
        raise UsageError("give -o DIR, the folder to write the inventory into")
    result = table_import.import_table(file, mapping, sheet=sheet, header_row=header_row,
                                       it_only=it_only, explain=explain)
    _finish(result, outdir, against, force, catalogues)


@import_group.command("ocds")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--it-only", is_flag=True,
              help="Keep only IT contracts (a CPV code in 48, 72, 302 or 324-325).")
@click.option("--term-from-text", is_flag=True,
              help="For notices without an end date: estimate it from a term stated in the text "
                   "('a three-year contract'); said in the comment.")
@_import_options
def import_ocds(paths, it_only, term_from_text, outdir, against, force, catalogues):
    """Read OCDS releases or records (Contracts Finder, Find a Tender) as contracts.

    PATHS are .json files or folders of them: release packages, record packages,
    single releases, or flattened Contracts Finder notices (detected automatically).
    Buyers are matched to UK local authorities.
    """
    from estate.interchange.ocds_import import import_ocds as run
    _finish(run(paths, it_only=it_only, term_from_text=term_from_text), outdir, against, force,
            catalogues)


# ---------------------------------------------------------------------------- export
def _load(paths, strict):
    from estate.findings import load_valid
    return load_valid(paths, strict)


def _findings(estate, paths, config_path, as_of):
    """The findings of the analyses, as ``estate analyse`` finds them, and the settings."""
    from estate.findings import run_analyses
    settings, _ = run_settings(paths, config_path, as_of=as_of)
    return run_analyses(estate, settings)[1], settings


@click.group(name="export")
def export():
    """Write the estate for other tools: ArchiMate, Archi CSV, SQLite, CSV.

    The inventories are loaded and validated first; invalid ones are refused, as
    'estate analyse' refuses them.
    """


@export.command("archimate")
@paths_argument
@click.option("-o", "--output", "out", default="estate-archimate.xml", show_default=True,
              type=click.Path(dir_okay=False), help="The .xml file to write.")
@click.option("--name", help="Model name (default: the authorities' names).")
@strict_option
def export_archimate(paths, out, name, strict):
    """ArchiMate 3.1 Open Exchange Format XML (opens in Archi and other EA tools)."""
    from estate.interchange.archimate import write_archimate
    model = write_archimate(_load(paths, strict), out, name)
    _note(f"{len(model.elements)} elements, {len(model.relationships)} relationships")
    click.echo(out)


@export.command("archi-csv")
@paths_argument
@click.option("-o", "--output", "outdir", default="archi-csv", show_default=True,
              type=click.Path(file_okay=False), help="Folder for elements.csv, relations.csv, "
                                                     "properties.csv.")
@click.option("--name", help="Model name (default: the authorities' names).")
@strict_option
def export_archi_csv(paths, outdir, name, strict):
    """Archi's CSV trio: elements.csv, relations.csv, properties.csv."""
    from estate.interchange.archi_csv import write_archi_csv
    for path in write_archi_csv(_load(paths, strict), outdir, name):
        click.echo(str(path))


@export.command("sqlite")
@paths_argument
@click.option("-o", "--output", "out", default="estate.db", show_default=True,
              type=click.Path(dir_okay=False), help="The database file to write.")
@analysis_options
@strict_option
def export_sqlite(paths, out, as_of, config_path, strict):
    """One SQLite database of the estate and its findings (for Datasette or SQL)."""
    from estate.interchange.sqlite_export import write_sqlite
    estate = _load(paths, strict)
    findings, settings = _findings(estate, paths, config_path, as_of)
    write_sqlite(estate, findings, out, settings)
    click.echo(out)


@export.command("csv")
@paths_argument
@click.option("-o", "--output", "outdir", default="estate-csv", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write the CSV files into.")
@analysis_options
@strict_option
def export_csv(paths, outdir, as_of, config_path, strict):
    """One CSV per register and per finding list (UTF-8 with BOM, for Excel)."""
    from estate.interchange.csv_export import write_csvs
    estate = _load(paths, strict)
    findings, _ = _findings(estate, paths, config_path, as_of)
    for path in write_csvs(estate, findings, outdir):
        click.echo(str(path))
