"""The Core tables behind the engine's SQLModel classes, and the one kind of time they keep."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from storage.tables import ENGINE_TABLES, InstanceRow, table_of
from storage.tables.columns import TIMESTAMP


@pytest.mark.parametrize("model", ENGINE_TABLES, ids=lambda m: m.__name__)
def test_table_of_gives_the_table_the_class_declares(model: type[SQLModel]) -> None:
    table = table_of(model)
    assert isinstance(table, sa.Table)
    assert table.name == model.__tablename__
    assert set(table.c.keys()) == set(model.model_fields)


def test_a_query_built_on_table_of_reads_rows_by_name() -> None:
    instances = table_of(InstanceRow)
    statement = sa.select(instances.c.status, instances.c.updated_at)
    assert [c.key for c in statement.selected_columns] == ["status", "updated_at"]


def test_table_of_refuses_a_class_that_declares_no_table() -> None:
    class InstancePublic(SQLModel):  # an API shape, not a table
        id: str

    with pytest.raises(TypeError, match="InstancePublic declares no table"):
        table_of(InstancePublic)


@pytest.mark.parametrize("model", ENGINE_TABLES, ids=lambda m: m.__name__)
def test_every_engine_time_is_epoch_seconds(model: type[SQLModel]) -> None:
    """The engine keeps one kind of time: a 53-bit float of seconds since the epoch, never a DateTime."""
    for column in table_of(model).columns:
        assert not isinstance(column.type, sa.DateTime), f"{column} is a DateTime"
        if column.name == "at" or column.name.endswith("_at"):
            assert column.type is TIMESTAMP, f"{column} is {column.type!r}, not TIMESTAMP"
