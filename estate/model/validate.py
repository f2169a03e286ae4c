"""Turn parsed YAML documents into an :class:`~estate.model.records.Estate`, checking
every rule of the inventory format (SPEC.md) and collecting every problem in one pass.

Nothing here raises on bad input: each problem becomes a :class:`~estate.errors.Problem`
with a stable code, the key path of the offending value (resolved to a line only when
reported) and, where one helps, a hint ("did you mean 'council-tax'?", "write 180000").
Records are still built from whatever is valid, so a single run reports everything.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import fields
from functools import lru_cache
from itertools import chain
from typing import Any, Iterable, Optional

from estate.errors import Problem
from estate.model import records as R
from estate.model.catalogue import Matcher, is_bespoke, key_form, normal_form
from estate.model.codes import name_of, severity_of
from estate.model.loader import BadDate, ParsedFile

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CONTRACT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
MONEY_TEXT = re.compile(r"^\s*(?:GBP|£)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM])?\s*(?:GBP|pa|p\.a\.)?\s*$")

AUTHORITY_KEYS = {"id", "name", "type", "region", "gss_code", "partnerships"}
LINE_KEYS = {"id", "name", "maps_to", "statutory", "delivery"}
SYSTEM_KEYS = {"id", "name", "product", "vendor", "version", "hosting", "status", "introduced",
               "end_of_support", "supports", "depends_on", "data", "annual_cost", "users",
               "criticality", "owner"}
DATA_KEYS = {"personal_data", "api", "export_formats", "open_standards"}
DEPENDENCY_KEYS = {"system", "via"}
CONTRACT_KEYS = {"id", "supplier", "covers", "start", "end", "extension_until", "notice_months",
                 "annual_value", "total_value", "route", "framework", "sme", "procurement_started"}
VENDOR_KEYS = {"id", "name", "aliases", "sme", "history"}
PRODUCT_KEYS = {"id", "name", "vendor", "aliases", "lines_of_business", "category"}
TAXONOMY_KEYS = {"id", "name", "function", "lgsl", "statutory"}
PARTNERSHIP_KEYS = {"id", "name", "kind", "members"}
AUTHORITY_DOC_KEYS = {"kind", "authority", "lines_of_business", "systems", "contracts"}
CATALOGUE_DOC_KEYS = {"kind", "vendors", "products", "lines_of_business", "partnerships"}
KINDS = ("authority", "catalogue")


def did_you_mean(value: str, choices, hint_prefix: str = "did you mean") -> Optional[str]:
    choices = sorted(choices)
    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.75)
    if not close:  # 'th-finance' -> 'th-finance-ledger'
        close = [c for c in choices if len(value) >= 4 and (c.startswith(value) or value.startswith(c))][:1]
    return f"{hint_prefix} '{close[0]}'?" if close else None


class Doc:
    """Checks the values of one YAML document and records problems against it."""

    def __init__(self, builder: "Builder", file: str, doc: int):
        self.builder, self.file, self.doc = builder, file, doc

    def report(self, code: str, message: str, where: tuple, hint: Optional[str] = None,
               key: bool = False, other: Optional[R.Source] = None) -> None:
        self.builder.problems.append(Problem(
            code=code, name=name_of(code), severity=severity_of(code), message=message,
            file=self.file, hint=hint, doc=self.doc, where=tuple(where), key=key, other=other))

    def source(self, where: tuple) -> R.Source:
        return R.Source(self.file, self.doc, tuple(where))

    # structure -------------------------------------------------------------------------
    def mapping(self, value, where, what: str) -> Optional[dict]:
        if isinstance(value, dict):
            return value
        self.report("E110", f"{what} must be a mapping of keys to values, not {_kind(value)}",
                    where, "indent its fields under it as 'key: value' lines")
        return None

    def entries(self, data: dict, key: str, where: tuple) -> list:
        """The list under ``key`` (empty when absent), with a problem when it is not a list."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.report("E121", f"'{key}' must be a list, not {_kind(value)}", where + (key,),
                        f"start each entry with '- ' on its own line under '{key}:'")
            return []
        return value

    def unknown_keys(self, data: dict, known: set, where: tuple, what: str, extra: dict) -> None:
        for k in data:
            if k not in known:
                extra[k] = data[k]
                hint = did_you_mean(k, known)
                self.report("W200", f"unknown key '{k}' in {what} (kept, but no analysis uses it)",
                            where + (k,), hint, key=True)

    def required(self, data: dict, keys, where: tuple, what: str) -> bool:
        ok = True
        for k in keys:
            if data.get(k) in (None, ""):
                self.report("E120", f"{what} is missing required field '{k}'",
                            where + (k,) if k in data else where)
                ok = False
        return ok

    # values ----------------------------------------------------------------------------
    def text(self, data: dict, key: str, where: tuple, what: str, warn_number=False) -> Optional[str]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            self.report("E121", f"'{key}' of {what} must be text, not {_kind(value)}",
                        where + (key,), f"put the value in quotes: {key}: \"...\"")
            return None
        if warn_number:
            self.report("W203", f"'{key}' of {what} was written as the number {value!r}; "
                        "it is kept as text", where + (key,),
                        f"put it in quotes ({key}: \"{value}\") so that e.g. 9.10 is not read as 9.1")
        return str(value)

    def slug(self, data: dict, key: str, where: tuple, what: str, pattern=SLUG) -> Optional[str]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.report("E121", f"'{key}' of {what} must be text, not {_kind(value)}", where + (key,))
            return None
        value = str(value)
        if not pattern.match(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
            self.report("E122", f"'{value}' is not a valid {key} for {what}: use lower-case letters, "
                        "digits and hyphens, starting with a letter or digit" if pattern is SLUG else
                        f"'{value}' is not a valid {key} for {what}: use letters, digits, '-', '_', '.' or '/'",
                        where + (key,), f"try '{suggestion}'" if suggestion and pattern is SLUG else None)
            return None
        return value

    def enum(self, data: dict, key: str, allowed, where: tuple, what: str) -> Optional[str]:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.report("E123", f"'{key}' of {what} must be one of: {', '.join(allowed)}",
                        where + (key,))
            return None
        if value in allowed:     # already in its folded form: the usual case
            return value
        folded = re.sub(r"[\s_]+", "-", value.strip().lower())
        if folded in allowed:
            return folded
        self.report("E123", f"'{value}' is not a known {key} for {what}: use one of "
                    f"{', '.join(allowed)}", where + (key,), did_you_mean(folded, allowed))
        return None

    def boolean(self, data: dict, key: str, where: tuple, what: str) -> Optional[bool]:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.report("E121", f"'{key}' of {what} must be true or false, not {value!r}",
                    where + (key,), f"write {key}: true or {key}: false")
        return None

    def integer(self, data: dict, key: str, where: tuple, what: str,
                low: int = 0, high: Optional[int] = None) -> Optional[int]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (isinstance(value, float) and not value.is_integer()):
            self.report("E121", f"'{key}' of {what} must be a whole number, not {value!r}",
                        where + (key,), _number_hint(key, value))
            return None
        value = int(value)
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.report("E126", f"'{key}' of {what} is {value}; it must be {bounds}", where + (key,))
            return None
        return value

    def money(self, data: dict, key: str, where: tuple, what: str) -> Optional[float]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            self.report("E125", f"'{key}' of {what} must be a number of pounds, not {_kind(value)}",
                        where + (key,))
            return None
        if isinstance(value, dt.date):     # a date would fail the comparison below
            self.report("E125", f"'{key}' of {what} must be a number of pounds, not the date "
                        f"{value}", where + (key,))
            return None
        if isinstance(value, str):
            m = MONEY_TEXT.match(value)
            hint = "write the amount as a plain number of pounds, e.g. 180000"
            if m:
                amount = float(m.group(1).replace(",", ""))
                amount *= {"k": 1e3, "m": 1e6}.get((m.group(2) or "").lower(), 1)
                shown = int(amount) if amount.is_integer() else amount
                hint = f"write {shown}, not '{value}'"
            self.report("E125", f"'{key}' of {what} is written as text ('{value}'); money is a "
                        "plain number of pounds", where + (key,), hint)
            return None
        if value < 0:
            self.report("E125", f"'{key}' of {what} is negative ({value})", where + (key,),
                        "money is a number of pounds of 0 or more")
            return None
        return float(value) if isinstance(value, float) else int(value)

    def date(self, data: dict, key: str, where: tuple, what: str) -> Optional[dt.date]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, BadDate):
            self.report("E124", f"'{key}' of {what} is {str(value)!r}, which is not a real date "
                        f"({value.reason})", where + (key,), "write a real date as YYYY-MM-DD")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            m = re.match(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$", value)
            hint = "write dates as YYYY-MM-DD"
            if m:
                day, month, year = map(int, m.groups())
                try:
                    hint = f"write {dt.date(year, month, day).isoformat()} (YYYY-MM-DD)"
                except ValueError:
                    pass
            self.report("E124", f"'{key}' of {what} is {value!r}, which is not an ISO 8601 date",
                        where + (key,), hint)
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            self.report("E124", f"'{key}' of {what} is the number {value}, not a date",
                        where + (key,), f"write the full date, e.g. {value}-03-31")
            return None
        self.report("E124", f"'{key}' of {what} must be a date (YYYY-MM-DD), not {_kind(value)}",
                    where + (key,))
        return None

    def string_list(self, data: dict, key: str, where: tuple, what: str) -> Optional[list]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            self.report("E121", f"'{key}' of {what} must be a list, not the text {value!r}",
                        where + (key,), f"write {key}: [{value}]")
            return None
        if not isinstance(value, list):
            self.report("E121", f"'{key}' of {what} must be a list, not {_kind(value)}", where + (key,))
            return None
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                out.append(str(item))
            else:
                self.report("E121", f"item {i + 1} of '{key}' of {what} must be text, not "
                            f"{_kind(item)}", where + (key, i))
        return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the text {value!r}"


def _number_hint(key, value) -> Optional[str]:
    if isinstance(value, str):
        digits = re.sub(r"[^0-9.]", "", value)
        if digits:
            return f"write {key}: {digits}"
    return None


class Builder:
    """Builds the estate from parsed files.  Use :func:`build_estate`."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.catalogue = R.Catalogue()
        self.defaults: set[tuple] = set()       # (section, id) that came from the default catalogue
        self.authorities: dict[str, R.Authority] = {}
        self.seen: dict[tuple, R.Source] = {}   # (authority, section, id) -> first place

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
        what = f"vendor '{e.get('id', '?')}'"
        if not d.required(e, ("id", "name"), where, what):
            return None
        vid = d.slug(e, "id", where, what)
        if vid is None:
            return None
        v = R.Vendor(id=vid, name=d.text(e, "name", where, what) or vid,
                     aliases=d.string_list(e, "aliases", where, what) or [],
                     sme=d.boolean(e, "sme", where, what),
                     history=d.text(e, "history", where, what), src=d.source(where))
        d.unknown_keys(e, VENDOR_KEYS, where, what, v.extra)
        return v

    def _product(self, d: Doc, e: dict, where) -> Optional[R.Product]:
        what = f"product '{e.get('id', '?')}'"
        if not d.required(e, ("id", "name"), where, what):
            return None
        pid = d.slug(e, "id", where, what)
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
        what = f"line of business '{e.get('id', '?')}'"
        if not d.required(e, ("id", "name"), where, what):
            return None
        lid = d.slug(e, "id", where, what)
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
        what = f"partnership '{e.get('id', '?')}'"
        if not d.required(e, ("id", "name"), where, what):
            return None
        pid = d.slug(e, "id", where, what)
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
            return
        aid = d.slug(head, "id", where, "the authority")
        if aid is None:
            return
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
            line = _clean_line(d, raw, where)
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

    def _systems(self, d: Doc, data: dict, authority: R.Authority) -> None:
        for i, raw in enumerate(d.entries(data, "systems", ())):
            where = ("systems", i)
            s = _clean_system(d, raw, where, authority.id) if type(raw) is dict else None
            if s is not None:
                if self._first_place(d, authority, "systems", s.id, where, s.src):
                    authority.systems[s.id] = s
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
            if sid is None:
                continue  # without a name it is still built, so its references are checked
            if not self._first_place(d, authority, "systems", sid, where):
                continue
            s = R.System(authority=authority.id, id=sid, name=d.text(e, "name", where, what) or sid,
                         supports=d.string_list(e, "supports", where, what) or [],
                         product=d.text(e, "product", where, what),
                         vendor=d.text(e, "vendor", where, what),
                         version=d.text(e, "version", where, what, warn_number=True),
                         hosting=d.enum(e, "hosting", R.HOSTING, where, what),
                         status=d.enum(e, "status", R.STATUS, where, what) or "live",
                         introduced=d.integer(e, "introduced", where, what, 1950, 2100),
                         end_of_support=d.date(e, "end_of_support", where, what),
                         annual_cost=d.money(e, "annual_cost", where, what),
                         users=d.integer(e, "users", where, what),
                         criticality=d.enum(e, "criticality", R.CRITICALITY, where, what),
                         owner=d.text(e, "owner", where, what), src=d.source(where))
            if "status" in e and e["status"] is not None and s.status == "live" \
                    and str(e["status"]).strip().lower() != "live":
                s.status = "live"  # reported as E123 already; treated as live meanwhile
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
            authority.systems[sid] = s

    def _contracts(self, d: Doc, data: dict, authority: R.Authority) -> None:
        for i, raw in enumerate(d.entries(data, "contracts", ())):
            where = ("contracts", i)
            c = _clean_contract(d, raw, where, authority.id) if type(raw) is dict else None
            if c is not None:
                if self._first_place(d, authority, "contracts", c.id, where, c.src):
                    _check_contract_dates(d, c, where)
                    authority.contracts[c.id] = c
                continue
            e = d.mapping(raw, where, f"entry {i + 1} of 'contracts'")
            if e is None:
                continue
            what = f"contract '{e.get('id', '?')}' of '{authority.id}'"
            if not d.required(e, ("id", "supplier", "end"), where, what):
                continue
            cid = d.slug(e, "id", where, what, pattern=CONTRACT_ID)
            if cid is None or not self._first_place(d, authority, "contracts", cid, where):
                continue
            # built even when 'end' or 'supplier' is invalid, so that its references are
            # checked in the same pass; the run stops on the error anyway
            end = d.date(e, "end", where, what)
            supplier = d.text(e, "supplier", where, what) or ""
            c = R.Contract(authority=authority.id, id=cid, supplier=supplier, end=end,
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
                           src=d.source(where))
            _check_contract_dates(d, c, where, what)
            d.unknown_keys(e, CONTRACT_KEYS, where, what, c.extra)
            authority.contracts[cid] = c


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


# --- clean entries ---------------------------------------------------------------------------
#
# Nearly every system and contract is written exactly as SPEC.md says: known keys only,
# text as text, numbers as numbers, dates as dates, enumerations already in their folded
# form.  For those, the checks above report nothing and return the values unchanged, so
# the record can be built straight from the entry: the same record, in a fraction of the
# time of a dozen checks (at 400 councils, 190,000 entries).  ``_clean_line``,
# ``_clean_system`` and ``_clean_contract`` build it when every field is clean and return
# None at the first that is not (``_NotClean``); the entry then goes through the checks,
# which report what is wrong.  They change nothing and report nothing, so that fallback
# is always safe.

_DATE = dt.date
_CLEAN_HOSTING, _CLEAN_STATUS, _CLEAN_CRITICALITY = (
    frozenset(R.HOSTING), frozenset(R.STATUS), frozenset(R.CRITICALITY))
_CLEAN_VIA, _CLEAN_ROUTES, _CLEAN_DELIVERY = (
    frozenset(R.VIA), frozenset(R.ROUTES), frozenset(R.DELIVERY))


class _NotClean(Exception):
    """A field the checks would report or convert: build the record through them."""


def _clean_text(value):
    """``Doc.text`` of a clean value: None or text."""
    if value is None:
        return None
    if type(value) is str:
        return value.strip()
    raise _NotClean


def _clean_enum(value, allowed: frozenset):
    if value is None or (type(value) is str and value in allowed):
        return value
    raise _NotClean


def _clean_int(value, low: int, high: Optional[int] = None):
    if value is None or (type(value) is int and low <= value and (high is None or value <= high)):
        return value
    raise _NotClean


def _clean_money(value):
    if value is None or (type(value) in (int, float) and value >= 0):
        return value
    raise _NotClean


def _clean_date(value):
    if value is None or type(value) is _DATE:
        return value
    raise _NotClean


def _clean_bool(value):
    if value is None or type(value) is bool:
        return value
    raise _NotClean


def _clean_strings(value):
    """``Doc.string_list(...) or []`` of a clean value: None or a list of text."""
    if value is None:
        return []
    if type(value) is list:
        for item in value:
            if type(item) is not str:
                raise _NotClean
        return list(value)
    raise _NotClean


def _clean_dependencies(deps, d: Doc, where: tuple, authority: str) -> list:
    if deps is None:
        return []
    if type(deps) is not list:
        raise _NotClean
    out = []
    for j, dep in enumerate(deps):
        if type(dep) is str:
            target, via = dep, None
        elif type(dep) is dict and dep.keys() <= DEPENDENCY_KEYS:
            target, via = dep.get("system"), _clean_enum(dep.get("via"), _CLEAN_VIA)
            if type(target) is not str:
                raise _NotClean
        else:
            raise _NotClean
        if not target:
            raise _NotClean           # reported as missing
        target = target.strip()
        if target:                    # blank: skipped without a word, as the checks do
            out.append(_Dependency(target, target if "/" in target else f"{authority}/{target}",
                                   via, True, _Source(d.file, d.doc, where + ("depends_on", j))))
    return out


def _clean_data(block) -> R.DataProfile:
    if block is None:
        return _DataProfile()
    if type(block) is not dict or not block.keys() <= DATA_KEYS:
        raise _NotClean
    return _DataProfile(_clean_bool(block.get("personal_data")), _clean_bool(block.get("api")),
                        _clean_strings(block.get("export_formats")),
                        _clean_strings(block.get("open_standards")))


# The records are built with positional arguments: binding twenty keyword arguments costs
# more than the rest of building a system.  The order is checked here, once, so that a
# change to the fields of a record fails at import, not with values in the wrong places.
_System, _Contract, _LocalLine, _Dependency, _DataProfile, _Source = (
    R.System, R.Contract, R.LocalLine, R.Dependency, R.DataProfile, R.Source)
for _record, _names in (
        (R.System, "authority id name supports product vendor product_id vendor_id bespoke "
                   "version hosting status introduced end_of_support depends_on data "
                   "annual_cost users criticality owner src extra"),
        (R.Contract, "authority id supplier end vendor_id covers start extension_until "
                     "notice_months annual_value total_value route framework sme "
                     "procurement_started supplier_body src extra"),
        (R.LocalLine, "id name maps_to statutory delivery taxonomy_id implicit src extra"),
        (R.Dependency, "target qid via resolved src"),
        (R.DataProfile, "personal_data api export_formats open_standards"),
        (R.Source, "file doc where")):
    if [f.name for f in fields(_record)] != _names.split():
        raise RuntimeError(f"the fields of {_record.__name__} changed: update _clean_system "
                           "and _clean_contract in estate/model/validate.py")
del _record, _names


def _clean_line(d: Doc, raw, where: tuple) -> Optional[R.LocalLine]:
    """The line of business of a clean entry (a bare id, or a mapping), or None."""
    e = {"id": raw} if type(raw) is str else raw
    if type(e) is not dict or not e.keys() <= LINE_KEYS:
        return None
    lid, maps_to = e.get("id"), e.get("maps_to")
    if type(lid) is not str or not SLUG.match(lid) or \
            (maps_to is not None and (type(maps_to) is not str or not SLUG.match(maps_to))):
        return None
    try:
        return _LocalLine(lid, _clean_text(e.get("name")), maps_to,
                          _clean_bool(e.get("statutory")),
                          _clean_enum(e.get("delivery"), _CLEAN_DELIVERY),
                          None, False,                              # taxonomy_id, implicit
                          _Source(d.file, d.doc, where))
    except _NotClean:
        return None


def _clean_system(d: Doc, e: dict, where: tuple, authority: str) -> Optional[R.System]:
    """The system of a clean entry (see above), or None: check it field by field."""
    if not e.keys() <= SYSTEM_KEYS or "supports" not in e:
        return None
    sid, name = e.get("id"), e.get("name")
    if type(sid) is not str or type(name) is not str or not name or not SLUG.match(sid):
        return None
    get = e.get
    try:
        return _System(
            authority, sid, name.strip() or sid,
            _clean_strings(get("supports")),
            _clean_text(get("product")),
            _clean_text(get("vendor")),
            None, None, False,                                      # product_id, vendor_id, bespoke
            _clean_text(get("version")),
            _clean_enum(get("hosting"), _CLEAN_HOSTING),
            _clean_enum(get("status"), _CLEAN_STATUS) or "live",
            _clean_int(get("introduced"), 1950, 2100),
            _clean_date(get("end_of_support")),
            _clean_dependencies(get("depends_on"), d, where, authority),
            _clean_data(get("data")),
            _clean_money(get("annual_cost")),
            _clean_int(get("users"), 0),
            _clean_enum(get("criticality"), _CLEAN_CRITICALITY),
            _clean_text(get("owner")),
            _Source(d.file, d.doc, where))
    except _NotClean:
        return None


def _clean_contract(d: Doc, e: dict, where: tuple, authority: str) -> Optional[R.Contract]:
    """The contract of a clean entry (see above), or None: check it field by field."""
    if not e.keys() <= CONTRACT_KEYS:
        return None
    cid, supplier, end = e.get("id"), e.get("supplier"), e.get("end")
    if type(cid) is not str or type(supplier) is not str or not supplier \
            or type(end) is not _DATE or not CONTRACT_ID.match(cid):
        return None
    get = e.get
    try:
        return _Contract(
            authority, cid, supplier.strip(), end,
            None,                                                   # vendor_id
            _clean_strings(get("covers")),
            _clean_date(get("start")),
            _clean_date(get("extension_until")),
            _clean_int(get("notice_months"), 0, 120),
            _clean_money(get("annual_value")),
            _clean_money(get("total_value")),
            _clean_enum(get("route"), _CLEAN_ROUTES),
            _clean_text(get("framework")),
            _clean_bool(get("sme")),
            _clean_date(get("procurement_started")),
            None,                                                   # supplier_body
            _Source(d.file, d.doc, where))
    except _NotClean:
        return None


def build_estate(inputs: Iterable[ParsedFile], defaults: list[ParsedFile] = ()) -> R.Estate:
    """Validate parsed files and build the estate: records plus every problem found.

    ``inputs`` is read once, in order, so it may be a generator that parses the next
    files while this one is checked, and lets each file's documents go once read.
    """
    b = Builder()
    files: list = []
    for parsed, is_default in chain(((p, True) for p in defaults), ((p, False) for p in inputs)):
        if not is_default:
            files.append(parsed.path)
        b.problems.extend(parsed.problems)
        for index, data in parsed.docs:
            d = Doc(b, parsed.path, index)
            if not isinstance(data, dict):
                d.report("E110", f"document {index + 1} must be a mapping with a 'kind', not "
                         f"{_kind(data)}", (), "start the document with 'kind: authority' or "
                         "'kind: catalogue'")
                continue
            kind = data.get("kind")
            if kind == "catalogue":
                b.catalogue_doc(d, data, is_default)
            elif kind == "authority" and not is_default:
                b.authority_doc(d, data)
            elif kind is None:
                d.report("E111", f"document {index + 1} has no 'kind'", (),
                         "add 'kind: authority' or 'kind: catalogue' at the top")
            else:
                d.report("E111", f"unknown kind {kind!r}: use 'authority' or 'catalogue'",
                         ("kind",), did_you_mean(str(kind), KINDS))
    _check_catalogue(b)
    _check_references(b)
    _resolve_names(b)
    estate = R.Estate(catalogue=b.catalogue,
                      authorities={k: b.authorities[k] for k in sorted(b.authorities)},
                      problems=b.problems, files=files)
    return estate


@lru_cache(maxsize=1)
def _gss_codes() -> frozenset:
    """Current and former GSS codes of UK local authorities (package data)."""
    import csv
    from importlib import resources
    path = resources.files("estate") / "data" / "uk_local_authorities.csv"
    with path.open(encoding="utf-8") as f:
        return frozenset(row["gss_code"] for row in csv.DictReader(f) if row.get("gss_code"))


def _doc_of(b: Builder, src: R.Source) -> Doc:
    return Doc(b, src.file, src.doc)


def _check_catalogue(b: Builder) -> None:
    cat = b.catalogue
    for p in cat.products.values():
        d = _doc_of(b, p.src)
        if p.vendor and p.vendor not in cat.vendors:
            d.report("E143", f"product '{p.id}' names vendor '{p.vendor}', which is not in the "
                     "catalogue", p.src.where + ("vendor",), did_you_mean(p.vendor, cat.vendors))
        for j, lid in enumerate(p.lines_of_business):
            if lid not in cat.lines_of_business:
                d.report("E141", f"product '{p.id}' supports '{lid}', which is not in the "
                         "line-of-business taxonomy", p.src.where + ("lines_of_business", j),
                         did_you_mean(lid, cat.lines_of_business))


def _check_references(b: Builder) -> None:
    cat = b.catalogue
    taxonomy = cat.lines_of_business
    unmapped: dict[str, str] = {}     # local line id -> the hint of its W205
    for authority in b.authorities.values():
        if not authority.name:
            Doc(b, authority.src.file, authority.src.doc).report(
                "E120", f"authority '{authority.id}' is missing required field 'name'",
                authority.src.where, "give 'name' in at least one of its files")
            authority.name = authority.id
        if authority.gss_code and authority.gss_code not in _gss_codes():
            _doc_of(b, authority.src).report(
                "W208", f"GSS code '{authority.gss_code}' of authority '{authority.id}' is not in the "
                "list of UK local authorities", ("authority", "gss_code"),
                "check the code (ONS GSS codes look like E09000007); the list is mySociety's "
                "uk_local_authority_names_and_codes, shipped in estate/data")
        # partnerships named by the authority
        for j, pid in enumerate(authority.partnerships):
            if pid not in cat.partnerships:
                _doc_of(b, authority.src).report(
                    "E142", f"authority '{authority.id}' belongs to partnership '{pid}', which no "
                    "catalogue defines", ("authority", "partnerships", j),
                    did_you_mean(pid, cat.partnerships) or "define it under 'partnerships:' in a "
                    "kind: catalogue document")
        # lines of business: local ids map to the taxonomy (a Doc is made only to report)
        for line in authority.lines.values():
            if line.maps_to:
                if line.maps_to in taxonomy:
                    line.taxonomy_id = line.maps_to
                else:
                    _doc_of(b, line.src).report(
                        "E141", f"line of business '{line.id}' of '{authority.id}' maps to "
                        f"'{line.maps_to}', which is not in the taxonomy",
                        line.src.where + ("maps_to",), did_you_mean(line.maps_to, taxonomy))
            elif line.id in taxonomy:
                line.taxonomy_id = line.id
            else:
                d = _doc_of(b, line.src)
                if not line.name:
                    d.report("E120", f"line of business '{line.id}' of '{authority.id}' is not in "
                             "the taxonomy, so it needs a 'name'", line.src.where,
                             did_you_mean(line.id, taxonomy))
                hint = unmapped.get(line.id)
                if hint is None:      # once per distinct id: the taxonomy is the same for all
                    hint = unmapped[line.id] = (
                        did_you_mean(line.id, taxonomy, "if it is the same, add maps_to:")
                        or "add maps_to: <taxonomy id> if one fits")
                d.report("W205", f"local line of business '{line.id}' of '{authority.id}' is not "
                         "mapped to the shared taxonomy, so it cannot be compared across councils",
                         line.src.where + ("id",), hint)
        # systems: supports and depends_on
        for system in authority.systems.values():
            for j, lid in enumerate(system.supports):
                if lid in authority.lines:
                    continue
                if lid in taxonomy:
                    authority.lines[lid] = R.LocalLine(id=lid, taxonomy_id=lid, implicit=True,
                                                       src=R.Source(system.src.file, system.src.doc,
                                                                    system.src.where + ("supports", j)))
                    _doc_of(b, system.src).report(
                        "I301", f"system '{system.id}' of '{authority.id}' supports '{lid}', "
                        "which the authority does not list under lines_of_business",
                        system.src.where + ("supports", j),
                        "add it to lines_of_business to record how it is delivered")
                    continue
                _doc_of(b, system.src).report(
                    "E141", f"system '{system.id}' of '{authority.id}' supports '{lid}', "
                    "which is neither in the taxonomy nor in the authority's lines_of_business",
                    system.src.where + ("supports", j),
                    did_you_mean(lid, set(taxonomy) | set(authority.lines)) or
                    "declare it under lines_of_business with a name")
            for dep in system.depends_on:
                target_authority, _, target_system = dep.qid.partition("/")
                other = b.authorities.get(target_authority)
                if other is None:
                    dep.resolved = False
                    _doc_of(b, system.src).report(
                        "W204", f"system '{system.id}' of '{authority.id}' depends on "
                        f"'{dep.target}', in authority '{target_authority}', which is not in "
                        "the inputs", dep.src.where + ("system",),
                        did_you_mean(target_authority, b.authorities,
                                     "if the authority is a typo, did you mean") or
                        "add that authority's inventory to the paths analysed")
                elif target_system not in other.systems:
                    dep.resolved = False
                    _doc_of(b, system.src).report(
                        "E140", f"system '{system.id}' of '{authority.id}' depends on "
                        f"'{dep.target}', which does not exist", dep.src.where + ("system",),
                        did_you_mean(target_system, other.systems))
        for contract in authority.contracts.values():
            for j, sid in enumerate(contract.covers):
                if "/" in sid:
                    ok = b.authorities.get(sid.split("/")[0]) and \
                        sid.split("/", 1)[1] in b.authorities[sid.split("/")[0]].systems
                else:
                    ok = sid in authority.systems
                if not ok:
                    _doc_of(b, contract.src).report(
                        "E140", f"contract '{contract.id}' of '{authority.id}' covers system "
                        f"'{sid}', which does not exist", contract.src.where + ("covers", j),
                        did_you_mean(sid, authority.systems))
    # partnership membership, both ways
    for partnership in cat.partnerships.values():
        for j, member in enumerate(partnership.members):
            if member not in b.authorities:
                if b.authorities:
                    _doc_of(b, partnership.src).report(
                        "I302", f"partnership '{partnership.id}' lists '{member}', which is not in "
                        "the inputs; its findings cover only the members analysed",
                        partnership.src.where + ("members", j))
                continue
            if partnership.id not in b.authorities[member].partnerships:
                b.authorities[member].partnerships.append(partnership.id)
        for aid, authority in b.authorities.items():
            if partnership.id in authority.partnerships and aid not in partnership.members:
                partnership.members.append(aid)
                _doc_of(b, authority.src).report(
                    "W207", f"authority '{aid}' says it belongs to partnership '{partnership.id}', "
                    "which does not list it as a member; it is treated as a member",
                    ("authority", "partnerships"), f"add {aid} to the members of '{partnership.id}'")


def _resolve_names(b: Builder) -> None:
    matcher = Matcher(b.catalogue)
    unresolved_vendor: dict[str, list] = {}
    # suppliers that are public bodies in the inputs (a council selling a service to
    # another, or the shared service itself) are not vendors to resolve
    bodies: dict[str, str] = {}
    for body in list(b.authorities.values()) + list(b.catalogue.partnerships.values()):
        for name in (body.id, body.name):
            bodies.setdefault(normal_form(name), body.id)
            bodies.setdefault(key_form(name), body.id)
    unresolved_product: dict[tuple, list] = {}
    matched: dict[tuple, tuple] = {}     # (product, vendor) as written -> bespoke?, matches
    supplied: dict[str, tuple] = {}      # supplier as written -> vendor id, body, unresolved?
    for authority in b.authorities.values():
        for s in authority.systems.values():
            written = (s.product, s.vendor)
            match = matched.get(written)
            if match is None:         # once per distinct pair: the answer depends on it only
                if is_bespoke(s.product, s.vendor):
                    match = (True, None, None)
                else:
                    v = matcher.vendor(s.vendor)
                    match = (False, v, matcher.product(s.product, s.vendor, v.id))
                matched[written] = match
            bespoke, v, p = match
            if bespoke:
                s.bespoke = True
                continue
            s.vendor_id = v.id
            if s.vendor and v.id is None:
                unresolved_vendor.setdefault(s.vendor, []).append((s.src, "vendor", s.qid))
            s.product_id = p.id
            if p.id:
                if s.vendor_id is None:
                    s.vendor_id = b.catalogue.products[p.id].vendor
                if p.how == "fuzzy":
                    _doc_of(b, s.src).report(
                        "I300", f"product '{s.product}' of system '{s.qid}' was matched to "
                        f"'{b.catalogue.products[p.id].name}' by similarity ({p.score:.0f}/100)",
                        s.src.where + ("product",),
                        f"add '{s.product}' to the product's aliases to make the match exact")
            elif s.product:
                unresolved_product.setdefault((s.product, s.vendor_id), []).append(
                    (s.src, "product", s.qid))
        for c in authority.contracts.values():
            match = supplied.get(c.supplier)
            if match is None:         # once per distinct supplier, as for products above
                v = matcher.vendor(c.supplier)
                body = None if v.id is not None else \
                    bodies.get(key_form(c.supplier)) or bodies.get(normal_form(c.supplier))
                match = supplied[c.supplier] = (
                    v.id, body, v.id is None and body is None and not is_bespoke(c.supplier))
            vendor_id, body, unresolved = match
            c.vendor_id = vendor_id
            if vendor_id is None:
                c.supplier_body = body
            if unresolved:
                unresolved_vendor.setdefault(c.supplier, []).append((c.src, "supplier", c.qid))
    for text, places in unresolved_vendor.items():
        closest = matcher.closest_vendors(text)
        hint = (f"closest catalogue vendors: {', '.join(closest)}; if it is one of them, add "
                f"'{text}' to its aliases" if closest else
                "add the vendor to a kind: catalogue document with this name as an alias")
        for src, field, qid in places:
            _doc_of(b, src).report("W201", f"{field} '{text}' of '{qid}' matches no catalogue vendor",
                                   src.where + (field,), hint)
    for (text, vendor_id), places in unresolved_product.items():
        closest = matcher.closest_products(text, vendor_id)
        hint = (f"closest catalogue products: {', '.join(closest)}; if it is one of them, add "
                f"'{text}' to its aliases" if closest else
                "add the product to a kind: catalogue document")
        for src, field, qid in places:
            _doc_of(b, src).report("W202", f"product '{text}' of system '{qid}' matches no "
                                   "catalogue product", src.where + (field,), hint)
