"""When Graphviz is missing, fails, crashes or hangs, the caller gets a RenderError that says what to do."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from render_support import sample

from engine.definition import Workflow
from engine.errors import InvalidInput, StatewrightError
from engine.render import DotOptions, RenderError, compute_layout, render


def fake_dot(folder: Path, script: str) -> None:
    """A `dot` on PATH that behaves as `script` says, and nothing else there."""
    program = folder / "dot"
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    program.chmod(0o755)


def test_a_missing_graphviz_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError) as caught:
        render(sample(), "svg")
    assert isinstance(caught.value, StatewrightError)
    assert caught.value.status == 503
    assert "'dot' program was not found" in caught.value.detail
    assert "apt-get install graphviz" in caught.value.detail
    with pytest.raises(RenderError, match="apt-get install graphviz"):
        compute_layout(sample())


def test_text_formats_need_no_graphviz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert render(sample(), "dot").startswith(b"digraph workflow {")
    assert render(sample(), "mermaid").startswith(b"stateDiagram-v2\n")


def test_a_failing_dot_reports_its_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(tmp_path, 'echo "Error: <stdin>: syntax error in line 3" >&2; exit 1')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError, match=r"'dot -Tpng' failed: Error: <stdin>: syntax error in line 3"):
        render(sample(), "png")


def test_a_crashing_dot_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(tmp_path, "kill -SEGV $$")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError, match="killed by signal 11"):
        render(sample(), "pdf")


def test_a_hanging_dot_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(tmp_path, f"exec {shutil.which('sleep')} 30")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError, match=r"took longer than 0\.5 s and was stopped"):
        render(sample(), "svg", timeout_s=0.5)


def test_an_unknown_format_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="choose one of svg, png, pdf, dot, mermaid"):
        render(sample(), "gif")  # type: ignore[arg-type]


def _long_chain(length: int) -> Workflow:
    """`length` tasks one after another: drawn top to bottom, taller than a PNG's 32,767 pixels."""
    ids = [f"step_{n:03d}" for n in range(length)]
    following = [*ids[1:], "finished"]
    return Workflow.model_validate({
        "id": "long_chain", "title": "Long chain", "initial": ids[0],
        "states": {**{sid: {"type": "task", "action": "work"} for sid in ids}, "finished": {"type": "final"}},
        "transitions": [{"source": a, "trigger": "done", "dest": b} for a, b in zip(ids, following, strict=True)],
    })


def test_a_png_too_large_to_read_is_refused_with_what_to_draw_instead(tmp_path: Path) -> None:
    """Graphviz shrinks a bitmap taller than 32,767 pixels to fit, to a quarter here: its text would be two
    pixels high. It used to be written as if drawn; now it is refused, naming SVG and paged PDF."""
    with pytest.raises(InvalidInput) as caught:
        render(_long_chain(450), "png", options=DotOptions(direction="TB"))
    assert "too large for one PNG image" in caught.value.detail
    assert "--page A4" in caught.value.detail
    assert render(_long_chain(450), "svg", options=DotOptions(direction="TB")).startswith(b"<?xml")
    flow = tmp_path / "long_chain.json"
    flow.write_text(_long_chain(450).model_dump_json(exclude_none=True), encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).with_name("statewright")), "render", str(flow), "-o",
                           str(tmp_path / "long.png"), "--direction", "TB"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "too large for one PNG image" in done.stderr
    assert not (tmp_path / "long.png").exists()
