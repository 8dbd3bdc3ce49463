#!/usr/bin/env bash
# Smoke check of the sandbox, for .ci/run: start README's sandbox command in the
# background (fresh databases in a temporary folder), wait until the shop answers, fetch
# the home page, a product page and the simulator's overview, then stop everything.
#
#   sandbox/smoke_check.sh            # shop on port 8000, simulator on 8001
#   SANDBOX_SMOKE_PORT=8100 sandbox/smoke_check.sh
#   SANDBOX_SMOKE_COMMAND="venv/bin/python sandbox/manage.py runsandbox" sandbox/smoke_check.sh
#                                     # an installed environment instead of README's line
#
# Exit status 0 when every page answered as expected.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SANDBOX_SMOKE_PORT:-8000}
TIMEOUT=${SANDBOX_SMOKE_TIMEOUT:-600}
PYTHON=${PYTHON:-python3}
# README.rst, "On a fresh machine" (plus a port and no autoreload for CI):
README_COMMAND='python3 -m venv .venv-sandbox && .venv-sandbox/bin/pip install -e ".[sandbox]" && .venv-sandbox/bin/python sandbox/manage.py runsandbox'
COMMAND="${SANDBOX_SMOKE_COMMAND:-${README_COMMAND/python3 -m venv/$PYTHON -m venv}} --port $PORT --noreload"

workdir=$(mktemp -d)
log="$workdir/runsandbox.log"
export SANDBOX_DATABASE="$workdir/db.sqlite3"
export SANDBOX_SIMULATOR_DATABASE="$workdir/simulator.sqlite3"

port_in_use() {
    "$PYTHON" -c "import socket, sys; s = socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1', int(sys.argv[1]))) != 0)" "$1"
}
for port in "$PORT" "$((PORT + 1))"; do
    if port_in_use "$port"; then
        echo "smoke check: port $port is in use already; set SANDBOX_SMOKE_PORT" >&2
        rm -rf "$workdir"
        exit 1
    fi
done

echo "==> $COMMAND"
# A session of its own, so that stopping it stops everything it started.
setsid bash -c "$COMMAND" >"$log" 2>&1 &
pid=$!

stop() {
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
finish() {
    status=$?
    stop
    if [ "$status" -ne 0 ]; then
        echo "smoke check FAILED; runsandbox's output:" >&2
        tail -n 60 "$log" >&2 || true
    fi
    rm -rf "$workdir"
}
trap finish EXIT

"$PYTHON" - "$PORT" "$TIMEOUT" "$pid" <<'PYTHON'
import os
import re
import sys
import time
import urllib.request

port, timeout, pid = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
shop = f"http://127.0.0.1:{port}"
simulator = f"http://127.0.0.1:{port + 1}"


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.geturl(), response.read().decode("utf-8")


deadline = time.monotonic() + timeout
while True:
    try:
        status, url, home = fetch(shop + "/")
        break
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit("smoke check: runsandbox stopped before the shop answered")
        if time.monotonic() > deadline:
            sys.exit(f"smoke check: no answer from {shop} within {timeout:.0f} s")
        time.sleep(1)

assert status == 200, f"home page: HTTP {status}"
products = sorted(set(re.findall(r'href="(/catalogue/[a-z0-9-]+_\d+/)"', home)))
assert products, "home page: no product links"
print(f"home page {url}: HTTP {status}, {len(products)} products")

status, url, page = fetch(shop + products[0])
assert status == 200, f"product page: HTTP {status}"
assert 'id="add_to_basket_form"' in page, "product page: no add-to-basket form"
assert re.search(r"€\d+\.\d\d", page), "product page: no price"
print(f"product page {url}: HTTP {status}")

status, url, page = fetch(simulator + "/docdata-sim/")
assert status == 200, f"simulator: HTTP {status}"
print(f"simulator {url}: HTTP {status}")
PYTHON

echo "smoke check passed"
