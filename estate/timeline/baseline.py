"""Progress since the last report: the earlier snapshot ``estate analyse`` compares with.

``estate analyse PATHS --baseline OLD`` (folders or files of inventories) or ``--since
REV`` (a git revision of the same ``PATHS``, read as ``estate diff --git`` reads one: no
checkout disturbed) names a :class:`Baseline`.  The run loads and analyses it with its
own settings and compares it with the current inventories by
:func:`estate.timeline.diff.diff`, the comparison of ``estate diff``; the result is the
``progress`` key of ``analysis.json`` (:func:`progress`), with the date of the revision
and the names of the records it mentions, so the report can say in words what changed
even of a council or system no longer in the inventories.

A baseline is part of a run's reuse key (:meth:`Baseline.identity`): the bytes of its
files, or the commit the revision stands for.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from estate.errors import UsageError
from estate.timeline.snapshot import Snapshot, _git, git_checkout, load_snapshot, repository_of


@dataclass(frozen=True)
class Baseline:
    paths: tuple = ()                 # --baseline: inventories of the earlier snapshot
    revision: Optional[str] = None    # --since: a git revision of the run's own paths
    commits: tuple = ()               # the commit the revision stands for, per path
    date: Optional[str] = None        # the revision's commit date (ISO), else None

    @property
    def label(self) -> str:
        return self.revision if self.revision else ",".join(self.paths)

    def identity(self) -> dict:
        """What the run's outputs depend on: the baseline files' bytes, or the commits."""
        if self.revision:
            return {"revision": self.revision, "commits": list(self.commits)}
        from estate.model.loader import discover
        from estate.reuse import input_digests
        return {"paths": [list(p) for p in input_digests(discover(list(self.paths)))]}

    def load(self, paths, settings) -> Snapshot:
        """The baseline loaded and analysed with ``settings`` (the run's own)."""
        if not self.revision:
            return load_snapshot(list(self.paths), settings, self.label)
        with ExitStack() as stack:
            opened = [stack.enter_context(git_checkout(self.revision, str(p))) for p in paths]
            renames = [rename for _, rename in opened]

            def rename(file: str) -> str:
                for r in renames:
                    if (new := r(file)) != file:
                        return new
                return file
            return load_snapshot([folder for folder, _ in opened], settings, self.label, rename)


def baseline_of(paths, baseline_paths=(), since: Optional[str] = None) -> Optional[Baseline]:
    """The :class:`Baseline` the options name (None: neither given); a
    :class:`UsageError` when both are given or the revision is unknown."""
    if baseline_paths and since:
        raise UsageError("--baseline and --since cannot be used together",
                         hint="give --baseline PATH (earlier inventories) or --since REV "
                              "(a git revision of the same inventories), not both")
    if baseline_paths:
        return Baseline(paths=tuple(str(p) for p in baseline_paths))
    if not since:
        return None
    commits, date = [], None
    for path in paths:
        try:
            top = repository_of(Path(path).resolve())
        except UsageError:
            raise UsageError(f"--since: {path} is not in a git repository",
                             hint="give the earlier inventories with --baseline PATH instead") from None
        try:
            sha = _git(["rev-parse", "--verify", "--quiet", f"{since}^{{commit}}"], top)
        except UsageError:
            raise UsageError(f"--since: unknown revision {since!r} in the git repository {top}",
                             hint="name a commit, branch or tag: see 'git log --oneline'") from None
        commits.append(sha.decode().strip())
        if date is None:
            date = _git(["show", "-s", "--format=%cs", commits[-1]], top).decode().strip() or None
    return Baseline(revision=since, commits=tuple(commits), date=date)


def _names(before: Snapshot, after: Snapshot, result: dict) -> dict:
    """``{id: name}`` of every council, system and contract the comparison mentions,
    from the snapshot that has it (the current one first)."""
    ids = set(result["authorities"]["added"]) | set(result["authorities"]["removed"])
    ids |= {c["id"] for c in result["authorities"]["changed"]}
    for kind in ("systems", "contracts"):
        ids |= set(result[kind]["added"]) | set(result[kind]["removed"])
        ids |= {c["id"] for c in result[kind]["changed"]}
    ids |= {r["system"] for r in result["findings"]["legacy_risks"]["moved"]}
    ids |= set(result["findings"]["councils"])
    for d in result["findings"]["duplicates"]["resolved"] + result["findings"]["duplicates"]["new"]:
        ids |= set(d["systems"]) | {d["authority"]}
    names: dict = {}
    for snap in (before, after):
        for a in snap.estate.authorities.values():
            records = [(a.id, a.name), *((s.qid, s.name) for s in a.systems.values()),
                       *((c.qid, f"{c.id} with {c.supplier}") for c in a.contracts.values())]
            for key, name in records:
                if key in ids:
                    names[key] = name or names.get(key) or key
    return {k: names.get(k, k) for k in sorted(ids)}


def progress(baseline: Baseline, before: Snapshot, after: Snapshot) -> dict:
    """The ``progress`` of ``analysis.json``: the comparison of ``estate diff``, with
    ``since`` (the baseline: revision, commit date, paths) and ``names``."""
    from estate.timeline.diff import diff
    result = diff(before, after)
    result["since"] = {"revision": baseline.revision, "date": baseline.date,
                       "paths": list(baseline.paths) or None}
    result["names"] = _names(before, after, result)
    return result
