"""Inventory in: find files, parse, validate, build records and the graph.

``load(paths)`` is the one entry point: it returns an :class:`Estate` whose
``problems`` hold everything found (errors and warnings), located to file and line.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Optional

from estate.errors import Problem
from estate.model.catalogue import default_catalogue_files
from estate.model.codes import name_of
from estate.model.graph import build_graph
from estate.model.loader import Positions, discover, parse_file
from estate.model.records import Estate
from estate.model.validate import build_estate

__all__ = ["load", "build_graph", "Estate", "parse_files"]


@lru_cache(maxsize=1)
def _default_catalogue() -> tuple:
    return tuple(parse_file(path) for path in default_catalogue_files())


def parse_files(files: list[str], jobs: int = 1) -> list:
    """Parse files, in ``jobs`` worker processes when there are many."""
    if jobs > 1 and len(files) > 8:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(parse_file, files, chunksize=max(1, len(files) // (jobs * 8))))
    return [parse_file(path) for path in files]


def load(paths: Iterable[str], *, default_catalogue: bool = True, jobs: int = 1,
         parse: Optional[callable] = None) -> Estate:
    """Load and validate every inventory under ``paths``.

    Raises :class:`~estate.errors.UsageError` when a path does not exist.  Invalid
    inventories do not raise: check ``estate.errors``.
    """
    files = discover(paths)
    parsed = (parse or parse_files)(files, jobs) if files else []
    defaults = list(_default_catalogue()) if default_catalogue else []
    estate = build_estate(parsed, defaults)
    if not files:
        estate.problems.append(Problem(
            code="E104", name=name_of("E104"), severity="error",
            message=f"no inventory files (*.yaml, *.yml) under {', '.join(map(str, paths))}",
            hint="point estate at the folder that holds your inventories"))
    Positions().resolve(estate.problems)
    estate.problems.sort(key=Problem.sort_key)
    return estate
