"""The BDR Concierge's rules, offline: extracting a lead from a form and its message, and scoring it.

Scoring follows the design document's qualification criteria, one share of the points each (the flows give
`points_per_criterion`, 25): company size of 50+ employees; budget authority at director level or above; a use
case in the ICP list; an active project within 90 days. Unknown facts score nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agents.tools.bm25 import tokenize

__all__ = [
    "AUTHORITY_LEVELS",
    "DEFAULT_CRITERIA",
    "InvalidLead",
    "authority_level",
    "extract_lead_fields",
    "matching_icp_use_case",
    "score_lead_against",
    "timeline_from_text",
]

AUTHORITY_LEVELS = ("individual", "manager", "director", "vp", "c_level")
DEFAULT_CRITERIA: dict[str, Any] = {
    "min_company_size": 50, "min_authority": "director", "max_timeline_days": 90, "points_per_criterion": 25,
    "icp_use_cases": ["lead qualification", "sales automation", "support automation", "workflow automation",
                      "operations monitoring"],
}
# What the product does, in the words leads use: found in a message when the form had no use case.
PRODUCT_USE_CASES = ("lead qualification", "sales automation", "support automation", "workflow automation",
                     "operations monitoring", "ticket triage", "meeting booking", "sla monitoring")
FREE_MAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
                       "icloud.com", "aol.com", "proton.me", "protonmail.com", "gmx.net", "web.de"})
_EMAIL = re.compile(r"^[a-z0-9._%+'-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})$")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 90, "year": 365}
_AMOUNT = r"(\d+|a couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_IN_N_UNITS = re.compile(rf"\b(?:in|within)\s+(?:the\s+next\s+)?{_AMOUNT}\s+(day|week|month|quarter|year)s?\b")
_NEXT_UNIT = re.compile(r"\b(?:within\s+the\s+|by\s+|in\s+the\s+)?(this|next)\s+(week|month|quarter|year)\b")
_SOON = re.compile(r"\b(asap|as soon as possible|immediately|urgent(?:ly)?|right away)\b")
_SIZE = re.compile(r"\b(\d[\d,]*)\s*(?:-\s*)?(?:employees|staff|people company|person company|-person company)\b")
_AUTOMATE = re.compile(r"\bautomat(?:e|ing)\s+(?:our\s+|the\s+)?([a-z]+(?:\s+[a-z]+)?)")


class InvalidLead(ValueError):
    """The lead cannot be used as given (a malformed email): a validation error, never retried."""


def timeline_from_text(text: str) -> int | None:
    """Days until the project starts, from phrases such as 'this quarter', 'in two months', 'next week'."""
    lowered = text.lower()
    found = _IN_N_UNITS.search(lowered)
    if found:
        amount = found.group(1)
        count = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
        return count * _UNIT_DAYS[found.group(2)]
    found = _NEXT_UNIT.search(lowered)
    if found:
        return _UNIT_DAYS[found.group(2)]  # "this quarter", "within the next month": by the end of it
    if _SOON.search(lowered):
        return 14
    return None


def _use_case_from_text(text: str) -> str | None:
    lowered = text.lower()
    for phrase in PRODUCT_USE_CASES:
        if phrase in lowered:
            return phrase
    found = _AUTOMATE.search(lowered)
    return found.group(1).strip() if found else None


def _company_size_from_text(text: str) -> int | None:
    found = _SIZE.search(text.lower())
    return int(found.group(1).replace(",", "")) if found else None


def extract_lead_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The lead: the form's fields first, the message for what they lack; the email normalised and checked."""
    email = str(fields.get("email") or "").strip().lower()
    match = _EMAIL.match(email)
    if not match:
        raise InvalidLead(f"'{fields.get('email')}' is not a valid email address")
    domain = match.group(1)
    message = str(fields.get("raw_message") or "")
    found_in_message: list[str] = []

    def pick(name: str, from_message: Any) -> Any:
        value = fields.get(name)
        if value not in (None, ""):
            return value
        if from_message is not None:
            found_in_message.append(name)
        return from_message

    return {
        "email": email,
        "name": fields.get("name") or None,
        "title": fields.get("title") or None,
        "company": fields.get("company") or None,
        "domain": None if domain in FREE_MAIL else domain,
        "company_size": pick("company_size", _company_size_from_text(message)),
        "use_case": pick("use_case", _use_case_from_text(message)),
        "timeline_days": pick("timeline_days", timeline_from_text(message)),
        "source": fields.get("source") or None,
        "from_message": found_in_message,
    }


