"""Procurement windows: contracts at several councils that can end close enough together
to be bought jointly.

Which contracts are compared
----------------------------
A contract belongs to every **line of business** its covered systems support (taxonomy
lines only: a council's unmapped local line cannot be compared with anyone's) and to
every **catalogue product** its covered systems are instances of (bespoke systems have
none).  Contracts are compared within one line, and separately within one product.
A contract that covers no system has neither and cannot be placed.  A contract that
has already ended (its latest possible end is before ``settings.as_of``) is left out,
and so is a contract whose covered systems are all retiring or retired: the council is
moving off them and will not buy that system again, so it is no partner for a joint
procurement and its dates must not set the window's urgency.  Each window says how
many were left out for its line or product, and why.

When a contract can end
-----------------------
Each contract can end at any date from its *earliest exit* to its *latest end*:

- earliest exit: :func:`estate.analyses._contracts.earliest_exit` as of
  ``settings.as_of``: ``end`` if notice can still be given in time; if not, its last
  extension (``extension_until``); if there is none, today plus the notice period;
- latest end: ``extension_until`` when recorded, else ``end`` (never before the
  earliest exit).

The windows (greedy, by end date)
---------------------------------
A window is a span of ``settings.window_months`` (default 12) months that every member
contract can end inside.  Contracts are taken in order of earliest exit (then id).  The
first one not yet placed *anchors* a window that starts on its earliest exit: every
unplaced contract that can end inside ``[start, start + window_months]`` joins it,
that is whose earliest exit is no later than the window's end and whose latest end is
no earlier than its start (a contract that could end sooner joins by taking
extensions).  When the members come from at least ``settings.min_councils`` (default
2) councils the window is kept and its members are placed.  Otherwise nothing is
placed and the next contract anchors the next try; contracts wait for a later window
as long as their latest end can still reach it, so one council's cluster never hides a
partnership with the council after it.  Each contract lands in at most one window per
line (and per product), the earliest that works, so no extension is assumed that an
earlier window would not need; the whole pass is one sort plus one sweep.

A window runs from its start to the last earliest exit among its members; a member
whose earliest exit is before the start ends *on* the start, by taking an extension
(the reasons say so).

When to start
-------------
Each member contract has its own *must start by*: the date it ends in the window, less
its **lead time**.  Notice and re-procurement run in parallel, so the lead time is the
longer of the two, never their sum:

- the **notice period** counts only when the contract needs notice to end there: it
  would otherwise run on (it ends in the window before its latest end, so an extension
  option would be used or it would roll on), or it is holding over past its end and only
  notice ends it.  A contract that simply expires, at its ``end`` with no extension
  option, or at its last extension, needs no notice;
- the **sales cycle** (from starting a procurement to the new contract starting) is the
  council's own median of ``start - procurement_started`` when it has measured at least
  ``settings.sales_cycle_min_contracts`` (default 3) contracts; otherwise
  ``settings.default_sales_cycle_days`` (default 270 days, about nine months: the
  toolkit's assumption for specifying, tendering under the Procurement Act 2023 or a
  framework call-off, evaluating, standstill and contract award; set your own in
  ``estate.yaml``).  Each contract says which it used.

The window's ``must_start_by`` is the earliest of its members' dates.  It is
``actionable`` when that date is on or after ``settings.as_of``; otherwise the window is
late by ``days_late`` days, and ``could_still_join`` names the members whose own date is
still ahead (every member, for an actionable window).

No repeats
----------
The same set of contracts is reported once: a window found for several lines (a
revenues contract covers council tax, business rates and benefits) or for a line and a
product is kept as the first line's window (lines in id order), and the other lines
(``lines_of_business``) and products (``also_products``) are named in it.  Likewise a
set found for several products only is kept once, for the first product.  A product
window with a different set of contracts from every line window is kept on its own
(``product`` set, ``line_of_business`` null).

Money and order
---------------
Many contracts cover several systems and lines (an enterprise agreement, a managed
service), so a window counts only the part of each contract's annual value that serves
its line (or product): the value is split equally over the systems the contract
covers, and each system's part equally over the lines it supports
(:func:`estate.analyses._contracts.contract_share`). ``combined_annual_value`` adds
those parts; ``total_annual_value`` adds the contracts' whole values, and the reasons
give both when they differ, and name a contract that makes up more than half of the
value (saying so when its systems record no cost, as a service contract's value is
mostly not technology). A window kept for several lines (or, for a product window,
several products) counts the part serving any of them. Contracts without a value are
counted under ``not_judged["annual_value"]`` (``notice_months`` likewise).  Contracts
with no ``end`` cannot be placed and are counted under ``not_judged["end"]`` on the
windows of their line (or product).

Order: actionable windows first, by combined annual value (highest first), then start,
then line or product; then the late ones in the same order.  ``ref`` numbers the
windows in that final order: ``W1``, ``W2``, ...
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from dataclasses import dataclass

from estate.analyses._contracts import (Exit, add_months, and_list, contract_lines,
                                        contract_products, contract_share, council_sales_cycles,
                                        covered_systems, earliest_exit, gbp, has_ended, latest_end,
                                        plural)


@dataclass(slots=True)
class Item:
    contract: object
    exit: Exit
    earliest: dt.date
    latest: dt.date
    qid: str                 # the contract's
    systems: list            # the systems it covers


def find(estate, graph, settings) -> list[dict]:
    as_of = settings.as_of
    contracts = sorted(estate.contracts(), key=lambda c: c.qid)
    cycles = council_sales_cycles(contracts, settings.sales_cycle_min_contracts)
    by_line: dict[str, list] = {}
    by_product: dict[str, list] = {}
    ended_line: Counter = Counter()
    ended_product: Counter = Counter()
    leaving_line: Counter = Counter()
    leaving_product: Counter = Counter()
    no_end_line: Counter = Counter()
    no_end_product: Counter = Counter()
    for c in contracts:
        systems = covered_systems(estate, c)
        lines = contract_lines(estate, c, systems=systems)
        products = contract_products(estate, c, systems=systems)
        if c.end is None:
            no_end_line.update(lines)
            no_end_product.update(products)
            continue
        if has_ended(c, as_of):
            ended_line.update(lines)
            ended_product.update(products)
            continue
        if systems and all(s.status in ("retiring", "retired") for s in systems):
            leaving_line.update(lines)
            leaving_product.update(products)
            continue
        x = earliest_exit(c, as_of)
        item = Item(c, x, x.date, max(x.date, latest_end(c)), c.qid, systems)
        for line in lines:
            by_line.setdefault(line, []).append(item)
        for pid in products:
            by_product.setdefault(pid, []).append(item)

    kept: dict[frozenset, dict] = {}
    for kind, groups in (("line", by_line), ("product", by_product)):
        for key in sorted(groups):
            for start, members in _windows(groups[key], settings.window_months, settings.min_councils):
                ids = frozenset(m.qid for m in members)
                if ids in kept:
                    kept[ids][kind + "s"].append(key)
                else:
                    kept[ids] = {"kind": kind, "key": key, "members": members, "start": start,
                                 "lines": [key] if kind == "line" else [],
                                 "products": [key] if kind == "product" else []}
    findings = []
    for w in kept.values():
        line = w["kind"] == "line"
        left_out = {"ended": (ended_line if line else ended_product)[w["key"]],
                    "leaving": (leaving_line if line else leaving_product)[w["key"]],
                    "no_end": (no_end_line if line else no_end_product)[w["key"]]}
        findings.append(_finding(estate, settings, w, cycles, left_out))
    findings.sort(key=lambda f: (not f["actionable"], -f["combined_annual_value"], f["start"],
                                 f["line_of_business"] or "", f["product"] or "", f["contracts"]))
    for n, f in enumerate(findings, 1):
        f["ref"] = f"W{n}"
    return findings


def _windows(items: list, months: int, min_councils: int) -> list[tuple]:
    """Greedy windows (start, members) over one line's (or product's) contracts; see the
    module docstring."""
    order = sorted(items, key=lambda i: (i.earliest, i.qid))
    done: set = set()
    pool: dict[str, Item] = {}
    councils: Counter = Counter()
    expiry: list = []                       # heap of (latest end, qid) of the pool
    j = 0
    out = []

    def drop(qid):
        item = pool.pop(qid)
        councils[item.contract.authority] -= 1
        if not councils[item.contract.authority]:
            del councils[item.contract.authority]

    for anchor in order:
        if anchor.qid in done:
            continue
        start = anchor.earliest
        limit = add_months(start, months)
        while expiry and expiry[0][0] < start:        # can no longer reach this or any later window
            _, qid = heapq.heappop(expiry)
            if qid in pool:
                drop(qid)
                done.add(qid)
        while j < len(order) and order[j].earliest <= limit:
            item = order[j]
            j += 1
            if item.qid not in done:
                pool[item.qid] = item
                councils[item.contract.authority] += 1
                heapq.heappush(expiry, (item.latest, item.qid))
        if len(councils) >= min_councils:
            out.append((start, sorted(pool.values(), key=lambda i: i.qid)))
            done.update(pool)
            pool.clear()
            councils.clear()
            expiry.clear()
    return out


def _supplier(estate, c) -> str:
    vendor = estate.catalogue.vendors.get(c.vendor_id) if c.vendor_id else None
    return vendor.name if vendor else c.supplier


@dataclass(slots=True)
class Lead:
    """When one member's procurement must start, and why (see "When to start")."""
    must_start_by: dt.date
    notice_months: int          # the notice that counts (0 when none is needed or recorded)
    needs_notice: bool
    cycle: int                  # sales cycle in days
    cycle_basis: str            # "council" (its own median) or "default"
    measured: int               # contracts the council's median is over


