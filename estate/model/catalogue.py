"""The catalogue: vendors, products, the line-of-business taxonomy, partnerships.

A default catalogue ships in the package (``estate/data/catalogue/*.yaml``); catalogue
documents in the inputs are laid over it, entity by entity (same id: the input wins).

Name matching
-------------
Inventories name vendors, suppliers and products in free text.  :class:`Matcher`
resolves them in this order, stopping at the first hit:

1. exact match of the *normal form*: case folded, accents removed, ``&`` read as
   "and", punctuation and extra white space dropped ("Academy Revenues & Benefits" ==
   "academy revenues and benefits");
2. for vendors, the *key form*: the normal form with trailing legal suffixes and generic
   company words removed ("NEC Software Solutions UK Ltd" -> "nec",
   "Northgate Public Services (UK) Limited" -> "northgate", an alias of NEC);
3. for products, the vendor's name joined to the product text ("Northgate" +
   "Revenues & Benefits"), and the product text with the vendor's name taken off; a
   product written as just the vendor's name is that vendor's product when it has only one;
4. for products of an already resolved vendor only: a similarity of at least
   :data:`FUZZY_THRESHOLD` (token-sort ratio: word order ignored, extra words penalised)
   to exactly one of that vendor's products,
   reported as information (I300) so the match is explainable.  Two products of one
   vendor are never merged by similarity: a second candidate within 5 points blocks it.

What still does not match is reported with the closest catalogue names.  Bespoke and
in-house systems ("In-house", "Bespoke", "Developed in house") are recognised and never
resolve to a product, so two councils' home-grown systems are never "one product".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Optional

try:
    from rapidfuzz import fuzz, process
except ImportError:  # pragma: no cover - rapidfuzz is a declared dependency
    fuzz = process = None

FUZZY_THRESHOLD = 90

LEGAL_SUFFIXES = {"ltd", "limited", "plc", "llp", "llc", "inc", "incorporated", "corp",
                  "corporation", "co", "company", "gmbh", "bv", "ag", "sa", "nv", "pty"}
GENERIC_WORDS = {"uk", "gb", "group", "holdings", "holding", "international", "europe",
                 "emea", "software", "solutions", "services", "systems", "technologies",
                 "technology", "public", "sector", "business", "information", "it",
                 "digital", "consulting", "global", "the", "and", "computer", "computing"}
BESPOKE_WORDS = {"bespoke", "in house", "inhouse", "internal", "home grown", "homegrown",
                 "custom", "custom built", "in house development", "developed in house",
                 "internally developed", "council developed", "own development",
                 "in house build", "bespoke build", "bespoke development", "self built",
                 "in house developed", "internal development"}


@lru_cache(maxsize=65536)
def normal_form(text: str) -> str:
    """Case-, accent-, punctuation- and white-space-insensitive form of a name."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("+", " and ")
    text = re.sub(r"[\W_]+", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def key_form(text: str) -> str:
    """The normal form without trailing legal suffixes and generic company words."""
    words = normal_form(text).split()
    words = [w for w in words if w not in LEGAL_SUFFIXES]
    while len(words) > 1 and words[-1] in GENERIC_WORDS | LEGAL_SUFFIXES:
        words.pop()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def is_bespoke(*names: Optional[str]) -> bool:
    """True when a product or vendor name says the system was built by or for the council."""
    for name in names:
        if not name:
            continue
        norm = normal_form(name)
        if norm in BESPOKE_WORDS or norm.startswith(("bespoke ", "in house ")) \
                or " in house" in f" {norm}" or "bespoke" in norm.split():
            return True
    return False


class Match:
    __slots__ = ("id", "how", "score")

    def __init__(self, id: Optional[str], how: str, score: float = 100.0):
        self.id, self.how, self.score = id, how, score


class Matcher:
    """Resolve free-text vendor and product names against a catalogue."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.vendor_exact: dict[str, str] = {}
        self.vendor_key: dict[str, str] = {}
        self.product_exact: dict[str, str] = {}
        self.vendor_products: dict[str, list] = {}
        for vendor in catalogue.vendors.values():
            for name in [vendor.id, vendor.name, *vendor.aliases]:
                self.vendor_exact.setdefault(normal_form(name), vendor.id)
                self.vendor_key.setdefault(key_form(name), vendor.id)
        for product in catalogue.products.values():
            for name in [product.id, product.name, *product.aliases]:
                self.product_exact.setdefault(normal_form(name), product.id)
            self.vendor_products.setdefault(product.vendor, []).append(product)
        self._vendor_cache: dict[str, Match] = {}
        self._product_cache: dict[tuple, Match] = {}

    # vendors ---------------------------------------------------------------------------
    def vendor(self, text: Optional[str]) -> Match:
        if not text:
            return Match(None, "empty")
        hit = self._vendor_cache.get(text)
        if hit is None:
            hit = self._vendor(text)
            self._vendor_cache[text] = hit
        return hit

    def _vendor(self, text: str) -> Match:
        norm = normal_form(text)
        if norm in self.vendor_exact:
            return Match(self.vendor_exact[norm], "exact")
        key = key_form(text)
        if key in self.vendor_key:
            return Match(self.vendor_key[key], "key")
        # a legal name that starts with a known name: "Capita Business Services" -> capita
        words = key.split()
        for n in range(len(words) - 1, 0, -1):
            prefix = " ".join(words[:n])
            if prefix in self.vendor_key and all(w in GENERIC_WORDS for w in words[n:]):
                return Match(self.vendor_key[prefix], "key")
        return Match(None, "unresolved")

    # products --------------------------------------------------------------------------
    def product(self, text: Optional[str], vendor_text: Optional[str] = None,
                vendor_id: Optional[str] = None) -> Match:
        if not text:
            return Match(None, "empty")
        cache_key = (text, vendor_text, vendor_id)
        hit = self._product_cache.get(cache_key)
        if hit is None:
            hit = self._product(text, vendor_text, vendor_id)
            self._product_cache[cache_key] = hit
        return hit

    def _product(self, text, vendor_text, vendor_id) -> Match:
        norm = normal_form(text)
        if norm in self.product_exact:
            return Match(self.product_exact[norm], "exact")
        candidates = []
        if vendor_text:
            candidates.append(normal_form(f"{vendor_text} {text}"))
        if vendor_id:
            vendor = self.catalogue.vendors[vendor_id]
            for name in [vendor.name, *vendor.aliases]:
                candidates.append(normal_form(f"{name} {text}"))
                prefix = normal_form(name) + " "
                if norm.startswith(prefix):
                    candidates.append(norm[len(prefix):])
        for candidate in candidates:
            if candidate in self.product_exact:
                pid = self.product_exact[candidate]
                if not vendor_id or self.catalogue.products[pid].vendor == vendor_id:
                    return Match(pid, "vendor")
        if vendor_id:
            # "Whitespace" for a vendor with one product is that product
            vendor = self.catalogue.vendors[vendor_id]
            own = self.vendor_products.get(vendor_id, [])
            if len(own) == 1 and norm in {normal_form(n) for n in [vendor.name, *vendor.aliases]} \
                    | {key_form(vendor.name)}:
                return Match(own[0].id, "vendor")
        if vendor_id and fuzz is not None:
            return self._fuzzy_within_vendor(norm, vendor_id)
        return Match(None, "unresolved")

    def _fuzzy_within_vendor(self, norm: str, vendor_id: str) -> Match:
        vendor = self.catalogue.vendors[vendor_id]
        vendor_words = set(normal_form(" ".join([vendor.name, *vendor.aliases])).split())
        stripped = " ".join(w for w in norm.split() if w not in vendor_words) or norm
        best: dict[str, float] = {}
        for product in self.vendor_products.get(vendor_id, []):
            for name in [product.name, *product.aliases]:
                cand = " ".join(w for w in normal_form(name).split() if w not in vendor_words)
                score = fuzz.token_sort_ratio(stripped, cand or normal_form(name))
                best[product.id] = max(best.get(product.id, 0), score)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        if ranked and ranked[0][1] >= FUZZY_THRESHOLD and \
                (len(ranked) == 1 or ranked[1][1] < ranked[0][1] - 5):
            return Match(ranked[0][0], "fuzzy", ranked[0][1])
        return Match(None, "unresolved")

    # suggestions -----------------------------------------------------------------------
    def closest_vendors(self, text: str, limit: int = 3) -> list[str]:
        names = {v.name: v for v in self.catalogue.vendors.values()}
        return _closest(text, list(names), limit)

    def closest_products(self, text: str, vendor_id: Optional[str] = None, limit: int = 3) -> list[str]:
        pool = self.vendor_products.get(vendor_id) if vendor_id else None
        pool = pool or list(self.catalogue.products.values())
        return _closest(text, [p.name for p in pool], limit)


def _closest(text: str, names: list[str], limit: int) -> list[str]:
    if not names:
        return []
    if process is not None:
        found = process.extract(normal_form(text), names, scorer=fuzz.WRatio,
                                processor=normal_form, limit=limit)
        return [name for name, score, _ in found if score >= 50]
    import difflib
    return difflib.get_close_matches(text, names, n=limit, cutoff=0.3)


def default_catalogue_files() -> list[str]:
    """Paths of the catalogue files shipped in the package, in load order."""
    folder = resources.files("estate") / "data" / "catalogue"
    return sorted(str(p) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))
