"""Roadmap: what is due to happen to each council's estate, in date order, with clashes.

One timeline per council and one per partnership (the member councils' items together,
and the procurement windows two or more members share).  Only dates on or after
``settings.as_of`` are shown: the roadmap looks forward.  Items, by ``kind``:

``contract-exit``
    a contract's ``end`` (its ``extension_until``, when recorded, is named too), for a
    contract whose latest end is not yet past; once ``end`` has passed, the last day its
    extensions can run to; a contract with no end recorded (rolling) is not placed, unless
    its ``extension_until`` is;
``end-of-support``
    a system's ``end_of_support``, for a system not retired;
``go-live``
    a system's planned ``go_live`` (:mod:`estate.model.target_state`);
``retirement``
    a system's ``retire_by``, or, with ``replaced_by`` and no ``retire_by``, the day its
    replacement goes live;
``procurement-window``
    a window of :mod:`estate.analyses.procurement_windows`, dated by its
    ``must_start_by`` (the last day to begin buying jointly; its start when none).  The
    item holds the reader's share, not the whole window: ``ref`` (the window's, ``W12``:
    the whole window is that entry of ``procurement_windows``), ``authorities`` and
    ``contracts`` (only the timeline's own councils and contracts in it) and ``councils``
    (how many councils share the window).  So a council's roadmap grows with its own
    windows, not with the size of everyone else's.  A window still ahead whose
    ``must_start_by`` has already passed keeps that date, and its reason says procurement
    should have started by then (start now, or extend a contract to meet the window)
    rather than that it must start by a day already gone.

Clashes (``clash: true`` on the item, and listed under ``clashes``):

``retired-before-replacement``
    a system with ``replaced_by`` whose ``retire_by`` is before its replacement's
    ``go_live``: the line of business would be left without either for the days between;
``no-successor``
    a contract whose latest end falls within ``CLASH_MONTHS`` (24) months of
    ``as_of``, covering a system that is still needed then: not retired or due to retire
    by that date, with no ``replaced_by``, and no other contract of the council covering
    it beyond that date (no renewal).  Twenty-four months is about what a replacement
    takes: a typical sales cycle of nine months, notice of up to a year, and migration.

Each item has ``reasons``: a plain sentence with the dates and names that put it there.
Items are sorted by date, then kind, then subject; councils and partnerships by the
number of clashes (most first), then id.  ``target_state`` lists the status changes the
plan made for ``as_of`` (:func:`estate.model.target_state.as_planned`).
"""

from __future__ import annotations

import datetime as dt

from estate.analyses import procurement_windows
from estate.analyses._contracts import add_months, and_list
from estate.model.target_state import plan_of

CLASH_MONTHS = 24
KIND_ORDER = ("procurement-window", "contract-exit", "end-of-support", "retirement", "go-live")


def _item(date: dt.date, kind: str, authority: str, subject: str, name: str, reason: str,
          **extra) -> dict:
    return {"date": date.isoformat(), "kind": kind, "authority": authority, "subject": subject,
            "name": name, "clash": False, **extra, "reasons": [reason]}


