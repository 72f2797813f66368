# SPDX-License-Identifier: MIT
# Shared by the packaging tests: failing loudly, started processes and their clean-up.
set -euo pipefail
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "---- $*"; }

# start_app <log> <command...>: starts it in the background, waits for "Running on local URL", sets $url.
# Without --port the launcher takes 7860 or the next free port, so tests running side by side never clash.
start_app() {
  local log="$1"; shift
  "$@" >"$log" 2>&1 &
  pids+=($!)
  local pid=$!
  for _ in $(seq 1 300); do
    if url=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1) && [[ -n "$url" ]]; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$* exited before serving"; }
    sleep 0.1
  done
  cat "$log" >&2; fail "$* did not print its URL in 30 s"
}

# stop_app: stops the last started app by its PID and checks it exited cleanly.
stop_app() {
  local pid="${pids[-1]}"
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  unset 'pids[-1]'
  [[ $code -eq 0 ]] || fail "the app exited with $code after SIGTERM"
}

# call <url> <api> <json data>: the curl flow of Gradio (/gradio_api/call), prints the result event's data.
call() {
  local id
  id=$(curl -sf -X POST -H 'Content-Type: application/json' -d "{\"data\": $3}" "$1/gradio_api/call/$2" \
       | sed -n 's/.*"event_id" *: *"\([^"]*\)".*/\1/p') || fail "POST /gradio_api/call/$2 failed"
  [[ -n "$id" ]] || fail "POST /gradio_api/call/$2 gave no event_id"
  curl -sfN "$1/gradio_api/call/$2/$id" | sed -n 's/^data: //p' | tail -1
}
