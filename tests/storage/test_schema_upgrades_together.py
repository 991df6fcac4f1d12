"""QA: four `statewright worker`s (or `Engine()`s, or `statewright db upgrade`s) started together on a new
PostgreSQL database — replicas coming up at once — and three of them failed: each created the same types and
tables ("duplicate key value violates unique constraint pg_type_typname_nsp_index"). An upgrade holds an advisory
lock for its transaction: they upgrade one after the other, and each after the first finds the schema current."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from storage.schema import HEAD_REVISION

OPEN = "import sys; from engine import Engine; Engine(sys.argv[1]).close()"


@pytest.fixture
def new_database(postgres_url: str) -> Iterator[str]:
    """A schema of its own on the test PostgreSQL, with no tables: a new database, as far as the engine sees."""
    base = sa.make_url(postgres_url).difference_update_query(["options"])  # the session's own schema left out
    schema = f"sw_new_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.mark.postgres
def test_processes_opening_a_new_database_together_all_come_up(new_database: str) -> None:
    starts = [subprocess.Popen([sys.executable, "-c", OPEN, new_database], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(4)]
    starts.append(subprocess.Popen([sys.executable, "-m", "engine.cli", "db", "upgrade", "--db", new_database],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    ended = [(p.wait(timeout=180), p.communicate()) for p in starts]
    assert [rc for rc, _ in ended] == [0] * len(starts), [err for _, (_, err) in ended]
    engine = sa.create_engine(new_database)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [
            HEAD_REVISION]
    engine.dispose()
