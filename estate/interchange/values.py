"""Cleaning the values councils' spreadsheets and notices hold, into SPEC values.

Every parser returns ``None`` for a blank cell and raises :class:`ValueProblem` (with a
plain-English message) for a value it cannot read, so that an importer can say which
row and column was wrong instead of guessing.

* dates: ISO ``2026-03-31`` (with or without a time), UK ``31/03/2026``, ``31.03.26``,
  ``31 March 2026``, spreadsheet date cells, and any ``strftime`` format a mapping names;
* money: ``£180,000``, ``180000.00``, ``£1.2m``, ``180k``, ``GBP 180,000 pa`` (a range such
  as ``£10,000 - £20,000`` is refused: which end is meant is a choice for a person);
* yes/no: ``yes``/``no``, ``y``/``n``, ``true``/``false``, ``1``/``0``, ``x``/blank...;
* lists: ``"a, b; c"`` or a spreadsheet list cell.

:func:`neutralise` and :func:`restore` deal with text that looks like a spreadsheet
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return at the start).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any, Optional


class ValueProblem(ValueError):
    """A value could not be read; the message says what was expected."""


MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([A-Za-z]+)\.?,?[\s\-]+(\d{2}|\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any) -> Optional[str]:
    """Text with HTML entities decoded, white space collapsed; ``None`` when blank."""
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = html.unescape(html.unescape(str(value)))        # "&amp;#039;" is seen in the wild
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return " ".join(text.split()) or None


def parse_date(value: Any, formats: Optional[list] = None, dayfirst: bool = True) -> Optional[dt.date]:
    """A date from a cell: a date or datetime, an ISO or UK text, or a spreadsheet serial."""
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:                     # an Excel serial day number (1954-2119)
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueProblem(f"{value!r} is a number, not a date")
    text = str(value).strip()
    for fmt in formats or ():
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    m = _ISO.match(text)
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DMY.match(text)
        if m:
            a, b, year = int(m.group(1)), int(m.group(2)), m.group(3)
            year = int(year) + (2000 if len(year) == 2 else 0)
            day, month = (a, b) if dayfirst else (b, a)
            return dt.date(year, month, day)
        m = _D_MONTH_Y.match(text)
        if m and m.group(2).lower() in MONTHS:
            year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
            return dt.date(year, MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError as exc:
        raise ValueProblem(f"{text!r} is not a real date ({exc})") from None
    hint = f" (the mapping's date format is {', '.join(formats)})" if formats else ""
    raise ValueProblem(f"{text!r} is not a date: write 31/03/2026 or 2026-03-31{hint}")


_MONEY = re.compile(r"^(?:GBP|£)?\s*([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*([kKmM]|bn)?$")


def parse_money(value: Any) -> Optional[float]:
    """Pounds as a number: ``"£180,000"`` -> 180000, ``"£1.2m"`` -> 1200000."""
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"{value!r} is not an amount of money")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueProblem(f"{value!r} is negative")
        return _number(value)
    text = clean_text(value) or ""
    text = re.sub(r"(?i)\s*\+\s*vat\b", " ", text)
    text = re.sub(r"(?i)\b(?:gbp|ex(?:cl(?:uding)?)?\.?\s*vat|inc(?:l(?:uding)?)?\.?\s*vat|\+\s*vat|"
                  r"p\.?a\.?|per annum|per year|a year)\b\.?", " ", text).strip()
    text = text.replace(" ", "") if re.fullmatch(r"[£0-9 ,.]+", text) else text
    m = _MONEY.match(text.strip())
    if not m:
        if re.search(r"\d\s*(?:-|–|to)\s*£?\d", text):
            raise ValueProblem(f"{value!r} is a range; write the one amount that is meant")
        raise ValueProblem(f"{value!r} is not an amount of money: write e.g. 180000 or £180,000")
    amount = float(m.group(1).replace(",", ""))
    amount *= {"k": 1e3, "m": 1e6, "bn": 1e9}.get((m.group(2) or "").lower(), 1)
    return _number(amount)


def _number(value) -> float:
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


YES = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "sme", "vcse"}
NO = {"no", "n", "false", "f", "0", "non-sme", "large"}
UNKNOWN = {"n/a", "na", "unknown", "not known", "-", "?", "tbc"}


def parse_bool(value: Any, yes=None, no=None) -> Optional[bool]:
    """``yes``/``no`` style cells; a mapping may give its own words for each."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold()
    if text in UNKNOWN:
        return None
    if text in {str(w).casefold() for w in (yes or YES)}:
        return True
    if text in {str(w).casefold() for w in (no or NO)}:
        return False
    raise ValueProblem(f"{value!r} is not yes or no")


