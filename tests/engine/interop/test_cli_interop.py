"""`statewright import` and `statewright export` as a user runs them: files written, findings, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / ".venv" / "bin" / "statewright"
ORDER = Path(__file__).parent / "documents" / "order.asl.json"
LOSSY_MAP = Path(__file__).parent / "documents" / "lossy" / "map_empty.json"  # a map ASL cannot express


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(SCRIPT), *map(str, args)], check=False, capture_output=True, text=True, timeout=60,
                          cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_import_asl_writes_a_valid_workflow_named_after_the_output(tmp_path: Path) -> None:
    out = tmp_path / "order_flow.json"
    done = run("import", "asl", ORDER, "-o", out)
    assert done.returncode == 0, done.stdout
    assert json.loads(out.read_text())["id"] == "order_flow"
    assert run("validate", out).returncode == 0


def test_import_refusal_exits_one_and_names_the_state(tmp_path: Path) -> None:
    machine = tmp_path / "m.asl.json"
    machine.write_text(json.dumps({"StartAt": "Each Item", "States": {"Each Item": {"Type": "Map", "End": True}}}))
    done = run("import", "asl", machine, "-o", tmp_path / "m.json")
    assert done.returncode == 1
    assert "Each Item" in done.stdout
    assert "Map" in done.stdout
    assert not (tmp_path / "m.json").exists()


def test_import_of_unreadable_input_exits_two(tmp_path: Path) -> None:
    broken = tmp_path / "b.scxml"
    broken.write_text("<scxml")
    assert run("import", "scxml", broken, "-o", tmp_path / "b.json").returncode == 2
    assert run("import", "asl", tmp_path / "missing.json", "-o", tmp_path / "x.json").returncode == 2
    assert run("import", "bpmn", broken, "-o", tmp_path / "x.json").returncode == 2


def test_an_unreadable_document_is_named_with_the_format_it_is_not(tmp_path: Path) -> None:
    """Only the indented finding was printed, under no line naming the file."""
    notes = tmp_path / "notes.md"
    notes.write_text("# not a machine")
    done = run("import", "asl", notes, "-o", tmp_path / "x.json")
    assert done.returncode == 2
    assert done.stdout.startswith(f"✗ {notes}: not an ASL document\n")
    assert "invalid-document" in done.stdout


def test_export_round_trip_on_the_command_line(tmp_path: Path) -> None:
    shipped = ROOT / "definitions" / "workflows" / "support_ticket_triage.json"
    for fmt in ("xstate", "scxml"):
        out = tmp_path / f"triage.{fmt}"
        assert run("export", fmt, shipped, "-o", out).returncode == 0
        back = tmp_path / f"support_ticket_triage_{fmt}.json"
        assert run("import", fmt, out, "-o", back, "--id", "support_ticket_triage").returncode == 0
        assert run("validate", back, "--catalog", ROOT / "definitions").returncode == 0


def test_export_asl_refuses_what_it_cannot_express_unless_told(tmp_path: Path) -> None:
    shipped = ROOT / "definitions" / "workflows" / "support_ticket_triage.json"
    refused = run("export", "asl", shipped, "-o", tmp_path / "t.asl.json")
    assert refused.returncode == 1
    assert "cannot be expressed in ASL" in refused.stdout
    assert not (tmp_path / "t.asl.json").exists()
    lossy = run("export", "asl", shipped, "-o", tmp_path / "t.asl.json", "--allow-loss")
    assert lossy.returncode == 0  # the write the user allowed the loss for succeeded: `&&` goes on
    assert "cannot be expressed in ASL" in lossy.stdout  # what was lost, said
    assert json.loads((tmp_path / "t.asl.json").read_text())["StartAt"] == "classify"


def test_the_command_line_writes_a_lossy_export_that_imports_back(tmp_path: Path) -> None:
    """It wrote a StartAt naming the map it dropped, and importing it back failed: 'each' is not a state."""
    out = tmp_path / "map_empty.asl.json"
    lossy = run("export", "asl", LOSSY_MAP, "-o", out, "--allow-loss")
    assert lossy.returncode == 0  # something was lost, and said; the write succeeded
    assert "state 'each': dropped: a placeholder Choice in its place goes on to 'done'" in lossy.stdout

    back = run("import", "asl", out, "-o", tmp_path / "map_empty.json")
    assert back.returncode == 0, back.stdout
