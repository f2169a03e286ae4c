"""The board pack: the decisions and the partnership or region pages of ``report.html``.

``report.html`` is what a shared-service board decides on, in names and words: the
executive summary, then the decisions, then one page per partnership or region.
Everything else lives in the detail pages beside it (``report/<page>.html``, listed by
:func:`detail_pages`).  This module picks the decisions from the report's sections
(never from the analyses again):

* **procurement windows** whose joint procurement can still start in time
  (``actionable``; a window without the field is actionable when its must-start-by
  date has not passed), the largest first; those already late are listed apart, with
  how late they are and who could still join;
* **consolidation candidates** that are ``material`` (all of them when the findings
  do not say), the largest saving first;
* **red legacy risks**, and **duplicates** (one council running 2+ live systems for a
  line of business).

Each kind shows at most :data:`DECISIONS_SHOWN` items, and says how many more the
detail page has.  A *group* is a partnership (from the catalogue), a region of 2+
councils whose members are not exactly a partnership's, and, last, the councils in
neither.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from estate.output import safe_name

#: items of each kind of decision the board pack writes out (the detail pages have all)
DECISIONS_SHOWN = 6
#: windows already late listed in the board pack
LATE_SHOWN = 3

#: detail pages beside report.html: (id, file, title, partial, what it holds)
DETAIL_PAGES = (
    ("candidates", "candidates.html", "Consolidation candidates", "_consolidation.html",
     "every candidate with its full reasoning, products and contracts"),
    ("timeline", "timeline.html", "Procurement timeline and contracts", "_timeline.html",
     "every procurement window and the contracts that end in the next six years"),
    ("risks", "risks.html", "Legacy risk and dependencies", "_risks.html",
     "every system's legacy risk, dependency hubs and single points of failure"),
    ("councils", "councils.html", "Lines of business and the IT that supports them", "_lines.html",
     "each council's indicators and the lines of business by council matrix"),
    ("data", "data.html", "How councils hold data", "_data.html",
     "hosting, APIs, open standards and personal data by council"),
    ("buying", "buying.html", "How councils buy technology", "_buying.html",
     "routes to market, SME spend, sales cycles and supplier concentration"),
    ("maps", "maps.html", "System maps", "_maps.html",
     "the Graphviz maps, embedded and as files"),
    ("roadmap", "roadmap.html", "Roadmap: exits, go-lives and retirements", "_roadmap.html",
     "each council's and partnership's timeline, with clashes flagged"),
    ("data-quality", "data-quality.html", "Data quality", "_quality.html",
     "every problem in the inventories that did not stop the run"),
    ("about", "about.html", "About this report", "_about.html",
     "how to read the figures and the settings used"),
)


def detail_pages(councils: list) -> list:
    """``[{id, href, title, template, summary}]`` of every detail page, councils last.

    ``councils``: ``[{id, name}]``; a council's page is ``report/<id>.html`` (``-council``
    added when its id is a fixed page's name).
    """
    pages = [{"id": i, "href": f"report/{f}", "title": t, "template": p, "summary": s, "council": None}
             for i, f, t, p, s in DETAIL_PAGES]
    fixed = {f.rsplit(".", 1)[0] for _, f, *_ in DETAIL_PAGES}
    for c in councils:
        stem = safe_name(c["id"])
        if stem in fixed:
            stem += "-council"
        pages.append({"id": f"council:{c['id']}", "href": f"report/{stem}.html", "title": c["name"],
                      "template": "_council.html", "summary": f"{c['name']}: its systems, contracts and risks",
                      "council": c["id"]})
    return pages


def _iso(value) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _actionable(w: dict, as_of: dt.date) -> bool:
    if w.get("actionable") is not None:
        return bool(w["actionable"])
    start_by = _iso(w.get("must_start_by"))
    return start_by is None or start_by >= as_of


def _money(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def decisions(context: dict, as_of: dt.date) -> dict:
    """What the board decides on, from the report's sections (rules in the docstring)."""
    windows = context["windows"]["rows"]
    actionable = sorted((w for w in windows if _actionable(w, as_of)),
                        key=lambda w: -_money(w["combined_annual_value"]))
    late = [w for w in windows if not _actionable(w, as_of)]
    candidates = context["consolidation"]["rows"]
    material = [c for c in candidates if c.get("material") is not False]
    material.sort(key=lambda c: -_money(c.get("saving_high") or c["estimated_annual_saving"]))
    risks = context["risks"]
    red = [r for r in risks["rows"] if r["rating"] == "red"]
    red.sort(key=lambda r: -_money(r["score"]))
    duplicates = context["duplicates"]
    return {
        "windows": {"available": context["windows"]["available"], "rows": actionable[:DECISIONS_SHOWN],
                    "total": len(actionable),
                    "value": sum(_money(w["combined_annual_value"]) for w in actionable)},
        "late": {"rows": late[:LATE_SHOWN], "total": len(late)},
        "candidates": {"available": context["consolidation"]["available"],
                       "rows": material[:DECISIONS_SHOWN], "total": len(material),
                       "all": context["consolidation"].get("rows_total", len(candidates)),
                       "saving_low": sum(_money(c.get("saving_low") or c["estimated_annual_saving"])
                                         for c in material),
                       "saving_high": sum(_money(c.get("saving_high") or c["estimated_annual_saving"])
                                          for c in material)},
        "red_risks": {"available": risks["available"], "rows": red[:DECISIONS_SHOWN], "total": len(red)},
        "duplicates": {"available": duplicates["available"],
                       "rows": sorted(duplicates["rows"], key=lambda d: -_money(d["annual_cost"]))[:DECISIONS_SHOWN],
                       "total": duplicates.get("rows_total", len(duplicates["rows"])),
                       "cost": sum(_money(d["annual_cost"]) for d in duplicates["rows"])},
    }


