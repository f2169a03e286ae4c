"""The register's "Roadmap" sheet: the rows of :func:`estate.render.roadmap.roadmap_view`,
written like every other sheet (text cells inert, a table with filters).  A procurement
window's row gives its *Window* (W12: the row of that ref on the "Procurement windows"
sheet holds the whole window) and the *Councils sharing* it; the row itself holds only the
timeline's own councils and contracts."""

from __future__ import annotations

from estate.render.register.base import REASONS, Col, Sheet
from estate.render.roadmap import roadmap_view

ROADMAP_COLUMNS = [
    Col("Timeline"), Col("Timeline id"), Col("Date", "date"), Col("Kind"), Col("Window"),
    Col("Subject"), Col("Name"), Col("Councils sharing", "int"), Col("Clash"), REASONS,
]


def _rows(findings: dict):
    for r in roadmap_view(findings):
        yield [r["timeline"], r["timeline_id"], r["date"], r["kind"], r["window"] or None,
               r["subject"], r["name"], r["councils"], r["clash"] or None, " ".join(r["reasons"])]


def roadmap_sheet(findings: dict) -> Sheet:
    """The register's "Roadmap" sheet."""
    return Sheet("Roadmap", ROADMAP_COLUMNS, lambda: _rows(findings))
