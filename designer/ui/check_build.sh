#!/usr/bin/env bash
# Rebuild the designer UI from the lock file and fail when the result differs from designer/static/ —
# the built assets committed so the Python package runs without Node. CI runs this; so can anyone:
#   bash designer/ui/check_build.sh
# To refresh the committed assets after changing the sources: (cd designer/ui && npm ci && npm run build)
# After changing the API: .venv/bin/python -m designer.openapi_document, then the build (it regenerates the types).
set -euo pipefail
cd "$(dirname "$0")"

if grep -Eq '"resolved": *"https?://' package-lock.json; then
    echo "check_build: package-lock.json names registry URLs; regenerate it with omit-lockfile-registry-resolved" >&2
    exit 1
fi

npm ci --no-audit --no-fund --loglevel=error

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The API types are what openapi-typescript makes of the committed OpenAPI document (which
# tests/designer/test_openapi_document.py keeps equal to what the app serves).
npx --no-install openapi-typescript openapi.json --output "$out/openapi.gen.ts" >/dev/null 2>&1
if ! diff "$out/openapi.gen.ts" src/api/openapi.gen.ts >"$out/types.diff"; then
    echo "check_build: src/api/openapi.gen.ts is not what openapi.json generates; regenerate it and rebuild:" >&2
    echo "    .venv/bin/python -m designer.openapi_document && (cd designer/ui && npm run build)" >&2
    head -n 40 "$out/types.diff" >&2
    exit 1
fi
npx --no-install tsc --noEmit -p tsconfig.json
npx --no-install vite build --logLevel warn --outDir "$out/static" --emptyOutDir

if ! diff -r "$out/static" ../static >"$out/diff.txt"; then
    echo "check_build: designer/static/ is not what the sources build; rebuild and commit it:" >&2
    echo "    (cd designer/ui && npm ci && npm run build)" >&2
    head -n 40 "$out/diff.txt" >&2
    exit 1
fi
echo "check_build: designer/static/ matches a fresh build of designer/ui ($(find ../static -type f | wc -l) files)"
