"""Running Graphviz (`dot`, and `neato -n2` to draw over a finished layout): found on PATH, fed DOT on
stdin, bounded by a timeout.

The programs are called directly rather than through the `graphviz` package so that the timeout, the
exact command line and the error wording stay in our hands.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Literal

from engine.errors import InvalidInput, StatewrightError

__all__ = ["DEFAULT_TIMEOUT_S", "Program", "RenderError", "find_program", "run_graphviz"]

DEFAULT_TIMEOUT_S = 30.0
_INSTALL = "install Graphviz: apt-get install graphviz (macOS: brew install graphviz)"

_LONGEST_MESSAGE = 600
# a bitmap (PNG) is at most 32,767 pixels a side: beyond that Graphviz scales the whole drawing down and says so
_SHRUNK = re.compile(r"too large for cairo-renderer bitmaps\. Scaling by ([0-9.]+)")

Program = Literal["dot", "neato"]


class RenderError(StatewrightError):
    """A diagram could not be drawn: Graphviz is missing, failed, or took too long."""

    status = 503
    title = "Diagram rendering failed"


def find_program(program: Program = "dot") -> str:
    """The path of a Graphviz executable, or a RenderError that says how to install it."""
    found = shutil.which(program)
    if found is None:
        raise RenderError(f"the Graphviz '{program}' program was not found on PATH; {_INSTALL}")
    return found


def run_graphviz(
    source: str,
    fmt: str,
    *,
    program: Program = "dot",
    options: tuple[str, ...] = (),
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> bytes:
    """`<program> -T<fmt> <options>` over `source`; its output, or a RenderError naming what went wrong."""
    command = [find_program(program), f"-T{fmt}", *options]
    shown = " ".join([program, f"-T{fmt}", *options])
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program with arguments we built, no shell
            command, input=source.encode("utf-8"), capture_output=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"Graphviz '{shown}' took longer than {timeout_s:g} s and was stopped") from exc
    except OSError as exc:
        raise RenderError(f"Graphviz '{program}' could not be run ({exc.strerror or exc}); {_INSTALL}") from exc
    if done.returncode != 0:
        code = done.returncode
        ended = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        message = done.stderr.decode("utf-8", "replace").strip()[:_LONGEST_MESSAGE] or ended
        raise RenderError(f"Graphviz '{shown}' failed: {message}")
    shrunk = _SHRUNK.search(done.stderr.decode("utf-8", "replace"))
    if shrunk is not None:
        raise InvalidInput(
            f"the drawing is too large for one {fmt.upper()} image: Graphviz would shrink it to "
            f"{float(shrunk.group(1)):.0%} of its size, too small to read; draw it as SVG, or as a PDF split over "
            "pages (--page A4)")
    return done.stdout
