"""Legacy risk: how likely a system is to fail the council, how much that would hurt, and
what to do about it.

Every system in service (``live`` or ``retiring``; planned and retired systems are not
judged) gets a score, a rating and a disposition, in the spirit of the Central Digital
and Data Office's *Legacy IT Risk Assessment Framework* (risk = likelihood x impact)
and Gartner's *TIME* model (tolerate, invest, migrate, eliminate).

Likelihood (0-1): the weighted sum of these factors, each 0-1
---------------------------------------------------------------
==============  ======  ==================================================================
factor          weight  scores
==============  ======  ==================================================================
support         0.30    1 when ``end_of_support`` is before ``settings.as_of``; 0.6 when it
                        falls within ``settings.support_warning_months`` (12) of it
contract        0.20    of the contract covering the system that runs longest: 1 when even
                        its extensions have ended; 0.5 when its ``end`` has passed but an
                        extension runs on, or when it ends within
                        ``settings.expiring_months`` (18); a contract whose notice
                        deadline has passed runs on to its last extension
                        (``_contracts.earliest_exit``), and is judged by that date
age             0.20    years since ``introduced``: 1 above twice
                        ``settings.old_system_years`` (10), 0.6 above it
hosting         0.15    1 ``on-premise``, 0.5 ``hybrid``, 0 otherwise
api             0.15    1 when ``data.api`` is false (data leaves only by export or re-keying)
==============  ======  ==================================================================

Impact (0-1): the weighted sum of
---------------------------------
==============  ======  ==================================================================
criticality     0.40    low 0.25, medium 0.5, high 0.75, critical 1
personal data   0.20    1 when ``data.personal_data`` is true
dependents      0.20    transitive dependents (see ``dependencies.py``): 1 -> 0.25,
                        2-4 -> 0.5, 5-9 -> 0.75, 10 or more -> 1
statutory       0.20    1 when a line it supports is statutory: the council's own
                        ``statutory`` flag for the line, else the taxonomy's
==============  ======  ==================================================================

A missing field adds nothing to a score (there is no evidence of risk) and is named in
``not_judged``, so a sparse record can look safer than it is.  A system no contract
covers is not judged on contracts.

``score = round(100 x likelihood x impact)``: like the framework's likelihood x impact
matrix, a system needs both to score high.  ``rating`` is red at
``settings.legacy_red_score`` (50) or more, amber at ``settings.legacy_amber_score`` (25)
or more, green below.  For example an unsupported, 25-year-old, on-premise system without
an API (likelihood 0.8) that is critical, holds personal data and supports a statutory
service (impact 0.8) scores 64: red.

Disposition (TIME)
------------------
*Business value* is the weighted average, over the factors that could be judged, of
criticality (0.4, scored as above), users (0.2: ``log10(users + 1) / 3``, so 999 users
or more -> 1, 99 -> 0.67), statutory lines (0.2) and dependents (0.2, as above).
*Technical health* is the weighted average of support (0.35: 1 in support, 0.5 ending
within the warning months, 0 ended), age (0.25: 1 up to ``old_system_years``, 0.5 up to
twice that, 0 older), hosting (0.2: SaaS or cloud 1, hosted 0.75, hybrid 0.5,
on-premise 0) and API (0.2: 1 with, 0 without).  A missing field is left out of the
average.

**Status first.**  A ``retiring`` system is never told to invest: it is *eliminate* when
every line it supports has another live system of its council, else *migrate* (the work
must move first).  ``planned`` and ``retired`` systems are not judged at all.

**Needs data.**  Unknown data does not score as middling: a live system is judged only
when the factors recorded carry at least ``settings.time_min_evidence`` (0.5) of the
weight of business value *and* of technical health (for example criticality and the
always-known dependents; support and age).  Otherwise its disposition is ``needs data``
and ``missing`` names the fields to record (``criticality``, ``users``, ``statutory``,
``end_of_support``, ``introduced``, ``hosting``, ``data.api``); ``business_value`` or
``technical_health`` is null when nothing behind it is known.

==================  ===================  ==================================================
business value      technical health     disposition (live systems judged)
==================  ===================  ==================================================
0.5 or more         0.5 or more          invest
0.5 or more         below 0.5            migrate
below 0.5           any                  **eliminate** when every line it supports is also
                                         supported by a *better* live system of its council
                                         (more business value, then better health, then
                                         the lower id): it is run in duplicate
below 0.5           0.5 or more          tolerate, otherwise
below 0.5           below 0.5            eliminate when it supports no recorded line;
                                         **migrate** when it is the best or only system
                                         for one of its lines (the work is still needed)
==================  ===================  ==================================================

Gartner's quadrant alone would say *eliminate* for every low-value, poor-health system;
but retiring a council's only treasury or legal case system stops that work, so such a
system is *migrate*, and the reasons say why.  Ranking the duplicates means two systems
that duplicate each other are never both eliminated; a system that needs data is never
taken as the better one.  A system it exchanges data with directly (either depends on
the other) is taken to complement it, not duplicate it (a self-service portal in front
of a back office is not a second back office).

Each factor is one function (``_support``, ``_contract``, ...), run in the order of
``FACTORS``.

Sorted by score, highest first, then system id.
"""

