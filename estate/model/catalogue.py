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

A product name matches a catalogue product only when no vendor is written, or the
vendor written resolves to that product's vendor (by its name, an alias or a former
name: "Servelec" for System C), is a former vendor named in one of the product's aliases
("Pitney Bowes" for "Pitney Bowes Confirm") or, when it resolves to no vendor, is a misspelling of one
of that vendor's names (:data:`MISSPELLING_SIMILARITY`).  ``{product: Mosaic, vendor: Experian}`` is not System
C's Mosaic, and ``{product: Uniform, vendor: Civica}`` is not Idox Uniform: such a
product stays unresolved (``how == "other-vendor"``), so it is never merged with the
catalogue product into shared products or consolidation, and it is reported (W210)
naming both vendors.

What still does not match is reported with the closest catalogue names, searched among
names, aliases and former names ("Northgat" suggests NEC Software Solutions UK).  Bespoke and
in-house systems ("In-house", "Bespoke", "Developed in house") are recognised and never
resolve to a product, so two councils' home-grown systems are never "one product".
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from functools import lru_cache
from importlib import resources
from typing import Optional

from rapidfuzz import fuzz, process

FUZZY_THRESHOLD = 90

#: an unknown vendor name this similar (0-100, rapidfuzz token-set ratio of the key forms:
#: extra words such as a misspelt "Limietd" are ignored) to a product's vendor is taken as
#: a misspelling of it, not as another vendor
MISSPELLING_SIMILARITY = 80

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
    """What a name resolved to: ``id`` (None when nothing), ``how`` and ``score``.

    ``how == "other-vendor"``: the product name is the catalogue's product ``other``,
    but the vendor written is not that product's vendor, so it is not matched.
    """

    __slots__ = ("id", "how", "score", "other")

    def __init__(self, id: Optional[str], how: str, score: float = 100.0,
                 other: Optional[str] = None):
        self.id, self.how, self.score, self.other = id, how, score, other


