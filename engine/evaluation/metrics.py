"""An evaluation's figures: the design document's KPIs of the instances it ran — the same definitions the
designer's metrics use (`engine.read_models.kpis`), read from what the engine recorded — and its accuracy
against the cases' labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from engine.read_models.kpis import Kpis, KpiScope, collect_kpis

if TYPE_CHECKING:
    from engine.evaluation.runner import CaseRun

__all__ = ["Metrics", "compute_metrics"]


class Metrics(Kpis):
    cases: int
    labelled: int
    accuracy: float | None
    side_effect_checks: int  # expected side effects checked, over all cases
    side_effects_met: float | None  # the fraction of them the runs wrote as expected

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


def compute_metrics(database: sa.Engine, runs: Sequence[CaseRun]) -> Metrics:
    overall, _ = collect_kpis(database, KpiScope(instance_ids=[r.view.id for r in runs]))
    labelled = [r for r in runs if r.case.labelled]
    accuracy = round(sum(r.passed for r in labelled) / len(labelled), 4) if labelled else None
    checks = [c for r in runs for c in r.side_effects]
    met = round(sum(c.passed for c in checks) / len(checks), 4) if checks else None
    return Metrics(**overall.model_dump(), cases=len(runs), labelled=len(labelled), accuracy=accuracy,
                   side_effect_checks=len(checks), side_effects_met=met)
