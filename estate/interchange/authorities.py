"""Which UK local authority a buyer is: by register code, GSS code or (cleaned) name.

The list is ``estate/data/uk_local_authorities.csv`` (mySociety's register of UK local
authority names and codes, CC-BY-4.0; columns ``code, gss_code, name, nice_name, type,
region, nation, county_code, alt_names``).

Buyers are written every which way in procurement data: "BURNLEY BOROUGH COUNCIL",
"Nuneaton & Bedworth BC (NUN)", "Hyndburn Borough Council Environmental Services",
"Muse Developments Limited on behalf of Blackpool Borough Council".  :func:`match`
tries, in order, stopping at the first single answer:

1. an identifier: ``GB-LAE``/``GB-LAS``/``GB-LAN``/``GB-PLA`` register codes (e.g. ``NWM``) and
   any GSS code (``E07000117``) among the party's identifiers;
2. the exact normal form (case, accents, ``&``/"and", punctuation) of the official name,
   the short ("nice") name or one of the alternative names;
3. the *key*: the name with "the", "London Borough of", "City of"..., a trailing
   department ("... Council Environmental Services"), "(NUN)"-style codes and words such
   as Council, Borough, City, County, District, Metropolitan, BC removed, compared with
   the keys of the list.  A key shared by two authorities matches neither.

The authority id is the slug of the short name ("Blackburn with Darwen" ->
``blackburn-with-darwen``), so the same council gets the same id from every source.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

from estate.interchange.values import clean_text, slugify
from estate.model.catalogue import normal_form

REGISTER_SCHEMES = {"GB-LAE", "GB-LAS", "GB-LAN", "GB-PLA", "GB-UKLA"}
GSS = re.compile(r"^[ENSW]\d{8}$")
TYPES = {"county", "district", "unitary", "metropolitan-district", "london-borough",
         "combined-authority", "other"}

_LEADING = ["london borough of", "royal borough of", "the royal borough of", "city and county of",
            "city of", "county of", "borough of", "the borough of", "the city of", "the"]
_TRAILING = {"council", "borough", "city", "county", "district", "metropolitan", "mbc", "bc",
             "dc", "cc", "cbc", "mdc", "ua", "unitary", "authority", "london", "boro", "royal"}


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    gss_code: str
    name: str
    nice_name: str
    type: str
    region: str
    nation: str
    alt_names: tuple

    @property
    def id(self) -> str:
        return slugify(self.nice_name or self.name)

    def spec_type(self) -> str:
        return self.type if self.type in TYPES else "other"


def key(name: str) -> str:
    """The distinctive part of an authority's name, for matching."""
    text = clean_text(name) or ""
    text = re.sub(r"\([^)]*\)", " ", text)                       # "(NUN)", "(the trading name ...)"
    norm = normal_form(text)
    m = re.search(r"\bon behalf of\b(.*)$", norm)
    if m and m.group(1).strip():
        norm = m.group(1).strip()
    words = norm.split()
    if "council" in words[1:]:                                   # drop "... Council Trading Standards"
        words = words[:words.index("council", 1)]
    norm = " ".join(words)
    changed = True
    while changed:
        changed = False
        for lead in _LEADING:
            if norm.startswith(lead + " ") and len(norm) > len(lead) + 1:
                norm, changed = norm[len(lead) + 1:], True
        words = norm.split()
        while len(words) > 1 and words[-1] in _TRAILING:
            words.pop()
            changed = True
        norm = " ".join(words)
    return norm


class AuthorityIndex:
    """Lookups over the list of UK local authorities."""

    def __init__(self, authorities: Iterable[LocalAuthority]):
        self.authorities = list(authorities)
        self.by_code: dict[str, LocalAuthority] = {}
        self.by_gss: dict[str, LocalAuthority] = {}
        self.exact: dict[str, set] = {}
        self.keys: dict[str, set] = {}
        for la in self.authorities:
            self.by_code[la.code.upper()] = la
            if la.gss_code:
                self.by_gss[la.gss_code.upper()] = la
            for name in (la.name, la.nice_name, *la.alt_names):
                if not name:
                    continue
                self.exact.setdefault(normal_form(name), set()).add(la.code)
                k = key(name)
                if k:
                    self.keys.setdefault(k, set()).add(la.code)

    def by_identifier(self, scheme: Optional[str], ident: Optional[str]) -> Optional[LocalAuthority]:
        ident = (ident or "").strip().upper()
        if not ident:
            return None
        if (scheme or "").upper() in REGISTER_SCHEMES and ident in self.by_code:
            return self.by_code[ident]
        if GSS.match(ident):
            return self.by_gss.get(ident)
        return None

    def by_name(self, name: Optional[str]) -> tuple[Optional[LocalAuthority], str]:
        """(authority, how) where how is ``exact`` or ``key``; (None, why) when unmatched."""
        if not name:
            return None, "no name"
        codes = self.exact.get(normal_form(clean_text(name) or ""))
        if codes and len(codes) == 1:
            return self.by_code[next(iter(codes))], "exact"
        k = key(name)
        codes = self.keys.get(k)
        if codes and len(codes) == 1:
            return self.by_code[next(iter(codes))], "key"
        if codes:
            return None, f"'{k}' is the name of {len(codes)} authorities"
        return None, "no UK local authority has this name"

    def match(self, name: Optional[str], identifiers: Iterable[tuple] = ()) -> tuple[Optional[LocalAuthority], str]:
        """The authority named by identifiers (scheme, id) or by name, and how it was found."""
        for scheme, ident in identifiers:
            found = self.by_identifier(scheme, ident)
            if found:
                return found, f"identifier {scheme or 'GSS'} {ident}"
        m = re.search(r"\(([A-Z]{3})\)", name or "")                # "Nuneaton & Bedworth BC (NUN)"
        found, how = self.by_name(name)
        if found is None and m and m.group(1) in self.by_code:
            candidate = self.by_code[m.group(1)]
            if key(name) and key(name).split()[0] in normal_form(candidate.name):
                return candidate, f"register code {m.group(1)} in the name"
        return found, how


def load_index(path: Optional[str] = None) -> AuthorityIndex:
    """The index of the shipped list (or of another CSV with the same columns)."""
    return _load(path)


@lru_cache(maxsize=4)
def _load(path: Optional[str]) -> AuthorityIndex:
    if path:
        handle = open(path, encoding="utf-8-sig", newline="")
    else:
        handle = resources.files("estate").joinpath("data", "uk_local_authorities.csv").open(
            encoding="utf-8-sig", newline="")
    with handle:
        rows = list(csv.DictReader(handle))
    return AuthorityIndex(
        LocalAuthority(code=(r.get("code") or "").strip(), gss_code=(r.get("gss_code") or "").strip(),
                       name=(r.get("name") or "").strip(), nice_name=(r.get("nice_name") or "").strip(),
                       type=(r.get("type") or "").strip(), region=(r.get("region") or "").strip(),
                       nation=(r.get("nation") or "").strip(),
                       alt_names=tuple(a.strip() for a in (r.get("alt_names") or "").split("|") if a.strip()))
        for r in rows if (r.get("code") or "").strip())
