"""Instance rows: insert, read, list, and the version-guarded update every transition makes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from storage.codec import dump, dump_optional, load, load_optional
from storage.errors import GuardFailed
from storage.records import record
from storage.transaction import Row, Transaction

__all__ = ["InstanceFilter", "InstanceRecord", "InstanceStore"]

_COLUMNS = (
    "id, workflow_id, workflow_version, branch, tenant, state, status, context, result, error, version, "
    "parent_id, parent_seq, created_at, updated_at"
)



def _update_sql(status: bool, context: bool) -> str:
    """The version-guarded update, naming only what changed among the status and the context: SQLite rewrites
    the entries of every index on a column the SET names, changed or not, and the status is in two (most
    transitions keep it: two index pages of six); and a context no step changed — a wait entered, a timer
    fired, an approval asked for — need not be encoded and written again (a large one is most of the row)."""
    sets = ["state = ?", *(["status = ?"] if status else []), *(["context = ?"] if context else []),
            "result = ?", "error = ?", "version = ?", "updated_at = ?"]
    return f"UPDATE instances SET {', '.join(sets)} WHERE id = ? AND version = ?"  # noqa: S608 - fixed names


_FOUND = "SELECT 1 FROM instances WHERE id = ?"
_INSERT = f"INSERT INTO instances ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608
_UPDATES = {(status, context): _update_sql(status, context) for status in (False, True) for context in (False, True)}


@record
class InstanceRecord:
    id: str
    workflow_id: str
    workflow_version: int
    branch: str
    tenant: str
    state: str
    status: str
    context: dict[str, Any]
    result: Any
    error: Any
    version: int
    parent_id: str | None
    parent_seq: int | None
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class InstanceFilter:
    tenant: str | None = None
    workflow_id: str | None = None
    status: str | None = None
    state: str | None = None
    parent_id: str | None = None
    top_level_only: bool = False


@record
class _PendingUpdate:
    """An instance update's parameters, encoded when it is sent (a later deferred one may replace it first)."""

    state: str
    status: str | None  # None: left as it is
    context: dict[str, Any] | None  # None: left as it is
    result: Any
    error: Any
    version: int
    updated_at: float
    instance_id: str
    expected_version: int

    def __call__(self) -> tuple[Any, ...]:
        head: tuple[Any, ...] = (self.state,)
        if self.status is not None:
            head += (str(self.status),)  # an exact str: see `_insert_params`
        if self.context is not None:
            head += (dump(self.context),)
        return (*head, dump_optional(self.result), dump_optional(self.error), self.version, self.updated_at,
                self.instance_id, self.expected_version)


def _insert_params(r: InstanceRecord) -> tuple[Any, ...]:
    """The row's parameters; its status as an exact `str` (the engine's are `StrEnum` members, which sqlite3 binds
    only after looking up an adapter for each, half a microsecond a parameter)."""
    return (r.id, r.workflow_id, r.workflow_version, r.branch, r.tenant, r.state, str(r.status), dump(r.context),
            dump_optional(r.result), dump_optional(r.error), r.version, r.parent_id, r.parent_seq, r.created_at,
            r.updated_at)


def _record(row: Row) -> InstanceRecord:
    return InstanceRecord(
        id=row[0], workflow_id=row[1], workflow_version=int(row[2]), branch=row[3], tenant=row[4], state=row[5],
        status=row[6], context=load(row[7]), result=load_optional(row[8]), error=load_optional(row[9]),
        version=int(row[10]), parent_id=row[11], parent_seq=None if row[12] is None else int(row[12]),
        created_at=float(row[13]), updated_at=float(row[14]),
    )


