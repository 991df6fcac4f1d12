"""Every `statewright …` line in the README's and the docs' shell blocks names a command that exists, with options
that command takes: a user copies them as written. (The README told operators to cancel a stuck instance, and
`send` refused `(cancel)` saying "use cancel", before `statewright cancel` existed.) What they do is tested by
each command's own tests; this keeps the lines from naming commands or options that are not there."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from designer.cli import build_cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"```(?:sh|bash|shell)\n(.*?)```", re.DOTALL)


def _command_lines() -> list[tuple[str, list[str]]]:
    found = []
    for doc in DOCS:
        for block in BLOCK.findall(doc.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():
                words = shlex.split(line, comments=True)
                if "statewright" in words:
                    found.append((f"{doc.name}: {line.strip()[:70]}", words[words.index("statewright") + 1:]))
    return found


LINES = _command_lines()


def _help(words: list[str]) -> str:
    done = CliRunner().invoke(build_cli(words[0]), [*words, "--help"], env={"COLUMNS": "300"})
    assert done.exit_code == 0, f"statewright {' '.join(words)} --help: {done.output}"
    return str(done.output)


def test_the_docs_have_command_lines() -> None:
    assert len(LINES) > 40


@pytest.mark.parametrize("words", [w for _, w in LINES], ids=[name for name, _ in LINES])
def test_each_command_line_names_a_command_and_its_options(words: list[str]) -> None:
    command = [words[0]]
    text = _help(command)
    if "Commands" in text and len(words) > 1:  # a group (db, prices, sandbox, users): its subcommand
        command.append(words[1])
        text = _help(command)
    options = [w.split("=", 1)[0] for w in words if w.startswith("-") and w not in ("-", "--")]
    missing = [o for o in options if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
    assert not missing, f"statewright {' '.join(command)} has no option {missing}"
