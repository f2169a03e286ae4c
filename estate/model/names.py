"""Names to catalogue ids: each system's product and vendor, each contract's supplier.

Free text stays as written on the record; what it resolves to goes beside it
(``vendor_id``, ``product_id``, ``supplier_body``).  The matching itself is
:class:`~estate.model.catalogue.Matcher`; this module applies it to the estate, once per
distinct name, and reports what does not resolve with the closest catalogue names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from estate.model.catalogue import Matcher, is_bespoke, key_form, normal_form
from estate.model.entities import Builder
from estate.model.references import doc_of


#: words that name the kind of council, not the council ("London Borough of X", "X City Council")
COUNCIL_WORDS = {"council", "borough", "county", "district", "city", "metropolitan", "london",
                 "royal", "of", "the", "and", "unitary", "authority"}


@lru_cache(maxsize=4096)
def body_form(name: str) -> str:
    """A council's name without the words for its kind: "Northbrook Borough Council" and
    "London Borough of Northbrook" are both "northbrook"."""
    return " ".join(w for w in re.split(r"[ -]", normal_form(name)) if w not in COUNCIL_WORDS)


def resolve_names(b: Builder) -> None:
    """Resolve every vendor, supplier and product name to the catalogue (see the module)."""
    matcher = Matcher(b.catalogue)
    unresolved_vendor: dict[str, list] = {}
    # suppliers that are public bodies in the inputs (a council selling a service to
    # another, or the shared service itself) are not vendors to resolve
    bodies: dict[str, str] = {}
    for body in list(b.authorities.values()) + list(b.catalogue.partnerships.values()):
        for name in (body.id, body.name):
            bodies.setdefault(normal_form(name), body.id)
            bodies.setdefault(key_form(name), body.id)
    for body in b.authorities.values():      # "Northbrook Council" for Northbrook Borough Council
        for name in (body.id, body.name):
            if body_form(name):
                bodies.setdefault(body_form(name), body.id)

    def body_of(text: str):
        return bodies.get(key_form(text)) or bodies.get(normal_form(text)) or \
            bodies.get(body_form(text))

    by_number = {v.company_number: v.id for v in b.catalogue.vendors.values() if v.company_number}
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
                s.vendor_body = body_of(s.vendor)
                if s.vendor_body == authority.id:     # the council itself: in-house
                    s.bespoke = True
                    continue
                if s.vendor_body is None:
                    unresolved_vendor.setdefault(s.vendor, []).append((s.src, "vendor", s.qid))
                else:     # run by a shared service or another council: its product as named
                    p = matcher.product(s.product)
            s.product_id = p.id
            if p.id:
                if s.vendor_id is None:
                    s.vendor_id = b.catalogue.products[p.id].vendor
                if p.how == "fuzzy":
                    doc_of(b, s.src).report(
                        "I300", f"product '{s.product}' of system '{s.qid}' was matched to "
                        f"'{b.catalogue.products[p.id].name}' by similarity ({p.score:.0f}/100)",
                        s.src.where + ("product",),
                        f"add '{s.product}' to the product's aliases to make the match exact")
            elif p.how == "other-vendor":
                _report_other_vendor(b, s, b.catalogue.products[p.other])
            elif s.product:
                unresolved_product.setdefault((s.product, s.vendor_id), []).append(
                    (s.src, "product", s.qid))
        for c in authority.contracts.values():
            if c.supplier_company_number in by_number:    # before any name matching
                c.vendor_id = by_number[c.supplier_company_number]
                continue
            match = supplied.get(c.supplier)
            if match is None:         # once per distinct supplier, as for products above
                v = matcher.vendor(c.supplier)
                body = None if v.id is not None else body_of(c.supplier)
                match = supplied[c.supplier] = (
                    v.id, body, bool(c.supplier) and v.id is None and body is None
                    and not is_bespoke(c.supplier))
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
            doc_of(b, src).report("W201", f"{field} '{text}' of '{qid}' matches no catalogue vendor",
                                   src.where + (field,), hint)
    for (text, vendor_id), places in unresolved_product.items():
        closest = matcher.closest_products(text, vendor_id)
        hint = (f"closest catalogue products: {', '.join(closest)}; if it is one of them, add "
                f"'{text}' to its aliases" if closest else
                "add the product to a kind: catalogue document")
        for src, field, qid in places:
            doc_of(b, src).report("W202", f"product '{text}' of system '{qid}' matches no "
                                   "catalogue product", src.where + (field,), hint)


def _report_other_vendor(b: Builder, s, product) -> None:
    """W210: the product name is a catalogue product of another vendor than the one written."""
    maker = b.catalogue.vendors.get(product.vendor)
    maker_name = maker.name if maker else product.vendor
    written = b.catalogue.vendors[s.vendor_id].name if s.vendor_id else s.vendor
    doc_of(b, s.src).report(
        "W210", f"product '{s.product}' of system '{s.qid}' is the name of the catalogue's "
        f"'{product.name}', made by {maker_name}, but the vendor written is '{s.vendor}'"
        + (f" ({written})" if written != s.vendor else "")
        + "; they are kept apart, not counted as one product",
        s.src.where + ("vendor",),
        f"if the system is {product.name}, write vendor: {maker_name}; if it is a product of "
        f"{written}, add it to a kind: catalogue document under that vendor, with its own id")
