"""One side of a comparison: inventories on disk, or a git revision of them.

A :class:`Snapshot` is a loaded, valid estate with its findings, computed by the
pipeline's own function (:func:`estate.findings.run_analyses`), so a comparison sees
exactly what ``estate analyse`` would report.  A git revision is read with ``git
ls-tree`` and ``git show`` into a temporary folder, which is removed afterwards; the
working tree, the index and ``HEAD`` are never touched.  Problems in a revision's files
are reported as ``REV:path/in/repo.yaml:line:col``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from estate.errors import InventoryError, UsageError

INVENTORY_SUFFIXES = (".yaml", ".yml")


@dataclass
class Snapshot:
    label: str            # what the user named: the paths, or the revision
    estate: object
    findings: dict
    views: dict           # the records as written, normalised (estate.timeline.diff)


def load_snapshot(paths, settings, label: str | None = None, rename=None) -> Snapshot:
    """Load and analyse the inventories under ``paths``; invalid ones raise
    :class:`InventoryError`.  ``rename(path) -> str`` relabels the files in problems."""
    from estate.model import load
    from estate.findings import run_analyses
    from estate.timeline.diff import record_views

    estate = load([str(p) for p in paths])
    if rename is not None:
        for p in estate.problems:
            if p.file:
                p.file = rename(p.file)
    if estate.errors:
        raise InventoryError(estate.problems)
    views = record_views(estate)        # before the plan moves any status
    _, findings = run_analyses(estate, settings)
    return Snapshot(label or " ".join(map(str, paths)), estate, findings, views)


def _git(args: list, cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git was not found", hint="install git, or compare two folders")
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed in {cwd}: {message[-1] if message else done.returncode}",
                         hint="check the revision with 'git log --oneline' and the path with "
                              "'git ls-tree -r --name-only REV'")
    return done.stdout


def repository_of(path: Path) -> Path:
    """The top folder of the git working tree that holds ``path``."""
    folder = path if path.is_dir() else path.parent
    if not folder.exists():
        raise UsageError(f"{path} does not exist")
    top = _git(["rev-parse", "--show-toplevel"], folder).decode().strip()
    return Path(top)


@contextmanager
def git_checkout(rev: str, path: str = "."):
    """A temporary folder holding the inventory files under ``path`` as of ``rev``.

    Yields ``(folder, rename)``: the folder mirrors the repository's layout, and
    ``rename`` turns a file in it into ``REV:repo/relative/path``.
    """
    target = Path(path).resolve()
    top = repository_of(target)
    spec = target.relative_to(top).as_posix() if target != top else "."
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    names = _git(["ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--", spec], top)
    files = [n for n in names.decode("utf-8").split("\0") if n.endswith(INVENTORY_SUFFIXES)]
    if not files:
        raise UsageError(f"no inventory files (*.yaml, *.yml) under {spec} at {rev}",
                         hint="name the folder of the inventories inside the repository")
    folder = Path(tempfile.mkdtemp(prefix="estate-diff-"))
    try:
        for name in files:
            dest = folder / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(_git(["show", f"{rev}:{name}"], top))
        root = str(folder)

        def rename(file: str) -> str:
            p = Path(file)
            try:
                return f"{rev}:{p.relative_to(root).as_posix()}"
            except ValueError:
                return file

        yield folder / spec, rename
    finally:
        shutil.rmtree(folder, ignore_errors=True)
