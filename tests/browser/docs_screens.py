"""Screenshots for docs/designer.md, taken by the browser tests that show each screen.

They go to test-artifacts/screenshots/ on every run; with STATEWRIGHT_DOC_SCREENSHOTS=1 they are also written
to docs/img/, which is how the committed ones are made:

    STATEWRIGHT_DOC_SCREENSHOTS=1 CI=true .venv/bin/python -m pytest -q -p no:cacheprovider \\
        tests/browser/test_big_flow_canvas.py tests/browser/test_json_editor.py \\
        tests/browser/test_plain_words_in_the_browser.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from browser_steps import screenshot
from playwright.sync_api import Page

DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"


def save_doc_screenshot(page: Page, name: str) -> Path:
    """Save the page as test-artifacts/screenshots/NAME.png, and as docs/img/NAME.png when asked to."""
    taken = screenshot(page, name)
    if os.environ.get("STATEWRIGHT_DOC_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(taken, DOC_IMAGES / taken.name)
        return DOC_IMAGES / taken.name
    return taken
