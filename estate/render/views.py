"""Views both outputs show: built once here, read by the report and the register.

A *view* is a table derived from the estate records and the findings that more than
one renderer shows.  Building it once is how ``report.html`` and ``register.xlsx``
never disagree: a renderer formats a view, it never works one out again.  Views hold
plain data (dicts, lists, :class:`datetime.date`), no markup and no cell formats.

The views
---------
:class:`Names`
    display names for the ids the findings use (councils, systems, lines of business,
    vendors, products, partnerships).
:func:`landscape`
    the lines of business x councils matrix.  The rule, in one place:

    * a system is **in service** when its status is ``live`` or ``retiring`` (a retiring
      system still supports the line today); a cell whose council has an in-service
      system for the line is ``in-service``, and the row's ``councils`` counts those
      cells;
    * a ``planned`` system is shown apart (``planned`` in the cell, state ``planned``
      when the council has nothing in service for the line) and never counted;
    * a ``retired`` system is left out;
    * a council that lists the line but has no system for it is ``no-system`` (or
      ``not-delivered`` when the line says so); one that does not list it is
      ``not-listed``.  ``delivery`` carries the listed line's delivery
      (``in-house``, ``outsourced``, ``shared-service``...) for a renderer that shows it.

    Rows: taxonomy lines grouped by function (functions and lines in name order),
    then each council's local lines (function "Local to <council>").
:func:`contract_status`
    one contract's dates as of the run: the date it ends (the extension's when the
    first end has passed and the contract is ``running on extension``), the last day
    notice can be given for that end, and the earliest exit of
    :func:`estate.analyses._contracts.earliest_exit` (the rule the analyses use).
:func:`contracts_ending`
    the contracts that end between the as-of date and a horizon, soonest first, each
    with its status and the procurement windows that hold it; plus how many ended
    before and end after.

Dates are computed with :func:`estate.analyses._contracts.add_months`, the toolkit's
only month arithmetic.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping, Optional

from estate.analyses._contracts import add_months, earliest_exit

#: statuses of a system that supports its lines today
IN_SERVICE = frozenset({"live", "retiring"})
PLANNED = "planned"


class Names:
    """Display names for the ids findings use (authorities, systems, lines, vendors...).

    ``estate`` may be ``None`` (a saved ``analysis.json`` rendered alone): then an id
    stands for its own name.
    """

    def __init__(self, estate):
        self.estate = estate
        cat = getattr(estate, "catalogue", None)
        self.vendors = getattr(cat, "vendors", {}) or {}
        self.products = getattr(cat, "products", {}) or {}
        self.partnerships = getattr(cat, "partnerships", {}) or {}
        self.authorities = getattr(estate, "authorities", {}) or {}
        self.systems: dict = {}        # qid -> system ref, made once (a table can name a system often)

    def authority(self, aid) -> str:
        a = self.authorities.get(aid)
        return a.name if a else str(aid or "")

    def system(self, qid) -> dict:
        """A system ref: ``{id, name, authority, authority_name}``."""
        return dict(self.ref(qid))     # a copy each time, as whoever uses it may change it

    def ref(self, qid) -> dict:
        """:meth:`system`'s ref itself, made once per system: to read, not to hand out."""
        qid = str(qid or "")
        ref = self.systems.get(qid)
        if ref is None:
            s = self.estate.system(qid) if self.estate is not None else None
            authority = qid.partition("/")[0]
            ref = self.systems[qid] = {"id": qid, "name": s.name if s else qid.partition("/")[2] or qid,
                                       "authority": authority, "authority_name": self.authority(authority)}
        return ref

    def line(self, line_id, given=None) -> str:
        if given:
            return str(given)
        if self.estate is not None and line_id:
            return self.estate.line_name(str(line_id))
        return str(line_id or "").replace("-", " ").capitalize()

    def vendor(self, vid, given=None) -> str:
        if given:
            return str(given)
        v = self.vendors.get(vid)
        return v.name if v else str(vid or "")

    def product(self, pid, given=None) -> str:
        if given:
            return str(given)
        p = self.products.get(pid)
        return p.name if p else str(pid or "")

    def partnership(self, pid) -> str:
        p = self.partnerships.get(pid)
        return p.name if p else str(pid or "")


# --------------------------------------------------------------------------- landscape

def _cell_systems(systems: list) -> list:
    """In-service systems first (live before retiring), then planned; by product within."""
    return sorted(systems, key=lambda s: (s["status"] not in IN_SERVICE, s["status"] != "live", s["product"]))


