"""The fast path: records built straight from clean entries.

Nearly every system and contract is written exactly as SPEC.md says: known keys only,
text as text, numbers as numbers, dates as dates, enumerations already in their folded
form.  For those, the value checks (:mod:`estate.model.checks`) report nothing and return
the values unchanged, so the record can be built straight from the entry: the same
record, in a fraction of the time of a dozen checks (at 400 councils, 190,000 entries).
:func:`clean_line`, :func:`clean_system` and :func:`clean_contract` build it when every
field is clean and return None at the first that is not (``_NotClean``); the entry then
goes through the checks, which report what is wrong.  They change nothing and report
nothing, so that fallback is always safe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Optional

from estate.model import records as R
from estate.model.checks import Doc
from estate.model.schema import COMPANY_NUMBER, CONTRACT_ID, CONTRACT_KEYS, DATA_KEYS, \
    DEPENDENCY_KEYS, LINE_KEYS, MAX_MONEY, MAX_USERS, MAX_YEAR, MIN_YEAR, SLUG, SYSTEM_KEYS

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
    # a NaN fails both comparisons; infinity and 400-digit amounts fail the second
    if value is None or (type(value) in (int, float) and 0 <= value <= MAX_MONEY):
        return value
    raise _NotClean


def _clean_date(value):
    if value is None or (type(value) is _DATE and MIN_YEAR <= value.year <= MAX_YEAR):
        return value
    raise _NotClean


def _clean_slug(value):
    if value is None or (type(value) is str and SLUG.match(value)):
        return value
    raise _NotClean


def _clean_company_number(value):
    if value is None or (type(value) is str and COMPANY_NUMBER.match(value)):
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


def _clean_supports(value):
    """``supports`` of a clean entry: a list of distinct text (null is reported)."""
    if type(value) is list and len(set(value)) == len(value):
        return _clean_strings(value)
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
                   "annual_cost users criticality owner replaced_by go_live retire_by "
                   "vendor_body src extra"),
        (R.Contract, "authority id supplier end vendor_id covers start extension_until "
                     "notice_months annual_value total_value route framework sme "
                     "procurement_started supplier_body supplier_company_number src extra"),
        (R.LocalLine, "id name maps_to statutory delivery taxonomy_id implicit src extra"),
        (R.Dependency, "target qid via resolved src"),
        (R.DataProfile, "personal_data api export_formats open_standards"),
        (R.Source, "file doc where")):
    if [f.name for f in fields(_record)] != _names.split():
        raise RuntimeError(f"the fields of {_record.__name__} changed: update clean_system "
                           "and clean_contract in estate/model/fast_path.py")
del _record, _names


def clean_line(d: Doc, raw, where: tuple) -> Optional[R.LocalLine]:
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


def clean_system(d: Doc, e: dict, where: tuple, authority: str) -> Optional[R.System]:
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
            _clean_supports(get("supports")),
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
            _clean_int(get("users"), 0, MAX_USERS),
            _clean_enum(get("criticality"), _CLEAN_CRITICALITY),
            _clean_text(get("owner")),
            _clean_slug(get("replaced_by")),
            _clean_date(get("go_live")),
            _clean_date(get("retire_by")),
            None,                                                   # vendor_body
            _Source(d.file, d.doc, where))
    except _NotClean:
        return None


def clean_contract(d: Doc, e: dict, where: tuple, authority: str) -> Optional[R.Contract]:
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
            authority, cid, supplier.strip(), _clean_date(end),
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
            _clean_company_number(get("supplier_company_number")),
            _Source(d.file, d.doc, where))
    except _NotClean:
        return None

