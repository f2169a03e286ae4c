"""Supplier concentration: how much of each market one or a few vendors hold.

``supplier_concentration`` (per line of business)
-------------------------------------------------
For each line of business of the shared taxonomy (local lines count through
``maps_to``; unmapped ones cannot be compared across councils and are left out), take
every **live** system of every council that supports it, and give each system's
supplier a share:

* **by spend** (``basis: "spend"``) when every system counted has an ``annual_cost``
  (and they add up to more than 0).  A system that supports several lines has its cost
  split equally between them, so a suite is not counted in full in each market.
* **by councils** (``basis: "councils"``) otherwise: each council using the line counts
  as one, split equally between the vendors it uses for it (two vendors: half each).
  Spend with gaps would favour whoever is costed; councils are always known.

The supplier is the catalogue vendor the system resolves to (through its ``vendor`` or
its ``product``).  A system built in-house is its council's own supplier
(``in-house:<authority>``), and so is one whose ``vendor`` names its own council; a supplier named as a council or partnership of the inputs
("Northbrook Borough Council", "North Central Shared ICT Service") is that public body
(``kind`` says which).  A vendor name the catalogue does not know is grouped by its
name as written, ignoring case, punctuation and legal suffixes, and the reasons say so.
A system with no vendor and no known product is counted in ``not_judged["vendor"]``.

The Herfindahl-Hirschman index is the sum of the squared percentage shares (0-10000):
60/40 gives 3600 + 1600 = 5200; one vendor alone gives 10000.  The levels follow
``settings.hhi_guidelines``:

- ``uk`` (the default): above 2,000 *highly concentrated*, above 1,000 *moderately
  concentrated* (the UK guidelines say "concentrated"), else *unconcentrated*.  These are
  the marks of the UK Merger Assessment Guidelines (Competition Commission and Office of
  Fair Trading, CC2 (Revised) / OFT1254, September 2010, section 5.3), which the CMA
  applied until its Merger Assessment Guidelines of March 2021 (CMA129) replaced them;
  CMA129 deliberately sets no concentration threshold, so the 2010 marks are the UK's
  last published ones.
- ``us-2023``: above 1,800 *highly concentrated*, above 1,000 *moderately concentrated*
  (US Department of Justice and Federal Trade Commission, Merger Guidelines, 2023,
  section 2.1).

``settings.hhi_moderate`` and ``settings.hhi_high``, when set, replace either pair.  The
marks were written for mergers, and a market with a few council buyers is concentrated
by nature.

What it means here: dependency, not a verdict
---------------------------------------------
Concentration reports the councils' **dependency on a supplier**: how hard it would be
to leave (exit risk) and how strong their hand is when they buy (negotiating position).
It is not presented as a problem where convergence is the intended outcome: when the
consolidation analysis has a candidate for the line, the councils are being advised to
converge, so a dominant supplier there is the expected result, and the finding says so
(``convergence_intended``, ``consolidation_groups``) and asks for the dependency to be
managed (exit plan, contract terms) rather than reduced.  ``concern`` is true only for
a line that is moderately or highly concentrated where no convergence is intended.

Spend and councils are never ranked together
--------------------------------------------
A share of spend and a share of councils are different measures, so the list is sorted
by ``basis`` first (``spend``, then ``councils``) and by HHI (highest first, then line
id) within each; renderers show one table per basis.  A line is reported when at least
``settings.min_councils`` (2) councils run a live system for it: the concentration of
one council's choice says nothing about a market.

``vendor_concentration`` (the whole estate)
-------------------------------------------
Every contract recorded is attributed to its supplier (resolved as above).  Vendors are
ranked by contract spend (``annual_value``), then number of contracts, then name; the
``settings.top_vendors`` (10) largest are listed, with the share of all contracts and of
all contract spend they hold.  Contracts without ``annual_value`` count in the contracts
share only.  Contracts with other councils or partnerships (shared services) count in the
totals but are listed apart (``public_bodies``), not ranked as vendors.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from estate.analyses._suppliers import council_form, names_own_council
from estate.analyses._graph import line_support
from estate.model.catalogue import is_bespoke, key_form, normal_form


#: the order of the two bases in the list; renderers show one table per basis
BASIS_ORDER = {"spend": 0, "councils": 1}


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _money(x: float) -> str:
    return f"£{x:,.0f}"


#: (moderately concentrated above, highly concentrated above, the source) per guideline
GUIDELINES = {
    "uk": (1000, 2000, "UK Merger Assessment Guidelines, CC2 (Revised)/OFT1254, 2010, section 5.3; "
                       "CMA129 (2021) sets no threshold"),
    "us-2023": (1000, 1800, "US DOJ/FTC Merger Guidelines 2023, section 2.1"),
}


def thresholds(settings) -> tuple[int, int, str]:
    """(moderate, high, source) for the settings: the guideline's marks unless overridden."""
    moderate, high, source = GUIDELINES[settings.hhi_guidelines]
    if settings.hhi_moderate is not None or settings.hhi_high is not None:
        source += "; marks changed in the settings"
    return (settings.hhi_moderate if settings.hhi_moderate is not None else moderate,
            settings.hhi_high if settings.hhi_high is not None else high, source)


