"""The review pack: one document a reviewer signs — cover, the diagram fitted to printed pages with changes
marked, states, agents, transitions, policies, findings, changes since the version signed last, sign-off."""

from engine.review.changes import Changes, compare
from engine.review.document import diagram_html, review_html
from engine.review.paging import MIN_TEXT_PT, PAGE_POINTS
from engine.review.pdf import PdfError, diagram_pdf, review_pdf
from engine.review.source import PageSize, ReviewSource, content_fingerprint

__all__ = [
    "MIN_TEXT_PT",
    "PAGE_POINTS",
    "Changes",
    "PageSize",
    "PdfError",
    "ReviewSource",
    "compare",
    "content_fingerprint",
    "diagram_html",
    "diagram_pdf",
    "review_html",
    "review_pdf",
]
