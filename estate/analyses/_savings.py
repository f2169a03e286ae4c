"""The consolidation cost model: what converging a line of business saves, and costs.

The rule, the table and the formulas are stated in the docstring of
:mod:`estate.analyses.consolidation` (section "Money"), which ``docs/analyses.md``
shows; the table itself is ``estate/data/saving_rates.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from estate.analyses._contracts import gbp
from estate.config import saving_rate_table

#: the kind of every line the table does not name
DEFAULT_KIND = "other"
#: years over which ``net_5y`` adds up the saving
YEARS = 5


@dataclass(frozen=True)
class Rate:
    kind: str
    label: str
    why: str
    low: float
    central: float
    high: float
    migration_cost_rate: float
    one_off_cost: Optional[float] = None     # a fixed one-off figure, from the settings
    source: str = "table"                   # "table" or "settings"


@lru_cache(maxsize=1)
def kinds() -> tuple[dict, dict]:
    """``({kind: Rate}, {line id: kind})`` from ``estate/data/saving_rates.csv``."""
    rates, lines = {}, {}
    for row in saving_rate_table():
        rates[row["kind"]] = Rate(row["kind"], row["label"], row["why"], float(row["low"]),
                                  float(row["central"]), float(row["high"]),
                                  float(row["migration_cost_rate"]))
        for line in row["lines"].split():
            if line != "*":
                lines[line] = row["kind"]
    return rates, lines


def rate_for(line: str, settings) -> Rate:
    """The saving rates that apply to ``line``: the table's, then the settings' overrides."""
    rates, lines = kinds()
    override = dict((settings.saving_rates or {}).get(line) or {})
    rate = rates[override.get("kind") or lines.get(line, DEFAULT_KIND)]
    changes = {k: float(v) for k, v in override.items() if k != "kind"}
    if settings.consolidation_saving_rate is not None and "central" not in changes:
        changes["central"] = float(settings.consolidation_saving_rate)
    if not changes and "kind" not in override:
        return rate
    fields = {**rate.__dict__, **changes, "source": "settings"}
    return Rate(**fields)


def estimate(line: str, line_name: str, replaced_cost: float, settings) -> dict:
    """The money fields of a candidate whose replaced systems cost ``replaced_cost`` a year
    (this line's share), and the sentences that show the arithmetic."""
    rate = rate_for(line, settings)
    central = round(rate.central * replaced_cost, 2)
    low = round(rate.low * replaced_cost, 2)
    high = round(rate.high * replaced_cost, 2)
    if rate.one_off_cost is not None:
        one_off = round(rate.one_off_cost, 2)
        one_off_text = f"{gbp(one_off)}, the figure set for {line_name} in the settings"
    else:
        one_off = round(rate.migration_cost_rate * replaced_cost, 2)
        one_off_text = (f"{rate.migration_cost_rate:g} x {gbp(replaced_cost)} (data migration, "
                        "re-integration, training and parallel running)")
    payback = round(one_off / central, 1) if central > 0 else None
    net = round(YEARS * central - one_off, 2)
    material = net >= settings.materiality_net_5y
    where = "set in the settings" if rate.source == "settings" else "the default for this kind of line"
    reasons = [
        f"Estimated saving {gbp(central)} a year (range {gbp(low)} to {gbp(high)}): "
        f"{_pct(rate.central)} ({_pct(rate.low)} to {_pct(rate.high)}, {where}) of {gbp(replaced_cost)}. "
        f"{line_name} is treated as {rate.label}: {rate.why}.",
        f"One-off cost {gbp(one_off)}: {one_off_text}. "
        + (f"It pays back in {payback:g} years; " if payback is not None else "Nothing is saved to pay it back; ")
        + f"over {YEARS} years the net is {YEARS} x {gbp(central)} - {gbp(one_off)} = {_signed(net)}, "
        + ("at or above" if material else "below")
        + f" the materiality threshold of {gbp(settings.materiality_net_5y)}"
        + ("." if material else ", so it is listed as minor."),
    ]
    return {"estimated_annual_saving": central, "saving_low": low, "saving_high": high,
            "saving_kind": rate.kind, "one_off_cost": one_off, "payback_years": payback,
            "net_5y": net, "material": material, "reasons": reasons,
            "model": (f"estimated_annual_saving = {rate.central:g} x {gbp(replaced_cost)} (range "
                      f"{rate.low:g}-{rate.high:g}, {rate.label}); one_off_cost = {one_off_text}; "
                      f"net_5y = {YEARS} x saving - one_off_cost")}


def _pct(rate: float) -> str:
    return f"{round(rate * 100, 1):g}%"


def _signed(amount: float) -> str:
    return gbp(amount) if amount >= 0 else "-" + gbp(-amount)
