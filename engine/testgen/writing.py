"""Writing the chosen paths as a readable pytest module that drives the real engine on SQLite."""

from __future__ import annotations

import os
import pprint
import re
import textwrap
from pathlib import Path
from typing import Any

from engine.definition import ApprovalState, MapState, SubflowState, WaitState, Workflow
from engine.definition.durations import parse_duration
from engine.testgen.coverage import Coverage
from engine.testgen.inside_drive import InsideDrive, wait_payload
from engine.testgen.inside_failures import FAILURE_KIND
from engine.testgen.planning import Plan, Step
from engine.testgen.stub_data import FlowReads, task_states

__all__ = ["coverage_lines", "test_name", "write_tests"]

_HARNESS = '''
class FlowRun:
    """The flow on a fresh SQLite database with a manual clock; every action answered by a stub."""

    def __init__(self, tmp_path: Path, answers: dict[str, list[Any]]) -> None:
        self.clock = ManualClock()
        self.engine = Engine(f"sqlite:///{tmp_path / 'flow.db'}", clock=self.clock)
        self.answers = {key: list(queue) for key, queue in answers.items()}
        for action in ACTIONS:
            self.engine.register(action, self.answer)
        self.engine.register("testgen_child_answer", self.answer)
        for agent, actions in AGENTS.items():
            self.engine.deploy_agent(stub_agent(agent, actions))
        for child, keys in CHILDREN.items():
            self.engine.deploy(stub_child(child, keys))
        self.engine.deploy(FLOW.read_text())
        self.id = ""

    def answer(self, request: ActionRequest) -> Any:
        key = request.state if request.workflow_id == FLOW_ID else f"child:{request.workflow_id}"
        if request.workflow_id == FLOW_ID and request.instance_id != self.id:
            # a task in a branch or a map item answers from its branch's queue (`outer.pay:charge`), if any
            queue = self.answers.get(f"{self.branch(request.instance_id)}:{key}")
        else:
            queue = self.answers.get(key)
        answer = queue.pop(0) if queue else DEFAULT_ANSWERS.get(key, {})
        if isinstance(answer, Failure):
            raise ActionError(answer.kind, "a failure chosen by the generated test", retryable=False)
        return answer

    def branch(self, instance_id: str) -> str:
        """The branch a child of the flow runs in, as the engine names it, a map item's without its index."""
        return re.sub(r"#\\d+", "", self.engine.get(instance_id).branch)

    def start(self, context: dict[str, Any]) -> None:
        self.id = self.engine.start(FLOW_ID, context).id

    def settle(self) -> None:
        self.engine.run_until_idle()

    def approve(self, roles: list[str], users: list[str], quorum: int) -> None:
        # each approval from someone else: a person who approves again changes nothing, so the named users
        # first, then holders of the roles
        for n in range(quorum):
            actor = users[n] if n < len(users) else f"approver{n + 1}"
            self.engine.approve(self.id, actor=actor, roles=roles)

    def reject(self, roles: list[str], users: list[str]) -> None:
        self.engine.reject(self.id, actor=users[0] if users else "approver1", roles=roles)

    def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def wait_until(self, moment: str) -> None:
        """Move the clock past `moment`, the RFC 3339 time a deadline gave."""
        self.clock.set(max(self.clock.now(), datetime.fromisoformat(moment).timestamp() + 1))

    def wait_inside(self, seconds: float, rounds: int, events: list[tuple[str, str | None, Any, int]] | None = None,
                    until: str | None = None) -> None:
        """Let the waits inside the parallel or map state the flow is in pass: publish each event (type, correlation
        key, payload) as many times over as children wait for it, move the clock `seconds` on (and past `until`,
        a deadline inside) and let the engine catch up — again while the flow stays in the state and something
        still moves (a branch may wait more than once, a map's items run a batch at a time), at most `rounds`
        times."""
        state = self.engine.get(self.id).state
        owed = [count for *_, count in events or []]
        for _ in range(rounds):
            moved = 0
            for n, (event, key, payload, _) in enumerate(events or []):
                if owed[n] > 0:  # a child that does not wait for it yet (a later item) gets it in a later round
                    delivered = len(self.engine.publish(event, payload, correlation_key=key).delivered)
                    owed[n] -= delivered
                    moved += delivered
            moved += self.engine.run_until_idle()
            if self.left(state):
                return
            self.clock.advance(seconds)
            if until is not None:
                self.wait_until(until)
            moved += self.engine.run_until_idle()
            if self.left(state) or not moved:
                return

    def left(self, state: str) -> bool:
        now = self.engine.get(self.id)
        return now.ended or now.state != state

    def moves_inside(self) -> set[tuple[str, str, str]]:
        """(child branch, from state, to state) for every move a parallel branch or map item of the flow made, at
        any depth (a map item's branch named without its index)."""
        found: set[tuple[str, str, str]] = set()
        parents = [self.id]
        while parents:
            for child in self.engine.list_instances(parent_id=parents.pop(), limit=1000):
                parents.append(child.id)
                branch = re.sub(r"#\\d+", "", child.branch)
                found |= {(branch, e.from_state, e.to_state) for e in self.engine.history(child.id) if e.from_state}
        return found

    def send(self, event: str, payload: dict[str, Any]) -> None:
        self.engine.send(self.id, event, payload)

    def publish(self, event: str, payload: dict[str, Any], correlation_key: str | None) -> None:
        self.engine.publish(event, payload, correlation_key=correlation_key)

    def states(self) -> list[str]:
        """The states entered, in order (a failure recorded in place, such as a result that cannot be computed,
        is no move and shows in `status()` instead; a transition back into the same state is one)."""
        return [entry.to_state for entry in self.engine.history(self.id)
                if entry.to_state in STATES and (entry.from_state != entry.to_state or any(
                    guard.get("value") is True and guard.get("dest") == entry.to_state for guard in entry.guards))]

    def status(self) -> str:
        return self.engine.get(self.id).status


@dataclass(frozen=True)
class Failure:
    kind: str


def stub_agent(agent_id: str, actions: list[str]) -> dict[str, Any]:
    """A stand-in for an agent the flow's tasks name: it performs their actions, with no policy (no approval,
    budget or time limit), as the stub handlers answer for it."""
    return {"id": agent_id, "type": "stub", "version": "0.0.1", "name": f"Stub of {agent_id}", "actions": actions}


def stub_child(workflow_id: str, keys: list[str]) -> dict[str, Any]:
    """A stand-in for a subflow: one task whose stub answer is the child's result, or its failure."""
    return {
        "id": workflow_id, "title": f"Stub of {workflow_id}", "initial": "answer",
        "states": {
            "answer": {"type": "task", "action": "testgen_child_answer", "output": "answer"},
            "succeeded": {"type": "final", "outcome": "success", "result": {k: f"answer.{k}" for k in keys}},
            "failed": {"type": "final", "outcome": "failure"},
        },
        "transitions": [
            {"source": "answer", "trigger": "done", "dest": "succeeded"},
            {"source": "answer", "trigger": "error", "dest": "failed"},
        ],
    }
'''


