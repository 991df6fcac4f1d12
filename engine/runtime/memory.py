"""Shared memory: JSON values by key with a time to live, stored in the engine's database, that agents share.

Two scopes per tenant, as in the design document's `SharedMemory`:

- **workflow**: one per top-level instance. Its parallel branches and subflow children, however deep, share
  their top-level ancestor's workflow memory (the document's `workflow:{workflow_id}:lead_data`).
- **global**: cross-workflow, one per tenant.

Writers: `engine.memory` (the embedding API), a handler's `request.memory`, and the agents' `memory.*` tools.
Readers: the same, and CEL, where `memory` is `{"workflow": {key: value}, "global": {key: value}}` for the
instance deciding — loaded (one query) only for workflows whose expressions mention `memory`.

A value may be a list that workers grow with `append`, one atomic statement each (storage/memory.py), and read
with `get_list`. A workflow's declared `memory_namespaces` are read-only views of the global memory in CEL.

An expired entry is never read; its row is replaced when the key is written again, and the worker's sweep
deletes the rest.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol, TypeVar

from engine.errors import ConcurrencyConflict, InstanceNotFound, InvalidInput, StorageError
from engine.runtime.attempts_in_progress import Attempt, current_attempt
from storage.codec import dump
from storage.errors import StoreError, TransientConflict
from storage.instances import InstanceRecord, InstanceStore
from storage.memory import MemoryRecord, MemoryStore
from storage.receipts import ReceiptRecord, ReceiptStore
from storage.transaction import Store, Transaction

__all__ = [
    "DEFAULT_TTL_S",
    "AsyncSharedMemory",
    "InstanceMemory",
    "MemoryEntry",
    "ScopedMemory",
    "SharedMemory",
    "memory_variable",
]

DEFAULT_TTL_S = 3600.0  # the document's default: an hour
GLOBAL = "global"
MAX_KEY_LENGTH = 200
_APPEND_RECEIPTS = "memory.append"  # the receipts of appends made inside attempts (`attempts_in_progress`)
T = TypeVar("T")


class TimeSource(Protocol):
    def now(self) -> float: ...


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    key: str
    value: Any
    expires_at: float | None  # seconds since the epoch, UTC; None: never
    updated_at: float


@dataclass(frozen=True, slots=True)
class _Place:
    tenant: str
    scope: str  # 'global' or 'workflow:<top-level instance id>'


class _Roots:
    """Each instance's tenant and workflow scope. An instance's ancestors never change, so what was found once
    holds for good; the map is bounded by starting afresh when full."""

    def __init__(self, size: int = 65_536) -> None:
        self._size = size
        self._found: dict[str, _Place] = {}
        self._lock = threading.Lock()

    def remember(self, instance_id: str, place: _Place) -> None:
        with self._lock:
            if len(self._found) >= self._size:
                self._found.clear()
            self._found[instance_id] = place

    def of(self, tx: Transaction, instance_id: str) -> _Place:
        with self._lock:
            found = self._found.get(instance_id)
        if found is None:
            found = self._walk(tx, instance_id)
            self.remember(instance_id, found)
        return found

    def of_record(self, tx: Transaction, instance: InstanceRecord) -> _Place:
        """Without a query for a top-level instance, nor for a child whose parent (or itself) was seen."""
        if instance.parent_id is None:
            return _Place(instance.tenant, f"workflow:{instance.id}")
        with self._lock:
            found = self._found.get(instance.id) or self._found.get(instance.parent_id)
        if found is None:
            found = self._walk(tx, instance.parent_id)
        self.remember(instance.id, found)
        return found

    @staticmethod
    def _walk(tx: Transaction, instance_id: str) -> _Place:
        instances = InstanceStore(tx)
        found = instances.get(instance_id)
        if found is None:
            raise InstanceNotFound(f"no instance '{instance_id}'")
        while found.parent_id is not None:
            parent = instances.get(found.parent_id)
            if parent is None:
                break  # a parent deleted from under its child: the oldest found stands for the workflow
            found = parent
        return _Place(found.tenant, f"workflow:{found.id}")


_ROOTS = _Roots()


# --- checks ---------------------------------------------------------------------------------------------
def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not key:
        raise InvalidInput(f"a memory key is a non-empty string, not {key!r}")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"a memory key is at most {MAX_KEY_LENGTH} characters; '{key[:40]}…' has {len(key)}")
    return key


def _check_ttl(ttl_s: Any) -> float | None:
    if ttl_s is None:
        return None
    if isinstance(ttl_s, bool) or not isinstance(ttl_s, int | float) or not math.isfinite(ttl_s) or ttl_s <= 0:
        raise InvalidInput(f"ttl_s is a positive number of seconds, or None to keep the value until it is deleted; "
                           f"not {ttl_s!r}")
    return float(ttl_s)


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 column can store it
        return False
    return True


def _check_json(value: Any, path: str = "the value") -> None:
    """Only what JSON holds: objects with string keys, arrays, strings, finite numbers, booleans, null."""
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, str):
        if not value.isascii() and not _is_unicode(value):
            raise InvalidInput(f"a memory value must be JSON: {path} holds a lone surrogate, which is not Unicode "
                               "text")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"a memory value must be JSON: {path} is {value}, which JSON cannot hold")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for name, item in value.items():
            if not isinstance(name, str) or not (name.isascii() or _is_unicode(name)):
                raise InvalidInput(f"a memory value must be JSON: {path} has the key {name!r}, not a string")
            _check_json(item, f"{path}.{name}")
        return
    raise InvalidInput(f"a memory value must be JSON (an object, array, string, number, boolean or null): "
                       f"{path} is a {type(value).__name__}")


# --- the embedding API ----------------------------------------------------------------------------------
class _Database:
    """Short transactions of their own on the engine's store, with its clock."""

    def __init__(self, store: Store, clock: TimeSource) -> None:
        self.store = store
        self.clock = clock

    def run(self, work: Callable[[Transaction], T], *, write: bool = False, attempts: int = 3) -> T:
        for attempt in range(1, attempts + 1):
            try:
                with self.store.write() if write else self.store.read() as tx:
                    return work(tx)
            except TransientConflict as exc:
                if attempt == attempts:
                    raise ConcurrencyConflict(f"the database kept aborting the transaction: {exc}") from exc
            except StoreError as exc:
                raise StorageError(str(exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover


_Locate = Callable[[Transaction], _Place]


def _fixed(place: _Place) -> _Locate:
    return lambda _tx: place


def _appended_before(tx: Transaction, attempt: Attempt, *, number: int, place: _Place, key: str, item: Any,
                     now: float) -> bool:
    """Whether an earlier attempt of this task made this append (the `number`th to `key` in its attempt, with the
    same item); if none did, its receipt is kept, so a later attempt finds it."""
    receipt = hashlib.sha256(
        dump([attempt.key, place.tenant, place.scope, key, number]).encode("utf-8")).hexdigest()
    asked = hashlib.sha256(dump(item).encode("utf-8")).hexdigest()
    receipts = ReceiptStore(tx)
    found = receipts.get(_APPEND_RECEIPTS, receipt)
    if found is not None:
        return found.request == asked
    receipts.put(ReceiptRecord(_APPEND_RECEIPTS, receipt, attempt.instance_id, None, now, asked))
    return False


class ScopedMemory:
    """One scope of the memory: an instance's workflow memory, or a tenant's global memory. Each call is one
    short transaction of its own."""

    def __init__(self, database: _Database, locate: _Locate) -> None:
        self._database, self._locate = database, locate

    def set(self, key: str, value: Any, *, ttl_s: float | None = DEFAULT_TTL_S) -> MemoryEntry:
        """Store or replace `value` (JSON) under `key`; it expires `ttl_s` seconds from now (None: never)."""
        _check_key(key)
        ttl = _check_ttl(ttl_s)
        _check_json(value)
        now = self._database.clock.now()
        expires = None if ttl is None else now + ttl

        def work(tx: Transaction) -> None:
            place = self._locate(tx)
            MemoryStore(tx).set(place.tenant, place.scope, key, value, expires_at=expires, now=now)

        self._database.run(work, write=True)
        return MemoryEntry(key, value, expires, now)

    def append(self, key: str, item: Any, *, ttl_s: float | None = DEFAULT_TTL_S) -> None:
        """Add `item` (JSON) to the end of the list under `key` — one atomic statement, so concurrent workers
        appending to one key lose no item; an absent or expired key starts a new list. The list expires `ttl_s`
        seconds from now (None: never), renewed by every append. A key holding anything but a list is refused.
        Inside a handler, an append an earlier attempt of the same task made is not made again
        (`attempts_in_progress`)."""
        _check_key(key)
        ttl = _check_ttl(ttl_s)
        _check_json(item, "the item")
        now = self._database.clock.now()
        expires = None if ttl is None else now + ttl
        attempt = current_attempt()
        number = None if attempt is None else attempt.number(f"memory.append:{key}")

        def work(tx: Transaction) -> bool:
            place = self._locate(tx)
            if attempt is not None and number is not None and _appended_before(
                    tx, attempt, number=number, place=place, key=key, item=item, now=now):
                return True
            return MemoryStore(tx).append(place.tenant, place.scope, key, item, expires_at=expires, now=now)

        if not self._database.run(work, write=True):
            raise InvalidInput(f"the memory key '{key}' holds a value that is not a list; append adds to lists only")

    def get_list(self, key: str) -> list[Any]:
        """The list under `key`, oldest item first; [] when there is none (or it expired). A key holding anything
        but a list is refused."""
        found = self.get(key, [])
        if not isinstance(found, list):
            raise InvalidInput(f"the memory key '{key}' holds a {type(found).__name__}, not a list")
        return found

    def entry(self, key: str) -> MemoryEntry | None:
        """The unexpired entry under `key`, with its expiry time; None when there is none."""
        _check_key(key)
        now = self._database.clock.now()

        def work(tx: Transaction) -> MemoryRecord | None:
            place = self._locate(tx)
            return MemoryStore(tx).get(place.tenant, place.scope, key, now)

        found = self._database.run(work)
        return None if found is None else MemoryEntry(key, found.value, found.expires_at, found.updated_at)

    def get(self, key: str, default: Any = None) -> Any:
        """The value under `key`, or `default` when there is none (or it expired)."""
        found = self.entry(key)
        return default if found is None else found.value

    def delete(self, key: str) -> bool:
        """Forget `key`; True if it held an unexpired value."""
        _check_key(key)
        now = self._database.clock.now()

        def work(tx: Transaction) -> bool:
            place = self._locate(tx)
            return MemoryStore(tx).delete(place.tenant, place.scope, key, now)

        return self._database.run(work, write=True)

    def items(self) -> dict[str, Any]:
        """Every unexpired key, with its value."""
        now = self._database.clock.now()

        def work(tx: Transaction) -> list[MemoryRecord]:
            place = self._locate(tx)
            return MemoryStore(tx).visible(place.tenant, [place.scope], now)

        return {r.key: r.value for r in self._database.run(work)}


class InstanceMemory:
    """A handler's view (`request.memory`): `workflow` is the memory its top-level workflow shares with its
    branches and subflows (`memory.workflow` in CEL), `global_` its tenant's cross-workflow memory
    (`memory.global`). Each call is a short transaction of its own, apart from the one the handler's outcome
    is committed in: what a handler writes stays written even if its attempt then fails."""

    __slots__ = ("_database", "_global", "_instance", "_workflow")

    def __init__(self, database: _Database, instance: InstanceRecord) -> None:
        # made when a handler first reaches for them: every action gets this view, few use it
        self._database, self._instance = database, instance
        self._workflow: ScopedMemory | None = None
        self._global: ScopedMemory | None = None

    @property
    def workflow(self) -> ScopedMemory:
        if self._workflow is None:
            instance = self._instance
            if instance.parent_id is None:
                place = _fixed(_Place(instance.tenant, f"workflow:{instance.id}"))
            else:
                place = partial(_ROOTS.of_record, instance=instance)
            self._workflow = ScopedMemory(self._database, place)
        return self._workflow

    @property
    def global_(self) -> ScopedMemory:
        if self._global is None:
            self._global = ScopedMemory(self._database, _fixed(_Place(self._instance.tenant, GLOBAL)))
        return self._global


class SharedMemory:
    """The engine's shared memory (`engine.memory`). Each call is one short transaction of its own.

    Every method takes `instance_id` (the workflow memory of that instance's top-level workflow) or not (the
    tenant's global memory), and `tenant`: by default the instance's tenant, or 'default' for global memory.
    """

    def __init__(self, store: Store, clock: TimeSource) -> None:
        self._database = _Database(store, clock)

    def scope(self, *, tenant: str | None = None, instance_id: str | None = None) -> ScopedMemory:
        """One scope, bound: the instance's workflow memory, or (without an instance) the tenant's global one."""
        if instance_id is None:
            chosen = "default" if tenant is None else tenant
            if not isinstance(chosen, str) or not chosen or len(chosen) > 64:
                raise InvalidInput(f"a tenant is a name of 1 to 64 characters, not {chosen!r}")
            return ScopedMemory(self._database, _fixed(_Place(chosen, GLOBAL)))

        def locate(tx: Transaction) -> _Place:
            place = _ROOTS.of(tx, instance_id)
            if tenant is not None and tenant != place.tenant:
                raise InvalidInput(f"the instance '{instance_id}' belongs to the tenant '{place.tenant}', "
                                   f"not '{tenant}'")
            return place

        return ScopedMemory(self._database, locate)

    def set(self, key: str, value: Any, *, ttl_s: float | None = DEFAULT_TTL_S, tenant: str | None = None,
            instance_id: str | None = None) -> MemoryEntry:
        """Store or replace `value` (JSON) under `key`; it expires `ttl_s` seconds from now (None: never)."""
        return self.scope(tenant=tenant, instance_id=instance_id).set(key, value, ttl_s=ttl_s)

    def entry(self, key: str, *, tenant: str | None = None, instance_id: str | None = None) -> MemoryEntry | None:
        """The unexpired entry under `key`, with its expiry time; None when there is none."""
        return self.scope(tenant=tenant, instance_id=instance_id).entry(key)

    def append(self, key: str, item: Any, *, ttl_s: float | None = DEFAULT_TTL_S, tenant: str | None = None,
               instance_id: str | None = None) -> None:
        """Add `item` (JSON) to the end of the list under `key`, atomically (`ScopedMemory.append`)."""
        self.scope(tenant=tenant, instance_id=instance_id).append(key, item, ttl_s=ttl_s)

    def get_list(self, key: str, *, tenant: str | None = None, instance_id: str | None = None) -> list[Any]:
        """The list under `key`, oldest item first; [] when there is none."""
        return self.scope(tenant=tenant, instance_id=instance_id).get_list(key)

    def get(self, key: str, default: Any = None, *, tenant: str | None = None,
            instance_id: str | None = None) -> Any:
        """The value under `key`, or `default` when there is none (or it expired)."""
        return self.scope(tenant=tenant, instance_id=instance_id).get(key, default)

    def delete(self, key: str, *, tenant: str | None = None, instance_id: str | None = None) -> bool:
        """Forget `key`; True if it held an unexpired value."""
        return self.scope(tenant=tenant, instance_id=instance_id).delete(key)

    def items(self, *, tenant: str | None = None, instance_id: str | None = None) -> dict[str, Any]:
        """Every unexpired key of the scope, with its value."""
        return self.scope(tenant=tenant, instance_id=instance_id).items()

    def visible(self, instance_id: str) -> dict[str, dict[str, Any]]:
        """What the instance's CEL expressions see as `memory`: {"workflow": {...}, "global": {...}} (the
        namespaces its workflow declares are views of `global`)."""
        now = self._database.clock.now()
        return self._database.run(lambda tx: _load(tx, _ROOTS.of(tx, instance_id), now))

    def instance_memory(self, instance: InstanceRecord) -> InstanceMemory:
        """The memory a handler of `instance` uses (`ActionRequest.memory`)."""
        return InstanceMemory(self._database, instance)

    def sweep(self) -> int:
        """Delete every expired entry, of every tenant (the worker does so every minute). How many."""
        now = self._database.clock.now()
        return self._database.run(lambda tx: MemoryStore(tx).sweep(now), write=True)


class AsyncSharedMemory:
    """`SharedMemory` as coroutines (`AsyncEngine.memory`), each call run in a worker thread."""

    def __init__(self, memory: SharedMemory) -> None:
        self.sync = memory

    async def set(self, key: str, value: Any, *, ttl_s: float | None = DEFAULT_TTL_S, tenant: str | None = None,
                  instance_id: str | None = None) -> MemoryEntry:
        return await asyncio.to_thread(self.sync.set, key, value, ttl_s=ttl_s, tenant=tenant, instance_id=instance_id)

    async def entry(self, key: str, *, tenant: str | None = None,
                    instance_id: str | None = None) -> MemoryEntry | None:
        return await asyncio.to_thread(self.sync.entry, key, tenant=tenant, instance_id=instance_id)

    async def append(self, key: str, item: Any, *, ttl_s: float | None = DEFAULT_TTL_S, tenant: str | None = None,
                     instance_id: str | None = None) -> None:
        await asyncio.to_thread(self.sync.append, key, item, ttl_s=ttl_s, tenant=tenant, instance_id=instance_id)

    async def get_list(self, key: str, *, tenant: str | None = None, instance_id: str | None = None) -> list[Any]:
        return await asyncio.to_thread(self.sync.get_list, key, tenant=tenant, instance_id=instance_id)

    async def get(self, key: str, default: Any = None, *, tenant: str | None = None,
                  instance_id: str | None = None) -> Any:
        return await asyncio.to_thread(self.sync.get, key, default, tenant=tenant, instance_id=instance_id)

    async def delete(self, key: str, *, tenant: str | None = None, instance_id: str | None = None) -> bool:
        return await asyncio.to_thread(self.sync.delete, key, tenant=tenant, instance_id=instance_id)

    async def items(self, *, tenant: str | None = None, instance_id: str | None = None) -> dict[str, Any]:
        return await asyncio.to_thread(self.sync.items, tenant=tenant, instance_id=instance_id)

    async def visible(self, instance_id: str) -> dict[str, dict[str, Any]]:
        return await asyncio.to_thread(self.sync.visible, instance_id)


# --- the CEL variable -----------------------------------------------------------------------------------
def _load(tx: Transaction, place: _Place, now: float, namespaces: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
    """`workflow` and `global`, and each declared namespace: the global keys `<name>:<key>`, by `<key>`."""
    found: dict[str, dict[str, Any]] = {"workflow": {}, "global": {}, **{name: {} for name in namespaces}}
    for record in MemoryStore(tx).visible(place.tenant, [place.scope, GLOBAL], now):
        if record.scope != GLOBAL:
            found["workflow"][record.key] = record.value
            continue
        found["global"][record.key] = record.value
        name, colon, key = record.key.partition(":")
        if colon and name in namespaces:
            found[name][key] = record.value
    return found


def memory_variable(tx: Transaction, instance: InstanceRecord, now: float,
                    namespaces: Sequence[str] = ()) -> dict[str, dict[str, Any]]:
    """`memory` for a decision of `instance`, in the decision's transaction: one query (and, the first time a
    branch or subflow child is seen, one per ancestor to find its top-level instance). The workflow's declared
    `memory_namespaces` are views of the global memory, read-only (CEL writes nothing)."""
    return _load(tx, _ROOTS.of_record(tx, instance), now, namespaces)
