#!/usr/bin/env bash
# Soak test: starts Sightline (as bin/sightline does, on 127.0.0.1 with a temporary data dir) and runs
# RemoteWriteLoadGenerator's soak mode against it: rounds from a day back as fast as the server takes them (block
# cuts and compactions every few seconds), then in real time until --duration is up; it checks that the server's RSS
# stays bounded (highest RSS of the second half <= 1.25 x the first half's) and that every acknowledged sample is
# queryable at the end. Exit status 1 when a check fails. Prints the server's RSS and head chunk files every 20 s.
#
# Usage: benchmarks/soak.sh [--duration 10m] [--series 10000] [--port-offset N] [--keep-data]
# The day of backfill takes ~4 minutes at 10k series on the 2-core machine; a shorter --duration fails the RSS check,
# since its second half is still the backfill (1m: 44.6M samples, all verified, RSS check NO).
#
# The server runs without self-monitoring and span metrics: both write a sample at the current time every 15 s, so
# the head would reach "now" at once, and a backfill from a day back is then refused (out_of_bounds) as soon as the
# first block is cut, as Prometheus refuses samples older than its newest minus 1 h.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bin/jdk.sh"
cd "$root"

duration=10m
series=10000
port_offset=0
keep_data=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --series) series="$2"; shift 2 ;;
    --port-offset) port_offset="$2"; shift 2 ;;
    --keep-data) keep_data=1; shift ;;
    *) echo "unknown flag $1 (known: --duration D --series N --port-offset N --keep-data)" >&2; exit 2 ;;
  esac
done

[ -f benchmarks/target/benchmarks.jar ] || ./mvnw -q -B -ntp -DskipTests package
work="$(mktemp -d /tmp/sightline-soak.XXXXXX)"
http_port=$((19090 + port_offset))
cat > "$work/sightline.yml" <<EOF
self_monitoring:
  interval: 0
traces:
  span_metrics:
    enabled: false
EOF
bin/sightline --config "$work/sightline.yml" --data-dir "$work/data" --http-port "$http_port" \
  --otlp-http-port $((14318 + port_offset)) --otlp-grpc-port $((14317 + port_offset)) > "$work/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -n "${watcher:-}" ] && kill "$watcher" 2>/dev/null || true
  if [ "$keep_data" = 1 ]; then echo "data and server log kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
for _ in $(seq 240); do curl -sf "http://127.0.0.1:$http_port/-/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$http_port/-/ready" >/dev/null || { echo "Sightline did not start; log:" >&2; cat "$work/server.log" >&2; exit 1; }

(
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo '?')
    files=$(find "$work/data/chunks_head" -type f 2>/dev/null | wc -l)
    echo "soak-watch $(date -u +%T) server RSS ${rss} KiB, head chunk files ${files} ($(du -sk "$work/data/chunks_head" 2>/dev/null | cut -f1) KiB allocated)"
    sleep 20
  done
) &
watcher=$!

status=0
java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
  io.sightline.bench.e2e.RemoteWriteLoadGenerator --url "http://127.0.0.1:$http_port/api/v1/write" --series "$series" \
  --duration "$duration" --pid "$pid" --verify-url "http://127.0.0.1:$http_port" || status=$?
echo "block cuts: $(grep -c 'cut block from head' "$work/server.log" || true), compactions: $(grep -c 'compacted blocks' "$work/server.log" || true), warnings: $(grep -c '\[WARN\]\|\[ERROR\]' "$work/server.log" || true)"
exit "$status"