def _literal(value: Any, indent: int) -> str:
    text = pprint.pformat(value, width=110 - indent, sort_dicts=False)
    return textwrap.indent(text, " " * indent).lstrip()


class _Writer:
    def __init__(self, workflow: Workflow, flow_path: Path, out: Path, command: str) -> None:
        self.workflow = workflow
        self.reads = FlowReads(workflow)
        self.flow_path = flow_path
        self.out = out
        self.command = command

    def answers(self, plan: Plan) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for step in plan.steps:
            state = self.workflow.states[step.source]
            key = f"child:{state.workflow}" if isinstance(state, SubflowState) else step.source
            if step.how == "error":
                found.setdefault(key, []).append(_Failure(step.error_kind or "error"))
            elif step.failing is not None:  # failures scoped to the branch the task runs in
                for task in step.failing.tasks:
                    found.setdefault(task.key, []).extend([_Failure(FAILURE_KIND)] * task.count)
            elif step.how == "output" and not _is_parallel(state):
                output = getattr(state, "output", None)
                value = self.reads.complete(output, step.output) if output else (step.output or {})
                found.setdefault(key, []).append(value if value is not None else {})
        return found

    def script(self, plan: Plan) -> list[str]:
        lines = [f"run.start({_literal(plan.context, 14)})"]
        for position, step in enumerate(plan.steps):
            state = self.workflow.states[step.source]
            action = self._action(step, state)
            if step.failing is not None:
                lines.append(_wrap(f"# {step.failing.describe(step.source)}", 4).replace("\n" + " " * 4, "\n    # "))
            if action is None:
                continue
            at_rest_task = not isinstance(state, ApprovalState | WaitState)
            if not (at_rest_task and step.how == "send"):
                lines.append("run.settle()")
            lines.append(action)
            del position
        lines.append("run.settle()")
        return _dedupe_settles(lines)

    def _action(self, step: Step, state: Any) -> str | None:  # noqa: PLR0911
        if step.how in ("approve", "reject"):
            roles, users = list(state.approvers.roles), list(state.approvers.users)
            if step.how == "approve":
                return f"run.approve(roles={roles!r}, users={users!r}, quorum={state.quorum})"
            return f"run.reject(roles={roles!r}, users={users!r})"
        if step.how == "timeout":
            return f"run.wait({parse_duration(state.timeout).total_seconds() + 1:g})  # past {state.timeout}"
        if step.how == "wait" and step.until is not None:
            return f"run.wait_until({step.until!r})  # past the deadline {state.deadline}"
        if step.how == "wait":
            return f"run.wait({parse_duration(state.duration).total_seconds() + 1:g})  # past {state.duration}"
        if step.how == "send":
            return f"run.send({step.trigger!r}, {_literal(step.payload or {}, 8)})"
        if step.how == "publish":
            payload = wait_payload(self.workflow, self.reads, state.output, step.payload) if state.output \
                else step.payload or {}
            return f"run.publish({state.event.type!r}, {_literal(payload, 8)}, {step.correlation_key!r})"
        if step.how in ("output", "inside_error") and step.inside is not None:
            return _inside_action(step.source, step.inside)
        return None

    def children(self, plans: list[Plan]) -> dict[str, list[str]]:
        found: dict[str, set[str]] = {}
        for state in self.workflow.states.values():
            if isinstance(state, SubflowState) or (isinstance(state, MapState) and state.workflow):
                found.setdefault(str(state.workflow), set())
        for plan in plans:
            for key, queue in self.answers(plan).items():
                if key.startswith("child:"):
                    for answer in queue:
                        if isinstance(answer, dict):
                            found[key[6:]].update(answer)
        return {child: sorted(keys) for child, keys in sorted(found.items())}

    def test(self, number: int, plan: Plan, children: dict[str, list[str]]) -> str:
        answers = self.answers(plan)
        for key, queue in answers.items():
            if key.startswith("child:"):
                keys = children[key[6:]]
                answers[key] = [{k: a.get(k) for k in keys} if isinstance(a, dict) else a for a in queue]
        arrows = " → ".join(plan.states())
        name = test_name(number, plan)
        body = [f'"""{_wrap(arrows, 4)} ({plan.outcome})."""',
                f"run = FlowRun(tmp_path, {_literal(answers, 28)})", *self.script(plan),
                f"assert run.states() == {_literal(plan.states(), 27)}",
                *_inside_checks(plan),
                f"assert run.status() == {'succeeded' if plan.outcome == 'success' else 'failed'!r}"]
        return f"def {name}(tmp_path: Path) -> None:\n" + "\n".join("    " + line for line in body) + "\n"

    def module(self, plans: list[Plan], coverage: Coverage) -> str:
        relative = Path(os.path.relpath(self.flow_path.resolve(), self.out.resolve().parent)).as_posix()
        children = self.children(plans)
        defaults = {sid: self.reads.complete(state.output, {}) if state.output else {}
                    for sid, state in task_states(self.workflow).items()}
        actions = sorted({state.action for state in task_states(self.workflow).values()})
        agents: dict[str, list[str]] = {}
        for state in task_states(self.workflow).values():
            if state.agent and state.action not in agents.setdefault(state.agent, []):
                agents[state.agent].append(state.action)
        agents = {agent: sorted(performed) for agent, performed in sorted(agents.items())}
        report = "\n".join(coverage_lines(coverage))
        head = (f'"""Generated by `{self.command}`: paths through {self.workflow.id} that the engine must take.\n\n'
                f"Each test runs the flow on its own SQLite database with stub handlers answering as the path\n"
                f"needs, then checks the states it went through and its outcome. Regenerate after editing the flow.\n\n"
                f"{report}\n"
                '"""\n\nfrom __future__ import annotations\n\nimport re\nfrom dataclasses import dataclass\n'
                "from datetime import datetime\nfrom pathlib import Path\nfrom typing import Any\n\n"
                "from engine import ActionError, ActionRequest, Engine, ManualClock\n\n"
                f"FLOW = Path(__file__).parent / {relative!r}\n"
                f"FLOW_ID = {self.workflow.id!r}\n"
                f"STATES = {_literal(sorted(self.workflow.states), 9)}\n"
                f"ACTIONS = {_literal(actions, 10)}\n"
                f"AGENTS = {_literal(agents, 9)}\n"
                f"CHILDREN = {_literal(children, 11)}\n"
                f"DEFAULT_ANSWERS: dict[str, Any] = {_literal(defaults, 34)}\n")
        tests = [self.test(n, plan, children) for n, plan in enumerate(plans, start=1)]
        return head + "\n" + _HARNESS + "\n\n" + "\n\n".join(tests)


