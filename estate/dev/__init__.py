"""Developer tools, not part of the toolkit's interface.

* :mod:`estate.dev.bench`: ``make bench`` (``python -m estate.dev.bench``) times
  ``estate analyse`` on synthetic estates and writes ``docs/benchmarks.md``.
* :mod:`estate.dev.docgen`: ``python -m estate.dev.docgen`` rewrites the reference pages
  made from the code (``docs/analyses.md``, ``docs/problems.md``); a test fails when
  they are out of date.

Nothing in the toolkit imports them.
"""
