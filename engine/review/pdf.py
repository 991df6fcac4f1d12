"""The review pack as PDF: its paged HTML laid out by WeasyPrint (Pango does the text)."""

from __future__ import annotations

from typing import Any

from engine.definition import Workflow
from engine.errors import StatewrightError
from engine.render import Direction, Highlight
from engine.review.document import diagram_html, review_html
from engine.review.source import PageSize, ReviewSource

__all__ = ["PdfError", "diagram_pdf", "html_to_pdf", "review_pdf"]


class PdfError(StatewrightError):
    """The PDF could not be made: WeasyPrint or the system libraries it needs are missing."""

    status = 503
    title = "PDF rendering failed"


def _weasyprint() -> Any:
    try:
        import weasyprint  # noqa: PLC0415 - heavy (loads Pango); only the PDF needs it
    except (ImportError, OSError) as exc:
        raise PdfError(f"PDF needs WeasyPrint and Pango: pip install weasyprint, apt-get install "
                       f"libpango-1.0-0 libpangoft2-1.0-0 ({exc})") from exc
    return weasyprint


def html_to_pdf(document: str) -> bytes:
    """A self-contained HTML document as PDF; no URL is fetched (there is nothing to fetch)."""
    weasyprint = _weasyprint()

    def refuse(url: str, *_args: Any, **_kwargs: Any) -> Any:
        raise ValueError(f"the review pack fetches nothing ({url[:80]})")

    data: bytes = weasyprint.HTML(string=document, url_fetcher=refuse).write_pdf()
    return data


def review_pdf(source: ReviewSource, *, direction: Direction = "TB") -> bytes:
    return html_to_pdf(review_html(source, paged=True, direction=direction))


def diagram_pdf(workflow: Workflow, *, page: PageSize = "A4", direction: Direction = "TB",
                highlight: Highlight | None = None) -> bytes:
    """The diagram alone, cut into `page`-sized pages with its smallest text at 7 pt or more."""
    return html_to_pdf(diagram_html(workflow, page=page, direction=direction, highlight=highlight))
