"""What validation finds in a definition imported from SCXML points into the SCXML the user wrote — the element
or attribute (`/states/review/transition/0/assign/score/@expr`) and its line — and names a transition by the
event the document gives it; it used to point into the definition made from it (`/transitions/0/assign/score`),
which the user never saw. The import's own refusals carry their line too."""

from __future__ import annotations

from engine.interop import import_document

ORDER = """<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" initial="review" datamodel="cel">
  <datamodel><data id="amount"/></datamodel>
  <state id="review">
    <invoke type="urn:statewright:action" src="score_order">
      <param name="total" expr="amount +"/>
    </invoke>
    <transition event="done.invoke.review" target="decide">
      <assign location="score" expr="event.score *"/>
    </transition>
    <transition event="error.execution" target="failed"/>
  </state>
  <state id="decide">
    <transition cond="amount > 1000" target="manual"/>
    <transition target="done"/>
  </state>
  <state id="manual">
    <transition event="approve" target="done"/>
    <transition event="approve" target="failed"/>
  </state>
  <state id="orphan"><transition event="x" target="done"/></state>
  <final id="done"><donedata><param name="ok" expr="((("/></donedata></final>
  <final id="failed"/>
</scxml>"""


def _errors(text: str) -> dict[str, tuple[str, int | None, str]]:
    result = import_document("scxml", text, "order")
    assert not result.ok
    return {f.pointer: (f.code, f.line, f.message) for f in result.findings if f.severity == "error"}


def test_validation_findings_name_the_element_and_its_line() -> None:
    found = _errors(ORDER)
    assert {pointer: (code, line) for pointer, (code, line, _) in found.items()} == {
        "/states/review/invoke/param/total/@expr": ("guard-syntax", 5),
        "/states/review/transition/0/assign/score/@expr": ("guard-syntax", 8),
        "/states/manual/transition/1": ("ambiguous-transition", 18),
        "/states/orphan": ("unreachable-state", 20),
        "/states/done/donedata/param/ok/@expr": ("guard-syntax", 21),
    }


def test_a_transition_is_called_by_the_event_the_document_gives_it() -> None:
    """`done.invoke.review` is read as `done`, and a wait for `approve` moves on by `done`: the words say what
    the document says."""
    found = _errors(ORDER)
    assert "review → decide on 'done.invoke.review'" in found["/states/review/transition/0/assign/score/@expr"][2]
    ambiguous = found["/states/manual/transition/1"][2]
    assert "on 'approve'" in ambiguous
    assert "'done'" not in ambiguous


def test_a_state_in_a_parallel_region_and_a_carried_field_are_found_by_their_id() -> None:
    text = """<scxml xmlns="http://www.w3.org/2005/07/scxml" xmlns:sw="urn:statewright:scxml" version="1.0"
  initial="fan" datamodel="cel">
  <parallel id="fan">
    <state id="left" initial="work">
      <state id="work">
        <invoke type="urn:statewright:action" src="work"/>
        <transition event="done.invoke.work" target="ok"><assign location="n" expr="(("/></transition>
      </state>
      <final id="ok"/>
    </state>
    <transition event="done.state.fan" target="slow"/>
  </parallel>
  <state id="slow" sw:type="task" sw:details='{"action": "slow", "timeout_s": -5}'>
    <transition event="done.invoke.slow" target="end"/>
  </state>
  <final id="end"/>
</scxml>"""
    found = _errors(text)
    assert found["/states/work/transition/0/assign/n/@expr"][:2] == ("guard-syntax", 7), found
    assert found["/states/slow/@sw:details"][1] == 13, found


def test_refusals_carry_the_line_of_their_element() -> None:
    text = ('<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" initial="a">\n'
            '<state id="a">\n  <onentry><log expr="1"/></onentry>\n'
            '  <transition event="go" target="b" cond="x === 1"/>\n</state>\n<final id="b"/>\n</scxml>')
    result = import_document("scxml", text, "refused")
    assert result.workflow is None
    assert sorted((f.pointer, f.line, f.column) for f in result.findings) == [
        ("/states/a/onentry/log", 3, 12), ("/states/a/transition/0/@cond", 4, 3)]