def _system_items(authority, as_of: dt.date) -> tuple[list, list]:
    items, clashes = [], []
    plans = {sid: plan_of(s) for sid, s in authority.systems.items()}
    for sid, s in authority.systems.items():
        p = plans[sid]
        if s.status != "retired" and s.end_of_support and s.end_of_support >= as_of:
            items.append(_item(s.end_of_support, "end-of-support", s.authority, s.qid, s.name,
                               f"{s.name} ({s.qid}) reaches the end of its vendor's support on "
                               f"{s.end_of_support.isoformat()}."))
        if p.go_live and p.go_live >= as_of:
            items.append(_item(p.go_live, "go-live", s.authority, s.qid, s.name,
                               f"{s.name} ({s.qid}) is planned to go live on {p.go_live.isoformat()}."))
        new = authority.systems.get(p.replaced_by) if p.replaced_by else None
        new_live = plans[p.replaced_by].go_live if new is not None else None
        retire = p.retire_by or new_live
        if retire and retire >= as_of:
            if p.retire_by:
                why = f"{s.name} ({s.qid}) is to be retired by {p.retire_by.isoformat()}"
            else:
                why = f"{s.name} ({s.qid}) retires when its replacement goes live, on {retire.isoformat()}"
            if new is not None:
                why += f"; {new.qid} replaces it"
            item = _item(retire, "retirement", s.authority, s.qid, s.name, why + ".",
                         replaced_by=new.qid if new is not None else None)
            if p.retire_by and new_live and p.retire_by < new_live:
                gap = (new_live - p.retire_by).days
                item["clash"] = "retired-before-replacement"
                item["reasons"].append(
                    f"Clash: it is retired {gap} day(s) before its replacement {new.qid} goes live "
                    f"on {new_live.isoformat()}, so nothing would run its work in between.")
                clashes.append(item)
            items.append(item)
    return items, clashes


def _renewed(contract, system, contracts) -> bool:
    """Another contract of the council covers the system beyond this one's latest end (or
    runs with no end recorded: rolling)."""
    return any(other.id != contract.id and system.id in other.covers
               and (other.latest_end is None or other.latest_end > contract.latest_end)
               for other in contracts)


def _contract_items(authority, as_of: dt.date) -> tuple[list, list]:
    items, clashes = [], []
    contracts = list(authority.contracts.values())
    horizon = add_months(as_of, CLASH_MONTHS)
    for c in contracts:
        if c.latest_end is None or c.latest_end < as_of:
            continue
        ext = (f", and can be extended to {c.extension_until.isoformat()}"
               if c.end and c.extension_until and c.extension_until > c.end else "")
        if c.end is not None and c.end >= as_of:
            date, why = c.end, f"Contract {c.qid} with {c.supplier} ends on {c.end.isoformat()}{ext}."
        elif c.end is not None:
            date, why = c.latest_end, (f"Contract {c.qid} with {c.supplier} ended its term on "
                                       f"{c.end.isoformat()} and can run on extensions to "
                                       f"{c.latest_end.isoformat()}.")
        else:
            date, why = c.latest_end, (f"Contract {c.qid} with {c.supplier} has no end recorded "
                                       f"and can be extended to {c.latest_end.isoformat()}.")
        item = _item(date, "contract-exit", c.authority, c.qid, c.supplier, why,
                     extension_until=c.extension_until.isoformat() if ext else None)
        if c.latest_end <= horizon:
            orphans = []
            for sid in c.covers:
                s = authority.systems.get(sid)
                if s is None or s.status == "retired":
                    continue
                p = plan_of(s)
                if (p.retire_by and p.retire_by <= c.latest_end) or p.replaced_by \
                        or _renewed(c, s, contracts):
                    continue
                orphans.append(s)
            if orphans:
                item["clash"] = "no-successor"
                item["systems"] = [s.qid for s in orphans]
                item["reasons"].append(
                    f"Clash: no successor is planned. It runs out on {c.latest_end.isoformat()}, "
                    f"within {CLASH_MONTHS} months, while {', '.join(s.qid for s in orphans)} "
                    f"{'is' if len(orphans) == 1 else 'are'} still needed: not due to retire, "
                    "no replacement named, and no other contract covers "
                    f"{'it' if len(orphans) == 1 else 'them'} after that date.")
                clashes.append(item)
        items.append(item)
    return items, clashes


