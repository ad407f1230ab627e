#!/usr/bin/env bash
# What the clustered hop costs: the same load against (1) one all-in-one node, (2) a three-node cluster whose
# clients all use gateway A, (3) a fresh cluster whose clients are spread over gateways A and B; one after the
# other in one run, each on fresh data; prints the three reports side by side.
#   bench/cluster.sh [PRESET] [midnight load options]     e.g. bench/cluster.sh extreme --duration 60 --rate 0.2
# The cluster: storage + user and message services on one node, a gateway on each of two others, Hazelcast on
# loopback. MIDNIGHT_BENCH_POSTGRES=URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres) puts each store in a
# fresh PostgreSQL database made through URL and dropped afterwards (needs psql). Writes under bench/out/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="${1:-extreme}"
shift || true
out="$root/bench/out/$(date +%Y%m%d-%H%M%S)-cluster-$preset"
mkdir -p "$out"
"$root/midnight" --version >/dev/null            # builds the jar when it is missing or stale
jar="$root/app/target/midnight.jar"                # run directly: the nodes must not rebuild it at once
export MIDNIGHT_AUTH_JWT_KEY="bench-cluster-signing-key-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
pg_admin="${MIDNIGHT_BENCH_POSTGRES:-}"
databases=()
pids=()

stop_nodes() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_nodes
  for db in "${databases[@]}"; do psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
}
trap cleanup EXIT

# store NAME: sets store_args to the flags that put a node's store in place (a data directory, or a fresh
# database, remembered for the cleanup: so not called in a subshell)
store() {
  store_args=(--data "$out/$1-data")
  [ -z "$pg_admin" ] && return
  local db="midnight_bench_cluster_$$_${1//-/_}"
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  databases+=("$db")
  store_args+=(--postgres "${pg_admin%/*}/$db")
}

start_node() { # NAME ARGS...: starts one node in the background
  local name="$1"; shift
  # shellcheck disable=SC2086
  (exec java ${MIDNIGHT_JAVA_OPTS:-} -jar "$jar" "$@") > "$out/$name.log" 2>&1 &   # $! is the JVM itself
  pids+=($!)
}

wait_up() { # URL
  for _ in $(seq 1 300); do
    curl -sf "$1/health" >/dev/null && return 0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "cluster: a node exited; see $out" >&2; exit 1; }; done
    sleep 0.2
  done
  echo "cluster: $1 did not become ready" >&2; exit 1
}

cpu_ticks() { local t=0; for pid in "${pids[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo $t; }
peak_rss_kb() { local k=0; for pid in "${pids[@]}"; do k=$((k + $(awk '/VmHWM/ {print $2}' "/proc/$pid/status"))); done; echo $k; }

measure() { # NAME URL [load options...]: runs the load, records the nodes' CPU and peak memory, stops the nodes
  local name="$1" url="$2" before after
  shift 2
  before="$(cpu_ticks)"
  # shellcheck disable=SC2086
  java ${MIDNIGHT_JAVA_OPTS:-} -jar "$jar" load --preset "$preset" --target "$url" --report "$out/$name" "$@" "${load_args[@]}" \
    | tee "$out/$name.log" || true
  after="$(cpu_ticks)"
  printf '{"cpuSeconds": %s, "peakRssKb": %s}\n' \
    "$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')" \
    "$(peak_rss_kb)" > "$out/$name/server.json"
  stop_nodes
}

cluster() { # NAME: storage/services node, gateway A on 4311, gateway B on 4312
  local members="127.0.0.1:5811,127.0.0.1:5812,127.0.0.1:5813"
  store "$1"
  start_node "$1-services" run storage,user-service,message-service --cluster --cluster-port 5811 --members "$members" \
    "${store_args[@]}"
  start_node "$1-a" run gateway --cluster --cluster-port 5812 --members "$members" --host 127.0.0.1 --port 4311 \
    --data "$out/$1-a-data"
  start_node "$1-b" run gateway --cluster --cluster-port 5813 --members "$members" --host 127.0.0.1 --port 4312 \
    --data "$out/$1-b-data"
  wait_up http://127.0.0.1:4311
  wait_up http://127.0.0.1:4312
}

load_args=("$@")
store all-in-one
start_node all-in-one serve --host 127.0.0.1 --port 4310 "${store_args[@]}"
wait_up http://127.0.0.1:4310
measure all-in-one http://127.0.0.1:4310

cluster one
measure one-gateway http://127.0.0.1:4311

cluster two
measure two-gateways http://127.0.0.1:4311 --gateways http://127.0.0.1:4311,http://127.0.0.1:4312

node "$root/bench/socketio-node/table.js" "all-in-one=$out/all-in-one" "cluster, 1 gateway=$out/one-gateway" \
  "cluster, 2 gateways=$out/two-gateways" | tee "$out/cluster.md"
echo "cluster: reports in $out"