def _lead(m: Item, ends_on: dt.date, cycles: dict, settings) -> Lead:
    """The lead time of one member ending on ``ends_on``: the longer of the notice it needs
    and its council's sales cycle, run in parallel."""
    c = m.contract
    needs = bool(c.notice_months) and (m.exit.how == "notice" or ends_on < latest_end(c))
    months = c.notice_months if needs else 0
    cycle, measured = cycles.get(c.authority, (settings.default_sales_cycle_days, 0))
    basis = "council" if measured else "default"
    must = min(add_months(ends_on, -months), ends_on - dt.timedelta(days=cycle))
    return Lead(must, months, needs, cycle, basis, measured)


def _lead_text(lead: Lead) -> str:
    if lead.cycle_basis == "council":
        cycle = f"its council's median sales cycle of {lead.cycle} days (over {plural(lead.measured, 'contract')})"
    else:
        cycle = f"the default sales cycle of {lead.cycle} days (its council has too few measured)"
    if lead.needs_notice:
        return f"the longer of {lead.notice_months} months' notice and {cycle}"
    return f"{cycle}; no notice is needed as it simply expires then"


def _finding(estate, settings, w, cycles: dict, left_out: dict) -> dict:
    cat = estate.catalogue
    members = w["members"]
    start = w["start"]
    ends = {m.qid: max(m.earliest, start) for m in members}
    end = max(ends.values())
    leads = {m.qid: _lead(m, ends[m.qid], cycles, settings) for m in members}
    setter = min(members, key=lambda m: (leads[m.qid].must_start_by, m.qid))
    must_start_by = leads[setter.qid].must_start_by
    actionable = must_start_by >= settings.as_of
    joiners = [m.qid for m in members if leads[m.qid].must_start_by >= settings.as_of]
    longest = max(lead.notice_months for lead in leads.values())
    authorities = sorted({m.contract.authority for m in members})
    valued = [m for m in members if m.contract.annual_value is not None]
    unvalued = [m for m in members if m.contract.annual_value is None]
    no_notice = [m for m in members if m.contract.notice_months is None]
    whole = round(sum(m.contract.annual_value for m in valued), 2)
    if w["kind"] == "line":
        shares = {m.qid: contract_share(estate, m.contract, lines=w["lines"], systems=m.systems)
                  for m in members}
    else:
        shares = {m.qid: contract_share(estate, m.contract, products=w["products"],
                                        systems=m.systems) for m in members}
    total = round(sum(m.contract.annual_value * shares[m.qid] for m in valued), 2)
    suppliers = sorted({m.contract.vendor_id or m.contract.supplier for m in members})

    if w["kind"] == "line":
        line = w["key"]
        subject = and_list(estate.line_name(lid) for lid in w["lines"])
        product = None
    else:
        line = None
        product = w["key"]
        subject = f"the product {cat.products[product].name}"
    subject_one = estate.line_name(line) if line else subject
    span = (f"on {start.isoformat()}" if start == end
            else f"between {start.isoformat()} and {end.isoformat()}")
    reasons = [f"{plural(len(members), 'contract')} at {len(authorities)} councils "
               f"({and_list(estate.authorities[a].name for a in authorities)}) for {subject} can all "
               f"end {span}, within {settings.window_months} months of each other, so one joint "
               "procurement could replace them."]
    for m in members:
        c = m.contract
        value = f"{gbp(c.annual_value)} a year" if c.annual_value is not None else "annual value not recorded"
        text = f"{c.qid} ({_supplier(estate, c)}, {value}): {m.exit.reason}"
        if ends[m.qid] > m.earliest:
            text += (f"; to end inside the window it would run on to {ends[m.qid].isoformat()}, "
                     f"within its extensions (possible until {c.extension_until.isoformat()})")
        elif m.exit.how == "end" and c.extension_until and c.extension_until > c.end:
            text += f" (extensions are possible until {c.extension_until.isoformat()})"
        reasons.append(text + ".")
    lead = leads[setter.qid]
    reasons.append(f"To have a joint contract ready in time, the procurement must start by "
                   f"{must_start_by.isoformat()}: {setter.qid} ends in the window on "
                   f"{ends[setter.qid].isoformat()}, less {_lead_text(lead)}. Notice and "
                   "re-procurement run in parallel, so each contract's lead time is the longer of "
                   "the two, and the window starts by the earliest of its contracts' dates.")
    if not actionable:
        late = (settings.as_of - must_start_by).days
        text = (f"That date is already past by {plural(late, 'day')} (as of {settings.as_of.isoformat()}): "
                "start now and plan to use extensions or short interim terms to bridge the gap")
        if joiners:
            text += (f"; {and_list(joiners)} can still join on time (own start-by "
                     f"{and_list(leads[q].must_start_by.isoformat() for q in joiners)})")
        reasons.append(text + ".")
    if valued:
        money = f"Combined annual value {gbp(total)}"
        if total != whole:
            served = (and_list(estate.line_name(lid) for lid in w["lines"]) if w["kind"] == "line"
                      else cat.products[product].name)
            partial = [m.qid for m in valued if shares[m.qid] < 1]
            money += (f", the part serving {served} ({and_list(partial)} also "
                      f"{'covers' if len(partial) == 1 else 'cover'} other systems or lines, so only "
                      f"{'its' if len(partial) == 1 else 'their'} share counts); {gbp(whole)} a year in all")
        if unvalued:
            money += (f"; {plural(len(unvalued), 'contract')} ({and_list(m.qid for m in unvalued)}) "
                      "recorded no annual value")
        reasons.append(money + ".")
        parts = sorted(((m.contract.annual_value * shares[m.qid], m) for m in valued),
                       key=lambda pm: (-pm[0], pm[1].qid))
        top, biggest = parts[0]
        if len(members) > 1 and total > 0 and top / total > 0.5:
            text = f"{biggest.qid} makes up {round(100 * top / total)}% of that value"
            if all(x.annual_cost is None for x in biggest.systems):
                text += ("; the systems it covers record no annual cost to compare it with, so how much "
                         "of it pays for technology rather than services is unknown")
            reasons.append(text + ".")
    else:
        reasons.append("No contract in the window records an annual value.")
    if no_notice:
        reasons.append(f"{and_list(m.qid for m in no_notice)} recorded no notice period; "
                       "assumed none is needed.")
    if len(w["lines"]) > 1:
        reasons.append(f"The same contracts form this window for each of these "
                       f"{len(w['lines'])} lines; it is reported once, under {estate.line_name(line)}.")
    other_products = [p for p in w["products"] if p != product]
    if other_products:
        reasons.append(f"The same contracts also form this window for the "
                       f"{'product' if len(other_products) == 1 else 'products'} "
                       f"{and_list(cat.products[p].name for p in other_products)}.")
    ended, leaving, no_end = left_out["ended"], left_out["leaving"], left_out["no_end"]
    if ended:
        reasons.append(f"{plural(ended, 'other contract')} for {subject_one} had already ended before "
                       f"{settings.as_of.isoformat()} and {'was' if ended == 1 else 'were'} left out.")
    if leaving:
        reasons.append(f"{plural(leaving, 'other contract')} for {subject_one} "
                       f"{'covers' if leaving == 1 else 'cover'} only retiring or retired systems and "
                       f"{'was' if leaving == 1 else 'were'} left out: those councils are moving off them.")
    if no_end:
        reasons.append(f"{plural(no_end, 'other contract')} for {subject_one} "
                       f"{'records' if no_end == 1 else 'record'} no end date and could not be placed.")
    not_judged = {}
    if no_notice:
        not_judged["notice_months"] = len(no_notice)
    if unvalued:
        not_judged["annual_value"] = len(unvalued)
    if no_end:
        not_judged["end"] = no_end
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "must_start_by": must_start_by.isoformat(),
        "actionable": actionable,
        "days_late": 0 if actionable else (settings.as_of - must_start_by).days,
        "could_still_join": joiners,
        "line_of_business": line,
        "line_name": estate.line_name(line) if line else None,
        "lines_of_business": list(w["lines"]),
        "product": product,
        "product_name": cat.products[product].name if product else None,
        "also_products": [p for p in w["products"] if p != product],
        "contracts": [m.qid for m in members],
        "authorities": authorities,
        "suppliers": suppliers,
        "combined_annual_value": total,
        "total_annual_value": whole,
        "contract_ends": [{"contract": m.qid, "end": m.contract.end.isoformat(),
                           "extension_until": (m.contract.extension_until.isoformat()
                                               if m.contract.extension_until else None),
                           "notice_months": m.contract.notice_months,
                           "earliest_exit": m.earliest.isoformat(),
                           "ends_in_window": ends[m.qid].isoformat(),
                           "annual_value": m.contract.annual_value,
                           "share": round(shares[m.qid], 4),
                           "needs_notice": leads[m.qid].needs_notice,
                           "sales_cycle_days": leads[m.qid].cycle,
                           "sales_cycle_basis": leads[m.qid].cycle_basis,
                           "must_start_by": leads[m.qid].must_start_by.isoformat()}
                          for m in members],
        "longest_notice_months": longest,
        "sales_cycle_days": lead.cycle,
        "sales_cycle_basis": lead.cycle_basis,
        "lead_time_set_by": setter.qid,
        "ended_excluded": ended,
        "retiring_excluded": leaving,
        "not_judged": not_judged,
        "reasons": reasons,
    }
