"""Which files a command works on: paths or folders given on the command line, workflows and agents."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from engine.cli.output import ExitCode, fail
from engine.definition.file_kind import DefinitionKind, definition_kind

__all__ = ["DefinitionFile", "collect_files", "definition_folders", "kind_of", "read_option_text", "read_text_file",
           "require_file", "require_output_file", "require_output_folder", "why_unusable"]

Kind = DefinitionKind


@dataclass(frozen=True)
class DefinitionFile:
    path: Path
    kind: Kind


def kind_of(path: Path) -> Kind:
    """The one rule (engine.definition.file_kind) every command uses."""
    return definition_kind(path)


def definition_folders(path: Path) -> list[Path]:
    """Where a definition file given on its own finds the subflows and agents it names: the folder it is in, an
    `agents/` folder in it, and the `agents/` folder beside it — `definitions/workflows/` and `definitions/agents/`
    for a shipped flow, `nb/flows/` and `nb/agents/` for `nb/flows/flow.json`, `nb/` and `nb/agents/` for
    `nb/flow.json`. The one lookup of every command that reads a flow from a file: `run` and `eval` deploy what
    they find there, `validate`, `analyze`, `render`, `export`, `testgen` and `review` check the flow against it."""
    folder = path.resolve().parent
    return list(dict.fromkeys([folder, folder / "agents", folder.parent / "agents"]))


def collect_files(paths: list[Path]) -> tuple[list[DefinitionFile], list[Path]]:
    """Expand folders into their `*.json` files (recursively, skipping `schema/`); return (files, unusable): the
    paths that are not there and the folders with no definition in them (`why_unusable` says which)."""
    found: list[DefinitionFile] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = [
                DefinitionFile(item, kind_of(item))
                for item in sorted(path.rglob("*.json"))
                if "schema" not in item.relative_to(path).parts[:-1] and item.parent.name != "schema"
            ]
            found += inside
            if not inside:  # a wrong folder checks nothing: it must not pass as a clean one
                missing.append(path)
        elif path.is_file():
            found.append(DefinitionFile(path, kind_of(path)))
        else:
            missing.append(path)
    return found, missing


_NOT_REGULAR = "not a regular file (a device, pipe or socket)"


def why_unusable(path: Path) -> str:
    """What is wrong with a path `collect_files` could not use."""
    if path.is_dir():
        return "no workflow or agent files (*.json) in this folder"
    return _NOT_REGULAR if path.exists() else "no such file or folder"


def require_file(path: Path, option: str | None = None, wanted: str = "one workflow file") -> None:
    """End the command (exit 2) unless `path` is a regular file: a folder, nothing, or a device, pipe or socket
    (`/dev/null`) is a wrong command line. `option` names the option that gave the path (`--cases`; None: an
    argument), `wanted` what to give instead."""
    named = _named(path, option)
    _require_there(path, named, wanted)
    if not path.is_file():
        fail(f"{named}: {_NOT_REGULAR}; give {wanted}", ExitCode.UNREADABLE)


def read_text_file(path: Path, option: str | None, wanted: str) -> str:
    """The UTF-8 text of the file `path` (`require_file`), or the end of the command (exit 2) in one line saying
    why it cannot be read: not UTF-8 text, no permission."""
    require_file(path, option, wanted)
    named = _named(path, option)
    try:
        return _utf8_text(path, named)
    except OSError as exc:
        fail(f"{named} cannot be read: {exc.strerror or exc}", ExitCode.UNREADABLE)


def read_option_text(given: str, option: str) -> str:
    """The text an option's value points at: `-` standard input, `@PATH` the file at PATH (`~` expanded; a pipe
    too, `@/dev/stdin` or `@<(command)`) — or the end of the command (exit 2) in one line naming the option and
    its value as given: a folder, no such file, not UTF-8 text, no permission."""
    if given == "-":
        return sys.stdin.read()
    path, named = Path(given[1:]).expanduser(), f"{option} {given}"
    _require_there(path, named, "the JSON file to read")
    try:
        return _utf8_text(path, named)
    except OSError as exc:
        fail(f"{named}: {exc.strerror or exc}", ExitCode.UNREADABLE)


def _named(path: Path, option: str | None) -> str:
    return f"{option} {path}" if option else str(path)


def _require_there(path: Path, named: str, wanted: str) -> None:
    """End the command (exit 2) when `path` is a folder or nothing at all."""
    if path.is_dir():
        fail(f"{named}: is a folder; give {wanted}", ExitCode.UNREADABLE)
    if not path.exists():
        fail(f"{named}: no such file", ExitCode.UNREADABLE)


def _utf8_text(path: Path, named: str) -> str:
    """The text of `path`, ending the command (exit 2) when it is not UTF-8; an OSError is the caller's to word."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{named} is not UTF-8 text", ExitCode.UNREADABLE)


def require_output_file(out: Path, example: str) -> None:
    """End the command (exit 2) before any work unless `out` can be written as a file: not a folder, in a folder
    that exists — a mistyped `-o` must not make folders (`example`, e.g. 'lead.svg', shows what to give)."""
    if out.is_dir():
        fail(f"-o {out}: is a folder; give the file to write in it, e.g. -o {out / example}", ExitCode.UNREADABLE)
    _require_folder(out.parent, f"-o {out}")


def require_output_folder(out: Path) -> None:
    """End the command (exit 2) unless `out` is a folder, or one that can be made in a folder that exists."""
    if out.exists() and not out.is_dir():
        fail(f"-o {out}: is a file; give a folder to write the files in", ExitCode.UNREADABLE)
    _require_folder(out.parent, f"-o {out}")


def _require_folder(folder: Path, what: str) -> None:
    if not folder.exists():
        fail(f"{what}: the folder {folder} does not exist", ExitCode.UNREADABLE)
    if not folder.is_dir():
        fail(f"{what}: {folder} is a file, not a folder", ExitCode.UNREADABLE)
