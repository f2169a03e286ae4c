"""Is a contract IT?  The rule behind ``--it-only``, with the reason for every answer.

A contract is IT when any of these says so (checked in this order; the first that
matches is the reason given):

1. **CPV code** (Common Procurement Vocabulary, 2008):

   =====================  =============================================================
   codes                  meaning
   =====================  =============================================================
   48000000-48999999      Software package and information systems
   72000000-72999999      IT services: consulting, software development, Internet and
                          support
   30200000-30299999      Computer equipment and supplies (the IT part of division 30,
                          "Office and computing machinery, equipment and supplies")
   32400000-32599999      Networks (324) and telecommunications equipment and supplies
                          (325), the IT part of division 32 ("Radio, television,
                          communication, telecommunication and related equipment")
   =====================  =============================================================

   Other codes of divisions 30 and 32 (office machines, paper, radio and television
   sets) are not IT.  A row whose only CPV codes are not IT is dropped even if its
   text mentions software: the code is the buyer's own classification.

2. **The council's own category label**: one of the mapping's ``it_categories`` (exact
   labels, case ignored), or, when the mapping gives none, a label with one of the
   words ICT, IT, information technology, digital, software, SaaS, technology,
   telecoms, telephony, computer, network (e.g. "ICT - software & SAAS", "IT").

3. **Keywords** in the title or description: :data:`KEYWORDS` (whole words, case
   ignored).

A row with none of these is dropped, and ``--explain`` says so row by row.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

#: (low, high, what) ranges of 8-digit CPV codes that are IT
IT_CPV_RANGES = (
    (48000000, 48999999, "software package and information systems"),
    (72000000, 72999999, "IT services"),
    (30200000, 30299999, "computer equipment and supplies"),
    (32400000, 32599999, "networks and telecommunications equipment"),
)
CATEGORY_WORDS = re.compile(
    r"\b(ict|it|i\.t\.|information technology|digital|software|saas|technology|telecoms?|"
    r"telecommunications|telephony|computers?|computing|networks?)\b", re.I)
#: keywords that mark a title or description as IT (whole words, case ignored)
KEYWORDS = ("software", "saas", "ict", "it services", "it support", "it equipment",
            "information technology", "computer", "computers", "laptop", "laptops", "server",
            "servers", "network", "networks", "telephony", "broadband", "wi-fi", "wifi",
            "cloud", "hosting", "data centre", "cyber", "firewall", "microsoft", "licences for",
            "application support", "system support", "management system", "website", "web site",
            "digital platform", "erp", "crm")
_KEYWORD = re.compile(r"\b(" + "|".join(re.escape(k) for k in KEYWORDS) + r")\b", re.I)
_CPV = re.compile(r"\b(\d{8})(?:-\d)?\b")


def cpv_codes(text) -> list:
    """The 8-digit CPV codes in a cell (``"48000000-8; 72000000"``)."""
    return _CPV.findall(str(text or ""))


def it_cpv(code: str) -> Optional[str]:
    """What an IT CPV code is, or ``None`` when it is not IT."""
    try:
        number = int(str(code)[:8])
    except ValueError:
        return None
    for low, high, what in IT_CPV_RANGES:
        if low <= number <= high:
            return what
    return None


def classify(cpvs: Iterable[str] = (), category: Optional[str] = None, text: str = "",
             it_categories: Iterable[str] = ()) -> tuple:
    """``(is_it, reason)`` for one contract, the reason in plain English."""
    cpvs = list(cpvs)
    for code in cpvs:
        what = it_cpv(code)
        if what:
            return True, f"CPV {code} ({what})"
    if cpvs:
        return False, f"CPV {', '.join(cpvs[:3])} is not IT"
    labels = {c.casefold() for c in it_categories}
    if category:
        if labels:
            if category.strip().casefold() in labels:
                return True, f"category '{category}' is one of the mapping's it_categories"
        elif CATEGORY_WORDS.search(category):
            return True, f"category '{category}' names IT"
    m = _KEYWORD.search(text or "")
    if m:
        return True, f"keyword '{m.group(1)}' in the title or description"
    said = f"category '{category}' is not IT" if category else "no IT category"
    return False, f"no CPV code, {said}, no IT keyword"
