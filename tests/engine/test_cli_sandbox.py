"""`statewright sandbox list|show`: after a shipped flow ran into a database through the console script, the
contact it created, the meeting it booked and the email it recorded are listed — in text and in JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agents.tools.sandbox.queries import SANDBOX_COLLECTIONS
from definitions import WORKFLOWS_DIR

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
LEAD = json.loads((WORKFLOWS_DIR / "lead_qualification.json").read_text(encoding="utf-8"))
VP = next(e["context"] for e in LEAD["examples"] if e["name"] == "vp_at_acme_books_meeting")


def _statewright(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    env.pop("STATEWRIGHT_EXECUTOR", None)
    return subprocess.run([STATEWRIGHT, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300,
                          check=False)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, Any]]:
    """A database in which the lead flow's `vp_at_acme_books_meeting` example ran (through the CLI)."""
    folder = tmp_path_factory.mktemp("sandbox")
    url = f"sqlite:///{folder / 'flows.db'}"
    done = _statewright(folder, "run", str(WORKFLOWS_DIR / "lead_qualification.json"),
                        "--example", "vp_at_acme_books_meeting", "--db", url, "--format", "json")
    assert done.returncode == 0, done.stderr
    return folder, url, json.loads(done.stdout)


def _show(ran: tuple[Path, str, dict[str, Any]], collection: str, *extra: str) -> dict[str, Any]:
    folder, url, _ = ran
    done = _statewright(folder, "sandbox", "show", collection, "--db", url, "--format", "json", *extra)
    assert done.returncode == 0, done.stderr
    listed: dict[str, Any] = json.loads(done.stdout)
    return listed


def test_list_counts_every_collection_and_the_rows_the_flow_made(ran: tuple[Path, str, dict[str, Any]]) -> None:
    folder, url, _ = ran
    done = _statewright(folder, "sandbox", "list", "--db", url, "--format", "json")
    assert done.returncode == 0, done.stderr
    counts = {c["name"]: c["count"] for c in json.loads(done.stdout)}
    assert list(counts) == list(SANDBOX_COLLECTIONS)
    assert counts["meetings"] == 1
    assert counts["emails"] == 1
    assert counts["contacts"] >= 1
    text = _statewright(folder, "sandbox", "list", "--db", url)
    assert text.returncode == 0, text.stderr
    meetings_line = next(line for line in text.stdout.splitlines() if " meetings " in line)
    assert " 1 " in meetings_line
    assert "Calendar events" in meetings_line


def test_the_contact_the_flow_created_is_listed(ran: tuple[Path, str, dict[str, Any]]) -> None:
    listed = _show(ran, "contacts")
    [contact] = [c for c in listed["items"] if c["email"] == VP["email"]]
    assert contact["name"] == VP["name"]
    assert contact["company"] == VP["company"]
    assert contact["status"] == "qualified"
    assert contact["score"] == ran[2]["instance"]["result"]["score"] == 100
    assert contact["id"] == ran[2]["instance"]["result"]["contact_id"]
    assert contact["created_at"].endswith("Z")
    assert listed["total"] >= 1
    assert listed["collection"] == "contacts"


def test_the_meeting_and_the_email_the_flow_made_are_listed(ran: tuple[Path, str, dict[str, Any]]) -> None:
    [meeting] = _show(ran, "meetings")["items"]
    assert meeting["id"] == ran[2]["instance"]["result"]["meeting_id"]
    assert meeting["attendee_email"] == VP["email"]
    assert VP["email"] in meeting["attendees"]
    assert meeting["kind"] == "discovery"
    assert VP["company"] in meeting["title"]
    [email] = _show(ran, "emails")["items"]
    assert email["recipient"] == VP["email"]
    assert email["tag"] == "meeting_invite"
    assert meeting["starts_at"][:10] in email["subject"]


def test_text_output_is_a_table_of_the_rows(ran: tuple[Path, str, dict[str, Any]]) -> None:
    folder, url, run = ran
    done = _statewright(folder, "sandbox", "show", "meetings", "--db", url)
    assert done.returncode == 0, done.stderr
    assert "Calendar events (meetings) (1-1 of 1)" in done.stdout
    row = next(line for line in done.stdout.splitlines() if run["instance"]["result"]["meeting_id"] in line)
    assert VP["email"] in row
    assert "discovery" in row


