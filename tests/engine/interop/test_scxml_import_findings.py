"""An SCXML import says everything it cannot map in one pass — each construct at its element or attribute
(`/states/a/transition/0/@cond`) — where it used to stop at the first, so that removing each revealed the next."""

from __future__ import annotations

from engine.interop import import_document

SCXML = '<scxml xmlns="http://www.w3.org/2005/07/scxml" version="1.0" initial="a"{attributes}>{body}</scxml>'


def _refusals(body: str, attributes: str = "") -> list[str]:
    result = import_document("scxml", SCXML.format(body=body, attributes=attributes), "refused")
    assert result.workflow is None
    assert {f.code for f in result.findings} == {"unsupported-construct"}, result.findings
    return sorted(f.pointer for f in result.findings)


def test_every_unsupported_construct_is_reported_at_once_each_at_its_place() -> None:
    body = ('<state id="a"><onentry><log expr="1"/></onentry><history id="h"/><onexit><raise event="q"/></onexit>'
            '<transition event="go" target="b" cond="((("><script>x()</script></transition>'
            '<transition event="go stop" target="b c"/></state>'
            '<state id="c"><state id="inner"/><transition event="go" target="b"/></state>'
            '<final id="b"/><script>boot()</script>')
    assert _refusals(body, ' datamodel="ecmascript"') == [
        "/@datamodel", "/script", "/states/a/history", "/states/a/onentry/log", "/states/a/onexit",
        "/states/a/transition/0/@cond", "/states/a/transition/0/script", "/states/a/transition/1/@event",
        "/states/a/transition/1/@target", "/states/c/state"]


def test_a_data_model_other_than_cel_is_named() -> None:
    """`datamodel="ecmascript"` was never mentioned: its expressions were read as CEL wherever they compiled."""
    body = '<state id="a"><transition event="go" target="b" cond="x &gt; 1"/></state><final id="b"/>'
    assert _refusals(body, ' datamodel="ecmascript"') == ["/@datamodel"]
    for said in ("", ' datamodel="cel"'):
        result = import_document("scxml", SCXML.format(body=body, attributes=said), "kept")
        assert result.ok, result.findings


def test_a_raise_on_entry_still_imports_as_an_automatic_way_on() -> None:
    body = ('<state id="a"><onentry><raise event="x"/></onentry><transition event="x" target="b"/></state>'
            '<final id="b"/>')
    result = import_document("scxml", SCXML.format(body=body, attributes=""), "raised")
    assert result.ok, result.findings
    assert result.workflow is not None
    assert [t.trigger for t in result.workflow.transitions] == [None]
