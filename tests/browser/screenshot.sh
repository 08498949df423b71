#!/usr/bin/env bash
# Real-browser check: executes one notebook (default 01_quickstart) against
# the local archive, renders it to HTML, opens it in headless Chromium, and
# checks that the result table and the chart are in the DOM and visible as
# non-blank pixels in a screenshot. Prints "N passed, N failed".
#
# Usage: tests/browser/screenshot.sh [NOTEBOOK_NAME] [--png OUT.png]
set -u
cd "$(dirname "$0")/../.."
NAME=01_quickstart
PNG=""
while [ $# -gt 0 ]; do
  case "$1" in
    --png) PNG="$2"; shift 2 ;;
    *) NAME="$1"; shift ;;
  esac
done
JUPYTER=${JUPYTER:-/usr/bin/jupyter}
export GAIA_ARCHIVE=${GAIA_ARCHIVE:-local}
TMP=$(mktemp -d /tmp/deno-gaia-browser.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL $1"; echo "0 passed, 1 failed"; exit 1; }
command -v chromium >/dev/null || fail "chromium not installed (Debian package chromium)"
[ -x "$JUPYTER" ] || fail "$JUPYTER not found (Debian packages jupyter-nbconvert python3-nbclient python3-ipykernel)"
[ -f "notebooks/$NAME.ipynb" ] || fail "notebooks/$NAME.ipynb does not exist"
deno run --allow-read --allow-write="$TMP" --allow-env kernels/install.ts --prefix "$TMP/prefix" --quiet \
  || fail "could not install the kernelspec"
export JUPYTER_PATH="$TMP/prefix/share/jupyter"
export JUPYTER_RUNTIME_DIR="$TMP/runtime"

# Execute (tests/notebooks/execute.py keeps results Deno's kernel sends after idle); retry if one is still missing.
ok=no
for try in 1 2 3; do
  /usr/bin/python3 tests/notebooks/execute.py "notebooks/$NAME.ipynb" "$TMP/$NAME.ipynb" --kernel deno-gaia \
    >"$TMP/exec.log" 2>&1 || { sed 's/\x1b\[[0-9;]*m//g' "$TMP/exec.log" | tail -20; fail "executing $NAME"; }
  if deno run --allow-read tests/notebooks/missing_outputs.ts "$TMP/$NAME.ipynb" --need html,svg 2>/dev/null; then
    ok=yes; break
  fi
  echo "  (a display went missing; re-running, try $try)"
done
[ $ok = yes ] || fail "the executed notebook lacks its table or chart output after 3 runs"
"$JUPYTER" nbconvert --to html --output-dir "$TMP" --output "$NAME" "$TMP/$NAME.ipynb" >"$TMP/html.log" 2>&1 \
  || fail "rendering $NAME to HTML"
deno run --allow-read --allow-write --allow-run --allow-env tests/browser/screenshot_check.ts "$TMP/$NAME.html" \
  ${PNG:+--png "$PNG"}
