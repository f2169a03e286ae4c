"""Contract dates and coverage: shared helpers for the analyses.

When can a contract end?
------------------------
A contract records ``end``, and optionally ``extension_until`` (the latest date if
every extension is taken) and ``notice_months`` (notice needed before ``end``).  As of
a date (``settings.as_of``, "today") :func:`earliest_exit` answers with one rule:

0. **No extension option and the end still to come**: the contract simply expires at
   ``end``; notice only stops a contract running on, so none is needed.
1. **Notice can still be given in time** (today is on or before ``end`` minus the
   notice period): the contract can end at ``end``.
2. **Notice can no longer be given in time**, and the contract has an
   ``extension_until`` still to come: we assume the extensions run on, so it ends at
   ``extension_until`` (the one date we know it cannot outlive).
3. **Otherwise** (the end, and any extension, has passed): the contract is holding
   over, and notice given today ends it when that notice runs out, today plus
   ``notice_months``.

A contract that records no ``notice_months`` is treated as needing no notice (so rule 1
applies whenever ``end`` is still to come), and the answer says so: callers count such
contracts under ``not_judged["notice_months"]``.  A contract "has ended" when its latest
possible end (``end``, or ``extension_until`` when later) is before today.

A contract with no ``end`` (unknown, or rolling on with no fixed term) has no earliest
exit and is never "ended": analyses that need an end date leave it out and count it
under ``not_judged["end"]``; spend and concentration still count it.

Sales cycles
------------
The sales cycle of a contract is ``start - procurement_started`` in days, known only
when both are recorded and the start is not before the procurement began.
:func:`median_sales_cycle` takes the median over any set of contracts;
:func:`council_sales_cycles` gives each council its own median when it has measured at
least a given number of contracts (``settings.sales_cycle_min_contracts``).

Coverage
--------
A contract covers systems (``covers``: ids of its authority's systems, or
``<authority>/<system>``); its lines of business are the lines those systems support,
and its products those systems' catalogue products.
"""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Iterable, Optional

from estate.analyses._graph import graph_memo


#: days in each month of a common year (``calendar.monthrange`` works out the weekday too)
DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (negative: back), clamped to the month's end.

    >>> add_months(dt.date(2027, 3, 31), -1)
    datetime.date(2027, 2, 28)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)                 # month0: 0 for January
    last = DAYS_IN_MONTH[month0] + (month0 == 1 and calendar.isleap(year))
    return dt.date(year, month0 + 1, min(day.day, last))


@dataclass(frozen=True)
class Exit:
    """When a contract can end, and why (``how`` is ``end``, ``extension`` or ``notice``)."""

    date: dt.date
    how: str
    reason: str
    notice_known: bool


def latest_end(contract) -> Optional[dt.date]:
    """The latest date the contract can run to (end, or its last extension); None when
    ``end`` is not recorded."""
    if contract.end is None:
        return None
    if contract.extension_until and contract.extension_until > contract.end:
        return contract.extension_until
    return contract.end


def has_ended(contract, as_of: dt.date) -> bool:
    """True when even the last extension ended before ``as_of`` (never, without an end)."""
    last = latest_end(contract)
    return last is not None and last < as_of


def notice_deadline(contract) -> dt.date:
    """The last day notice can be given to end the contract at ``end`` (no notice: ``end``)."""
    return add_months(contract.end, -(contract.notice_months or 0))


def earliest_exit(contract, as_of: dt.date) -> Optional[Exit]:
    """The earliest date ``contract`` can end, seen from ``as_of`` (rules in the module
    docstring); None when it records no ``end``."""
    if contract.end is None:
        return None
    notice = contract.notice_months
    known = notice is not None
    months = notice or 0
    deadline = notice_deadline(contract)
    ext = contract.extension_until if contract.extension_until and contract.extension_until > contract.end \
        else None
    unknown = "" if known else " (no notice period recorded: assumed none is needed)"
    if ext is None and as_of <= contract.end:
        return Exit(contract.end, "end",
                    f"it expires on {contract.end.isoformat()} with no extension option, so no notice "
                    "is needed", known)
    if as_of <= deadline:
        if months:
            why = (f"notice of {months} month{'s' if months != 1 else ''} can still be given by "
                   f"{deadline.isoformat()}, so it can end on {contract.end.isoformat()}")
        else:
            why = f"it can end on {contract.end.isoformat()}{unknown}"
        return Exit(contract.end, "end", why, known)
    if months:
        missed = (f"the {months}-month notice deadline for its end on {contract.end.isoformat()} "
                  f"was {deadline.isoformat()}")
    else:
        missed = f"its end on {contract.end.isoformat()} has passed{unknown}"
    if ext and ext >= as_of:
        return Exit(ext, "extension",
                    f"{missed}, so it runs on to its last extension, {ext.isoformat()}", known)
    until = add_months(as_of, months)
    if ext:
        missed += f" and its last extension ended on {ext.isoformat()}"
    if months:
        why = (f"{missed}, so notice given on {as_of.isoformat()} ends it on {until.isoformat()}")
    else:
        why = f"{missed}, so it can end at once ({as_of.isoformat()})"
    return Exit(until, "notice", why, known)


