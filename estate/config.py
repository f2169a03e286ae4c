"""Settings: thresholds of the analyses and choices of the outputs.

Defaults are documented here and in ``docs/analyses.md``.  They can be changed in an
``estate.yaml`` beside the inventories (or named with ``--config``), and the command-line
options override both.  ``as_of`` fixes "today" so that a run can be reproduced.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

import yaml

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
    #: when set, the central consolidation saving rate of every line, replacing the table's
    #: (estate/data/saving_rates.csv; see analyses/_savings.py)
    consolidation_saving_rate: Optional[float] = None
    #: per line of business, overrides of the saving table: {line: {kind, low, central, high,
    #: migration_cost_rate, one_off_cost}}
    saving_rates: dict = field(default_factory=dict)
    #: a consolidation candidate is material when its 5-year net saving (5 x annual saving -
    #: one-off cost) is at least this many pounds; the others are listed as minor
    materiality_net_5y: float = 50000.0
    #: how many dependency hubs to report and map
    top_hubs: int = 10
    #: which maps to draw: all | councils | partnerships | none (`--maps`)
    maps: str = "all"
    #: map formats written beside each .dot: svg, png, pdf (`--map-format`)
    map_formats: tuple = ("svg",)
    #: a folder of report templates overriding the built-in ones (`--templates`)
    templates: Optional[str] = None
    #: a system whose vendor support ends within this many months counts as "support ending"
    support_warning_months: int = 12
    #: a live system gets a TIME disposition only when the factors recorded carry at least this
    #: share of the weight of business value and of technical health; else "needs data"
    time_min_evidence: float = 0.5
    #: legacy risk scores (0-100) at or above this are rated red (see analyses/legacy_risk.py)
    legacy_red_score: int = 50
    #: legacy risk scores at or above this (and below red) are rated amber; lower is green
    legacy_amber_score: int = 25
    #: whose HHI marks rate supplier concentration: uk (2010 UK Merger Assessment Guidelines,
    #: 1000/2000; CMA129 sets none) or us-2023 (DOJ/FTC Merger Guidelines 2023, 1000/1800)
    hhi_guidelines: str = "uk"
    #: when set, HHI above this is "moderately concentrated", replacing the guideline's mark
    hhi_moderate: Optional[int] = None
    #: when set, HHI above this is "highly concentrated", replacing the guideline's mark
    hhi_high: Optional[int] = None
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
        out["map_formats"] = list(self.map_formats)
        return out


FIELDS = {f.name: f for f in dataclasses.fields(Settings)}

#: keys a ``saving_rates`` override may carry
SAVING_OVERRIDE_KEYS = ("kind", "low", "central", "high", "migration_cost_rate", "one_off_cost")


@lru_cache(maxsize=1)
def saving_rate_table() -> tuple:
    """The rows of ``estate/data/saving_rates.csv`` (the consolidation cost model) as dicts."""
    path = resources.files("estate") / "data" / "saving_rates.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def check_saving_rates(value) -> list[str]:
    """Problems with a ``saving_rates`` setting (empty when it is usable)."""
    if not isinstance(value, dict):
        return [f"saving_rates must map line ids to {{{', '.join(SAVING_OVERRIDE_KEYS)}}}"]
    kinds = sorted(row["kind"] for row in saving_rate_table())
    problems = []
    for line, override in value.items():
        if not isinstance(override, dict):
            problems.append(f"saving_rates.{line} must be a mapping")
            continue
        for key, v in override.items():
            if key not in SAVING_OVERRIDE_KEYS:
                problems.append(f"saving_rates.{line}: unknown key '{key}' "
                                f"(known: {', '.join(SAVING_OVERRIDE_KEYS)})")
            elif key == "kind":
                if v not in kinds:
                    problems.append(f"saving_rates.{line}.kind must be one of {', '.join(kinds)}")
            elif isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                problems.append(f"saving_rates.{line}.{key} must be a number, 0 or more")
    return problems


def load_settings(path: Optional[Path]) -> Settings:
    """Settings from an ``estate.yaml`` file (missing file: the defaults)."""
    settings = Settings()
    if path is None or not Path(path).exists():
        return settings
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read settings: {exc}")
    if not isinstance(data, dict):
        raise UsageError(f"{path}: settings must be a mapping of names to values")
    changes = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in FIELDS:
            raise UsageError(f"{path}: unknown setting '{key}'",
                             hint=f"known settings: {', '.join(sorted(FIELDS))}")
        default = getattr(settings, name)
        if name == "as_of":
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise UsageError(f"{path}: as_of must be a date YYYY-MM-DD")
            if not isinstance(value, dt.date):
                raise UsageError(f"{path}: as_of must be a date YYYY-MM-DD")
        elif name == "hhi_guidelines":
            if value not in ("uk", "us-2023"):
                raise UsageError(f"{path}: setting '{key}' must be uk or us-2023, not {value!r}")
        elif name in ("hhi_moderate", "hhi_high"):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10000:
                raise UsageError(f"{path}: setting '{key}' must be a whole number from 0 to 10000")
        elif name == "saving_rates":
            problems = check_saving_rates(value)
            if problems:
                raise UsageError(f"{path}: " + "; ".join(problems))
        elif name == "consolidation_saving_rate":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise UsageError(f"{path}: setting '{key}' must be a number from 0 to 1, not {value!r}")
        elif name == "map_formats":
            value = tuple(value if isinstance(value, list) else str(value).split(","))
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
