"""Every word of the review pack's tables stays inside its cell on the printed page. Long identifiers with no
space to break at (`finance_director`, `monthly_budget_exceeded`, a changed transition's key) ran past their
cell's border into the next column: "monthly_budget_exceededbudget.limit" on the page a reviewer signs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_review_pack import FLOWS, revised, source

from engine.review import ReviewSource, review_html
from engine.review.stylesheet import stylesheet

weasyprint = pytest.importorskip("weasyprint")


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _overflows(html: str) -> list[str]:
    """The text of each line in a table cell that reaches past the cell's right border (in CSS px)."""
    document = weasyprint.HTML(string=html).render()
    found = []
    for page in document.pages:
        for cell in _boxes(page._page_box):  # WeasyPrint's laid-out boxes
            if type(cell).__name__ != "TableCellBox":
                continue
            right = cell.border_box_x() + cell.border_width()
            for text in _boxes(cell):
                if type(text).__name__ == "TextBox" and text.position_x + text.width > right + 0.5:
                    found.append(text.text)
    return found


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.stem)
def test_no_word_of_a_table_leaves_its_cell(path: Any) -> None:
    pack = source(path)
    if path.stem == "customer_escalation":  # the changes table too, with its long transition keys
        pack = ReviewSource(workflow=revised(pack.workflow), previous=pack.workflow, generated_at=pack.generated_at,
                            agents=pack.agents, findings=pack.findings, origin=pack.origin)
    assert _overflows(review_html(pack, paged=True)) == []


def test_the_check_sees_a_word_that_leaves_its_cell() -> None:
    """The check itself: a long unbreakable word in a narrow cell, without the pack's stylesheet, is seen."""
    narrow = ("<table style='width: 60px; border-collapse: collapse; table-layout: fixed'><tr>"
              "<td>monthly_budget_exceeded_monthly_budget_exceeded</td><td>x</td></tr></table>")
    assert _overflows(narrow) != []
    assert _overflows(f"<style>{stylesheet('A4', 'x')}</style>{narrow}") == []
