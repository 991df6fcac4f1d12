"""The LangGraph baseline: the engine's `send_rate` workload (one instance flipping between two states, one
transition per call, each persisted) written as the smallest LangGraph program that does the same, checkpointed
by LangGraph's `SqliteSaver` on a file.

One call of `langgraph_sqlite_transitions` builds a `StateGraph` of one node, `go`, which flips the state
channel between "a" and "b" (the event's payload `{"k": n}` is the graph's input, kept in the state as the
engine keeps it in history), and compiles it with a `SqliteSaver` opened by `SqliteSaver.from_conn_string` on
the file: LangGraph's own setup (WAL; `synchronous` left at SQLite's default, FULL; one commit per checkpoint
written). A first `invoke` on a new thread creates the instance, untimed, as `engine.start` is in `send_rate`;
then `count` invokes on that same thread are timed, one after the other.

Fair to LangGraph: each invoke runs with `durability="exit"`, LangGraph's lightest persistence — the one
checkpoint of the state after the step, written and committed before `invoke` returns, and nothing else. So
one invoke = one graph step = one checkpoint row written = one transition, and the figure is invokes per
second. (LangGraph's default, `durability="async"`, writes three checkpoints and three rows of pending writes
per invoke of this graph: the input, the step that starts it and the step that runs `go`.) After the timed
loop the thread's checkpoints are counted on a connection of their own, and a count other than one per
invoke is an error.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from contextlib import closing
from typing import TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

__all__ = ["langgraph_sqlite_transitions"]


class Ping(TypedDict, total=False):
    state: str
    k: int


def _go(state: Ping) -> Ping:
    """The transition `go`: a → b, b → a."""
    return {"state": "b" if state.get("state") == "a" else "a"}


def langgraph_sqlite_transitions(path: str, count: int) -> float:
    """Transitions per second of `count` invokes, one graph step and one checkpoint each, of a one-node
    `StateGraph` on one thread, checkpointed by `SqliteSaver` on the SQLite file at `path`."""
    thread = uuid.uuid4().hex
    config: RunnableConfig = {"configurable": {"thread_id": thread}}
    with SqliteSaver.from_conn_string(path) as saver:
        builder = StateGraph(Ping)
        builder.add_node("go", _go)
        builder.add_edge(START, "go")
        builder.add_edge("go", END)
        graph = builder.compile(checkpointer=saver)
        graph.invoke({"state": "b", "k": -1}, config, durability="exit")  # the instance, in state "a"
        started = time.perf_counter()
        for n in range(count):
            graph.invoke({"k": n}, config, durability="exit")
        elapsed = time.perf_counter() - started
        final = graph.get_state(config).values
    with closing(sqlite3.connect(path)) as connection:
        (written,) = connection.execute("SELECT count(*) FROM checkpoints WHERE thread_id = ?", (thread,)).fetchone()
    expected_state = "a" if count % 2 == 0 else "b"
    if written != count + 1 or final != {"state": expected_state, "k": count - 1}:
        raise RuntimeError(f"LangGraph wrote {written} checkpoints for {count} + 1 invokes, ending in {final}")
    return count / elapsed