from __future__ import annotations

import math

from estate.analyses._contracts import add_months, contracts_covering, earliest_exit
from estate.analyses._graph import dependency_digraph, line_support
from estate.analyses.dependencies import transitive_dependents

LIKELIHOOD_WEIGHTS = {"support": 0.30, "contract": 0.20, "age": 0.20, "hosting": 0.15, "api": 0.15}
IMPACT_WEIGHTS = {"criticality": 0.40, "personal_data": 0.20, "dependents": 0.20, "statutory": 0.20}
VALUE_WEIGHTS = {"criticality": 0.40, "users": 0.20, "statutory": 0.20, "dependents": 0.20}
HEALTH_WEIGHTS = {"support": 0.35, "age": 0.25, "hosting": 0.20, "api": 0.20}
CRITICALITY = {"low": 0.25, "medium": 0.5, "high": 0.75, "critical": 1.0}
HEALTH_HOSTING = {"saas": 1.0, "cloud": 1.0, "hosted": 0.75, "hybrid": 0.5, "on-premise": 0.0}
RISK_HOSTING = {"on-premise": 1.0, "hybrid": 0.5}
HIGH = 0.5   # business value and technical health at or above this are "high" / "good"
LIKELIHOOD_KEYS = {k: f"likelihood.{k}" for k in LIKELIHOOD_WEIGHTS}   # their names in factors
IMPACT_KEYS = {k: f"impact.{k}" for k in IMPACT_WEIGHTS}


def dependents_factor(n: int) -> float:
    if n >= 10:
        return 1.0
    if n >= 5:
        return 0.75
    if n >= 2:
        return 0.5
    return 0.25 if n == 1 else 0.0


def users_factor(users: int) -> float:
    return min(1.0, math.log10(users + 1) / 3)


def _weighted(factors: dict, weights: dict) -> float:
    """Weighted sum; a factor not judged adds nothing.  (Added up in the order judged, one
    by one: the same float as ``sum`` gives, with no list to build for every system.)"""
    total = 0
    for k, v in factors.items():
        if k in weights:
            total += weights[k] * v
    return total


def _average(factors: dict, weights: dict):
    """Weighted average over the factors judged, or None when none was."""
    total = weight = 0
    for k, w in weights.items():
        if k in factors:
            total += w * factors[k]
            weight += w
    return total / weight if weight else None


