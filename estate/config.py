"""Settings: the thresholds of the analyses (output choices: ``estate.choices``).

Defaults are documented here and in ``docs/analyses.md``.  They can be changed in an
``estate.yaml`` beside the inventories (or named with ``--config``), and the command-line
options override both.  ``as_of`` fixes "today" so that a run can be reproduced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from estate.choices import FIELDS as OUTPUT_CHOICES, read_settings_file
from estate.errors import UsageError


@dataclass
class Settings:
    #: the date the analysis treats as today
    as_of: dt.date = field(default_factory=dt.date.today)
    #: contracts whose ends fall within this many months of each other can be bought jointly
    window_months: int = 12
    #: a procurement window or consolidation group needs at least this many councils
    min_councils: int = 2
    #: a contract ending within this many months counts as "expiring" for legacy risk
    expiring_months: int = 18
    #: a system older than this many years counts as "old" for legacy risk
    old_system_years: int = 10
    #: sales cycle in days (procurement started -> new contract starts) for a council that has
    #: measured fewer than sales_cycle_min_contracts of its own (see analyses/procurement_windows.py)
    default_sales_cycle_days: int = 270
    #: a council's own median sales cycle is used once it has measured this many contracts
    sales_cycle_min_contracts: int = 3
    #: share of the cost of the systems that would be retired that consolidation saves
    consolidation_saving_rate: float = 0.2
    #: how many dependency hubs to report and map
    top_hubs: int = 10
    #: a system whose vendor support ends within this many months counts as "support ending"
    support_warning_months: int = 12
    #: legacy risk scores (0-100) at or above this are rated red (see analyses/legacy_risk.py)
    legacy_red_score: int = 50
    #: legacy risk scores at or above this (and below red) are rated amber; lower is green
    legacy_amber_score: int = 25
    #: HHI above this is "moderately concentrated" (US DOJ/FTC Horizontal Merger Guidelines 2010)
    hhi_moderate: int = 1500
    #: HHI above this is "highly concentrated" (same guidelines, section 5.3)
    hhi_high: int = 2500
    #: how many of the largest vendors the estate-wide vendor concentration reports
    top_vendors: int = 10
    #: a system with at least this many dependents and no independent alternative for one of
    #: its lines of business is a single point of failure
    spof_min_dependents: int = 5

    def replace(self, **changes) -> "Settings":
        changes = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["as_of"] = self.as_of.isoformat()
        return out


FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def load_settings(path: Optional[Path]) -> Settings:
    """Settings from an ``estate.yaml`` file (missing file: the defaults)."""
    settings = Settings()
    data = read_settings_file(path)
    changes = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name in OUTPUT_CHOICES:
            continue                    # read by estate.choices.load_choices
        if name not in FIELDS:
            raise UsageError(f"{path}: unknown setting '{key}'",
                             hint=f"known settings: {', '.join(sorted([*FIELDS, *OUTPUT_CHOICES]))}")
        default = getattr(settings, name)
        if name == "as_of":
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise UsageError(f"{path}: as_of must be a date YYYY-MM-DD")
            if not isinstance(value, dt.date):
                raise UsageError(f"{path}: as_of must be a date YYYY-MM-DD")
        elif isinstance(default, bool) or (default is not None and not isinstance(value, type(default))
                                            and not (isinstance(default, float) and isinstance(value, int))):
            raise UsageError(f"{path}: setting '{key}' must be {type(default).__name__}, not {value!r}")
        changes[name] = value
    return settings.replace(**changes)


def find_settings(paths) -> Optional[Path]:
    """The ``estate.yaml`` beside the first folder (or file) analysed, if any."""
    for raw in paths:
        p = Path(raw)
        folder = p if p.is_dir() else p.parent
        for name in ("estate.yaml", "estate.yml"):
            if (folder / name).exists():
                return folder / name
    return None
