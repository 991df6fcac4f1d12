"""`statewright testgen`: write pytest tests that drive a flow along paths covering its transitions."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from engine.cli.definition_commands import load_one_workflow
from engine.cli.files import require_output_file
from engine.cli.output import ExitCode, fail, stdout
from engine.testgen import Coverage, coverage_lines
from engine.testgen.generation import generate_tests

__all__ = ["register_testgen_commands"]


class CoverageChoice(StrEnum):
    transitions = "transitions"
    guards = "guards"
    paths = "paths"


def _table(name: str, coverage: Coverage, tests: int) -> Table:
    table = Table(title=f"{name}: {tests} generated tests ({coverage.mode})")
    table.add_column("measure")
    table.add_column("covered", justify="right")
    table.add_column("of", justify="right")
    table.add_row("transitions", str(coverage.transitions_covered), str(coverage.transitions_total))
    table.add_row("guards true", str(coverage.guards_true), str(coverage.guards_total))
    table.add_row("guards false", str(coverage.guards_false), str(coverage.guards_total))
    inside = len(coverage.inside_covered) + len(coverage.inside_uncovered)
    if inside:  # the moves out of waits inside parallel branches and map items
        table.add_row("waits inside", str(len(coverage.inside_covered)), str(inside))
    return table


def _run_pytest(target: Path) -> int:
    try:
        import pytest  # noqa: PLC0415
    except ImportError:  # pragma: no cover - pytest comes with the dev extra
        fail("--check runs the tests with pytest: install the 'dev' extra", ExitCode.UNREADABLE)
    return int(pytest.main([str(target), "-q", "-p", "no:cacheprovider", "--rootdir", str(target.parent)]))


def generate_tests_command(
    path: Annotated[Path, typer.Argument(help="A workflow file.")],
    out: Annotated[Path | None, typer.Option("-o", "--output", help="The test file (default tests/test_<id>.py).")] = None,  # noqa: E501
    coverage: Annotated[CoverageChoice, typer.Option(help="transitions, guards or paths")] = CoverageChoice.transitions,
    check: Annotated[bool, typer.Option("--check", help="Run the generated tests now; exit 1 if any fails.")] = False,
) -> None:
    """Generate pytest tests along paths that cover every transition (or guard both ways, or every simple path)."""
    if out is not None:  # the default, tests/, is made when missing
        require_output_file(out, "test_flow.py")
    workflow = load_one_workflow(path)
    target = out or Path("tests") / f"test_{workflow.id}.py"
    command = f"statewright testgen {path.as_posix()} --coverage {coverage.value}"
    plans, report = generate_tests(workflow, path, target, coverage.value, command=command)
    stdout.print(f"wrote {len(plans)} tests to {target}", highlight=False)
    for line in coverage_lines(report):
        stdout.print(line, highlight=False)
    if check:
        failed = _run_pytest(target)
        stdout.print(_table(workflow.id, report, len(plans)))
        if failed:
            raise typer.Exit(int(ExitCode.FINDINGS))


def register_testgen_commands(app: typer.Typer) -> None:
    app.command("testgen")(generate_tests_command)
