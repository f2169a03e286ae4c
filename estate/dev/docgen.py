"""Generate the reference pages that must match the code: ``docs/analyses.md`` (each
analysis's rule, from its module docstring, and every setting with its default) and
``docs/problems.md`` (every problem code).  ``python -m estate.dev.docgen`` rewrites them;
a test fails when they are out of date, so the docs cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
from pathlib import Path

from estate import choices, config
from estate.analyses import ANALYSES, data_quality
from estate.model.codes import CODES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def setting_comments(cls=config.Settings) -> dict:
    """The ``#:`` comment above each field of ``cls`` (a dataclass), read from the source."""
    comments, pending = {}, []
    for line in inspect.getsource(cls).splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
            continue
        m = re.match(r"(\w+):\s*[^=]+=", stripped)
        if m:
            comments[m.group(1)] = " ".join(pending)
        pending = []
    return comments


def analyses_page() -> str:
    out = ["# The analyses", "",
           "Generated from the code by `python -m estate.dev.docgen`: each section is the module",
           "docstring of one analysis, which states its rule, thresholds and why. Keys are",
           "those of `analysis.json` ([findings.md](findings.md) gives their shape).", "",
           "## Settings", "",
           "Set them in an `estate.yaml` beside the inventories (or `--config FILE`), e.g.",
           "", "```yaml", "window_months: 18", "consolidation_saving_rate: 0.15", "```", "",
           "`--as-of` and `--window-months` on the command line override the file.", ""]
    out += _table(config.Settings)
    out += ["", "### Output choices", "",
            "The same file can hold the choices of the outputs. They change which files are",
            "written, never a finding, so `analysis.json`'s `settings` does not list them;",
            "`--maps`, `--map-format` and `--templates` override the file.", ""]
    out += _table(choices.OutputChoices)
    seen = set()
    for key, function in ANALYSES + [("data_quality", data_quality.collect)]:
        module = sys.modules[function.__module__]
        if module in seen:
            continue
        seen.add(module)
        title = key.lstrip("_").replace("_", " ")
        out += ["", f"## `{key}` ({module.__name__.rsplit('.', 1)[-1]}.py)" if not key.startswith("_")
                else f"## data-quality findings ({module.__name__.rsplit('.', 1)[-1]}.py)", "",
                inspect.cleandoc(module.__doc__ or f"{title}: undocumented")]
    return "\n".join(out) + "\n"


def _table(cls) -> list:
    """The rows of a table of the fields of ``cls``: name, default, meaning."""
    out = ["| setting | default | meaning |", "|---|---|---|"]
    comments = setting_comments(cls)
    defaults = cls()
    for f in dataclasses.fields(cls):
        value = "today" if f.name == "as_of" else getattr(defaults, f.name)
        if isinstance(value, tuple):
            value = ",".join(value)
        meaning = comments.get(f.name, '').replace('|', '\\|')
        out.append(f"| `{f.name}` | `{value}` | {meaning} |")
    return out


def problems_page() -> str:
    lines = ["# Problem codes", "",
             "Generated from `estate/model/codes.py` by `python -m estate.dev.docgen`. Every problem",
             "`estate validate` and `estate analyse` report has a stable code. A code never",
             "changes meaning; new problems get new codes. `E` codes are errors (the run stops,",
             "exit 1), `W` codes warnings (listed in `data_quality`; `--strict` makes them",
             "errors), `I` codes information (`estate validate -v` lists them), `Q` codes",
             "data-quality findings that only the analyses can see.", "",
             "| code | name | meaning |", "|---|---|---|"]
    for code, (name, meaning) in sorted(CODES.items()):
        lines.append(f"| {code} | `{name}` | {meaning} |")
    return "\n".join(lines) + "\n"


PAGES = {"analyses.md": analyses_page, "problems.md": problems_page}


def main() -> None:
    for name, make in PAGES.items():
        (DOCS / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":
    main()
