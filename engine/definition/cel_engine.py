"""The CEL engine (PyPI `common-expression-language`), loaded without its interactive shell.

`import cel` runs the package's `__init__`, which imports `cel.cli` — a REPL built on prompt_toolkit that costs
about 0.1 s at every start-up of every command, and that Statewright never uses. This module loads the same
package with its compiled extension and its standard library, and leaves `cel.cli` to be imported by whoever
asks for it by name. The names the engine uses (`compile`, `Program`, `Context`, …) are those of `cel.cel`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

__all__ = ["cel"]


def _load() -> ModuleType:
    if "cel" in sys.modules:  # imported already (by a host application, or the shell): use it as it is
        return sys.modules["cel"]
    spec = importlib.util.find_spec("cel")
    if spec is None or spec.loader is None:  # pragma: no cover - a broken install
        return importlib.import_module("cel")
    package = importlib.util.module_from_spec(spec)  # the package object, its __init__ not run
    sys.modules["cel"] = package
    try:
        extension = importlib.import_module("cel.cel")
        package.stdlib = importlib.import_module("cel.stdlib")  # type: ignore[attr-defined]
    except BaseException:
        del sys.modules["cel"]
        raise
    for name in getattr(extension, "__all__", [n for n in dir(extension) if not n.startswith("_")]):
        setattr(package, name, getattr(extension, name))
    return package


cel = _load()
