"""The plan of a synthetic estate: the reference data it draws on, its councils and
their partnerships, and the YAML text helpers every synthetic file is written with."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path


import yaml

from estate.interchange.writer import flow_list, text_scalar
from estate.model.catalogue import default_catalogue_files
from estate.synth.tables import (INFRASTRUCTURE, NAME_HEADS, NAME_TAILS, REGIONS,
                                 REGION_WEIGHTS, SHAREABLE, TYPE_NAMES, TYPE_WEIGHTS,
                                 VENDOR_INFRASTRUCTURE)

# --- YAML text ------------------------------------------------------------------------------

# one YAML emitter for every inventory estate writes: the import writer's quoting rules
scalar = text_scalar


def flow(values) -> str:
    return flow_list(str(v) for v in values)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- the reference data the generator draws on ------------------------------------------------

@dataclass
class Reference:
    lines: list                      # [(id, name, function, statutory)]
    vendors: dict                    # id -> {"name", "aliases", "sme"}
    products: dict                   # id -> {"name", "vendor", "aliases", "lines", "category"}
    by_line: dict                    # line id -> [product ids]


def reference() -> Reference:
    """The shipped catalogue, plus the infrastructure the synthetic catalogue adds."""
    data = {"vendors": [], "products": [], "lines_of_business": []}
    for path in default_catalogue_files():
        doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for key in data:
            data[key].extend(doc.get(key) or [])
    vendors = {v["id"]: {"name": v["name"], "aliases": list(v.get("aliases") or []),
                         "sme": v.get("sme")} for v in data["vendors"]}
    products = {p["id"]: {"name": p["name"], "vendor": p["vendor"],
                          "aliases": list(p.get("aliases") or []),
                          "lines": list(p.get("lines_of_business") or []),
                          "category": p.get("category")} for p in data["products"]}
    for vid, name, aliases, sme, items in INFRASTRUCTURE:
        vendors[vid] = {"name": name, "aliases": aliases, "sme": sme}
        for pid, pname, paliases in items:
            products[pid] = {"name": pname, "vendor": vid, "aliases": paliases, "lines": [],
                             "category": "Infrastructure"}
    for vid, pid, pname, paliases in VENDOR_INFRASTRUCTURE:
        products[pid] = {"name": pname, "vendor": vid, "aliases": paliases, "lines": [],
                         "category": "Infrastructure"}
    lines = [(x["id"], x["name"], x.get("function", "Other"), x.get("statutory"))
             for x in data["lines_of_business"]]
    by_line: dict = {}
    for pid, p in products.items():
        for line in p["lines"]:
            by_line.setdefault(line, []).append(pid)
    return Reference(lines, vendors, products, by_line)


# --- the plan: councils and partnerships ------------------------------------------------------

@dataclass
class Council:
    index: int
    id: str
    name: str
    type: str
    region: str
    prefix: str
    seed: int
    partnerships: list = field(default_factory=list)
    hosts: list = field(default_factory=list)        # partnership ids it hosts
    partner_of: list = field(default_factory=list)   # (partnership id, host Council, [lines])
    shared: dict = field(default_factory=dict)       # line -> system id it runs for partners
    split: bool = False
    path: str = ""
    shared_products: dict = field(default_factory=dict)   # line -> product id it runs for partners


@dataclass
class Partnership:
    id: str
    name: str
    kind: str
    members: list                                    # [Council]
    lines: list = field(default_factory=list)        # shared-service lines


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights)[0]


def plan(n: int, rng: random.Random) -> tuple[list, list]:
    """Councils (names, types, regions, file layout) and the partnerships between them."""
    names = [h + t for h in NAME_HEADS for t in NAME_TAILS]
    rng.shuffle(names)
    while len(names) < n:  # beyond 1,250 councils, number the names
        names += [f"{name} {len(names) // len(NAME_HEADS) // len(NAME_TAILS) + 1}"
                  for name in names[:len(NAME_HEADS) * len(NAME_TAILS)]]
    councils = []
    prefixes: set = set()
    for i in range(n):
        region = rng.choices(REGIONS, weights=REGION_WEIGHTS)[0]
        kind = {"London": "london-borough", "Wales": "unitary"}.get(region) or _weighted(rng, TYPE_WEIGHTS)
        base = names[i]
        name = TYPE_NAMES[kind].format(base)
        cid = slug(base)
        prefix = slug(base)[:3]
        candidate, k = prefix, 2
        while candidate in prefixes:
            candidate, k = f"{prefix}{k}", k + 1
        prefixes.add(candidate)
        councils.append(Council(i, cid, name, kind, region, candidate, rng.getrandbits(64),
                                split=rng.random() < 0.25))
    partnerships: list = []
    by_region: dict = {}
    for c in councils:
        by_region.setdefault(c.region, []).append(c)
    for region in REGIONS:
        members = by_region.get(region, [])
        i = 0
        while i < len(members):  # shared services of 2-4 neighbours
            size = rng.choice([2, 2, 3, 3, 4])
            group = members[i:i + size]
            if len(group) >= 2 and rng.random() < 0.45:
                host = group[0]
                lines = sorted(rng.sample(SHAREABLE, rng.randint(2, 4)))
                pid = f"{group[0].id}-{group[1].id}-shared-ict"
                p = Partnership(pid, f"{group[0].name.split()[0]} and {group[1].name.split()[0]} "
                                "Shared ICT Service", "shared-service", group, lines)
                partnerships.append(p)
                host.hosts.append(pid)
                for c in group:
                    c.partnerships.append(pid)
                for c in group[1:]:
                    c.partner_of.append((pid, host, lines))
                i += len(group)
            else:
                i += 1
        if len(members) >= 3:  # one procurement group per region
            group = [c for c in members if rng.random() < 0.5][:12]
            if len(group) >= 2:
                pid = f"{slug(region)}-procurement-group"
                partnerships.append(Partnership(pid, f"{region} Technology Procurement Group",
                                                "procurement-group", group))
                for c in group:
                    c.partnerships.append(pid)
        metros = [c for c in members if c.type == "metropolitan-district"]
        if len(metros) >= 3:
            pid = f"{slug(region)}-combined-authority"
            partnerships.append(Partnership(pid, f"{region} Combined Authority",
                                            "combined-authority", metros[:10]))
            for c in metros[:10]:
                c.partnerships.append(pid)
    for c in councils:
        folder = slug(c.region)
        c.path = f"{folder}/{c.id}" if c.split else f"{folder}/{c.id}.yaml"
    return councils, partnerships
