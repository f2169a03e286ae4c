"""Output choices: which outputs to draw and how, apart from the analysis thresholds.

:class:`estate.config.Settings` holds what the analyses need (thresholds and ``as_of``,
the run's "today"); they shape the findings and are published in ``analysis.json``'s
``settings``.  :class:`OutputChoices` holds what only the renderers need: which maps,
in which formats, from which templates.  They change the files written, never a finding,
so they are not published in ``analysis.json``.

Both are read from the same ``estate.yaml`` (or ``--config FILE``); the command-line
options (``--maps``, ``--map-format``, ``--templates``) override the file.  A renderer
reads the declared fields of the object it is given, never a guess with ``getattr``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import yaml

from estate.errors import UsageError

#: which maps ``--maps`` can ask for (besides ``council:ID[,ID...]``, :data:`COUNCIL_PREFIX`)
MAP_CHOICES = ("auto", "all", "councils", "partnerships", "none")
#: ``--maps council:ID[,ID...]``: what ``auto`` draws plus the named councils' maps
COUNCIL_PREFIX = "council:"
#: formats Graphviz draws besides the ``.dot`` text of each map
MAP_FORMATS = ("svg", "png", "pdf")


@dataclass(frozen=True)
class OutputChoices:
    #: which maps to draw: auto | all | councils | partnerships | none |
    #: council:ID[,ID...] (`--maps`); auto draws every map for a small estate and the
    #: overviews only for a national one; council:ID adds the named councils' maps to auto's
    maps: str = "auto"
    #: map formats written beside each .dot: svg, png, pdf (`--map-format`)
    map_formats: tuple = ("svg",)
    #: a folder of report templates overriding the built-in ones (`--templates`)
    templates: Optional[str] = None

    def __post_init__(self):
        choice, councils = parse_maps(self.maps)
        object.__setattr__(self, "maps", f"{COUNCIL_PREFIX}{','.join(councils)}" if councils else choice)
        formats = map_formats(self.map_formats)
        object.__setattr__(self, "map_formats", formats)

    @property
    def map_choice(self) -> str:
        """Which maps, without the named councils: ``council:ID`` draws what ``auto`` does."""
        return parse_maps(self.maps)[0]

    @property
    def map_councils(self) -> tuple:
        """The councils ``council:ID[,ID...]`` names, each once, in the order given."""
        return parse_maps(self.maps)[1]

    def check_councils(self, known) -> None:
        """Raise :class:`UsageError` when ``maps`` names a council not among ``known``
        (the estate's council ids), suggesting the nearest id."""
        known = sorted(known)
        unknown = [c for c in self.map_councils if c not in known]
        if not unknown:
            return
        from rapidfuzz import process
        hints = []
        for c in unknown:
            best = process.extractOne(c, known)
            if best is not None:
                hints.append(f"did you mean council:{best[0]}" + (f" for {c}" if len(unknown) > 1 else ""))
        raise UsageError(f"--maps {self.maps}: no council {' or '.join(repr(c) for c in unknown)} "
                         f"in the inventories; nothing was written",
                         hint="; ".join(hints) or None)

    def replace(self, **changes) -> "OutputChoices":
        """A copy with ``changes`` (a ``None`` value leaves that choice as it is)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_dict(self) -> dict:
        return {"maps": self.maps, "map_formats": list(self.map_formats), "templates": self.templates}


FIELDS = frozenset(f.name for f in dataclasses.fields(OutputChoices))


def parse_maps(value) -> tuple:
    """``value`` of ``--maps`` as ``(choice, councils)``: ``("auto", ())`` for ``auto``,
    ``("auto", ("c01", "c02"))`` for ``council:c01,c02``.

    Raises :class:`UsageError` for anything else, or ``council:`` naming no council.
    """
    text = str(value).strip() if value is not None else ""
    if text.lower().startswith(COUNCIL_PREFIX):
        ids = text[len(COUNCIL_PREFIX):].split(",")
        councils = tuple(dict.fromkeys(i.strip() for i in ids if i.strip()))
        if not councils:
            raise UsageError(f"'maps' {value!r} names no council: use council:ID or council:ID,ID")
        return "auto", councils
    if text not in MAP_CHOICES:
        raise UsageError(f"'maps' must be one of {', '.join(MAP_CHOICES)} or council:ID[,ID...], "
                         f"not {value!r}")
    return text, ()


def map_formats(value) -> tuple:
    """``value`` (``"png,pdf"`` or a list) as a tuple of known formats, lower case, each once.

    Raises :class:`UsageError` naming an unknown format.
    """
    items = value.split(",") if isinstance(value, str) else list(value or ())
    formats = tuple(dict.fromkeys(str(f).strip().lower() for f in items if str(f).strip()))
    unknown = [f for f in formats if f not in MAP_FORMATS]
    if unknown:
        raise UsageError(f"unknown map format {', '.join(unknown)}: use svg, png or pdf, comma-separated")
    return formats


def read_settings_file(path: Optional[Path]) -> dict:
    """The mapping in an ``estate.yaml`` (missing file or none given: empty), read once
    by :func:`load_choices` and :func:`estate.config.load_settings` alike."""
    if path is None or not Path(path).exists():
        return {}
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read settings: {exc}")
    if not isinstance(data, dict):
        raise UsageError(f"{path}: settings must be a mapping of names to values")
    return data


def load_choices(path: Optional[Path]) -> OutputChoices:
    """The output choices in an ``estate.yaml`` (missing file or none given: the defaults).

    The file's analysis settings are read by :func:`estate.config.load_settings`.
    """
    changes = {}
    for key, value in read_settings_file(path).items():
        name = str(key).replace("-", "_")
        if name not in FIELDS:
            continue
        if name == "templates" and not isinstance(value, str):
            raise UsageError(f"{path}: setting 'templates' must be a folder name, not {value!r}")
        if name == "maps":
            try:
                parse_maps(value if isinstance(value, str) else repr(value))
            except UsageError as exc:
                raise UsageError(f"{path}: setting {exc.message}")
        changes[name] = value
    try:
        return OutputChoices(**changes)
    except UsageError as exc:
        raise UsageError(f"{path}: {exc.message}", hint=exc.hint)
