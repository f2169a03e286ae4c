"""Entity building: each catalogue and authority document becomes records.

:class:`Builder` walks a document section by section (vendors, products, taxonomy,
partnerships; the authority, its lines of business, systems and contracts), checks each
field through :class:`~estate.model.checks.Doc` and builds the record from what is
valid.  A clean entry takes the fast path (:mod:`estate.model.fast_path`).  Checks that
need every file (references, names) run afterwards: :mod:`estate.model.references`,
:mod:`estate.model.names`.
"""

from __future__ import annotations

from typing import Optional

from estate.errors import Problem
from estate.model import records as R
from estate.model.checks import Doc
from estate.model.fast_path import clean_contract, clean_line, clean_system
from estate.model.schema import AUTHORITY_DOC_KEYS, AUTHORITY_KEYS, CATALOGUE_DOC_KEYS, \
    CONTRACT_ID, CONTRACT_KEYS, DATA_KEYS, DEPENDENCY_KEYS, LINE_KEYS, PARTNERSHIP_KEYS, \
    MAX_USERS, PRODUCT_KEYS, SYSTEM_KEYS, TAXONOMY_KEYS, VENDOR_KEYS



def _catalogue_id(d: Doc, e: dict, where, noun: str) -> tuple:
    """``(what, id)`` of a catalogue entry: how messages name it, and its id once it has
    an id and a name (``None`` otherwise, each problem reported)."""
    what = f"{noun} '{e.get('id', '?')}'"
    if not d.required(e, ("id", "name"), where, what):
        return what, None
    return what, d.slug(e, "id", where, what)

