"""Pausing Python's cycle collector while a large definition is built or laid out.

Loading a 10,000-state workflow makes millions of objects that stay alive (the parsed document, the models,
the checks' graphs), and each full pass of the collector walks them all again: a quarter of validation's CPU
and a third of the layout's Python part at that size. None of these objects is garbage while the work runs, so
the collector is paused for it and resumed after (cycles made meanwhile are collected then). The pause is
process-wide; another thread's garbage simply waits for the resume, and a collector the caller had turned
off stays off."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