def _groups_of(estate) -> list:
    """``[(kind, id, name, [member ids])]``: partnerships, regions not the same as one,
    then the councils in neither."""
    if estate is None:
        return []
    out, seen = [], []
    for pid, p in sorted(estate.catalogue.partnerships.items()):
        members = [m for m in dict.fromkeys(p.members or []) if m in estate.authorities]
        members += [a.id for a in estate.authorities.values() if pid in a.partnerships and a.id not in members]
        if members:
            out.append(("partnership", pid, p.name, members))
            seen.append(frozenset(members))
    regions: dict = {}
    for a in estate.authorities.values():
        if a.region:
            regions.setdefault(a.region, []).append(a.id)
    for region, members in sorted(regions.items()):
        if len(members) >= 2 and frozenset(members) not in seen:
            out.append(("region", safe_name(region.lower()), f"{region} region", members))
    grouped = {m for _, _, _, members in out for m in members}
    rest = [a.id for a in estate.authorities.values() if a.id not in grouped]
    if rest:
        name = "Other councils" if out else "All councils"
        out.append(("other", "other", name, rest))
    return out


def _index(rows: list, keys) -> dict:
    """``{key: [row number, ...]}``: where each of ``keys(row)`` is found in ``rows``."""
    out: dict = {}
    for i, row in enumerate(rows):
        for k in dict.fromkeys(keys(row)):
            out.setdefault(k, []).append(i)
    return out


def _pick(rows: list, index: dict, keys) -> list:
    """The rows ``index`` lists under any of ``keys``, each once, in their order in ``rows``."""
    return [rows[i] for i in sorted({i for k in keys for i in index.get(k, ())})]


