"""Helpers shared by the tests (importable by name, unlike conftest modules)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from estate.model import load

TESTS = Path(__file__).parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINI_CATALOGUE = FIXTURES / "mini-catalogue.yaml"
INTERCHANGE = FIXTURES / "interchange"
INTERCHANGE_MINI = INTERCHANGE / "mini"
SHARED_DATA = REPO.parent / "shared" / "data"
AS_OF = dt.date(2026, 11, 21)


def write_inventory(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_mini(folder: Path, default_catalogue: bool = False):
    """Load ``folder`` over the tiny test catalogue (not the shipped one, unless asked)."""
    return load([str(MINI_CATALOGUE), str(folder)], default_catalogue=default_catalogue)


#: gamma runs two lines as a shared service; its partner beta (both in the mini
#: catalogue's 'trio') has a finance system, and delta, not a partner, a CRM
SHARED_SERVICE = {
    "gamma.yaml": """
        kind: authority
        authority: {id: gamma, name: Gamma Council}
        lines_of_business:
          - {id: financial-management, delivery: shared-service}
          - {id: customer-relationship-management, delivery: shared-service}
        """,
    # beta is gamma's partner (both in 'trio'); delta is not
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta Council}
        systems:
          - {id: b-fin, name: Finance, supports: [financial-management]}
        """,
    "delta.yaml": """
        kind: authority
        authority: {id: delta, name: Delta Council}
        systems:
          - {id: d-crm, name: CRM, supports: [customer-relationship-management]}
        """,
}
