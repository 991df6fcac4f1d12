"""The QA Auditor's rubric, offline: five dimensions scored 0-10 by named checks, total = sum / 5.

1. Accuracy (facts correct, citations valid)   2. Completeness (all required elements present)
3. Tone (appropriate, professional)            4. Format (structure, readability)
5. Compliance (policies followed)

Thresholds: >= 8.0 excellent, 6.0-7.9 acceptable, < 6.0 needs improvement (flag for review, name the issues,
recommend training or process changes). Each check that fails deducts points from its dimension and says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["DIMENSIONS", "Finding", "audit", "rating_for"]

DIMENSIONS = ("accuracy", "completeness", "tone", "format", "compliance")
EXCELLENT, ACCEPTABLE = 8.0, 6.0

_RUDE = re.compile(r"\b(stupid|dumb|idiot\w*|hate|crap|damn|whatever|lol|shut up|obviously you)\b", re.IGNORECASE)
_SHOUT = re.compile(r"\b[A-Z]{5,}\b")
_CARD = re.compile(r"\b(?:\d[ -]?){13,16}\b")
_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_SECRET = re.compile(r"\b(password|api[_ ]?key|secret|token)\s*[:=]\s*\S+", re.IGNORECASE)
_PROMISE = re.compile(r"\b(guarantee[sd]?|100% (sure|certain)|we promise|never happen again)\b", re.IGNORECASE)
_INTERNAL = re.compile(r"\b(internal only|confidential|do not share)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Finding:
    dimension: str
    points: float
    issue: str
    recommendation: str


def rating_for(total: float) -> str:
    return "excellent" if total >= EXCELLENT else "acceptable" if total >= ACCEPTABLE else "needs_improvement"


def _lookup(value: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _completeness(output: Mapping[str, Any], required: Sequence[str]) -> tuple[float, list[Finding]]:
    missing = [p for p in required if _lookup(output, p) in (None, "", [], {})]
    score = 10.0 * (len(required) - len(missing)) / len(required) if required else 10.0
    return score, [Finding("completeness", 0, f"missing required element '{p}'",
                           f"always fill '{p}' before handing the output on") for p in missing]


def _accuracy(output: Mapping[str, Any]) -> list[Finding]:
    found = []
    qualification = output.get("qualification")
    if isinstance(qualification, Mapping) and isinstance(qualification.get("score"), int | float):
        score = qualification["score"]
        breakdown = qualification.get("breakdown")
        if isinstance(breakdown, Mapping) and sum(breakdown.values()) != score:
            found.append(Finding("accuracy", 4, f"score {score} is not the sum of its breakdown",
                                 "recompute the score from the criteria"))
        decision = output.get("decision")
        if decision is not None and (decision == "book") != (score >= 70):
            found.append(Finding("accuracy", 4, f"decision '{decision}' contradicts the score {score} (book at 70+)",
                                 "route by the qualification threshold"))
        if decision == "book" and not _lookup(output, "meeting.meeting_id"):
            found.append(Finding("accuracy", 3, "a qualified lead has no meeting booked or requested",
                                 "book the discovery meeting or hand it to a rep"))
    confidence = output.get("enrichment_confidence")
    if confidence is not None and not (isinstance(confidence, int | float) and 0 <= confidence <= 1):
        found.append(Finding("accuracy", 2, f"enrichment confidence {confidence} is outside 0-1",
                             "report confidence as a share"))
    if "reply" in output:
        if not re.fullmatch(r"KB-[A-Z0-9]+", str(output.get("article_id") or "")):
            found.append(Finding("accuracy", 3, "the reply cites no valid knowledge article",
                                 "base replies on a published article and cite it"))
        if "https://" not in str(output.get("reply") or ""):
            found.append(Finding("accuracy", 2, "the reply has no link to its source",
                                 "link the article the answer comes from"))
    return found


def _tone(output: Mapping[str, Any], texts: list[str]) -> list[Finding]:
    found = []
    for word in sorted({m.group(0).lower() for t in texts for m in _RUDE.finditer(t)}):
        found.append(Finding("tone", 4, f"unprofessional wording: '{word}'", "keep a professional, helpful tone"))
    if sum(len(_SHOUT.findall(t)) for t in texts) >= 2:
        found.append(Finding("tone", 2, "words in capitals read as shouting", "write in sentence case"))
    if any("!!" in t for t in texts):
        found.append(Finding("tone", 2, "repeated exclamation marks", "stay calm and factual"))
    reply = output.get("reply")
    if isinstance(reply, str):
        if not re.match(r"\s*(hello|hi|dear|good (morning|afternoon|evening))\b", reply, re.IGNORECASE):
            found.append(Finding("tone", 1, "the reply does not greet the requester", "open with a greeting"))
        if not re.search(r"\b(regards|thank you|thanks|best wishes|sincerely)\b", reply, re.IGNORECASE):
            found.append(Finding("tone", 1, "the reply has no courteous closing", "close politely"))
    return found


def _format(output: Mapping[str, Any]) -> list[Finding]:
    found = []
    reply = output.get("reply")
    if isinstance(reply, str):
        if len([p for p in re.split(r"\n\s*\n", reply) if p.strip()]) < 2:
            found.append(Finding("format", 2, "the reply is one block of text", "use short paragraphs"))
        if not 80 <= len(reply) <= 3000:
            found.append(Finding("format", 2, f"the reply is {len(reply)} characters long (80-3000 read well)",
                                 "keep replies concise but complete"))
        sentences = [s for s in re.split(r"[.!?]+\s", reply) if s.strip()]
        if sentences and sum(len(s.split()) for s in sentences) / len(sentences) > 35:
            found.append(Finding("format", 2, "sentences are too long to read easily", "split long sentences"))
    reasoning = _lookup(output, "qualification.reasoning")
    if reasoning is not None and not (isinstance(reasoning, str) and reasoning.strip().endswith(".")):
        found.append(Finding("format", 1, "the reasoning is not a complete sentence", "state the reasoning in prose"))
    return found


def _compliance(texts: list[str]) -> list[Finding]:
    checks = ((_CARD, 5, "a payment card number"), (_SSN, 5, "a social security number"),
              (_SECRET, 5, "a password or secret"), (_PROMISE, 3, "a promise or guarantee we cannot give"),
              (_INTERNAL, 3, "internal-only information"))
    return [Finding("compliance", points, f"the output contains {what}", "remove it; follow the data policy")
            for pattern, points, what in checks if any(pattern.search(t) for t in texts)]


def audit(output: Mapping[str, Any], required_elements: Sequence[str] = (),
          rubric: Sequence[str] = DIMENSIONS) -> dict[str, Any]:
    """{scores, total, rating, issues, recommendations} for `output` on the rubric's dimensions."""
    unknown = [d for d in rubric if d not in DIMENSIONS]
    if unknown or not rubric:
        raise ValueError(f"the rubric's dimensions are {', '.join(DIMENSIONS)}; got {list(rubric)}")
    texts = list(_texts(output))
    completeness, findings = _completeness(output, required_elements)
    findings += _accuracy(output) + _tone(output, texts) + _format(output) + _compliance(texts)
    scores = dict.fromkeys(rubric, 10.0)
    if "completeness" in scores:
        scores["completeness"] = round(completeness, 2)
    for finding in findings:
        if finding.dimension in scores and finding.dimension != "completeness":
            scores[finding.dimension] = max(0.0, scores[finding.dimension] - finding.points)
    total = round(sum(scores.values()) / len(scores), 2)
    rating = rating_for(total)
    recommendations = list(dict.fromkeys(f.recommendation for f in findings))
    if rating == "needs_improvement":
        recommendations.append("review this output with the team; consider training or a process change")
    return {"scores": scores, "total": total, "rating": rating, "issues": [f.issue for f in findings],
            "recommendations": recommendations}
