"""The account rules on each database (SQLite and PostgreSQL): a username is taken in every case, the last
enabled admin of a tenant stays one, and disabling a user revokes their tokens for good. The API's tests
(test_api_user_admin.py) run on SQLite; these run the same transactions on both."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from designer.errors import AccountConflict, LastAdmin
from designer.security.accounts import AccountService
from designer.store.accounts import AccountStore
from engine.database import create_database_engine

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(database_url: str) -> Iterator[AccountService]:
    database = create_database_engine(database_url)
    yield AccountService(AccountStore(database))
    database.dispose()


def test_a_name_is_taken_in_every_case_and_found_in_any(accounts: AccountService) -> None:
    accounts.add_user("Ada", PASSWORD, roles=["viewer"], tenant="acme")
    with pytest.raises(AccountConflict, match="the username 'ADA' is taken"):
        accounts.add_user("ADA", PASSWORD, roles=["viewer"], tenant="globex")
    assert accounts.login("ada", PASSWORD).principal.username == "Ada"


def test_names_added_at_once_in_two_cases_give_one_user(accounts: AccountService) -> None:
    def add(name: str) -> str:
        try:
            accounts.add_user(name, PASSWORD, roles=["viewer"], tenant="acme")
        except AccountConflict:
            return "taken"
        return "added"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(add, ["racer", "RACER", "Racer", "rAcEr"]))
    assert sorted(outcomes) == ["added", "taken", "taken", "taken"]


def test_the_last_enabled_admin_stays_one(accounts: AccountService) -> None:
    accounts.add_user("boss", PASSWORD, roles=["admin"], tenant="solo")
    accounts.add_user("deputy", PASSWORD, roles=["admin"], tenant="solo")
    accounts.update_user("deputy", disabled=True)
    with pytest.raises(LastAdmin):
        accounts.update_user("boss", roles=["viewer"])
    with pytest.raises(LastAdmin):
        accounts.update_user("boss", disabled=True)
    accounts.update_user("deputy", disabled=False)
    assert accounts.update_user("boss", roles=["viewer"]).roles == ["viewer"]


def test_two_admins_demoting_each_other_at_once_leave_one(accounts: AccountService) -> None:
    accounts.add_user("left", PASSWORD, roles=["admin"], tenant="pair")
    accounts.add_user("right", PASSWORD, roles=["admin"], tenant="pair")

    def demote(name: str) -> str:
        try:
            accounts.update_user(name, roles=["viewer"])
        except LastAdmin:
            return "refused"
        return "demoted"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(demote, ["left", "right"]))
    assert outcomes == ["demoted", "refused"]
    rows, _ = accounts.list_users("pair")
    assert sum("admin" in row.roles for row in rows) == 1


def test_disabling_revokes_tokens_for_good(accounts: AccountService) -> None:
    accounts.add_user("leaver", PASSWORD, roles=["viewer"], tenant="acme")
    token = accounts.create_token(accounts.login("leaver", PASSWORD).principal, "t").token
    accounts.update_user("leaver", disabled=True)
    accounts.update_user("leaver", disabled=False)
    assert accounts.authenticate_token(token) is None
