"""Stable problem codes.

A code never changes meaning once released; new problems get new codes.  E = error
(the run stops), W = warning (reported in ``data_quality``; ``--strict`` makes it an
error), I = information.  ``docs/problems.md`` lists them; a test keeps the two in step.
"""

CODES = {
    # reading files
    "E100": ("not-utf8", "the file is not UTF-8 text"),
    "E101": ("yaml-syntax", "the YAML cannot be parsed"),
    "E102": ("alias-bomb", "YAML aliases expand beyond the safe limit"),
    "E103": ("empty-file", "the file holds no YAML document"),
    "E104": ("no-inventories", "no *.yaml or *.yml file under the paths given"),
    "E105": ("unreadable-file", "a path that is not a regular file (a folder, FIFO, device or link to one) or cannot be opened"),
    "E106": ("file-too-large", "a file larger than the size limit (64 MiB unless ESTATE_MAX_FILE_BYTES says otherwise)"),
    # document structure
    "E110": ("not-a-mapping", "a document or entry is not a mapping of keys to values"),
    "E111": ("unknown-kind", "`kind` is missing or not one the toolkit knows"),
    "E120": ("missing-field", "a required field is missing"),
    "E121": ("wrong-type", "a field holds the wrong type of value"),
    "E122": ("bad-id", "an id is not a slug"),
    "E123": ("bad-value", "a field holds a value outside its list of allowed values"),
    "E124": ("bad-date", "a date is impossible or not ISO 8601"),
    "E125": ("bad-money", "money written as text or negative"),
    "E126": ("bad-number", "a number is negative or not a number"),
    "E127": ("date-order", "dates are in an impossible order"),
    "E128": ("bad-company-number", "a Companies House number that is not 8 digits, or 2 letters and 6 digits"),
    "E130": ("duplicate-id", "the same id is defined twice"),
    "E131": ("conflicting-authority", "one authority id is given different details in two places"),
    "E132": ("duplicate-key", "a key is given twice in one mapping (YAML would keep only the last)"),
    # references
    "E140": ("unknown-system", "a reference to a system that does not exist"),
    "E141": ("unknown-line-of-business", "a reference to a line of business that does not exist"),
    "E142": ("unknown-partnership", "a reference to a partnership that does not exist"),
    "E143": ("unknown-vendor-id", "a catalogue product names a vendor id that does not exist"),
    # warnings: kept, reported, analysed around
    "W200": ("unknown-key", "a key the format does not define (kept and reported)"),
    "W201": ("unresolved-vendor", "a vendor or supplier name matches no catalogue vendor"),
    "W202": ("unresolved-product", "a product name matches no catalogue product"),
    "W203": ("number-as-text", "a value that should be text was written as a number"),
    "W204": ("unknown-authority-reference", "a reference to an authority not in the inputs"),
    "W205": ("unmapped-line-of-business", "a local line of business not mapped to the shared taxonomy"),
    "W207": ("membership-mismatch", "an authority and a partnership disagree about membership"),
    "W208": ("unknown-gss-code", "a GSS code not in the list of UK local authorities"),
    "W209": ("date-order", "dates in an unusual order"),
    "W210": ("product-of-another-vendor", "a product name the catalogue gives to another vendor than the one written"),
    "W211": ("duplicate-entry", "a list gives the same entry twice (it is counted once)"),
    "I300": ("fuzzy-match", "a name matched a catalogue entry by similarity, not exactly"),
    "I301": ("implicit-line-of-business", "a system supports a taxonomy line of business the authority does not list"),
    "I302": ("partner-not-analysed", "a partnership lists a member authority that is not in the inputs"),
    "I303": ("contract-end-unknown", "a contract without an end date (unknown or rolling): analyses that need one do not judge it"),
    # found by the analyses (estate/analyses/quality.py): warnings unless an item says info
    "Q501": ("no-contract", "a live system that no contract covers"),
    "Q502": ("contract-covers-nothing", "a contract that covers no system"),
    "Q503": ("past-end-of-support", "a live system past its vendor's end of support"),
    "Q504": ("expired-contract-in-use", "a contract that has ended still covers live systems"),
    "Q505": ("no-annual-cost", "a live system with no annual cost"),
    "Q506": ("line-without-system", "a line of business with no live system supporting it"),
    "Q507": ("depends-on-retired", "a system in service depends on a retired system"),
}


def name_of(code: str) -> str:
    return CODES[code][0]


def severity_of(code: str) -> str:
    return {"E": "error", "W": "warning", "I": "info", "Q": "warning"}[code[0]]
