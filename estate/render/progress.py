"""The report's "Progress since ..." page, from the findings' ``progress``
(:mod:`estate.timeline.baseline`): what changed since the earlier snapshot, in words.

:func:`progress_context` derives everything ``templates/_progress.html`` shows: the
headline figures then and now, duplicates resolved, consolidation candidates realised
with the saving estimated then, legacy-risk ratings moved, and the changes council by
council, with names (never ids), dates as "30 June 2027" and counts with their plurals.
It returns None when the run had no baseline, and :func:`progress_page` the page's
entry in the report's ``pages``.
"""

from __future__ import annotations

import re
from typing import Optional

from estate.render.filters import long_date, money, num, plural

#: fields shown as money, and how to name a field
MONEY_FIELDS = {"annual_cost", "annual_value", "total_value", "one_off_cost"}
FIELD_LABELS = {"supports": "lines of business", "end": "end date", "start": "start date",
                "eos": "end of support"}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: the headline measures: (key of the comparison's summary, label, money?)
MEASURES = (("authorities", "Councils", False), ("systems", "Systems", False),
            ("in_service_systems", "Systems in service", False), ("contracts", "Contracts", False),
            ("lines_of_business", "Lines of business", False), ("annual_cost", "Annual cost", True))


def _text(value, money_field: bool = False) -> str:
    if value is None:
        return "not recorded"
    if money_field:
        return money(value)
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "none"
    if isinstance(value, str) and _ISO.match(value):
        return long_date(value)
    return str(value)


def _change(before, after, money_field: bool) -> str:
    if before == after:
        return "no change"
    try:
        delta = (after or 0) - (before or 0)
    except TypeError:
        return "changed"
    word = "up" if delta > 0 else "down"
    return f"{word} {money(abs(delta)) if money_field else num(abs(delta))}"


def _field(name: str, change: dict, names) -> str:
    """``annual cost £90,000 → £75,000``: catalogue products, vendors and lines by name."""
    label = FIELD_LABELS.get(name, name.replace("data.", "").replace("_", " "))
    is_money = name in MONEY_FIELDS
    named = {"product": names.product, "vendor": names.vendor, "supplier": names.vendor,
             "supports": names.line}.get(name)

    def text(value):
        if named is not None and value is not None:
            value = [named(v) for v in value] if isinstance(value, list) else named(value)
        return _text(value, is_money)
    return f"{label} {text(change['before'])} → {text(change['after'])}"


def since_text(progress: dict) -> str:
    """``v1.0 (30 June 2027)``, or the baseline's paths."""
    since = progress.get("since") or {}
    if since.get("revision"):
        date = f" ({long_date(since['date'])})" if since.get("date") else ""
        return f"{since['revision']}{date}"
    return ", ".join(since.get("paths") or []) or str(progress.get("before") or "")


def _councils(progress: dict, name, names) -> list:
    """One entry per council touched: its name and its changes in sentences."""
    out: dict = {}

    def entry(aid):
        return out.setdefault(aid, {"id": aid, "name": name(aid), "changes": []})
    for aid in progress["authorities"]["added"]:
        entry(aid)["changes"].append("Added to the inventories.")
    for aid in progress["authorities"]["removed"]:
        entry(aid)["changes"].append("No longer in the inventories.")
    for c in progress["authorities"]["changed"]:
        entry(c["id"])["changes"].append(
            "Council details changed: " + "; ".join(_field(k, v, names) for k, v in c["fields"].items()) + ".")
    for kind, one in (("systems", "system"), ("contracts", "contract")):
        part = progress[kind]
        for verb, key in (("added", "added"), ("removed", "removed")):
            by_council: dict = {}
            for qid in part[key]:
                by_council.setdefault(qid.partition("/")[0], []).append(name(qid))
            for aid, items in by_council.items():
                entry(aid)["changes"].append(
                    f"{plural(len(items), one).capitalize()} {verb}: {', '.join(items)}.")
        for c in part["changed"]:
            entry(c["id"].partition("/")[0])["changes"].append(
                f"{one.capitalize()} {name(c['id'])}: "
                + "; ".join(_field(k, v, names) for k, v in c["fields"].items()) + ".")
    for aid, moved in progress["findings"]["councils"].items():
        figures = [f"{label} {_text(moved[k]['before'], m) if moved[k]['before'] is not None else 'none'}"
                   f" → {_text(moved[k]['after'], m) if moved[k]['after'] is not None else 'none'}"
                   for k, label, m in (("systems", "systems", False),
                                       ("annual_cost", "annual cost", True)) if k in moved]
        if figures and aid in out:
            out[aid]["changes"].append("Altogether: " + "; ".join(figures) + ".")
    return sorted(out.values(), key=lambda c: (c["name"].lower(), c["id"]))


def progress_context(findings: dict, names) -> Optional[dict]:
    """What the progress page shows (``names``: :class:`~estate.render.views.Names` of the
    current estate); None when the findings hold no comparison."""
    progress = findings.get("progress") if isinstance(findings, dict) else None
    if not isinstance(progress, dict):
        return None
    known = progress.get("names") or {}

    def name(key):
        return known.get(key) or (names.authority(key) if "/" not in key else names.ref(key)["name"])

    def council_of(qid):
        return name(qid.partition("/")[0])

    f = progress["findings"]
    figures = []
    for key, label, is_money in MEASURES:
        moved = f["summary"].get(key) or {}
        b, a = moved.get("before"), moved.get("after")
        figures.append({"label": label, "before": _text(b, is_money), "after": _text(a, is_money),
                        "change": _change(b, a, is_money)})
    duplicates = [f"{name(d['authority'])} no longer runs "
                  f"{plural(len(d['systems']), 'system')} for {names.line(d['line_of_business'])} "
                  f"({', '.join(name(s) for s in d['systems'])})."
                  for d in f["duplicates"]["resolved"]]
    realised = []
    for c in f["consolidation_candidates"]["realised"]:
        councils = [name(a) for a in c["authorities"]]
        realised.append(
            f"{', '.join(councils[:-1]) + ' and ' + councils[-1] if len(councils) > 1 else councils[0]} "
            f"now run {names.product(c.get('product'))} for {names.line(c['line_of_business'])}; "
            f"the saving estimated then was {money(c.get('estimated_annual_saving'))} a year.")
    risks = [{"system": name(r["system"]), "council": council_of(r["system"]),
              "before": r["before"], "after": r["after"]}
             for r in f["legacy_risks"]["moved"]]
    return {
        "since": since_text(progress),
        "figures": figures,
        "duplicates_resolved": duplicates,
        "duplicates_new": len(f["duplicates"]["new"]),
        "candidates_realised": realised,
        "risks_moved": risks,
        "councils": _councils(progress, name, names),
    }


def progress_page(context: dict) -> dict:
    """The page's entry in the report's ``pages`` (:func:`estate.render.report_board.detail_pages`)."""
    return {"id": "progress", "href": "report/progress.html",
            "title": f"Progress since {context['since']}", "template": "_progress.html",
            "summary": "what has changed since then: systems, contracts and cost, duplicates "
                       "resolved, savings realised, risks moved, council by council",
            "council": None}
