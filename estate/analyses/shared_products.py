"""Shared products: one catalogue product in use at two or more councils.

Rule
----
Systems in service (``live`` or ``retiring``) are grouped by their catalogue product
(``System.product_id``, the result of alias normalisation at load time), and every
product in use at **two or more councils** is reported, whatever each council calls it
("iWorld", "Northgate Revenues & Benefits" and "NEC Revenues and Benefits" are one
product; the raw names are listed in ``spellings``).  Two is the least that can be
shared; it is a fact, not a tunable threshold.

Never grouped:

- bespoke / in-house systems (``System.bespoke``), however alike their names: two
  councils' home-grown "Housing Register" are two different systems;
- systems whose product did not resolve to the catalogue: raw text is never compared
  (they appear in ``data_quality`` with the closest catalogue names instead);
- distinct products of one vendor ("NEC Housing" and "NEC Revenues & Benefits"): the
  unit is the product, and the vendor is only reported beside it.

A planned system is not in use yet: it does not make a product shared, and it is not
in ``systems`` or ``annual_cost``; a shared product lists the councils planning it too
(``planned``), as they will join.  A shared product is where councils can already share
know-how, a hosted instance or a joint contract.  ``annual_cost`` adds the known costs
of the systems in service; those with none are counted under
``not_judged["annual_cost"]``.

Order
-----
Most councils first, then most systems, then product id.
"""

from __future__ import annotations

from estate.analyses._contracts import and_list, gbp, plural


def find(estate, graph, settings) -> list[dict]:
    groups: dict[str, list] = {}
    planned: dict[str, list] = {}
    for system in estate.systems():
        if system.bespoke or not system.product_id:
            continue
        if system.status in ("live", "retiring"):
            groups.setdefault(system.product_id, []).append(system)
        elif system.status == "planned":
            planned.setdefault(system.product_id, []).append(system)
    findings = []
    for pid, systems in groups.items():
        authorities = sorted({s.authority for s in systems})
        if len(authorities) < 2:
            continue
        findings.append(_finding(estate, pid, sorted(systems, key=lambda s: s.qid), authorities,
                                 sorted(planned.get(pid, []), key=lambda s: s.qid)))
    findings.sort(key=lambda f: (-len(f["authorities"]), -len(f["systems"]), f["product"]))
    return findings


def _finding(estate, pid, systems, authorities, planned=()) -> dict:
    cat = estate.catalogue
    product = cat.products[pid]
    vendor = cat.vendors.get(product.vendor) if product.vendor else None
    spellings = sorted({s.product for s in systems if s.product}, key=lambda t: (t.casefold(), t))
    costed = [s for s in systems if s.annual_cost is not None]
    uncosted = [s for s in systems if s.annual_cost is None]
    total = round(sum(s.annual_cost for s in costed), 2)
    by_authority: dict[str, list] = {}
    for s in systems:
        by_authority.setdefault(s.authority, []).append(s)

    made_by = f" ({vendor.name})" if vendor else ""
    places = []
    for aid in authorities:
        name = estate.authorities[aid].name
        written = and_list(f"{s.qid} as '{s.product}'" if s.product else s.qid for s in by_authority[aid])
        places.append(f"{name}: {written}")
    reasons = [f"{product.name}{made_by} is in use at {len(authorities)} councils "
               f"({plural(len(systems), 'system')}): {'; '.join(places)}."]
    if len(spellings) > 1:
        reasons.append(f"It is written {len(spellings)} ways ({and_list(repr(t) for t in spellings)}), "
                       "all aliases of the same catalogue product.")
    retiring = [s.qid for s in systems if s.status == "retiring"]
    if retiring:
        reasons.append(f"{and_list(retiring)} {'is' if len(retiring) == 1 else 'are'} retiring.")
    if planned:
        reasons.append(f"Planned, not yet in use or counted: {and_list(s.qid for s in planned)}.")
    versions = sorted({s.version for s in systems if s.version})
    if len(versions) > 1:
        reasons.append(f"Versions differ ({and_list(versions)}): a shared instance would need them "
                       "brought to one version.")
    if costed:
        money = f"Known annual cost {gbp(total)}"
        if uncosted:
            money += f"; {plural(len(uncosted), 'system')} ({and_list(s.qid for s in uncosted)}) " \
                     "recorded no cost"
        reasons.append(money + ".")
    else:
        reasons.append("No system records an annual cost.")
    return {
        "product": pid,
        "product_name": product.name,
        "vendor": product.vendor,
        "vendor_name": vendor.name if vendor else None,
        "authorities": authorities,
        "systems": [s.qid for s in systems],
        "planned": [s.qid for s in planned],
        "spellings": spellings,
        "versions": versions,
        "annual_cost": total,
        "not_judged": {"annual_cost": len(uncosted)} if uncosted else {},
        "reasons": reasons,
    }