def parse_int(value: Any, low: Optional[int] = None, high: Optional[int] = None) -> Optional[int]:
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"{value!r} is not a whole number")
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.year if low and low >= 1900 else value
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        raise ValueProblem(f"{value!r} is not a whole number") from None
    if not number.is_integer():
        raise ValueProblem(f"{value!r} is not a whole number")
    number = int(number)
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueProblem(f"{number} is outside {low}..{high}")
    return number


def parse_list(value: Any) -> list:
    """Items of a list cell, split on commas, semicolons or new lines."""
    if blank(value):
        return []
    if isinstance(value, (list, tuple)):
        return [clean_text(v) for v in value if not blank(v)]
    return [item for item in (clean_text(p) for p in re.split(r"[,;\n]", str(value))) if item]


def text_of(value: Any) -> Optional[str]:
    """A cell as text, the way a person typed it: 9.4 stays "9.4", 10.0 becomes "10"."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def slugify(text: str, fallback: str = "unnamed") -> str:
    """A SPEC slug: lower-case letters, digits and hyphens."""
    text = unicodedata.normalize("NFKD", html.unescape(str(text)))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug or fallback


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert with a leading ``'``.

    OWASP's advice for CSV injection: prefix ``'`` to any cell that starts with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return.  Numbers are left alone (a negative
    number is a number, not a formula).
    """
    if isinstance(text, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


#: control characters no output keeps: C0 except tab, new line and carriage return, DEL,
#: and the two non-characters XML 1.0 forbids
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def strip_control(text: str) -> str:
    """``text`` without NUL and the other control characters (tab and new lines kept)."""
    return CONTROL.sub("", text)


def csv_text(value: Any) -> Any:
    """The one rule for text in every CSV estate writes (export csv, export archi-csv):
    control characters removed, then formula-looking text made inert (:func:`neutralise`).
    Non-text values are returned as they are."""
    if not isinstance(value, str):
        return value
    return neutralise(strip_control(value))


def restore(text: Any) -> Any:
    """Undo :func:`neutralise`: ``'=SUM(A1)`` comes back as ``=SUM(A1)``."""
    if isinstance(text, str) and text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def route_of(*texts: Optional[str]) -> Optional[str]:
    """The SPEC route a free-text procurement method or process names, or ``None``.

    G-Cloud text -> ``g-cloud``; framework, call-off or dynamic purchasing system ->
    ``framework``; direct award, single tender, waiver or exemption -> ``direct-award``;
    shared service -> ``shared-service``; open procedure or open tender -> ``open-tender``;
    any other named method (restricted, negotiated, quotation...) -> ``other``.
    """
    text = " ".join(t for t in texts if t).casefold()
    if not text.strip() or text.strip(" -") in ("not specified", "not applicable", "other", "n/a"):
        return None
    if re.search(r"g-?\s?cloud", text):
        return "g-cloud"
    if re.search(r"framework|call[- ]?off|dynamic purchasing|\bdps\b|mini[- ]competition|further competition", text):
        return "framework"
    if re.search(r"direct award|\bdirect\b|single (?:tender|source)|waiver|exemption|sole supplier", text):
        return "direct-award"
    if re.search(r"shared service", text):
        return "shared-service"
    if re.search(r"\bopen\b|open tender|open procedure", text):
        return "open-tender"
    return "other"


_PERIOD = re.compile(r"(\d+(?:\.\d+)?)\s*(?:x|×|\*)\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?(?:\s*\+\s*\d+(?:\.\d+)?)*)")


def parse_extension(value: Any) -> Optional[int]:
    """The total length of the extensions a cell offers, in months.

    ``"2 x 12 months"`` -> 24, ``"1+1 years"`` -> 24, ``"up to 24 months"`` -> 24,
    ``"12 months"`` -> 12, ``"none"`` -> 0.  A number without a unit is months when it
    is over 5, otherwise years (``"1+1"`` is two one-year options).
    """
    if blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip().casefold()
    if text in UNKNOWN or text in ("none", "no", "nil", "0"):
        return 0
    for word, digit in (("one", "1"), ("two", "2"), ("three", "3"), ("four", "4"), ("five", "5"),
                        ("six", "6"), ("twelve", "12"), ("eighteen", "18"), ("twenty-four", "24")):
        text = re.sub(rf"\b{word}\b", digit, text)
    text = re.sub(r"\s*(?:months?|years?)\s*\+\s*", " + ", text)      # "6 months + 6 months"
    m = _PERIOD.search(text)
    if not m:
        raise ValueProblem(f"{value!r} is not an extension period: write e.g. '2 x 12 months'")
    if m.group(1):
        amount = float(m.group(1)) * float(m.group(2))
        each = float(m.group(2))
    else:
        parts = [float(p) for p in m.group(3).split("+")]
        amount, each = sum(parts), max(parts)
    if "month" in text:
        months = amount
    elif "year" in text or "yr" in text or each <= 5:
        months = amount * 12
    else:
        months = amount
    return int(round(months))