class _Context:
    """What every factor needs, found once per run."""

    def __init__(self, estate, graph, settings):
        self.estate, self.settings, self.graph = estate, settings, graph
        self.as_of = settings.as_of
        self.support_soon = add_months(self.as_of, settings.support_warning_months)
        self.contract_soon = add_months(self.as_of, settings.expiring_months)
        self.old = settings.old_system_years
        self.dependents = transitive_dependents(graph)
        self.dep = dependency_digraph(graph)
        support = line_support(graph)
        self.lines_of, self.by_line = support["lines_of"], support["by_line"]
        self.taxonomy = estate.catalogue.lines_of_business
        self.covering = contracts_covering(estate, graph)
        self._lines_seen: dict = {}

    def statutory_line(self, a, lid: str) -> tuple:
        """(statutory flag, name) of a line as council ``a`` writes it: the council's own
        flag for the line, else the taxonomy's (found once per council and line)."""
        key = (a.id, lid)
        if key not in self._lines_seen:
            taxonomy = self.taxonomy
            local = a.lines.get(lid)
            flag = local.statutory if local is not None else None
            tax_id = local.taxonomy_id if local is not None else (lid if lid in taxonomy else None)
            if flag is None and tax_id in taxonomy:
                flag = taxonomy[tax_id].statutory
            name = (self.estate.line_name(tax_id) if tax_id else (local.name or lid)) if flag else None
            self._lines_seen[key] = (flag, name)
        return self._lines_seen[key]


class _Judged:
    """One system's factors as they are judged: likelihood (``risk``), impact (``harm``),
    business ``value`` and technical ``health``; what could not be judged; what raised it."""

    __slots__ = ("risk", "harm", "value", "health", "not_judged", "raised", "dependents")

    def __init__(self):
        self.risk, self.harm, self.value, self.health = {}, {}, {}, {}
        self.not_judged: list = []
        self.raised: list = []
        self.dependents = 0


# one function per factor, in the order their reasons are given --------------------------

def _support(ctx, s, j):
    if s.end_of_support is None:
        j.not_judged.append("end_of_support")
    elif s.end_of_support < ctx.as_of:
        j.risk["support"], j.health["support"] = 1.0, 0.0
        j.raised.append(f"out of vendor support since {s.end_of_support.isoformat()} "
                        f"(as of {ctx.as_of.isoformat()})")
    elif s.end_of_support <= ctx.support_soon:
        j.risk["support"], j.health["support"] = 0.6, 0.5
        j.raised.append(f"vendor support ends on {s.end_of_support.isoformat()}, within "
                        f"{ctx.settings.support_warning_months} months")
    else:
        j.risk["support"], j.health["support"] = 0.0, 1.0


def _contract(ctx, s, j):
    contracts = ctx.covering.get(s.qid)
    dated = [c for c in contracts or () if c.end is not None]
    if not contracts:
        j.not_judged.append("contract")
        return
    if not dated:
        j.not_judged.append("end")
        return
    as_of = ctx.as_of
    c = dated[0] if len(dated) == 1 else max(dated, key=lambda c: (c.latest_end, c.end, c.qid))
    extension = (f" (it can be extended to {c.extension_until.isoformat()})"
                 if c.extension_until and c.extension_until > c.end else "")
    if c.latest_end < as_of:
        j.risk["contract"] = 1.0
        j.raised.append(f"the contract covering it, {c.qid} ({c.supplier}), ended on "
                        f"{c.latest_end.isoformat()}")
    elif c.end < as_of:
        j.risk["contract"] = 0.5
        j.raised.append(f"the contract covering it, {c.qid} ({c.supplier}), ended on "
                        f"{c.end.isoformat()} and runs on only by extension, to "
                        f"{c.extension_until.isoformat()}")
    elif c.end <= ctx.contract_soon:
        exit_ = earliest_exit(c, as_of)
        if exit_.how == "extension" and exit_.date > ctx.contract_soon:
            # notice can no longer be given for the end: it runs on to its extension
            j.risk["contract"] = 0.0
        else:
            j.risk["contract"] = 0.5
            runs_to = exit_.date if exit_.how == "extension" else c.end
            j.raised.append(f"the contract covering it, {c.qid} ({c.supplier}), "
                            f"{'runs on to' if exit_.how == 'extension' else 'ends on'} "
                            f"{runs_to.isoformat()}, within {ctx.settings.expiring_months} months"
                            + (f": {exit_.reason}" if exit_.how == "extension" else extension))
    else:
        j.risk["contract"] = 0.0


