"""``estate synth N -o DIR``: write a synthetic estate of N fictional councils."""

from __future__ import annotations

from pathlib import Path

import click

from estate.commands.options import as_of_option
from estate.errors import UsageError


@click.command()
@click.argument("n", type=click.IntRange(1, 5000))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder to write the estate into (created; must be empty or new).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the generator: the same N and seed give the same files.")
@as_of_option(help="Spread dates around this day (YYYY-MM-DD) [2026-04-01]; written to "
                   "DIR/estate.yaml so analyses use it too.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def synth(n, outdir, seed, as_of, quiet):
    """Write a synthetic estate of N fictional councils, for tests and benchmarks.

    Real product and vendor names from the catalogue, spelled as people spell them;
    150-400 systems and about 0.6 contracts per system for each council; partnerships
    in a catalogue file.  Every file is valid (estate validate DIR gives no errors).
    """
    from estate import synth as generator
    from estate.progress import for_stream

    folder = Path(outdir)
    if folder.exists() and any(folder.iterdir()):
        raise UsageError(f"{outdir} is not empty", hint="name a new folder, or empty this one")
    progress = for_stream(quiet=quiet)
    progress.begin("synth", n)

    def tick(rel: str) -> None:
        if "/" in rel and not rel.endswith("contracts.yaml"):   # one file per council
            progress.advance()

    written = generator.write(n, folder, seed=seed, as_of=as_of or generator.DEFAULT_AS_OF,
                              on_file=tick)
    progress.end()
    if not quiet:
        size = sum(p.stat().st_size for p in written)
        click.echo(f"estate: {n} councils in {len(written)} files ({size / 1e6:.1f} MB) "
                   f"under {outdir}", err=True)
    click.echo(str(folder))
