"""A PostgreSQL login role of a test's own on the session's schema, whose connections the test can limit — to
0, as a server whose `max_connections` are all taken refuses every new one — and drop, as a restart would."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

__all__ = ["PostgresRole"]


class PostgresRole:
    def __init__(self, database_url: str) -> None:
        url = sa.make_url(database_url)
        self._schema = str(url.query["options"]).removeprefix("-csearch_path=")
        self.name = f"sw_role_{uuid.uuid4().hex[:10]}"
        self.url = url.set(username=self.name).render_as_string(hide_password=False)
        self._admin = sa.create_engine(database_url, poolclass=NullPool)
        self._run(f"CREATE ROLE {self.name} LOGIN",
                  f'GRANT USAGE ON SCHEMA "{self._schema}" TO {self.name}',
                  f'GRANT ALL ON ALL TABLES IN SCHEMA "{self._schema}" TO {self.name}',
                  f'GRANT ALL ON ALL SEQUENCES IN SCHEMA "{self._schema}" TO {self.name}')

    def _run(self, *statements: str) -> None:
        with self._admin.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)

    @property
    def driver_url(self) -> str:
        """The role's URL for psycopg itself."""
        return sa.make_url(self.url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)

    def limit(self, connections: int) -> None:
        """At most this many connections of the role at once (-1: no limit); the ones open stay open."""
        self._run(f"ALTER ROLE {self.name} CONNECTION LIMIT {connections}")

    def drop_connections(self) -> int:
        """Terminate the role's connections; how many there were."""
        with self._admin.connect() as connection:
            found = connection.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = %(role)s",
                {"role": self.name}).scalar()
        return int(found or 0)

    def close(self) -> None:
        self.drop_connections()
        self._run(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{self._schema}" FROM {self.name}',
                  f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{self._schema}" FROM {self.name}',
                  f'REVOKE USAGE ON SCHEMA "{self._schema}" FROM {self.name}',
                  f"DROP ROLE {self.name}")
        self._admin.dispose()