def _age(ctx, s, j):
    if s.introduced is None:
        j.not_judged.append("introduced")
        return
    old = ctx.old
    age = ctx.as_of.year - s.introduced
    if age > 2 * old:
        j.risk["age"], j.health["age"] = 1.0, 0.0
    elif age > old:
        j.risk["age"], j.health["age"] = 0.6, 0.5
    else:
        j.risk["age"], j.health["age"] = 0.0, 1.0
    if age > old:
        j.raised.append(f"introduced in {s.introduced}, {age} years ago (older than {old} "
                        "years counts as old" + (f", older than {2 * old} as very old)"
                                                 if age > 2 * old else ")"))


def _hosting(ctx, s, j):
    if s.hosting in (None, "unknown"):
        j.not_judged.append("hosting")
        return
    j.risk["hosting"] = RISK_HOSTING.get(s.hosting, 0.0)
    j.health["hosting"] = HEALTH_HOSTING.get(s.hosting, 0.5)
    if s.hosting == "on-premise":
        j.raised.append("hosted on premise: the council carries hardware, patching and recovery")
    elif s.hosting == "hybrid":
        j.raised.append("hosted partly on premise (hybrid)")


def _api(ctx, s, j):
    if s.data.api is None:
        j.not_judged.append("api")
        return
    j.risk["api"] = 0.0 if s.data.api else 1.0
    j.health["api"] = 1.0 if s.data.api else 0.0
    if not s.data.api:
        j.raised.append("no documented API: its data leaves only by export or re-keying")


def _criticality(ctx, s, j):
    if s.criticality is None:
        j.not_judged.append("criticality")
        return
    j.harm["criticality"] = j.value["criticality"] = CRITICALITY[s.criticality]
    if s.criticality in ("high", "critical"):
        j.raised.append(f"criticality recorded as {s.criticality}")


def _personal_data(ctx, s, j):
    if s.data.personal_data is None:
        j.not_judged.append("personal_data")
        return
    j.harm["personal_data"] = 1.0 if s.data.personal_data else 0.0
    if s.data.personal_data:
        j.raised.append("holds personal data")


def _dependents(ctx, s, j):
    n = j.dependents = ctx.dependents.count(s.qid)
    j.harm["dependents"] = j.value["dependents"] = dependents_factor(n)
    if n:
        j.raised.append(f"{n} system{'s depend' if n > 1 else ' depends'} on it, directly or "
                        "through others")


def _statutory(ctx, s, j):
    a = ctx.estate.authorities[s.authority]
    statutory, unknown = [], 0
    for lid in s.supports:
        flag, name = ctx.statutory_line(a, lid)
        if flag:
            statutory.append(name)
        elif flag is None:
            unknown += 1
    if statutory:
        j.harm["statutory"] = j.value["statutory"] = 1.0
        j.raised.append(f"supports statutory services: {', '.join(sorted(set(statutory)))}")
    elif s.supports and unknown == len(s.supports):
        j.not_judged.append("statutory")
    else:
        j.harm["statutory"] = j.value["statutory"] = 0.0


def _users(ctx, s, j):
    if s.users is None:
        j.not_judged.append("users")
    else:
        j.value["users"] = users_factor(s.users)


#: every factor, in the order the reasons give them
FACTORS = (_support, _contract, _age, _hosting, _api, _criticality, _personal_data, _dependents,
           _statutory, _users)
#: the record field behind each business-value and technical-health factor (for ``missing``)
VALUE_FIELDS = {"criticality": "criticality", "users": "users", "statutory": "statutory",
                "dependents": "depends_on"}
