"""Running generated tests in-process: each path is played on the real engine before it is kept.

The planner models the engine; where the model and the engine differ (a value the model could not foresee,
an approval's payload, a policy), the engine is right. A path whose test fails is dropped and reported with
the failure, so every test written passes on the flow as it is now.
"""

from __future__ import annotations

import importlib.util
import inspect
import logging
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["failing_tests", "load_module"]


def load_module(path: Path) -> ModuleType:
    name = f"statewright_generated_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def failing_tests(path: Path) -> dict[str, str]:
    """Each test function of the module at `path` that fails, with the first line of why (and of the first
    warning the engine logged meanwhile: an event it did not deliver, say). Each test's engine is closed after it
    (its threads stopped before its folder goes: a checkpoint thread starting late warned that it could not open
    the database), and what the engine logs while a test plays is kept for the reason, not printed."""
    module = load_module(path)
    opened = _engines_opened_by(module)
    failures: dict[str, str] = {}
    tests: list[tuple[str, Callable[[Path], None]]] = [
        (name, fn) for name, fn in inspect.getmembers(module, inspect.isfunction) if name.startswith("test_")]
    for name, test in tests:
        with tempfile.TemporaryDirectory(prefix="statewright-testgen-") as folder, _kept_logs() as logged:
            try:
                test(Path(folder))
            except Exception as exc:  # noqa: BLE001 - any failure of a generated test is reported, not raised
                failures[name] = _describe(exc, logged)
            finally:
                while opened:
                    opened.pop().close()
    return failures


def _engines_opened_by(module: ModuleType) -> list[Any]:
    """The engines the module's tests open from now on (its `Engine`, wrapped to note each), for closing."""
    opened: list[Any] = []
    engine_class = getattr(module, "Engine", None)
    if engine_class is not None:
        def noted(*args: Any, **kwargs: Any) -> Any:
            opened.append(engine_class(*args, **kwargs))
            return opened[-1]

        setattr(module, "Engine", noted)  # noqa: B010 - a module built at run time: no attribute is declared
    return opened


class _Kept(logging.Handler):
    """The engine's warnings logged by this thread (a test plays its flow in it, `run_until_idle`)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _kept_logs() -> Iterator[list[str]]:
    """What the engine warns of while a generated test plays: kept for the failure's reason. With this handler on
    the engine's logger, Python's last-resort handler no longer prints it on stderr (`statewright testgen` showed
    the engine's internal logs there); logging the process configured itself (a server's) still receives it."""
    logger = logging.getLogger("statewright")
    kept = _Kept()
    logger.addHandler(kept)
    try:
        yield kept.messages
    finally:
        logger.removeHandler(kept)


def _describe(exc: Exception, logged: list[str] | None = None) -> str:
    if isinstance(exc, AssertionError):
        said = f"the engine did not follow the modelled path ({str(exc).splitlines()[0] if str(exc) else 'assert'})"
    else:
        said = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if logged:  # without the instance's id, new on every run: the reason is written in the test module
        said += f"; the engine warned: {_INSTANCE_ID.sub('the instance', logged[0].splitlines()[0])}"
    return said


_INSTANCE_ID = re.compile(r"\b[0-9a-f]{32}\b")
