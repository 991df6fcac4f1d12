"""BM25 (Okapi) ranking with scores normalised to 0..1, for `knowledge.search` and `web.search`.

Tokens: lower-case runs of letters and digits, English stop words dropped, a light suffix stemmer (plurals,
-ed, -ing; "locked" and "locks" both become "lock"). A document's fields are weighted by repeating their
tokens (a title counts three times, tags twice, the body once: a simple form of BM25F).

    idf(t)      = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
    bm25_t(t,d) = idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * |d| / avgdl))
    bm25(q, d)  = sum of bm25_t(t, d) over the distinct terms t of q

Raw BM25 has no upper bound, so a threshold such as the flows' `> 0.8` means nothing on it. The normalised
score measures how much of the query a document answers. Each distinct query term contributes its BM25 term
score capped at `idf(t)` -- what it earns in a document of average length containing it once -- and the sum is
divided by the sum of `idf(t)` over every distinct query term:

    score(q, d) = sum of min(idf(t), bm25_t(t, d)) / sum of idf(t)        (0..1)

So 1.0 means every query term occurs at least as prominently as once in an average document; a document that
matches one term many times cannot make up for terms it lacks; and query terms the corpus never uses count in
the denominator with the idf of a term in no document (the largest), so a question the corpus cannot answer
stays low however well one common word matches. Documents are ranked by this score, ties by raw BM25.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["STOP_WORDS", "Bm25Index", "Ranked", "stem", "tokenize"]

_WORD = re.compile(r"[a-z0-9]+")
_VOWELS = frozenset("aeiou")

_STOP_WORD_TEXT = """
    a about above after again against ago all almost already also although always am among an and another any
    anyone anything are around as ask asked at away be became because been before being below between both but by
    can cannot cant could did didnt do does doesnt doing done dont during each either else ever every few for
    from further get gets getting got had has have having he hello her here hers herself hi him himself his how
    however i id if im in into is isnt it its itself ive just keep kept know let like ll many may me might more
    most much must my myself need needs never no nor not now of off often on once one only or other others our ours
    ourselves out over own per perhaps please quite rather re really said same say says see seem seems she should
    since so some someone something sometimes soon still such sure tell than thank thanks that thats the their
    theirs them themselves then there these they thing things this those though through thus to today tomorrow
    told too tried try trying under until up upon us use used using ve very want wanted wants was wasnt we wed
    well were werent what whatever when where whether which while who whom whose why will with within without
    wont would wouldnt yes yesterday yet you youd your youre yours yourself yourselves"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())


def _measure(stem_text: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in the stem."""
    pattern = "".join("v" if c in _VOWELS or (c == "y" and i > 0 and stem_text[i - 1] not in _VOWELS) else "c"
                      for i, c in enumerate(stem_text))
    return len(re.findall(r"v+c+", pattern))


def _ends_cvc(word: str) -> bool:
    """consonant-vowel-consonant at the end, the last not w, x or y ("tim" of "timed" needs its e back)."""
    if len(word) < 3:
        return False
    a, b, c = word[-3], word[-2], word[-1]
    return a not in _VOWELS and b in _VOWELS and c not in _VOWELS and c not in "wxy"


def _after_suffix(stem_text: str) -> str:
    if len(stem_text) > 2 and stem_text[-1] == stem_text[-2] and stem_text[-1] not in "lsz":
        return stem_text[:-1]  # "running" -> "run"
    if _measure(stem_text) == 1 and _ends_cvc(stem_text):
        return stem_text + "e"  # "timed" -> "time", "pricing" -> "price"
    return stem_text


def stem(word: str) -> str:
    """A light English stemmer: plurals, -ed and -ing (Porter's steps 1a and 1b, simplified)."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if any(c in _VOWELS for c in base) and len(base) >= 3:
                return _after_suffix(base)
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop words removed, stemmed terms in order of appearance."""
    return [stem(w) for w in _WORD.findall(text.lower().replace("'", "")) if w not in STOP_WORDS and len(w) > 1]


@dataclass(frozen=True, slots=True)
class Ranked:
    """One document's rank for a query: the raw BM25 score and the normalised one (0..1)."""

    doc_id: str
    raw: float
    score: float
    matched_terms: tuple[str, ...]


class Bm25Index:
    """An in-memory BM25 index over documents given as weighted fields: {doc_id: [(text, weight), ...]}."""

    def __init__(self, documents: Mapping[str, Sequence[tuple[str, int]]], *, k1: float = 1.2, b: float = 0.75) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError("BM25 needs k1 >= 0 and 0 <= b <= 1")
        self.k1 = k1
        self.b = b
        self._tf: dict[str, Counter[str]] = {}
        self._length: dict[str, int] = {}
        for doc_id, fields in documents.items():
            terms: Counter[str] = Counter()
            for text, weight in fields:
                for term in tokenize(text):
                    terms[term] += weight
            self._tf[doc_id] = terms
            self._length[doc_id] = sum(terms.values())
        self._df: Counter[str] = Counter(term for terms in self._tf.values() for term in terms)
        self._avgdl = (sum(self._length.values()) / len(self._length)) if self._length else 0.0

    def __len__(self) -> int:
        return len(self._tf)

    def idf(self, term: str) -> float:
        """Always positive (the +1 inside the log); a term in no document gets the largest value."""
        n = len(self._tf)
        df = self._df.get(term, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _term_scores(self, terms: Iterable[str], doc_id: str) -> dict[str, float]:
        """BM25's per-term scores of the document for the distinct terms it contains."""
        tf = self._tf[doc_id]
        norm = self.k1 * (1.0 - self.b + self.b * self._length[doc_id] / self._avgdl) if self._avgdl else self.k1
        found: dict[str, float] = {}
        for term in set(terms):
            count = tf.get(term, 0)
            if count:
                found[term] = self.idf(term) * count * (self.k1 + 1.0) / (count + norm)
        return found

    def raw_score(self, terms: Iterable[str], doc_id: str) -> float:
        """Classic BM25 of the document for the query terms."""
        return sum(self._term_scores(terms, doc_id).values())

    def normalised_score(self, terms: Iterable[str], doc_id: str) -> float:
        """The share of the query's idf mass the document answers, each term capped at idf(t): 0..1."""
        distinct = set(terms)
        reference = sum(self.idf(term) for term in distinct)
        if reference <= 0.0:
            return 0.0
        capped = sum(min(self.idf(term), value) for term, value in self._term_scores(distinct, doc_id).items())
        return min(1.0, capped / reference)

    def rank(self, query: str, *, limit: int = 10, among: Iterable[str] | None = None) -> list[Ranked]:
        """The best `limit` documents (of `among`, default all) that share a term with the query, best first."""
        terms = set(tokenize(query))
        if not terms:
            return []
        candidates = list(self._tf) if among is None else [d for d in among if d in self._tf]
        found: list[Ranked] = []
        for doc_id in candidates:
            per_term = self._term_scores(terms, doc_id)
            if per_term:
                found.append(Ranked(doc_id, sum(per_term.values()), self.normalised_score(terms, doc_id),
                                    tuple(sorted(per_term))))
        found.sort(key=lambda r: (-r.score, -r.raw, r.doc_id))
        return found[: max(0, limit)]