def sales_cycle_days(contract) -> Optional[int]:
    """Days from ``procurement_started`` to ``start``; None when unknown or negative."""
    if contract.start is None or contract.procurement_started is None:
        return None
    days = (contract.start - contract.procurement_started).days
    return days if days >= 0 else None


def median_sales_cycle(contracts: Iterable) -> tuple[Optional[int], int]:
    """(median sales cycle in whole days, number of contracts measured); (None, 0) if none."""
    days = [d for d in (sales_cycle_days(c) for c in contracts) if d is not None]
    if not days:
        return None, 0
    return int(round(statistics.median(days))), len(days)


def council_sales_cycles(contracts: Iterable, min_contracts: int) -> dict[str, tuple[int, int]]:
    """``{authority: (median sales cycle in days, contracts measured)}`` for the councils
    that measured at least ``min_contracts`` contracts (the others are left out)."""
    by_council: dict[str, list] = {}
    for c in contracts:
        by_council.setdefault(c.authority, []).append(c)
    out = {}
    for authority in sorted(by_council):
        days, measured = median_sales_cycle(by_council[authority])
        if days is not None and measured >= max(1, min_contracts):
            out[authority] = (days, measured)
    return out


def contracts_covering(estate, graph) -> dict:
    """``{system qid: [the contracts that cover it]}``, contracts in the estate's order;
    memoised on the graph of ``estate`` for the analyses that need it (do not change it)."""
    memo = graph_memo(graph)
    if "contracts_covering" not in memo:
        covering: dict = {}
        for c in estate.contracts():
            for sid in c.covers:
                covering.setdefault(sid if "/" in sid else f"{c.authority}/{sid}", []).append(c)
        memo["contracts_covering"] = covering
    return memo["contracts_covering"]


def covered_systems(estate, contract) -> list:
    """The System records a contract covers (references that do not resolve are skipped)."""
    out = []
    for sid in contract.covers:
        qid = sid if "/" in sid else f"{contract.authority}/{sid}"
        system = estate.system(qid)
        if system is not None:
            out.append(system)
    return out


def system_lines(estate, system) -> list[str]:
    """The line ids a system supports, local ids mapped to the taxonomy when they can be.

    A local line without ``maps_to`` keeps its local id, qualified as ``<authority>/<id>``
    so that it is never taken for another council's line of the same name.
    """
    authority = estate.authorities.get(system.authority)
    out = []
    for lid in system.supports:
        taxonomy = authority.taxonomy_of(lid) if authority else None
        key = taxonomy or f"{system.authority}/{lid}"
        if key not in out:
            out.append(key)
    return out


def contract_lines(estate, contract, taxonomy_only: bool = True, systems=None) -> list[str]:
    """Sorted line ids supported by the systems a contract covers (``systems``: those
    systems, when the caller has them already)."""
    lines = set()
    for system in covered_systems(estate, contract) if systems is None else systems:
        for line in system_lines(estate, system):
            if not taxonomy_only or "/" not in line:
                lines.add(line)
    return sorted(lines)


def contract_products(estate, contract, systems=None) -> list[str]:
    """Sorted catalogue product ids of the (non-bespoke) systems a contract covers."""
    if systems is None:
        systems = covered_systems(estate, contract)
    return sorted({s.product_id for s in systems if s.product_id and not s.bespoke})


def contract_share(estate, contract, lines=(), products=(), systems=None) -> float:
    """The fraction (0-1) of a contract's value that serves some ``lines`` or ``products``.

    The value is split equally over the systems the contract covers, and each system's
    part equally over the lines it supports (the split the consolidation model uses for
    system costs).  With ``products``, a system's whole part counts when it is an
    instance of one of them.  A contract that covers no system gives 0.  ``systems``: the
    systems it covers, when the caller has them already.
    """
    if systems is None:
        systems = covered_systems(estate, contract)
    if not systems:
        return 0.0
    lines, products = set(lines), set(products)
    total = 0.0
    for system in systems:
        if products:
            total += 1.0 if system.product_id in products and not system.bespoke else 0.0
        else:
            own = system_lines(estate, system)
            if own:
                total += sum(1 for line in own if line in lines) / len(own)
    return total / len(systems)


# Wording shared by the reasons of the contract-aware analyses ---------------------------

def gbp(amount: float) -> str:
    """Money as the reasons write it, to the pound: ``£120,000`` (the fields keep the pence)."""
    return f"£{float(amount):,.0f}"


def plural(n: int, word: str, many: Optional[str] = None) -> str:
    """``1 system``, ``2 systems`` (``many`` for irregular plurals)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def and_list(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
