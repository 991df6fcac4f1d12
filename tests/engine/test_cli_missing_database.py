"""A command that reads or moves what a database holds, given a SQLite file that is not there (`--db
sqlite:///dmeo.db`), says so instead of making a new, empty database: `instances` listed nothing and left the
file behind, `history ID` said the instance did not exist. Commands that fill a database make it, as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.cli import main

ROOT = Path(__file__).resolve().parents[2]
LEAD = ROOT / "definitions" / "workflows" / "lead_qualification.json"

READING = {
    "instances": ["instances"],
    "show": ["show", "some-id"],
    "history": ["history", "some-id"],
    "approvals": ["approvals"],
    "approve": ["approve", "some-id", "--actor", "ann"],
    "send": ["send", "some-id", "withdraw"],
    "cancel": ["cancel", "some-id"],
    "redrive": ["redrive", "some-id"],
    "replay": ["replay", "some-id"],
    "agents": ["agents"],
    "users list": ["users", "list"],
    "users passwd": ["users", "passwd", "ann", "--password", "a-new-passphrase"],
    "migrate": ["migrate", "lead_qualification", "--from", "1", "--to", "2"],
    "render --instance": ["render", str(LEAD), "-o", "{tmp}/lead.svg", "--instance", "some-id"],
    "reject": ["reject", "some-id", "--actor", "ann"],
    "review --db": ["review", str(LEAD), "-o", "{tmp}/review.html", "--version", "1"],
    "validate --db": ["validate", str(LEAD)],
    "sandbox list": ["sandbox", "list"],
    "sandbox show": ["sandbox", "show", "meetings"],
    "prices list": ["prices", "list"],
    "prices remove": ["prices", "remove", "llama-3.1-70b"],
    "budgets list": ["budgets", "list"],
    "budgets remove": ["budgets", "remove", "acme"],
}


@pytest.mark.parametrize("command", sorted(READING))
def test_a_missing_database_file_is_named_not_made(command: str, tmp_path: Path,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "dmeo.db"
    args = [a.replace("{tmp}", str(tmp_path)) for a in READING[command]]
    assert main([*args, "--db", f"sqlite:///{typo}"]) == 1
    said = capfd.readouterr().err.strip().splitlines()
    assert said == [f"error: cannot open the database sqlite:///{typo}: there is no such file (a typo? deploy, run, "
                    "worker and db upgrade make a new database)"]
    assert not typo.exists()


def test_deploy_still_makes_a_new_database(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    assert main(["deploy", str(ROOT / "definitions"), "--db", f"sqlite:///{fresh}"]) == 0
    assert fresh.exists()
    assert main(["agents", "--db", f"sqlite:///{fresh}"]) == 0
