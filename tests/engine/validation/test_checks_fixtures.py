"""Every finding code has a defective fixture that yields exactly it, and a clean twin that yields nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.validation.catalog import Catalog
from engine.validation.checks import CODES, run_checks
from engine.validation.loader import load_workflow

FIXTURES = Path(__file__).parent / "fixtures"

# code → the findings the defective fixture must give: (pointer, states at fault, transitions at fault).
EXPECTED: dict[str, list[tuple[str, tuple[str, ...], tuple[int, ...]]]] = {
    "unknown-state": [("/transitions/1/dest", (), (1,))],
    "duplicate-transition-id": [("/transitions/1/id", (), (0, 1))],
    "duplicate-branch": [("/states/p/branches/1/name", ("p",), ())],
    "unreachable-state": [("/states/notify", ("notify",), ())],
    "dead-end": [("/states/notify", ("notify",), ())],
    "no-path-to-final": [("/states/nudge", ("nudge",), ()), ("/states/remind", ("remind",), ())],
    "exit-from-final": [("/transitions/2/source", ("approved",), (2,))],
    "choice-without-default": [("/states/route", ("route",), ())],
    "ambiguous-transition": [("/transitions/1", ("check",), (0, 1))],
    "guard-syntax": [("/transitions/2/guard", (), (2,))],
    "expression-too-costly": [("/transitions/2/guard", (), (2,))],
    "deadline-not-a-time": [("/states/cutoff/deadline", ("cutoff",), ())],
    "missing-approval-outcome": [("/states/review", ("review",), ())],
    "missing-done-path": [("/states/check", ("check",), ())],
    "unknown-subflow": [("/states/open/workflow", ("open",), ())],
    "subflow-starts-itself": [("/states/again/workflow", ("again",), ())],
    "unknown-agent": [("/states/check/agent", ("check",), ())],
    "unknown-action": [("/states/check/action", ("check",), ())],
    "action-input-mismatch": [("/states/check/input", ("check",), ())],
    "unknown-policy": [("/states/check/policies/0", ("check",), ())],
    "approval-without-timeout": [("/states/review", ("review",), ())],
    "missing-timeout-path": [("/states/review/timeout", ("review",), ())],
    "task-without-error-path": [("/states/check", ("check",), ())],
    "uncaught-error-kinds": [("/states/check", ("check",), (1,))],
    "unknown-variable": [("/states/approved/result/total", ("approved",), ())],
    "variable-not-in-schema": [("/transitions/0/guard", (), (0,))],
    "unused-trigger": [("/transitions/2/trigger", ("check",), (2,))],
    "automatic-cycle": [("/states/route", ("route", "recheck"), (3, 5))],
    "unknown-error-kind": [("/states/check/retry/0/errors/1", ("check",), ())],
    "unreachable-retry-rule": [("/states/check/retry/2", ("check",), ())],
    "retry-max-below-initial": [("/states/check/retry/1/max_interval_s", ("check",), ())],
    "unreachable-catch": [("/transitions/2/errors", ("check",), (2, 1))],
    "conflicting-paths": [("/transitions/0/assign/review.amount", (), (0,))],
    "path-through-non-object": [("/states/check/output", ("check",), ())],
    "ask-into-output": [("/states/lookup/ask_user/into", ("lookup",), ())],
    "invalid-schedule": [("/schedules/0/timezone", (), ()), ("/schedules/1/cron", (), ())],
    "invalid-context-schema": [("/context/properties/amount/type", (), ())],
    "unreachable-quorum": [("/states/review/quorum", ("review",), ())],
    "map-items-not-a-list": [("/states/each/items", ("each",), ())],
    "nul-character": [("/title", (), ())],
    # worst case: check 3 x 60 s + 2 x 10 s = 200 s, then review's timeout of 1 h: 3,800 s > PT1H
    "map-without-results": [("/states/each/output", ("each",), ())],
    "event-not-set": [("/transitions/2/guard", (), (2,))],
    "type-mismatch": [("/transitions/2/guard", (), (2,))],
    "guard-not-boolean": [("/transitions/2/guard", (), (2,))],
    "unknown-field": [("/transitions/2/guard", (), (2,))],
    "shadowed-transition": [("/transitions/1", ("check",), (1, 0))],
    "unhappy-final-succeeds": [("/states/rejected", ("rejected",), ())],
    "sla-at-risk": [("/sla", ("check", "review", "approved", "rejected"), ()),
                    ("/states/review/sla", ("review",), ())],
}


def test_every_code_has_a_defective_and_a_clean_fixture() -> None:
    assert set(EXPECTED) == set(CODES)
    for kind in ("defective", "clean"):
        assert {p.stem for p in (FIXTURES / kind).glob("*.json")} == set(CODES), kind


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_defective_fixture_yields_exactly_its_code(code: str, catalog: Catalog) -> None:
    loaded = load_workflow(FIXTURES / "defective" / f"{code}.json", catalog)
    found = [(f.code, f.pointer, f.states, f.transitions) for f in loaded.findings]
    assert found == [(code, *where) for where in EXPECTED[code]]
    assert {f.severity for f in loaded.findings} == {CODES[code]}
    assert (loaded.model is not None) == (CODES[code] == "warning"), "errors refuse the model, warnings keep it"
    assert all(len(f.message) > 40 and f.message.endswith(".") for f in loaded.findings)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_clean_twin_has_no_findings(code: str, catalog: Catalog) -> None:
    loaded = load_workflow(FIXTURES / "clean" / f"{code}.json", catalog)
    assert loaded.findings == []
    assert loaded.ok


def test_guard_syntax_reports_line_and_column_within_the_expression(catalog: Catalog) -> None:
    (finding,) = load_workflow(FIXTURES / "defective" / "guard-syntax.json", catalog).findings
    assert (finding.line, finding.column) == (3, 14)  # the guard's third line ends without its ')'
    assert "guard of transition 3" in finding.message
    assert "line 3, column 14" in finding.message


@pytest.mark.parametrize("code", ["unknown-subflow", "unknown-agent", "unknown-action", "action-input-mismatch"])
def test_catalog_checks_run_only_with_a_catalog(code: str) -> None:
    assert load_workflow(FIXTURES / "defective" / f"{code}.json").findings == []


def test_subflow_may_run_its_own_workflow(catalog: Catalog) -> None:
    loaded = load_workflow(FIXTURES / "defective" / "unknown-subflow.json")
    assert loaded.model is not None
    recursive = loaded.model.model_copy(update={"id": "billing"})
    assert [f.code for f in run_checks(recursive, catalog)] == ["subflow-starts-itself"]  # known, but a warning

