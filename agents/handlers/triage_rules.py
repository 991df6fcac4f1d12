"""The Support Concierge's triage criteria, offline: a priority P1-P4 and a category from a ticket's text.

- P1 (critical): production down, data loss, security breach
- P2 (high): major feature broken, multiple users affected
- P3 (medium): single user impact, workaround available
- P4 (low): feature requests, questions

Checked from P1 down; the first that applies wins. Something broken that affects the requester alone (or has a
workaround) is P3; broken for a team, a company or everyone is P2. A ticket that reports nothing broken is a
question or a request: P4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CATEGORIES", "Triage", "triage"]

CATEGORIES = ("security", "account", "billing", "integrations", "performance", "product", "other")  # ties: first wins

_P1 = [
    ("production down", r"\b(production|prod|site|website|service|checkout|api|app|application|platform|system|"
                        r"everything)\b[^.!?]{0,30}\b(is |are |went |goes )?(down|offline|unavailable|unreachable)\b"),
    ("outage", r"\b(outage|total failure|all (api )?(calls|requests) fail)"),
    ("data loss", r"\b(data loss|lost (all |our |the )?data|data (was |were |has been )?(deleted|wiped|lost)|"
                  r"corrupt(ed|ion)?)\b"),
    ("security breach", r"\b(security breach|breach(ed)?|hacked|compromised|unauthori[sz]ed access|data leak|"
                        r"leaked|ransomware|vulnerability)\b"),
]
_BROKEN = (r"\b(broken|not working|doesn'?t work|does not work|stopped working|fails?|failing|failed|errors?|"
           r"time[sd]? out|timing out|timeouts?|crash(es|ed|ing)?|can'?t|cannot|unable to|locked( out)?|500|bug|wrong|"
           r"incorrect|missing)\b")
_MANY = (r"\b(we|our|us|everyone|everybody|all (of )?(our |the )?users|multiple users|several users|many users|"
         r"(the |whole )?team|colleagues|customers|nobody|no one|none of)\b")
_WORKAROUND = r"\b(workaround|work around|for now we|in the meantime)\b"
_QUESTION = (r"(\?|\b(how (do|can|to)|is it possible|can (we|i|you)|do you (support|offer)|feature request|"
             r"would (be nice|like)|could you add|please|wish)\b)")

_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "security": ("security", "breach", "vulnerability", "phishing", "leak", "hacked", "compromised", "malware"),
    "account": ("password", "login", "log in", "sign in", "sign-in", "locked", "account", "sso", "2fa", "mfa",
                "unlock", "username", "invite"),
    "billing": ("invoice", "billing", "charge", "charged", "refund", "credit", "payment", "subscription", "plan",
                "price", "pricing", "vat", "receipt"),
    "integrations": ("integration", "salesforce", "webhook", "zapier", "hubspot", "sync", "oauth", "api key"),
    "performance": ("slow", "timeout", "time out", "timed out", "latency", "outage", "down", "500", "status"),
    "product": ("export", "import", "report", "dashboard", "feature", "csv", "install", "installation",
                "on-premise", "deploy", "deployment"),
}


@dataclass(frozen=True, slots=True)
class Triage:
    priority: str
    category: str
    reason: str
    summary: str

    def as_dict(self) -> dict[str, str]:
        return {"priority": self.priority, "category": self.category, "summary": self.summary,
                "reason": self.reason}


def _priority(text: str) -> tuple[str, str]:
    for label, pattern in _P1:
        if re.search(pattern, text):
            return "P1", f"critical: {label}"
    broken = re.search(_BROKEN, text)
    if broken:
        if re.search(_MANY, text) and not re.search(_WORKAROUND, text):
            return "P2", f"high: '{broken.group(0)}' affecting several users"
        return "P3", f"medium: '{broken.group(0)}' for one user" + (
            " with a workaround" if re.search(_WORKAROUND, text) else "")
    if re.search(_QUESTION, text):
        return "P4", "low: a question or a feature request"
    return "P3", "medium: a problem report without impact details"


def _category(text: str) -> str:
    counts = {name: sum(len(re.findall(rf"\b{re.escape(word)}s?\b", text)) for word in words)
              for name, words in _CATEGORY_WORDS.items()}
    best = max(counts.values())
    if best == 0:
        return "other"
    return next(name for name in CATEGORIES if counts.get(name) == best)  # ties: in the order of CATEGORIES


def _first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= 200 else sentence[:197] + "..."


def triage(subject: str, description: str) -> Triage:
    text = f"{subject}\n{description}".lower()
    priority, reason = _priority(text)
    category = "security" if reason == "critical: security breach" else _category(text)
    summary = f"{priority} {category} ticket: {subject.strip()}. {_first_sentence(description)}".strip()
    return Triage(priority, category, reason, summary)
