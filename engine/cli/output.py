"""How commands print: rich text for people, `--format json` for scripts, and the exit codes."""

from __future__ import annotations

import json
import sys
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["ExitCode", "OutputFormat", "counted", "emit_json", "fail", "stderr", "stdout"]

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # the input was read and has errors (or the request was refused)
    UNREADABLE = 2  # the input could not be read at all, or the command line is wrong
    WAITING = 3  # `run`: the instance has not ended (it waits for a person, a timer or an event)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def json_argument(text: str | None, what: str, *, indirect: bool = True) -> Any:
    """A command-line option's JSON (None when not given); unreadable JSON ends the command with exit 2. With
    `indirect`, `@PATH` reads the JSON from a file and `-` from standard input (no JSON text starts with '@' or
    is '-' alone): a payload larger than one command-line argument may be (128 KiB on Linux) still gets in."""
    if text is None:
        return None
    if indirect and (text == "-" or text.startswith("@")):
        text = _read_indirect(text, what)
    try:
        return json.loads(text)
    except ValueError as exc:
        fail(f"{what} is not valid JSON: {exc}", ExitCode.UNREADABLE)


def _read_indirect(source: str, what: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source[1:]).expanduser()
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{what} {source}: the file is not UTF-8 text", ExitCode.UNREADABLE)
    except OSError as exc:
        fail(f"{what} {source}: {exc.strerror or exc}", ExitCode.UNREADABLE)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 instance', '20,001 instances': a count for a person to read, with thousands separators (as the
    engine's own messages write sizes and limits) and the noun in the number it takes."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=True, default=str) + "\n")


def fail(message: str, code: ExitCode = ExitCode.FINDINGS) -> NoReturn:
    """Print one clear line to stderr and exit with `code` — never a traceback."""
    stderr.print(f"[bold red]error:[/] {escape(message)}", highlight=False)  # its text as it is: `[redacted]`, `a[0]`
    raise typer.Exit(int(code))
