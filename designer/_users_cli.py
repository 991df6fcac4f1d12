"""`statewright users add | passwd | list`: accounts from the command line (the first admin, scripts)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from designer.security.accounts import AccountService
from designer.security.roles import ROLES
from designer.store.accounts import AccountStore
from engine.cli.engine_options import refuse_a_missing_sqlite_path
from engine.cli.output import ExitCode, OutputFormat, emit_json, fail, stdout
from engine.database import create_database_engine, default_database_url, ensure_schema
from engine.errors import StatewrightError

__all__ = ["register_users_commands"]

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $STATEWRIGHT_DATABASE_URL or sqlite:///statewright.db)."),
]


def _service(db: str | None, *, existing: bool) -> AccountService:
    """The accounts of the database at `db`. `existing`: a command that reads or changes users already there
    (`list`, `passwd`) says there is no such SQLite file rather than make an empty database."""
    url = db or default_database_url()
    refuse_a_missing_sqlite_path(url, existing=existing)
    try:
        engine = create_database_engine(url)
    except ValueError as exc:
        fail(str(exc), ExitCode.UNREADABLE)
    ensure_schema(engine)  # a database it cannot use: StorageError, one line saying why
    return AccountService(AccountStore(engine))


def _password(given: str | None) -> str:
    if given is not None:
        return given
    if not sys.stdin.isatty():  # piped in (its first line), or nothing: said so, not Python's "may be echoed"
        piped = sys.stdin.readline().rstrip("\r\n")
        if not piped:
            fail("no password given: pass --password, pipe it in, or run this in a terminal to be asked for it")
        return piped
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


def add(  # noqa: PLR0917 - typer reads the options from the signature
    username: Annotated[str, typer.Argument(help="The login name.")],
    role: Annotated[list[str], typer.Option("--role", "-r", help=f"One of {', '.join(ROLES)}; repeat for several.")],
    tenant: Annotated[str, typer.Option(help="The tenant the user belongs to.")] = "default",
    approver_role: Annotated[
        list[str] | None,
        typer.Option("--approver-role", "-a", help="A business role named by approval states, e.g. sales_manager."),
    ] = None,
    password: Annotated[str | None, typer.Option(help="The password (prompted for, hidden, when absent).")] = None,
    display_name: Annotated[str | None, typer.Option("--name", help="A display name.")] = None,
    db: DbOption = None,
) -> None:
    """Create a user."""
    service = _service(db, existing=False)
    try:
        row = service.add_user(
            username,
            _password(password),
            roles=role,
            tenant=tenant,
            approver_roles=approver_role or [],
            display_name=display_name,
        )
    except StatewrightError as exc:
        fail(exc.detail)
    stdout.print(f"created {row.username} ({', '.join(row.roles)}) in tenant {row.tenant_id}", highlight=False)


def passwd(
    username: Annotated[str, typer.Argument(help="The login name.")],
    password: Annotated[str | None, typer.Option(help="The new password (prompted for when absent).")] = None,
    db: DbOption = None,
) -> None:
    """Set a user's password (ends their sessions)."""
    service = _service(db, existing=True)
    try:
        service.get_user(username)  # before asking for a password: no prompt for a user who is not there
        service.update_user(username, password=_password(password))
    except StatewrightError as exc:
        fail(exc.detail)
    stdout.print(f"password of {username} changed", highlight=False)


def list_users(
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's users.")] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="text or json")] = OutputFormat.text,
    db: DbOption = None,
) -> None:
    """List users with their roles and tenant."""
    rows, _ = _service(db, existing=True).list_users(tenant, limit=100_000)
    if output is OutputFormat.json:
        emit_json(
            [
                {
                    "username": r.username,
                    "tenant": r.tenant_id,
                    "roles": r.roles,
                    "approver_roles": r.approver_roles,
                    "disabled": r.disabled,
                }
                for r in rows
            ]
        )
        return
    table = Table(show_header=True)
    for column in ("username", "tenant", "roles", "approver roles", "status"):
        table.add_column(column)
    for r in rows:
        status = "disabled" if r.disabled else "active"
        table.add_row(r.username, r.tenant_id, ", ".join(r.roles), ", ".join(r.approver_roles), status)
    stdout.print(table)


def register_users_commands(app: typer.Typer) -> None:
    users = typer.Typer(name="users", help="Manage designer users.", no_args_is_help=True)
    users.command("add")(add)
    users.command("passwd")(passwd)
    users.command("list")(list_users)
    app.add_typer(users, name="users")
