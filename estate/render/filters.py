"""The report's Jinja filters: money, shares, counts and dates in people's words."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Optional

from markupsafe import Markup, escape


def _number(value) -> Optional[float]:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def money(value) -> str:
    """``£1,234`` (whole pounds); "not known" for a missing value."""
    n = _number(value)
    return "not known" if n is None else f"£{n:,.0f}"


def money_short(value) -> str:
    """``£4.2m`` for a million or more, else as :func:`money`."""
    n = _number(value)
    if n is None:
        return "not known"
    if abs(n) >= 1_000_000:
        return f"£{n / 1_000_000:,.1f}m"
    return f"£{n:,.0f}"


def pct(value) -> str:
    """A 0-1 share as a whole percentage; "not judged" when it could not be judged."""
    n = _number(value)
    return "not judged" if n is None else f"{n * 100:.0f}%"


def num(value) -> str:
    """A count with thousands separators; "not known" for a missing value."""
    n = _number(value)
    if n is None:
        return "not known"
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


#: "Jan"... ("" first): ``calendar.month_abbr`` asks strftime every time it is read
_MONTH_ABBR = tuple(calendar.month_abbr)


#: "January"... ("" first), read once for the same reason
_MONTH_NAME = tuple(calendar.month_name)


def _day_text(value, months: tuple) -> str:
    """``<day> <month> <year>`` with ``months``' names, from an ISO date or a date;
    "not known" when missing, other text as it is."""
    if value in (None, ""):
        return "not known"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return f"{value.day} {months[value.month]} {value.year}"
    return str(value)


def date_text(value) -> str:
    """``31 Mar 2027`` (tables) from an ISO date or a date; "not known" when missing."""
    return _day_text(value, _MONTH_ABBR)


def contract_ends(contracts) -> Markup:
    """``; C-1 Civica ends 31 Mar 2027 (W1, W2)`` for each contract (rows of ``contracts``):
    the timeline's tooltips list thousands, too many for a loop in the template."""
    return escape("".join(
        f"; {c['contract']} {c['supplier']} ends {date_text(c['end'])}"
        + (f" ({', '.join(map(str, c['windows']))})" if c["windows"] else "") for c in contracts))


def long_date(value) -> str:
    """``30 June 2027`` (prose) from an ISO date or a date; "not known" when missing."""
    return _day_text(value, _MONTH_NAME)


def money_round(value) -> str:
    """Money for prose, rounded the same way across the board pack: ``£1.2m`` from a
    million, ``£52,000`` (to the thousand) from ten thousand, else to the hundred."""
    n = _number(value)
    if n is None:
        return "not known"
    if abs(n) >= 1_000_000:
        return f"£{n / 1_000_000:,.1f}m"
    step = 1000 if abs(n) >= 10_000 else 100
    return f"£{round(n / step) * step:,.0f}"


def plural(n, word: str, many: Optional[str] = None) -> str:
    """``1 council``, ``2 councils``, ``1,204 systems`` (``many`` for irregular plurals)."""
    count = _number(n) or 0
    return f"{num(count)} {word if count == 1 else (many or word + 's')}"


_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_QID = re.compile(r"\b[a-z0-9][a-z0-9_-]*/[A-Za-z0-9][A-Za-z0-9_.-]*\b")


def words(text, system_names: Optional[dict] = None) -> str:
    """A finding's reason for people: each ISO date written as ``30 June 2027`` and each
    ``authority/system`` id that ``system_names`` knows written as the system's name."""
    text = str(text)
    if "-" in text:         # no date without one, nor a system id without a "/"
        text = _ISO_DATE.sub(lambda m: long_date(m.group(1)), text)
    if system_names and "/" in text:
        text = _QID.sub(lambda m: system_names.get(m.group(0), m.group(0)), text)
    return text
