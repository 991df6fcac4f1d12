"""How much of a request a problem response repeats.

A refusal names what it refused, often by quoting it: the validators' messages quote the value that did not fit
("the context does not fit the workflow's schema: /amount: "yyy…" is not of type 'number'"), Litestar's detail
repeats the URL with its query, the unstorable-text check the path. Quoted whole, a 1 MB string sent in a wrongly
typed field came back as a 1 MB problem — the client learns nothing from its own megabyte, and a log or a proxy
holding problem responses holds it again. So a problem's texts are clipped where they echo:

- an unbroken run of more than `ECHO_LIMIT` (200) characters — a value, a URL — keeps its first 200, then
  `…(N characters)`: what it was is still recognisable, and its length says why it did not fit;
- a text still longer than `TEXT_LIMIT` (2,000) characters — a long value with blanks in it, a list of many
  short ones — keeps its first 1,500 and its last 400 around `… (N characters left out) …`: the end of a
  message is what says why (`is not of type 'number'`), so it is kept.

Messages the API writes itself stay well within both (the longest, the approval warnings, take about 500).
A path longer than `PATH_LIMIT` (1,000) characters — five times the longest the API serves — is left out of
the problem's `instance` (a URI reference, which a cut would make point elsewhere).
"""

from __future__ import annotations

import re

__all__ = ["ECHO_LIMIT", "PATH_LIMIT", "TEXT_LIMIT", "clip_echoes"]

ECHO_LIMIT = 200
TEXT_LIMIT = 2_000
PATH_LIMIT = 1_000
_HEAD = 1_500
_TAIL = 400
_LONG_RUN = re.compile(rf"\S{{{ECHO_LIMIT + 1},}}")


def _clip_run(found: re.Match[str]) -> str:
    run = found.group()
    return f"{run[:ECHO_LIMIT]}…({len(run):,} characters)"


def clip_echoes(text: str) -> str:
    """`text` with each echo in it cut down to size (unchanged when it is short: nearly always)."""
    if len(text) <= ECHO_LIMIT:
        return text
    clipped = _LONG_RUN.sub(_clip_run, text)
    if len(clipped) <= TEXT_LIMIT:
        return clipped
    left_out = len(clipped) - _HEAD - _TAIL
    return f"{clipped[:_HEAD]}… ({left_out:,} characters left out) …{clipped[-_TAIL:]}"
