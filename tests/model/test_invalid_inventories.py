"""One test per invalid inventory in tests/fixtures/invalid: exact code, place, message.

Each case is run through the command line (exit code 1, the message on stdout, no
traceback) and through the library (the exact Problem).  A fixture without an
expectation here fails the suite, so no case goes untested.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from estate.cli import main
from estate.model import load

INVALID = Path(__file__).parent.parent / "fixtures" / "invalid"
MANY = INVALID / "many" / "independent-errors.yaml"

# file -> (code, line, column, message, hint)
EXPECTED = {
    "syntax.yaml": ("E101", 8, 4, "YAML syntax error: while parsing a block collection did not find "
                    "expected '-' indicator",
                    "check the indentation and that every ':' in a value is inside quotes"),
    "tabs.yaml": ("E101", 6, 1, "YAML syntax error: while scanning for the next token found "
                  "character that cannot start any token",
                  "YAML does not allow tabs for indentation; use spaces"),
    "duplicate-id.yaml": ("E130", 9, 9, "system 'th-crm' of authority 'testham' is defined twice: "
                          "also at {dir}/duplicate-id.yaml:6", "give each its own id, or remove one"),
    "missing-field.yaml": ("E120", 6, 5, "system 'th-crm' of 'testham' is missing required field "
                           "'name'", None),
    "wrong-type.yaml": ("E121", 8, 15, "'supports' of system 'th-crm' of 'testham' must be a list, "
                        "not the text 'council-tax'", "write supports: [council-tax]"),
    "money-as-text.yaml": ("E125", 9, 18, "'annual_cost' of system 'th-academy' of 'testham' is "
                           "written as text ('£180,000'); money is a plain number of pounds",
                           "write 180000, not '£180,000'"),
    "impossible-date.yaml": ("E124", 8, 10, "'end' of contract 'TH-001' of 'testham' is "
                             "'2026-13-45', which is not a real date (month must be in 1..12)",
                             "write a real date as YYYY-MM-DD"),
    "unknown-kind.yaml": ("E111", 1, 7, "unknown kind 'authorty': use 'authority' or 'catalogue'",
                          "did you mean 'authority'?"),
    "missing-kind.yaml": ("E111", 1, 1, "document 1 has no 'kind'",
                          "add 'kind: authority' or 'kind: catalogue' at the top"),
    "bad-slug.yaml": ("E122", 3, 7, "'Test Ham' is not a valid id for the authority: use lower-case "
                      "letters, digits and hyphens, starting with a letter or digit", "try 'test-ham'"),
    "not-utf8.yaml": ("E100", 7, 19, "the file is not UTF-8 text: byte 0xa3 cannot be decoded",
                      "save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: 'Save with "
                      "encoding UTF-8'); byte 0xa3 looks like Windows-1252 '£'"),
    "alias-bomb.yaml": ("E102", 3, 1, "document 1 expands through YAML aliases to more than "
                        "1,000,000 values; refused as an alias bomb",
                        "write the values out, or use fewer nested aliases"),
    "recursive-alias.yaml": ("E102", 3, 1, "document 1 refers to itself through a YAML alias",
                             "remove the alias that points back to its own anchor"),
    "unknown-system.yaml": ("E140", 10, 17, "system 'th-academy' of 'testham' depends on "
                            "'th-finance', which does not exist", "did you mean 'th-finance-ledger'?"),
    "unknown-contract-cover.yaml": ("E140", 12, 14, "contract 'TH-003' of 'testham' covers system "
                                    "'th-acadamy', which does not exist",
                                    "did you mean 'th-academy'?"),
    "unknown-line-of-business.yaml": ("E141", 8, 29, "system 'th-academy' of 'testham' supports "
                                      "'busines-rates', which is neither in the taxonomy nor in the "
                                      "authority's lines_of_business", "did you mean 'business-rates'?"),
    "unknown-partnership.yaml": ("E142", 5, 18, "authority 'testham' belongs to partnership "
                                 "'trio-ict', which no catalogue defines",
                                 "define it under 'partnerships:' in a kind: catalogue document"),
    "empty.yaml": ("E103", 1, 1, "the file holds no YAML document",
                   "add inventory content (see SPEC.md), or remove the file"),
    "comment-only.yaml": ("E103", 1, 1, "the file holds no YAML document",
                          "add inventory content (see SPEC.md), or remove the file"),
    "bad-value.yaml": ("E123", 8, 14, "'sass' is not a known hosting for system 'th-crm' of "
                       "'testham': use one of on-premise, hosted, saas, cloud, hybrid, unknown",
                       "did you mean 'saas'?"),
    "date-order.yaml": ("E127", 9, 10, "contract 'TH-002' of 'testham' starts on 2027-04-01 after "
                        "it ends on 2026-03-31", "check the start and end dates"),
    "not-a-mapping.yaml": ("E110", 1, 1, "document 1 must be a mapping with a 'kind', not a list",
                           "start the document with 'kind: authority' or 'kind: catalogue'"),
    "negative-number.yaml": ("E126", 9, 12, "'users' of system 'th-crm' of 'testham' is -5; it must "
                             "be between 0 and 10000000", None),
}


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in INVALID.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_inventory_is_reported_exactly(name):
    code, line, column, message, hint = EXPECTED[name]
    path = INVALID / name
    estate = load([str(path)])
    errors = estate.errors
    assert len(errors) == 1, [p.format() for p in errors]
    problem = errors[0]
    assert (problem.code, problem.file, problem.line, problem.column) == (code, str(path), line, column)
    assert problem.message == message.replace("{dir}", str(INVALID))
    assert problem.hint == hint


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_inventory_exits_1_with_the_message(name):
    code, line, column, message, _ = EXPECTED[name]
    path = INVALID / name
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first == f"{path}:{line}:{column}: {code} {message.replace('{dir}', str(INVALID))}"
    assert "Traceback" not in result.output


def test_one_pass_reports_every_problem_of_a_file(inventory):
    inventory("many.yaml", """
        kind: authority
        authority:
          id: testham
          name: Testham Borough Council
        systems:
          - id: th-academy
            name: Academy
            supports: [council-tax]
            annual_cost: "£1,200"
            end_of_support: 2025-02-30
          - id: th-crm
            supports: [cuncil-tax]
        contracts:
          - id: TH-1
            supplier: Capita
            end: 31/03/2027
    """)
    estate = load([str(inventory.folder)])
    got = [(p.code, p.line) for p in estate.errors]
    assert got == [("E125", 9), ("E124", 10), ("E120", 11), ("E141", 12), ("E124", 16)]


def test_independent_errors_are_all_reported_in_one_pass():
    # a bad authority id, a duplicate system id, a contract without a supplier: none of
    # them hides the problems after it
    estate = load([str(MANY)])
    got = [(p.code, p.line, p.column) for p in estate.problems]
    assert got == [
        ("E122", 4, 7),     # authority id 'Test Ham'
        ("E123", 6, 9),     # type: boro
        ("E130", 11, 9),    # th-crm defined twice...
        ("E123", 14, 14),   # ...and the second still checked: hosting: moon
        ("E141", 17, 16),   # supports cuncil-tax
        ("E125", 18, 18),   # annual_cost as text
        ("E126", 19, 12),   # users: -5
        ("E122", 20, 9),    # system id 'Bad System'...
        ("E123", 23, 13),   # ...and its status still checked
        ("E120", 25, 5),    # TH-001 has no supplier...
        ("E124", 26, 10),   # ...its impossible end...
        ("E140", 27, 14),   # ...and its unknown cover are still reported
        ("E127", 31, 10),   # TH-002 starts after it ends
    ]
    assert "'moon' is not a known hosting for system 'th-crm'" in estate.problems[3].message


def test_independent_errors_exit_1_listing_each():
    result = CliRunner().invoke(main, ["validate", str(MANY)])
    assert result.exit_code == 1
    assert sum(line.startswith(f"{MANY}:") for line in result.output.splitlines()) == 13
    assert result.output.splitlines()[-1] == "invalid: 13 error(s), 0 warning(s), 0 note(s) in 1 file(s)"
