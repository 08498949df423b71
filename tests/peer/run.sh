#!/usr/bin/env bash
# astroquery fidelity check: starts the local archive on a free loopback port
# with a fresh data folder, runs tests/peer/astroquery_check.py with Debian's
# python3-astroquery, stops the archive by pid and prints "N passed, N failed".
# Needs: apt-get install -y python3-astroquery
set -u
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c "import astroquery" 2>/dev/null; then
  echo "python3-astroquery is missing: apt-get install -y python3-astroquery" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
DATA="$(mktemp -d /tmp/deno-gaia-peer-XXXXXX)"
LOG="$DATA/serve.log"
PASSWORD="peer-$(date +%s)-$$"
printf 'peer:%s\npeer2:%s-2\n' "$PASSWORD" "$PASSWORD" > "$DATA/users"
chmod 600 "$DATA/users"
deno run -A cli.ts serve --port 0 --data-dir "$DATA/archive" --users-file "$DATA/users" > "$LOG" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT
URL=""
for _ in $(seq 1 240); do
  URL="$(grep -o 'ready at http://[0-9.:]*' "$LOG" | head -1 | sed 's/ready at //')"
  [ -n "$URL" ] && break
  if ! kill -0 "$PID" 2>/dev/null; then break; fi
  sleep 0.5
done
if [ -z "$URL" ]; then
  echo "the local archive did not start:" >&2
  cat "$LOG" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
WORK="$(mktemp -d "$DATA/work-XXXX")"
(cd "$WORK" && /usr/bin/python3 "$OLDPWD/tests/peer/astroquery_check.py" "$URL" peer "$PASSWORD" peer2)
STATUS=$?
exit $STATUS