def _inside_action(source: str, inside: InsideDrive) -> str:
    """The call that drives the waits inside the parallel or map state `source`, with what it drives said: on
    the line itself when that stays short, else in a comment above it."""
    call = f"run.wait_inside({inside.seconds:g}, rounds={inside.rounds}"
    if inside.until is not None:
        call += f", until={inside.until!r}"
    if inside.events:
        call += ", events=" + _literal([(e.type, e.key, e.payload, e.count) for e in inside.events],
                                       4 + len(call) + len(", events="))
    call += ")"
    said = f"# past {', '.join(inside.names)} inside {source}"
    if "\n" not in call and len(call) + len(said) + 6 <= 110:
        return f"{call}  {said}"
    return _wrap(said, 4).replace("\n" + " " * 4, "\n    # ") + "\n    " + call


class _Failure:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"Failure({self.kind!r})"


def _inside_checks(plan: Plan) -> list[str]:
    """The check that the children left their waits as the path drove them (events taken, timeouts fired)."""
    moves = sorted({move for step in plan.steps if step.inside is not None for move in step.inside.moves})
    return [f"assert run.moves_inside() >= {_literal(set(moves), 30)}"] if moves else []


def _is_parallel(state: Any) -> bool:
    """A parallel or map state: its children answer for it, with the stubs' default answers."""
    return getattr(state, "type", "") in ("parallel", "map")


