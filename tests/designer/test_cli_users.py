"""`statewright users add | passwd | list` against a real SQLite file."""

from __future__ import annotations

import io
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


def test_passwd_names_a_missing_user_before_asking_and_never_prompts_without_a_terminal(
        db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`users passwd nobody` asked for a password first (with Python's "Password input may be echoed" warning when
    no terminal was there), then gave up; now it says there is no such user, and with neither a terminal nor a
    password piped in it says how to give one rather than prompt."""
    assert main(["users", "add", "ann", "--role", "viewer", "--password", "a-long-password-1", "--db", db]) == 0
    capsys.readouterr()
    assert main(["users", "passwd", "nobody", "--db", db]) == 1
    assert capsys.readouterr().err.strip() == "error: no user 'nobody'"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal, nothing piped in
    assert main(["users", "passwd", "ann", "--db", db]) == 1
    said = capsys.readouterr().err
    assert said.strip() == ("error: no password given: pass --password, pipe it in, or run this in a terminal to be "
                            "asked for it")
    assert "echoed" not in said
    monkeypatch.setattr("sys.stdin", io.StringIO("piped-password-2\n"))  # `echo … | statewright users passwd ann`
    assert main(["users", "passwd", "ann", "--db", db]) == 0
    assert _accounts(db).login("ann", "piped-password-2").principal.roles == ("viewer",)
