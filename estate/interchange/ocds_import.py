"""Import contracts from Open Contracting Data Standard (OCDS) data, as published by
Contracts Finder and Find a Tender, and from flattened Contracts Finder notices.

What is read
------------
* OCDS **release packages** (``{"releases": [...]}``), **record packages** (``{"records":
  [...]}``: each record's ``compiledRelease``), single **releases**, and lists or JSON
  Lines of releases;
* **flattened notices** (``{"contracts": [{"title", "organisation", "awarded_supplier",
  "awarded_to_sme", "awarded_value", "awarded_date", "cpv_codes", ...}]}``), the shape a
  common Contracts Finder search script writes.  Detected automatically.

How releases become contracts
-----------------------------
Releases are grouped by ``ocid``; the latest one with ``awards`` is used (an
``awardUpdate`` supersedes the ``award`` it updates).  Each award that is not cancelled
or unsuccessful becomes one contract per supplier (``awards[].suppliers``):

* **buyer** -> authority: by register code (``GB-LAE``...) or GSS code, else by cleaned
  name against the UK local authority list (:mod:`estate.interchange.authorities`).  A
  buyer that is not a local authority still imports, under the slug of its name, with a
  warning;
* **period** -> ``start``/``end``: ``contracts[].period``, else ``awards[].contractPeriod``,
  else ``tender.contractPeriod`` (said in the comment).  **No end date, no contract**:
  the award is skipped and counted, never given an invented end;
* **value** -> ``total_value`` (``contracts[].value``, else ``awards[].value``; GBP only).
  ``annual_value`` is the total divided by the contract's length in years when the
  period is known, and the total itself when the contract runs for a year or less; the
  comment above the contract shows the sum;
* **SME** -> ``sme``: the supplier party's ``details.scale`` (``sme`` or ``large``).
  ``tender.suitability.sme`` is *not* used: it says the tender was suitable for SMEs,
  not that the winner is one;
* **procurement method** -> ``route``: G-Cloud -> g-cloud, framework, call-off or
  dynamic purchasing system -> framework, direct award or single tender -> direct-award,
  open procedure -> open-tender, anything else named -> other.  A framework reference
  such as ``RM6194`` in the title or description becomes ``framework``;
* **CPV** codes (``tender.classification``, ``tender.items[].classification``) are shown
  in the comment; ``it_only`` keeps contracts with an IT code: 48 (software), 72 (IT
  services), 302 (computer equipment) or 324-325 (networks, telecoms equipment), as
  :mod:`estate.interchange.it_only` says.

Names are cleaned: HTML entities decoded ("B&amp;E Boys Ltd" -> "B&E Boys Ltd"), white
space collapsed.  Everything skipped is counted by reason.

Flattened notices have no contract end date at all.  By default each is skipped (and
counted); ``term_from_text`` reads a stated term ("Contract term is for three years",
"a 5 year contract") from the title or description and sets ``end`` to the award date
plus that term, saying so in the comment.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Iterable, Optional

from estate.model.files import read_regular_bytes
from estate.errors import UsageError
from estate.interchange.authorities import AuthorityIndex, load_index
from estate.interchange.it_only import it_cpv
from estate.interchange.sheets import SourceError
from estate.interchange.values import (ValueProblem, clean_text, parse_date, parse_money, route_of,
                                       slugify)
from estate.interchange.writer import AuthorityDoc, ImportResult
from estate.model.validate import CONTRACT_ID

NOT_IT = "not IT (no IT CPV code: 48, 72, 302 or 324-325)"
FRAMEWORK_REF = re.compile(r"\b(RM\s?\d{3,5}|G-?\s?Cloud\s?\d+)\b", re.I)


def _framework(text: str) -> tuple[Optional[str], Optional[str]]:
    """(framework reference, route it implies) named in ``text``: RM6194, G-Cloud 13."""
    m = FRAMEWORK_REF.search(text or "")
    if not m:
        return None, None
    ref = re.sub(r"\s+", "", m.group(1)).upper()
    if "CLOUD" in ref:
        return "G-Cloud " + re.sub(r"\D", "", ref), "g-cloud"
    return ref, "framework"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1}
_N = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
TERM_PATTERNS = [
    re.compile(rf"\b{_N}[- ]years?\s+(?:\(\d+\)\s+)?(?:contract|term|agreement|licen[cs]e)\b", re.I),
    re.compile(rf"\bterm\s+(?:is|will be|of)\s+(?:for\s+)?(?:an?\s+)?(?:initial\s+)?(?:period\s+of\s+)?"
               rf"{_N}\s+years?\b", re.I),
    re.compile(rf"\bfor\s+an?\s+(?:initial\s+)?(?:period|term)\s+of\s+{_N}\s+years?\b", re.I),
]
EXTENSION = re.compile(rf"\b(?:optional\s+|option\s+to\s+extend\s+(?:for\s+)?(?:a\s+further\s+)?|"
                       rf"(?:further|additional)\s+)(?:an?\s+)?{_N}[- ]years?", re.I)


def _date(value) -> Optional[dt.date]:
    """The calendar date of an OCDS date-time, as published (its own time zone)."""
    if not value:
        return None
    try:
        return parse_date(str(value)[:10])
    except ValueProblem:
        return None


def _cpvs(release: dict) -> list[tuple[str, str]]:
    out = []
    tender = release.get("tender") or {}
    blocks = [tender.get("classification")]
    for item in tender.get("items") or []:
        blocks.append(item.get("classification"))
        blocks.extend(item.get("additionalClassifications") or [])
    for award in release.get("awards") or []:
        for item in award.get("items") or []:
            blocks.append(item.get("classification"))
    for c in blocks:
        if isinstance(c, dict) and c.get("id") and (c.get("scheme") or "CPV").upper() == "CPV":
            pair = (str(c["id"]).strip(), clean_text(c.get("description")) or "")
            if pair not in out:
                out.append(pair)
    return out


def _is_it(codes: Iterable[str]) -> bool:
    """An IT CPV code among ``codes`` (:mod:`estate.interchange.it_only`: 48, 72, 302, 324-325)."""
    return any(it_cpv(c) for c in codes)


def _contract_id(text: str) -> str:
    cid = re.sub(r"[^A-Za-z0-9._/-]+", "-", text).strip("-./")
    return cid if cid and CONTRACT_ID.match(cid) else slugify(text)


def _years(start: Optional[dt.date], end: dt.date) -> Optional[float]:
    """The length of a contract in years, to the nearest whole month."""
    if not start or start > end:
        return None
    months = max(1, round(((end - start).days + 1) / 30.4375))
    return months / 12


def _annual(total, start, end, comment: list) -> Optional[float]:
    if total is None:
        return None
    years = _years(start, end)
    if years is None:
        comment.append("annual_value not set: the start date is not known")
        return None
    if years <= 1:
        comment.append(f"annual_value = total_value: the contract runs {years * 12:.0f} month(s)")
        return total
    annual = round(total / years)
    comment.append(f"annual_value = total_value {total:,} / {years:g} years "
                   f"({start} to {end}) = {annual:,}")
    return annual


class _Builder:
    def __init__(self, index: AuthorityIndex, result: ImportResult):
        self.index, self.result = index, result
        self.buyers: dict = {}          # cleaned name or id -> authority head
        self.warned: set = set()
        self.taken: dict = {}           # authority id -> contract ids given

    def authority(self, name: Optional[str], identifiers: list, origin: str) -> Optional[AuthorityDoc]:
        name = clean_text(name)
        if not name:
            return None
        key = (name, tuple(identifiers))
        if key not in self.buyers:
            la, how = self.index.match(name, identifiers)
            if la is not None:
                head = {"id": la.id, "name": la.name, "type": la.spec_type(), "region": la.region,
                        "gss_code": la.gss_code or None}
                note = f"buyer '{name}' is {la.name} (matched by {how})"
            else:
                head = {"id": slugify(name), "name": name, "type": "other"}
                note = f"buyer '{name}' matches no UK local authority ({how}); imported as '{head['id']}'"
                if name not in self.warned:
                    self.warned.add(name)
                    self.result.notes.append(f"warning: {note}: check it")
            self.buyers[key] = ({k: v for k, v in head.items() if v is not None}, note)
        head, note = self.buyers[key]
        doc = self.result.docs.get(head["id"])
        if doc is None:
            doc = AuthorityDoc(authority=dict(head), sections=("contracts",))
            self.result.docs[head["id"]] = doc
        lines = doc.origin.setdefault(("authority", head["id"]), [])
        line = f"{note} (first seen in {origin})"
        if not any(existing.startswith(note) for existing in lines):
            lines.append(line)
        return doc

    def add(self, doc: AuthorityDoc, contract: dict, comment: list) -> None:
        # the ids of each document, kept as contracts are added: building the set afresh
        # for every contract made the import quadratic in the contracts of one buyer
        taken = self.taken.setdefault(doc.id, set())
        cid = contract["id"]
        if cid in taken:
            n = 2
            while f"{cid}-{n}" in taken:
                n += 1
            comment.append(f"id '{cid}' was taken: '{cid}-{n}'")
            cid = contract["id"] = f"{cid}-{n}"
        taken.add(cid)
        doc.contracts.append({k: v for k, v in contract.items() if v is not None})
        doc.origin[("contracts", cid)] = comment


# ----------------------------------------------------------------------------- reading
def json_files(paths: Iterable[str]) -> list[str]:
    files = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise UsageError(f"no such file or folder: {raw}")
        if not p.is_dir():          # a file named on the command line: read it, or say why not
            files.append(str(p))
            continue
        for root, dirs, names in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            files.extend(os.path.join(root, n) for n in sorted(names)
                         if n.lower().endswith((".json", ".jsonl")) and not n.startswith("."))
    return sorted(dict.fromkeys(files))


def _load_json(path: str):
    """The JSON of ``path`` (UTF-8, or UTF-16/32 with a byte order mark; or JSON Lines).
    A file that is not JSON, not text, or nested too deeply is a :class:`SourceError`."""
    raw = read_regular_bytes(path)
    name = Path(path).name
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif raw.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
        encoding = "utf-32"
    else:
        encoding = "utf-8-sig"
    try:
        text = raw.decode("utf-32" if encoding == "utf-32" else encoding)
    except UnicodeDecodeError as exc:
        raise SourceError([f"{name}: byte {exc.start + 1} is not {exc.encoding.upper()} text "
                           f"({exc.reason}); OCDS files are UTF-8"], name) from None
    try:
        return json.loads(text)
    except RecursionError:
        raise SourceError([f"{name}: JSON nested too deeply to read (OCDS needs a few levels; "
                           "this file nests thousands)"], name) from None
    except json.JSONDecodeError as first:
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except (json.JSONDecodeError, RecursionError):
                    raise SourceError([f"{name}:{first.lineno}:{first.colno}: not JSON: {first.msg}"],
                                      name) from None
        return items


# The shapes OCDS gives the fields this import reads: "object" or ("list", item shape).
# Anything else in those places is reported with its JSON path, never guessed at.
_CLASSIFICATION: dict = {}
_ITEM = {"classification": "object", "additionalClassifications": ("list", _CLASSIFICATION)}
_PERIOD: dict = {}
_VALUE: dict = {}
_PARTY = {"identifier": "object", "additionalIdentifiers": ("list", {}), "details": "object",
          "roles": ("list", None)}
RELEASE_SHAPE = {
    "tender": ("object", {"items": ("list", _ITEM), "classification": "object",
                          "contractPeriod": "object"}),
    "buyer": "object",
    "parties": ("list", _PARTY),
    "awards": ("list", {"suppliers": ("list", {}), "items": ("list", _ITEM), "value": "object",
                        "contractPeriod": "object"}),
    "contracts": ("list", {"period": "object", "value": "object"}),
}


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false",
            type(None): "null"}.get(type(value), "a number")


def shape_problems(data, shape: dict, path: str) -> list:
    """Every place in ``data`` (an object) where a field read has the wrong shape."""
    problems = []
    for key, want in shape.items():
        if key not in data or data[key] is None:
            continue
        value, where = data[key], f"{path}.{key}"
        kind, inner = (want, None) if isinstance(want, str) else want
        if kind == "object":
            if not isinstance(value, dict):
                problems.append(f"{where}: {_kind(value)} where an object belongs")
            elif inner:
                problems.extend(shape_problems(value, inner, where))
            continue
        if not isinstance(value, list):
            problems.append(f"{where}: {_kind(value)} where a list belongs")
            continue
        for i, item in enumerate(value):
            if inner is None:
                continue
            if not isinstance(item, dict):
                problems.append(f"{where}[{i}]: {_kind(item)} where an object belongs")
            elif inner:
                problems.extend(shape_problems(item, inner, f"{where}[{i}]"))
    return problems


def classify(data) -> str:
    """``releases``, ``records``, ``release``, ``notices`` or ``unknown``."""
    if isinstance(data, dict):
        if isinstance(data.get("releases"), list):
            return "releases"
        if isinstance(data.get("records"), list):
            return "records"
        if "ocid" in data:
            return "release"
        items = data.get("contracts")
        if isinstance(items, list) and items and isinstance(items[0], dict) and \
                ("organisation" in items[0] or "awarded_supplier" in items[0]):
            return "notices"
    if isinstance(data, list) and data and all(isinstance(i, dict) and "ocid" in i for i in data):
        return "releases"
    return "unknown"


def import_ocds(paths: Iterable[str], *, it_only: bool = False, term_from_text: bool = False,
                index: Optional[AuthorityIndex] = None) -> ImportResult:
    """Read OCDS files (or flattened notices) into contracts-only authority documents."""
    files = json_files(paths)
    if not files:
        raise UsageError(f"no .json files under {', '.join(map(str, paths))}")
    names = sorted({Path(f).name for f in files})
    result = ImportResult(source=", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else ""),
                          command="estate import ocds", layout="section")
    builder = _Builder(index or load_index(), result)
    releases: dict = {}           # ocid -> [(date, order, file, release)]
    notices: dict = {}            # notice id -> (file, notice)
    order = 0
    problems: list = []
    for file in files:
        name = Path(file).name
        try:
            data = _load_json(file)
        except SourceError as exc:
            problems.extend(exc.problems)
            continue
        kind = classify(data)
        if kind == "unknown":
            result.notes.append(f"{name}: not OCDS (no releases, records or ocid) and not notices: skipped")
            result.skip("file is not OCDS")
            continue
        if kind == "notices":
            for i, notice in enumerate(data["contracts"]):
                if not isinstance(notice, dict):
                    problems.append(f"{name}: $.contracts[{i}]: {_kind(notice)} where an object belongs")
                    continue
                nid = str(notice.get("id") or "")
                if not nid:
                    result.skip("notice without an id")
                    continue
                notices.setdefault(nid, (name, notice))
            continue
        if kind == "records":
            items = []
            for i, record in enumerate(data["records"]):
                compiled = record.get("compiledRelease") if isinstance(record, dict) else None
                if isinstance(compiled, dict):
                    items.append((i, compiled))
                else:
                    result.skip("record without a compiledRelease")
        elif kind == "release":
            items = [(0, data)]
        else:
            items = list(enumerate(data["releases"] if isinstance(data, dict) else data))
        where = {"records": "$.records[{}].compiledRelease", "release": "$",
                 "releases": "$.releases[{}]" if isinstance(data, dict) else "$[{}]"}[kind]
        for i, release in items:
            if not isinstance(release, dict) or not release.get("ocid") or not release.get("id"):
                result.skip("release without an ocid or id")
                continue
            bad = shape_problems(release, RELEASE_SHAPE, where.format(i))
            if bad:
                problems.extend(f"{name}: {b}" for b in bad)
                continue
            order += 1
            releases.setdefault(release["ocid"], []).append(
                (str(release.get("date") or ""), order, name, release))
    if problems:
        raise SourceError(problems, result.source)
    for ocid in sorted(releases):
        _from_releases(ocid, releases[ocid], builder, result, it_only)
    for nid in sorted(notices):
        name, notice = notices[nid]
        _from_notice(nid, notice, name, builder, result, it_only, term_from_text)
    for doc in result.docs.values():
        doc.contracts.sort(key=lambda c: (c["end"], c["id"]))
    empty = [aid for aid, doc in result.docs.items() if not doc.contracts]
    for aid in empty:
        del result.docs[aid]
    return result


def _from_releases(ocid: str, group: list, builder: _Builder, result: ImportResult, it_only: bool):
    group.sort(key=lambda g: (g[0], g[1]))
    awarded = [g for g in group if g[3].get("awards")]
    if not awarded:
        result.skip("no award yet (planning or tender notice only)")
        return
    _, _, file, release = awarded[-1]
    tender = dict(release.get("tender") or {})
    for _, _, _, other in reversed(group):                 # fill gaps from sibling releases
        for k, v in (other.get("tender") or {}).items():
            tender.setdefault(k, v)
    release = {**release, "tender": tender}
    cpvs = _cpvs(release)
    if it_only and not _is_it(c for c, _ in cpvs):
        result.skip(NOT_IT)
        return
    parties = {p.get("id"): p for p in release.get("parties") or [] if isinstance(p, dict)}
    buyer = release.get("buyer") or next((p for p in parties.values() if "buyer" in (p.get("roles") or [])), None)
    if not buyer or not buyer.get("name"):
        result.skip("release without a buyer")
        return
    party = parties.get(buyer.get("id"), {})
    identifiers = []
    for ident in [party.get("identifier") or {}, *(party.get("additionalIdentifiers") or [])]:
        if isinstance(ident, dict) and ident.get("id"):
            identifiers.append((ident.get("scheme"), str(ident["id"])))
    doc = builder.authority(buyer.get("name") or party.get("name"), identifiers, f"{file} {ocid}")
    if doc is None:
        result.skip("release without a buyer")
        return
    title = clean_text(release.get("title") or tender.get("title"))
    description = clean_text(tender.get("description"))
    route = route_of(tender.get("procurementMethodDetails"), tender.get("procurementMethod"))
    framework, implied = _framework(f"{title or ''} {description or ''}")
    if framework and route in ("framework", "g-cloud", None):
        route = "g-cloud" if implied == "g-cloud" else (route or implied)
    else:
        framework = None
    contracts = [c for c in release.get("contracts") or [] if isinstance(c, dict)]
    for award in release.get("awards") or []:
        if not isinstance(award, dict):
            continue
        if (award.get("status") or "").lower() in ("cancelled", "unsuccessful", "pending"):
            result.skip(f"award {award.get('status')}")
            continue
        contract = next((c for c in contracts if c.get("awardID") == award.get("id")), {})
        comment = [f"from: {file} {ocid} release {release.get('id')}"
                   + (f" award {award.get('id')}" if award.get("id") else "")]
        if title:
            comment.append(f"title: {title[:150]}")
        if cpvs:
            comment.append("CPV: " + "; ".join(f"{c} {d}".strip() for c, d in cpvs[:4]))
        period = contract.get("period")
        if not (period or {}).get("endDate"):
            period = award.get("contractPeriod")
        if not (period or {}).get("endDate") and (tender.get("contractPeriod") or {}).get("endDate"):
            period = tender.get("contractPeriod")
            comment.append("period from tender.contractPeriod (the award gives none)")
        end = _date((period or {}).get("endDate"))
        if end is None:
            result.skip("no contract end date (SPEC needs one; none was invented)")
            continue
        start = _date((period or {}).get("startDate"))
        if start and start > end:
            result.skip("start date after end date")
            continue
        value = contract.get("value") or award.get("value") or {}
        total = None
        if value.get("amount") is not None:
            if (value.get("currency") or "GBP").upper() != "GBP":
                comment.append(f"value {value.get('amount')} {value.get('currency')} not in GBP: left out")
            else:
                try:
                    total = parse_money(value.get("amount"))
                except ValueProblem:
                    comment.append(f"value {value.get('amount')!r} is not a number: left out")
        suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
        if not suppliers:
            result.skip("award without a supplier")
            continue
        shared = len(suppliers) > 1
        base_id = _contract_id(str(award.get("id") or f"{ocid}-{len(doc.contracts) + 1}"))
        for n, supplier in enumerate(suppliers, start=1):
            sparty = parties.get(supplier.get("id"), {})
            name = clean_text(supplier.get("name") or sparty.get("name"))
            if not name:
                result.skip("supplier without a name")
                continue
            scale = ((sparty.get("details") or {}).get("scale") or "").lower()
            sme = True if scale == "sme" else False if scale == "large" else None
            these = list(comment)
            if shared:
                these.append(f"award shared by {len(suppliers)} suppliers: its value "
                             f"({total:,} in total) is not repeated on each" if total is not None
                             else f"award shared by {len(suppliers)} suppliers")
                annual = None
            else:
                annual = _annual(total, start, end, these)
            builder.add(doc, {
                "id": f"{base_id}-{n}" if shared else base_id, "supplier": name,
                "covers": [], "start": start, "end": end,
                "annual_value": annual, "total_value": None if shared else total,
                "route": route, "framework": framework, "sme": sme,
            }, these)


def term_years(text: str) -> Optional[tuple[int, int, str]]:
    """(years, extension years, the words) of a contract term stated in ``text``."""
    for pattern in TERM_PATTERNS:
        m = pattern.search(text or "")
        if m:
            word = m.group(1).lower()
            years = int(word) if word.isdigit() else _NUMBERS[word]
            ext = EXTENSION.search(text)
            extra = 0
            if ext:
                w = ext.group(1).lower()
                extra = int(w) if w.isdigit() else _NUMBERS[w]
            if 0 < years <= 25:
                return years, extra, m.group(0)
    return None


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:                               # 29 February
        return day.replace(year=day.year + years, day=28)


def _from_notice(nid: str, notice: dict, file: str, builder: _Builder, result: ImportResult,
                 it_only: bool, term_from_text: bool):
    status = (notice.get("status") or "").lower()
    supplier = clean_text(notice.get("awarded_supplier"))
    if status != "awarded" or not supplier or supplier.upper() == "NOT AWARDED TO SUPPLIER":
        result.skip("notice not awarded to a supplier")
        return
    codes = [c for c in re.split(r"[\s,;]+", str(notice.get("cpv_codes") or "")) if c]
    if it_only and not _is_it(codes):
        result.skip(NOT_IT)
        return
    title = clean_text(notice.get("title"))
    description = clean_text(notice.get("description"))
    awarded = _date(notice.get("awarded_date"))
    comment = [f"from: {file} notice {nid}"]
    if title:
        comment.append(f"title: {title[:150]}")
    if codes:
        comment.append("CPV: " + " ".join(codes[:4]) +
                       (f" {clean_text(notice.get('cpv_description'))}" if notice.get("cpv_description") else ""))
    end = extension = None
    if term_from_text and awarded:
        term = term_years(f"{title or ''}. {description or ''}")
        if term:
            years, extra, words = term
            end = _add_years(awarded, years) - dt.timedelta(days=1)
            comment.append(f"end ESTIMATED from '{words}': award date {awarded} + {years} year(s)")
            if extra:
                extension = _add_years(end, extra)
                comment.append(f"extension_until ESTIMATED: + {extra} optional year(s)")
    if end is None:
        result.skip("no contract end date (SPEC needs one; none was invented)")
        return
    doc = builder.authority(notice.get("organisation"), [], f"{file} notice {nid}")
    if doc is None:
        result.skip("notice without a buyer")
        return
    total = None
    try:
        total = parse_money(notice.get("awarded_value")) or None
    except ValueProblem:
        comment.append(f"awarded value {notice.get('awarded_value')!r} is not a number: left out")
    text = f"{title or ''} {description or ''}"
    route = None
    if re.search(r"call[- ]?off|framework agreement|from (?:the )?[\w ]{0,30}framework|g-?cloud|"
                 r"further competition|dynamic purchasing", text, re.I):
        route = route_of(text)
    framework, implied = _framework(text)
    if framework:
        route = "g-cloud" if implied == "g-cloud" else (route or implied)
    sme = notice.get("awarded_to_sme")
    builder.add(doc, {
        "id": _contract_id(nid), "supplier": supplier, "covers": [], "start": awarded,
        "end": end, "extension_until": extension,
        "annual_value": _annual(total, awarded, end, comment), "total_value": total,
        "route": route, "framework": framework, "sme": sme if isinstance(sme, bool) else None,
    }, comment)
