"""`statewright users add | passwd | list` against a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from designer.cli import build_cli, main
from designer.errors import Unauthenticated
from designer.security.accounts import AccountService
from designer.store.accounts import AccountStore
from storage.database import create_database_engine


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def _accounts(db: str) -> AccountService:
    return AccountService(AccountStore(create_database_engine(db)))


def test_add_list_and_passwd(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "users",
            "add",
            "alice",
            "--role",
            "analyst",
            "--role",
            "publisher",
            "--approver-role",
            "sales_manager",
            "--tenant",
            "acme",
            "--password",
            "first password",
            "--db",
            db,
        ]
    )
    assert code == 0
    assert "created alice (analyst, publisher) in tenant acme" in capsys.readouterr().out
    assert main(["users", "list", "--format", "json", "--db", db]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [
        {
            "username": "alice",
            "tenant": "acme",
            "roles": ["analyst", "publisher"],
            "approver_roles": ["sales_manager"],
            "disabled": False,
        }
    ]
    assert _accounts(db).login("alice", "first password").principal.tenant == "acme"
    assert main(["users", "passwd", "alice", "--password", "second password", "--db", db]) == 0
    with pytest.raises(Unauthenticated):
        _accounts(db).login("alice", "first password")
    assert _accounts(db).login("alice", "second password").principal.username == "alice"


def test_the_password_is_prompted_for_when_not_given(db: str) -> None:
    result = CliRunner().invoke(
        build_cli(), ["users", "add", "bob", "--role", "viewer", "--db", db], input="prompted pw\nprompted pw\n"
    )
    assert result.exit_code == 0, result.output
    assert _accounts(db).login("bob", "prompted pw").principal.roles == ("viewer",)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["users", "add", "carol", "--role", "emperor", "--password", "long enough"], "unknown role"),
        (["users", "add", "carol", "--role", "viewer", "--password", "short"], "at least 8 characters"),
        (["users", "add", "car ol", "--role", "viewer", "--password", "long enough"], "a username is"),
        (["users", "add", "..", "--role", "viewer", "--password", "long enough"], "username: '..' is only dots"),
        (["users", "add", ".", "--role", "viewer", "--password", "long enough"], "username: '.' is only dots"),
        (["users", "passwd", "nobody", "--password", "long enough"], "no user 'nobody'"),
    ],
)
def test_refusals_are_one_line_and_exit_1(db: str, argv: list[str], message: str) -> None:
    assert CliRunner().invoke(build_cli(), ["db", "upgrade", "--db", db]).exit_code == 0  # passwd needs one there
    result = CliRunner().invoke(build_cli(), [*argv, "--db", db])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_duplicate_user_is_refused(db: str) -> None:
    argv = ["users", "add", "dave", "--role", "viewer", "--password", "long enough", "--db", db]
    assert CliRunner().invoke(build_cli(), argv).exit_code == 0
    again = CliRunner().invoke(build_cli(), argv)
    assert again.exit_code == 1
    assert "the username 'dave' is taken" in again.output


def test_the_console_script_composes_the_engine_commands_with_serve_and_users() -> None:
    result = CliRunner().invoke(build_cli(), ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "users", "validate", "render"):
        assert command in result.output
    serve_help = CliRunner().invoke(build_cli(), ["serve", "--help"])
    for option in ("--host", "--port", "--db", "--workers", "--demo"):
        assert option in serve_help.output


def test_serve_with_a_bad_notification_setting_stops_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_cli(), ["serve", "--db", f"sqlite:///{tmp_path / 's.db'}", "--workers", "0"],
                                env={"STATEWRIGHT_NOTIFY_WEBHOOK_URL": "https://hooks.example.com/a"})
    assert result.exit_code == 2
    assert "STATEWRIGHT_NOTIFY_WEBHOOK_SECRET" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
