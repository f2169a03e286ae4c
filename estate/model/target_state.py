"""The estate as planned on a date: one transform of the records before the graph is built.

Three optional system fields describe a plan (SPEC, "Changes in version 1.1"):

``retire_by``
    the date the system is to be switched off;
``go_live``
    the date a planned system is to go live;
``replaced_by``
    the id of the system (same authority) that takes over from this one.

:func:`as_planned` reads the records on ``as_of`` (the run's "today") and changes only
the ``status`` of systems, by these rules, in this order:

1. a ``planned`` system whose ``go_live`` is on or before ``as_of`` is ``live``;
2. a system (not already ``retired``) whose ``retire_by`` is on or before ``as_of`` is
   ``retired``;
3. a system (not already ``retired``) with ``replaced_by`` is ``retired`` once its
   replacement is live by rule 1 (its ``go_live`` is on or before ``as_of``).  A
   replacement with no ``go_live`` date retires nothing: the plan does not say when.

The rules only move the estate forward: a system recorded as live is never made planned
again for an earlier ``as_of``.  Contracts are not changed; the analyses already judge
them against ``as_of``.  An estate that uses none of the three fields is left exactly
as loaded.  Every change is returned (and kept as ``estate.plan_changes``) with a
sentence that explains it, so a reader can see why a system counts as retired.

Until the model reads these fields itself, they arrive as extension keys
(``record.extra``); :func:`plan_of` reads them from either place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

PLAN_FIELDS = ("replaced_by", "go_live", "retire_by")


@dataclass(frozen=True)
class Plan:
    """What a system's record says about its future."""

    replaced_by: Optional[str] = None     # a system id of the same authority
    go_live: Optional[dt.date] = None
    retire_by: Optional[dt.date] = None


@dataclass(frozen=True)
class StatusChange:
    system: str                           # <authority>/<system>
    before: str
    after: str
    reason: str

    def as_dict(self) -> dict:
        return {"system": self.system, "before": self.before, "after": self.after,
                "reasons": [self.reason]}


def _field(record, name):
    value = getattr(record, name, None)
    if value is None:
        value = (getattr(record, "extra", None) or {}).get(name)
    return value


def as_date(value) -> Optional[dt.date]:
    """A date from a record's value: a date, or an ISO string; anything else is None."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return value if isinstance(value, dt.date) else None


def plan_of(system) -> Plan:
    """The plan fields of a system record (model attributes, else extension keys)."""
    replaced_by = _field(system, "replaced_by")
    if replaced_by is not None:
        replaced_by = str(replaced_by).strip() or None
        # a qualified id of the same authority is the same system
        if replaced_by and replaced_by.startswith(f"{system.authority}/"):
            replaced_by = replaced_by.split("/", 1)[1]
    return Plan(replaced_by=replaced_by, go_live=as_date(_field(system, "go_live")),
                retire_by=as_date(_field(system, "retire_by")))


def as_planned(estate, as_of: dt.date) -> list[StatusChange]:
    """Move every system to its planned status on ``as_of`` (rules in the module docstring).

    Changes the records in place and returns the changes, sorted by system; they are
    also kept as ``estate.plan_changes``.
    """
    changes: list[StatusChange] = []
    for authority in estate.authorities.values():
        plans = {sid: plan_of(s) for sid, s in authority.systems.items()}
        if not any(p != Plan() for p in plans.values()):
            continue
        for sid, s in authority.systems.items():
            p = plans[sid]
            if s.status == "planned" and p.go_live and p.go_live <= as_of:
                changes.append(_set(s, "live", f"{s.qid} was planned to go live on "
                                    f"{p.go_live.isoformat()}, on or before {as_of.isoformat()}"))
        for sid, s in authority.systems.items():
            if s.status == "retired":
                continue
            p = plans[sid]
            if p.retire_by and p.retire_by <= as_of:
                changes.append(_set(s, "retired", f"{s.qid} is to be retired by "
                                    f"{p.retire_by.isoformat()}, on or before {as_of.isoformat()}"))
                continue
            new = authority.systems.get(p.replaced_by) if p.replaced_by else None
            went_live = plans[p.replaced_by].go_live if new is not None else None
            if new is not None and new.status == "live" and went_live and went_live <= as_of:
                changes.append(_set(s, "retired", f"{s.qid} is replaced by {new.qid}, which goes "
                                    f"live on {went_live.isoformat()}, on or before "
                                    f"{as_of.isoformat()}"))
    changes.sort(key=lambda c: c.system)
    estate.plan_changes = changes
    return changes


def _set(system, status: str, reason: str) -> StatusChange:
    change = StatusChange(system.qid, system.status, status, reason)
    system.status = status
    return change
