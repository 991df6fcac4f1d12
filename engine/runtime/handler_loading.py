"""Loading an embedding application's handlers: `module:function`, the function given the engine.

The function receives the `Engine` itself — not just its registry — so handlers can use the engine's database,
clock and public API (publish, history, budgets) exactly as an embedding application does."""

from __future__ import annotations

import importlib
from typing import Any

from engine.errors import InvalidInput

__all__ = ["DEFAULT_HANDLERS", "load_handlers"]

DEFAULT_HANDLERS = "definitions.handlers:register"


def load_handlers(spec: str, engine: Any, *, required: bool = True) -> str | None:
    """Import `module` and call `function(engine)`. When the module does not exist and `required` is
    False, return why (and register nothing); any other failure raises `InvalidInput`."""
    module_name, _, function_name = spec.partition(":")
    if not module_name:
        raise InvalidInput(f"'{spec}' is not 'module:function'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or module_name
        if not required and module_name.startswith(missing):
            return f"no handlers loaded: the module '{module_name}' does not exist"
        raise InvalidInput(f"cannot load the handlers '{spec}': no module named '{missing}'") from exc
    function = getattr(module, function_name or "register", None)
    if not callable(function):
        if not required:
            return f"no handlers loaded: '{module_name}' has no function '{function_name or 'register'}'"
        raise InvalidInput(f"cannot load the handlers '{spec}': '{function_name or 'register'}' is not a function")
    function(engine)
    return None
