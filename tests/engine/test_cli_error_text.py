"""A command's one-line error shows its text as it is. It was printed as rich markup, so anything in square
brackets was taken for a style and dropped: an id the user typed (`abc[bold]x`), a value `[redacted]` where a
secret was hidden (the URL then read `http://user:@host`, as if it had no password)."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.cli import main


def test_square_brackets_in_an_error_are_shown(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    database = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["db", "upgrade", "--db", database]) == 0
    capfd.readouterr()
    assert main(["history", "abc[bold]x", "--db", database]) == 1
    assert capfd.readouterr().err.strip() == "error: no instance 'abc[bold]x'"


def test_a_refused_model_url_shows_where_its_secrets_were(capfd: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STATEWRIGHT_LLM_URL", "http://ann:pw-0123456789@127.0.0.1:9/v1")
    monkeypatch.setenv("STATEWRIGHT_LLM_MODEL", "m")
    assert main(["worker", "--executor", "llm", "--db", f"sqlite:///{tmp_path / 'x.db'}"]) != 0
    said = capfd.readouterr().err
    assert "pw-0123456789" not in said
    assert "'http://ann:[redacted]@127.0.0.1:9/v1'" in said
