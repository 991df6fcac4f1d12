"""The files a command line names, refused alike in one line, exit 2, whichever option gave them: `eval --cases`
with a file that is not UTF-8 ended in a UnicodeDecodeError traceback, and with a folder said "give one workflow
file" of a cases file; `validate /dev/null` said "no such file or folder" of a device that is there; the other
file options each said it their own way ("[Errno 21] Is a directory: 'adir'", "cannot read the report …: 'utf-8'
codec can't decode …"). Now each says which option, which path, and what is wrong with it: a folder, no such file,
not a regular file, not UTF-8 text. And `publish --payload NaN` (JSON has no NaN) exited 1 where any other payload
that is not JSON exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.cli.app import build_app

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
FLOW: dict[str, Any] = {"id": "flow", "title": "Flow", "initial": "pause",
                        "states": {"pause": {"type": "wait", "duration": "PT1S"}, "ok": {"type": "final"}},
                        "transitions": [{"source": "pause", "trigger": "done", "dest": "ok"}]}


def _cli(*args: str) -> Any:
    return CliRunner().invoke(build_app(args[0]), list(args), env={"COLUMNS": "300"})


@pytest.fixture
def place(tmp_path: Path) -> Path:
    (tmp_path / "flow.json").write_text(json.dumps(FLOW), encoding="utf-8")
    (tmp_path / "cases.jsonl").write_text('{"name": "one", "context": {}}\n', encoding="utf-8")
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "latin1.txt").write_bytes(b'{"name": "caf\xe9"}\n')
    return tmp_path


def test_eval_cases_not_utf8_is_one_line_exit_2_not_a_traceback(place: Path) -> None:
    done = subprocess.run([STATEWRIGHT, "eval", "flow.json", "--cases", "latin1.txt"], capture_output=True,
                          text=True, cwd=place, timeout=120, check=False, env={"COLUMNS": "300", "PATH": ""})
    assert done.returncode == 2, done.stderr
    assert done.stderr == "error: --cases latin1.txt is not UTF-8 text\n"


def test_eval_cases_given_a_folder_speaks_of_a_cases_file(place: Path) -> None:
    done = _cli("eval", str(place / "flow.json"), "--cases", str(place / "a_folder"))
    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    assert said.startswith(f"error: --cases {place / 'a_folder'}: is a folder; give the cases file")
    assert "workflow" not in said


# what each command line names, as a function of the path under test
OPTIONS: dict[str, Callable[[Path, str], list[str]]] = {
    "eval --cases": lambda p, x: ["eval", str(p / "flow.json"), "--cases", x],
    "eval --compare": lambda p, x: ["eval", str(p / "flow.json"), "--cases", str(p / "cases.jsonl"), "--compare", x],
    "analyze --prices": lambda p, x: ["analyze", str(p / "flow.json"), "--paths", "--prices", x],
    "review --previous": lambda p, x: ["review", str(p / "flow.json"), "-o", str(p / "r.html"), "--previous", x],
    "migrate --map": lambda p, x: ["migrate", "flow", "--from", "1", "--to", "1", "--map", x, "--db",
                                   f"sqlite:///{p / 'm.db'}"],
}
WHAT = {"a_folder": "is a folder", "nowhere.json": "no such file",
        "/dev/null": "not a regular file (a device, pipe or socket)", "latin1.txt": "is not UTF-8 text"}


# a definition file that is not UTF-8 is a finding of the definition (exit 1), as for validate: not these two
_DEFINITIONS = ("review --previous", "eval --compare")
CASES = [(option, given) for option in OPTIONS for given in WHAT
         if not (option in _DEFINITIONS and given == "latin1.txt")]


@pytest.mark.parametrize(("option", "given"), CASES)
def test_every_file_option_says_which_option_and_what_is_wrong(place: Path, option: str, given: str) -> None:
    path = given if given.startswith("/") else str(place / given)
    done = _cli(*OPTIONS[option](place, path))
    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    flag = option.split()[1]
    assert said.startswith(f"error: {flag} {path}"), said
    assert WHAT[given] in said
    assert "Errno" not in said
    assert "codec" not in said


@pytest.mark.parametrize(("given", "said"), [
    ("a_folder", "is a folder; give a report saved from `statewright eval --format json`"),
    ("/dev/null", "not a regular file (a device, pipe or socket)"),
    ("latin1.txt", "is not UTF-8 text"),
])
def test_eval_compare_reads_its_reports_as_every_command_reads_a_file(place: Path, given: str, said: str) -> None:
    path = given if given.startswith("/") else str(place / given)
    done = _cli("eval-compare", path, path)
    assert done.exit_code == 2, done.output
    assert " ".join(done.output.split()).startswith((f"error: {path}: {said}", f"error: {path} {said}"))


def test_a_device_is_not_a_regular_file_not_a_missing_one(place: Path) -> None:
    checked = _cli("validate", "/dev/null")
    assert checked.exit_code == 2, checked.output
    assert checked.output.strip() == "? /dev/null: not a regular file (a device, pipe or socket)"
    for command in (["run", "/dev/null"], ["testgen", "/dev/null"], ["analyze", "/dev/null"]):
        done = _cli(*command)
        assert done.exit_code == 2, done.output
        assert " ".join(done.output.split()) == ("error: /dev/null: not a regular file (a device, pipe or socket); "
                                                 "give one workflow file")
    deployed = _cli("deploy", "/dev/null", "--db", f"sqlite:///{place / 'd.db'}")
    assert deployed.exit_code == 2, deployed.output  # not "/dev/null has 1 error(s): The file is empty"
    assert "not a regular file" in deployed.output


def test_an_import_names_its_document_as_the_others_do(place: Path) -> None:
    done = _cli("import", "asl", str(place / "a_folder"), "-o", str(place / "o.json"))
    assert done.exit_code == 2, done.output
    assert " ".join(done.output.split()) == (f"error: {place / 'a_folder'}: is a folder; give one ASL, SCXML or "
                                             "XState document")


@pytest.mark.parametrize(("payload", "said"), [
    ("NaN", "error: --payload is not valid JSON: NaN is not a number JSON allows (JSON has no NaN or Infinity)"),
    ('{"amount": -Infinity}', "error: --payload is not valid JSON: -Infinity is not a number JSON allows (JSON has "
                              "no NaN or Infinity)"),
    ('{"amount": 1e999}', "error: --payload is not valid JSON: the number 1e999 is too large"),
])
def test_publish_refuses_a_payload_json_does_not_have_as_a_wrong_command_line(place: Path, payload: str,
                                                                               said: str) -> None:
    done = _cli("publish", "paid", "--payload", payload, "--db", f"sqlite:///{place / 'bus.db'}")
    assert done.exit_code == 2, done.output
    assert " ".join(done.output.split()) == said
    (place / "nan.json").write_text(payload, encoding="utf-8")
    from_file = _cli("publish", "paid", "--payload", f"@{place / 'nan.json'}", "--db", f"sqlite:///{place / 'b.db'}")
    assert from_file.exit_code == 2, from_file.output


def test_a_payload_file_that_is_a_folder_or_missing_says_so(place: Path) -> None:
    db = f"sqlite:///{place / 'bus.db'}"
    folder = _cli("publish", "paid", "--payload", f"@{place / 'a_folder'}", "--db", db)
    assert folder.exit_code == 2
    assert " ".join(folder.output.split()) == (f"error: --payload @{place / 'a_folder'}: is a folder; give the JSON "
                                               "file to read")
    missing = _cli("publish", "paid", "--payload", f"@{place / 'nowhere.json'}", "--db", db)
    assert missing.exit_code == 2
    assert " ".join(missing.output.split()) == f"error: --payload @{place / 'nowhere.json'}: no such file"
