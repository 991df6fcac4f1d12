"""A draft saved, created or deleted is a `drafts` notice on the change feed — for every tenant's subscribers, as
drafts are shared — so an editor with the draft open hears at once that it was saved elsewhere, instead of
asking every few seconds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread

from designer.live import ChangeFeed, fingerprint
from designer.store.drafts import DraftStore
from engine.database import create_database_engine

FLOW = {"id": "watched", "title": "Watched", "initial": "work", "states": {"work": {"type": "final"}}}
SETTLE_S = 0.5  # the feed's first look (its interval is 0.05 s here): what is done after it is a change
WAIT_S = 5.0


def test_the_drafts_fingerprint_moves_on_a_save_a_create_and_a_delete_only(database_url: str) -> None:
    database = create_database_engine(database_url)
    try:
        drafts = DraftStore(database)
        empty = fingerprint(database, "acme")
        assert empty.drafts == (0, None)
        draft = drafts.create(FLOW, actor="ada")
        created = fingerprint(database, "acme")
        assert created.changed_since(empty) == ["drafts"]
        drafts.update(draft.id, {**FLOW, "title": "Watched closely"}, actor="ada", expected_revision=1)
        saved = fingerprint(database, "acme")
        assert saved.changed_since(created) == ["drafts"]
        assert saved.drafts[0] == 1
        assert fingerprint(database, "globex").drafts == saved.drafts  # drafts belong to no tenant
        drafts.delete(draft.id)
        assert fingerprint(database, "acme").changed_since(saved) == ["drafts"]
        assert fingerprint(database, "acme").changed_since(fingerprint(database, "acme")) == []
    finally:
        database.dispose()


async def _notices_after(feed: ChangeFeed, act: Callable[[], object]) -> tuple[list[str], list[str]]:
    """What a subscriber of each of two tenants is told after `act` (run once the feed has had its first look)."""
    async with feed.subscribe("acme") as acme, feed.subscribe("globex") as globex:
        await asyncio.sleep(SETTLE_S)
        await anyio.to_thread.run_sync(act)
        return (await asyncio.wait_for(acme.get(), WAIT_S), await asyncio.wait_for(globex.get(), WAIT_S))


def _on_a_loop_of_its_own(feed: ChangeFeed, change: Callable[[], object]) -> tuple[list[str], list[str]]:
    """`_notices_after` on an event loop of a thread of its own: a browser test before this one in the same worker
    leaves Playwright's loop marked running on this thread, where `asyncio.run` refuses to start another."""
    with ThreadPoolExecutor(1) as own_thread:
        return own_thread.submit(asyncio.run, _notices_after(feed, change)).result()


def test_a_draft_saved_is_a_drafts_notice_on_the_feed(database_url: str) -> None:
    database = create_database_engine(database_url)
    try:
        drafts = DraftStore(database)
        draft = drafts.create(FLOW, actor="ada")
        feed = ChangeFeed(database, interval_s=0.05)

        def save() -> None:
            drafts.update(draft.id, {**FLOW, "title": "Saved elsewhere"}, actor="ana", expected_revision=1)

        assert _on_a_loop_of_its_own(feed, save) == (["drafts"], ["drafts"])
        assert _on_a_loop_of_its_own(feed, lambda: drafts.create(FLOW, actor="ana")) == (["drafts"], ["drafts"])
        assert _on_a_loop_of_its_own(feed, lambda: drafts.delete(draft.id)) == (["drafts"], ["drafts"])
    finally:
        database.dispose()
