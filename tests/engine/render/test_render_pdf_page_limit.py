"""A one-page PDF (`render --format pdf` without `--page`) stays within PDF's page limit, 14,400 pt a side:
Graphviz drew a flow of a few hundred states taller than that at full size (19,105 pt at 200 states), a page
viewers refuse or clip. Such a drawing is now scaled down to fit, and the command says so."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.bench_validation import generate
from engine.render import PDF_PAGE_LIMIT_PT, render_pdf
from engine.render.graphviz_program import run_graphviz
from engine.render.pdf_page import page_sizes
from engine.validation.loader import load_catalog, require_workflow

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).parent / "statewright"


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def _long_document(size: int) -> dict[str, Any]:
    document = generate(size)
    for state in document["states"].values():
        state.pop("agent", None)  # no catalog here to know the agent by
    return document


def _long_flow(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "long.json"
    path.write_text(json.dumps(_long_document(size)))
    return path


def test_a_pdf_taller_than_the_limit_is_scaled_to_fit_and_the_user_is_told(tmp_path: Path) -> None:
    out = tmp_path / "long.pdf"
    done = subprocess.run([str(SCRIPT), "render", str(_long_flow(tmp_path, 220)), "--format", "pdf", "-o", str(out)],
                          check=False, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    sizes = _page_sizes(out)
    assert sizes
    assert all(max(size) <= PDF_PAGE_LIMIT_PT for size in sizes), sizes
    assert max(max(size) for size in sizes) > PDF_PAGE_LIMIT_PT * 0.9  # scaled to fit, not shrunk further
    said = " ".join(done.stderr.split())
    assert "larger than a PDF page may be" in said
    assert re.search(r"scaled to \d+% to fit one page", said)
    assert "--page A4" in said


def test_a_pdf_within_the_limit_is_drawn_at_full_size() -> None:
    catalog, _ = load_catalog(ROOT / "definitions")
    fitted = render_pdf(catalog.workflows["support_ticket_triage"])
    assert not fitted.shrunk
    assert fitted.scale == 1.0


def test_a_pdf_scaled_to_fit_is_drawn_over_the_one_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scaled drawing changes the scale, not the layout: `dot` lays the flow out once, and both drawings
    (the one measured, the one scaled) are made over it. It used to lay out the same flow again."""
    runs: list[tuple[str, str]] = []

    def counted(source: str, fmt: str, **options: Any) -> bytes:
        runs.append((options.get("program", "dot"), fmt))
        return run_graphviz(source, fmt, **options)

    monkeypatch.setattr("engine.render.output.run_graphviz", counted)
    fitted = render_pdf(require_workflow(_long_document(220)))
    assert runs == [("dot", "dot"), ("neato", "pdf"), ("neato", "pdf")]
    assert fitted.shrunk
    (size,) = page_sizes(fitted.data)
    assert PDF_PAGE_LIMIT_PT * 0.9 < max(size) <= PDF_PAGE_LIMIT_PT
