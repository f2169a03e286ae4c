"""The roadmap finding (:mod:`estate.analyses.roadmap`) as one view for the register and
the report.

:func:`roadmap_view` derives the one table both render: a row per item per timeline
(each council's, then each partnership's), in the finding's order.  The register's
"Roadmap" sheet (:mod:`estate.render.register.roadmap`) writes its rows; the report
renders ``templates/_roadmap.html`` with ``{"roadmap": roadmap_context(findings)}``.
"""

from __future__ import annotations

KIND_LABELS = {
    "contract-exit": "Contract exit",
    "end-of-support": "End of support",
    "go-live": "Go-live",
    "retirement": "Retirement",
    "procurement-window": "Procurement window",
}
CLASH_LABELS = {
    "retired-before-replacement": "Retired before its replacement goes live",
    "no-successor": "Contract ends with no successor planned",
}

def roadmap_view(findings: dict) -> list[dict]:
    """Rows of the roadmap, council timelines first, then partnerships'.  A procurement
    window's row names the window (``window``, its ref: the whole window is that row of the
    procurement windows) and how many councils share it (``councils``); other rows have
    ``""`` and None there."""
    roadmap = findings.get("roadmap") or {}
    rows = []
    timelines = [(c["name"], c["authority"], c) for c in roadmap.get("councils", [])]
    timelines += [(p["name"], p["partnership"], p) for p in roadmap.get("partnerships", [])]
    for name, tid, timeline in timelines:
        for item in timeline["items"]:
            rows.append({
                "timeline": name, "timeline_id": tid, "date": item["date"],
                "kind": KIND_LABELS.get(item["kind"], item["kind"]),
                "subject": item["subject"], "name": item.get("name") or "",
                "window": item.get("ref") or "", "councils": item.get("councils"),
                "clash": CLASH_LABELS.get(item["clash"], "") if item["clash"] else "",
                "reasons": list(item.get("reasons") or []),
            })
    return rows


def roadmap_context(findings: dict) -> dict:
    """The report section's context: ``available``, ``rows``, ``clashes`` and ``as_of``."""
    roadmap = findings.get("roadmap")
    rows = roadmap_view(findings) if roadmap else []
    return {"available": roadmap is not None, "as_of": (roadmap or {}).get("as_of"),
            "rows": rows, "clashes": len((roadmap or {}).get("clashes") or []),
            "timelines": len({r["timeline_id"] for r in rows})}