class Builder:
    """Builds the estate from parsed files.  Use :func:`build_estate`."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.catalogue = R.Catalogue()
        self.defaults: set[tuple] = set()       # (section, id) that came from the default catalogue
        self.authorities: dict[str, R.Authority] = {}
        self.seen: dict[tuple, R.Source] = {}   # (authority, section, id) -> first place
        #: systems and contracts checked but not part of the estate (a second definition
        #: of an id, or an invalid id), by authority id: their references are still
        #: checked, so that one error does not hide another
        self.unlisted: dict[str, list] = {}

    # catalogue ---------------------------------------------------------------------------
    def catalogue_doc(self, d: Doc, data: dict, default: bool) -> None:
        d.unknown_keys(data, CATALOGUE_DOC_KEYS, (), "a catalogue document", {})
        sections = (
            ("vendors", self.catalogue.vendors, self._vendor),
            ("products", self.catalogue.products, self._product),
            ("lines_of_business", self.catalogue.lines_of_business, self._taxonomy_line),
            ("partnerships", self.catalogue.partnerships, self._partnership),
        )
        for section, store, make in sections:
            for i, raw in enumerate(d.entries(data, section, ())):
                where = (section, i)
                entry = d.mapping(raw, where, f"entry {i + 1} of '{section}'")
                if entry is None:
                    continue
                record = make(d, entry, where)
                if record is None:
                    continue
                key = (section, record.id)
                if record.id in store and key not in self.defaults:
                    d.report("E130", f"{section[:-1].replace('_', ' ')} '{record.id}' is defined "
                             "twice: also at {other}", where + ("id",), "give each entry its own id, "
                             "or remove one", other=store[record.id].src)
                    continue
                store[record.id] = record
                if default:
                    self.defaults.add(key)
                else:
                    self.defaults.discard(key)

    def _vendor(self, d: Doc, e: dict, where) -> Optional[R.Vendor]:
        what, vid = _catalogue_id(d, e, where, "vendor")
        if vid is None:
            return None
        v = R.Vendor(id=vid, name=d.text(e, "name", where, what) or vid,
                     aliases=d.string_list(e, "aliases", where, what) or [],
                     sme=d.boolean(e, "sme", where, what),
                     history=d.text(e, "history", where, what),
                     company_number=d.company_number(e, "company_number", where, what),
                     src=d.source(where))
        d.unknown_keys(e, VENDOR_KEYS, where, what, v.extra)
        return v

    def _product(self, d: Doc, e: dict, where) -> Optional[R.Product]:
        what, pid = _catalogue_id(d, e, where, "product")
        if pid is None:
            return None
        p = R.Product(id=pid, name=d.text(e, "name", where, what) or pid,
                      vendor=d.slug(e, "vendor", where, what),
                      aliases=d.string_list(e, "aliases", where, what) or [],
                      lines_of_business=d.string_list(e, "lines_of_business", where, what) or [],
                      category=d.text(e, "category", where, what), src=d.source(where))
        d.unknown_keys(e, PRODUCT_KEYS, where, what, p.extra)
        return p

    def _taxonomy_line(self, d: Doc, e: dict, where) -> Optional[R.LineOfBusiness]:
        what, lid = _catalogue_id(d, e, where, "line of business")
        if lid is None:
            return None
        lgsl = e.get("lgsl")
        if lgsl is not None and not isinstance(lgsl, list):
            lgsl = [lgsl]
        line = R.LineOfBusiness(id=lid, name=d.text(e, "name", where, what) or lid,
                                function=d.text(e, "function", where, what) or "Other",
                                lgsl=[int(x) for x in (lgsl or []) if isinstance(x, int)],
                                statutory=d.boolean(e, "statutory", where, what), src=d.source(where))
        d.unknown_keys(e, TAXONOMY_KEYS, where, what, line.extra)
        return line

    def _partnership(self, d: Doc, e: dict, where) -> Optional[R.Partnership]:
        what, pid = _catalogue_id(d, e, where, "partnership")
        if pid is None:
            return None
        p = R.Partnership(id=pid, name=d.text(e, "name", where, what) or pid,
                          kind=d.enum(e, "kind", R.PARTNERSHIP_KINDS, where, what) or "other",
                          members=d.string_list(e, "members", where, what) or [], src=d.source(where))
        d.unknown_keys(e, PARTNERSHIP_KEYS, where, what, p.extra)
        return p

    # authorities -------------------------------------------------------------------------
    def authority_doc(self, d: Doc, data: dict) -> None:
        d.unknown_keys(data, AUTHORITY_DOC_KEYS, (), "an authority document", {})
        head = data.get("authority")
        if head is None:
            d.report("E120", "an authority document is missing required field 'authority'", (),
                     "add 'authority:' with at least 'id' and 'name'")
            return
        head = d.mapping(head, ("authority",), "'authority'")
        if head is None:
            return
        where = ("authority",)
        if head.get("id") in (None, ""):
            d.report("E120", "'authority' is missing required field 'id'", where)
            aid = None
        else:
            aid = d.slug(head, "id", where, "the authority")
        if aid is None:
            # the rest of the document is still checked, under the id as written (or the
            # file's name), so that a bad id does not hide every other problem in it
            aid = str(head.get("id") or "") or f"(no id: {d.file})"
        what = f"authority '{aid}'"
        authority = self.authorities.get(aid)
        if authority is None:
            authority = R.Authority(id=aid, name="", src=d.source(where))
            self.authorities[aid] = authority
        authority.files.append(d.file) if d.file not in authority.files else None
        fields = {
            "name": d.text(head, "name", where, what),
            "type": d.enum(head, "type", R.AUTHORITY_TYPES, where, what),
            "region": d.text(head, "region", where, what),
            "gss_code": d.text(head, "gss_code", where, what),
        }
        for key, value in fields.items():
            if value is None:
                continue
            current = getattr(authority, key)
            if current and current != value:
                d.report("E131", f"{what} has {key} '{value}' here but '{current}' at {{other}}",
                         where + (key,), "give the authority the same details in every file, "
                         "or give them only once", other=authority.src)
            elif not current:
                setattr(authority, key, value)
                if key == "name":
                    authority.src = d.source(where)
        for p in d.string_list(head, "partnerships", where, what) or []:
            if p not in authority.partnerships:
                authority.partnerships.append(p)
        d.unknown_keys(head, AUTHORITY_KEYS, where, what, authority.extra)
        self._lines(d, data, authority)
        self._systems(d, data, authority)
        self._contracts(d, data, authority)

    def _first_place(self, d: Doc, authority: R.Authority, section: str, eid: str, where,
                     src: Optional[R.Source] = None) -> bool:
        """Record where an entity id is first defined (``src``, when the record already
        holds it); report a second definition."""
        key = (authority.id, section, eid)
        if key in self.seen:
            label = {"systems": "system", "contracts": "contract",
                     "lines_of_business": "line of business"}[section]
            d.report("E130", f"{label} '{eid}' of authority '{authority.id}' is defined twice: "
                     "also at {other}", where + ("id",), "give each its own id, or remove one",
                     other=self.seen[key])
            return False
        self.seen[key] = src if src is not None else d.source(where)
        return True

    def _lines(self, d: Doc, data: dict, authority: R.Authority) -> None:
        for i, raw in enumerate(d.entries(data, "lines_of_business", ())):
            where = ("lines_of_business", i)
            line = clean_line(d, raw, where)
            if line is not None:
                if self._first_place(d, authority, "lines_of_business", line.id, where, line.src):
                    authority.lines[line.id] = line
                continue
            if isinstance(raw, str):           # a bare taxonomy id is accepted
                raw = {"id": raw}
            e = d.mapping(raw, where, f"entry {i + 1} of 'lines_of_business'")
            if e is None:
                continue
            what = f"line of business '{e.get('id', '?')}' of '{authority.id}'"
            if not d.required(e, ("id",), where, what):
                continue
            lid = d.slug(e, "id", where, what)
            if lid is None or not self._first_place(d, authority, "lines_of_business", lid, where):
                continue
            line = R.LocalLine(id=lid, name=d.text(e, "name", where, what),
                               maps_to=d.slug(e, "maps_to", where, what),
                               statutory=d.boolean(e, "statutory", where, what),
                               delivery=d.enum(e, "delivery", R.DELIVERY, where, what),
                               src=d.source(where))
            d.unknown_keys(e, LINE_KEYS, where, what, line.extra)
            authority.lines[lid] = line

    def _keep(self, authority: R.Authority, section: str, record, listed: bool) -> None:
        """Add a checked record to the authority, or to :attr:`unlisted` when its id is
        taken or invalid."""
        if listed:
            getattr(authority, section)[record.id] = record
        else:
            self.unlisted.setdefault(authority.id, []).append(record)

    def _systems(self, d: Doc, data: dict, authority: R.Authority) -> None:
        for i, raw in enumerate(d.entries(data, "systems", ())):
            where = ("systems", i)
            s = clean_system(d, raw, where, authority.id) if type(raw) is dict else None
            if s is not None:
                self._keep(authority, "systems", s,
                           self._first_place(d, authority, "systems", s.id, where, s.src))
                continue
            e = d.mapping(raw, where, f"entry {i + 1} of 'systems'")
            if e is None:
                continue
            what = f"system '{e.get('id', '?')}' of '{authority.id}'"
            d.required(e, ("id", "name"), where, what)
            if "supports" not in e:
                d.report("E120", f"{what} is missing required field 'supports'", where,
                         "list the line-of-business ids it supports, or write supports: []")
            sid = d.slug(e, "id", where, what) if e.get("id") not in (None, "") else None
            # checked and built whatever its id: a second definition or a bad id is
            # reported, and the system's other problems are too
            listed = sid is not None and self._first_place(d, authority, "systems", sid, where)
            sid = sid or str(e.get("id") or "?")
            s = self._system(d, e, where, what, authority, sid)
            self._keep(authority, "systems", s, listed)

    @staticmethod
    def _supports(d: Doc, e: dict, where: tuple, what: str) -> list:
        """The distinct line ids a system supports; null and repeated ids are reported."""
        if "supports" in e and e["supports"] is None:
            d.report("E121", f"'supports' of {what} is empty (null)", where + ("supports",),
                     "write supports: [] when it supports no line of business, or list them")
            return []
        out: list = []
        for j, lid in enumerate(d.string_list(e, "supports", where, what) or []):
            if lid in out:
                d.report("W211", f"{what} lists '{lid}' twice in 'supports'; it is counted once",
                         where + ("supports", j), "remove the repeated entry")
            else:
                out.append(lid)
        return out

    def _system(self, d: Doc, e: dict, where: tuple, what: str, authority: R.Authority,
                sid: str) -> R.System:
        """The system of entry ``e``, every field checked."""
        s = R.System(authority=authority.id, id=sid, name=d.text(e, "name", where, what) or sid,
                     supports=self._supports(d, e, where, what),
                     product=d.text(e, "product", where, what),
                     vendor=d.text(e, "vendor", where, what),
                     version=d.text(e, "version", where, what, warn_number=True),
                     hosting=d.enum(e, "hosting", R.HOSTING, where, what),
                     status=d.enum(e, "status", R.STATUS, where, what) or "live",
                     introduced=d.integer(e, "introduced", where, what, 1950, 2100),
                     end_of_support=d.date(e, "end_of_support", where, what),
                     annual_cost=d.money(e, "annual_cost", where, what),
                     users=d.integer(e, "users", where, what, 0, MAX_USERS),
                     criticality=d.enum(e, "criticality", R.CRITICALITY, where, what),
                     owner=d.text(e, "owner", where, what),
                     replaced_by=d.slug(e, "replaced_by", where, what),
                     go_live=d.date(e, "go_live", where, what),
                     retire_by=d.date(e, "retire_by", where, what), src=d.source(where))
        for j, dep in enumerate(d.entries(e, "depends_on", where)):
            dwhere = where + ("depends_on", j)
            if isinstance(dep, str):
                dep = {"system": dep}
            dep = d.mapping(dep, dwhere, f"dependency {j + 1} of {what}")
            if dep is None or not d.required(dep, ("system",), dwhere, f"dependency {j + 1} of {what}"):
                continue
            target = d.text(dep, "system", dwhere, what)
            if not target:
                continue
            qid = target if "/" in target else f"{authority.id}/{target}"
            s.depends_on.append(R.Dependency(target=target, qid=qid,
                                             via=d.enum(dep, "via", R.VIA, dwhere, what),
                                             src=d.source(dwhere)))
            d.unknown_keys(dep, DEPENDENCY_KEYS, dwhere, f"dependency of {what}", s.extra)
        if e.get("data") is not None:
            dwhere = where + ("data",)
            block = d.mapping(e["data"], dwhere, f"'data' of {what}")
            if block is not None:
                s.data = R.DataProfile(
                    personal_data=d.boolean(block, "personal_data", dwhere, what),
                    api=d.boolean(block, "api", dwhere, what),
                    export_formats=d.string_list(block, "export_formats", dwhere, what) or [],
                    open_standards=d.string_list(block, "open_standards", dwhere, what) or [])
                d.unknown_keys(block, DATA_KEYS, dwhere, f"'data' of {what}", s.extra)
        d.unknown_keys(e, SYSTEM_KEYS, where, what, s.extra)
        return s

    def _contracts(self, d: Doc, data: dict, authority: R.Authority) -> None:
        for i, raw in enumerate(d.entries(data, "contracts", ())):
            where = ("contracts", i)
            c = clean_contract(d, raw, where, authority.id) if type(raw) is dict else None
            if c is not None:
                listed = self._first_place(d, authority, "contracts", c.id, where, c.src)
                _check_contract_dates(d, c, where)
                self._keep(authority, "contracts", c, listed)
                continue
            e = d.mapping(raw, where, f"entry {i + 1} of 'contracts'")
            if e is None:
                continue
            what = f"contract '{e.get('id', '?')}' of '{authority.id}'"
            d.required(e, ("id", "supplier"), where, what)
            if e.get("end") in (None, ""):
                d.report("I303", f"{what} has no end date: it is taken as unknown or rolling, and "
                         "analyses that need an end count it as not judged", where + ("end",)
                         if "end" in e else where, "add end: YYYY-MM-DD when it is known")
            cid = d.slug(e, "id", where, what, pattern=CONTRACT_ID) \
                if e.get("id") not in (None, "") else None
            # built whatever is missing or invalid, so that its other fields and its
            # references are checked in the same pass; the run stops on the error anyway
            listed = cid is not None and self._first_place(d, authority, "contracts", cid, where)
            cid = cid or str(e.get("id") or "?")
            c = R.Contract(authority=authority.id, id=cid,
                           supplier=d.text(e, "supplier", where, what) or "",
                           end=d.date(e, "end", where, what),
                           covers=d.string_list(e, "covers", where, what) or [],
                           start=d.date(e, "start", where, what),
                           extension_until=d.date(e, "extension_until", where, what),
                           notice_months=d.integer(e, "notice_months", where, what, 0, 120),
                           annual_value=d.money(e, "annual_value", where, what),
                           total_value=d.money(e, "total_value", where, what),
                           route=d.enum(e, "route", R.ROUTES, where, what),
                           framework=d.text(e, "framework", where, what, warn_number=True),
                           sme=d.boolean(e, "sme", where, what),
                           procurement_started=d.date(e, "procurement_started", where, what),
                           supplier_company_number=d.company_number(
                               e, "supplier_company_number", where, what),
                           src=d.source(where))
            _check_contract_dates(d, c, where, what)
            d.unknown_keys(e, CONTRACT_KEYS, where, what, c.extra)
            self._keep(authority, "contracts", c, listed)


def _check_contract_dates(d: Doc, c: R.Contract, where: tuple, what: Optional[str] = None) -> None:
    """Dates in the wrong order; ``what`` names the contract (made here only if needed)."""
    if c.start and c.end and c.start > c.end:
        what = what or f"contract '{c.id}' of '{c.authority}'"
        d.report("E127", f"{what} starts on {c.start} after it ends on {c.end}",
                 where + ("end",), "check the start and end dates")
    if c.extension_until and c.end and c.extension_until < c.end:
        what = what or f"contract '{c.id}' of '{c.authority}'"
        d.report("E127", f"{what} can be extended only until {c.extension_until}, before "
                 f"it ends on {c.end}", where + ("extension_until",),
                 "extension_until is the latest date if every extension is taken")
    if c.procurement_started and c.start and c.procurement_started > c.start:
        what = what or f"contract '{c.id}' of '{c.authority}'"
        d.report("W209", f"{what}: procurement started on {c.procurement_started}, after "
                 f"the contract started on {c.start}", where + ("procurement_started",))

