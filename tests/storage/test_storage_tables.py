"""The Core tables behind the engine's SQLModel classes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from storage.tables import ENGINE_TABLES, InstanceRow, table_of


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
