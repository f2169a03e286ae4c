"""Value checks: one method per kind of value (text, slug, enumeration, number, money,
date, list), each returning the value when it is valid and reporting a
:class:`~estate.errors.Problem` (stable code, key path, hint) when it is not.

Nothing here raises on bad input, and nothing here knows what a system or a contract is:
:mod:`estate.model.entities` calls these checks field by field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from typing import Any, Optional

from estate.errors import Problem
from estate.model import records as R
from estate.model.codes import name_of, severity_of
from estate.model.loader import BadDate, BadNumber
from estate.model.schema import COMPANY_NUMBER, MAX_MONEY, MAX_YEAR, MIN_YEAR, MONEY_TEXT, SLUG


def did_you_mean(value: str, choices, hint_prefix: str = "did you mean") -> Optional[str]:
    choices = sorted(choices)
    value = str(value)      # a YAML key may be a number, a date or null
    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.75)
    if not close:  # 'th-finance' -> 'th-finance-ledger'
        close = [c for c in choices if len(value) >= 4 and (c.startswith(value) or value.startswith(c))][:1]
    return f"{hint_prefix} '{close[0]}'?" if close else None


class Doc:
    """Checks the values of one YAML document and records problems against it."""

    def __init__(self, builder, file: str, doc: int):
        # ``builder`` is the :class:`~estate.model.entities.Builder`: only its
        # ``problems`` list is used here, so this module does not import it
        self.builder, self.file, self.doc = builder, file, doc

    def report(self, code: str, message: str, where: tuple, hint: Optional[str] = None,
               key: bool = False, other: Optional[R.Source] = None) -> None:
        self.builder.problems.append(Problem(
            code=code, name=name_of(code), severity=severity_of(code), message=message,
            file=self.file, hint=hint, doc=self.doc, where=tuple(where), key=key, other=other))

    def source(self, where: tuple) -> R.Source:
        return R.Source(self.file, self.doc, tuple(where))

    # structure -------------------------------------------------------------------------
    def mapping(self, value, where, what: str) -> Optional[dict]:
        if isinstance(value, dict):
            return value
        self.report("E110", f"{what} must be a mapping of keys to values, not {kind_of(value)}",
                    where, "indent its fields under it as 'key: value' lines")
        return None

    def entries(self, data: dict, key: str, where: tuple) -> list:
        """The list under ``key`` (empty when absent), with a problem when it is not a list."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.report("E121", f"'{key}' must be a list, not {kind_of(value)}", where + (key,),
                        f"start each entry with '- ' on its own line under '{key}:'")
            return []
        return value

    def unknown_keys(self, data: dict, known: set, where: tuple, what: str, extra: dict) -> None:
        for k in data:
            if not isinstance(k, str):
                self.report("E121", f"a key of {what} must be text, not {kind_of(k)}", where + (k,),
                            f"put the key in quotes: \"{'null' if k is None else k}\": ...", key=True)
            elif k not in known:
                extra[k] = data[k]
                hint = did_you_mean(k, known)
                self.report("W200", f"unknown key '{k}' in {what} (kept, but no analysis uses it)",
                            where + (k,), hint, key=True)

    def required(self, data: dict, keys, where: tuple, what: str) -> bool:
        ok = True
        for k in keys:
            if data.get(k) in (None, ""):
                self.report("E120", f"{what} is missing required field '{k}'",
                            where + (k,) if k in data else where)
                ok = False
        return ok

    # values ----------------------------------------------------------------------------
    def text(self, data: dict, key: str, where: tuple, what: str, warn_number=False) -> Optional[str]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.report("E121", f"'{key}' of {what} must be text, not {kind_of(value)}",
                        where + (key,), f"put the value in quotes: {key}: \"...\"")
            return None
        if warn_number:
            self.report("W203", f"'{key}' of {what} was written as the number {value!r}; "
                        "it is kept as text", where + (key,),
                        f"put it in quotes ({key}: \"{value}\") so that e.g. 9.10 is not read as 9.1")
        return str(value)

    def slug(self, data: dict, key: str, where: tuple, what: str, pattern=SLUG) -> Optional[str]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.report("E121", f"'{key}' of {what} must be text, not {kind_of(value)}", where + (key,))
            return None
        value = str(value)
        if not pattern.match(value):
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
            self.report("E122", f"'{value}' is not a valid {key} for {what}: use lower-case letters, "
                        "digits and hyphens, starting with a letter or digit" if pattern is SLUG else
                        f"'{value}' is not a valid {key} for {what}: use letters, digits, '-', '_', '.' or '/'",
                        where + (key,), f"try '{suggestion}'" if suggestion and pattern is SLUG else None)
            return None
        return value

    def enum(self, data: dict, key: str, allowed, where: tuple, what: str) -> Optional[str]:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.report("E123", f"'{key}' of {what} must be one of: {', '.join(allowed)}",
                        where + (key,))
            return None
        if value in allowed:     # already in its folded form: the usual case
            return value
        folded = re.sub(r"[\s_]+", "-", value.strip().lower())
        if folded in allowed:
            return folded
        self.report("E123", f"'{value}' is not a known {key} for {what}: use one of "
                    f"{', '.join(allowed)}", where + (key,), did_you_mean(folded, allowed))
        return None

    def boolean(self, data: dict, key: str, where: tuple, what: str) -> Optional[bool]:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.report("E121", f"'{key}' of {what} must be true or false, not {value!r}",
                    where + (key,), f"write {key}: true or {key}: false")
        return None

    def integer(self, data: dict, key: str, where: tuple, what: str,
                low: int = 0, high: Optional[int] = None) -> Optional[int]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, BadNumber):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.report("E126", f"'{key}' of {what} is {kind_of(value)}; it must be {bounds}",
                        where + (key,))
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (isinstance(value, float) and not value.is_integer()):
            self.report("E121", f"'{key}' of {what} must be a whole number, not {value!r}",
                        where + (key,), _number_hint(key, value))
            return None
        value = int(value)
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.report("E126", f"'{key}' of {what} is {shown_number(value)}; it must be {bounds}",
                        where + (key,))
            return None
        return value

    def money(self, data: dict, key: str, where: tuple, what: str) -> Optional[float]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str, dt.date)) \
                or isinstance(value, BadNumber):
            self.report("E125", f"'{key}' of {what} must be a number of pounds, not {kind_of(value)}",
                        where + (key,))
            return None
        if isinstance(value, dt.date):     # a date would fail the comparison below
            self.report("E125", f"'{key}' of {what} must be a number of pounds, not the date "
                        f"{value}", where + (key,))
            return None
        if isinstance(value, str):
            m = MONEY_TEXT.match(value)
            hint = "write the amount as a plain number of pounds, e.g. 180000"
            if m:
                amount = float(m.group(1).replace(",", ""))
                amount *= {"k": 1e3, "m": 1e6}.get((m.group(2) or "").lower(), 1)
                shown = int(amount) if amount.is_integer() else amount
                hint = f"write {shown}, not '{value}'"
            self.report("E125", f"'{key}' of {what} is written as text ('{value}'); money is a "
                        "plain number of pounds", where + (key,), hint)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.report("E125", f"'{key}' of {what} is {value}, not a number of pounds",
                        where + (key,), "write the amount as a plain number of pounds, or leave "
                        "the field out when it is not known")
            return None
        if value < 0:
            self.report("E125", f"'{key}' of {what} is negative ({value})", where + (key,),
                        "money is a number of pounds of 0 or more")
            return None
        if value > MAX_MONEY:
            self.report("E125", f"'{key}' of {what} is {shown_number(value)}, more than the "
                        f"largest amount accepted (£{MAX_MONEY:,})", where + (key,),
                        "money is a number of pounds, without pence multiplied in")
            return None
        return float(value) if isinstance(value, float) else int(value)

    def date(self, data: dict, key: str, where: tuple, what: str) -> Optional[dt.date]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, BadDate):
            self.report("E124", f"'{key}' of {what} is {str(value)!r}, which is not a real date "
                        f"({value.reason})", where + (key,), "write a real date as YYYY-MM-DD")
            return None
        if isinstance(value, dt.date):
            return self._year_in_range(value.date() if isinstance(value, dt.datetime) else value,
                                       key, where, what)
        if isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                day = None
            if day is not None:
                return self._year_in_range(day, key, where, what)
            m = re.match(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$", value)
            hint = "write dates as YYYY-MM-DD"
            if m:
                day, month, year = map(int, m.groups())
                try:
                    hint = f"write {dt.date(year, month, day).isoformat()} (YYYY-MM-DD)"
                except ValueError:
                    pass
            self.report("E124", f"'{key}' of {what} is {value!r}, which is not an ISO 8601 date",
                        where + (key,), hint)
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            self.report("E124", f"'{key}' of {what} is the number {value}, not a date",
                        where + (key,), f"write the full date, e.g. {value}-03-31")
            return None
        self.report("E124", f"'{key}' of {what} must be a date (YYYY-MM-DD), not {kind_of(value)}",
                    where + (key,))
        return None

    def company_number(self, data: dict, key: str, where: tuple, what: str) -> Optional[str]:
        """A Companies House number, upper case without spaces, or None (E128 when invalid)."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            number = re.sub(r"\s+", "", value).upper()
            if COMPANY_NUMBER.match(number):
                return number
            self.report("E128", f"'{key}' of {what} is {value!r}, which is not a Companies House "
                        "number: 8 digits, or 2 letters and 6 digits", where + (key,),
                        "copy it from the company's Companies House page, e.g. 01234567 or SC123456")
            return None
        self.report("E128", f"'{key}' of {what} must be text, not {kind_of(value)}",
                    where + (key,), f"put it in quotes ({key}: \"01234567\"): unquoted, "
                    "leading zeros are lost")
        return None

    def _year_in_range(self, value: dt.date, key: str, where: tuple, what: str) -> Optional[dt.date]:
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return value
        self.report("E124", f"'{key}' of {what} is {value}, outside the years {MIN_YEAR} to "
                    f"{MAX_YEAR}", where + (key,),
                    "check the year; leave the field out when the date is not known")
        return None

    def string_list(self, data: dict, key: str, where: tuple, what: str) -> Optional[list]:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            self.report("E121", f"'{key}' of {what} must be a list, not the text {value!r}",
                        where + (key,), f"write {key}: [{value}]")
            return None
        if not isinstance(value, list):
            self.report("E121", f"'{key}' of {what} must be a list, not {kind_of(value)}", where + (key,))
            return None
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                out.append(str(item))
            else:
                self.report("E121", f"item {i + 1} of '{key}' of {what} must be text, not "
                            f"{kind_of(item)}", where + (key, i))
        return out


def kind_of(value: Any) -> str:
    """A value described for a message: "a list", "the number 3", "the text 'x'"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {shown_number(value)}"
    if isinstance(value, BadNumber):
        return f"a number of {len(value.lstrip('+-')):,} digits"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (bytes, bytearray)):
        return "binary data (!!binary)"
    if isinstance(value, dt.date):
        return f"the date {value}"
    return f"a YAML {type(value).__name__}"


def shown_number(value) -> str:
    """A number as a message shows it: a very long one by its number of digits."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 18:
        return f"a number of {len(str(abs(value))) if abs(value) < 10 ** 4000 else 'over 4,000'} digits"
    return str(value)


def _number_hint(key, value) -> Optional[str]:
    if isinstance(value, str):
        digits = re.sub(r"[^0-9.]", "", value)
        if digits:
            return f"write {key}: {digits}"
    return None
