"""QA: the library's words for a URL it cannot use were rougher than the CLI's. `Engine("sqlite://refunds.db")` (two
slashes) said "an in-memory SQLite database cannot be shared between connections" — the user meant a file — and
`Engine("sqlite:///nodir/x.db")` said "(sqlite3.OperationalError) unable to open database file" where the CLI names
the missing folder. Both now say what is wrong, the second in the CLI's own words."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine import Engine, StorageError
from engine.cli.app import build_app


def _cli_error(*args: str) -> str:
    done = CliRunner().invoke(build_app(args[0]), list(args), env={"COLUMNS": "200"})
    assert done.output.startswith("error: "), done.output
    return done.output.strip().removeprefix("error: ")


@pytest.mark.parametrize(("url", "meant"), [
    ("sqlite://refunds.db", "sqlite:///refunds.db"),
    ("sqlite://data/refunds.db", "sqlite:///data/refunds.db"),
])
def test_two_slashes_say_the_url_names_no_file_and_which_one_does(url: str, meant: str) -> None:
    with pytest.raises(ValueError, match="SQLite") as refused:
        Engine(url)
    said = str(refused.value)
    assert "in-memory" not in said
    assert said.startswith(f"{url} ")
    assert said.endswith(f"a file takes three slashes (four for an absolute path): {meant}")
    assert _cli_error("instances", "--db", url) == said  # the CLI says the same


def test_no_path_at_all_is_said_so() -> None:
    with pytest.raises(ValueError, match=r"^sqlite://refunds\.db has no path: after two slashes, 'refunds\.db' is "
                                         r"read as a server, and SQLite has none"):
        Engine("sqlite://refunds.db")


def test_a_password_in_a_two_slash_url_is_not_repeated() -> None:
    with pytest.raises(ValueError) as refused:
        Engine("sqlite://ann:secret@/refunds.db")
    assert "secret" not in str(refused.value)
    assert str(refused.value).endswith("sqlite:///refunds.db")


@pytest.mark.parametrize("migrate", [True, False])
def test_a_folder_that_does_not_exist_is_named_as_the_cli_names_it(tmp_path: Path, migrate: bool) -> None:
    url = f"sqlite:///{tmp_path / 'nodir' / 'x.db'}"
    with pytest.raises(StorageError) as refused:
        Engine(url, migrate=migrate).ping()
    assert f"the folder {tmp_path / 'nodir'} does not exist" in refused.value.detail
    assert "unable to open database file" not in refused.value.detail
    if migrate:  # opening it says what `statewright` says, word for word
        assert refused.value.detail == _cli_error("instances", "--db", url)
    assert not (tmp_path / "nodir").exists()


def test_a_file_where_the_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder")
    url = f"sqlite:///{tmp_path / 'notes.txt' / 'x.db'}"
    with pytest.raises(StorageError) as refused:
        Engine(url)
    assert refused.value.detail == f"cannot open the database {url}: {tmp_path / 'notes.txt'} is a file, not a folder"
    assert refused.value.detail == _cli_error("instances", "--db", url)
