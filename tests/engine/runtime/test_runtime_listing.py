"""`Engine.list_instances` and `count_instances` as a host pages through them: a status that is none, or a
negative limit or offset, is the caller's mistake and said so — not an empty page, not every row, not the
database's own error."""

from __future__ import annotations

import pytest
from runtime_support import edge, final, workflow

from engine.errors import InvalidInput
from engine.runtime.engine import Engine

DOOR = workflow({"open": {"type": "wait", "duration": "P1D"}, "closed": final()}, [edge("open", "closed", "close")],
                id="door")


@pytest.fixture
def doors(engine: Engine) -> list[str]:
    engine.deploy(DOOR)
    started = [engine.start("door").id for _ in range(3)]
    engine.send(started[0], "close")
    return started


@pytest.mark.parametrize("status", ["success", "done", "Running", ""])
def test_a_status_that_is_none_is_refused_naming_the_statuses(engine: Engine, doors: list[str], status: str) -> None:
    with pytest.raises(InvalidInput, match="one of running, held, stuck, succeeded, failed, cancelled"):
        engine.list_instances(status=status)
    with pytest.raises(InvalidInput, match=f"unknown instance status '{status}'"):
        engine.count_instances(status=status)
    assert engine.count_instances(status="succeeded") == 1
    assert len(engine.list_instances(status="running")) == 2


@pytest.mark.parametrize(("limit", "offset"), [(-1, 0), (10, -1), (-5, -5)])
def test_a_negative_limit_or_offset_is_refused_on_every_database(engine: Engine, doors: list[str], limit: int,
                                                                 offset: int) -> None:
    with pytest.raises(InvalidInput, match="a whole number of instances, 0 or more"):
        engine.list_instances(limit=limit, offset=offset)


def test_pages_of_the_listing_cover_every_instance_once(engine: Engine, doors: list[str]) -> None:
    pages = [engine.list_instances(limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [len(page) for page in pages] == [2, 1, 0]
    assert sorted(v.id for page in pages for v in page) == sorted(doors)
    assert engine.list_instances(limit=0) == []
