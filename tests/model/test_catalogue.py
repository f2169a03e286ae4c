"""Name normalisation and matching against the catalogue."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- a product name is that product only when the vendor written makes it -------------------

def test_a_product_name_of_another_vendor_is_kept_apart_and_reported(tmp_path):
    (tmp_path / "a.yaml").write_text("""\
kind: authority
authority: {id: alpha, name: Alpha Council}
systems:
  - {id: a-mosaic, name: Mosaic, supports: [], product: Mosaic, vendor: Experian}
  - {id: a-mosaic-2, name: Mosaic, supports: [], product: Mosaic, vendor: System C}
  - {id: a-uniform, name: Uniform, supports: [], product: Uniform, vendor: Civica}
  - {id: a-uniform-2, name: Uniform, supports: [], product: Uniform, vendor: Idox}
  - {id: a-uniform-3, name: Uniform, supports: [], product: Uniform}
  - {id: a-confirm, name: Confirm, supports: [], product: Confirm, vendor: Pitney Bowes}
""", encoding="utf-8")
    estate = load([str(tmp_path)])
    systems = estate.authorities["alpha"].systems
    got = {sid: (s.product_id, s.vendor_id) for sid, s in systems.items()}
    assert got == {
        "a-mosaic": (None, None),                       # Experian: not in the catalogue
        "a-mosaic-2": ("system-c-mosaic", "system-c"),
        "a-uniform": (None, "civica"),                  # Civica, as written: not Idox Uniform
        "a-uniform-2": ("idox-uniform", "idox"),
        "a-uniform-3": ("idox-uniform", "idox"),        # no vendor written: the catalogue's
        "a-confirm": ("brightly-confirm", "brightly"),  # a former vendor, in an alias
    }
    w210 = [p for p in estate.problems if p.code == "W210"]
    assert [(p.line, p.message) for p in w210] == [
        (4, "product 'Mosaic' of system 'alpha/a-mosaic' is the name of the catalogue's 'Mosaic', "
            "made by System C Healthcare, but the vendor written is 'Experian'; they are kept "
            "apart, not counted as one product"),
        (6, "product 'Uniform' of system 'alpha/a-uniform' is the name of the catalogue's "
            "'Idox Uniform', made by Idox, but the vendor written is 'Civica'; they are kept "
            "apart, not counted as one product"),
    ]
    assert w210[1].hint == ("if the system is Idox Uniform, write vendor: Idox; if it is a product "
                            "of Civica, add it to a kind: catalogue document under that vendor, "
                            "with its own id")
    assert w210[1].severity == "warning"
    # the mismatch is the one problem said about those products: no W202 beside it
    assert [p for p in estate.problems if p.code == "W202"] == []


def test_a_misspelt_vendor_of_the_product_still_matches_it(tmp_path):
    (tmp_path / "a.yaml").write_text("""\
kind: authority
authority: {id: alpha, name: Alpha Council}
systems:
  - {id: a-uniform, name: Uniform, supports: [], product: Uniform, vendor: Idox Limietd}
""", encoding="utf-8")
    estate = load([str(tmp_path)])
    system = estate.authorities["alpha"].systems["a-uniform"]
    assert (system.product_id, system.vendor_id) == ("idox-uniform", "idox")
    assert [p.code for p in estate.problems if p.severity != "info"] == ["W201"]


def test_did_you_mean_searches_aliases_and_former_names(tmp_path):
    (tmp_path / "a.yaml").write_text("""\
kind: authority
authority: {id: alpha, name: Alpha Council}
contracts:
  - {id: C1, supplier: Northgat, end: 2027-01-01}
""", encoding="utf-8")
    estate = load([str(tmp_path)])
    [w201] = [p for p in estate.problems if p.code == "W201"]
    assert w201.hint.startswith("closest catalogue vendors: NEC Software Solutions UK (as "
                                "'Northgate')")


_VENDORS = {"alpha": ("Alphasoft", ["Alpha Systems", "Old Alpha"]),
            "beta": ("Betaware", ["Beta Group", "Formerly Kappa"])}
_PRODUCTS = {"alpha-mosaic": ("alpha", "Alpha Mosaic", ["Mosaic", "Frameworx"]),
             "beta-ledger": ("beta", "Beta Ledger", ["Ledger", "Uniform"])}


def _toy_matcher() -> Matcher:
    from estate.model import records as R
    catalogue = R.Catalogue()
    for vid, (name, aliases) in _VENDORS.items():
        catalogue.vendors[vid] = R.Vendor(id=vid, name=name, aliases=aliases)
    for pid, (vid, name, aliases) in _PRODUCTS.items():
        catalogue.products[pid] = R.Product(id=pid, name=name, vendor=vid, aliases=aliases)
    return Matcher(catalogue)


_PRODUCT_NAMES = [(pid, n) for pid, (_, name, aliases) in _PRODUCTS.items() for n in [name, *aliases]]
_VENDOR_NAMES = [(vid, n) for vid, (name, aliases) in _VENDORS.items() for n in [name, *aliases]]


@given(product=st.sampled_from(_PRODUCT_NAMES),
       vendor=st.one_of(st.none(), st.sampled_from(_VENDOR_NAMES),
                        st.sampled_from([(None, "Experian"), (None, "Zenith Widgets Ltd"),
                                         (None, "Quorum Civic")])),
       spelling=st.sampled_from([str, str.upper, str.lower, lambda t: f"  {t} Ltd"]))
@settings(max_examples=300, deadline=None)
def test_a_product_matches_only_with_its_own_vendor_or_none(product, vendor, spelling):
    matcher = _toy_matcher()
    pid, product_text = product
    if vendor is None:
        vendor_text, vendor_id = None, None
    else:
        expected_vendor, vendor_text = vendor
        vendor_text = spelling(vendor_text)
        vendor_id = matcher.vendor(vendor_text).id
        assert vendor_id == expected_vendor          # names, aliases and former names resolve
    match = matcher.product(product_text, vendor_text, vendor_id)
    made_by = _PRODUCTS[pid][0]
    if vendor_text is None or vendor_id == made_by:
        assert (match.id, match.how) == (pid, "exact")
    else:                                            # another vendor, or one not in the catalogue
        assert (match.id, match.how, match.other) == (None, "other-vendor", pid)


@given(vendor_text=st.text(min_size=1, max_size=30), product=st.sampled_from(_PRODUCT_NAMES))
@settings(max_examples=300, deadline=None)
def test_a_resolved_vendor_never_gets_another_vendors_product(vendor_text, product):
    matcher = _toy_matcher()
    vendor_id = matcher.vendor(vendor_text).id
    match = matcher.product(product[1], vendor_text, vendor_id)
    if match.id is not None and vendor_id is not None:
        assert _PRODUCTS[match.id][0] == vendor_id


def test_vendor_suggestions_are_close_spellings_not_shared_letters(tmp_path):
    (tmp_path / "a.yaml").write_text("""\
kind: authority
authority: {id: alpha, name: Alpha Council}
contracts:
  - {id: C1, supplier: Pennine Digital Ltd, end: 2027-01-01}
  - {id: C2, supplier: Capitta Ltd, end: 2027-01-01}
""", encoding="utf-8")
    hints = {p.message.split("'")[1]: p.hint for p in load([str(tmp_path)]).problems if p.code == "W201"}
    # 'pennine' shares letters with 'nec', nothing more: no suggestion beats a false one
    assert hints["Pennine Digital Ltd"] == ("add the vendor to a kind: catalogue document with this "
                                           "name as an alias")
    assert hints["Capitta Ltd"].startswith("closest catalogue vendors: Capita;")
