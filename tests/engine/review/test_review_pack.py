"""The review pack of every shipped flow: it renders as A4 PDF, has every section, its diagram text is never
under 7 pt, and its pages are saved as PNG under test-artifacts/review/ for a person to look at."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from engine.definition import Provider, Workflow
from engine.review import MIN_TEXT_PT, PAGE_POINTS, ReviewSource, review_html, review_pdf
from engine.review.diagram_section import draw
from engine.review.paging import plan_pages
from engine.validation.loader import load_catalog, load_workflow

ROOT = Path(__file__).resolve().parents[3]
FLOWS = sorted((ROOT / "definitions" / "workflows").glob("*.json"))
ARTIFACTS = ROOT / "test-artifacts" / "review"
SECTIONS = ("cover", "diagram", "states", "agents", "transitions", "policies", "findings", "changes", "signoff")


@cache
def source(path: Path) -> ReviewSource:
    catalog, _ = load_catalog(ROOT / "definitions")
    loaded = load_workflow(path, catalog)
    assert loaded.model is not None
    return ReviewSource(workflow=loaded.model, generated_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
                        agents=catalog.agents, findings=loaded.findings, origin=path.name)


def revised(workflow: Workflow) -> Workflow:
    """Version 2: one state retitled, one transition's guard changed, one state and transition added."""
    data = workflow.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["version"] = 2
    data["states"]["policy_check"]["title"] = "Policy Officer: check twice"
    data["transitions"][2]["guard"] = "policy.decision == 'deny' && customer.arr < 5000"
    data["states"]["legal_hold"] = {"type": "final", "outcome": "failure", "title": "Held by legal"}
    data["transitions"].append({"source": "policy_gate", "dest": "legal_hold", "guard": "contains_pii",
                                "priority": 9})
    return Workflow.model_validate(data)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def diagram_text_sizes(document: str) -> list[float]:
    """The printed size of every text in every diagram drawing: its font size times the drawing's scale."""
    sizes = []
    for scale, body in re.findall(r'<svg[^>]*data-scale="([\d.]+)"[^>]*>(.*?)</svg>', document, flags=re.S):
        sizes.extend(float(size) * float(scale) for size in re.findall(r'font-size="([\d.]+)"', body))
    return sizes


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.stem)
def test_every_shipped_flow_gets_an_a4_review_pack_with_legible_diagram_text(path: Path, tmp_path: Path) -> None:
    pack = source(path)
    paged = review_html(pack, paged=True)
    sizes = diagram_text_sizes(paged)
    assert sizes, "the pack has no diagram text"
    assert min(sizes) >= MIN_TEXT_PT - 0.01
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(review_pdf(pack))
    short, long = PAGE_POINTS["A4"]
    sizes_pt = page_sizes(pdf)
    assert len(sizes_pt) >= 6
    for width, height in sizes_pt:
        assert sorted((round(width), round(height))) == [round(short), round(long)]


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.stem)
def test_every_state_is_seen_whole_on_some_diagram_page(path: Path) -> None:
    svg = draw(source(path).workflow)
    pages = plan_pages(svg)
    for box in svg.obstacles(states_only=True):
        assert any(
            box.x0 >= p.area.x0 - 0.5 and box.x1 <= p.area.x1 + 0.5 and box.y0 >= p.area.y0 - 0.5
            and box.y1 <= p.area.y1 + 0.5
            for p in pages
        ), f"{box} is whole on no page"


def test_the_pack_has_every_section_and_says_what_changed() -> None:
    before = source(ROOT / "definitions" / "workflows" / "customer_escalation.json")
    after = revised(before.workflow)
    pack = ReviewSource(workflow=after, previous=before.workflow, generated_at=before.generated_at,
                        agents=before.agents, findings=before.findings, published_by="maria")
    document = review_html(pack)
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in document, anchor
    assert "<h1>Customer escalation (workforce)</h1>" in document
    assert "maria" in document
    assert "Changes since version 1" in document
    # old -> new values of a changed field, and the additions
    assert "Policy Officer: check</span>" in document
    assert "Policy Officer: check twice</span>" in document
    assert "state legal_hold" in document
    assert "policy_gate-&gt;legal_hold" in document
    assert "policy.decision == &#x27;deny&#x27; &amp;&amp; customer.arr &lt; 5000" in document
    # a guard in plain words, the agent's policies, approvers with quorum and escalation
    assert "policy.decision is &#x27;deny&#x27; and customer.arr is less than 5000" in document
    assert "budget limit per task" in document
    assert "quorum: 1 approval; one rejection rejects" in document
    assert "escalates after" in document
    # the diagram marks the new state and the changed state
    assert re.search(r'<g id="legal_hold" class="node[^"]*">.*?>NEW</text>', document, flags=re.S)
    assert re.search(r'<g id="policy_check" class="node[^"]*">.*?>CHANGED</text>', document, flags=re.S)
    # self-contained: nothing is fetched
    assert not re.search(r'(src|href)="(https?:)?//', document)
    assert "Sign-off" in document
    assert "content fingerprint" in document


def test_an_agent_with_its_own_provider_shows_where_its_model_is_called() -> None:
    shipped = source(ROOT / "definitions" / "workflows" / "support_ticket_triage.json")
    concierge = shipped.agents["support_concierge"].model_copy(update={
        "model": "llama-3.1-70b", "provider": Provider(base_url="https://llm.internal:8443/v1", api_key_env="K")})
    pack = ReviewSource(workflow=shipped.workflow, generated_at=shipped.generated_at, findings=shipped.findings,
                        agents={**shipped.agents, "support_concierge": concierge})
    document = review_html(pack)
    assert "llama-3.1-70b at llm.internal:8443; 9 tools" in document
    assert "gpt-4o-mini; 6 tools" in document  # the Knowledge Librarian, on the deployment's endpoint


def test_the_pages_of_one_pack_are_saved_as_pictures() -> None:
    before = source(ROOT / "definitions" / "workflows" / "customer_escalation.json")
    pack = ReviewSource(workflow=revised(before.workflow), previous=before.workflow,
                        generated_at=before.generated_at, agents=before.agents, findings=before.findings)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("customer_escalation-*.png"):
        old.unlink()
    pdf = ARTIFACTS / "customer_escalation.pdf"
    pdf.write_bytes(review_pdf(pack))
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(ARTIFACTS / "customer_escalation")], check=True)
    pictures = sorted(ARTIFACTS.glob("customer_escalation-*.png"))
    assert len(pictures) == len(page_sizes(pdf))
    assert all(p.stat().st_size > 5_000 for p in pictures)
