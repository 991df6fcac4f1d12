"""Titles and state names in Chinese, Japanese or Korean, and emoji, are drawn, not shown as empty boxes: the setup
(`scripts/setup.sh`) installs a font that has their glyphs, and Graphviz's renderer finds it."""

from __future__ import annotations

import shutil
import subprocess

import pytest


@pytest.mark.parametrize("language", ["zh-cn", "ja", "ko"])
def test_a_font_for_cjk_text_is_installed(language: str) -> None:
    fc_list = shutil.which("fc-list")
    assert fc_list is not None, "fontconfig's fc-list is missing: run scripts/setup.sh"
    found = subprocess.run([fc_list, f":lang={language}", "family"], capture_output=True, text=True, check=True)
    assert found.stdout.strip(), f"no font covers '{language}': run scripts/setup.sh (fonts-wqy-microhei)"


def test_a_font_for_emoji_in_titles_is_installed() -> None:
    """An emoji in a title (🛂, U+1F6C2) printed as an empty box in the review pack and the designer."""
    fc_list = shutil.which("fc-list")
    assert fc_list is not None, "fontconfig's fc-list is missing: run scripts/setup.sh"
    found = subprocess.run([fc_list, ":charset=1f6c2", "family"], capture_output=True, text=True, check=True)
    assert found.stdout.strip(), "no font has emoji: run scripts/setup.sh (fonts-noto-color-emoji)"
