"""The Workflow Commander's routing, offline: which squad an incoming request goes to.

A lead (demo, pricing, quote, seats, trial) goes to the Sales Squad; a report or an operational question (SLA,
metrics, report) to the Ops Squad; a ticket or a complaint, and anything unclear, to the Support Squad. Signs of
a problem (something broken, failing, timing out, locked) make it a ticket whatever else it mentions: a customer
whose report export times out needs support, not a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Routing", "route_request"]

_PROBLEM = (r"\bbroken\b", r"\bnot working\b", r"\bfail(s|ed|ing|ure)?\b", r"\berrors?\b",
            r"\btim(e|ed|es|ing) out\b", r"\btimeouts?\b", r"\blocked\b", r"\bcan'?t\b", r"\bcannot\b",
            r"\bunable\b", r"\bbug\b", r"\bcrash", r"\bcomplain")  # something is wrong
_SUPPORT_TOPICS = (r"\bticket\b", r"\bhelp\b", r"\bissue\b", r"\bproblem\b", r"\bimport\b", r"\bcredit\b",
                   r"\brefund\b")
_SIGNALS: dict[str, tuple[str, ...]] = {
    "sales": (r"\bdemo\b", r"\bpricing\b", r"\bprices?\b", r"\bquote\b", r"\bseats?\b", r"\btrial\b",
              r"\bpurchase\b", r"\bbuy(ing)?\b", r"\blicen[cs]es?\b", r"\bevaluat(e|ing)\b"),
    "ops": (r"\bsla\b", r"\b(weekly|monthly|daily|quarterly) (\w+ )?report\b", r"\bsend (us|me) (the|a|our) .{0,40}"
            r"\breport\b", r"\bmetrics\b", r"\bdashboard\b", r"\buptime\b", r"\bresponse times?\b"),
    "support": _PROBLEM + _SUPPORT_TOPICS,
}


@dataclass(frozen=True, slots=True)
class Routing:
    squad: str
    confidence: float
    signals: tuple[str, ...]

    def as_dict(self, summary: str) -> dict[str, object]:
        return {"squad": self.squad, "summary": summary, "confidence": self.confidence,
                "signals": list(self.signals)}


def _hits(text: str, patterns: tuple[str, ...]) -> list[str]:
    return [m.group(0) for p in patterns if (m := re.search(p, text))]


def route_request(subject: str, description: str) -> Routing:
    text = f"{subject}\n{description}".lower()
    hits = {squad: _hits(text, patterns) for squad, patterns in _SIGNALS.items()}
    problem = _hits(text, _PROBLEM)
    if problem:
        chosen = "support"
    elif hits["sales"] and len(hits["sales"]) >= len(hits["ops"]):
        chosen = "sales"
    elif hits["ops"]:
        chosen = "ops"
    else:
        chosen = "support"
    signals = tuple(hits[chosen])
    confidence = 0.5 if not signals else round(min(0.95, 0.6 + 0.1 * len(signals)), 2)
    return Routing(chosen, confidence, signals)
