"""Name normalisation and matching against the catalogue."""

from __future__ import annotations

import pytest

from estate.model import load
from estate.model.catalogue import Matcher, is_bespoke, key_form, normal_form
from estate.model.validate import build_estate
from estate.model.loader import parse_file

from estate_testing import MINI_CATALOGUE, load_mini


@pytest.fixture(scope="module")
def matcher():
    estate = build_estate([parse_file(str(MINI_CATALOGUE))])
    return Matcher(estate.catalogue)


def test_normal_form_ignores_case_punctuation_spacing_and_ampersands():
    assert normal_form("  Academy  Revenues & Benefits ") == "academy revenues and benefits"
    assert normal_form("ACADEMY REVENUES AND BENEFITS.") == "academy revenues and benefits"
    assert normal_form("Café-Systems") == "cafe systems"


@pytest.mark.parametrize("text,key", [
    ("NEC Software Solutions UK Ltd", "nec"),
    ("Northgate Public Services (UK) Limited", "northgate"),
    ("Capita Business Services Ltd", "capita"),
    ("The Access Group", "access"),
    ("System C", "system c"),
])
def test_key_form_drops_legal_suffixes_and_generic_words(text, key):
    assert key_form(text) == key


@pytest.mark.parametrize("text,vendor", [
    ("NEC Software Solutions UK Ltd", "nec"),
    ("Northgate Public Services (UK) Limited", "nec"),
    ("northgate", "nec"),
    ("NPS", "nec"),
    ("Capita Business Services Ltd", "capita"),
    ("CAPITA SOFTWARE LIMITED", "capita"),
    ("Civica UK Limited", "civica"),
    ("Smallco Digital Ltd", "smallco"),
])
def test_vendor_strings_resolve(matcher, text, vendor):
    assert matcher.vendor(text).id == vendor


@pytest.mark.parametrize("text", ["Necessary Software Ltd", "Capitalise Ltd", "Acme Widgets"])
def test_unrelated_vendors_do_not_resolve(matcher, text):
    assert matcher.vendor(text).id is None


@pytest.mark.parametrize("product,vendor,expected", [
    ("iWorld", None, "nec-revenues-benefits"),
    ("NEC Revenues and Benefits", None, "nec-revenues-benefits"),
    ("Revenues & Benefits", "Northgate", "nec-revenues-benefits"),
    ("Housing", "NEC", "nec-housing"),
    ("Academy", "Capita", "capita-academy"),
    ("academy revenues and benefits", None, "capita-academy"),
])
def test_product_strings_resolve(matcher, product, vendor, expected):
    vendor_id = matcher.vendor(vendor).id if vendor else None
    assert matcher.product(product, vendor, vendor_id).id == expected


def test_one_vendors_distinct_products_are_never_merged(matcher):
    nec = "nec"
    assert matcher.product("NEC Housing", "NEC", nec).id == "nec-housing"
    assert matcher.product("NEC Revenues & Benefits", "NEC", nec).id == "nec-revenues-benefits"
    # 'NEC Housing Benefits' is neither: it must not be forced onto one of them
    assert matcher.product("Housing Benefits Portal", "NEC", nec).id is None


@pytest.mark.parametrize("name", ["In-house", "Bespoke", "Developed in house", "bespoke CRM",
                                  "In house development", "INHOUSE"])
def test_bespoke_names_are_recognised(name):
    assert is_bespoke(name)


@pytest.mark.parametrize("name", ["Housing", "Civica", "Customer Insight", None])
def test_ordinary_names_are_not_bespoke(name):
    assert not is_bespoke(name)


def test_unresolved_names_are_warnings_with_the_closest_catalogue_names(inventory):
    inventory("a.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: x, name: X, supports: [], vendor: Civika Ltd, product: Open Revenue}
        contracts:
          - {id: C1, supplier: Smalco Digital, end: 2027-01-01}
    """)
    estate = load_mini(inventory.folder)
    assert not estate.errors
    warnings = {(p.code, p.message): p.hint for p in estate.problems if p.severity == "warning"}
    assert warnings[("W201", "vendor 'Civika Ltd' of 'alpha/x' matches no catalogue vendor")] \
        .startswith("closest catalogue vendors: Civica")
    assert "Smallco Digital" in warnings[("W201", "supplier 'Smalco Digital' of 'alpha/C1' matches "
                                                  "no catalogue vendor")]
    assert "Civica OpenRevenues" in warnings[("W202", "product 'Open Revenue' of system 'alpha/x' "
                                                      "matches no catalogue product")]


def test_bespoke_systems_resolve_to_no_product_and_raise_no_warning(inventory):
    inventory("a.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha}
        systems:
          - {id: x, name: Markets, supports: [], vendor: In-house development, product: Bespoke}
    """)
    estate = load_mini(inventory.folder)
    system = estate.authorities["alpha"].systems["x"]
    assert system.bespoke and system.product_id is None and system.vendor_id is None
    assert [p for p in estate.problems if p.code in ("W201", "W202")] == []


def test_the_shipped_catalogue_is_valid_and_rich():
    estate = load([str(MINI_CATALOGUE)], default_catalogue=True)
    assert not estate.errors, [p.format() for p in estate.errors]


def test_a_council_or_partnership_as_supplier_is_a_public_body_not_an_unresolved_vendor(inventory):
    inventory("a.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha Borough Council, partnerships: [trio]}
        contracts:
          - {id: C1, supplier: Beta Council, end: 2027-01-01}
          - {id: C2, supplier: Trio Shared ICT, end: 2027-01-01}
        ---
        kind: authority
        authority: {id: beta, name: Beta Council}
    """)
    estate = load_mini(inventory.folder)
    contracts = estate.authorities["alpha"].contracts
    assert (contracts["C1"].supplier_body, contracts["C2"].supplier_body) == ("beta", "trio")
    assert [p for p in estate.problems if p.code == "W201"] == []


def test_a_product_written_as_the_vendor_name_is_its_only_product(matcher):
    # Civica has one product in the mini catalogue; NEC has two, so "NEC" stays unresolved
    assert matcher.product("Civica", "Civica", "civica").id == "civica-openrevenues"
    assert matcher.product("NEC", "NEC", "nec").id is None
