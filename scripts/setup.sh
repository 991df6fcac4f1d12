#!/usr/bin/env bash
# Installs what is missing, and only that: Debian's graphviz, Pango, DejaVu fonts, WenQuanYi Micro Hei
# (Chinese, Japanese and Korean text in drawings and review packs) and Noto Color Emoji (emoji in titles), and chromium and poppler-utils (pdftoppm) for the test suite,
# then the virtualenv .venv from the hashed lock file. Safe to run again; a no-op when nothing changed.
#   scripts/setup.sh          the product: requirements/main.lock + graphviz, pango, fonts
#   scripts/setup.sh dev      the test suite: requirements/dev.lock + the above + chromium, poppler-utils
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-main}
[[ $profile == main || $profile == dev ]] || { echo "usage: scripts/setup.sh [main|dev]" >&2; exit 2; }

packages=()
command -v dot >/dev/null 2>&1 || packages+=(graphviz)
for lib in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-wqy-microhei fonts-noto-color-emoji; do
    dpkg -s "$lib" >/dev/null 2>&1 || packages+=("$lib")
done
if [[ $profile == dev ]]; then
    command -v chromium >/dev/null 2>&1 || packages+=(chromium)
    command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler-utils)
fi
if ((${#packages[@]})); then
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    echo "setup: installing Debian packages: ${packages[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

stamp_of() { echo ".venv/.installed-$1-$(cat "requirements/$1.lock" pyproject.toml | sha256sum | cut -c1-16)"; }
lock=requirements/$profile.lock
stamp=$(stamp_of "$profile")
# The dev lock holds everything the main lock does: a current dev install serves the product too.
if [[ $profile == main && -f $(stamp_of dev) ]]; then stamp=$(stamp_of dev); fi
if [[ ! -f $stamp ]]; then
    [[ -x .venv/bin/python ]] || python3 -m venv .venv
    echo "setup: installing Python packages from $lock"
    .venv/bin/python -m pip install -q --require-hashes --no-deps -r "$lock"
    # compat: a plain path in a .pth, which type checkers follow (mypy finds `engine` from an embedding
    # project's own folder); setuptools' default editable finder is an import hook they do not see
    .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e . --config-settings editable_mode=compat
    rm -f .venv/.installed-*
    touch "$stamp"
fi
# The project's own modules as bytecode, as pip compiles what it installs into site-packages: where
# PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile them again in every process it starts (about
# 0.1 s of each `statewright` command on a 2-CPU machine). Up-to-date files are skipped.
.venv/bin/python -m compileall -q -j 0 agents designer engine storage >/dev/null