# Checked in order, first match wins: an assistant to a CEO has no budget authority; "vice president" is VP.
_TITLE_LEVELS: tuple[tuple[str, frozenset[str]], ...] = (
    ("individual", frozenset({"assistant", "intern", "student", "trainee", "associate", "coordinator"})),
    ("vp", frozenset({"vp", "svp", "evp", "avp", "vice"})),
    ("c_level", frozenset({"chief", "ceo", "cto", "cfo", "coo", "cio", "cmo", "cro", "ciso", "founder", "cofounder",
                           "owner", "president", "partner"})),
    ("director", frozenset({"director", "head"})),
    ("manager", frozenset({"manager", "lead", "supervisor"})),
)


def authority_level(title: str | None) -> str:
    """individual, manager, director, vp or c_level, from a job title."""
    words = set(re.findall(r"[a-z]+", (title or "").lower()))
    return next((level for level, marks in _TITLE_LEVELS if words & marks), "individual")


def matching_icp_use_case(use_case: str | None, icp_use_cases: Sequence[str]) -> str | None:
    """The ICP use case whose every (stemmed) word the lead's use case contains."""
    if not use_case:
        return None
    words = set(tokenize(use_case))
    for icp in icp_use_cases:
        wanted = set(tokenize(icp))
        if wanted and wanted <= words:
            return icp
    return None


@dataclass(frozen=True, slots=True)
class _Criterion:
    name: str
    met: bool
    why: str


def _criteria(lead: Mapping[str, Any], rules: Mapping[str, Any]) -> list[_Criterion]:
    size = lead.get("company_size")
    level = authority_level(lead.get("title"))
    minimum = str(rules["min_authority"])
    icp = matching_icp_use_case(lead.get("use_case"), rules["icp_use_cases"])
    days = lead.get("timeline_days")
    return [
        _Criterion("company_size", isinstance(size, int) and size >= rules["min_company_size"],
                   f"company size {size if size is not None else 'unknown'} "
                   f"(needs {rules['min_company_size']}+)"),
        _Criterion("authority", AUTHORITY_LEVELS.index(level) >= AUTHORITY_LEVELS.index(minimum),
                   f"'{lead.get('title') or 'no title'}' is {level.replace('_', '-')} level (needs {minimum}+)"),
        _Criterion("icp_fit", icp is not None,
                   f"use case '{lead.get('use_case') or 'unknown'}' "
                   + (f"matches the ICP '{icp}'" if icp else "is outside the ICP")),
        _Criterion("timeline", isinstance(days, int) and 0 <= days <= rules["max_timeline_days"],
                   f"timeline {f'{days} days' if days is not None else 'unknown'} "
                   f"(needs {rules['max_timeline_days']} or fewer)"),
    ]


def score_lead_against(lead: Mapping[str, Any], criteria: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{score, breakdown, reasoning, qualified}: the points per criterion met, out of 100."""
    rules = {**DEFAULT_CRITERIA, **(criteria or {})}
    if rules["min_authority"] not in AUTHORITY_LEVELS:
        raise ValueError(f"min_authority must be one of {', '.join(AUTHORITY_LEVELS)}")
    points = int(rules["points_per_criterion"])
    judged = _criteria(lead, rules)
    breakdown = {c.name: points if c.met else 0 for c in judged}
    score = min(100, sum(breakdown.values()))
    met = [c.why for c in judged if c.met]
    missed = [c.why for c in judged if not c.met]
    reasoning = (f"Score {score}/100. Met: {'; '.join(met) or 'none'}. "
                 f"Not met: {'; '.join(missed) or 'none'}.")
    return {"score": score, "breakdown": breakdown, "reasoning": reasoning, "qualified": score >= 70}
