"""Compare two snapshots named on the command line: paths, or git revisions.

Both sides are analysed with the same settings: the ``estate.yaml`` beside the AFTER
inventories (or ``config``), with ``as_of`` when given.
"""

from __future__ import annotations

from pathlib import Path

from estate.config import find_settings, load_settings
from estate.errors import UsageError
from estate.timeline.diff import diff
from estate.timeline.snapshot import git_checkout, load_snapshot


def split_sides(sides) -> tuple[list, list]:
    """``BEFORE AFTER``, each a path or several joined with commas."""
    if len(sides) != 2:
        raise UsageError(f"estate diff takes BEFORE and AFTER (got {len(sides)} argument(s))",
                         hint="join several files of one side with commas, or use --git REV1 REV2")
    out = []
    for side in sides:
        paths = [p for p in side.split(",") if p]
        missing = [p for p in paths if not Path(p).exists()]
        if missing or not paths:
            raise UsageError(f"{', '.join(missing) or side!r} does not exist",
                             hint="each side is a folder or file of inventories")
        out.append(paths)
    return out[0], out[1]


def _settings(config_path, paths, as_of):
    return load_settings(config_path or find_settings(paths)).replace(as_of=as_of)


def compare_paths(before: list, after: list, config_path=None, as_of=None) -> dict:
    settings = _settings(config_path, after, as_of)
    return diff(load_snapshot(before, settings, ",".join(before)),
                load_snapshot(after, settings, ",".join(after)))


def compare_git(rev1: str, rev2: str, path: str = ".", config_path=None, as_of=None) -> dict:
    settings = _settings(config_path, [path], as_of)
    with git_checkout(rev1, path) as (folder, rename):
        before = load_snapshot([folder], settings, f"{rev1}:{path}", rename)
    with git_checkout(rev2, path) as (folder, rename):
        after = load_snapshot([folder], settings, f"{rev2}:{path}", rename)
    return diff(before, after)
