"""Generate tests from the designer: a published version comes back as a zip of its JSON and a pytest module
that drives it along paths covering every transition; unpacked, the tests pass."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from designer_support import REVIEW_FLOW, Env, assert_problem


@pytest.fixture(scope="module", autouse=True)
def published(env: Env) -> None:
    env.services.engine.register("prepare_offer", lambda request: {"amount": request.input["amount"]})
    draft = env.call("POST", "/api/drafts", "analyst", json={"content": REVIEW_FLOW}).json()
    assert env.call("POST", f"/api/drafts/{draft['id']}/publish", "publisher").status_code == 201


def test_a_version_downloads_as_tests_that_pass(env: Env, tmp_path: Path) -> None:
    response = env.call("GET", "/api/definitions/review_flow/versions/1/tests", "viewer")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/zip")
    assert 'filename="review_flow_v1-tests.zip"' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["review_flow_v1.json", "test_review_flow_v1.py"]
        archive.extractall(tmp_path)
    module = (tmp_path / "test_review_flow_v1.py").read_text()
    assert "def test_" in module
    root = Path(__file__).resolve().parents[2]
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
                         env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert ran.returncode == 0, ran.stdout[-2000:]
    assert " passed" in ran.stdout


def test_an_unknown_version_or_coverage_is_refused(env: Env) -> None:
    assert_problem(env.call("GET", "/api/definitions/review_flow/versions/9/tests", "viewer"), 404)
    assert_problem(env.call("GET", "/api/definitions/review_flow/versions/1/tests?coverage=all", "viewer"), 400)


def test_the_server_generates_two_sets_at_a_time_and_says_when_to_ask_again(env: Env) -> None:
    """Eight viewers' generations at once held every other read of the server for 20 s: two run at a time, and a
    third is told at once to ask again, never queued behind them."""
    from designer.api import generated_tests  # noqa: PLC0415 - its running generations, taken here

    held = [generated_tests._GENERATING.acquire(blocking=False) for _ in range(generated_tests.AT_ONCE)]
    assert all(held)  # as two generations running would
    try:
        busy = env.call("GET", "/api/definitions/review_flow/versions/1/tests", "viewer")
        assert_problem(busy, 429, "tests-busy")
        assert busy.headers["retry-after"] == "5"
        assert "generates tests for 2 requests at a time" in busy.json()["detail"]
    finally:
        for _ in held:
            generated_tests._GENERATING.release()
    assert env.call("GET", "/api/definitions/review_flow/versions/1/tests", "viewer").status_code == 200
