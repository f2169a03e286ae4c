"""Data quality: every problem that did not stop the run, with file and line.

Validation warnings and information (unresolved vendor and product names with the
closest catalogue names, local lines of business not mapped to the taxonomy, unknown
keys, references to authorities not analysed...) come first as they were found; the
analyses add what only they can see (``findings["_quality"]`` items).  Sorted by
severity (warning before info), then file and line, so the list is stable.
"""

from __future__ import annotations

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def collect(estate, findings: dict, settings) -> list[dict]:
    items = [p.as_dict() for p in estate.problems if p.severity != "error"]
    items.extend(findings.pop("_quality", []))
    items.sort(key=lambda i: (SEVERITY_ORDER.get(i["severity"], 3), i.get("file") or "",
                              i.get("line") or 0, i.get("code") or "", i["message"]))
    return items