def _window_item(w: dict, readers, owner: dict, as_of: dt.date):
    """Window ``w`` as the item of a timeline read by ``readers`` (a council, or a
    partnership's members): its share of the window, or None when the window is past or
    holds none of the readers' contracts."""
    if dt.date.fromisoformat(w["end"]) < as_of:
        return None
    contracts = [q for q in w["contracts"] if owner.get(q) in readers]
    if not contracts:
        return None
    mine = [a for a in w["authorities"] if a in readers]
    date = dt.date.fromisoformat(w.get("must_start_by") or w["start"])
    subject = w.get("line_of_business") or w.get("product") or ""
    name = w.get("line_name") or subject
    ref, others = w.get("ref") or "", len(w["authorities"]) - len(mine)
    theirs = (f"{and_list(mine)}'s contract {contracts[0]}" if len(contracts) == 1
              else f"{and_list(mine)}'s contracts {', '.join(contracts)}")
    if others:
        whose = "councils'" if others > 1 else "council's"
        head = f"{others} other {whose} contracts end in window {ref} with {theirs}"
    else:
        head = f"Only {theirs} end in window {ref}"
    if date < as_of:        # the lead time has already run out: say so, not "must start by"
        when = (f"procurement should have started by {date.isoformat()}, before "
                f"{as_of.isoformat()}: start now, or extend a contract to meet the window")
    else:
        when = f"procurement must start by {date.isoformat()}"
    reason = f"{head}, between {w['start']} and {w['end']}; to buy {name} jointly, {when}."
    return _item(date, "procurement-window", ",".join(mine), subject, name, reason,
                 ref=ref, authorities=mine, contracts=contracts,
                 councils=len(w["authorities"]), start=w["start"], end=w["end"])


def _window_items(windows: list, readers, owner: dict, as_of: dt.date) -> list:
    """The items of the windows shared by ``readers``, each holding their share."""
    items = []
    for w in windows:
        item = _window_item(w, readers, owner, as_of)
        if item is not None:
            items.append(item)
    return items


def _key(item: dict) -> tuple:
    return (item["date"], KIND_ORDER.index(item["kind"]), item["subject"], item["authority"])


def _timeline(items: list) -> list:
    return sorted(items, key=_key)


def find(estate, graph, settings, windows=None) -> dict:
    """The roadmap (module docstring).  ``windows``: the procurement windows finding, when
    already computed; otherwise it is computed here, by the same function."""
    as_of = settings.as_of
    if windows is None:
        windows = procurement_windows.find(estate, graph, settings)
    owner = {c.qid: c.authority for c in estate.contracts()}
    by_authority: dict = {}
    for w in windows:
        for a in w["authorities"]:
            by_authority.setdefault(a, []).append(w)
    councils, clashes, by_council = [], [], {}
    for a in estate.authorities.values():
        system_items, system_clashes = _system_items(a, as_of)
        contract_items, contract_clashes = _contract_items(a, as_of)
        own = system_items + contract_items
        by_council[a.id] = own
        shared = _window_items(by_authority.get(a.id, []), {a.id}, owner, as_of)
        found = system_clashes + contract_clashes
        clashes.extend(found)
        councils.append({"authority": a.id, "name": a.name, "clashes": len(found),
                         "items": _timeline(own + shared)})
    partnerships = []
    for p in estate.catalogue.partnerships.values():
        members = sorted(m for m in p.members if m in estate.authorities)
        if not members:
            continue
        items = [i for m in members for i in by_council[m]]
        inside = set(members)
        shared = [w for w in windows if len(inside.intersection(w["authorities"])) >= 2]
        items += _window_items(shared, inside, owner, as_of)
        partnerships.append({"partnership": p.id, "name": p.name, "authorities": members,
                             "clashes": sum(1 for i in items if i["clash"]),
                             "items": _timeline(items)})
    councils.sort(key=lambda c: (-c["clashes"], c["authority"]))
    partnerships.sort(key=lambda p: (-p["clashes"], p["partnership"]))
    return {
        "as_of": as_of.isoformat(),
        "clash_months": CLASH_MONTHS,
        "clashes": _timeline(clashes),
        "councils": councils,
        "partnerships": partnerships,
        "target_state": [c.as_dict() for c in getattr(estate, "plan_changes", [])],
    }
