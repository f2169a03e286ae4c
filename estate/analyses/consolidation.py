"""Consolidation candidates: groups of councils that could converge one line of business
on one product.

Which groups, in which order
----------------------------
For each line of the shared **taxonomy** (a council's unmapped local line cannot be
compared with anyone's), councils are grouped, in this order of priority:

1. **partnerships** from the catalogue: ``shared-service`` ones first (they already
   share staff and contracts), then ``combined-authority``, ``procurement-group`` and
   ``other``; by id within a kind;
2. **regions** (``Authority.region``, as written, ignoring case and outer spaces);
3. **councils already sharing dependencies**: connected components of the councils
   whose systems depend on one another's (``depends_on`` edges between councils).

In each group only the councils with a **live** system for the line count, and a group
needs at least ``settings.min_councils`` (default 2) of them.  A lower-priority group is
shown for a line only if no higher-priority group already covers its set of councils
(is the same set or a larger one): a region adds nothing when a partnership inside it
already holds the same councils.

Which product to converge on
----------------------------
Only catalogue products are recommended (never a bespoke system, never a product name
that did not resolve to the catalogue).  Products in use in the group are ranked by,
in turn:

1. the most councils of the group using it;
2. best supported: the larger share of its systems in the group not past
   ``end_of_support`` as of ``settings.as_of`` (unknown counts as in support), then the
   larger share with a documented API, then the larger share hosted as SaaS or cloud;
3. the lowest known annual cost per council (line share, below);
4. product id, so that the answer is stable.

The reasons say which step decided, against the runner-up, and warn ("Beware") when
the recommended product is past its end of support somewhere, will reach it before the
contracts can end, or when a council running it has planned another system for the line.

Add-ons are not products to converge on: when one of a council's systems for the line
depends directly on another of its systems for the same line (a citizen portal over the
revenues back office), the two form a *stack*; the systems that depend on no other in
the stack are its principals, the rest add-ons (``add_ons``).  Only principals are
ranked and replaced; a stack whose principals include the recommended product stays
whole, and the add-ons of a replaced system show up in the blast radius.

If every council of the group already runs the recommended product, the group is still
a candidate when it runs 2 or more separate instances: converging the instances onto
one shared instance.  The instance kept is the one with the highest known line cost
(so the saving counts the cheaper ones: conservative).

Money: the cost model
---------------------
A system serving several lines of business is one cost for several lines: its
annual cost is split equally over the lines it supports, and a candidate counts only
this line's share.  Candidates for different lines therefore never count the same
money twice.

- ``annual_cost``: the line share of the known annual costs of every system in the
  candidate (live systems of the group's councils for the line).
- ``replaced_annual_cost`` (*R*): the line share of the known annual costs of the
  systems that would be replaced (the principals of every stack not on the recommended
  product; or, when all already are, every instance of it but the one kept).  Systems
  with no recorded cost count as nothing, and the reasons say how many.  Nothing is
  counted for the systems that stay.
- The **cost model** turns *R* into money, by kind of line, because how much retiring a
  system saves depends on how the software is priced.  Licences bought per user
  (Microsoft 365, identity, telephony seats) cost much the same after three tenants
  become one: only duplicated administration and tenant-level add-ons go.  A
  case-management platform (revenues, housing, social care, planning) is priced per
  instance, and each instance carries its own hosting, support, upgrades, integrations
  and specialist administrators, most of which a shared instance removes.  The table
  (``estate/data/saving_rates.csv``):

  =================  ====  =======  ====  =========  ====================================
  kind               low   central  high  one-off    lines
  =================  ====  =======  ====  =========  ====================================
  per-user-licence   0%    3%       6%    0.25 x R   office productivity, identity and
                                                     access, contact-centre telephony,
                                                     learning management
  case-management    15%   25%      35%   1.0 x R    revenues and benefits, housing,
                                                     planning and building control, social
                                                     care, education, environmental health,
                                                     licensing, trading standards, legal
                                                     cases, parking enforcement,
                                                     registration, bereavement, electoral
                                                     registration, waste collection
  other              8%    15%      20%   0.5 x R    every other line
  =================  ====  =======  ====  =========  ====================================

  These are the toolkit's stated assumptions, not measurements: the rates encode the
  pricing argument above; the one-off cost (data migration, re-integration, training,
  parallel running) takes moving off a case system to cost about a year of its running
  cost.  Set your own per line in ``estate.yaml``::

      saving_rates:
        council-tax: {central: 0.3, low: 0.2, high: 0.4, one_off_cost: 250000}
        office-productivity: {kind: other}

  (keys ``kind``, ``low``, ``central``, ``high``, ``migration_cost_rate`` and
  ``one_off_cost``, a fixed figure in pounds used instead of the rate).  The older
  ``consolidation_saving_rate``, when set, replaces every line's central rate.
- ``estimated_annual_saving`` = central x *R*; ``saving_low`` = low x *R*;
  ``saving_high`` = high x *R*; ``one_off_cost`` = one-off rate x *R* (or the line's
  fixed figure); ``payback_years`` = one_off_cost / estimated_annual_saving, to one
  decimal (null when nothing is saved); ``net_5y`` = 5 x estimated_annual_saving -
  one_off_cost.  ``material`` is true when ``net_5y`` is at least
  ``settings.materiality_net_5y`` (default £50,000: a candidate netting less over five
  years rarely repays the effort of a joint programme); the others are *minor*, listed
  after the material ones, and renderers show them apart.  ``saving_model`` states the
  formula with the numbers, and the reasons show the arithmetic.
- A system replaced here may serve other lines too and stay for them; the reasons name
  such systems, as not all of their dependents need be affected.

When it could happen, and what it would disturb
-----------------------------------------------
``contracts`` are the contracts covering the systems that would be replaced (the
contracts of the systems that stay need not end), and
``earliest_exit`` the earliest date by which all of them can end
(:func:`estate.analyses._contracts.earliest_exit`: end, extension or notice, as of
``settings.as_of``); null when no contract covers them.  ``blast_radius`` lists every
system in the estate (any council, any status but retired) that depends on a system
that would be replaced, directly or through other systems: the reverse of the
``depends_on`` edges of the graph, followed transitively.

One change, several lines
-------------------------
A system serving several lines (revenues: council tax, business rates, benefits) gives
one candidate per line, each with its own line's share of the money.  Candidates that
replace the same systems with the same product in the same group name each other in
``same_change_as`` and say so in their reasons, so a reader adds them up rather than
mistaking them for separate opportunities.

Order
-----
Material candidates first; within each, highest ``net_5y`` first, then highest
estimated saving, then highest annual cost, then line id, then group priority.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter
from typing import Optional

from estate.analyses._contracts import and_list, gbp, plural, system_lines
from estate.analyses._convergence import Context
from estate.analyses._savings import estimate as estimate_saving
CLOUD = ("saas", "cloud")
SHOW = 10   # systems named in one reason before "and N more"
by_qid = attrgetter("qid")


def find(estate, graph, settings) -> list[dict]:
    taxonomy = estate.catalogue.lines_of_business
    live: dict[str, dict[str, list]] = {}
    planned: dict[tuple, list] = {}
    context = Context(estate, graph, settings)
    for system in estate.systems():
        lines = system_lines(estate, system)
        context.n_lines[system.qid] = len(lines)
        context.shares[system.qid] = (None if system.annual_cost is None else
                                      system.annual_cost / max(1, len(lines)))
        if system.status not in ("live", "planned"):
            continue
        for key in lines:
            if key not in taxonomy:
                continue
            if system.status == "live":
                live.setdefault(key, {}).setdefault(system.authority, []).append(system)
            else:
                planned.setdefault((key, system.authority), []).append(system)
    context.planned = planned
    findings = []
    for line in sorted(live):
        at = live[line]
        covered: dict[str, list] = {}          # council -> the sets already shown that hold it
        for priority, group in enumerate(context.groups):
            councils = frozenset(a for a in group["members"] if a in at)
            if len(councils) < settings.min_councils or \
                    any(councils <= c for c in covered.get(min(councils), ())):
                continue
            for a in councils:
                covered.setdefault(a, []).append(councils)
            finding = _candidate(context, line, group, councils, at)
            if finding:
                findings.append((priority, finding))
    findings.sort(key=lambda pf: (not pf[1]["material"], -pf[1]["net_5y"],
                                  -pf[1]["estimated_annual_saving"], -pf[1]["annual_cost"],
                                  pf[1]["line_of_business"], pf[0]))
    _same_change(estate, [f for _, f in findings])
    return [f for _, f in findings]


def _same_change(estate, findings: list) -> None:
    """Cross-reference candidates that are one change seen from several lines.

    A revenues system serving council tax and business rates gives one candidate per
    line, each counting only its own line's share of the cost, so their figures add up;
    but a reader must know they are the same replacement.  Each such candidate names the
    others in ``same_change_as`` (line ids) and in its reasons.
    """
    by_change: dict[tuple, list] = {}
    for f in findings:
        if f["replaced_systems"]:
            key = (f["group"]["kind"], f["group"]["id"], f["recommended_product"],
                   tuple(f["replaced_systems"]))
            by_change.setdefault(key, []).append(f)
    for same in by_change.values():
        for f in same:
            others = [o for o in same if o is not f]
            f["same_change_as"] = sorted(o["line_of_business"] for o in others)
            if others:
                names = and_list(o["line_name"] for o in sorted(others, key=lambda o: o["line_of_business"]))
                f["reasons"].insert(1, f"The same change (the same systems replaced by the same "
                                       f"product) is also listed for {names}: each lists only its own "
                                       "line's share of the costs, so their figures add up.")


def _product_label(estate, system) -> str:
    if system.product_id and not system.bespoke:
        return estate.catalogue.products[system.product_id].name
    if system.bespoke:
        return f"a bespoke system ('{system.name}')"
    return f"{system.product or 'unnamed product'} (not in the catalogue)"


def _rank(ctx, pid, systems) -> dict:
    estate, settings = ctx.estate, ctx.settings
    councils = sorted({s.authority for s in systems})
    n = len(systems)
    eos = [s for s in systems if s.end_of_support and s.end_of_support < settings.as_of]
    costs: dict[str, float] = {}
    for s in systems:
        share = ctx.share(s)
        if share is not None:
            costs[s.authority] = costs.get(s.authority, 0.0) + share
    per_council = sum(costs.values()) / len(costs) if costs else None
    api = sum(1 for s in systems if s.data.api)
    cloud = sum(1 for s in systems if s.hosting in CLOUD)
    return {
        "product": pid, "name": estate.catalogue.products[pid].name, "councils": councils,
        "systems": systems, "past_support": eos,
        "support": (n - len(eos)) / n,
        "api": api / n,
        "cloud": cloud / n,
        "per_council": per_council,
        "key": (-len(councils), -(n - len(eos)) / n, -api / n, -cloud / n,
                per_council if per_council is not None else math.inf, pid),
    }


def _why_chosen(best: dict, runner: dict | None, group_size: int, has_other: bool) -> str:
    name = best["name"]
    if runner is None:
        other = " (bespoke systems and names not in the catalogue are never recommended)" if has_other else ""
        return f"{name} is the only catalogue product the group uses for this line{other}."
    rn = runner["name"]
    if len(best["councils"]) != len(runner["councils"]):
        return (f"{name} is recommended because most councils in the group use it "
                f"({len(best['councils'])} of {group_size}; next {rn} with {len(runner['councils'])}).")
    tied = (f"{name} and {rn} are used by {plural(len(best['councils']), 'council')} each; "
            f"{name} is recommended")

    def share(x):
        return f"{round(100 * x)}%"
    if best["support"] != runner["support"]:
        return (f"{tied} because more of its systems are in vendor support as of today "
                f"({share(best['support'])} against {share(runner['support'])}).")
    if best["api"] != runner["api"]:
        return (f"{tied} because more of its systems have a documented API "
                f"({share(best['api'])} against {share(runner['api'])}).")
    if best["cloud"] != runner["cloud"]:
        return (f"{tied} because more of its systems are SaaS or cloud hosted "
                f"({share(best['cloud'])} against {share(runner['cloud'])}).")
    if best["per_council"] != runner["per_council"]:
        other = gbp(runner["per_council"]) if runner["per_council"] is not None else "unknown"
        return (f"{tied} because it costs less per council for this line "
                f"({gbp(best['per_council'])} a year against {other}).")
    return f"{tied}; they tie on support, API, hosting and cost, so the first by id was taken."


def _names(items: list) -> str:
    if len(items) <= SHOW:
        return and_list(items)
    return ", ".join(items[:SHOW]) + f" and {len(items) - SHOW} more"


@dataclass(slots=True)
class _Choice:
    """Which product a group converges on, and which of its systems would go."""
    systems: list            # every live system of the group's councils for the line
    add_ons: list
    others: list             # principals that are bespoke or not in the catalogue
    ranked: list             # the catalogue products, best first (see _rank)
    best: dict
    same: bool               # every council already runs the recommended product
    kept: object             # the instance kept, when ``same``
    going: list              # the systems that would be replaced

    @property
    def rec(self) -> str:
        return self.best["product"]

    def on_rec(self, system) -> bool:
        return system.product_id == self.rec and not system.bespoke


def _choose(ctx, line, councils, at) -> Optional[_Choice]:
    """The recommended product and the systems that would go (None: no candidate)."""
    systems = sorted((s for a in councils for s in at[a]), key=by_qid)
    stacks = [stack for a in sorted(councils) for stack in ctx.stacks(line, a, at[a])]
    principals = sorted((s for ps, _ in stacks for s in ps), key=by_qid)
    add_ons = sorted((s for _, ao in stacks for s in ao), key=by_qid)
    by_product: dict[str, list] = {}
    others = []
    for s in principals:
        if s.product_id and not s.bespoke:
            by_product.setdefault(s.product_id, []).append(s)
        else:
            others.append(s)
    if not by_product:
        return None
    ranked = sorted((_rank(ctx, pid, ss) for pid, ss in by_product.items()), key=lambda r: r["key"])
    choice = _Choice(systems, add_ons, others, ranked, ranked[0], False, None, [])
    moving = [ps for ps, _ in stacks if not any(choice.on_rec(x) for x in ps)]
    if moving:
        choice.going = sorted((x for ps in moving for x in ps), key=by_qid)
        return choice
    instances = [x for x in principals if choice.on_rec(x)]
    if len(instances) < 2:
        return None
    choice.same = True
    choice.kept = min(instances, key=lambda x: (-(ctx.share(x) if x.annual_cost is not None else -1),
                                                x.qid))
    choice.going = [x for x in instances if x is not choice.kept]
    return choice


def _products(estate, choice: _Choice, shares: dict) -> list[dict]:
    out = []
    for r in sorted(choice.ranked, key=lambda r: (r["key"][0], r["product"])):
        out.append({"product": r["product"], "name": r["name"], "authorities": r["councils"],
                    "systems": [x.qid for x in r["systems"]],
                    "annual_cost": round(sum(shares[x.qid] for x in r["systems"]
                                             if shares[x.qid] is not None), 2),
                    "bespoke": False})
    for x in choice.others:
        out.append({"product": None, "name": _product_label(estate, x), "authorities": [x.authority],
                    "systems": [x.qid], "annual_cost": round(shares[x.qid] or 0, 2),
                    "bespoke": x.bespoke})
    return out


def _candidate(ctx, line, group, councils, at):
    estate, settings = ctx.estate, ctx.settings
    line_name = estate.line_name(line)
    choice = _choose(ctx, line, councils, at)
    if choice is None:
        return None
    systems, going = choice.systems, choice.going
    shares = {s.qid: ctx.share(s) for s in systems}
    annual_cost = round(sum(v for v in shares.values() if v is not None), 2)
    going_unknown = [s for s in going if shares[s.qid] is None]
    replaced_cost = round(sum(shares[s.qid] for s in going if shares[s.qid] is not None), 2)
    saved = estimate_saving(line, line_name, replaced_cost, settings)
    timing = _Timing(ctx, going)
    products = _products(estate, choice, shares)

    reasons = _what_reasons(ctx, line_name, group, councils, choice, products)
    reasons += _beware_reasons(ctx, line, line_name, choice, timing.earliest)
    uncosted = [s for s in systems if shares[s.qid] is None]
    reasons += _money_reasons(line_name, choice, annual_cost, uncosted, replaced_cost, going_unknown)
    reasons.extend(saved["reasons"])
    reasons += timing.reasons()
    model = saved["model"] + f"; {gbp(replaced_cost)} is the cost of the systems replaced"
    if going_unknown:
        model += f" ({len(going_unknown)} of them recorded no cost and count as £0)"

    group_out = {k: group[k] for k in ("kind", "id", "name")}
    if group["kind"] == "partnership":
        group_out["partnership_kind"] = group["partnership_kind"]
    return {
        "line_of_business": line,
        "line_name": line_name,
        "group": group_out,
        "authorities": sorted(councils),
        "systems": [s.qid for s in systems],
        "products": products,
        "recommended_product": choice.rec,
        "recommended_product_name": choice.best["name"],
        "same_product": choice.same,
        "add_ons": [x.qid for x in choice.add_ons],
        "replaced_systems": sorted(s.qid for s in going),
        "annual_cost": annual_cost,
        "replaced_annual_cost": replaced_cost,
        **{k: saved[k] for k in ("estimated_annual_saving", "saving_low", "saving_high", "saving_kind",
                                 "one_off_cost", "payback_years", "net_5y", "material")},
        "saving_model": model,
        "contracts": [c.qid for c in timing.contracts],
        "earliest_exit": timing.earliest.isoformat() if timing.earliest else None,
        "blast_radius": timing.blast,
        "not_judged": _not_judged(systems, uncosted, timing),
        "reasons": reasons,
    }


class _Timing:
    """When the systems that would go can leave their contracts, and what depends on them."""

    def __init__(self, ctx, going: list):
        self.contracts = sorted({c.qid: c for s in going for c in ctx.contracts_of.get(s.qid, [])}.values(),
                                key=by_qid)
        self.exits = [(c, ctx.exit(c)) for c in self.contracts if c.end is not None]
        self.undated = [c for c in self.contracts if c.end is None]
        self.earliest = max((x.date for _, x in self.exits), default=None)
        self.uncontracted = [s for s in going if not ctx.contracts_of.get(s.qid)]
        self.blast = ctx.blast_radius({s.qid for s in going})

    def reasons(self) -> list[str]:
        out = []
        if self.exits:
            out.append(f"The contracts covering the systems that would be replaced can all end by "
                       f"{self.earliest.isoformat()}: "
                       + "; ".join(f"{c.qid}: {x.reason}" for c, x in self.exits) + ".")
        else:
            out.append("No recorded contract covers the systems that would be replaced, so no exit date "
                       "can be given.")
        if self.exits and self.uncontracted:
            out.append(f"No contract is recorded for {_names([s.qid for s in self.uncontracted])}.")
        if self.undated:
            out.append(f"{_names([c.qid for c in self.undated])} "
                       f"{'records' if len(self.undated) == 1 else 'record'} no end date, so when it can "
                       "end is not known and it is left out of that date.")
        blast = self.blast
        if blast:
            out.append(f"{plural(len(blast), 'system')} {'depends' if len(blast) == 1 else 'depend'} "
                       "on the systems that would be replaced, "
                       f"directly or through others, and would need re-linking: {_names(blast)}.")
        else:
            out.append("No recorded system depends on the systems that would be replaced.")
        return out


def _what_reasons(ctx, line_name, group, councils, choice: _Choice, products: list) -> list[str]:
    """Who the group is, what it runs, and why this product."""
    estate = ctx.estate
    council_names = [estate.authorities[a].name for a in sorted(councils)]
    if group["kind"] == "partnership":
        who = f"{group['name']} (a {group['partnership_kind']} partnership)"
    elif group["kind"] == "region":
        who = f"The {group['name']} region"
    else:
        who = "A group of councils whose systems already depend on one another's"
    missing = [m for m in group["members"] if m not in councils]
    reasons = [f"{who} has {len(councils)} councils with a live system for {line_name}: "
               f"{and_list(council_names)}."
               + (f" ({plural(len(missing), 'other member')} "
                  f"{'has none and is' if len(missing) == 1 else 'have none and are'} left out.)"
                  if missing else "")]
    uses = []
    for p in products:
        at_names = and_list(estate.authorities[a].name for a in p["authorities"])
        uses.append(f"{p['name']} at {at_names} ({plural(len(p['systems']), 'system')})")
    n_catalogue = sum(1 for p in products if p["product"])
    n_other = len(products) - n_catalogue
    run = plural(n_catalogue, "catalogue product")
    if n_other:
        run += f" and {plural(n_other, 'other system')} (bespoke or not in the catalogue)"
    reasons.append(f"They run {run}: {'; '.join(uses)}.")
    if choice.add_ons:
        described = []
        in_candidate = {y.qid for y in choice.systems}
        for x in choice.add_ons:
            under = sorted(d.qid for d in x.depends_on if d.qid in in_candidate)
            described.append(f"{x.qid} ({_product_label(estate, x)}, depends on {and_list(under)})")
        reasons.append(f"Treated as add-ons of the systems they depend on, not as products to converge "
                       f"on: {_names(described)}.")
    best = choice.best
    if choice.same:
        reasons.append(f"Every council here already runs {best['name']}, as {len(choice.going) + 1} "
                       f"separate instances: the candidate is to converge them onto one shared instance "
                       f"(keeping {choice.kept.qid}, the one with the highest known cost, so the saving "
                       "counts the cheaper ones; for products priced per user, merging instances may "
                       "save less).")
    else:
        runner = choice.ranked[1] if len(choice.ranked) > 1 else None
        reasons.append(_why_chosen(best, runner, len(councils), bool(choice.others)))
    return reasons


def _beware_reasons(ctx, line, line_name, choice: _Choice, earliest) -> list[str]:
    """Warnings about the recommended product, and systems that serve other lines too."""
    estate, settings, best = ctx.estate, ctx.settings, choice.best
    reasons = []
    if best["past_support"]:
        reasons.append(f"Beware: {and_list(x.qid for x in best['past_support'])} "
                       f"{'runs' if len(best['past_support']) == 1 else 'run'} a version of "
                       f"{best['name']} past its end of support.")
    if earliest:
        ending = [x for x in best["systems"] if x.end_of_support
                  and settings.as_of <= x.end_of_support < earliest]
        if ending:
            reasons.append(f"Beware: {and_list(f'{x.qid} ({x.end_of_support.isoformat()})' for x in ending)} "
                           f"{'reaches' if len(ending) == 1 else 'reach'} end of support for its version of "
                           f"{best['name']} before the contracts can end ({earliest.isoformat()}): an "
                           "upgrade would come first.")
    moving_on = [x for a in best["councils"] for x in ctx.planned.get((line, a), [])
                 if not choice.on_rec(x)]
    if moving_on:
        reasons.append(f"Beware: {and_list(f'{x.qid} ({_product_label(estate, x)})' for x in moving_on)} "
                       f"{'is' if len(moving_on) == 1 else 'are'} planned for {line_name} at a council "
                       f"that runs {best['name']} today, which may mean it is moving away from it.")
    partly = [x for x in choice.going if ctx.n_lines.get(x.qid, 1) > 1]
    if partly:
        reasons.append(f"{_names([x.qid for x in partly])} also "
                       f"{'serves' if len(partly) == 1 else 'serve'} other lines of business and would "
                       f"stay for those: only the {line_name} share of the cost is counted, and not every "
                       "system in the blast radius need be affected.")
    return reasons


def _money_reasons(line_name, choice: _Choice, annual_cost, uncosted, replaced_cost,
                   going_unknown) -> list[str]:
    money = (f"Annual cost today {gbp(annual_cost)}: the {line_name} share of the systems' known costs "
             "(a system serving several lines counts an equal share on each)")
    if uncosted:
        money += (f"; {plural(len(uncosted), 'system')} ({_names([s.qid for s in uncosted])}) "
                  "recorded no cost")
    going = choice.going
    action = (f"merging {_names([x.qid for x in going])} into {choice.kept.qid}" if choice.same
              else f"replacing {_names([x.qid for x in going])}")
    replaced = (f"{gbp(replaced_cost)} is the {line_name} share of the known annual costs of the "
                f"{plural(len(going), 'system')} that would go ({action})")
    if going_unknown:
        replaced += (f"; {len(going_unknown)} of them recorded no cost and "
                     f"{'counts' if len(going_unknown) == 1 else 'count'} as nothing")
    return [money + ".", replaced + "; nothing is counted for the systems that stay."]


def _not_judged(systems, uncosted, timing: _Timing) -> dict:
    not_judged = {}
    if uncosted:
        not_judged["annual_cost"] = len(uncosted)
    if timing.uncontracted:
        not_judged["contracts"] = len(timing.uncontracted)
    if timing.undated:
        not_judged["end"] = len(timing.undated)
    no_notice = sum(1 for _, x in timing.exits if not x.notice_known)
    if no_notice:
        not_judged["notice_months"] = no_notice
    for field, unknown in (("api", sum(1 for s in systems if s.data.api is None)),
                           ("hosting", sum(1 for s in systems if s.hosting in (None, "unknown")))):
        if unknown:
            not_judged[field] = unknown
    return not_judged