HEALTH_FIELDS = {"support": "end_of_support", "age": "introduced", "hosting": "hosting",
                 "api": "data.api"}


def find(estate, graph, settings) -> list[dict]:
    ctx = context(estate, graph, settings)
    return assemble([r for a in estate.authorities.values() for r in council(ctx, a)])


def context(estate, graph, settings) -> _Context:
    """What every council's systems are judged with, found once per run."""
    return _Context(estate, graph, settings)


def council(ctx: _Context, authority) -> list[dict]:
    """The judged systems in service of one council.  A disposition compares a system only
    with systems of its own council, so each council is judged on its own."""
    out = [_judge(ctx, s) for s in authority.systems.values() if s.status in ("live", "retiring")]
    _dispose(ctx, out)
    return out


def assemble(judged: list) -> list[dict]:
    """Councils' judged systems in the order of the finding: highest score, then system id."""
    return sorted(judged, key=lambda r: (-r["score"], r["system"]))


def _judge(ctx, s) -> dict:
    """Score, rating, business value and technical health of one system in service."""
    settings = ctx.settings
    j = _Judged()
    for factor in FACTORS:
        factor(ctx, s, j)
    likelihood = _weighted(j.risk, LIKELIHOOD_WEIGHTS)
    impact = _weighted(j.harm, IMPACT_WEIGHTS)
    score = round(100 * likelihood * impact)
    rating = ("red" if score >= settings.legacy_red_score else
              "amber" if score >= settings.legacy_amber_score else "green")
    reasons = list(j.raised)
    reasons.append(f"score {score} = 100 x likelihood {likelihood:.2f} x impact {impact:.2f}: "
                   f"{rating} (red from {settings.legacy_red_score}, amber from "
                   f"{settings.legacy_amber_score})")
    if j.not_judged:
        reasons.append(f"not judged, for want of data: {', '.join(j.not_judged)}; missing "
                       "fields add nothing, so the score may understate the risk")
    bv, bv_weight = _average(j.value, VALUE_WEIGHTS), _judged_weight(j.value, VALUE_WEIGHTS)
    th, th_weight = _average(j.health, HEALTH_WEIGHTS), _judged_weight(j.health, HEALTH_WEIGHTS)
    enough = settings.time_min_evidence
    missing = []
    if bv_weight < enough:
        missing += [VALUE_FIELDS[k] for k in VALUE_WEIGHTS if k not in j.value]
    if th_weight < enough:
        missing += [HEALTH_FIELDS[k] for k in HEALTH_WEIGHTS if k not in j.health]
    factors = {LIKELIHOOD_KEYS[k]: v for k, v in j.risk.items()}
    factors.update({IMPACT_KEYS[k]: v for k, v in j.harm.items()})
    return {
        "system": s.qid, "name": s.name, "authority": s.authority, "status": s.status,
        "product": s.product_id, "vendor": s.vendor_id,
        "score": score, "rating": rating,
        "likelihood": round(likelihood, 3), "impact": round(impact, 3),
        "disposition": None,
        "business_value": None if bv is None else round(bv, 3),
        "technical_health": None if th is None else round(th, 3),
        "dependents": j.dependents, "duplicated_by": [], "factors": factors,
        "missing": missing, "not_judged": j.not_judged, "reasons": reasons,
        "_bv": bv, "_th": th, "_weights": (bv_weight, th_weight)}


def _judged_weight(factors: dict, weights: dict) -> float:
    return round(sum(w for k, w in weights.items() if k in factors), 6)


