"""Interchange: inventories in from the places councils keep them, and the estate out to
the tools architects and analysts use.

In (each writes SPEC inventory YAML, :mod:`~estate.interchange.writer`):

* :mod:`~estate.interchange.register_import` -- the ``register.xlsx`` of ``estate
  analyse``, edited in Excel, back into inventories, with every change listed;
* :mod:`~estate.interchange.table_import` -- a council's own spreadsheet or CSV of
  systems or contracts, through a small column mapping (``--guess`` proposes one);
* :mod:`~estate.interchange.ocds_import` -- Contracts Finder / Find a Tender OCDS data
  and flattened Contracts Finder notices, buyers matched to the UK local authority list
  (:mod:`~estate.interchange.authorities`).

Out:

* :mod:`~estate.interchange.archimate` -- ArchiMate 3.1 Open Exchange Format XML;
* :mod:`~estate.interchange.archi_csv` -- Archi's elements/relations/properties CSV;
* :mod:`~estate.interchange.sqlite_export` -- one SQLite database with the findings;
* :mod:`~estate.interchange.csv_export` -- one CSV per register and finding list.

The library functions return data or write files; ``estate.commands.interchange`` holds
the ``estate import`` and ``estate export`` commands.  See ``docs/interchange.md``.
"""
