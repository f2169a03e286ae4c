"""The shape of the inventory format (SPEC.md): the keys each entry may hold and the
patterns ids follow.  Shared by the checks, the fast path and the importers."""

from __future__ import annotations

import re

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CONTRACT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
MONEY_TEXT = re.compile(r"^\s*(?:GBP|£)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM])?\s*(?:GBP|pa|p\.a\.)?\s*$")

AUTHORITY_KEYS = {"id", "name", "type", "region", "gss_code", "partnerships"}
LINE_KEYS = {"id", "name", "maps_to", "statutory", "delivery"}
SYSTEM_KEYS = {"id", "name", "product", "vendor", "version", "hosting", "status", "introduced",
               "end_of_support", "supports", "depends_on", "data", "annual_cost", "users",
               "criticality", "owner", "replaced_by", "go_live", "retire_by"}
DATA_KEYS = {"personal_data", "api", "export_formats", "open_standards"}
DEPENDENCY_KEYS = {"system", "via"}
CONTRACT_KEYS = {"id", "supplier", "covers", "start", "end", "extension_until", "notice_months",
                 "annual_value", "total_value", "route", "framework", "sme", "procurement_started",
                 "supplier_company_number"}
VENDOR_KEYS = {"id", "name", "aliases", "sme", "history", "company_number"}
PRODUCT_KEYS = {"id", "name", "vendor", "aliases", "lines_of_business", "category"}
TAXONOMY_KEYS = {"id", "name", "function", "lgsl", "statutory"}
PARTNERSHIP_KEYS = {"id", "name", "kind", "members"}
AUTHORITY_DOC_KEYS = {"kind", "authority", "lines_of_business", "systems", "contracts"}
CATALOGUE_DOC_KEYS = {"kind", "vendors", "products", "lines_of_business", "partnerships"}
KINDS = ("authority", "catalogue")

#: bounds of numbers (docs/SPEC.md): money in pounds, counts of users, years of dates
MAX_MONEY = 100_000_000_000          # £100 billion: more than any council's budget
MAX_USERS = 10_000_000
MIN_YEAR, MAX_YEAR = 1900, 2199       # of any date; 'introduced' is 1950 to 2100

#: a Companies House company number: 8 digits, or 2 letters and 6 digits (SC123456)
COMPANY_NUMBER = re.compile(r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$")
