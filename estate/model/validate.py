"""Turn parsed YAML documents into an :class:`~estate.model.records.Estate`, checking
every rule of the inventory format (SPEC.md) and collecting every problem in one pass.

Nothing here raises on bad input: each problem becomes a :class:`~estate.errors.Problem`
with a stable code, the key path of the offending value (resolved to a line only when
reported) and, where one helps, a hint ("did you mean 'council-tax'?", "write 180000").
Records are still built from whatever is valid, so a single run reports everything.

The work is split by concern:

* :mod:`estate.model.checks`: value checks (text, slugs, enumerations, numbers, dates);
* :mod:`estate.model.entities`: each document's entries become records;
* :mod:`estate.model.fast_path`: clean entries become records without the checks;
* :mod:`estate.model.references`: references across files, one function per rule;
* :mod:`estate.model.names`: vendor, supplier and product names to catalogue ids.
"""

from __future__ import annotations

from itertools import chain
from typing import Iterable

from estate.model import records as R
from estate.model.checks import Doc, did_you_mean, kind_of
from estate.model.entities import Builder
from estate.model.loader import ParsedFile
from estate.model.names import resolve_names
from estate.model.references import check_catalogue, check_references
from estate.model.schema import CONTRACT_ID, KINDS

__all__ = ["build_estate", "did_you_mean", "CONTRACT_ID"]


def build_estate(inputs: Iterable[ParsedFile], defaults: list[ParsedFile] = ()) -> R.Estate:
    """Validate parsed files and build the estate: records plus every problem found.

    ``inputs`` is read once, in order, so it may be a generator that parses the next
    files while this one is checked, and lets each file's documents go once read.
    """
    b = Builder()
    files: list = []
    for parsed, is_default in chain(((p, True) for p in defaults), ((p, False) for p in inputs)):
        if not is_default:
            files.append(parsed.path)
        b.problems.extend(parsed.problems)
        for index, data in parsed.docs:
            d = Doc(b, parsed.path, index)
            if not isinstance(data, dict):
                d.report("E110", f"document {index + 1} must be a mapping with a 'kind', not "
                         f"{kind_of(data)}", (), "start the document with 'kind: authority' or "
                         "'kind: catalogue'")
                continue
            kind = data.get("kind")
            if kind == "catalogue":
                b.catalogue_doc(d, data, is_default)
            elif kind == "authority" and not is_default:
                b.authority_doc(d, data)
            elif kind is None:
                d.report("E111", f"document {index + 1} has no 'kind'", (),
                         "add 'kind: authority' or 'kind: catalogue' at the top")
            else:
                d.report("E111", f"unknown kind {kind!r}: use 'authority' or 'catalogue'",
                         ("kind",), did_you_mean(str(kind), KINDS))
    check_catalogue(b)
    check_references(b)
    resolve_names(b)
    estate = R.Estate(catalogue=b.catalogue,
                      authorities={k: b.authorities[k] for k in sorted(b.authorities)},
                      problems=b.problems, files=files)
    return estate

