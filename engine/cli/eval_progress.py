"""What `statewright eval` says while its cases run on a model: a line a case on standard error (each takes
seconds, and a run of a hundred said nothing for minutes), and a stop when the model cannot be reached at all —
its first two cases ending 'unavailable' — rather than every case waiting out its retries (13 cases against a
server that was not running took 78 s to say so)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.cli.output import fail, stderr
from engine.evaluation.runner import CaseRun

__all__ = ["CaseProgress"]

_DOWN_AFTER = 2  # the first cases, all 'unavailable': the model's service is down, not one case unlucky


@dataclass
class CaseProgress:
    total: int
    loud: bool  # a line a case (a model's cases); a stop on an unreachable model in any case
    unavailable: int = 0

    def __call__(self, number: int, run: CaseRun) -> None:
        if self.loud:
            said = "passed" if run.passed else "failed" + (f": {run.error.kind}: {run.error.message}"
                                                            if run.error is not None else "")
            stderr.print(f"case {number} of {self.total} '{run.case.name}': {said} ({run.wall_s:.1f} s)",
                         highlight=False, markup=False)
        if run.error is not None and run.error.kind == "unavailable" and self.unavailable == number - 1:
            self.unavailable = number
            if number == min(_DOWN_AFTER, self.total) < self.total:
                fail(f"stopped after {number} of {self.total} cases: the model cannot be reached "
                     f"({run.error.message}). Start its server, or point STATEWRIGHT_LLM_URL (--base-url) at it.")
