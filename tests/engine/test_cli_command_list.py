"""`statewright --help` lists each command on a line of its own sentence, not its whole docstring broken where the
source broke it; the command's own `--help` still says everything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from engine.cli.app import reflowed, summary

SCRIPT = Path(sys.executable).parent / "statewright"


def _help(*argv: str) -> str:
    done = subprocess.run([str(SCRIPT), *argv, "--help"], capture_output=True, text=True, timeout=120, check=True,
                          env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"})
    return done.stdout


def _row(listing: str, command: str) -> str:
    """The text of `command`'s row in a command list (its first line and the lines it wraps onto)."""
    lines = listing.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"│ {command} "))
    row = [lines[start].strip("│ ").removeprefix(command)]
    for line in lines[start + 1:]:
        if not line.startswith("│   "):
            break
        row.append(line.strip("│ "))
    return " ".join(" ".join(row).split())


def test_the_command_list_gives_each_command_its_first_sentence() -> None:
    listing = _help()
    assert _row(listing, "validate") == "Validate definitions."
    assert _row(listing, "redrive") == "Resume a failed instance at the state it failed in."
    assert "Exit 0" not in listing
    assert _row(_help("users"), "passwd") == "Set a user's password (ends their sessions)."


def test_a_command_help_keeps_its_whole_text_and_wraps_each_paragraph_to_the_terminal() -> None:
    assert "Exit 0: no errors" in " ".join(_help("validate").split())
    text = _help("run")
    paragraph = text[text.index(" Exits 0"):text.index("╭─ Arguments")].splitlines()
    # wrapped to the 80 columns, not broken where the docstring's source broke it (a short line mid-paragraph)
    assert all(len(line.rstrip()) > 60 for line in paragraph[:-2]), paragraph


def test_a_summary_ends_at_the_first_sentence_outside_brackets_and_drops_a_long_aside() -> None:
    assert summary("List things (a; b). More.") == "List things (a; b)."
    assert summary("Show what\n    moves: the rest.") == "Show what moves."
    aside = "(" + "x" * 70 + ")"
    assert summary(f"Move them {aside}, or not; then.") == "Move them, or not."
    assert summary(None) is None


def test_a_reflowed_help_keeps_paragraphs_and_lists_as_written() -> None:
    assert reflowed("One\n    two.\n\n    Three\n    four.") == "One two.\n\nThree four."
    assert reflowed("Steps:\n\n- one\n- two") == "Steps:\n\n- one\n- two"
