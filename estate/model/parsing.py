"""Reading and parsing many files: in worker processes when there are many, and through
the parse cache (:mod:`estate.model.parse_cache`) when one is given.

``docs/performance.md`` explains both.
"""

from __future__ import annotations

from typing import Optional

from estate.collector import collector_off
from estate.model import parse_cache
from estate.model.files import UnreadableFile, read_regular_bytes
from estate.model.loader import parse_bytes, parse_file, unreadable
from estate.progress import as_progress


#: below this many bytes to parse, worker processes cost more than they save
PARALLEL_MIN_BYTES = 2_000_000


def _parse_blob(path: str, raw: bytes, sha: str, entry: Optional[str],
                root: Optional[str]) -> tuple:
    """Worker: parse one file's bytes, store the result in the cache, return it (the
    process pool carries it back)."""
    parsed = parse_bytes(raw, path)
    parsed.digest = sha
    blob = parse_cache.dumps(parsed) if entry is not None else None
    wrote = blob is not None and parse_cache.write_entry(root, entry, blob)
    return parsed, wrote


def _parse_chunk(items: list) -> list:
    return [(i, *_parse_blob(*args)) for i, args in items]


def parse_files(files: list[str], jobs: int = 1, cache=None, progress=None,
                limit: Optional[int] = None) -> list:
    """Parse files, in ``jobs`` worker processes when there is enough to parse.

    With a ``cache`` (:class:`~estate.model.parse_cache.ParseCache`), files whose bytes were parsed
    before are read from it, and the others are stored in it.  The result is the same
    list of :class:`ParsedFile`, in the order of ``files``, whatever ``jobs`` and the
    cache.
    """
    return list(iter_parse(files, jobs, cache, progress, limit))


def iter_parse(files: list[str], jobs: int = 1, cache=None, progress=None,
               limit: Optional[int] = None):
    """:func:`parse_files` as a generator: each file, in order, as soon as it is parsed.

    Worker processes parse the files the cache does not have, in order, while the caller
    uses the ones already yielded (validation overlaps parsing, and a file's documents
    can be let go before the last file is read).
    """
    progress = as_progress(progress)
    progress.begin("read", len(files))
    with collector_off(settle=True):
        if cache is None and jobs <= 1:
            for path in files:
                yield parse_file(path, limit)
                progress.advance()
            progress.end()
            return
        plan = []                 # per file: ("parsed", ParsedFile) | ("hit"|"parse", args)
        todo = []
        for i, path in enumerate(files):
            try:
                raw = read_regular_bytes(path, limit)
            except UnreadableFile as exc:
                plan.append(("parsed", unreadable(path, exc)))
                continue
            sha = parse_cache.digest(raw)
            args = (path, raw, sha, str(cache.entry(sha)) if cache else None,
                    str(cache.root) if cache else None)
            if cache is not None and cache.entry(sha).is_file():
                plan.append(("hit", args))
            else:
                plan.append(("parse", args))
                todo.append((i, args))
        size = sum(len(args[1]) for _, args in todo)
        workers = _Workers(todo, jobs) if jobs > 1 and len(todo) > 1 and size >= PARALLEL_MIN_BYTES \
            else None
        try:
            for i, (how, args) in enumerate(plan):
                if how == "parsed":
                    parsed = args
                elif how == "hit" and (parsed := cache.get(args[2], args[0])) is not None:
                    pass
                elif workers is not None and how == "parse":
                    parsed, wrote = workers.result(i)
                    if wrote:
                        cache.stats.writes += 1
                    if cache is not None:
                        cache.stats.misses += 1
                        cache.stats.parsed.append(args[0])
                else:
                    path, raw, sha = args[:3]
                    parsed = parse_bytes(raw, path)
                    parsed.digest = sha
                    if cache is not None:
                        if how == "parse":
                            cache.stats.misses += 1      # a corrupt hit counted itself
                        cache.stats.parsed.append(path)
                        cache.put_blob(sha, parse_cache.dumps(parsed))
                plan[i] = None
                yield parsed
                progress.advance()
        finally:
            if workers is not None:
                workers.close()
    progress.end()


class _Workers:
    """Worker processes parsing ``todo`` in chunks of neighbouring files, in file order."""

    def __init__(self, todo: list, jobs: int):
        from concurrent.futures import ProcessPoolExecutor

        chunk_bytes = max(1, sum(len(args[1]) for _, args in todo) // (jobs * 12))
        chunks, chunk, held = [], [], 0
        for item in todo:
            chunk.append(item)
            held += len(item[1][1])
            if held >= chunk_bytes:
                chunks.append(chunk)
                chunk, held = [], 0
        if chunk:
            chunks.append(chunk)
        self.pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)))
        self.future_of = {}
        for c in chunks:
            future = self.pool.submit(_parse_chunk, c)
            for i, _ in c:
                self.future_of[i] = future
        self.done: dict = {}

    def result(self, i: int) -> tuple:
        if i not in self.done:
            for j, parsed, wrote in self.future_of[i].result():
                self.done[j] = (parsed, wrote)
        return self.done.pop(i)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
