"""Per-council indicators (``authorities``): the three questions of the brief, answered.

One item per council, sorted by annual cost (highest first), then id.  A system is *in
service* when its status is ``live`` or ``retiring`` (a retiring system still runs);
planned and retired systems count only in ``systems``.

1. **What does it do, and what supports it?**  ``lines_of_business`` counts the
   council's lines once each: a local line mapped to a taxonomy line that the council
   also lists by its taxonomy id is one line.  ``lines_supported`` counts the council's
   lines of business (listed, or implied by a system) that at least one system in
   service supports, or, for a line marked ``delivery: shared-service``, that a system in
   service of a council sharing a partnership with it supports (``lines_shared`` names
   them); ``line_support_share`` divides by every line except those marked
   ``delivery: not-delivered`` and those implied only by retired or planned systems.  ``lines_unsupported`` names the others and
   ``lines_only_retiring`` those kept up only by systems being retired.
   ``past_support_systems`` are systems in service whose ``end_of_support`` is before
   ``settings.as_of``; ``support_ending_systems`` end within
   ``settings.support_warning_months`` (default 12).
2. **Is its data computable and shareable?**  ``saas_cloud_share``: systems in service
   hosted as ``saas`` or ``cloud``, of those whose hosting is known (not missing, not
   ``unknown``).  ``api_share``: with ``data.api: true``, of those where ``api`` is
   given.  ``open_standards_share``: with at least one ``open_standards`` entry, of
   those with a ``data`` block.
3. **How does it buy technology?**  ``contract_spend`` adds ``annual_value`` of every
   contract recorded.  ``sme_spend_share`` is the share of that spend held by SME
   suppliers, of the spend whose supplier size is known: the contract's ``sme`` flag,
   else the catalogue vendor's ``sme``; contracts with neither are counted in
   ``not_judged["sme"]``.  ``routes`` counts contracts per procurement route.
   ``median_sales_cycle_days`` is the median of ``start - procurement_started`` in
   days over contracts that give both (a negative cycle, already warned as W209, is
   left out).

Shares are fractions 0-1 rounded to 3 places, over the records that could be judged,
and ``null`` when none could; ``not_judged`` counts the records left out, per field.
"""

from __future__ import annotations

import statistics
from collections import Counter

from estate.analyses._contracts import add_months
from estate.analyses._graph import IN_SERVICE, line_support, partner_systems  # noqa: F401


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _share(part: int, whole: int):
    return round(part / whole, 3) if whole else None


def _pct(x) -> str:
    return f"{x * 100:.0f}%"


def _money(x) -> str:
    return f"£{x:,.0f}"


def _has_data_block(s) -> bool:
    d = s.data
    return (d.personal_data is not None or d.api is not None or bool(d.export_formats)
            or bool(d.open_standards))


def _one_per_line(a) -> list:
    """The council's lines, a local line mapped to a taxonomy line and that taxonomy line
    listed by its id too counted once: the taxonomy id's own entry is kept when listed."""
    lines = list(a.lines.values())
    listed = {line.id for line in lines}
    return [line for line in lines
            if not (line.taxonomy_id and line.taxonomy_id != line.id and line.taxonomy_id in listed)]


def find(estate, graph, settings) -> list[dict]:
    ctx = context(estate, graph, settings)
    return assemble([council(ctx, a) for a in estate.authorities.values()])


def context(estate, graph, settings) -> dict:
    """What every council's indicators read, found once per run."""
    return {"estate": estate, "graph": graph, "settings": settings,
            "soon": add_months(settings.as_of, settings.support_warning_months),
            "by_line": line_support(graph)["by_line"]}


def assemble(items: list) -> list[dict]:
    """The councils' items (one each, from :func:`council`) in the order of the finding."""
    return sorted(items, key=lambda item: (-item["annual_cost"], item["id"]))