def _dispose(ctx, out: list) -> None:
    """The TIME disposition of every judged system (rules in the module docstring)."""
    enough = ctx.settings.time_min_evidence
    judged = {r["system"]: r for r in out if not r["missing"]}
    rank = {q: (r["_bv"], r["_th"]) for q, r in judged.items()}
    lines_of, by_line, dep, graph = ctx.lines_of, ctx.by_line, ctx.dep, ctx.graph

    def better(other: str, qid: str) -> bool:
        """Whether ``other`` has more business value, then better health, then a lower id."""
        return (rank[other], qid) > (rank[qid], other)

    def line_names(lines) -> str:
        return ", ".join(graph.nodes[ln].get("label") or ln for ln in lines)

    def retiring(r: dict) -> str:
        """A retiring system is on its way out: eliminate, unless no other system in service
        of its council supports one of its lines (then the work must move: migrate)."""
        qid, authority = r["system"], r["authority"]
        alone = [line for line in lines_of.get(qid, ())
                 if not any(o != qid and status == "live" for o, status in by_line.get((authority, line), ()))]
        if alone:
            r["reasons"].append(f"migrate (TIME): it is marked retiring, and no other live system of "
                                f"{authority} supports {line_names(alone)}: move that work before it goes")
            return "migrate"
        r["reasons"].append("eliminate (TIME): it is marked retiring and every line it supports has "
                            "another live system; never invest in a system being retired")
        return "eliminate"

    def low_value(r: dict, quadrant: str, th: float) -> str:
        """The disposition of a low-value system: is a better live system there for its lines?"""
        qid, authority = r["system"], r["authority"]
        lines = lines_of.get(qid, ())
        linked = None            # the systems it depends on or that depend on it, if needed
        covered: dict = {}       # line -> live, independent systems better than this one
        for line in lines:
            others = [o for o, status in by_line.get((authority, line), ())
                      if o != qid and status == "live" and o in rank and better(o, qid)]
            if others and linked is None:
                linked = set(dep.predecessors(qid)) | set(dep.successors(qid)) if qid in dep else set()
            covered[line] = [o for o in others if o not in linked] if others else others
        if lines and all(covered.values()):
            r["duplicated_by"] = sorted({o for others in covered.values() for o in others})
            r["reasons"].append(
                f"eliminate (TIME): {quadrant}; every line it supports is also supported by a "
                f"live system of {authority} with more business value or better health "
                f"({', '.join(r['duplicated_by'])}), so it looks run in duplicate: check that "
                "they cover what it does before retiring it")
            return "eliminate"
        if th >= HIGH:
            r["reasons"].append(f"tolerate (TIME): {quadrant}")
            return "tolerate"
        needed = [line for line in lines if not covered[line]]
        if needed:
            r["reasons"].append(
                f"migrate (TIME): {quadrant}, which alone would say eliminate, but no better live "
                f"system of {authority} supports {line_names(needed)}: the work is needed, so move "
                "it to a healthier system")
            return "migrate"
        r["reasons"].append(f"eliminate (TIME): {quadrant}; it supports no recorded line of "
                            "business")
        return "eliminate"

    for r in out:
        bv, th = r.pop("_bv"), r.pop("_th")
        bv_weight, th_weight = r.pop("_weights")
        if r["status"] == "retiring":
            r["disposition"] = retiring(r)
            continue
        if r["missing"]:
            short = [name for name, w in (("business value", bv_weight), ("technical health", th_weight))
                     if w < enough]
            r["disposition"] = "needs data"
            r["reasons"].append(
                f"needs data (TIME): too little is recorded to judge its {' and '.join(short)} (less "
                f"than {enough:g} of the factors' weight); record {', '.join(r['missing'])} to judge it")
            continue
        quadrant = (f"business value {bv:.2f} ({'high' if bv >= HIGH else 'low'}) and technical "
                    f"health {th:.2f} ({'good' if th >= HIGH else 'poor'}); {HIGH} divides low "
                    "from high")
        if bv >= HIGH:         # the lines and their other systems matter only for low value
            disposition = "invest" if th >= HIGH else "migrate"
            r["reasons"].append(f"{disposition} (TIME): {quadrant}")
        else:
            disposition = low_value(r, quadrant, th)
        r["disposition"] = disposition
