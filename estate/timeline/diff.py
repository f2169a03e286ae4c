"""Compare two snapshots of an estate: the records, then what they did to the findings.

Records are compared **after normalisation**, as the model loaded and validated them:

* a system's ``product`` is its catalogue product id when the name resolved (so a
  product alias, ``iWorld`` for ``NEC Revenues & Benefits``, is no change, but a
  different catalogue product is), else the name as written;
* ``vendor`` and a contract's ``supplier`` are the catalogue vendor id when they
  resolved (a respelt vendor, ``Capita Business Services Ltd`` for ``Capita``, is no
  change), the public body's id for a council or partnership supplier, else as written;
* a system's ``supports`` are the taxonomy ids the lines stand for, ``depends_on`` the
  qualified system ids with their ``via``; lists whose order carries no meaning
  (``supports``, ``covers``, formats, standards, partnerships) are compared as sorted;
* dates are ISO strings, whole-number money is an integer, and blank, ``[]`` and absent
  are the same.  Extension keys (``notes``, plan fields) are compared as written.

Every other field is compared as the model holds it.  Records are matched by id:
``<authority>/<system>`` and ``<authority>/<contract>``.  A renamed id is a removal and
an addition.

The findings of both sides come from the pipeline's own function, with the same
settings (``as_of`` included), and the comparison reports: the headline counts (systems,
lines of business, annual cost) for the estate and per council; shared products gained
and lost; duplicates resolved and new; consolidation candidates **realised** (every
council of the group now runs one catalogue product for the line, with the saving that
was estimated before) and those gone or new; legacy-risk ratings moved between red,
amber and green; supplier concentration per line of business before and after.

Every list is sorted by id, so the same two snapshots give the same output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Optional

RECORD_SKIP = {"authority", "id", "src", "extra", "product_id", "vendor_id", "supplier_body",
               "bespoke", "data", "depends_on", "lines", "systems", "contracts", "files"}
UNORDERED = {"supports", "covers", "data.export_formats", "data.open_standards",
             "partnerships", "lines_of_business"}
IN_SERVICE = ("live", "retiring")


# ------------------------------------------------------------------ normalised records
def _value(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    return value


def _clean(view: dict) -> dict:
    out = {}
    for k, v in view.items():
        v = _value(v)
        if v in (None, "", [], {}):
            continue
        if k in UNORDERED and isinstance(v, list):
            v = sorted(v, key=str)
        out[k] = v
    return out


def _fields(record) -> dict:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)
            if f.name not in RECORD_SKIP}


def system_view(authority, s) -> dict:
    view = _fields(s)
    view["product"] = s.product_id or s.product
    view["vendor"] = s.vendor_id or s.vendor
    view["supports"] = [authority.taxonomy_of(x) or x for x in s.supports]
    view["depends_on"] = sorted(f"{d.qid} ({d.via})" if d.via else d.qid for d in s.depends_on)
    for name in ("personal_data", "api", "export_formats", "open_standards"):
        view[f"data.{name}"] = getattr(s.data, name)
    view.update(s.extra)
    return _clean(view)


def contract_view(authority, c) -> dict:
    view = _fields(c)
    view["supplier"] = c.vendor_id or c.supplier_body or c.supplier
    view.update(c.extra)
    return _clean(view)


def authority_view(a) -> dict:
    view = _fields(a)
    view["lines_of_business"] = [line.taxonomy_id or line.id for line in a.lines.values()
                                 if not line.implicit]
    view.update(a.extra)
    return _clean(view)


def _changed(before: dict, after: dict) -> dict:
    return {k: {"before": before.get(k), "after": after.get(k)}
            for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def _compare(before: dict, after: dict) -> dict:
    """``{id: view}`` twice -> added, removed, changed (field by field), sorted by id."""
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": [{"id": key, "fields": fields} for key in sorted(set(before) & set(after))
                    if (fields := _changed(before[key], after[key]))],
    }


def record_views(estate) -> dict:
    """``{"authorities"|"systems"|"contracts": {id: normalised view}}`` of an estate."""
    views: dict = {"authorities": {}, "systems": {}, "contracts": {}}
    for a in estate.authorities.values():
        views["authorities"][a.id] = authority_view(a)
        for s in a.systems.values():
            views["systems"][s.qid] = system_view(a, s)
        for c in a.contracts.values():
            views["contracts"][c.qid] = contract_view(a, c)
    return views


# ----------------------------------------------------------------------- the findings
def _summary(findings: dict) -> dict:
    s = findings["summary"]
    return {k: s.get(k) for k in ("authorities", "systems", "in_service_systems", "contracts",
                                  "lines_of_business", "annual_cost")}


def _councils(before: dict, after: dict) -> dict:
    keys = ("systems", "in_service_systems", "lines_of_business", "annual_cost")
    b = {a["id"]: a for a in before["authorities"]}
    n = {a["id"]: a for a in after["authorities"]}
    out = {}
    for aid in sorted(set(b) | set(n)):
        row = {k: {"before": b.get(aid, {}).get(k), "after": n.get(aid, {}).get(k)} for k in keys}
        out[aid] = {k: v for k, v in row.items() if v["before"] != v["after"]}
    return out


def _shared(before: dict, after: dict) -> dict:
    b = {p["product"]: p for p in before["shared_products"]}
    n = {p["product"]: p for p in after["shared_products"]}
    changed = []
    for pid in sorted(set(b) & set(n)):
        joined = sorted(set(n[pid]["authorities"]) - set(b[pid]["authorities"]))
        left = sorted(set(b[pid]["authorities"]) - set(n[pid]["authorities"]))
        if joined or left:
            changed.append({"product": pid, "joined": joined, "left": left})
    return {"gained": [{"product": p, "name": n[p].get("product_name"),
                        "authorities": n[p]["authorities"]} for p in sorted(set(n) - set(b))],
            "lost": [{"product": p, "name": b[p].get("product_name"),
                      "authorities": b[p]["authorities"]} for p in sorted(set(b) - set(n))],
            "changed": changed}


def _duplicates(before: dict, after: dict) -> dict:
    def key(d):
        return f"{d['authority']}/{d['line_of_business']}"
    b = {key(d): d for d in before["duplicates"]}
    n = {key(d): d for d in after["duplicates"]}

    def item(d):
        return {"authority": d["authority"], "line_of_business": d["line_of_business"],
                "systems": d["systems"], "annual_cost": d.get("annual_cost")}
    return {"resolved": [item(b[k]) for k in sorted(set(b) - set(n))],
            "new": [item(n[k]) for k in sorted(set(n) - set(b))]}


def _lines_products(estate, authority_id: str, line: str) -> Optional[set]:
    """Products of the authority's in-service systems for the line (None: it runs none)."""
    a = estate.authorities.get(authority_id)
    if a is None:
        return None
    products = {s.product_id or f"(not a catalogue product: {s.qid})"
                for s in a.systems.values() if s.status in IN_SERVICE
                and line in {a.taxonomy_of(x) or x for x in s.supports}}
    return products or None


