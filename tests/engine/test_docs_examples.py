"""docs/definition-format.md stays true: its JSON examples load, its fragments fit their models, its flawed
examples produce exactly the findings it says, and it documents every field, state type, scope name, finding
code and shipped action there is.

Each ```json block is one of:
- unmarked: a complete workflow (it has `states`) or agent; it must load without a single finding;
- `<!-- fragment: Model -->` (or `Model[]` for a list): validated against that model of engine.definition,
  `State` (any state type) or `layout`;
- `<!-- findings: code, code -->`: a complete workflow whose findings' codes are exactly these.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from pydantic import BaseModel, TypeAdapter

import engine.definition as definition
from definitions import ROOT as DEFINITIONS
from engine.definition import STATE_TYPES, Agent, Position, State, TaskState, Workflow
from engine.definition.scope import RESERVED_NAMES
from engine.validation.catalog import Catalog
from engine.validation.loader import load_agent, load_catalog, load_workflow

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "definition-format.md"
TEXT = DOC.read_text(encoding="utf-8")

_BLOCK = re.compile(r"(?:<!--(?P<marker>[^\n]*?)-->\n)?```json\n(?P<body>.*?)\n```", re.S)
_FENCE = re.compile(r"^```json$", re.M)

MODELS: dict[str, Any] = {
    name: model for name in definition.__all__
    if isinstance(model := getattr(definition, name), type) and issubclass(model, BaseModel)
}
MODELS["State"] = State
MODELS["layout"] = dict[str, Position]

# The codes the product brief asks validation to report; the doc must list at least these.
BRIEF_CODES = {
    "invalid-json", "schema", "duplicate-state", "duplicate-key", "unknown-state", "unreachable-state", "dead-end",
    "no-path-to-final", "exit-from-final", "choice-without-default", "ambiguous-transition", "guard-syntax",
    "missing-approval-outcome", "unknown-subflow", "unknown-agent", "unknown-policy", "approval-without-timeout",
    "task-without-error-path", "unknown-variable",
}


@dataclass(frozen=True)
class Block:
    line: int
    marker: str | None
    body: str

    @property
    def document(self) -> Any:
        return json.loads(self.body)

    @property
    def kind(self) -> str:
        return "complete" if self.marker is None else self.marker.split(":", 1)[0].strip()

    @property
    def argument(self) -> str:
        assert self.marker is not None
        return self.marker.split(":", 1)[1].strip()

    def __str__(self) -> str:
        return f"{DOC.name}:{self.line}"


BLOCKS = [
    Block(TEXT.count("\n", 0, m.start("body")), m.group("marker").strip() if m.group("marker") else None,
          m.group("body"))
    for m in _BLOCK.finditer(TEXT)
]
COMPLETE = [b for b in BLOCKS if b.kind == "complete"]
FRAGMENTS = [b for b in BLOCKS if b.kind == "fragment"]
FLAWED = [b for b in BLOCKS if b.kind == "findings"]


def _is_workflow(document: Any) -> bool:
    return isinstance(document, dict) and "states" in document


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The shipped catalog plus every complete workflow and agent on the page (examples may refer to them)."""
    shipped, problems = load_catalog(DEFINITIONS)
    assert problems == {}
    workflows, agents = dict(shipped.workflows), dict(shipped.agents)
    for block in COMPLETE:
        document = block.document
        if _is_workflow(document):
            workflows[document["id"]] = Workflow.model_validate(document)
        else:
            agents[document["id"]] = Agent.model_validate(document)
    return Catalog(workflows=workflows, agents=agents)


def test_every_json_block_is_found_and_classified() -> None:
    assert len(BLOCKS) == len(_FENCE.findall(TEXT)), "a ```json block is not in a shape the test can read"
    assert {b.kind for b in BLOCKS} <= {"complete", "fragment", "findings"}, [str(b) for b in BLOCKS]
    assert len(COMPLETE) >= 3
    assert len(FRAGMENTS) >= 10
    assert len(FLAWED) >= 2


