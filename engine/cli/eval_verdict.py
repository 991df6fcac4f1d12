"""Whether an evaluation passes: the exit code of `statewright eval`, so that a CI pipeline gating a change of
model, prompt or flow stops on failed cases instead of reading the tables.

A case fails when it did not match its labels (`passed` false in the report: its state, its values or its side
effects) or when an error ended its run that its labels did not expect — one whose `expect_state` names the
state the run ended in expected it; a case with no `expect_state` did not. By default one failed case fails the
evaluation. `--min-accuracy A` tolerates mismatches while the report's own `accuracy` (the labelled cases that
matched their labels, a fraction 0 to 1) is at least A; an unexpected error in a case the accuracy counts as
matched, or in one with no labels, is outside that figure and is never tolerated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.cli.output import counted

__all__ = ["Verdict", "judge_report"]


@dataclass(frozen=True, slots=True)
class Verdict:
    cases: int
    mismatched: tuple[str, ...]  # the failed cases no error ended: they did not match their labels
    errored: tuple[str, ...]  # the failed cases an unexpected error ended
    unmeasured: tuple[str, ...]  # of `errored`, those the accuracy counts as matched or does not count
    accuracy: float | None
    min_accuracy: float | None
    passed: bool

    @property
    def failed(self) -> int:
        return len(self.mismatched) + len(self.errored)

    def summary(self) -> str:
        """One line: how many cases failed and why, and what the exit code judged."""
        said = _failures(self.failed, self.cases, len(self.mismatched), len(self.errored))
        if self.min_accuracy is None:
            return said
        if self.accuracy is None:
            return f"{said}; no case is labelled, so there is no accuracy to hold to --min-accuracy " \
                   f"{self.min_accuracy:g}"
        hold = "meets" if self.accuracy >= self.min_accuracy else "is below"
        said += f"; accuracy {self.accuracy:g} {hold} --min-accuracy {self.min_accuracy:g}"
        if self.unmeasured:
            said += (f", and {counted(len(self.unmeasured), 'error')} outside the accuracy (no label expected "
                     f"{'it' if len(self.unmeasured) == 1 else 'them'}) cannot be tolerated")
        return said

    def as_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "cases": self.cases, "failed": self.failed,
                "mismatched": list(self.mismatched), "errored": list(self.errored),
                "min_accuracy": self.min_accuracy, "summary": self.summary()}


def _failures(failed: int, cases: int, mismatched: int, errored: int) -> str:
    if not failed:
        return f"all {counted(cases, 'case')} passed" if cases != 1 else "the one case passed"
    why = [f"{mismatched:,} mismatched {'its' if mismatched == 1 else 'their'} labels"] * bool(mismatched) + \
          [f"{errored:,} ended in an error"] * bool(errored)
    return f"{failed:,} of {counted(cases, 'case')} failed ({', '.join(why)})"


def _unexpected_error(case: dict[str, Any]) -> bool:
    """An error ended the run, and the case's labels did not name the state it ended in (a label that names it
    and mismatched is a mismatch already)."""
    return bool(case.get("error")) and case.get("expect_state") is None


def judge_report(report: dict[str, Any], min_accuracy: float | None = None) -> Verdict:
    """The verdict on one report (`EvalReport.as_dict()`, or a saved `--format json` report)."""
    cases = report["cases"]
    errored = [c for c in cases if _unexpected_error(c) or (not c["passed"] and c.get("error"))]
    mismatched = [c for c in cases if not c["passed"] and not c.get("error")]
    unmeasured = tuple(c["name"] for c in errored if c["passed"])
    accuracy = report["metrics"].get("accuracy")
    if min_accuracy is None:
        passed = not mismatched and not errored
    else:
        passed = accuracy is not None and accuracy >= min_accuracy and not unmeasured
    return Verdict(len(cases), tuple(c["name"] for c in mismatched), tuple(c["name"] for c in errored),
                   unmeasured, accuracy, min_accuracy, passed)