class Matcher:
    """Resolve free-text vendor and product names against a catalogue."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.vendor_exact: dict[str, str] = {}
        self.vendor_key: dict[str, str] = {}
        self.product_exact: dict[str, list] = {}     # normal form -> product ids
        self.vendor_products: dict[str, list] = {}
        for vendor in catalogue.vendors.values():
            for name in [vendor.id, vendor.name, *vendor.aliases]:
                self.vendor_exact.setdefault(normal_form(name), vendor.id)
                self.vendor_key.setdefault(key_form(name), vendor.id)
        for product in catalogue.products.values():
            for name in [product.id, product.name, *product.aliases]:
                ids = self.product_exact.setdefault(normal_form(name), [])
                if product.id not in ids:
                    ids.append(product.id)
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
        other = None     # a product of this name by another vendor than the one written
        if norm in self.product_exact:
            hit = self._of_vendor(self.product_exact[norm], vendor_text, vendor_id)
            if hit.id is not None:
                return hit
            other = hit.other
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
            for pid in self.product_exact.get(candidate, ()):
                if not vendor_id or self.catalogue.products[pid].vendor == vendor_id:
                    return Match(pid, "vendor")
        if vendor_id:
            # "Whitespace" for a vendor with one product is that product
            vendor = self.catalogue.vendors[vendor_id]
            own = self.vendor_products.get(vendor_id, [])
            if len(own) == 1 and norm in {normal_form(n) for n in [vendor.name, *vendor.aliases]} \
                    | {key_form(vendor.name)}:
                return Match(own[0].id, "vendor")
        if vendor_id:
            hit = self._fuzzy_within_vendor(norm, vendor_id)
            if hit.id is not None or other is None:
                return hit
        if other is not None:
            return Match(None, "other-vendor", other=other)
        return Match(None, "unresolved")

    def _of_vendor(self, pids: list, vendor_text, vendor_id) -> Match:
        """The product among ``pids`` (one name) made by the vendor written.

        With no vendor written, the first product of that name.  With a vendor written,
        only a product of that vendor (or of no recorded vendor) (``vendor_id``, resolved by name, alias or former
        name): a product name another vendor also uses is not that vendor's product
        (``{product: Uniform, vendor: Civica}`` is not Idox Uniform).
        """
        if not vendor_text:
            return Match(pids[0], "exact")
        for pid in pids:
            made_by = self.catalogue.products[pid].vendor
            if made_by is None or (vendor_id is not None and made_by == vendor_id):
                return Match(pid, "exact")
        for pid in pids:
            if self._former_vendor(vendor_text, vendor_id, pid):
                return Match(pid, "exact")
        if vendor_id is None:      # a vendor name the catalogue does not know: a misspelling?
            for pid in pids:
                if self._misspells(vendor_text, self.catalogue.products[pid].vendor):
                    return Match(pid, "exact")
        return Match(None, "other-vendor", other=pids[0])

    def _former_vendor(self, text: str, vendor_id: Optional[str], pid: str) -> bool:
        """True when a name of product ``pid`` starts with the vendor written: the catalogue
        keeps a product's former vendors in its aliases ("Pitney Bowes Confirm" for
        Brightly Confirm, "Capita One Education" for ESS One), so the vendor that sold it
        before an acquisition still names it."""
        vendor = self.catalogue.vendors.get(vendor_id) if vendor_id else None
        written = {normal_form(text), key_form(text)}
        if vendor is not None:
            written.update(normal_form(n) for n in (vendor.name, *vendor.aliases))
        product = self.catalogue.products[pid]
        return any(normal_form(name).startswith(f"{w} ")
                   for name in (product.name, *product.aliases) for w in written if w)

    def _misspells(self, text: str, vendor_id: str) -> bool:
        """True when ``text`` is within :data:`MISSPELLING_SIMILARITY` of one of the names of
        vendor ``vendor_id`` ("VMwrae" for VMware, "Capita plc Limietd" for Capita),
        compared without legal suffixes and generic words; "Experian" is not System C."""
        vendor = self.catalogue.vendors.get(vendor_id)
        if vendor is None:
            return False
        key = key_form(text)
        return any(fuzz.token_set_ratio(key, key_form(name)) >= MISSPELLING_SIMILARITY
                   for name in (vendor.name, *vendor.aliases))

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
        """Names of the vendors closest to ``text``, searching their names, aliases and
        former names; a vendor found by another name is shown as "Name (as 'alias')"."""
        names = {}
        for v in self.catalogue.vendors.values():
            for name in (v.name, *v.aliases):
                names.setdefault(name, v)
        # key forms are short ("nec", "capita"), where partial matching finds nonsense:
        # a plain edit-distance ratio suggests "Northgate" for "Northgat", not NEC for "Pennine"
        return _closest_owners(text, names, limit, key_form, fuzz.ratio, 70)

    def closest_products(self, text: str, vendor_id: Optional[str] = None, limit: int = 3) -> list[str]:
        """As :meth:`closest_vendors`, for products (of ``vendor_id`` when it has any)."""
        pool = self.vendor_products.get(vendor_id) if vendor_id else None
        pool = pool or list(self.catalogue.products.values())
        names = {}
        for p in pool:
            for name in (p.name, *p.aliases):
                names.setdefault(name, p)
        return _closest_owners(text, names, limit)


def _closest_owners(text: str, names: dict, limit: int, form=normal_form, scorer=fuzz.WRatio,
                    cutoff: float = 50) -> list[str]:
    """The owners of the names closest to ``text`` (one entry each, best first), names
    compared in ``form`` (vendors: without legal suffixes) by ``scorer``."""
    out: list[str] = []
    seen: set = set()
    for name in _closest(text, list(names), limit * 4, form, scorer, cutoff):
        owner = names[name]
        if owner.id in seen:
            continue
        seen.add(owner.id)
        out.append(owner.name if form(name) == form(owner.name)
                   else f"{owner.name} (as '{name}')")
        if len(out) == limit:
            break
    return out


def _closest(text: str, names: list[str], limit: int, form=normal_form, scorer=fuzz.WRatio,
             cutoff: float = 50) -> list[str]:
    if not names:
        return []
    found = process.extract(form(text), names, scorer=scorer, processor=form, limit=limit,
                            score_cutoff=cutoff)
    return [name for name, _, _ in found]


def default_catalogue_files() -> list[str]:
    """Paths of the catalogue files shipped in the package, in load order."""
    folder = resources.files("estate") / "data" / "catalogue"
    return sorted(str(p) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml")))


def catalogue_files(estate) -> list[str]:
    """The user's catalogue files an estate was loaded with (the shipped catalogue aside),
    as absolute paths: what ``estate import register`` needs to validate a register's
    records again (the register names them in a document property)."""
    shipped = {str(Path(f).resolve()) for f in default_catalogue_files()}
    cat = estate.catalogue
    records = [*cat.vendors.values(), *cat.products.values(), *cat.partnerships.values(),
               *cat.lines_of_business.values()]
    files = {str(Path(r.src.file).resolve()) for r in records if getattr(r, "src", None)}
    return sorted(files - shipped)
