"""Inventory in: find files, parse, validate, build records and the graph.

``load(paths)`` is the one entry point: it returns an :class:`Estate` whose
``problems`` hold everything found (errors and warnings), located to file and line.

Files are parsed in worker processes when there are many (``jobs``), and, given a
:class:`~estate.model.parse_cache.ParseCache`, read from the cache when their bytes have been parsed
before; ``docs/performance.md`` explains both.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

from estate.errors import Problem
from estate.model.catalogue import default_catalogue_files
from estate.model.codes import name_of
from estate.model.files import DEFAULT_MAX_FILE_BYTES
from estate.collector import collector_off
from estate.model.loader import discover, parse_file
from estate.model.positions import Positions
from estate.model.parsing import iter_parse, parse_files
from estate.model.records import Estate
from estate.model.validate import build_estate
from estate.progress import as_progress

__all__ = ["load", "build_graph", "Estate", "parse_files", "iter_parse"]


def build_graph(estate: Estate):
    """:func:`estate.model.graph.build_graph`, imported when first needed: NetworkX takes
    a tenth of a second to import, which a run with nothing to do never needs."""
    from estate.model.graph import build_graph as build
    return build(estate)


@lru_cache(maxsize=1)
def _default_catalogue() -> tuple:
    # package data: the default limit, whatever limit the inputs are read under
    return tuple(parse_file(path, DEFAULT_MAX_FILE_BYTES) for path in default_catalogue_files())


def _remembered(parsed, positions: Positions, progress, digests: dict):
    """Each parsed file, once its node index is handed to ``positions`` and its SHA-256
    noted in ``digests``; after the last, the ``check`` stage begins (references across
    files, names, locating problems)."""
    for p in parsed:
        positions.remember(p)
        digests[p.path] = getattr(p, "digest", None)
        yield p
    progress.begin("check")


def load(paths: Iterable[str], *, default_catalogue: bool = True, jobs: int = 1,
         parse: Optional[callable] = None, cache=None, progress=None,
         max_file_bytes: Optional[int] = None) -> Estate:
    """Load and validate every inventory under ``paths``.

    Raises :class:`~estate.errors.UsageError` when a path does not exist.  Invalid
    inventories do not raise: check ``estate.errors``.  ``jobs`` worker processes parse
    the files; ``cache`` (a :class:`~estate.model.parse_cache.ParseCache`) keeps parses between runs;
    ``progress`` receives the stages (:mod:`estate.progress`).  Each file is read only if
    it is a regular file of at most ``max_file_bytes`` (None: ``$ESTATE_MAX_FILE_BYTES``,
    else 64 MiB; :mod:`estate.model.files`); any other is reported (E105, E106).

    ``estate.digests`` maps each file read to the SHA-256 of the bytes parsed (None when
    not known), as the analyses' cache keys read them.
    ``estate.positions`` is a :class:`~estate.model.positions.Positions` that locates any
    key path of the inputs from the index kept while parsing (no YAML is read again).
    """
    progress = as_progress(progress)
    files = discover(paths)
    defaults = list(_default_catalogue()) if default_catalogue else []
    positions = Positions(parsed={p.path: p for p in defaults})
    if parse is not None:
        parsed = parse(files, jobs) if files else []
    else:
        parsed = iter_parse(files, jobs, cache=cache, progress=progress,
                            limit=max_file_bytes) if files else []
    with collector_off(settle=True):
        digests: dict = {}
        estate = build_estate(_remembered(parsed, positions, progress, digests), defaults)
        if not files:
            estate.problems.append(Problem(
                code="E104", name=name_of("E104"), severity="error",
                message=f"no inventory files (*.yaml, *.yml) under {', '.join(map(str, paths))}",
                hint="point estate at the folder that holds your inventories"))
        positions.resolve(estate.problems)
        estate.problems.sort(key=Problem.sort_key)
        # analyses that report records locate them with this, not by reading YAML again
        estate.positions = positions
        estate.digests = digests
    progress.end()
    return estate