class InstanceStore:
    def __init__(self, tx: Transaction) -> None:
        self.tx = tx

    def insert(self, r: InstanceRecord, *, defer: bool = False) -> None:
        """Store a new instance; with `defer`, with the transaction's deferred writes (a read of the instances
        sends it first)."""
        self.tx.witnessed_by(_FOUND, (r.id,))  # a transaction that creates an instance committed once it is there
        if defer:  # under the key its updates take: one deferred onto it writes the row as it ends (`update`),
            # encoded only when it is sent (an instance moved on in the transaction that created it is encoded once)
            self.tx.defer(_INSERT, partial(_insert_params, r), key=("instance", r.id), note=r)
        else:
            self.tx.execute(_INSERT, _insert_params(r))

    def get(self, instance_id: str) -> InstanceRecord | None:
        row = self.tx.one(f"SELECT {_COLUMNS} FROM instances WHERE id = ?", (instance_id,))  # noqa: S608
        return None if row is None else _record(row)

    def get_for_update(self, instance_id: str) -> InstanceRecord | None:
        """Read and, on PostgreSQL, lock the row until the transaction ends (SQLite's write lock covers it)."""
        lock = " FOR UPDATE" if self.tx.postgresql else ""
        row = self.tx.one(f"SELECT {_COLUMNS} FROM instances WHERE id = ?{lock}", (instance_id,))  # noqa: S608
        return None if row is None else _record(row)

    def get_many(self, instance_ids: Sequence[str], *, lock: bool = False) -> dict[str, InstanceRecord]:
        """Several instances in one statement (with `lock`, locked on PostgreSQL until the transaction ends)."""
        if not instance_ids:
            return {}
        marks = ", ".join("?" for _ in instance_ids)
        suffix = " ORDER BY id FOR UPDATE" if lock and self.tx.postgresql else ""
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM instances WHERE id IN ({marks}){suffix}", list(instance_ids))  # noqa: S608
        return {r.id: r for r in map(_record, rows)}

    def update(
        self,
        instance_id: str,
        expected_version: int,
        *,
        state: str,
        status: str,
        context: dict[str, Any],
        result: Any,
        error: Any,
        version: int,
        updated_at: float,
        stored_status: str | None = None,
        stored_context: dict[str, Any] | None = None,
        defer: bool = False,
        row: InstanceRecord | None = None,
    ) -> bool:
        """Write the new state only if nobody moved the instance on since `expected_version`. `stored_status` and
        `stored_context`, what the row holds at that version, if the caller knows: what is unchanged is not
        written (see `_update_sql`). With `defer`, the update goes with the transaction's deferred writes and
        True only means it is on its way: a changed version then fails the transaction (`GuardFailed`) when they
        are sent. An update deferred onto one still waiting (the instance moved on again in this transaction: a
        worker's chain of inline tasks) replaces it, guarded by the version the first one expected, and writes
        what either changed — one row written, its context encoded once. `row`: the whole instance as this update
        leaves it, when the caller has it (an instance whose insert is still waiting is inserted as it is then)."""
        db_status = stored_status
        if defer:
            key = ("instance", instance_id)
            waiting = self.tx.waiting(key)
            if waiting is not None and isinstance(waiting[1], InstanceRecord):  # inserted by this transaction
                inserted = waiting[1]
                if inserted.version != expected_version:
                    raise GuardFailed(f"instance {inserted.id} is at version {inserted.version}, not "
                                      f"{expected_version}")
                if row is None:  # spelt out: dataclasses.replace costs more than the rest of this line
                    row = InstanceRecord(
                        inserted.id, inserted.workflow_id, inserted.workflow_version, inserted.branch,
                        inserted.tenant, state, status, context, result, error, version, inserted.parent_id,
                        inserted.parent_seq, inserted.created_at, updated_at)
                self.insert(row, defer=True)  # the insert, of the row as it is now
                return True
            write_context = stored_context is None or context != stored_context
            if waiting is not None and waiting[1][1] == expected_version:
                expected_version, db_status, wrote_context = waiting[1][0], waiting[1][2], waiting[1][3]
                write_context = write_context or wrote_context
            write_status = status != db_status
            pending = _PendingUpdate(state, status if write_status else None, context if write_context else None,
                                     result, error, version, updated_at, instance_id, expected_version)
            self.tx.defer(_UPDATES[write_status, write_context], pending, guarded=True, key=key,
                          note=(expected_version, version, db_status, write_context))
            return True
        write_context = stored_context is None or context != stored_context
        write_status = status != db_status
        pending = _PendingUpdate(state, status if write_status else None, context if write_context else None,
                                 result, error, version, updated_at, instance_id, expected_version)
        return self.tx.execute(_UPDATES[write_status, write_context], pending()) == 1

    def search(self, where: InstanceFilter, *, limit: int = 50, offset: int = 0) -> tuple[list[InstanceRecord], int]:
        """A page of instances, newest first, and how many match in all."""
        clauses: list[str] = []
        params: list[Any] = []
        for column in ("tenant", "workflow_id", "status", "state", "parent_id"):
            value = getattr(where, column)
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if where.top_level_only:
            clauses.append("parent_id IS NULL")
        condition = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        total = int(self.tx.scalar(f"SELECT COUNT(*) FROM instances{condition}", params) or 0)  # noqa: S608
        rows = self.tx.all(
            f"SELECT {_COLUMNS} FROM instances{condition} ORDER BY created_at DESC, id LIMIT ? OFFSET ?",  # noqa: S608
            [*params, limit, offset],
        )
        return [_record(r) for r in rows], total

    def at_version(self, workflow_id: str, version: int, statuses: Sequence[str], *,
                   tenant: str | None = None) -> list[InstanceRecord]:
        """The instances of `workflow_id` pinned to `version` whose status is one of `statuses`, oldest first;
        not the internal ones that run a parallel branch or a map item (they follow their parent)."""
        marks = ", ".join("?" for _ in statuses)
        params: list[Any] = [workflow_id, version, *statuses]
        where = f"workflow_id = ? AND workflow_version = ? AND branch = '' AND status IN ({marks})"
        if tenant is not None:
            where += " AND tenant = ?"
            params.append(tenant)
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM instances WHERE {where} ORDER BY created_at, id", params)  # noqa: S608
        return [_record(r) for r in rows]

    def repin(self, instance_id: str, *, expected_version: int, from_version: int, to_version: int) -> bool:
        """Pin the instance to another version of its workflow (a migration), if it is still at transition
        `expected_version` and pinned to `from_version`; the transition itself is written by `update`."""
        return self.tx.execute(
            "UPDATE instances SET workflow_version = ? WHERE id = ? AND version = ? AND workflow_version = ?",
            (to_version, instance_id, expected_version, from_version),
        ) == 1

    def latest_child_seq(self, parent_id: str) -> int | None:
        """The `parent_seq` of the parent's latest children (those of the step that started children last): the
        last entry of the parent's stretch of `ix_instances_parent_seq_status`, whatever its number of children."""
        found = self.tx.scalar("SELECT MAX(parent_seq) FROM instances WHERE parent_id = ?", (parent_id,))
        return None if found is None else int(found)

    def child_count(self, parent_id: str, parent_seq: int) -> int:
        """How many children one visit started (read from the index alone, but still one entry per child)."""
        return int(self.tx.scalar("SELECT count(*) FROM instances WHERE parent_id = ? AND parent_seq = ?",
                                  (parent_id, parent_seq)) or 0)

    def children_with_status(self, parent_id: str, parent_seq: int,
                             statuses: Sequence[str]) -> list[tuple[str, str, str]]:
        """(id, branch, status) of the children of one visit whose status is one of `statuses`: one index seek
        per status, so the children of other statuses (a map's thousand succeeded items) are not stepped over."""
        marks = ", ".join("?" * len(statuses))
        rows = self.tx.all(f"SELECT id, branch, status FROM instances WHERE parent_id = ? AND parent_seq = ? "  # noqa: S608
                           f"AND status IN ({marks})", (parent_id, parent_seq, *statuses))
        return [(r[0], r[1], r[2]) for r in rows]

    def succeeded_children(self, parent_id: str, parent_seq: int) -> list[InstanceRecord]:
        """The children of one visit that succeeded, whole (a redriven map carries them over)."""
        rows = self.tx.all(f"SELECT {_COLUMNS} FROM instances WHERE parent_id = ? AND parent_seq = ? "  # noqa: S608
                           "AND status = 'succeeded'", (parent_id, parent_seq))
        return [_record(r) for r in rows]

    def succeeded_results(self, parent_id: str, parent_seq: int) -> list[tuple[str, Any]]:
        """(branch, result) of the children of one visit that succeeded."""
        rows = self.tx.all("SELECT branch, result FROM instances WHERE parent_id = ? AND parent_seq = ? "
                           "AND status = 'succeeded'", (parent_id, parent_seq))
        return [(r[0], load_optional(r[1])) for r in rows]

    def children_of(self, parent_ids: Sequence[str]) -> list[InstanceRecord]:
        """`children` of several instances in one statement: each one's in creation order, the parents in turn."""
        rows = self.tx.all_in(f"SELECT {_COLUMNS} FROM instances", "parent_id", parent_ids,  # noqa: S608
                              order="parent_id, created_at, id")
        return [_record(r) for r in rows]

    def depth(self, instance: InstanceRecord, limit: int) -> int:
        """How many instances `instance` runs below (its parent, the parent's parent, …), counted up to `limit`."""
        depth, parent_id = 0, instance.parent_id
        while parent_id is not None and depth < limit:
            depth += 1
            parent_id = self.tx.scalar("SELECT parent_id FROM instances WHERE id = ?", (parent_id,))
        return depth

    def children(self, parent_id: str, parent_seq: int | None = None) -> list[InstanceRecord]:
        if parent_seq is None:
            rows = self.tx.all(
                f"SELECT {_COLUMNS} FROM instances WHERE parent_id = ? ORDER BY created_at, id", (parent_id,)  # noqa: S608
            )
        else:
            rows = self.tx.all(
                f"SELECT {_COLUMNS} FROM instances WHERE parent_id = ? AND parent_seq = ? ORDER BY created_at, id",  # noqa: S608
                (parent_id, parent_seq),
            )
        return [_record(r) for r in rows]
