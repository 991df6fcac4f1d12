"""A command-line option's JSON (`--payload`, `--context`, a `--map` file's text): given in the option itself, as
`@PATH` or as `-`, and refused in one line, exit 2, when it is not JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from engine.cli.files import read_option_text
from engine.cli.output import ExitCode, fail

__all__ = ["json_argument"]


def json_argument(text: str | None, what: str, *, indirect: bool = True) -> Any:
    """A command-line option's JSON (None when not given); unreadable JSON ends the command with exit 2. With
    `indirect`, `@PATH` reads the JSON from a file and `-` from standard input (no JSON text starts with '@' or
    is '-' alone): a payload larger than one command-line argument may be (128 KiB on Linux) still gets in."""
    if text is None:
        return None
    if indirect and (text == "-" or text.startswith("@")):
        text = read_option_text(text, what)
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except ValueError as exc:
        fail(f"{what} is not valid JSON: {exc}", ExitCode.UNREADABLE)


def _no_constant(name: str) -> Any:
    """Python's `json` reads NaN, Infinity and -Infinity, which JSON does not have (RFC 8259): no payload, context
    or file of a command may hold them (the engine refused the number later, as a different error, exit 1)."""
    raise ValueError(f"{name} is not a number JSON allows (JSON has no NaN or Infinity)")


def _finite(text: str) -> float:
    """A JSON number as a float, refused when too large for one (`1e999` read as Infinity)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text} is too large")
    return value