def level(hhi: int, settings) -> str:
    moderate, high, _ = thresholds(settings)
    if hhi > high:
        return "highly concentrated"
    if hhi > moderate:
        return "moderately concentrated"
    return "unconcentrated"


def hhi_of(shares) -> int:
    """Sum of squared percentage shares (shares as fractions 0-1), rounded."""
    return round(sum((100 * s) ** 2 for s in shares))


class _Suppliers:
    """Names a supplier key for a vendor id, an in-house build or an unresolved name."""

    def __init__(self, estate):
        self.estate = estate
        self.spellings: dict = defaultdict(Counter)   # unresolved key -> spellings seen
        self.public: dict = {}                        # normal form of a name -> public key
        self.names: dict = {}                         # public key -> name
        for kind, records in (("partnership", estate.catalogue.partnerships.values()),
                              ("authority", estate.authorities.values())):
            for r in records:
                key = f"{kind}:{r.id}"
                self.names[key] = r.name
                for text in (r.id, r.name):
                    for form in (normal_form(text), council_form(text)):
                        if form:
                            self.public.setdefault(form, key)

    def key(self, vendor_id, text, authority, bespoke=False):
        if vendor_id:
            return vendor_id
        if bespoke or (text and is_bespoke(text)):
            return f"in-house:{authority}"
        if text and (normal_form(text) in self.public or council_form(text) in self.public):
            return self.public.get(normal_form(text)) or self.public[council_form(text)]
        if text and key_form(text):
            k = f"unresolved:{key_form(text)}"
            self.spellings[k][text] += 1
            return k
        return None

    def name(self, key: str) -> str:
        if key.startswith("in-house:"):
            aid = key.partition(":")[2]
            a = self.estate.authorities.get(aid)
            return f"In-house ({a.name if a else aid})"
        if key in self.names:
            return self.names[key]
        if key.startswith("unresolved:"):
            return sorted(self.spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        vendor = self.estate.catalogue.vendors.get(key)
        return vendor.name if vendor else key

    @staticmethod
    def vendor_id(key: str):
        return None if ":" in key else key

    @staticmethod
    def kind(key: str) -> str:
        """vendor, in-house, council, partnership or unresolved."""
        prefix = key.partition(":")[0] if ":" in key else "vendor"
        return {"authority": "council"}.get(prefix, prefix)


def find(estate, graph, settings) -> list[dict]:
    """``supplier_concentration``: one item per taxonomy line of business."""
    support = line_support(graph)
    lines_of = support["lines_of"]
    suppliers = _Suppliers(estate)
    markets: dict = defaultdict(list)      # taxonomy id -> [(authority, qid, key, cost share)]
    unjudged: Counter = Counter()
    for s in estate.systems():
        if s.status != "live":
            continue
        lines = lines_of.get(s.qid, ())
        taxonomy = sorted({graph.nodes[n]["id"] for n in lines if not graph.nodes[n].get("local")})
        if not taxonomy:
            continue
        key = suppliers.key(s.vendor_id, s.vendor, s.authority,
                            s.bespoke or names_own_council(estate, s))
        for line in taxonomy:
            if key is None:
                unjudged[line] += 1
                continue
            cost = None if s.annual_cost is None else s.annual_cost / len(lines)
            markets[line].append((s.authority, s.qid, key, cost))

    out = []
    for line, entries in markets.items():
        councils = sorted({e[0] for e in entries})
        if len(councils) < settings.min_councils:
            continue
        uncosted = sum(1 for e in entries if e[3] is None)
        total = sum(e[3] for e in entries if e[3] is not None)
        basis = "spend" if not uncosted and total > 0 else "councils"
        weight: Counter = Counter()
        if basis == "spend":
            for _, _, key, cost in entries:
                weight[key] += cost
            whole = total
        else:
            per_council: dict = defaultdict(set)
            for authority, _, key, _ in entries:
                per_council[authority].add(key)
            for authority, keys in per_council.items():
                for key in keys:
                    weight[key] += 1 / len(keys)
            whole = len(per_council)
        grouped: dict = defaultdict(list)
        for e in entries:
            grouped[e[2]].append(e)
        vendors = []
        for key in weight:
            mine = grouped[key]
            costs = [e[3] for e in mine]
            vendors.append({
                "vendor": suppliers.vendor_id(key), "name": suppliers.name(key),
                "kind": suppliers.kind(key), "resolved": suppliers.kind(key) != "unresolved",
                "share": round(weight[key] / whole, 3),
                "annual_cost": round(sum(costs), 2) if None not in costs else None,
                "authorities": sorted({e[0] for e in mine}),
                "systems": sorted(e[1] for e in mine),
                "_exact": weight[key] / whole, "_key": key})
        vendors.sort(key=lambda v: (-v["_exact"], v["name"].casefold(), v["_key"]))
        hhi = hhi_of(v["_exact"] for v in vendors)
        lead = vendors[0]
        name = estate.line_name(line)
        lvl = level(hhi, settings)
        reasons = []
        if basis == "spend":
            reasons.append(
                f"{len(councils)} councils run {len(entries)} live system(s) for {name}; shares "
                f"are of annual spend ({_money(total)} in all; a system supporting several lines "
                "has its cost split equally between them)")
        else:
            why = (f"annual_cost is missing for {uncosted} of the {len(entries)} live systems"
                   if uncosted else "the systems' annual costs add up to nothing")
            reasons.append(
                f"{len(councils)} councils run {len(entries)} live system(s) for {name}; shares "
                f"are of councils, because {why} (a council using several vendors for the line "
                "counts a fraction to each)")
        reasons.append(f"{lead['name']} has the largest share, {_pct(lead['_exact'])} "
                       f"({', '.join(lead['authorities'])})")
        terms = " + ".join(f"{100 * v['_exact']:.0f}²" for v in vendors[:6])
        if len(vendors) > 6:
            terms += f" + {len(vendors) - 6} smaller"
        moderate, high, source = thresholds(settings)
        reasons.append(
            f"HHI {hhi} ({terms}): {lvl}; above {high} is highly concentrated and above {moderate} "
            f"moderately concentrated ({source})")
        reasons.append(
            f"This measures dependency: the councils rely on {lead['name']} for "
            f"{_pct(lead['_exact'])} of this line, which sets their exit risk (the cost and time of "
            "leaving it) and their negotiating position when they next buy")
        unresolved = [v["name"] for v in vendors if not v["resolved"]]
        if unresolved:
            reasons.append(f"not in the vendor catalogue, grouped by the name as written: "
                           f"{', '.join(unresolved)}")
        if unjudged[line]:
            reasons.append(f"{unjudged[line]} live system(s) name no vendor or known product and "
                           "are left out")
        for v in vendors:
            del v["_exact"], v["_key"]
        out.append({
            "line_of_business": line, "line_name": name,
            "function": getattr(estate.catalogue.lines_of_business.get(line), "function", None),
            "basis": basis, "hhi": hhi, "level": lvl,
            "leading_vendor": lead["vendor"], "leading_vendor_name": lead["name"],
            "leading_share": lead["share"], "vendors": vendors,
            "authorities": len(councils), "systems": len(entries),
            "not_judged": {"vendor": unjudged[line]} if unjudged[line] else {},
            "convergence_intended": False, "consolidation_groups": [],
            "concern": lvl != "unconcentrated",
            "reasons": reasons})
    out.sort(key=lambda item: (BASIS_ORDER[item["basis"]], -item["hhi"], item["line_of_business"]))
    return out


def relate(concentration: list, candidates: list) -> None:
    """Mark the lines where a consolidation candidate advises convergence (see "What it means
    here"): ``convergence_intended``, ``consolidation_groups``, ``concern`` and a reason."""
    groups: dict = defaultdict(list)
    for c in candidates:
        groups[c["line_of_business"]].append(c)
    for item in concentration:
        found = groups.get(item["line_of_business"])
        if not found:
            continue
        item["convergence_intended"] = True
        item["consolidation_groups"] = sorted({c["group"]["id"] for c in found})
        item["concern"] = False
        advice = "; ".join(f"{c['group']['name']}: converge on {c['recommended_product_name']}"
                           for c in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        item["reasons"].append(
            f"Convergence is the intended outcome on this line ({advice}{more}), so this concentration "
            "is expected, not a problem: manage the dependency (an exit plan, contract terms, data "
            "access) rather than try to reduce it")


def find_vendors(estate, graph, settings) -> dict:
    """``vendor_concentration``: the estate's largest vendors by contract spend."""
    suppliers = _Suppliers(estate)
    contracts: Counter = Counter()
    spend: Counter = Counter()
    councils: dict = defaultdict(set)
    no_value = unattributed = 0
    total_contracts = 0
    for c in estate.contracts():
        key = suppliers.key(c.vendor_id, c.supplier, c.authority)
        if key is None:
            unattributed += 1
            continue
        total_contracts += 1
        contracts[key] += 1
        councils[key].add(c.authority)
        if c.annual_value is None:
            no_value += 1
        else:
            spend[key] += c.annual_value
    total_spend = sum(spend.values())
    public = sorted(k for k in contracts if suppliers.kind(k) in ("council", "partnership"))
    ranked = sorted((k for k in contracts if k not in public),
                    key=lambda k: (-spend[k], -contracts[k], suppliers.name(k).casefold(), k))
    top = ranked[:settings.top_vendors]
    vendors = []
    for key in top:
        vendor = estate.catalogue.vendors.get(suppliers.vendor_id(key) or "")
        vendors.append({
            "vendor": suppliers.vendor_id(key), "name": suppliers.name(key),
            "kind": suppliers.kind(key), "resolved": suppliers.kind(key) != "unresolved",
            "sme": vendor.sme if vendor else None,
            "contracts": contracts[key],
            "contract_share": round(contracts[key] / total_contracts, 3) if total_contracts else None,
            "spend": round(spend[key], 2),
            "spend_share": round(spend[key] / total_spend, 3) if total_spend else None,
            "authorities": sorted(councils[key])})
    top_contracts = sum(contracts[k] for k in top)
    top_spend = sum(spend[k] for k in top)
    contracts_share = round(top_contracts / total_contracts, 3) if total_contracts else None
    spend_share = round(top_spend / total_spend, 3) if total_spend else None
    reasons = []
    if total_contracts:
        reasons.append(
            f"the {len(top)} largest of {len(ranked)} vendors by annual contract spend hold "
            + (f"{_pct(spend_share)} of the {_money(total_spend)} a year and " if spend_share is not None
               else "")
            + f"{_pct(contracts_share)} of the {total_contracts} contracts")
        if vendors and vendors[0]["spend_share"] is not None:
            lead = vendors[0]
            reasons.append(f"{lead['name']} is the largest: {_money(lead['spend'])} a year "
                           f"({_pct(lead['spend_share'])}) on {lead['contracts']} contract(s) with "
                           f"{len(lead['authorities'])} council(s)")
        if public:
            n = sum(contracts[k] for k in public)
            reasons.append(
                f"{n} contract(s) worth {_money(sum(spend[k] for k in public))} a year are with "
                f"councils or shared services ({', '.join(suppliers.name(k) for k in public)}): "
                "counted in the totals, not ranked as vendors")
        unresolved = sorted({suppliers.name(k) for k in ranked if k.startswith("unresolved:")})
        if unresolved:
            n = sum(contracts[k] for k in ranked if k.startswith("unresolved:"))
            reasons.append(f"{n} contract(s) name suppliers not in the vendor catalogue; they are "
                           "grouped by the name as written (case, punctuation and legal suffixes "
                           f"ignored): {', '.join(unresolved[:10])}"
                           + (f" and {len(unresolved) - 10} more" if len(unresolved) > 10 else ""))
        if no_value:
            reasons.append(f"{no_value} contract(s) give no annual_value: counted in the "
                           "contracts share, not in spend")
    else:
        reasons.append("no contracts are recorded")
    not_judged = {k: v for k, v in (("annual_value", no_value), ("supplier", unattributed)) if v}
    return {"top": settings.top_vendors, "vendor_count": len(ranked),
            "contracts": total_contracts, "spend": round(total_spend, 2),
            "contracts_share": contracts_share, "spend_share": spend_share,
            "vendors": vendors,
            "public_bodies": [{"supplier": k, "name": suppliers.name(k), "contracts": contracts[k],
                               "spend": round(spend[k], 2), "authorities": sorted(councils[k])}
                              for k in public],
            "not_judged": not_judged, "reasons": reasons}
