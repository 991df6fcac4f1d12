"""`statewright run` says each failure as "STATE: failed (KIND): MESSAGE". It printed "refund: error error:
RuntimeError: unexpected bug" — the word error, then the kind `error` — for the commonest kind of all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

STATEWRIGHT = str(Path(sys.executable).with_name("statewright"))
FLOW = {"id": "refund", "title": "Refund", "initial": "pay",
        "states": {"pay": {"type": "task", "action": "pay_refund_here"},
                   "paid": {"type": "final", "outcome": "success"},
                   "failed": {"type": "final", "outcome": "failure"}},
        "transitions": [{"source": "pay", "trigger": "done", "dest": "paid"},
                        {"source": "pay", "trigger": "error", "dest": "failed"}]}
HANDLERS = '''
def register(engine):
    def pay(request):
        raise RuntimeError("unexpected bug")
    engine.register("pay_refund_here", pay)
'''


def test_a_failure_is_said_as_failed_with_its_kind(tmp_path: Path) -> None:
    (tmp_path / "refund.json").write_text(json.dumps(FLOW), encoding="utf-8")
    (tmp_path / "refund_handlers.py").write_text(HANDLERS, encoding="utf-8")
    done = subprocess.run([STATEWRIGHT, "run", "refund.json", "--handlers", "refund_handlers:register",
                           "--db", f"sqlite:///{tmp_path / 'runs.db'}"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, "PYTHONPATH": str(tmp_path), "COLUMNS": "200"})
    assert done.returncode == 1, done.stderr
    assert "pay: failed (error): RuntimeError: unexpected bug" in done.stdout
    assert "error error" not in done.stdout