@pytest.mark.parametrize("block", COMPLETE, ids=str)
def test_complete_definition_loads_without_findings(block: Block, catalog: Catalog) -> None:
    document = block.document
    if _is_workflow(document):
        loaded = load_workflow(document, catalog)
        assert loaded.findings == [], [str(f) for f in loaded.findings]
        assert loaded.model is not None
        validator = jsonschema_rs.validator_for(loaded.model.context)
        for example in loaded.model.examples:
            assert validator.is_valid(example.context), example.name
    else:
        agent = load_agent(document)
        assert agent.findings == [], [str(f) for f in agent.findings]
        assert agent.model is not None


@pytest.mark.parametrize("block", FRAGMENTS, ids=str)
def test_fragment_validates_against_its_model(block: Block) -> None:
    name = block.argument
    many = name.endswith("[]")
    model = MODELS.get(name.removesuffix("[]"))
    assert model is not None, f"{block}: unknown model {name!r}; use one of {sorted(MODELS)}"
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    document = block.document
    if many:
        assert isinstance(document, list), f"{block}: a {name} fragment is a JSON array"
        assert document
        for item in document:
            adapter.validate_python(item)
    else:
        adapter.validate_python(document)


@pytest.mark.parametrize("block", FLAWED, ids=str)
def test_flawed_example_produces_exactly_the_findings_named(block: Block, catalog: Catalog) -> None:
    expected = {code.strip() for code in block.argument.split(",")}
    loaded = load_workflow(block.document, catalog)
    assert {f.code for f in loaded.findings} == expected, [str(f) for f in loaded.findings]


def test_a_fragment_of_the_wrong_shape_is_caught() -> None:
    """The fragment check has teeth: a task without its action does not pass as a TaskState."""
    broken = json.loads(next(b.body for b in FRAGMENTS if b.argument == "TaskState"))
    del broken["action"]
    with pytest.raises(ValueError, match="action"):
        TypeAdapter(TaskState).validate_python(broken)


def _documented_models() -> list[type[BaseModel]]:
    return [m for m in MODELS.values() if isinstance(m, type) and issubclass(m, BaseModel)]


@pytest.mark.parametrize("model", _documented_models(), ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[BaseModel]) -> None:
    names = [field.alias or name for name, field in model.model_fields.items()]
    missing = [name for name in names if f"| `{name}` |" not in TEXT]
    assert not missing, f"{model.__name__}: {missing}"


def test_every_state_type_has_a_section() -> None:
    missing = [t for t in STATE_TYPES if f"\n### {t}\n" not in TEXT]
    assert not missing


def test_every_scope_name_is_documented() -> None:
    missing = [name for name in RESERVED_NAMES if f"| `{name}` |" not in TEXT]
    assert not missing


def _emitted_codes() -> set[str]:
    """Every finding code the validator's source can produce."""
    pattern = re.compile(r"""(?:\b(?:error|warning)\(\s*|code=)["']([a-z]+(?:-[a-z]+)*)["']""")
    sources = (REPO / "engine" / "validation").rglob("*.py")
    return {code for path in sources for code in pattern.findall(path.read_text(encoding="utf-8"))}


def test_every_finding_code_is_documented_with_its_severity() -> None:
    codes = _emitted_codes() | BRIEF_CODES
    assert len(codes) >= len(BRIEF_CODES)
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (error|warning) \|", TEXT, re.M))
    missing = sorted(codes - set(rows))
    assert not missing, missing


def test_every_shipped_action_is_in_the_actions_table() -> None:
    catalog, _ = load_catalog(DEFINITIONS)
    table = TEXT[TEXT.index("**Actions.**"):TEXT.index("**Coordination.**")]
    rows = {(action, agent) for action, agent in re.findall(r"^\| `([a-z_]+)` \| ([a-z_]+) \|", table, re.M)}
    used: set[tuple[str, str]] = set()
    for workflow in catalog.workflows.values():
        pending: list[dict[str, Any]] = [dict(workflow.states)]
        while pending:
            for state in pending.pop().values():
                if isinstance(state, definition.TaskState) and state.agent is not None:
                    used.add((state.action, state.agent))
                elif isinstance(state, definition.ParallelState):
                    pending.extend(dict(branch.states) for branch in state.branches)
    assert used, "the shipped flows call actions"
    assert sorted(used - rows) == [], "add the missing actions to the table"
    assert sorted(rows - used) == [], "the table lists actions no shipped flow calls"