def _wrap(text: str, indent: int) -> str:
    return textwrap.fill(text, 110 - indent, subsequent_indent=" " * indent, break_on_hyphens=False)


def _dedupe_settles(lines: list[str]) -> list[str]:
    kept: list[str] = []
    for line in lines:
        if line == "run.settle()" and kept and kept[-1] == line:
            continue
        kept.append(line)
    return kept


def coverage_lines(coverage: Coverage) -> list[str]:
    lines = [f"Coverage ({coverage.mode}): transitions {coverage.transitions_covered}/{coverage.transitions_total}, "
             f"guards true {coverage.guards_true}/{coverage.guards_total}, "
             f"false {coverage.guards_false}/{coverage.guards_total}."]
    inside = len(coverage.inside_covered) + len(coverage.inside_uncovered)
    if inside:
        lines.append(f"Waits inside parallel and map states: transitions {len(coverage.inside_covered)}/{inside} "
                     "driven.")
    lines += [f"Not covered: {u.goal} — {u.reason}." for u in coverage.uncovered]
    lines += [f"Not covered inside: {move} (no kept test checks it)." for move in coverage.inside_uncovered]
    lines += [f"Note: {note}." for note in coverage.notes]
    return lines


def write_tests(workflow: Workflow, flow_path: Path, out: Path, plans: list[Plan], coverage: Coverage,  # noqa: PLR0917
                command: str) -> str:
    """The pytest module's text (the caller writes it to `out`)."""
    text = _Writer(workflow, flow_path, out, command).module(plans, coverage)
    return re.sub(r"[ \t]+\n", "\n", text)


def test_name(number: int, plan: Plan) -> str:
    return f"test_path_{number:02d}_ends_{plan.final}"
