"""One synthetic council: its systems, contracts and lines of business, drawn and
written as YAML text."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Optional

from estate.synth.tables import (BESPOKE, BESPOKE_NAMES, COUNTY_ONLY, DISTRICT_ONLY, EXPORTS,
                                 FRAMEWORKS, HOSTING, HUB_LINES, LEGAL, LOCAL_SUPPLIER_HEADS,
                                 LOCAL_SUPPLIER_TAILS, MODULES, NOT_COMPANIES, ROUTES,
                                 SERVICE_SUPPLIERS, SHAREABLE, STANDARDS, VIAS)
from estate.synth.plan import Council, Reference, _weighted, flow, scalar, slug


# --- one council ------------------------------------------------------------------------------

@dataclass
class SynSystem:
    id: str
    name: str
    supports: list
    product: Optional[str] = None       # text as written
    vendor: Optional[str] = None        # text as written
    vendor_id: Optional[str] = None     # what the generator meant (for contracts)
    status: str = "live"
    role: str = "main"                  # main | module | infra | bespoke | retired | planned | duplicate
    fields: dict = field(default_factory=dict)
    depends_on: list = field(default_factory=list)   # [(target, via)]


class CouncilWriter:
    """Draws one council's estate and writes it as YAML text."""

    def __init__(self, ref: Reference, council: Council, as_of: dt.date, favourites: dict,
                 popularity: dict):
        self.ref, self.c, self.as_of = ref, council, as_of
        self.rng = random.Random(council.seed)
        self.favourites, self.popularity = favourites, popularity
        self.systems: list[SynSystem] = []
        self.ids: set = set()
        self.covered: dict = {}          # line -> main system id

    # names, as people write them ----------------------------------------------------------
    def vendor_text(self, vid: str, legal: float = 0.2) -> str:
        rng, v = self.rng, self.ref.vendors[vid]
        r = rng.random()
        text = rng.choice(v["aliases"]) if v["aliases"] and r < 0.25 else v["name"]
        if vid not in NOT_COMPANIES and rng.random() < legal:
            text += rng.choice(LEGAL)
        r = rng.random()
        if r < 0.03:
            text = text.upper()
        elif r < 0.05:
            text = text.lower()
        elif r < 0.065:
            text = _typo(rng, text)
        return text

    def product_text(self, pid: str) -> str:
        rng, p = self.rng, self.ref.products[pid]
        r = rng.random()
        text = rng.choice(p["aliases"]) if p["aliases"] and r < 0.3 else p["name"]
        r = rng.random()
        if r < 0.04:
            text = text.lower()
        elif r < 0.07:
            text = text.replace("&", "and") if "&" in text else text.replace(" and ", " & ")
        elif r < 0.085:
            text = _typo(rng, text)
        elif r < 0.10:
            text = f"{text} {rng.randint(2, 12)}"
        return text

    def new_id(self, stem: str) -> str:
        base = f"{self.c.prefix}-{slug(stem)[:40].strip('-')}"
        sid, k = base, 2
        while sid in self.ids:
            sid, k = f"{base}-{k}", k + 1
        self.ids.add(sid)
        return sid

    # systems ------------------------------------------------------------------------------
    def pick_product(self, line: str, exclude=()) -> Optional[str]:
        pool = [p for p in self.ref.by_line.get(line, []) if p not in exclude]
        if not pool:
            return None
        rng = self.rng
        for _, host, lines in self.c.partner_of:      # partners converge on the host's choice
            if line in host.shared_products and rng.random() < 0.6 and host.shared_products[line] in pool:
                return host.shared_products[line]
        fav = self.favourites.get((self.c.region, line))
        if fav in pool and rng.random() < 0.45:
            return fav
        return rng.choices(pool, weights=[self.popularity[p] for p in pool])[0]

    def common_fields(self, s: SynSystem, introduced_from: int = 1996) -> None:
        rng, as_of = self.rng, self.as_of
        f = s.fields
        if rng.random() < 0.8:
            f["version"] = rng.choice([f"{rng.randint(1, 12)}.{rng.randint(0, 9)}",
                                       f"{rng.randint(min(2015, as_of.year), as_of.year)}.{rng.randint(1, 4)}",
                                       f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"])
        f["hosting"] = _weighted(rng, HOSTING)
        f["status"] = s.status
        if rng.random() < 0.9:
            latest = min(as_of.year, 2025)
            f["introduced"] = rng.randint(min(introduced_from, latest), latest)
        if rng.random() < 0.4:
            f["end_of_support"] = as_of + dt.timedelta(days=rng.randint(-3 * 365, 6 * 365))
        if rng.random() < 0.92:
            f["data"] = {"personal_data": rng.random() < 0.6, "api": rng.random() < 0.45,
                         "export_formats": sorted(rng.sample(EXPORTS, rng.randint(0, 3))),
                         "open_standards": sorted(rng.sample(STANDARDS, rng.choice([0, 0, 0, 1, 2])))}
        if rng.random() < 0.85 and s.status != "planned":
            scale = {"main": 60000, "duplicate": 25000, "module": 8000, "infra": 12000,
                     "bespoke": 1500, "retired": 0, "planned": 0}[s.role]
            f["annual_cost"] = 0 if s.status == "retired" else \
                int(rng.lognormvariate(0, 0.9) * scale) // 50 * 50
        if rng.random() < 0.8:
            f["users"] = int(rng.lognormvariate(3.5, 1.2)) + 1
        f["criticality"] = _weighted(rng, [("low", 25), ("medium", 40), ("high", 25), ("critical", 10)])
        if rng.random() < 0.7:
            function = self.function_of.get(s.supports[0]) if s.supports else None
            f["owner"] = f"Head of {function or rng.choice(self.functions)}"

    def build(self) -> None:
        rng, c, ref = self.rng, self.c, self.ref
        exclude = COUNTY_ONLY if c.type == "district" else DISTRICT_ONLY if c.type == "county" else set()
        self.lines = [(lid, name, fn, stat) for lid, name, fn, stat in ref.lines
                      if lid not in exclude and rng.random() < 0.96]
        self.functions = sorted({fn for _, _, fn, _ in self.lines})
        self.function_of = {lid: fn for lid, _, fn, _ in self.lines}
        line_ids = [lid for lid, *_ in self.lines]
        shared_lines = {line for _, _, lines in c.partner_of for line in lines}
        self.delivery = {}
        for lid in line_ids:
            self.delivery[lid] = "shared-service" if lid in shared_lines else \
                _weighted(rng, [("in-house", 85), ("outsourced", 10), ("not-delivered", 1)])
        self.local_lines = []
        for k in range(rng.randint(0, 3)):
            name = rng.choice(["Local Welfare Assistance", "Community Grants", "Allotments",
                               "Markets", "Tourism", "Port Health", "Twinning", "Car Boot Licensing"])
            lid = slug(name)
            if lid in [x[0] for x in self.local_lines]:
                continue
            maps = rng.choice([None, None, "community-safety", "income-management"])
            self.local_lines.append((lid, name, maps if maps in line_ids else None))
        target = rng.randint(150, 400)
        # main systems: each line of business, by the product the council chose
        for lid in line_ids:
            if lid in self.covered or (lid in shared_lines and rng.random() < 0.8):
                continue
            pid = self.pick_product(lid)
            if pid is None:
                if rng.random() < 0.5:
                    self.add_bespoke([lid], role="main")
                continue
            p = ref.products[pid]
            supports = [x for x in p["lines"] if x in self.delivery and x not in self.covered]
            s = self.add_product_system(pid, supports or [lid], role="main")
            for x in s.supports:
                self.covered[x] = s.id
            if lid in SHAREABLE and c.hosts:
                c.shared_products[lid] = pid
        for lid, name, maps in self.local_lines:
            self.add_bespoke([lid], role="main", name=name)
        for lid in SHAREABLE:
            if lid in self.covered and c.hosts:
                c.shared[lid] = self.covered[lid]
        mains = list(self.systems)
        # planted duplicates: a second live system for a line already covered
        for _ in range(rng.randint(1, 4)):
            lid = rng.choice(sorted(self.covered))
            main_pid = next((s.fields.get("_pid") for s in mains if s.id == self.covered[lid]), None)
            pid = self.pick_product(lid, exclude={main_pid})
            if pid:
                self.add_product_system(pid, [lid], role="duplicate")
        # predecessors and replacements
        for s in mains:
            if s.role != "main" or not s.supports:
                continue
            r = rng.random()
            if r < 0.3:
                pid = self.pick_product(s.supports[0], exclude={s.fields.get("_pid")})
                if pid:
                    self.add_product_system(pid, s.supports[:2], role="retired", status="retired")
            elif r < 0.36:
                pid = self.pick_product(s.supports[0], exclude={s.fields.get("_pid")})
                if pid:
                    self.add_product_system(pid, s.supports[:1], role="planned", status="planned")
                    s.status = "retiring"
                    s.fields["status"] = "retiring"
        # the long tail: modules, infrastructure, bespoke tools, local suppliers
        infra = [pid for pid, p in ref.products.items() if p["category"] == "Infrastructure"]
        product_mains = [s for s in mains if s.vendor_id and s.role == "main"]
        while len(self.systems) < target:
            r = rng.random()
            if r < 0.45 and product_mains:
                self.add_module(rng.choice(product_mains))
            elif r < 0.74:
                self.add_product_system(rng.choice(infra), [], role="infra")
            elif r < 0.98:
                self.add_bespoke(rng.choice([[], [], [rng.choice(line_ids)]]) if line_ids else [],
                                 role="bespoke")
            else:
                self.add_local_supplier(rng.choice(line_ids) if line_ids else None)
        self.dependencies()

    def add_product_system(self, pid: str, supports: list, role: str, status: str = "live") -> SynSystem:
        ref, rng = self.ref, self.rng
        p = ref.products[pid]
        stem = pid.split("-", 1)[1] if pid.startswith(p["vendor"] + "-") else pid
        label = (p["category"] or p["name"]) if role in ("main", "duplicate") else p["name"]
        if role == "retired":
            label = f"{label} (legacy)"
        s = SynSystem(self.new_id(stem), label[:1].upper() + label[1:], list(supports),
                      product=self.product_text(pid), vendor=self.vendor_text(p["vendor"]),
                      vendor_id=p["vendor"], status=status, role=role)
        if rng.random() < 0.08:
            s.vendor = None          # product alone
        self.common_fields(s, 1990 if role == "retired" else 1998)
        s.fields["_pid"] = pid
        self.systems.append(s)
        return s

    def add_module(self, main: SynSystem) -> SynSystem:
        rng = self.rng
        module = rng.choice(MODULES)
        s = SynSystem(self.new_id(f"{main.id.split('-', 1)[1]}-{module}"), f"{main.name} {module}",
                      [] if rng.random() < 0.6 else main.supports[:1], product=None,
                      vendor=self.vendor_text(main.vendor_id), vendor_id=main.vendor_id, role="module")
        self.common_fields(s)
        s.depends_on.append((main.id, _weighted(rng, VIAS)))
        self.systems.append(s)
        return s

    def add_bespoke(self, supports: list, role: str, name: Optional[str] = None) -> SynSystem:
        rng = self.rng
        product, vendor = rng.choice(BESPOKE)
        if name is None:
            line = supports[0] if supports else None
            lname = next((n for lid, n, *_ in self.lines if lid == line), None) if line else None
            name = f"{lname or rng.choice(self.functions)} {rng.choice(BESPOKE_NAMES)}"
        s = SynSystem(self.new_id(name), name, list(supports), product=product,
                      vendor=vendor if rng.random() < 0.7 else None, role="bespoke")
        self.common_fields(s, 2000)
        s.fields.pop("version", None)
        self.systems.append(s)
        return s

    def add_local_supplier(self, line: Optional[str]) -> SynSystem:
        rng = self.rng
        vendor = f"{rng.choice(LOCAL_SUPPLIER_HEADS)} {rng.choice(LOCAL_SUPPLIER_TAILS)} Ltd"
        product = f"{vendor.split()[0]} {rng.choice(['Manager', 'Case', 'Connect', 'Online', 'Pro'])}"
        s = SynSystem(self.new_id(product), product, [line] if line else [], product=product,
                      vendor=vendor, vendor_id="local:" + slug(vendor), role="module")
        self.common_fields(s, 2005)
        self.systems.append(s)
        return s

    def dependencies(self) -> None:
        rng, c = self.rng, self.c
        hubs = [self.covered[line] for line in HUB_LINES if line in self.covered]
        live = [s for s in self.systems if s.status != "retired"]
        for s in live:
            if s.role in ("main", "duplicate", "planned"):
                k = rng.choice([0, 1, 1, 2, 2, 3, 4])
            elif s.role in ("bespoke", "infra"):
                k = rng.choice([0, 0, 0, 1])
            else:
                k = rng.choice([0, 0, 1])
            targets = [h for h in hubs if h != s.id]
            rng.shuffle(targets)
            chosen = targets[:k]
            if rng.random() < 0.15 and len(live) > 1:   # an odd integration, not with a hub
                other = rng.choice(live).id
                if other != s.id and other not in chosen:
                    chosen.append(other)
            for target in chosen:
                if all(target != t for t, _ in s.depends_on):
                    s.depends_on.append((target, _weighted(rng, VIAS)))
        # partners depend on what their shared-service host runs for them
        for pid, host, lines in c.partner_of:
            shared = [host.shared[line] for line in lines if line in host.shared]
            if not shared:
                continue
            for s in rng.sample(live, min(len(live), rng.randint(1, 4))):
                target = f"{host.id}/{rng.choice(shared)}"
                if all(target != t for t, _ in s.depends_on):
                    s.depends_on.append((target, rng.choice(["sso", "api", "file-transfer"])))

    # contracts ----------------------------------------------------------------------------
    def contracts(self) -> list:
        rng, as_of = self.rng, self.as_of
        target = round(0.6 * len(self.systems))
        by_vendor: dict = {}
        for s in self.systems:
            if s.vendor_id and s.status != "planned" and s.role != "bespoke":
                by_vendor.setdefault(s.vendor_id, []).append(s)
        groups = []
        for vid in sorted(by_vendor):
            members = by_vendor[vid]
            rng.shuffle(members)
            i = 0
            while i < len(members):
                size = rng.choice([1, 1, 1, 2, 2, 3])
                groups.append((vid, members[i:i + size]))
                i += size
        rng.shuffle(groups)
        groups = groups[:target]
        while len(groups) < target:   # services with no system: support, hosting, resellers
            groups.append((rng.choice(SERVICE_SUPPLIERS), []))
        out = []
        for k, (vid, covered) in enumerate(sorted(groups, key=lambda g: (g[0], [s.id for s in g[1]]))):
            term = rng.choice([1, 2, 3, 3, 4, 5, 5, 7, 10])
            end = as_of + dt.timedelta(days=rng.randint(-2 * 365, 6 * 365))
            end = _month_end(end)
            start = _month_end(dt.date(end.year - term, end.month, 1)) + dt.timedelta(days=1)
            f: dict = {"id": f"{self.c.prefix.upper()}-C-{k + 1:04d}"}
            local = vid.startswith("local:")
            if local:
                supplier = covered[0].vendor or vid[6:].title()
            else:
                supplier = self.vendor_text(vid, legal=0.6)
            f["supplier"] = supplier
            f["covers"] = [s.id for s in covered]
            f["start"] = start
            f["end"] = end
            if rng.random() < 0.35:
                f["extension_until"] = _month_end(dt.date(end.year + rng.choice([1, 1, 2]), end.month, 1))
            if rng.random() < 0.7:
                f["notice_months"] = rng.choice([1, 3, 3, 6, 6, 12])
            cost = sum(s.fields.get("annual_cost") or 0 for s in covered)
            if rng.random() < 0.9:
                f["annual_value"] = int((cost or rng.lognormvariate(0, 1) * 20000) *
                                        rng.uniform(0.8, 1.2)) // 100 * 100
                if rng.random() < 0.4:
                    f["total_value"] = f["annual_value"] * term
            route = _weighted(rng, ROUTES)
            f["route"] = route
            if route in FRAMEWORKS:
                f["framework"] = rng.choice(FRAMEWORKS[route])
            sme = True if local else self.ref.vendors.get(vid, {}).get("sme")
            if sme is not None and rng.random() < 0.8:
                f["sme"] = sme
            if rng.random() < 0.4:
                f["procurement_started"] = start - dt.timedelta(days=rng.randint(60, 600))
            out.append(f)
        return out

    # text ---------------------------------------------------------------------------------
    def header(self, what: str) -> list:
        c = self.c
        lines = [f"# {c.name} -- a FICTIONAL council generated by `estate synth` ({what}).",
                 "# Product and vendor names are real; the council, its costs, dates and",
                 "# contracts are invented.",
                 "kind: authority",
                 "authority:",
                 f"  id: {c.id}",
                 f"  name: {scalar(c.name)}"]
        return lines

    def authority_block(self) -> list:
        c = self.c
        out = [f"  type: {c.type}", f"  region: {scalar(c.region)}"]
        if c.partnerships:
            out.append(f"  partnerships: {flow(c.partnerships)}")
        out += ["", "lines_of_business:"]
        for lid, name, fn, stat in self.lines:
            parts = [f"id: {lid}"]
            if stat is not None:
                parts.append(f"statutory: {'true' if stat else 'false'}")
            parts.append(f"delivery: {self.delivery[lid]}")
            out.append("  - {" + ", ".join(parts) + "}")
        for lid, name, maps in self.local_lines:
            parts = [f"id: {lid}", f"name: {scalar(name)}"] + ([f"maps_to: {maps}"] if maps else [])
            out.append("  - {" + ", ".join(parts) + "}")
        return out

    def systems_block(self) -> list:
        out = ["", "systems:"]
        for s in self.systems:
            out.append(f"  - id: {s.id}")
            out.append(f"    name: {scalar(s.name)}")
            if s.product:
                out.append(f"    product: {scalar(s.product)}")
            if s.vendor:
                out.append(f"    vendor: {scalar(s.vendor)}")
            f = s.fields
            if "version" in f:
                out.append(f"    version: \"{f['version']}\"")
            for key in ("hosting", "status", "introduced", "end_of_support"):
                if key in f:
                    out.append(f"    {key}: {f[key]}")
            out.append(f"    supports: {flow(s.supports)}")
            if s.depends_on:
                out.append("    depends_on:")
                for target, via in s.depends_on:
                    out.append(f"      - {{system: {target}, via: {via}}}")
            if "data" in f:
                d = f["data"]
                out.append(f"    data: {{personal_data: {str(d['personal_data']).lower()}, "
                           f"api: {str(d['api']).lower()}, export_formats: {flow(d['export_formats'])}, "
                           f"open_standards: {flow(d['open_standards'])}}}")
            for key in ("annual_cost", "users", "criticality"):
                if key in f:
                    out.append(f"    {key}: {f[key]}")
            if "owner" in f:
                out.append(f"    owner: {scalar(f['owner'])}")
        return out

    @staticmethod
    def contracts_block(contracts: list) -> list:
        out = ["", "contracts:"]
        for f in contracts:
            out.append(f"  - id: {f['id']}")
            out.append(f"    supplier: {scalar(f['supplier'])}")
            out.append(f"    covers: {flow(f['covers'])}")
            for key in ("start", "end", "extension_until", "notice_months", "annual_value",
                        "total_value", "route"):
                if key in f:
                    out.append(f"    {key}: {f[key]}")
            if "framework" in f:
                out.append(f"    framework: {scalar(f['framework'])}")
            if "sme" in f:
                out.append(f"    sme: {str(f['sme']).lower()}")
            if "procurement_started" in f:
                out.append(f"    procurement_started: {f['procurement_started']}")
        return out

    def files(self) -> list[tuple[str, str]]:
        contracts = self.contracts()
        if not self.c.split:
            text = self.header("systems and contracts") + self.authority_block() + \
                self.systems_block() + self.contracts_block(contracts)
            return [(self.c.path, "\n".join(text) + "\n")]
        systems = self.header("lines of business and systems") + self.authority_block() + \
            self.systems_block()
        contract_text = self.header("contracts") + self.contracts_block(contracts)
        return [(f"{self.c.path}/systems.yaml", "\n".join(systems) + "\n"),
                (f"{self.c.path}/contracts.yaml", "\n".join(contract_text) + "\n")]


def _typo(rng: random.Random, text: str) -> str:
    """Swap two letters inside the longest word: 'Civica' -> 'Civcia'."""
    words = text.split(" ")
    i = max(range(len(words)), key=lambda k: (len(words[k]), -k))
    w = words[i]
    if len(w) < 5:
        return text
    j = rng.randint(1, len(w) - 3)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def _month_end(day: dt.date) -> dt.date:
    first_next = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)