def _candidates(before: dict, after: dict, after_estate) -> dict:
    def key(c):
        group = c.get("group") or {}
        return f"{c['line_of_business']}@{group.get('kind')}:{group.get('id')}"
    b = {key(c): c for c in before["consolidation_candidates"]}
    n = {key(c): c for c in after["consolidation_candidates"]}
    realised, gone = [], []
    for k in sorted(set(b) - set(n)):
        c = b[k]
        item = {"line_of_business": c["line_of_business"], "group": c.get("group"),
                "authorities": c["authorities"],
                "estimated_annual_saving": c.get("estimated_annual_saving")}
        per_council = [_lines_products(after_estate, aid, c["line_of_business"])
                       for aid in c["authorities"]]
        products = set().union(*(p for p in per_council if p))
        if all(per_council) and len(products) == 1 and not next(iter(products)).startswith("("):
            item["product"] = next(iter(products))
            item["reasons"] = [
                f"Every council of the group ({', '.join(c['authorities'])}) now runs "
                f"{item['product']} for {c['line_of_business']}; the saving estimated then was "
                f"£{c.get('estimated_annual_saving') or 0:,.0f} a year."]
            realised.append(item)
        else:
            gone.append(item)
    new = [{"line_of_business": n[k]["line_of_business"], "group": n[k].get("group"),
            "authorities": n[k]["authorities"],
            "estimated_annual_saving": n[k].get("estimated_annual_saving")}
           for k in sorted(set(n) - set(b))]
    return {"realised": realised, "no_longer_candidates": gone, "new": new}


def _risk(before: dict, after: dict) -> dict:
    b = {r["system"]: r.get("rating") for r in before["legacy_risks"]}
    n = {r["system"]: r.get("rating") for r in after["legacy_risks"]}
    moved = [{"system": s, "before": b[s], "after": n[s]}
             for s in sorted(set(b) & set(n)) if b[s] != n[s]]
    ratings = ("red", "amber", "green")
    counts = {r: {"before": sum(1 for v in b.values() if v == r),
                  "after": sum(1 for v in n.values() if v == r)} for r in ratings}
    return {"moved": moved, "ratings": counts}


def _concentration(before: dict, after: dict) -> list:
    b = {c["line_of_business"]: c for c in before["supplier_concentration"]}
    n = {c["line_of_business"]: c for c in after["supplier_concentration"]}
    out = []
    for line in sorted(set(b) | set(n)):
        o, m = b.get(line, {}), n.get(line, {})
        row = {k: {"before": o.get(k), "after": m.get(k)} for k in ("hhi", "leading_vendor",
                                                                     "leading_share")}
        if any(v["before"] != v["after"] for v in row.values()):
            out.append({"line_of_business": line, **row})
    return out


def compare_findings(before, after) -> dict:
    """What the change of records did to the findings (each side a :class:`Snapshot`)."""
    fb, fa = before.findings, after.findings
    summary = {k: {"before": v, "after": _summary(fa)[k]} for k, v in _summary(fb).items()}
    return {
        "summary": summary,
        "councils": _councils(fb, fa),
        "shared_products": _shared(fb, fa),
        "duplicates": _duplicates(fb, fa),
        "consolidation_candidates": _candidates(fb, fa, after.estate),
        "legacy_risks": _risk(fb, fa),
        "supplier_concentration": _concentration(fb, fa),
    }


def diff(before, after) -> dict:
    """The whole comparison of two :class:`~estate.timeline.snapshot.Snapshot` objects."""
    vb, va = before.views, after.views
    authorities = _compare(vb["authorities"], va["authorities"])
    return {
        "before": before.label,
        "after": after.label,
        "as_of": before.findings["summary"]["as_of"],
        "authorities": authorities,
        "systems": _compare(vb["systems"], va["systems"]),
        "contracts": _compare(vb["contracts"], va["contracts"]),
        "findings": compare_findings(before, after),
    }


def councils_touched(result: dict) -> list:
    """The councils with any record added, removed or changed, sorted."""
    ids = set(result["authorities"]["added"]) | set(result["authorities"]["removed"])
    ids |= {c["id"] for c in result["authorities"]["changed"]}
    for kind in ("systems", "contracts"):
        ids |= {q.split("/")[0] for q in result[kind]["added"] + result[kind]["removed"]}
        ids |= {c["id"].split("/")[0] for c in result[kind]["changed"]}
    return sorted(ids)
