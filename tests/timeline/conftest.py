"""Two snapshots of the sample inventories: as shipped, and with four planted changes."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from estate_testing import REPO

NEWTOWN = """\
kind: authority
authority: {id: newtown, name: Newtown Council, type: district, region: London}
lines_of_business: [council-tax]
systems:
  - {id: nt-revs, name: Revenues, product: iWorld, supports: [council-tax], annual_cost: 90000}
contracts:
  - {id: NT-1, supplier: NEC, covers: [nt-revs], end: 2029-03-31, annual_value: 90000}
"""

#: (file, old text, new text): the changes planted in the AFTER snapshot
PLANTED = [
    # a respelt vendor and a product alias: the same catalogue ids, so no change
    ("north-central/northbrook/systems.yaml", "    product: iWorld\n    vendor: Northgate\n",
     "    product: Northgate iWorld\n    vendor: NEC Software Solutions UK Ltd\n"),
    # a system moved to a different catalogue product: product and vendor change
    ("north-central/northbrook/systems.yaml",
     "    name: Housing Options, Register and Lettings\n    product: Civica CX\n    vendor: Civica\n",
     "    name: Housing Options, Register and Lettings\n    product: Salesforce Service Cloud\n"
     "    vendor: Salesforce\n"),
    # a contract renewed
    ("north-central/northbrook/contracts.yaml",
     "    end: 2026-03-31\n    extension_until: 2028-03-31\n",
     "    end: 2031-03-31\n    extension_until: 2033-03-31\n"),
]


def plant(folder):
    for name, old, new in PLANTED:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    (folder / "newtown.yaml").write_text(NEWTOWN, encoding="utf-8")


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory):
    """(before, after) folders: the samples, and the samples with the planted changes."""
    root = tmp_path_factory.mktemp("snapshots")
    before, after = root / "before", root / "after"
    shutil.copytree(REPO / "inventories", before)
    shutil.copytree(REPO / "inventories", after)
    plant(after)
    return before, after


@pytest.fixture(scope="session")
def history(tmp_path_factory):
    """A git repository whose first commit holds the samples under inv/ and whose second
    holds them with the planted changes; the working tree is left with an edit that
    neither commit has, to show that a diff of revisions never reads or disturbs it."""
    repo = tmp_path_factory.mktemp("history")
    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "test@example.org")
    git("config", "user.name", "Test")
    shutil.copytree(REPO / "inventories", repo / "inv")
    git("add", ".")
    git("commit", "-q", "-m", "samples")
    plant(repo / "inv")
    git("add", ".")
    git("commit", "-q", "-m", "planted changes")
    (repo / "inv" / "kingsmere.yaml").write_text("kind: authority\n", encoding="utf-8")
    return repo
