"""The change feed's fingerprint moves when a publication request is made, and only its kind is reported."""

from __future__ import annotations

from designer.live import fingerprint
from designer.store.publication_requests import PublicationRequestStore
from engine.database import create_database_engine


def test_a_publication_request_changes_the_publications_fingerprint_only(database_url: str) -> None:
    database = create_database_engine(database_url)
    try:
        before = fingerprint(database, "acme")
        assert before.publications == (0, None)
        PublicationRequestStore(database).request("d1", workflow_id="flow", title="Flow", revision=1, actor="ada",
                                                  note=None)
        after = fingerprint(database, "acme")
        assert after.changed_since(before) == ["publications"]
        assert after.publications[0] == 1
        assert after.changed_since(fingerprint(database, "acme")) == []
    finally:
        database.dispose()

