"""The SQLAlchemy Core `Table` behind a SQLModel table class, typed.

SQLModel sets `__table__` on a class declared with `table=True` but does not declare it, so a type checker
sees no such attribute. Read models and the layers' own listings select from these tables with Core
(`sa.select(t.c.status)`, rows read by name); they get the table here instead of each silencing the checker.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

__all__ = ["table_of"]


def table_of(model: type[SQLModel]) -> sa.Table:
    """The table `model` declares; `TypeError` for a SQLModel class that is not a table (no `table=True`)."""
    table = getattr(model, "__table__", None)
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} declares no table: a SQLModel table class has table=True")
    return table
