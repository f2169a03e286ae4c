"""The columns of a survey workbook: one table shared by the writer and the importer.

A :class:`Field` names a column, the record field it holds (``data.api`` for a field
inside ``data``), how its cells are read (``kind``), the choices of an enumerated field
(offered as a drop-down list) and whether a blank cell is a **gap** to highlight.
Columns with ``field=None`` are shown for context and never read back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from estate.model.records import CRITICALITY, HOSTING, ROUTES, STATUS

YES_NO = ("yes", "no")


@dataclass(frozen=True)
class Field:
    header: str
    field: Optional[str]          # the record's field; None: shown, not read back
    kind: str = "text"            # text | enum | date | bool | list | money | int
    choices: tuple = ()
    gap: bool = False             # highlight when blank (or "unknown")
    hint: str = ""

    def value_of(self, record) -> object:
        """The field's value in a loaded record (``data.api`` reads ``record.data.api``)."""
        if self.field is None:
            return None
        obj = record
        for part in self.field.split("."):
            obj = getattr(obj, part, None)
        return obj


SYSTEM_FIELDS = (
    Field("Authority", None),
    Field("System id", None),
    Field("Name", None),
    Field("Product", "product", hint="the product's name, as the vendor sells it"),
    Field("Vendor", "vendor"),
    Field("Version", "version"),
    Field("Hosting", "hosting", "enum", HOSTING, gap=True, hint="where the system runs"),
    Field("Status", "status", "enum", STATUS),
    Field("End of support", "end_of_support", "date", gap=True,
          hint="the date the vendor stops supporting this version (YYYY-MM-DD)"),
    Field("API", "data.api", "bool", YES_NO, gap=True,
          hint="does the council have a documented API to the system's data?"),
    Field("Export formats", "data.export_formats", "list", gap=True,
          hint="formats the data can be exported in, comma-separated: csv, xml, json"),
    Field("Annual cost", "annual_cost", "money", gap=True, hint="GBP a year, a plain number"),
    Field("Users", "users", "int"),
    Field("Criticality", "criticality", "enum", CRITICALITY),
    Field("Contract ends", None, gap=True,
          hint="the end dates of the contracts that cover the system (Contracts sheet)"),
)

CONTRACT_FIELDS = (
    Field("Authority", None),
    Field("Contract id", None),
    Field("Supplier", None),
    Field("Covers", None),
    Field("Start", "start", "date"),
    Field("End", "end", "date", gap=True, hint="the date the contract ends (YYYY-MM-DD)"),
    Field("Extension until", "extension_until", "date",
          hint="the latest end if every extension is taken"),
    Field("Notice months", "notice_months", "int", gap=True),
    Field("Annual value", "annual_value", "money", gap=True, hint="GBP a year, a plain number"),
    Field("Route", "route", "enum", ROUTES),
)

SHEETS = {"Systems": ("systems", SYSTEM_FIELDS), "Contracts": ("contracts", CONTRACT_FIELDS)}
KEY_HEADERS = {"Systems": "System id", "Contracts": "Contract id"}
