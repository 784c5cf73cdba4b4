#!/bin/sh
# run.sh starts `cimkit serve` on a free loopback port, runs the browser tests
# against it with a time limit, and stops the server on any exit.
# Environment (set by mk/browser.mk): CIMKIT, CHROMIUM, WEB_DIR, ONNX_MODEL,
# ARTIFACTS, TIMEOUT.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$ARTIFACTS"
log="$ARTIFACTS/serve.log"
"$CIMKIT" serve --addr 127.0.0.1:0 --dir "$WEB_DIR" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT INT TERM
url=""
for _ in $(seq 1 100); do
	url=$(sed -n 's|^cimkit serve: \(http://[^ ]*\) .*|\1|p' "$log" | head -n 1)
	[ -n "$url" ] && break
	kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "cimkit serve did not start"; exit 1; }
	sleep 0.1
done
[ -n "$url" ] || { cat "$log"; echo "cimkit serve printed no address"; exit 1; }
echo "browser tests against $url"
cd "$here"
PLAYGROUND_URL="$url" timeout "$TIMEOUT" node --test --test-reporter=spec --test-concurrency=1 ./*.test.mjs
