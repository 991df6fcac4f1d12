"""A key written twice in one JSON object is an error at its pointer, wherever the object is."""

from __future__ import annotations

from engine.validation.loader import load_workflow

STATES = ('"work": {"type": "task", "action": "a", "action": "b"}, '
          '"done": {"type": "final", "outcome": "success"}, "done": {"type": "final", "outcome": "failure"}')
DOCUMENT = ('{"id": "twice", "title": "T", "initial": "work", "states": {' + STATES + '}, '
            '"transitions": [{"source": "work", "trigger": "done", "dest": "done", "dest": "done"}]}')


def test_each_repeated_key_is_reported_at_its_place_and_nothing_else_is() -> None:
    loaded = load_workflow(DOCUMENT)
    assert loaded.model is None
    repeated = [(f.code, f.pointer) for f in loaded.findings if f.code.startswith("duplicate")]
    assert sorted(repeated) == [
        ("duplicate-key", "/states/work/action"),
        ("duplicate-key", "/transitions/0/dest"),
        ("duplicate-state", "/states/done"),
    ]


def test_a_document_without_repeated_keys_has_no_such_finding() -> None:
    loaded = load_workflow(DOCUMENT.replace('"action": "b"', '"title": "b"').replace(
        ', "done": {"type": "final", "outcome": "failure"}', "").replace(', "dest": "done"}', "}"))
    assert loaded.model is not None, loaded.findings
    assert not [f for f in loaded.findings if f.code.startswith("duplicate")]
