"""`statewright review` and the new `render` options through the real console script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).parent / "statewright"
TRIAGE = ROOT / "definitions" / "workflows" / "support_ticket_triage.json"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(SCRIPT), *map(str, args)], check=False, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def changed_copy(tmp_path: Path) -> Path:
    data = json.loads(TRIAGE.read_text())
    data["version"] = 2
    first = data["initial"]
    data["states"][first]["title"] = "Classify the ticket carefully"
    target = tmp_path / "triage_v2.json"
    target.write_text(json.dumps(data))
    return target


def test_review_against_a_previous_file_writes_html_with_the_changes(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    done = run("review", changed_copy(tmp_path), "--previous", TRIAGE, "--catalog", ROOT / "definitions", "-o", out)
    assert done.returncode == 0, done.stderr
    document = out.read_text()
    assert "Changes since version 1" in document
    assert "Classify the ticket carefully" in document
    assert ">CHANGED</text>" in document


def test_review_against_a_deployed_version_writes_a_pdf(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'flows.db'}"
    assert run("deploy", ROOT / "definitions", "--db", db).returncode == 0
    out = tmp_path / "review.pdf"
    done = run("review", changed_copy(tmp_path), "--db", db, "--version", "1", "-o", out)
    assert done.returncode == 0, done.stderr  # the deployed agents stand in for a catalog folder
    assert out.read_bytes().startswith(b"%PDF")
    missing = run("review", changed_copy(tmp_path), "--db", db, "--version", "7", "-o", out)
    assert missing.returncode == 1
    assert "version 7 of support_ticket_triage is not deployed" in missing.stderr


def test_review_refuses_other_outputs_and_mixed_comparisons(tmp_path: Path) -> None:
    assert run("review", TRIAGE, "-o", tmp_path / "review.docx").returncode == 2
    both = run("review", TRIAGE, "--previous", TRIAGE, "--version", "1", "-o", tmp_path / "r.html")
    assert both.returncode == 2
    assert "not both" in both.stderr


def test_render_takes_a_direction_and_a_page(tmp_path: Path) -> None:
    assert run("render", TRIAGE, "--direction", "TB", "-o", tmp_path / "tb.dot").returncode == 0
    assert 'rankdir="TB"' in (tmp_path / "tb.dot").read_text()
    assert run("render", TRIAGE, "--direction", "LR", "-o", tmp_path / "lr.dot").returncode == 0
    assert 'rankdir="LR"' in (tmp_path / "lr.dot").read_text()
    assert run("render", TRIAGE, "--page", "A4", "-o", tmp_path / "a4.svg").returncode == 0
    width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"',
                                                 (tmp_path / "a4.svg").read_text()).groups())
    assert width <= 595
    assert height <= 842
    assert run("render", TRIAGE, "--page", "letter", "-o", tmp_path / "letter.pdf").returncode == 0
    info = subprocess.run(["pdfinfo", str(tmp_path / "letter.pdf")], check=True, capture_output=True,
                          text=True).stdout
    assert "(letter)" in info
    assert run("render", TRIAGE, "--direction", "XY", "-o", tmp_path / "x.svg").returncode == 2


def test_render_draws_the_path_an_instance_took(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'runs.db'}"
    flow = ROOT / "definitions" / "workflows" / "lead_qualification.json"
    started = run("run", flow, "--example", "vp_at_acme_books_meeting", "--db", db, "--format", "json")
    assert started.returncode == 0, started.stderr
    instance = json.loads(started.stdout)["instance"]["id"]
    out = tmp_path / "path.svg"
    assert run("render", flow, "--instance", instance, "--db", db, "-o", out).returncode == 0
    drawing = out.read_text()
    assert "highlighted" in drawing
    assert "dimmed" in drawing
    other = run("render", TRIAGE, "--instance", instance, "--db", db, "-o", tmp_path / "other.svg")
    assert other.returncode == 1
    assert "runs workflow 'lead_qualification'" in other.stderr


def test_review_of_a_file_that_is_not_a_workflow_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """A file that is not UTF-8, not JSON or not an object was a traceback (with --db always, without it for a
    file that is not UTF-8); it is refused as every command refuses it, naming what is wrong."""
    db = f"sqlite:///{tmp_path / 'flows.db'}"
    assert run("db", "upgrade", "--db", db).returncode == 0
    files = {"latin1.json": b'\xff\xfe{"id": 1}', "empty.json": b"", "list.json": b"[1, 2]",
             "version.json": b'{"id": "x", "version": "abc"}'}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        for extra in ([], ["--db", db]):
            done = run("review", tmp_path / name, *extra, "-o", tmp_path / "r.html")
            assert done.returncode == 1, done.stderr
            assert done.stderr.startswith(f"error: {tmp_path / name} is not a valid workflow: error "), done.stderr
    previous = run("review", TRIAGE, "--previous", tmp_path / "latin1.json", "-o", tmp_path / "r.html")
    assert previous.returncode == 1, previous.stderr
    assert "not UTF-8" in previous.stderr
