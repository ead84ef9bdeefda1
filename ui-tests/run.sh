#!/usr/bin/env bash
# Run the Galata (Playwright) UI tests of the mlmath-lab JupyterLab extension.
#
#   bash ui-tests/run.sh [PLAYWRIGHT ARGS...]     e.g.  bash ui-tests/run.sh tests/mlmath_lab.spec.ts
#
# Needs: .venv made by `bash .ci/test` or `bash .ci/lab` (JupyterLab with the extension built
# and linked), Node.js, and Debian's Chromium (apt-get install chromium); Playwright never
# downloads a browser here. The test run starts its own JupyterLab on 127.0.0.1:8888 (and one
# on 8889 for the server-restart test, 8890 for the temporary session) and stops them at the end. Exits non-zero on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
venv="${VENV:-$repo/.venv}"

say() { printf '[ui-tests] %s\n' "$*" >&2; }
die() { printf '[ui-tests] error: %s\n' "$*" >&2; exit 1; }

[ -x "$venv/bin/python" ] || die "no Python environment at $venv: run 'bash .ci/test' first"
export PATH="$venv/bin:$PATH"
export VIRTUAL_ENV="$venv"
export JUPYTER_PREFER_ENV_PATH=1
command -v jlpm >/dev/null || die "no jlpm in $venv/bin: is JupyterLab installed there?"
command -v node >/dev/null || die "no node on PATH: the tests need Node.js 20 or newer"

# The extension must be built and linked into that JupyterLab.
[ -f "$repo/mlmath_lab/labextension/package.json" ] \
  || die "the extension is not built (no mlmath_lab/labextension): run 'bash .ci/test' or 'jlpm build'"
jupyter labextension list 2>&1 | grep -q 'mlmath-lab.*enabled.*OK' \
  || die "the mlmath-lab extension is not enabled in $venv's JupyterLab ('jupyter labextension develop --overwrite .')"

# The browser: the system's Chromium, never one downloaded by Playwright.
if [ -z "${CHROMIUM_PATH:-}" ]; then
  CHROMIUM_PATH="$(command -v chromium || command -v chromium-browser || true)"
fi
[ -n "$CHROMIUM_PATH" ] && [ -x "$CHROMIUM_PATH" ] \
  || die "no Chromium found: install Debian's chromium: apt-get install chromium"
export CHROMIUM_PATH
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

cd "$here"
say "installing the test dependencies (jlpm install --immutable)"
log="$(mktemp)"
if ! jlpm install --immutable >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  rm -f "$log"
  die "jlpm install failed in ui-tests/"
fi
rm -f "$log"

# The servers must be ours: refuse to reuse whatever already listens on the test ports.
for port in 8888 8889 8890; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is in use: stop that server first (the tests start their own)"
  fi
done

say "chromium: $CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null | head -n 1))"
say "running the tests (report: ui-tests/playwright-report, artefacts: ui-tests/test-results)"
start=$SECONDS
status=0
jlpm playwright test "$@" || status=$?
say "finished in $((SECONDS - start)) s with exit code $status"
exit "$status"