def council(ctx: dict, a) -> dict:
    """The indicators of one council ``a``."""
    estate, graph, settings = ctx["estate"], ctx["graph"], ctx["settings"]
    as_of, months = settings.as_of, settings.support_warning_months
    soon, by_line = ctx["soon"], ctx["by_line"]
    vendors = estate.catalogue.vendors
    systems = list(a.systems.values())
    service = [s for s in systems if s.status in IN_SERVICE]
    not_judged: Counter = Counter()
    reasons = []

    # 1. lines of business and their support ------------------------------------------
    counted, supported, unsupported, only_retiring, not_delivered = [], [], [], [], []
    shared: dict = {}
    seen_nodes: set = set()
    for line in _one_per_line(a):
        if line.delivery == "not-delivered":
            not_delivered.append(line.id)
            continue
        node = f"line:{line.taxonomy_id}" if line.taxonomy_id else f"line:{a.id}/{line.id}"
        if node in seen_nodes:
            continue
        seen_nodes.add(node)
        statuses = {status for _, status in by_line.get((a.id, node), ())}
        if line.implicit and not statuses & set(IN_SERVICE):
            continue     # implied only by a retired or planned system: not a line it runs
        counted.append(line.id)
        if statuses & set(IN_SERVICE):
            supported.append(line.id)
            if "live" not in statuses:
                only_retiring.append(line.id)
        elif line.delivery == "shared-service" and line.taxonomy_id and \
                (partners := partner_systems(estate, graph, a.id, node)):
            supported.append(line.id)
            shared[line.id] = partners
        else:
            unsupported.append(line.id)
    unsupported.sort()
    only_retiring.sort()
    line_share = _share(len(supported), len(counted))
    if counted:
        text = (f"{len(supported)} of {len(counted)} lines of business have a system in "
                f"service")
        if unsupported:
            text += f"; {len(unsupported)} have none: {', '.join(unsupported)}"
        if not_delivered:
            text += f" ({_count(len(not_delivered), 'line')} marked not delivered left out)"
        reasons.append(text)
    else:
        reasons.append("no lines of business are recorded")
    if shared:
        reasons.append(f"{_count(len(shared), 'line')} delivered as a shared service "
                       "supported by partner councils' systems: " + "; ".join(
                           f"{lid} ({', '.join(q)})" for lid, q in sorted(shared.items())))
    if only_retiring:
        reasons.append(f"{len(only_retiring)} line(s) rely only on systems being retired: "
                       f"{', '.join(only_retiring)}")

    past = sorted(s.qid for s in service if s.end_of_support and s.end_of_support < as_of)
    ending = sorted(s.qid for s in service
                    if s.end_of_support and as_of <= s.end_of_support <= soon)
    not_judged["end_of_support"] = sum(1 for s in service if s.end_of_support is None)
    if past:
        reasons.append(f"{len(past)} system(s) in service are past the end of vendor support "
                       f"as of {as_of.isoformat()}: {', '.join(past)}")
    if ending:
        reasons.append(f"vendor support ends within {months} months for "
                       f"{_count(len(ending), 'more system')}: {', '.join(ending)}")

    # 2. data: hosting, APIs, open standards ------------------------------------------
    hosted = [s for s in service if s.hosting and s.hosting != "unknown"]
    not_judged["hosting"] = len(service) - len(hosted)
    cloud = sum(1 for s in hosted if s.hosting in ("saas", "cloud"))
    with_api = [s for s in service if s.data.api is not None]
    not_judged["api"] = len(service) - len(with_api)
    api = sum(1 for s in with_api if s.data.api)
    profiled = [s for s in service if _has_data_block(s)]
    not_judged["open_standards"] = len(service) - len(profiled)
    open_std = sum(1 for s in profiled if s.data.open_standards)
    personal = sum(1 for s in service if s.data.personal_data)
    saas_share, api_share, open_share = (_share(cloud, len(hosted)),
                                         _share(api, len(with_api)),
                                         _share(open_std, len(profiled)))
    if hosted:
        reasons.append(f"{cloud} of {len(hosted)} systems in service whose hosting is known "
                       f"are SaaS or cloud ({_pct(saas_share)})")
    if with_api:
        reasons.append(f"{api} of {len(with_api)} systems in service whose API is recorded "
                       f"have a documented API ({_pct(api_share)})")
    if profiled:
        reasons.append(f"{open_std} of {len(profiled)} systems with a data profile use an "
                       f"open standard ({_pct(open_share)}); {personal} system(s) hold "
                       "personal data")

    # 3. contracts: spend, SMEs, routes, sales cycle -----------------------------------
    contracts = list(a.contracts.values())
    valued = [c for c in contracts if c.annual_value is not None]
    not_judged["annual_value"] = len(contracts) - len(valued)
    spend = sum(c.annual_value for c in valued)
    sme_spend = known_spend = 0.0
    unknown_sme = from_catalogue = 0
    for c in contracts:
        sme = c.sme
        if sme is None and c.vendor_id in vendors:
            sme = vendors[c.vendor_id].sme
            from_catalogue += sme is not None
        if sme is None:
            unknown_sme += 1
            continue
        if c.annual_value is not None:
            known_spend += c.annual_value
            if sme:
                sme_spend += c.annual_value
    not_judged["sme"] = unknown_sme
    sme_share = round(sme_spend / known_spend, 3) if known_spend else None
    if contracts:
        text = (f"{len(contracts)} contract(s) worth {_money(spend)} a year"
                + (f" ({not_judged['annual_value']} without annual_value)"
                   if not_judged["annual_value"] else ""))
        if sme_share is not None:
            text += (f"; SME suppliers hold {_pct(sme_share)} ({_money(sme_spend)}) of the "
                     f"{_money(known_spend)} whose supplier size is known")
        if unknown_sme:
            text += f"; supplier size unknown for {unknown_sme} contract(s)"
        if from_catalogue:
            text += f"; for {from_catalogue} the SME flag comes from the catalogue vendor"
        reasons.append(text)
    else:
        reasons.append("no contracts are recorded")
    route_counts = Counter(c.route for c in contracts if c.route)
    not_judged["route"] = sum(1 for c in contracts if not c.route)
    routes = dict(sorted(route_counts.items(), key=lambda kv: (-kv[1], kv[0])))
    if routes:
        reasons.append("procurement routes: " + ", ".join(f"{k} {v}" for k, v in routes.items()))
    cycles = [(c.start - c.procurement_started).days for c in contracts
              if c.start and c.procurement_started and c.procurement_started <= c.start]
    not_judged["procurement_started"] = len(contracts) - len(cycles)
    median = statistics.median(cycles) if cycles else None
    if median is not None:
        median = int(median) if float(median).is_integer() else round(median, 1)
        reasons.append(f"median sales cycle {median} days (procurement start to contract "
                       f"start) over {len(cycles)} contract(s)")
    elif contracts:
        reasons.append("no contract gives both procurement_started and start, so the sales "
                       "cycle cannot be measured")

    active = [s for s in systems if s.status != "retired"]
    costed = [s for s in active if s.annual_cost is not None]
    return {
        "id": a.id, "name": a.name, "type": a.type, "region": a.region,
        "partnerships": sorted(a.partnerships),
        "systems": len(systems), "live_systems": sum(1 for s in systems if s.status == "live"),
        "in_service_systems": len(service),
        "annual_cost": round(sum(s.annual_cost for s in costed), 2),
        "costed_systems": len(costed),
        "lines_of_business": len(counted), "lines_supported": len(supported),
        "line_support_share": line_share, "lines_unsupported": unsupported,
        "lines_only_retiring": only_retiring, "lines_not_delivered": sorted(not_delivered),
        "lines_shared": dict(sorted(shared.items())),
        "past_support_systems": past, "past_support_count": len(past),
        "support_ending_systems": ending,
        "saas_cloud_share": saas_share, "api_share": api_share,
        "open_standards_share": open_share, "personal_data_systems": personal,
        "contracts": len(contracts), "contract_spend": round(spend, 2),
        "sme_spend_share": sme_share, "sme_unknown_contracts": unknown_sme,
        "routes": routes,
        "median_sales_cycle_days": median, "sales_cycles_measured": len(cycles),
        "not_judged": {k: v for k, v in sorted(not_judged.items()) if v},
        "reasons": reasons,
    }
