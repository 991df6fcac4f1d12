"""Taking a database back to an older revision, and reading what it has: for the tests of one migration."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from storage.schema import MIGRATIONS, current_revision


def revision_and_indexes(database_url: str, table: str, names: set[str]) -> tuple[str | None, set[str]]:
    """The database's revision, and which of the index `names` the table has."""
    database = sa.create_engine(database_url)
    try:
        indexes = {str(i["name"]) for i in sa.inspect(database).get_indexes(table)}
        return current_revision(database), indexes & names
    finally:
        database.dispose()


def downgrade(database_url: str, revision: str) -> None:
    database = sa.create_engine(database_url)
    try:
        with database.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        database.dispose()
