"""XState export: each invoke has its own id. The branches of a parallel state run at once, and XState keeps an
invoked actor under its id, so two branches each invoking from a state named `work` (Statewright names are scoped
to their branch) were exported as two actors of one id. An invoke is now named by the parallel states and
branches it lies in (`fan.left.work`); a state outside any parallel state keeps its own name."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from test_scxml_unique_ids import CLASHING

from engine.interop import export_workflow, import_document
from engine.interop.equivalence import differences


def _invoke_ids(node: dict[str, Any]) -> Iterator[str]:
    invoke = node.get("invoke")
    if isinstance(invoke, dict):
        yield invoke["id"]
    for child in (node.get("states") or {}).values():
        yield from _invoke_ids(child)


def test_tasks_of_one_name_in_parallel_branches_invoke_under_distinct_ids() -> None:
    exported = export_workflow("xstate", CLASHING)
    ids = list(_invoke_ids(json.loads(exported.text)))
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert sorted(ids) == ["check", "fan.check.work", "fan.done.work", "fan.fan.work", "work"]
    back = import_document("xstate", exported.text, CLASHING.id)
    assert differences(CLASHING, back.workflow) == []