def test_limit_and_offset_page_newest_first(ran: tuple[Path, str, dict[str, Any]]) -> None:
    everything = _show(ran, "companies")["items"]
    assert len(everything) >= 2
    first = _show(ran, "companies", "--limit", "1")
    second = _show(ran, "companies", "--limit", "1", "--offset", "1")
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [c["id"] for c in everything[:2]]
    assert first["total"] == second["total"] == len(everything)
    times = [c["updated_at"] for c in everything]
    assert times == sorted(times, reverse=True)


def test_an_unknown_collection_is_one_line_naming_the_valid_ones(ran: tuple[Path, str, dict[str, Any]]) -> None:
    folder, url, _ = ran
    done = _statewright(folder, "sandbox", "show", "meeting", "--db", url)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == (f"error: no sandbox collection 'meeting'; choose one of: "
                                   f"{', '.join(SANDBOX_COLLECTIONS)}")


def test_an_unreadable_database_is_one_clear_line(tmp_path: Path) -> None:
    done = _statewright(tmp_path, "sandbox", "list", "--db", "mysql://nowhere/db")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: unsupported database 'mysql'")


def _run_example(folder: Path, url: str) -> subprocess.CompletedProcess[str]:
    return _statewright(folder, "run", str(WORKFLOWS_DIR / "lead_qualification.json"),
                        "--example", "vp_at_acme_books_meeting", "--db", url)


def test_the_readme_example_run_twice_says_the_sandbox_held_earlier_data_and_reset_lets_it_run_again(
        tmp_path: Path) -> None:
    """The README's own `run … --example vp_at_acme_books_meeting` failed the second time ("expects the state
    'qualified', the run reached 'duplicate'"): the sandbox CRM kept the contact the first run created. The flow
    is right to find the duplicate; the user is told why, and `sandbox reset` gives the example a fresh sandbox."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert _run_example(tmp_path, url).returncode == 0
    again = _run_example(tmp_path, url)
    assert again.returncode == 1
    said = again.stderr.strip()
    assert said.startswith("error: the example 'vp_at_acme_books_meeting' expects the state 'qualified', the run "
                           "reached 'duplicate'; the sandbox already held data from earlier runs (")
    assert "contacts 1" in said
    assert said.endswith(f"examples expect a fresh sandbox: `statewright sandbox reset --db {url}`, or a new --db")

    refused = _statewright(tmp_path, "sandbox", "reset", "--db", url)  # not a terminal: nothing asked, nothing done
    assert refused.returncode == 2
    assert "give --yes" in refused.stderr
    reset = _statewright(tmp_path, "sandbox", "reset", "--db", url, "--yes")
    assert reset.returncode == 0, reset.stderr
    assert f"emptied the sandbox of {url}: " in reset.stdout
    assert re.search(r"\(contacts \d+, companies \d+, ", reset.stdout)  # as many as each held, as listed
    listed = _statewright(tmp_path, "sandbox", "list", "--db", url, "--format", "json")
    assert {c["name"]: c["count"] for c in json.loads(listed.stdout)} == dict.fromkeys(SANDBOX_COLLECTIONS, 0)
    assert _run_example(tmp_path, url).returncode == 0


def test_a_missed_example_on_a_fresh_sandbox_says_nothing_of_earlier_runs(tmp_path: Path) -> None:
    lead = json.loads((WORKFLOWS_DIR / "lead_qualification.json").read_text(encoding="utf-8"))
    for example in lead["examples"]:
        if example["name"] == "vp_at_acme_books_meeting":
            example["expect_state"] = "duplicate"
    (tmp_path / "workflows").mkdir()
    (tmp_path / "agents").symlink_to(WORKFLOWS_DIR.parent / "agents")  # the agents its tasks name, beside it
    flow = tmp_path / "workflows" / "lead_qualification.json"
    flow.write_text(json.dumps(lead), encoding="utf-8")
    done = _statewright(tmp_path, "run", str(flow), "--example", "vp_at_acme_books_meeting",
                        "--db", f"sqlite:///{tmp_path / 'fresh.db'}")
    assert done.returncode == 1
    assert done.stderr.strip() == ("error: the example 'vp_at_acme_books_meeting' expects the state 'duplicate', "
                                   "the run reached 'qualified'")