def landscape(estate, names: Optional[Names] = None) -> dict:
    """The lines of business x councils matrix (rule in the module docstring).

    ``{"councils": [{id, name}], "rows": [{id, name, function, local, councils,
    planned_councils, cells: [{authority, state, delivery, systems: [{id, name, product,
    status, bespoke}]}]}]}``; ``systems`` lists in-service then planned systems, and a
    cell's ``in_service``/``planned`` count them.  ``None`` when there is no estate.
    """
    if estate is None or not estate.authorities:
        return None
    names = names or Names(estate)
    authorities = list(estate.authorities.values())
    taxonomy = estate.catalogue.lines_of_business
    rows: dict = {}

    def row(key, name, function, local):
        if key not in rows:
            rows[key] = {"id": key, "name": name, "function": function, "local": local,
                         "cells": {a.id: {"state": "not-listed", "delivery": None, "systems": []}
                                   for a in authorities}}
        return rows[key]

    def key_of(a, line_id):
        line = a.lines.get(line_id)
        if line is not None and line.taxonomy_id:
            return line.taxonomy_id, line
        if line_id in taxonomy:
            return line_id, line
        return f"{a.id}/{line_id}", line

    def row_of(a, line_id):
        key, line = key_of(a, line_id)
        if key in rows:
            return rows[key]
        if key in taxonomy:
            t = taxonomy[key]
            return row(key, t.name, t.function or "Other", False)
        name = line.name if line is not None and line.name else names.line(line_id)
        return row(key, name, f"Local to {a.name}", True)

    for a in authorities:
        for line_id, line in a.lines.items():
            cell = row_of(a, line_id)["cells"][a.id]
            if cell["state"] == "not-listed":
                cell["state"] = "not-delivered" if line.delivery == "not-delivered" else "no-system"
                cell["delivery"] = line.delivery
        for s in a.systems.values():
            if s.status == "retired":
                continue
            label = names.product(s.product_id) if s.product_id else (s.product or s.name)
            for line_id in s.supports:
                cell = row_of(a, line_id)["cells"][a.id]
                cell["systems"].append({"id": s.qid, "name": s.name, "product": label, "status": s.status,
                                        "bespoke": bool(s.bespoke)})
                if s.status in IN_SERVICE:
                    cell["state"] = "in-service"
                elif cell["state"] != "in-service":
                    cell["state"] = "planned"
    out = []
    for r in sorted(rows.values(), key=lambda r: (r["local"], r["function"], r["name"])):
        cells = []
        for a in authorities:
            cell = r["cells"][a.id]
            systems = _cell_systems(cell["systems"])
            service = sum(1 for s in systems if s["status"] in IN_SERVICE)
            cells.append({"authority": a.id, "state": cell["state"], "delivery": cell["delivery"],
                          "systems": systems, "in_service": service, "planned": len(systems) - service})
        out.append({"id": r["id"], "name": r["name"], "function": r["function"], "local": r["local"],
                    "cells": cells,
                    "councils": sum(1 for c in cells if c["state"] == "in-service"),
                    "planned_councils": sum(1 for c in cells if c["planned"])})
    return {"councils": [{"id": a.id, "name": a.name} for a in authorities], "rows": out}


# --------------------------------------------------------------------------- contracts

def contract_status(contract, as_of: dt.date) -> dict:
    """One contract's dates as of ``as_of`` (rule in the module docstring).

    ``{end, first_end, extended, extension_until, notice_by, earliest_exit, exit_how,
    exit_reason}``: ``end`` is the date it ends if nothing is done (its extension's
    when it is running on one), ``notice_by`` the last day to give notice for ``end``
    (``None`` when no notice period is recorded).
    """
    end, extended = contract.end, False
    if end is None:              # unknown or rolling: no date to act on
        return {"end": None, "first_end": None, "extended": False,
                "extension_until": contract.extension_until, "notice_by": None,
                "earliest_exit": None, "exit_how": "unknown",
                "exit_reason": "no end date is recorded (unknown or rolling)"}
    if end < as_of and contract.extension_until and contract.extension_until >= as_of:
        end, extended = contract.extension_until, True       # running on its extension
    exit_ = earliest_exit(contract, as_of)
    return {"end": end, "first_end": contract.end, "extended": extended,
            "extension_until": contract.extension_until,
            "notice_by": add_months(end, -contract.notice_months) if contract.notice_months else None,
            "earliest_exit": exit_.date, "exit_how": exit_.how, "exit_reason": exit_.reason}


def contracts_ending(estate, as_of: dt.date, until: dt.date, names: Optional[Names] = None,
                     windows: Optional[Mapping[str, Iterable[str]]] = None) -> Optional[dict]:
    """Contracts that end (:func:`contract_status`'s ``end``) on or after ``as_of`` and
    before ``until``, soonest first.

    ``windows`` maps a contract's qualified id to the references of the procurement
    windows that hold it.  Returns ``{"rows": [...], "before": n, "after": n}`` (``before``:
    ended before ``as_of``; ``after``: end on or after ``until``), ``None`` without an
    estate.  A row: ``id`` (qualified), ``authority``, ``authority_name``, ``contract``,
    ``supplier``, ``systems`` (refs of :meth:`Names.system`), ``annual_value``,
    ``route``, ``windows`` and the keys of :func:`contract_status`.
    """
    if estate is None:
        return None
    names = names or Names(estate)
    windows = windows or {}
    rows, before, after, unknown = [], 0, 0, 0
    for a in estate.authorities.values():
        for c in a.contracts.values():
            status = contract_status(c, as_of)
            if status["end"] is None:
                unknown += 1
                continue
            if status["end"] < as_of:
                before += 1
                continue
            if status["end"] >= until:
                after += 1
                continue
            rows.append({
                "id": c.qid, "authority": a.id, "authority_name": a.name, "contract": c.id,
                "supplier": names.vendor(c.vendor_id) if c.vendor_id else c.supplier,
                "systems": [names.system(f"{a.id}/{s}") for s in c.covers],
                "annual_value": c.annual_value, "route": c.route or "",
                "windows": list(windows.get(c.qid, ())), **status,
            })
    rows.sort(key=lambda r: (r["end"], r["id"]))
    return {"rows": rows, "before": before, "after": after, "unknown": unknown}
