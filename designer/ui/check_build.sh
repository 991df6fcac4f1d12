#!/usr/bin/env bash
# Rebuild the designer UI from the lock file and fail when the result differs from designer/static/ —
# the built assets committed so the Python package runs without Node. CI runs this; so can anyone:
#   bash designer/ui/check_build.sh
# To refresh the committed assets after changing the sources: (cd designer/ui && npm ci && npm run build)
set -euo pipefail
cd "$(dirname "$0")"

if grep -Eq '"resolved": *"https?://' package-lock.json; then
    echo "check_build: package-lock.json names registry URLs; regenerate it with omit-lockfile-registry-resolved" >&2
    exit 1
fi

npm ci --no-audit --no-fund --loglevel=error
npx --no-install tsc --noEmit -p tsconfig.json

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx --no-install vite build --logLevel warn --outDir "$out/static" --emptyOutDir

if ! diff -r "$out/static" ../static >"$out/diff.txt"; then
    echo "check_build: designer/static/ is not what the sources build; rebuild and commit it:" >&2
    echo "    (cd designer/ui && npm ci && npm run build)" >&2
    head -n 40 "$out/diff.txt" >&2
    exit 1
fi
echo "check_build: designer/static/ matches a fresh build of designer/ui ($(find ../static -type f | wc -l) files)"
