"""The report's views of the estate records: the landscape matrix, the contracts that
end soon and the procurement timeline's layout.

The matrix and the contract dates are the shared views of :mod:`estate.render.views`
(the register reads the same); this module cuts and lays them out for the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from estate.render import views
from estate.render.filters import money_short
from estate.render.report_sections import _date_str, _section

#: the lines x councils matrix shows at most this many councils (the register has all)
MATRIX_MAX_COUNCILS = 24
#: the procurement timeline runs from 1 January of the as-of year for this many years
TIMELINE_YEARS = 6
#: the timeline draws this many procurement windows (the largest); the table has all
TIMELINE_WINDOWS = 12


def _matrix(view: Optional[dict]) -> dict:
    """The lines of business x councils matrix of :func:`estate.render.views.landscape`,
    cut to its first :data:`MATRIX_MAX_COUNCILS` councils (rows with nothing in those
    councils are left out; a row's ``councils`` still counts every council)."""
    if view is None:
        return {"available": False, "councils": [], "rows": [], "hidden_councils": 0}
    shown = view["councils"][:MATRIX_MAX_COUNCILS]
    rows = []
    for r in view["rows"]:
        cells = r["cells"][:len(shown)]
        if any(c["state"] != "not-listed" for c in cells):
            rows.append({**r, "cells": cells})
    return {"available": True, "councils": shown, "rows": rows,
            "hidden_councils": len(view["councils"]) - len(shown)}


def _iso(value) -> Optional[dt.date]:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _timeline_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(as_of.year, 1, 1), dt.date(as_of.year + TIMELINE_YEARS, 1, 1)


def _contracts(estate, windows, as_of, names) -> dict:
    """Contracts that end between the as-of date and the timeline's end, soonest first
    (:func:`estate.render.views.contracts_ending`), dates as ISO text."""
    in_window: dict = {}
    for w in windows["rows"]:
        for qid in w["contracts"]:
            in_window.setdefault(qid, []).append(w["label"])
    _, stop = _timeline_range(as_of)
    view = views.contracts_ending(estate, as_of, stop, names, in_window)
    if view is None:
        return _section(None, before=0, after=0)
    items = [{**r, "end": r["end"].isoformat(), "first_end": r["first_end"].isoformat(),
              "extension_until": _date_str(r["extension_until"]), "notice_by": _date_str(r["notice_by"]),
              "earliest_exit": r["earliest_exit"].isoformat()} for r in view["rows"]]
    return _section(items, before=view["before"], after=view["after"])


#: timeline drawing (SVG user units): label column, plot width, row heights
TL_LABEL, TL_WIDTH, TL_ROW, TL_LANE, TL_TOP = 180, 1000, 34, 26, 60


def _timeline(estate, windows, contracts, as_of, names) -> dict:
    """Positions for the procurement timeline: quarters x councils, windows as bars."""
    start, stop = _timeline_range(as_of)
    quarters = []
    plot = TL_WIDTH - TL_LABEL - 8
    nq = TIMELINE_YEARS * 4
    qw = plot / nq
    for i in range(nq):
        year, q = start.year + i // 4, i % 4 + 1
        quarters.append({"index": i, "year": year, "quarter": q, "label": f"Q{q}",
                         "x": round(TL_LABEL + i * qw, 2), "w": round(qw, 2)})
    years = [{"year": start.year + y, "x": round(TL_LABEL + y * 4 * qw, 2), "w": round(4 * qw, 2)}
             for y in range(TIMELINE_YEARS)]
    span = (stop - start).days

    def x_of(day: dt.date) -> float:
        return round(TL_LABEL + plot * max(0, min(span, (day - start).days)) / span, 2)

    councils = []
    if contracts["available"]:
        by_council: dict = {}
        for c in contracts["rows"]:
            by_council.setdefault(c["authority"], []).append(c)
        order = list(estate.authorities.values())
        for n, a in enumerate(order):
            cells: dict = {}
            for c in by_council.get(a.id, []):
                end = dt.date.fromisoformat(c["end"])
                i = (end.year - start.year) * 4 + (end.month - 1) // 3
                cell = cells.setdefault(i, {"count": 0, "value": 0.0, "in_window": False, "contracts": []})
                cell["count"] += 1
                cell["value"] += c["annual_value"] or 0
                cell["in_window"] = cell["in_window"] or bool(c["windows"])
                cell["contracts"].append(c)
            councils.append({"id": a.id, "name": a.name, "y": TL_TOP + n * TL_ROW,
                             "cells": [{**quarters[i], **cell} for i, cell in sorted(cells.items())]})
    lanes_top = TL_TOP + len(councils) * TL_ROW + (24 if windows["rows"] else 0)
    lanes = []
    for w in windows["rows"]:
        ws, we = _iso(w["start"]), _iso(w["end"])
        if ws is None or we is None or we < start or ws >= stop:
            continue
        if len(lanes) == TIMELINE_WINDOWS:
            break
        x0, x1 = x_of(ws), x_of(we)
        width = max(6.0, round(x1 - x0, 2))
        text = f"{w['label']} {w['line_name'] or w['product_name']}, {money_short(w['combined_annual_value'])}"
        # a label goes right of its bar when it fits (about 6.5 units a character), else left
        right = x0 + width + 6 + 6.5 * len(text) <= TL_WIDTH
        lanes.append({**w, "x": x0, "w": width, "y": lanes_top + len(lanes) * TL_LANE,
                      "text_x": round(x0 + width + 6, 2) if right else round(x0 - 6, 2),
                      "text_anchor": "start" if right else "end",
                      "clipped": ws < start or we >= stop})
    height = (lanes[-1]["y"] + TL_LANE if lanes else lanes_top) + 8
    return {
        "available": contracts["available"] or bool(lanes),
        "start": start.isoformat(), "end": stop.isoformat(),
        "width": TL_WIDTH, "height": height, "label_width": TL_LABEL, "top": TL_TOP,
        "row_height": TL_ROW, "lane_height": TL_LANE, "lanes_top": lanes_top,
        "years": years, "quarters": quarters, "as_of_x": x_of(as_of),
        "councils": councils, "windows": lanes,
        "windows_drawn": len(lanes), "windows_total": len(windows["rows"]),
    }
