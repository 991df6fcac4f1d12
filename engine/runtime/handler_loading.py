"""Loading the action handlers: an embedding application's `module:function`, or a named executor.

The function receives the `Engine` itself — not just its registry — so handlers can use the engine's database,
clock and public API (publish, history, budgets) exactly as an embedding application does.

An executor is a name for a shipped way of performing agents' actions: `rules` (the offline handlers, the
default) or `llm` (an OpenAI-compatible chat-completions model, configured by STATEWRIGHT_LLM_URL,
STATEWRIGHT_LLM_MODEL and STATEWRIGHT_LLM_API_KEY). The engine knows the executors' names only: what each
loads (a `module:function` string of the agent system) is provided by the composition root — the `statewright`
console script — through `provide_executors`, so the engine never imports the agent system.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput

__all__ = [
    "DEFAULT_EXECUTOR",
    "EXECUTORS",
    "EXECUTOR_VARIABLE",
    "Executor",
    "HandlerChoice",
    "UnloadableHandlers",
    "choose_handlers",
    "default_handlers",
    "load_chosen_handlers",
    "load_handlers",
    "provide_executors",
]

EXECUTOR_VARIABLE = "STATEWRIGHT_EXECUTOR"


class Executor(StrEnum):
    rules = "rules"
    llm = "llm"


DEFAULT_EXECUTOR = Executor.rules
EXECUTORS: dict[Executor, str] = {}  # what each executor loads, as provided by the composition root


class UnloadableHandlers(InvalidInput):
    """Your own handlers (`--handlers module:function`, not an executor's) could not be loaded: the module is
    missing or fails on import, or the function is not there or fails. The command line names them, so a CLI
    treats this as a wrong command line (exit 2); the original exception is the `__cause__`."""


def provide_executors(specs: Mapping[str, str]) -> None:
    """Say what each executor loads (`module:function`); called once by the console script at start-up."""
    EXECUTORS.update({Executor(name): spec for name, spec in specs.items()})


def default_handlers() -> str:
    """What the default executor loads; `no.executor:register` (which loads nothing) when none was provided."""
    return EXECUTORS.get(DEFAULT_EXECUTOR, "statewright_no_executor:register")


def _spec_of(executor: Executor) -> str:
    spec = EXECUTORS.get(executor)
    if spec is None:
        raise InvalidInput(f"the executor '{executor.value}' is not available in this program")
    return spec


@dataclass(frozen=True, slots=True)
class HandlerChoice:
    """What to load: `spec` (module:function), whether it must exist, and the executor it stands for."""

    spec: str
    required: bool
    executor: Executor | None = None


def choose_handlers(handlers: str | None = None, executor: str | None = None,
                    env: Mapping[str, str] | None = None) -> HandlerChoice:
    """`handlers` as given, else the executor's handlers: `executor`, else $STATEWRIGHT_EXECUTOR, else `rules`.
    Only the default (nothing chosen) may be absent without an error."""
    if handlers is not None and executor is not None:
        raise InvalidInput("give --handlers or --executor, not both")
    if handlers is not None:
        return HandlerChoice(handlers, required=True)
    name = executor or (os.environ if env is None else env).get(EXECUTOR_VARIABLE) or None
    if name is None:
        return HandlerChoice(default_handlers(), required=False, executor=DEFAULT_EXECUTOR)
    try:
        chosen = Executor(name.strip().lower())
    except ValueError:
        source = "--executor" if executor else f"${EXECUTOR_VARIABLE}"
        raise InvalidInput(f"unknown executor '{name}' ({source}); choose one of: "
                           f"{', '.join(e.value for e in Executor)}") from None
    return HandlerChoice(_spec_of(chosen), required=True, executor=chosen)


def load_chosen_handlers(choice: HandlerChoice, engine: Any) -> str | None:
    """Import the chosen `module` and call `function(engine)`. When the module does not exist and the choice is
    not `required`, return why (and register nothing). Any other failure — the module missing or failing as it
    is imported, the function missing, or the function raising — raises `InvalidInput` in one line that names the
    spec and the exception (`UnloadableHandlers` for your own handlers); a `ValueError` from an executor's function
    (its configuration is wrong: llm without STATEWRIGHT_LLM_URL) is said in its own words."""
    found = _find(choice.spec, required=choice.required, yours=choice.executor is None)
    if isinstance(found, str):
        return found
    try:
        found(engine)
    except ValueError as exc:
        if choice.executor is not None:  # the executor's own message names what to set
            raise InvalidInput(str(exc)) from exc
        raise UnloadableHandlers(f"cannot load the handlers '{choice.spec}': {exc}") from exc
    except (Exception, SystemExit) as exc:  # any other failure of theirs: one line, not a traceback
        function = choice.spec.partition(":")[2] or "register"
        error = _refusal(choice, f"{function}(engine) raised {_said(exc)}")
        raise error from exc
    return None


def load_handlers(spec: str, engine: Any, *, required: bool = True) -> str | None:
    """`load_chosen_handlers` for an embedding application's `module:function`."""
    return load_chosen_handlers(HandlerChoice(spec, required=required), engine)


def _find(spec: str, *, required: bool, yours: bool) -> Callable[[Any], object] | str:
    """The function `spec` names, or (when not `required`) why there is none. Your own module (`yours`: given
    as --handlers, not an executor's) is looked for in the current folder too."""
    module_name, _, function_name = spec.partition(":")
    if not module_name:
        raise InvalidInput(f"'{spec}' is not 'module:function'")
    refused = UnloadableHandlers if yours else InvalidInput
    try:
        with _current_folder_importable() if yours else nullcontext():
            module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or module_name
        itself = module_name == missing or module_name.startswith(f"{missing}.")  # not a module it imports
        if not required and itself:
            return f"no handlers loaded: the module '{module_name}' does not exist"
        where = (" (the module must be importable: a file or package in the current folder, or on PYTHONPATH)"
                 if itself else "")
        raise refused(f"cannot load the handlers '{spec}': no module named '{missing}'{where}") from exc
    except (Exception, SystemExit) as exc:  # the module fails as it is imported: a syntax error, its own raise
        raise refused(f"cannot load the handlers '{spec}': importing '{module_name}' raised {_said(exc)}") from exc
    function = getattr(module, function_name or "register", None)
    if not callable(function):
        if not required:
            return f"no handlers loaded: '{module_name}' has no function '{function_name or 'register'}'"
        raise refused(f"cannot load the handlers '{spec}': '{function_name or 'register'}' is not a function")
    return function  # type: ignore[no-any-return]


def _refusal(choice: HandlerChoice, why: str) -> InvalidInput:
    """The error for handlers that failed as they were loaded: yours (`UnloadableHandlers`) or an executor's."""
    if choice.executor is None:
        return UnloadableHandlers(f"cannot load the handlers '{choice.spec}': {why}")
    return InvalidInput(f"cannot load the handlers of the executor '{choice.executor.value}' ({choice.spec}): {why}")


def _said(exc: BaseException) -> str:
    """An exception in one line — its type, its message, and where in the user's code it was raised (the last
    frame outside the import machinery and this module) — for the one line a command prints instead of a
    traceback."""
    if isinstance(exc, SystemExit):
        return f"SystemExit (it called sys.exit({exc.code!r}))"
    message = " ".join(str(exc).split())
    said = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    if isinstance(exc, SyntaxError):  # its message says where: '(handlers.py, line 3)'
        return said
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename != __file__ and not f.filename.startswith("<frozen")]
    return f"{said} ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else said


@contextmanager
def _current_folder_importable() -> Iterator[None]:
    """The current folder importable for the handlers' module — as `python -m` and pytest have it, so that
    `--handlers myhandlers:register` finds `./myhandlers.py` from a console script too. It goes last on `sys.path`
    and stays there: a module the handlers import later (inside a function) is found as well, and nothing in the
    folder can shadow an installed package (an `agents/` folder of the user's, say, never hides the shipped
    executors)."""
    folder = str(Path.cwd())
    if folder not in sys.path and "" not in sys.path:  # not importable yet (as under `python -m`, `python -c`)
        sys.path.append(folder)
        importlib.invalidate_caches()  # a file written since the last import is seen
    yield
