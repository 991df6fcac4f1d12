"""The README's Python examples run as written (in a scratch folder), so they never rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
DOCS = ("README.md", "docs/runtime.md", "docs/definition-format.md", "docs/embedding.md")
EXAMPLES = [(doc, index, code) for doc in DOCS
            for index, code in enumerate(BLOCK.findall((ROOT / doc).read_text(encoding="utf-8")))]
READS_THE_REPOSITORY = {"docs/definition-format.md"}  # run where its relative paths lead (it only reads them)


def test_the_readme_has_an_embedding_example() -> None:
    assert any(doc == "README.md" and "Engine(" in code for doc, _, code in EXAMPLES)


@pytest.mark.parametrize(("doc", "index", "code"), EXAMPLES, ids=[f"{d}#{i}" for d, i, _ in EXAMPLES])
def test_python_example_runs_and_runs_again(doc: str, index: int, code: str, tmp_path: Path) -> None:
    """Twice in the same folder, as a reader trying it does: the second run finds the first one's database (the
    README's start gave back the finished instance for its idempotency key, and an assertion failed)."""
    for run in ("first", "second"):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT if doc in READS_THE_REPOSITORY else tmp_path,
                              capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, f"{doc} example {index} failed on its {run} run:\n{done.stderr}"


def test_the_embedding_example_type_checks_from_a_project_outside_the_repo(tmp_path: Path) -> None:
    """An application embedding the engine checks its calls with mypy: the packages ship `py.typed`, and the
    dev install (scripts/setup.sh) is a plain path a type checker follows, not an import hook it cannot see."""
    code = next(code for doc, _, code in EXAMPLES if doc == "README.md" and "Engine(" in code)
    (tmp_path / "app.py").write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental",
                           "app.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
