"""The estate as Archi's three CSV files (File > Import > CSV Data Into Selected Model).

Archi reads ``elements.csv``, ``relations.csv`` and ``properties.csv`` with exactly these
headers (Archi's ``CSVConstants``)::

    "ID","Type","Name","Documentation","Specialization"
    "ID","Type","Name","Documentation","Source","Target","Specialization"
    "ID","Key","Value"

Types are Archi's class names: ``ApplicationComponent``, ``BusinessActor``, ...
and ``FlowRelationship``, ``AssociationRelationship``, ...  The first row of
``elements.csv`` is the model itself (type ``ArchimateModel``).  Every field is quoted,
rows end with CRLF and the files start with a UTF-8 byte order mark, as Archi's own
export does ("UTF-8 BOM"), so Excel opens them with accents intact too.  The concepts
and identifiers are those of :mod:`estate.interchange.archimate`.

Text is written by the one rule for CSV (:func:`estate.interchange.values.csv_text`):
control characters removed, and text that starts like a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return) prefixed with ``'`` (OWASP, "CSV Injection"), because
people open these files in Excel too; Archi shows the ``'``.

Archi reads a line that starts with ``#`` as a comment, and its importer replaces new
lines and tabs in names with spaces; ids here never start with ``#`` (they start with
``id-``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Optional

from estate.interchange.archimate import Model, build_model, text
from estate.interchange.values import csv_text
from estate.output import write_bytes

ELEMENTS_HEADER = ["ID", "Type", "Name", "Documentation", "Specialization"]
RELATIONS_HEADER = ["ID", "Type", "Name", "Documentation", "Source", "Target", "Specialization"]
PROPERTIES_HEADER = ["ID", "Key", "Value"]
FILES = ("elements.csv", "relations.csv", "properties.csv")


def _csv(rows: list) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows([csv_text(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def tables(model: Model) -> dict:
    """The three files' rows (header first)."""
    elements = [ELEMENTS_HEADER, [model.id, "ArchimateModel", text(model.name),
                                  text(model.documentation), ""]]
    elements += [[e.id, e.type, text(e.name), text(e.documentation), ""] for e in model.elements]
    relations = [RELATIONS_HEADER]
    relations += [[r.id, f"{r.type}Relationship", text(r.name), text(r.documentation), r.source,
                   r.target, ""] for r in model.relationships]
    properties = [PROPERTIES_HEADER]
    for concept in model.elements + model.relationships:
        properties += [[concept.id, k, text(v)] for k, v in concept.properties]
    return {"elements.csv": elements, "relations.csv": relations, "properties.csv": properties}


def write_archi_csv(estate, outdir, name: Optional[str] = None, prefix: str = "") -> list[Path]:
    """Write ``elements.csv``, ``relations.csv`` and ``properties.csv`` into ``outdir``."""
    model = build_model(estate, name)
    written = []
    for filename, rows in tables(model).items():
        dest = Path(outdir) / f"{prefix}{filename}"
        write_bytes(dest, _csv(rows))
        written.append(dest)
    return written
