#!/usr/bin/env python3
"""Build ``estate/data/uk_local_authorities.csv`` from mySociety's register.

Source: mySociety's *uk_local_authority_names_and_codes* data package
(https://github.com/mysociety/uk_local_authority_names_and_codes), CC-BY-4.0,
files ``uk_local_authorities_current.csv`` and ``lookup_name_to_registry.csv``
from ``data/packages/uk_la_past_current/``.

What it does:

* keeps only authorities that are current (blank ``end-date``);
* maps mySociety's ``local-authority-type`` codes to the inventory format's
  authority types (see SPEC.md, ``authority.type``)::

      CTY  county                          -> county
      NMD  non-metropolitan district       -> district
      UA   unitary authority (England)     -> unitary
      SCO  Scottish unitary authority      -> unitary
      WPA  Welsh principal area            -> unitary
      NID  Northern Ireland district       -> unitary
      MD   metropolitan district           -> metropolitan-district
      LBO  London borough                  -> london-borough
      CC   City of London Corporation      -> london-borough  (delivers borough services)
      COMB combined (county) authority     -> combined-authority
      SRA  Greater London Authority        -> other

* writes the columns ``code, gss_code, name, nice_name, type, region, nation,
  county_code, alt_names`` sorted by ``code``. ``alt_names`` is every other name
  mySociety knows the council by (from the name lookup, deduplicated ignoring case,
  without the official and nice names), joined with ``|``.

Usage::

    python tools/build_authorities.py [--source DIR] [--out FILE]

``DIR`` holds the two mySociety CSV files; the default is the copy this project
was built from. The output is deterministic, so re-running on the same input
gives a byte-identical file.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

DEFAULT_SOURCE = Path("/work/shared/data/uk-local-authorities")
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "estate" / "data" / "uk_local_authorities.csv"

TYPE_MAP = {
    "CTY": "county",
    "NMD": "district",
    "UA": "unitary",
    "SCO": "unitary",
    "WPA": "unitary",
    "NID": "unitary",
    "MD": "metropolitan-district",
    "LBO": "london-borough",
    "CC": "london-borough",
    "COMB": "combined-authority",
    "SRA": "other",
}

COLUMNS = ["code", "gss_code", "name", "nice_name", "type", "region", "nation", "county_code", "alt_names"]


def alt_names_by_code(lookup_csv: Path) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    with lookup_csv.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = " ".join(row["la-name"].split())
            if name:
                names.setdefault(row["local-authority-code"], []).append(name)
    return names


def build(source: Path) -> list[dict[str, str]]:
    lookup = alt_names_by_code(source / "lookup_name_to_registry.csv")
    rows = []
    with (source / "uk_local_authorities_current.csv").open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["end-date"].strip():
                continue
            la_type = rec["local-authority-type"]
            if la_type not in TYPE_MAP:
                raise SystemExit(f"unknown local-authority-type {la_type!r} for {rec['local-authority-code']}")
            code = rec["local-authority-code"]
            seen = {rec["official-name"].casefold(), rec["nice-name"].casefold()}
            alts = []
            # mySociety's own alt-names column is comma-separated, but names can contain
            # commas ("Armagh City, Banbridge and Craigavon"), so use the lookup table.
            for name in lookup.get(code, []):
                if "|" in name:
                    raise SystemExit(f"name with a pipe for {code}: {name!r}")
                key = name.casefold()
                if key not in seen:
                    seen.add(key)
                    alts.append(name)
            rows.append({
                "code": code,
                "gss_code": rec["gss-code"],
                "name": rec["official-name"],
                "nice_name": rec["nice-name"],
                "type": TYPE_MAP[la_type],
                "region": rec["region"],
                "nation": rec["nation"],
                "county_code": rec["county-la"],
                "alt_names": "|".join(alts),
            })
    rows.sort(key=lambda r: r["code"])
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder with mySociety's CSV files")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV file to write")
    args = ap.parse_args(argv)
    rows = build(args.source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} authorities to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
