"""The printed tables break lines between words, and inside an id only after a `_` or a `.`: never inside a word.

The review pack's narrow cells broke ids and words wherever the cell ended: "severity_rout e", "containment_
approval" beside "approva l", "final (success )", a header "Prior ity", "tolerated_failure s". Ids now break after
their underscores and dots, and the narrow columns (a state's type, a transition's priority, its ends) are wide
enough for the words they hold.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from test_review_pack import FLOWS, source

from engine.definition import Workflow
from engine.review import ReviewSource, review_html
from engine.review.pdf import html_to_pdf
from engine.review.stylesheet import stylesheet

weasyprint = pytest.importorskip("weasyprint")

HERE = Path(__file__).parent
_MAY_END = "_./-,;:"  # a line inside one word may end after these (an id's parts, a path, a guard's operands)


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _written(element: Any) -> str:
    """A cell's text as written: a `<br>` or a block inside it is a line of its own."""
    parts = [element.text or ""]
    for child in element:
        name = child.tag.rsplit("}", 1)[-1]
        inner = "\n" if name == "br" else _written(child)
        parts.append(f"\n{inner}\n" if name in ("div", "p", "li") else inner)
        parts.append(child.tail or "")
    return re.sub(r"[ \t\r\f\v]+", " ", "".join(parts)).replace("\u200b", "")


def words_broken(html: str) -> list[str]:
    """Each place a table cell's line ends inside a word ("approva|l"), as laid out by WeasyPrint."""
    found = []
    for page in weasyprint.HTML(string=html).render().pages:
        for cell in _boxes(page._page_box):
            if type(cell).__name__ != "TableCellBox":
                continue
            written = _written(cell.element)
            lines = ["".join(t.text for t in _boxes(line) if type(t).__name__ == "TextBox").replace("\u200b", "")
                     for line in _boxes(cell) if type(line).__name__ == "LineBox"]
            for before, after in pairwise(lines):
                end, start = before.rstrip()[-20:], after.lstrip()[:20]
                if not end or not start or end + start not in written:
                    continue  # a break at a space, or between lines written apart
                if end[-1] in _MAY_END and not (end[-1] == "-" and start[0] == ">"):
                    continue
                found.append(f"{end}|{start}")
    return found


def incident(version: int) -> Workflow:
    return Workflow.model_validate(json.loads((HERE / f"incident_response_v{version}.json").read_text("utf-8")))


def _incident_pack(version: int) -> ReviewSource:
    return ReviewSource(workflow=incident(version), previous=incident(1) if version == 2 else None,
                        generated_at=datetime(2026, 1, 5, tzinfo=UTC))


@pytest.mark.parametrize("version", [1, 2], ids=["v1", "v2-against-v1"])
def test_the_incident_pack_breaks_no_word_inside(version: int) -> None:
    assert words_broken(review_html(_incident_pack(version), paged=True)) == []


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.stem)
def test_no_shipped_pack_breaks_a_word_inside(path: Path) -> None:
    assert words_broken(review_html(source(path), paged=True)) == []


def test_the_check_sees_a_word_broken_inside() -> None:
    narrow = (f"<style>{stylesheet('A4', 'x')}</style><table class='fixed' style='width: 40px'><tr>"
              "<td>approval</td><td>severity_route</td></tr></table>")
    assert words_broken(narrow) != []


def test_an_id_copied_from_the_printed_pack_reads_as_written(tmp_path: Path) -> None:
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(html_to_pdf(review_html(_incident_pack(2), paged=True)))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "\u200b" not in text
    assert "containment_approval" in text
