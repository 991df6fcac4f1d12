"""Running generated tests in-process: each path is played on the real engine before it is kept.

The planner models the engine; where the model and the engine differ (a value the model could not foresee,
an approval's payload, a policy), the engine is right. A path whose test fails is dropped and reported with
the failure, so every test written passes on the flow as it is now.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

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
    """Each test function of the module at `path` that fails, with the first line of why."""
    module = load_module(path)
    failures: dict[str, str] = {}
    tests: list[tuple[str, Callable[[Path], None]]] = [
        (name, fn) for name, fn in inspect.getmembers(module, inspect.isfunction) if name.startswith("test_")]
    for name, test in tests:
        with tempfile.TemporaryDirectory(prefix="statewright-testgen-") as folder:
            try:
                test(Path(folder))
            except Exception as exc:  # noqa: BLE001 - any failure of a generated test is reported, not raised
                failures[name] = _describe(exc)
    return failures


def _describe(exc: Exception) -> str:
    if isinstance(exc, AssertionError):
        return f"the engine did not follow the modelled path ({str(exc).splitlines()[0] if str(exc) else 'assert'})"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
