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

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


def compute_metrics(database: sa.Engine, runs: Sequence[CaseRun]) -> Metrics:
    overall, _ = collect_kpis(database, KpiScope(instance_ids=[r.view.id for r in runs]))
    labelled = [r for r in runs if r.case.labelled]
    accuracy = round(sum(r.passed for r in labelled) / len(labelled), 4) if labelled else None
    return Metrics(**overall.model_dump(), cases=len(runs), labelled=len(labelled), accuracy=accuracy)
