"""The register's content: which sheets, which columns, what goes in each row.

:func:`sheets` lists every sheet of the register in order, each a
:class:`~estate.render.register.base.Sheet` (its columns, a function giving its rows,
its highlights).  The rows come from the records and the findings (``docs/findings.md``)
and the shared views (:mod:`estate.render.register.base` says which); nothing here
recomputes an analysis.  :mod:`estate.render.excel` writes the sheets to a workbook.

* :mod:`.base` -- columns, typed and linked values, the rendering context;
* :mod:`.records` -- the registers people edit and read back (Authorities, Systems,
  Contracts, Authority lines) and the lines-of-business matrix;
* :mod:`.findings` -- one sheet per finding list;
* :mod:`.summary` -- the headline numbers and how to read the register.
"""

from __future__ import annotations

from estate.render.register.base import Context, Sheet
from estate.render.register.findings import finding_sheets
from estate.render.register.records import record_sheets
from estate.render.register.summary import summary_sheet

__all__ = ["Context", "Sheet", "sheets"]


def sheets(ctx: Context) -> list:
    """Every sheet of the register, in order."""
    return [summary_sheet(ctx)] + record_sheets(ctx) + finding_sheets(ctx)
