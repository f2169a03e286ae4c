"""Formatting of validation results (text for people, JSON for machines)."""

from __future__ import annotations

from collections import Counter


def format_problems(estate, verbose: bool = False) -> str:
    lines = [p.format() for p in estate.problems if verbose or p.severity != "info"]
    counts = Counter(p.severity for p in estate.problems)
    verdict = "invalid" if counts["error"] else "valid"
    lines.append(f"{verdict}: {counts['error']} error(s), {counts['warning']} warning(s), "
                 f"{counts['info']} note(s) in {len(estate.files)} file(s)")
    return "\n".join(lines)


def problems_json(estate) -> dict:
    counts = Counter(p.severity for p in estate.problems)
    return {
        "valid": not counts["error"],
        "files": estate.files,
        "errors": counts["error"],
        "warnings": counts["warning"],
        "notes": counts["info"],
        "problems": [p.as_dict() for p in estate.problems],
    }
