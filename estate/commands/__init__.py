"""Command groups of the ``estate`` command line, one module per concern.

Each module defines click commands that only parse options, call the library, format
and exit (STYLE.md 1); ``estate.cli`` adds them to the main group.
"""
