#!/usr/bin/env bash
# The same load preset against Midnight and against a stock Node Socket.IO 4.8 chat server (socketio-node/), one
# after the other on this machine, each server alone while it is measured; prints both reports side by side.
#   bench/compare.sh [PRESET] [midnight load options, e.g. --users 1000 --duration 60]
# Needs JDK 17+, Maven and Node 18+. Writes under bench/out/<timestamp>-<preset>/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-extreme}"
shift || true
midnight_port="${MIDNIGHT_PORT:-4102}"
node_port="${NODE_PORT:-4101}"
out="$root/bench/out/$(date +%Y%m%d-%H%M%S)-$preset"
mkdir -p "$out"

"$root/midnight" --version >/dev/null            # builds the jar when it is missing or stale
(cd "$root/bench/socketio-node" && npm ci --no-audit --no-fund --silent)

server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; }
trap cleanup EXIT

wait_up() { # url pid
  for _ in $(seq 1 150); do
    curl -sf "$1/health" >/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "compare: the server exited; see $out" >&2; exit 1; }
    sleep 0.2
  done
  echo "compare: $1 did not come up" >&2; exit 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure NAME URL: runs the load against the server in $server and records its CPU and peak memory.
measure() {
  local name="$1" url="$2" before after
  shift 2
  wait_up "$url" "$server"
  before="$(cpu_ticks "$server")"
  "$root/midnight" load --preset "$preset" --target "$url" --report "$out/$name" "$@" | tee "$out/$name.log" || true
  after="$(cpu_ticks "$server")"
  printf '{"cpuSeconds": %s, "peakRssKb": %s}\n' \
    "$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')" \
    "$(awk '/VmHWM/ {print $2}' "/proc/$server/status")" > "$out/$name/server.json"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

shift_args=("$@")
"$root/midnight" serve --host 127.0.0.1 --port "$midnight_port" --data "$out/midnight-data" > "$out/midnight-server.log" 2>&1 &
server=$!
measure midnight "http://127.0.0.1:$midnight_port" "${shift_args[@]}"

(cd "$root/bench/socketio-node" && PORT="$node_port" exec node server.js) > "$out/node-server.log" 2>&1 &
server=$!
measure node "http://127.0.0.1:$node_port" "${shift_args[@]}"

node "$root/bench/socketio-node/table.js" "Midnight=$out/midnight" "Node socket.io 4.8=$out/node" | tee "$out/compare.md"
echo "compare: reports in $out"
