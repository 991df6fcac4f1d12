"""Login throttling: per user *and* client address, per address across users, counted atomically, with a
back-off that grows instead of a hard lock-out.

- **Per (username, address).** The first `max_failures` wrong passwords are answered at once; after that each
  further attempt waits a back-off since the last failure — `backoff`, doubling with every failure, at most
  `window`. Someone guessing from one address is slowed to a crawl; the account's owner signing in from
  their own address is not affected by it, and after their own typos waits seconds, not a quarter of an hour.
  A successful login from that address clears its count.
- **Per address, across usernames.** After `address_max_failures` failures within `window` from one address
  (guessing many usernames), the same back-off applies to every attempt from it.
- **Atomic.** A password check in flight counts as a failure until it is settled: concurrent wrong passwords
  are admitted only up to the limit (30 at once give at most `max_failures` checks), in this process.

Refused attempts are not recorded, so hammering a throttled account does not lengthen its back-off.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from designer.errors import LoginThrottled
from designer.store.accounts import LoginAttemptRow
from engine.database import read_session

__all__ = ["LoginThrottle", "ThrottlePolicy", "Ticket"]


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    address_max_failures: int = 20
    backoff: timedelta = timedelta(seconds=30)

    def wait_after(self, failures: int, limit: int) -> timedelta:
        """How long after the last failure the next attempt is admitted, `failures` having been counted."""
        if failures < limit:
            return timedelta(0)
        return min(self.window, self.backoff * (1 << min(failures - limit, 20)))


@dataclass(frozen=True)
class Ticket:
    """An admitted password check; settle it exactly once."""

    username: str
    remote: str


def _aware(value: datetime | None, like: datetime) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=like.tzinfo)


class LoginThrottle:
    def __init__(self, database: sa.Engine, policy: ThrottlePolicy, clock: Callable[[], datetime]) -> None:
        self._database = database
        self._policy = policy
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight: Counter[tuple[str, str] | str] = Counter()

    def admit(self, username: str, remote: str | None) -> Ticket:
        """Admit one password check for `username` from `remote`, or raise `LoginThrottled` with the wait."""
        # one count for a name in every case: logins find `Ada` as `ada`, so guesses at `ADA` count against it
        ticket = Ticket(username[:256].lower(), (remote or "unknown")[:128])
        now = self._clock()
        with self._lock:
            pair_failures, pair_last, address_failures, address_last = self._failures(ticket, now)
            pair = (ticket.username, ticket.remote)
            self._refuse_if_waiting(pair_failures, self._in_flight[pair], pair_last, self._policy.max_failures, now)
            self._refuse_if_waiting(address_failures, self._in_flight[ticket.remote], address_last,
                                    self._policy.address_max_failures, now)
            self._in_flight[pair] += 1
            self._in_flight[ticket.remote] += 1
        return ticket

    def settle(self, ticket: Ticket, *, succeeded: bool) -> None:
        """Record the outcome of an admitted check and release its place."""
        try:
            with Session(self._database) as session:
                session.add(LoginAttemptRow(username=ticket.username, succeeded=succeeded, remote=ticket.remote,
                                            at=self._clock()))
                session.commit()
        finally:
            self.release(ticket)

    def release(self, ticket: Ticket) -> None:
        """Release an admitted check's place without recording an outcome: the check did not happen (the
        database failed), so it counts neither for nor against the user."""
        with self._lock:
            for key in ((ticket.username, ticket.remote), ticket.remote):
                self._in_flight[key] -= 1
                if self._in_flight[key] <= 0:
                    del self._in_flight[key]

    def _refuse_if_waiting(self, failures: int, in_flight: int, last: datetime | None, limit: int,
                           now: datetime) -> None:
        """Refuse while the back-off after the last failure runs; a check still in flight counts as a failure
        happening now."""
        wait = self._policy.wait_after(failures + in_flight, limit)
        if not wait:
            return
        until = (now if in_flight or last is None else last) + wait
        if until > now:
            raise LoginThrottled(max(1, math.ceil((until - now).total_seconds())))

    def _failures(self, ticket: Ticket, now: datetime) -> tuple[int, datetime | None, int, datetime | None]:
        since = now - self._policy.window
        failed = col(LoginAttemptRow.succeeded).is_(False)
        with read_session(self._database) as session:
            last_success = _aware(session.exec(select(func.max(LoginAttemptRow.at)).where(
                LoginAttemptRow.username == ticket.username, LoginAttemptRow.remote == ticket.remote,
                col(LoginAttemptRow.succeeded).is_(True))).one(), now)
            pair_count, pair_last = session.exec(select(func.count(), func.max(LoginAttemptRow.at)).where(
                LoginAttemptRow.username == ticket.username, LoginAttemptRow.remote == ticket.remote, failed,
                col(LoginAttemptRow.at) > max(since, last_success or since))).one()
            address_count, address_last = session.exec(select(func.count(), func.max(LoginAttemptRow.at)).where(
                LoginAttemptRow.remote == ticket.remote, failed, col(LoginAttemptRow.at) > since)).one()
        return int(pair_count), _aware(pair_last, now), int(address_count), _aware(address_last, now)
