"""`statewright eval` as a CI gate: it used to exit 0 whatever the cases did. Now it exits 1 when a case failed —
mismatched its labels, or an error its labels did not expect ended its run — ending with a line that counts
them; `--min-accuracy` tolerates mismatches while the report's accuracy holds; with `--compare` both flows are
judged. The cases run a real flow on a temporary SQLite database, its handler in this module."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli import output
from engine.cli.app import build_app
from engine.runtime.actions import ActionRequest
from engine.runtime.engine import Engine

HANDLERS = "test_cli_eval_exit:register"  # this module, for `statewright eval --handlers`


def _flow(*, version: int = 1, found: str = "found") -> dict[str, Any]:
    """look (a task) → `found`; no `error` transition: a handler that raises fails the instance in 'look'."""
    return {"id": "lookup", "title": "Lookup", "version": version, "initial": "look",
            "states": {"look": {"type": "task", "action": "look_up", "input": {"who": "who"}, "output": "looked"},
                       found: {"type": "final", "outcome": "success"}},
            "transitions": [{"source": "look", "dest": found, "trigger": "done"}]}


def look_up(request: ActionRequest) -> dict[str, Any]:
    if request.input["who"].startswith("broken"):
        raise RuntimeError("the CRM client raised: connection reset")
    return {"ok": True}


def register(engine: Engine) -> None:
    engine.register("look_up", look_up)


@pytest.fixture(autouse=True)
def _handlers_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    monkeypatch.setattr(output.stdout, "_width", 300)  # one summary line, however narrow the test's terminal


def _case(who: str, **labels: Any) -> dict[str, Any]:
    return {"name": who, "context": {"who": who}, **labels}


def _eval(tmp_path: Path, cases: list[dict[str, Any]], *options: str, flow: dict[str, Any] | None = None) -> Any:
    flow_file, cases_file = tmp_path / "lookup.json", tmp_path / "cases.jsonl"
    flow_file.write_text(json.dumps(flow or _flow()))
    cases_file.write_text("".join(json.dumps(case) + "\n" for case in cases))
    return CliRunner().invoke(build_app("eval"), ["eval", str(flow_file), "--cases", str(cases_file),
                                                  "--handlers", HANDLERS, *options], env={"COLUMNS": "300"})


def _last_line(text: str) -> str:
    return text.rstrip("\n").splitlines()[-1]


def test_every_case_passing_exits_0_and_says_so(tmp_path: Path) -> None:
    done = _eval(tmp_path, [_case("ann", expect_state="found"), _case("bob", expect_state="found")])
    assert done.exit_code == 0, done.output
    assert _last_line(done.output) == "passed lookup v1: all 2 cases passed"


def test_a_mismatch_or_an_error_exits_1_counting_them(tmp_path: Path) -> None:
    cases = [_case("ann", expect_state="found"),
             _case("bob", expect_state="found", expect={"looked.ok": False}),  # a mismatch: ok is true
             _case("broken_labelled", expect_state="found"),  # an error, and its state mismatches
             _case("broken_unlabelled")]  # an error no label judges: `passed` in the report, failed here
    done = _eval(tmp_path, cases)
    assert done.exit_code == 1, done.output
    assert _last_line(done.output) == ("failed lookup v1: 3 of 4 cases failed (1 mismatched its labels, 2 ended in "
                                       "an error)")


def test_an_error_its_labels_expect_is_no_failure(tmp_path: Path) -> None:
    """A case labelled to end in the state its run failed in expected that failure."""
    done = _eval(tmp_path, [_case("ann", expect_state="found"), _case("broken_on_purpose", expect_state="look")])
    assert done.exit_code == 0, done.output
    assert _last_line(done.output) == "passed lookup v1: all 2 cases passed"


def test_min_accuracy_tolerates_mismatches_while_the_accuracy_holds(tmp_path: Path) -> None:
    cases = [_case(f"steady_{n}", expect_state="found") for n in range(9)]
    cases.append(_case("wrong_label", expect_state="elsewhere"))  # accuracy 9/10

    held = _eval(tmp_path, cases, "--min-accuracy", "0.9")
    assert held.exit_code == 0, held.output
    assert _last_line(held.output) == ("passed lookup v1: 1 of 10 cases failed (1 mismatched its labels); "
                                       "accuracy 0.9 meets --min-accuracy 0.9")

    missed = _eval(tmp_path, cases, "--min-accuracy", "0.95")
    assert missed.exit_code == 1, missed.output
    assert _last_line(missed.output).endswith("; accuracy 0.9 is below --min-accuracy 0.95")

    unjudged = _eval(tmp_path, [*cases, _case("broken_unlabelled")], "--min-accuracy", "0.5")
    assert unjudged.exit_code == 1, unjudged.output
    assert _last_line(unjudged.output) == (
        "failed lookup v1: 2 of 11 cases failed (1 mismatched its labels, 1 ended in an error); accuracy 0.9 "
        "meets --min-accuracy 0.5, and 1 error outside the accuracy (no label expected it) cannot be tolerated")


def test_min_accuracy_out_of_range_is_a_wrong_command_line(tmp_path: Path) -> None:
    done = _eval(tmp_path, [_case("ann", expect_state="found")], "--min-accuracy", "90")
    assert done.exit_code == 2, done.output
    assert "Invalid value for '--min-accuracy'" in done.output


def test_json_keeps_its_shape_adds_the_verdict_and_says_it_on_stderr(tmp_path: Path) -> None:
    done = _eval(tmp_path, [_case("ann", expect_state="found"), _case("broken", expect_state="found")],
                 "--format", "json")
    assert done.exit_code == 1, done.output
    report = json.loads(done.stdout)  # stdout is the report alone
    assert {"workflow", "version", "metrics", "cases", "side_effects_failed"} < set(report)
    assert report["verdict"] == {
        "passed": False, "cases": 2, "failed": 1, "mismatched": [], "errored": ["broken"], "min_accuracy": None,
        "summary": "1 of 2 cases failed (1 ended in an error)"}
    assert done.stderr.strip() == "failed lookup v1: 1 of 2 cases failed (1 ended in an error)"


def test_compare_judges_both_flows(tmp_path: Path) -> None:
    cases = [_case("ann", expect_state="found"), _case("bob", expect_state="found")]
    renamed = tmp_path / "lookup_v2.json"
    renamed.write_text(json.dumps(_flow(version=2, found="located")))  # every case now ends in 'located'

    done = _eval(tmp_path, cases, "--compare", str(renamed))
    assert done.exit_code == 1, done.output
    assert done.output.rstrip("\n").splitlines()[-2:] == [
        "passed lookup v1: all 2 cases passed",
        "failed lookup v2: 2 of 2 cases failed (2 mismatched their labels)"]
    as_json = _eval(tmp_path, cases, "--compare", str(renamed), "--format", "json")
    assert as_json.exit_code == 1, as_json.output
    assert [r["verdict"]["passed"] for r in json.loads(as_json.stdout)["compare"]] == [True, False]
