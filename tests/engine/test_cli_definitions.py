"""The definition commands through the real console script: exit codes, formats, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "statewright"

GOOD: dict[str, Any] = {
    "id": "greeting",
    "title": "Greeting",
    "context": {"type": "object", "properties": {"name": {"type": "string"}}},
    "initial": "ask",
    "states": {
        "ask": {"type": "approval", "approvers": {"roles": ["analyst"]}, "timeout": "PT1H"},
        "hello": {"type": "final", "outcome": "success"},
        "bye": {"type": "final", "outcome": "failure"},
    },
    "transitions": [
        {"source": "ask", "trigger": "approve", "dest": "hello"},
        {"source": "ask", "trigger": "reject", "dest": "bye"},
        {"source": "ask", "trigger": "timeout", "dest": "bye"},
    ],
    "examples": [{"name": "basic", "context": {"name": "Ada"}}],
}


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(SCRIPT), *map(str, args)], check=False, capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def write(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def test_validate_clean_file_exits_zero(tmp_path: Path) -> None:
    done = run("validate", write(tmp_path, "good.json", GOOD))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓" in done.stdout


def test_validate_reports_a_dead_end_with_its_pointer_and_exits_one(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(GOOD))
    bad["states"]["stuck"] = {"type": "choice"}
    bad["transitions"].append({"source": "ask", "trigger": "escalate", "dest": "stuck"})
    done = run("validate", write(tmp_path, "bad.json", bad), "--format", "json")
    assert done.returncode == 1
    findings = json.loads(done.stdout)["files"][0]["findings"]
    assert any(f["code"] == "dead-end" and f["pointer"] == "/states/stuck" for f in findings), findings


def test_validate_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    done = run("validate", write(tmp_path, "broken.json", '{"id": "x",\n  "title": }'), "--format", "json")
    assert done.returncode == 1
    (finding,) = json.loads(done.stdout)["files"][0]["findings"]
    assert finding["code"] == "invalid-json"
    assert (finding["line"], finding["column"]) == (2, 12)


def test_validate_missing_path_exits_two(tmp_path: Path) -> None:
    done = run("validate", tmp_path / "nope.json")
    assert done.returncode == 2
    assert "nope.json" in done.stdout


def test_validate_every_shipped_definition() -> None:
    done = run("validate", ROOT / "definitions", "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 0, [f for f in report["files"] if not f["ok"]]
    kinds = {f["kind"] for f in report["files"]}
    assert kinds == {"workflow", "agent"}


def test_validate_with_the_handlers_names_an_action_none_of_them_performs(tmp_path: Path) -> None:
    shipped = (ROOT / "definitions" / "workflows" / "lead_qualification.json").read_text(encoding="utf-8")
    folder = tmp_path / "workflows"
    folder.mkdir()
    typo = write(folder, "lead.json", shipped.replace('"action": "score_lead"', '"action": "score_leed"'))
    catalog = ROOT / "definitions"
    without = run("validate", typo, "--catalog", catalog)
    assert without.returncode == 0, without.stdout  # nothing knows which actions exist
    for chosen in (("--executor", "rules"), ("--handlers", "agents.handlers:register")):
        done = run("validate", typo, "--catalog", catalog, *chosen, "--format", "json")
        assert done.returncode == 1, done.stdout
        (found,) = [f for f in json.loads(done.stdout)["files"][0]["findings"] if f["severity"] == "error"]
        assert (found["code"], found["pointer"]) == ("unknown-action", "/states/score/action")
        assert "score_leed" in found["message"]
    assert run("validate", ROOT / "definitions" / "workflows", "--executor", "rules").returncode == 0


def test_validate_with_handlers_that_do_not_load_says_why_and_exits_two(tmp_path: Path) -> None:
    done = run("validate", write(tmp_path, "good.json", GOOD), "--handlers", "no_such_module:register")
    assert done.returncode == 2
    assert "no module named 'no_such_module'" in done.stderr


def test_analyze_prints_counts_as_json(tmp_path: Path) -> None:
    done = run("analyze", write(tmp_path, "good.json", GOOD), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert "greeting" not in done.stderr
    assert report  # analysed: a mapping of measures
    assert json.dumps(report).count("hello") >= 1  # the final state 'hello' has a path reported


def test_analyze_prints_counts_and_paths_in_words(tmp_path: Path) -> None:
    """The text form read `states_by_type {'approval': 1, 'final': 2}` and a Python list of dicts for the finals."""
    done = run("analyze", write(tmp_path, "good.json", GOOD))
    assert done.returncode == 0, done.stderr
    assert "{'" not in done.stdout
    assert "3 (1 approval, 2 final)" in done.stdout
    assert "1 step: ask → hello" in done.stdout
    assert "1 step: ask → bye" in done.stdout


@pytest.mark.parametrize(
    ("fmt", "magic"),
    [("svg", b"<svg"), ("png", b"\x89PNG"), ("pdf", b"%PDF"), ("dot", b"digraph"), ("mermaid", b"stateDiagram-v2")],
)
def test_render_each_format(tmp_path: Path, fmt: str, magic: bytes) -> None:
    out = tmp_path / f"diagram.{fmt}"
    done = run("render", write(tmp_path, "good.json", GOOD), "-o", out, "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert magic in out.read_bytes()[:400]


def test_render_refuses_an_unknown_format(tmp_path: Path) -> None:
    done = run("render", write(tmp_path, "good.json", GOOD), "-o", tmp_path / "x.gif")
    assert done.returncode == 2
    assert "--format" in done.stderr


def test_render_an_invalid_workflow_explains_instead_of_drawing(tmp_path: Path) -> None:
    bad = dict(GOOD, initial="missing")
    done = run("render", write(tmp_path, "bad.json", bad), "-o", tmp_path / "x.svg")
    assert done.returncode == 1
    assert "unknown-state" in done.stderr
    assert not (tmp_path / "x.svg").exists()


def test_schema_prints_the_generated_json_schema() -> None:
    done = run("schema", "workflow")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert {"states", "transitions", "initial"} <= set(schema["properties"])
    assert json.loads(run("schema", "agent").stdout)["properties"]["tools"]


def test_unknown_command_is_a_usage_error() -> None:
    done = run("frobnicate")
    assert done.returncode == 2


def test_validate_against_a_database_checks_what_deploy_would(tmp_path: Path) -> None:
    """--db: the agents and subflows must be deployed there (or be among the files), as `deploy` requires."""
    db = f"sqlite:///{tmp_path / 'v.db'}"
    flow = json.loads((ROOT / "definitions" / "workflows" / "lead_qualification.json").read_text(encoding="utf-8"))
    path = write(tmp_path, "lead.json", flow)
    assert run("db", "upgrade", "--db", db).returncode == 0  # an empty database (a missing file is refused)
    empty = run("validate", path, "--db", db, "--format", "json")
    assert empty.returncode == 1, empty.stdout
    found = {(f["code"], f["pointer"]) for f in json.loads(empty.stdout)["files"][0]["findings"]}
    assert ("unknown-agent", "/states/extract/agent") in found
    assert run("deploy", ROOT / "definitions" / "agents", "--db", db).returncode == 0
    assert run("validate", path, "--db", db).returncode == 0


@pytest.mark.parametrize("command", ["render", "testgen", "review", "export"])
def test_an_output_that_cannot_be_written_is_one_line_not_a_traceback(tmp_path: Path, command: str) -> None:
    """`-o` into a folder that cannot exist (under a file) or onto a folder: a traceback before."""
    flow = write(tmp_path, "greeting.json", GOOD)
    blocker = write(tmp_path, "a_file", "not a folder")
    name = {"render": "out.svg", "testgen": "test_out.py", "review": "out.html", "export": "out.json"}[command]
    (tmp_path / "folders" / name).mkdir(parents=True)
    args: list[str | Path] = [command, "xstate", flow] if command == "export" else [command, flow]
    under_a_file = run(*args, "-o", blocker / name)
    onto_a_folder = run(*args, "-o", tmp_path / "folders" / name)
    for done in (under_a_file, onto_a_folder):
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("error: "), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (["validate"], "no workflow or agent files (*.json) in this folder"),
        (["render", "-o", "drawn"], "no workflow files (*.json) in this folder"),
        (["deploy", "--db", "sqlite:///{tmp}/d.db"], "no workflow or agent files (*.json) in"),
    ],
)
def test_a_folder_without_definitions_is_refused_not_passed_as_clean(
    tmp_path: Path, command: list[str], words: str
) -> None:
    """A wrong folder (a typo'd `definitions/flows`, say) checked, drew or deployed nothing and exited 0."""
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a definition", encoding="utf-8")
    done = run(command[0], folder, *(arg.format(tmp=tmp_path) for arg in command[1:]))
    assert done.returncode == 2, done.stdout + done.stderr
    assert words in done.stdout + done.stderr
    assert not (tmp_path / "d.db").exists()  # refused before the database is made


@pytest.mark.parametrize(
    "command", [["analyze"], ["testgen", "-o", "t.py"], ["export", "xstate", "-o", "x.json"], ["run"], ["review"]]
)
def test_a_folder_given_for_one_workflow_file_is_named_as_a_folder(tmp_path: Path, command: list[str]) -> None:
    """It said 'no such file' of a folder that is plainly there."""
    args = [*command[:-2], tmp_path, *command[-2:]] if "-o" in command else [*command, tmp_path]
    if command == ["review"]:
        args += ["-o", tmp_path / "r.html"]
    done = run(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: {tmp_path}: is a folder; give one workflow file"


@pytest.mark.parametrize(("command", "catalog", "said"), [
    ("validate", "no_such_folder", "no such folder"),
    ("validate", "definitions/workflows/ops_squad.json", "a file, not a folder"),
    ("review", "docs", "not a definitions folder"),
])
def test_a_catalog_that_is_no_definitions_folder_is_refused(command: str, catalog: str, said: str,
                                                              tmp_path: Path) -> None:
    """A mistyped --catalog was taken as an empty catalog: validate and review went on against nothing, and
    said nothing."""
    flow = ROOT / "definitions" / "workflows" / "ops_squad.json"
    extra = ("-o", str(tmp_path / "pack.html")) if command == "review" else ()
    done = run(command, flow, "--catalog", ROOT / catalog, *extra)
    assert done.returncode == 2
    assert f"--catalog {ROOT / catalog}: {said}" in done.stderr
    assert "Traceback" not in done.stderr
