"""Who supplies a system: shared helpers for the analyses.

A council named as the vendor of its own system (``vendor: Northbrook Borough Council``
on a Northbrook system, or its id) built or runs it itself: the system is **in-house**,
like one marked bespoke.  It is no "system with no contract" and no public-body
supplier.  Names match ignoring case, punctuation, "the" and "council", so "Southvale
London Borough Council" and "Southvale London Borough" are one.
"""

from __future__ import annotations

from estate.model.catalogue import normal_form


def council_form(text: str) -> str:
    """A council's name without 'council' and 'the' ("Southvale London Borough Council" ->
    "southvale london borough"), so a supplier written either way matches."""
    words = [w for w in normal_form(text).split() if w not in ("council", "the")]
    return " ".join(words)


def names_own_council(estate, system) -> bool:
    """Whether a system's ``vendor`` names its own council (by id or name)."""
    if not system.vendor or system.vendor_id:
        return False
    authority = estate.authorities.get(system.authority)
    if authority is None:
        return False
    written = {normal_form(system.vendor), council_form(system.vendor)} - {""}
    own = {normal_form(authority.id), normal_form(authority.name), council_form(authority.name)} - {""}
    return bool(written & own)


def in_house(estate, system) -> bool:
    """Built or run by its own council: bespoke, or naming its own council as the vendor."""
    return bool(system.bespoke) or names_own_council(estate, system)


def vendor_of(estate, system):
    """The catalogue vendor of a system: its own, else its product's (None if neither)."""
    if system.vendor_id:
        return system.vendor_id
    product = estate.catalogue.products.get(system.product_id) if system.product_id else None
    return product.vendor if product else None
