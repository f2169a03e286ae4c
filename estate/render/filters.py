"""The report's Jinja filters: money, shares, counts and dates in people's words."""

from __future__ import annotations

import calendar
import datetime as dt
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


def date_text(value) -> str:
    """``31 Mar 2027`` from an ISO date or a date; "not known" when missing."""
    if value in (None, ""):
        return "not known"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return f"{value.day} {_MONTH_ABBR[value.month]} {value.year}"
    return str(value)


def contract_ends(contracts) -> Markup:
    """``; C-1 Civica ends 31 Mar 2027 (W1, W2)`` for each contract (rows of ``contracts``):
    the timeline's tooltips list thousands, too many for a loop in the template."""
    return escape("".join(
        f"; {c['contract']} {c['supplier']} ends {date_text(c['end'])}"
        + (f" ({', '.join(map(str, c['windows']))})" if c["windows"] else "") for c in contracts))