def groups(context: dict, estate, pages: list, maps: list, as_of: dt.date) -> list:
    """One page per partnership or region: its members, figures and decisions.

    Each section's rows are indexed once by council, so a group reads only its members'
    rows (not every row of the estate once per group)."""
    councils = {c["id"]: c for c in context["councils"]["rows"]}
    page_of = {p.get("council"): p["href"] for p in pages if p.get("council")}
    map_of = {m["id"]: m for m in maps}
    windows = context["windows"]["rows"]
    windows_of = _index(windows, lambda w: w.get("authority_ids") or ())
    all_candidates = context["consolidation"]["rows"]
    candidates_of = _index(all_candidates, lambda c: c.get("authority_ids") or ())
    candidates_in = _index(all_candidates, lambda c: [(c["group_kind"], c.get("group_id"))])
    risks = context["risks"]["rows"]
    red_of = _index(risks, lambda r: [r.get("authority")] if r["rating"] == "red" else [])
    all_dups = context["duplicates"]["rows"]
    dups_of = _index(all_dups, lambda d: [d["authority"]])
    out = []
    for kind, gid, name, members in _groups_of(estate):
        member_set = set(members)
        rows = [councils.get(m, {}) for m in members]
        mine = _pick(windows, windows_of, members)
        # the group's own candidates, and those whose councils are all members
        chosen = set(candidates_in.get((kind, gid), ()))
        chosen.update(i for m in members for i in candidates_of.get(m, ())
                      if set(all_candidates[i]["authority_ids"]) <= member_set)
        candidates = [all_candidates[i] for i in sorted(chosen)]
        red = _pick(risks, red_of, members)
        dups = _pick(all_dups, dups_of, members)
        group_map = map_of.get(f"{kind}-{gid}")
        out.append({
            "kind": kind, "id": gid, "name": name,
            "members": [{"id": m, "name": estate.authorities[m].name, "href": page_of.get(m),
                         "live_systems": councils.get(m, {}).get("live_systems"),
                         "annual_cost": councils.get(m, {}).get("annual_cost"),
                         "line_support_share": councils.get(m, {}).get("line_support_share")}
                        for m in members],
            "live_systems": sum(_money(r.get("live_systems")) for r in rows),
            "annual_cost": sum(_money(r.get("annual_cost")) for r in rows),
            "windows": sorted((w for w in mine if _actionable(w, as_of)),
                              key=lambda w: -_money(w["combined_annual_value"]))[:DECISIONS_SHOWN],
            "windows_total": sum(1 for w in mine if _actionable(w, as_of)),
            "late_total": sum(1 for w in mine if not _actionable(w, as_of)),
            "candidates": sorted(candidates, key=lambda c: -_money(c["estimated_annual_saving"]))[:DECISIONS_SHOWN // 2],
            "candidates_total": len(candidates),
            "saving": sum(_money(c["estimated_annual_saving"]) for c in candidates),
            "red_risks": red, "duplicates_total": len(dups),
            "duplicates_cost": sum(_money(d["annual_cost"]) for d in dups),
            "map": next((f["href"] for f in group_map["files"] if f["format"] == "svg"), None)
            if group_map else None,
        })
    return out


def board_sections(groups_: list) -> list:
    """The board pack's contents: ``[{id, title}]`` in page order."""
    return ([{"id": "summary", "title": "Executive summary"}, {"id": "decisions", "title": "Decisions"}]
            + [{"id": f"group-{g['kind']}-{g['id']}", "title": g["name"]} for g in groups_]
            + [{"id": "details", "title": "Detail pages"}])


def council_lines(view: Optional[dict]) -> dict:
    """``{council id: [{name, function, state, systems}]}``: each council's lines of
    business from the landscape view, the lines it does not list left out."""
    out: dict = {}
    if view is None:
        return out
    for row in view["rows"]:
        for cell in row["cells"]:
            if cell["state"] != "not-listed":
                out.setdefault(cell["authority"], []).append(
                    {"name": row["name"], "function": row["function"], "state": cell["state"],
                     "systems": cell["systems"]})
    return out


def by_council(context: dict) -> dict:
    """``{council id: {contracts, risks, windows}}`` in one pass over the sections, before
    the screen cap cuts them (a council's page lists all of its own)."""
    out: dict = {}

    def bucket(aid: str) -> dict:
        return out.setdefault(aid, {"contracts": [], "risks": [], "windows": []})

    for c in context["contracts"]["rows"]:
        bucket(c["authority"])["contracts"].append(c)
    for r in context["risks"]["rows"]:
        if r["rating"] != "green":
            bucket(r.get("authority"))["risks"].append(r)
    for w in context["windows"]["rows"]:
        for aid in w.get("authority_ids") or ():
            bucket(aid)["windows"].append(w)
    return out


def council_index(context: dict) -> dict:
    """What :func:`council_page` looks up, indexed once for every council's page: each
    council's indicators row and map, and where its duplicates and candidates are."""
    rows: dict = {}
    for c in context["councils"]["rows"]:
        rows.setdefault(c["id"], c)
    maps: dict = {}
    for m in context["maps"]:
        maps.setdefault(m["id"], m)
    return {"rows": rows, "maps": maps,
            "duplicates": _index(context["duplicates"]["rows"], lambda d: [d["authority"]]),
            "candidates": _index(context["consolidation"]["rows"], lambda c: c.get("authority_ids") or ())}


def council_page(context: dict, aid: str, index: Optional[dict] = None) -> dict:
    """What a council's detail page shows, picked from the report's sections (``index``:
    :func:`council_index` of the context, when several pages are made from it)."""
    index = index or council_index(context)
    council_map = index["maps"].get(f"council-{aid}")
    own = context["by_council"].get(aid, {})
    return {
        "id": aid, "row": index["rows"].get(aid),
        "lines": context["council_lines"].get(aid, []),
        "contracts": own.get("contracts", []),
        "risks": own.get("risks", []),
        "duplicates": _pick(context["duplicates"]["rows"], index["duplicates"], [aid]),
        "windows": own.get("windows", []),
        "candidates": _pick(context["consolidation"]["rows"], index["candidates"], [aid]),
        "map": next((f["href"] for f in council_map["files"] if f["format"] == "svg"), None)
        if council_map else None,
    }
