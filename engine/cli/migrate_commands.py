"""`statewright migrate WORKFLOW --from N --to M`: preview (the default, `--dry-run`) or move (`--apply`) the
running instances of version N of a workflow to version M, and the failed ones a redrive could resume — moved as
they are, for `redrive` to resume under version M (docs/runtime.md#migrating-running-instances).

Exit codes: 0 every instance listed migrates (or would), or there is none; 1 some are refused (each with its
reason and what would let it move; they are left untouched, running on version N); 2 the command line is
wrong — `--dry-run` and `--apply` both given, an unreadable `--map` file (or a folder) or one naming an old state
twice, a version not deployed, the same version twice, a mapping naming states the versions do not have.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engine.cli.engine_options import CLI_ACTOR, Db, Format, actor_option, open_engine, reporting
from engine.cli.files import read_text_file
from engine.cli.json_options import json_argument
from engine.cli.migration_table import print_migration
from engine.cli.output import ExitCode, OutputFormat, emit_json, fail
from engine.errors import DefinitionNotFound, InvalidInput
from engine.validation.parsing import find_duplicate_keys, parse_json

__all__ = ["register_migrate_commands"]


def _mapping(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    if path.is_dir():
        fail(f'--map {path}: is a folder, not a file; give the JSON file of old state to new state in it, e.g. '
             f'--map {path / "map.json"}', ExitCode.UNREADABLE)
    text = read_text_file(path, "--map", "the JSON file of old state to new state")
    found = json_argument(text, f"--map {path}", indirect=False)  # the file's own text
    if not isinstance(found, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in found.items()):
        fail(f'--map {path}: give a JSON object of old state to new state, e.g. {{"review": "approval"}}',
             ExitCode.UNREADABLE)
    _refuse_duplicate_states(path, text)
    return found


def _refuse_duplicate_states(path: Path, text: str) -> None:
    """An old state named twice would be mapped by its last entry alone: refused, naming the state(s)."""
    twice = sorted({key for _, key in find_duplicate_keys(parse_json(text)[0])})
    if twice:
        quoted = [f"'{key}'" for key in twice]
        names = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
        fail(f"--map {path} names {names} more than once; give each old state one new state",
             ExitCode.UNREADABLE)


def migrate_command(
    workflow_id: Annotated[str, typer.Argument(metavar="WORKFLOW", help="The workflow's id.")],
    *,
    from_version: Annotated[int, typer.Option("--from", min=1, help="The version the instances run now.")],
    to_version: Annotated[int, typer.Option("--to", min=1, help="The version to move them to.")],
    apply: Annotated[bool, typer.Option("--apply", help="Move them.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would happen (the default).")] = False,
    map_file: Annotated[Path | None, typer.Option("--map", help='A JSON file of old state to new state, '
                                                               'e.g. {"review": "approval"}.')] = None,
    allow_final: Annotated[bool, typer.Option(
        "--allow-final", help="Allow moving instances into a final state of --to (it ends them, their open work "
        "undone); refused otherwise.")] = False,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's instances.")] = None,
    actor: Annotated[str, actor_option("Who migrates them, recorded in the history")] = CLI_ACTOR,
    db: Db = None, output: Format = OutputFormat.text,
) -> None:
    """Show what moving the running instances of WORKFLOW from version --from to --to would do (state kept,
    mapped or missing; context valid against the new schema; timers, approvals, event waits and actions carried
    or cancelled; refused, why, and what would let them move), or move them with --apply, one transaction each,
    recorded in their history. Failed (and stuck) instances a redrive could resume move as they are, still
    failed: `statewright redrive ID` then resumes each under --to. Moving an instance into a final state takes
    --allow-final. Exits 0 when all migrate, 1 when some are refused (left untouched on version --from, where they
    run on), 2 for a wrong command line."""
    if apply and dry_run:  # the last of the two won, and a --dry-run meant as a safeguard moved the instances
        fail("give --dry-run or --apply, not both", ExitCode.UNREADABLE)
    mapping = _mapping(map_file)
    with open_engine(db, existing=True) as engine:
        try:
            if apply:
                report = engine.migrate(workflow_id, from_version, to_version, mapping=mapping, tenant=tenant,
                                        actor=actor, allow_final=allow_final)
            else:
                report = engine.migration_preview(workflow_id, from_version, to_version, mapping=mapping,
                                                  tenant=tenant, allow_final=allow_final)
        except (InvalidInput, DefinitionNotFound) as exc:
            fail(exc.detail, ExitCode.UNREADABLE)
    if output is OutputFormat.json:
        emit_json(report.as_dict())
    else:
        print_migration(report)
    if report.refused:
        raise typer.Exit(int(ExitCode.FINDINGS))


def register_migrate_commands(app: typer.Typer) -> None:
    app.command("migrate")(reporting(migrate_command))
