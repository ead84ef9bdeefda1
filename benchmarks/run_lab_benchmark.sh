#!/usr/bin/env bash
# Start-up cost of the extension, click-to-result latency of a check, bundle size
# (see lab_benchmark.mjs). Needs .venv from `bash .ci/test` and Debian's chromium.
#   bash benchmarks/run_lab_benchmark.sh [--clicks 25] [--loads 7]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo/.venv/bin:$PATH" JUPYTER_PREFER_ENV_PATH=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
command -v chromium >/dev/null || { echo "install Debian's chromium: apt-get install chromium" >&2; exit 1; }
cd "$repo"
# Measure what users get: the production build (minified, no source maps).
jlpm build:prod >/dev/null
(cd ui-tests && jlpm install --immutable >/dev/null)
node benchmarks/lab_benchmark.mjs "$@"
