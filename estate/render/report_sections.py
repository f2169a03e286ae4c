"""The report's sections built from the findings (``analysis.json``), names resolved.

Each ``_<section>(findings, names)`` returns a *section*: ``{"available": bool, "rows":
[...]}`` plus the extra keys docs/report.md names.  Nothing here recomputes an
analysis; a findings key that is missing gives ``available: False``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Optional

from estate.render.filters import _number

log = logging.getLogger(__name__)

#: on screen a long table shows its first (most important) rows only, so that a
#: national estate still gives a report a browser opens; register.xlsx and
#: analysis.json have every row, and the caption says how many are shown
SCREEN_ROWS = 500
#: tables of the context capped at SCREEN_ROWS (key -> list inside it)
CAPPED = (("consolidation", "rows"), ("duplicates", "rows"), ("shared_products", "rows"),
          ("windows", "rows"), ("risks", "shown"), ("data_quality", "rows"),
          ("supplier_concentration", "rows"), ("contracts", "rows"),
          ("dependencies", "cycles"), ("dependencies", "cross_council"),
          ("dependencies", "single_points_of_failure"), ("dependencies", "unresolved"))


def _capped(context: dict) -> dict:
    """Cut each long table to its first :data:`SCREEN_ROWS` rows, keeping ``<list>_total``.

    A section built from its first rows only (:func:`_screen`) already holds its total.
    """
    for key, part in CAPPED:
        section = context[key]
        rows = section.get(part) or []
        section[f"{part}_total"] = section.pop(f"{part}_total", len(rows))
        section[part] = rows[:SCREEN_ROWS]
    return context


def _screen(items: Optional[list]) -> tuple:
    """``(the items a capped table shows, how many there are)``: rows past
    :data:`SCREEN_ROWS` are never shown, so they are not built either."""
    return (None, 0) if items is None else (items[:SCREEN_ROWS], len(items))


def _total(section: dict) -> int:
    """How many rows a section has, shown or not."""
    return section.get("rows_total", len(section["rows"]))


def _list(findings, key) -> Optional[list]:
    """``findings[key]`` when it is a list; ``None`` when missing or of the wrong shape."""
    value = findings.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        log.warning("findings[%r] is a %s, not a list: shown as no findings", key, type(value).__name__)
        return None
    return [item for item in value if isinstance(item, dict)]


def _section(items: Optional[list], **extra) -> dict:
    return {"available": items is not None, "rows": items or [], **extra}


def _head(section: dict, n: int) -> dict:
    head = {k: v for k, v in section.items() if k != "rows_total"}
    head.update(rows=section["rows"][:n], more=max(0, _total(section) - n))
    return head


def _strs(value) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [str(value)]
    return list(map(str, value))


def _subtitle(council_names: list, summary: dict) -> str:
    if not council_names:
        return "No councils analysed"
    if len(council_names) <= 4:
        listed = ", ".join(council_names[:-1]) + (" and " if len(council_names) > 1 else "") + council_names[-1]
        return f"{len(council_names)} council{'s' if len(council_names) > 1 else ''}: {listed}"
    return f"{len(council_names)} councils"


SUMMARY_KEYS = ("as_of", "authorities", "systems", "live_systems", "contracts", "lines_of_business",
                "annual_cost", "costed_systems", "uncosted_systems", "annual_contract_value",
                "vendors", "products", "files")


def _summary(findings) -> dict:
    raw = findings.get("summary")
    available = isinstance(raw, dict)
    raw = raw if available else {}
    return {"available": available, **{k: raw.get(k) for k in SUMMARY_KEYS}}


def _councils(findings, names) -> dict:
    items = _list(findings, "authorities")
    out = []
    for a in items or []:
        g = a.get
        routes = g("routes") if isinstance(g("routes"), dict) else {}
        not_judged = g("not_judged") if isinstance(g("not_judged"), dict) else {}
        out.append({
            "id": str(g("id") or ""),
            "name": str(g("name") or names.authority(g("id"))),
            "type": str(g("type") or ""),
            "region": str(g("region") or ""),
            "partnerships": [names.partnership(p) for p in _strs(g("partnerships"))],
            "systems": g("systems"), "live_systems": g("live_systems"),
            "annual_cost": g("annual_cost"),
            "lines_of_business": g("lines_of_business"), "lines_supported": g("lines_supported"),
            "line_support_share": g("line_support_share"),
            "lines_unsupported": [{"id": i, "name": names.line(i)} for i in _strs(g("lines_unsupported"))],
            "past_support_systems": [names.system(q) for q in _strs(g("past_support_systems"))],
            "past_support_count": g("past_support_count"),
            "saas_cloud_share": g("saas_cloud_share"), "api_share": g("api_share"),
            "open_standards_share": g("open_standards_share"),
            "personal_data_systems": g("personal_data_systems"),
            "contract_spend": g("contract_spend"), "sme_spend_share": g("sme_spend_share"),
            "routes": [{"route": str(r), "count": c}
                       for r, c in sorted(routes.items(), key=lambda rc: (-(_number(rc[1]) or 0), str(rc[0])))],
            "median_sales_cycle_days": g("median_sales_cycle_days"),
            "sales_cycles_measured": g("sales_cycles_measured"),
            "not_judged": [{"field": str(f), "count": c} for f, c in sorted(not_judged.items())],
            "reasons": _strs(g("reasons")),
        })
    return _section(None if items is None else out)


def _duplicates(findings, names) -> dict:
    items, total = _screen(_list(findings, "duplicates"))
    out = [{
        "authority": str(d.get("authority") or ""),
        "authority_name": names.authority(d.get("authority")),
        "line_of_business": str(d.get("line_of_business") or ""),
        "line_name": names.line(d.get("line_of_business"), d.get("line_name")),
        "systems": [names.system(q) for q in _strs(d.get("systems"))],
        "retiring": [names.system(q) for q in _strs(d.get("retiring"))],
        "products": _strs(d.get("products")),
        "annual_cost": d.get("annual_cost"),
        "reasons": _strs(d.get("reasons")),
    } for d in items or []]
    return _section(None if items is None else out, rows_total=total)


def _shared_products(findings, names) -> dict:
    items, total = _screen(_list(findings, "shared_products"))
    out = [{
        "product": str(p.get("product") or ""),
        "product_name": names.product(p.get("product"), p.get("product_name")),
        "vendor_name": names.vendor(p.get("vendor"), p.get("vendor_name")),
        "authorities": [names.authority(a) for a in _strs(p.get("authorities"))],
        "systems": [names.system(q) for q in _strs(p.get("systems"))],
        "spellings": _strs(p.get("spellings")),
        "annual_cost": p.get("annual_cost"),
        "reasons": _strs(p.get("reasons")),
    } for p in items or []]
    return _section(None if items is None else out, rows_total=total)


def _consolidation(findings, names) -> dict:
    items, total = _screen(_list(findings, "consolidation_candidates"))
    out = []
    for c in items or []:
        group = c.get("group") if isinstance(c.get("group"), dict) else {}
        products = []
        for p in c.get("products") or []:
            if isinstance(p, dict):
                products.append({"name": names.product(p.get("product"), p.get("name")),
                                 "authorities": [names.authority(a) for a in _strs(p.get("authorities"))],
                                 "systems": len(_strs(p.get("systems"))), "annual_cost": p.get("annual_cost")})
            else:
                products.append({"name": names.product(p), "authorities": [], "systems": None,
                                 "annual_cost": None})
        out.append({
            "line_of_business": str(c.get("line_of_business") or ""),
            "line_name": names.line(c.get("line_of_business"), c.get("line_name")),
            "group_kind": str(group.get("kind") or ""),
            "group_name": str(group.get("name") or group.get("id") or "a group of councils"),
            "group_id": str(group.get("id") or ""),
            "authorities": [names.authority(a) for a in _strs(c.get("authorities"))],
            "authority_ids": _strs(c.get("authorities")),
            "systems": [names.system(q) for q in _strs(c.get("systems"))],
            "products": products,
            "recommended_product_name": names.product(c.get("recommended_product"),
                                                      c.get("recommended_product_name")) or None,
            "annual_cost": c.get("annual_cost"),
            "estimated_annual_saving": c.get("estimated_annual_saving"),
            **{k: c.get(k) for k in ("saving_low", "saving_high", "one_off_cost", "payback_years", "net_5y",
                                     "material")},
            "saving_model": str(c.get("saving_model") or ""),
            "contracts": _strs(c.get("contracts")),
            "earliest_exit": _date_str(c.get("earliest_exit")),
            "blast_radius": [names.system(q) for q in _strs(c.get("blast_radius"))],
            "reasons": _strs(c.get("reasons")),
        })
    return _section(None if items is None else out, rows_total=total)


def _date_str(value) -> Optional[str]:
    """A findings date as an ISO string (templates compare them with ``as_of``)."""
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _windows(findings, names) -> dict:
    items = _list(findings, "procurement_windows")
    out = []
    for n, w in enumerate(items or [], 1):
        out.append({
            "number": n, "label": str(w.get("ref") or f"W{n}"),
            "start": _date_str(w.get("start")), "end": _date_str(w.get("end")),
            "must_start_by": _date_str(w.get("must_start_by")),
            "line_of_business": str(w.get("line_of_business") or ""),
            "line_name": names.line(w.get("line_of_business"), w.get("line_name"))
            if w.get("line_of_business") or w.get("line_name") else "",
            "product_name": names.product(w.get("product"), w.get("product_name"))
            if w.get("product") or w.get("product_name") else "",
            "contracts": _strs(w.get("contracts")),
            "authorities": [names.authority(a) for a in _strs(w.get("authorities"))],
            "authority_ids": _strs(w.get("authorities")),
            "suppliers": [names.vendor(s) for s in _strs(w.get("suppliers"))],
            "combined_annual_value": w.get("combined_annual_value"),
            "actionable": w.get("actionable"), "days_late": w.get("days_late"),
            "could_still_join": _joiners(_strs(w.get("could_still_join")), names),
            "reasons": _strs(w.get("reasons")),
        })
    return _section(None if items is None else out)


def _supplier_concentration(findings, names) -> dict:
    items = _list(findings, "supplier_concentration")
    out = []
    for s in items or []:
        vendors = [{"name": names.vendor(v.get("vendor"), v.get("name")), "share": v.get("share"),
                    "annual_cost": v.get("annual_cost"), "authorities": len(_strs(v.get("authorities")))}
                   for v in s.get("vendors") or [] if isinstance(v, dict)]
        hhi = _number(s.get("hhi"))
        out.append({
            "line_of_business": str(s.get("line_of_business") or ""),
            "line_name": names.line(s.get("line_of_business"), s.get("line_name")),
            "basis": str(s.get("basis") or ""),
            "hhi": s.get("hhi"),
            "hhi_width": 0 if hhi is None else max(0.0, min(100.0, hhi / 100)),
            "level": str(s.get("level") or ""),
            "leading_vendor_name": names.vendor(s.get("leading_vendor"), s.get("leading_vendor_name")),
            "leading_share": s.get("leading_share"),
            "vendors": vendors,
            "authorities": s.get("authorities") if not isinstance(s.get("authorities"), list)
            else len(s.get("authorities")),
            "reasons": _strs(s.get("reasons")),
        })
    return _section(None if items is None else out)


def _vendor_concentration(findings, names) -> dict:
    raw = findings.get("vendor_concentration")
    if not isinstance(raw, dict):
        return _section(None, top=None, contracts_share=None, spend_share=None, reasons=[])
    vendors = [{"name": names.vendor(v.get("vendor"), v.get("name")), "contracts": v.get("contracts"),
                "contract_share": v.get("contract_share"), "spend": v.get("spend"),
                "spend_share": v.get("spend_share"),
                "authorities": len(_strs(v.get("authorities"))) if isinstance(v.get("authorities"), list)
                else v.get("authorities")}
               for v in raw.get("vendors") or [] if isinstance(v, dict)]
    return _section(vendors, top=raw.get("top"), contracts_share=raw.get("contracts_share"),
                    spend_share=raw.get("spend_share"), reasons=_strs(raw.get("reasons")))


RATINGS = ("red", "amber", "green")


def _risks(findings, names) -> dict:
    items = _list(findings, "legacy_risks")
    out = []
    counts = dict.fromkeys(RATINGS, 0)
    for r in items or []:          # every system of the estate: kept lean
        get = r.get
        ref = names.ref(get("system"))
        rating = str(get("rating") or "").lower()
        if rating in counts:
            counts[rating] += 1
        else:
            rating = ""
        product = get("product")
        out.append({
            "system": ref["id"], "name": str(get("name") or ref["name"]),
            "authority": str(get("authority") or ref["authority"]),
            "authority_name": names.authority(get("authority") or ref["authority"]),
            "product_name": names.product(product) if product else "",
            "score": get("score"),
            "rating": rating,
            "disposition": str(get("disposition") or ""),
            "missing": _strs(get("missing")),
            "not_judged": _strs(get("not_judged")),
            "reasons": _strs(get("reasons")),
        })
    return _section(None if items is None else out, counts=counts,
                    shown=[r for r in out if r["rating"] != "green"])


def _dependencies(findings, names) -> dict:
    raw = findings.get("dependencies")
    available = isinstance(raw, dict)
    raw = raw if available else {}

    def part(key):
        return [i for i in raw.get(key) or [] if isinstance(i, dict)]

    return {
        "available": available,
        "hubs": [{**names.system(h.get("system")), "name": str(h.get("name") or names.system(h.get("system"))["name"]),
                  "dependents": h.get("dependents"), "direct_dependents": h.get("direct_dependents"),
                  "reasons": _strs(h.get("reasons"))} for h in part("hubs")],
        "cycles": [{"systems": [names.system(q) for q in _strs(c.get("systems"))],
                    "reasons": _strs(c.get("reasons"))} for c in part("cycles")],
        "cross_council": [{"source": names.system(c.get("from")), "target": names.system(c.get("to")),
                           "via": _strs(c.get("via")), "reasons": _strs(c.get("reasons"))}
                          for c in part("cross_council")],
        "single_points_of_failure": [{**names.system(s.get("system")), "dependents": s.get("dependents"),
                                      "reasons": _strs(s.get("reasons"))}
                                     for s in part("single_points_of_failure")],
        "unresolved": [{"system": names.system(u.get("system")), "target": str(u.get("target") or ""),
                        "file": str(u.get("file") or ""), "line": u.get("line"),
                        "reasons": _strs(u.get("reasons"))} for u in part("unresolved")],
    }


def _joiners(contracts: list, names) -> list:
    """The contracts of a late window that could still join, in words: each council by
    name with its own contract references ("Northbrook Borough Council (NB-C-0100)")."""
    by_council: dict = {}
    for qid in contracts:
        authority, _, contract = qid.partition("/")
        by_council.setdefault(authority, []).append(contract or authority)
    return [f"{names.authority(a)} ({', '.join(refs)})" for a, refs in by_council.items()]


def _data_quality(findings) -> dict:
    items = _list(findings, "data_quality")
    files = {str(q.get("file")) for q in items or [] if q.get("file")}
    base = ""
    if files and all(os.path.isabs(f) for f in files):
        try:
            base = os.path.dirname(os.path.commonpath([os.path.dirname(f) for f in files]))
        except ValueError:        # paths on different drives
            base = ""
    shown, total = _screen(items)
    relative: dict = {}           # each file's path relative to base, worked out once

    def file_of(q) -> str:
        file = str(q.get("file") or "")
        if not (base and file):
            return file
        if file not in relative:
            relative[file] = os.path.relpath(file, base)
        return relative[file]

    out = [{
        "severity": str(q.get("severity") or "info"), "code": str(q.get("code") or ""),
        "name": str(q.get("name") or ""), "file": file_of(q),
        "line": q.get("line") or None, "message": str(q.get("message") or ""),
        "hint": str(q.get("hint") or ""),
    } for q in shown or []]
    codes: dict = {}
    severities = {"warning": 0, "info": 0}
    for q in items or []:         # every problem counts, shown or not
        key = (str(q.get("code") or ""), str(q.get("name") or ""), str(q.get("severity") or "info"))
        codes[key] = codes.get(key, 0) + 1
        if key[2] in severities:
            severities[key[2]] += 1
    by_code = [{"code": c, "name": n, "severity": s, "count": k}
               for (c, n, s), k in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))]
    return _section(None if items is None else out, by_code=by_code, counts=severities, rows_total=total)


def _settings(findings, settings) -> list:
    raw = findings.get("settings")
    if not isinstance(raw, dict):
        raw = settings.as_dict()
    return [{"name": str(k), "value": ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)}
            for k, v in raw.items()]
