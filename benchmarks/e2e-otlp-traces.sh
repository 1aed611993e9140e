#!/usr/bin/env bash
# End-to-end OTLP/HTTP trace ingest benchmark: starts Sightline from server/target/sightline.jar on a temporary data
# dir and loopback ports (span metrics on, as by default), runs OtlpTraceLoadGenerator against /v1/traces, then
# reports spans/s, latency, peak RSS and bytes on disk (whole data dir and traces/). Usage:
# benchmarks/e2e-otlp-traces.sh [--requests N --traces-per-request N --spans-per-trace N --connections N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bin/jdk.sh"
cd "$root"
if [ ! -f server/target/sightline.jar ] || [ ! -f benchmarks/target/benchmarks.jar ]; then
  ./mvnw -q -B -ntp -DskipTests package
fi
data=$(mktemp -d /tmp/sightline-bench.XXXXXX)
log="$data.log"
port_api=29090; port_http=24318; port_grpc=24317
java -Xmx4g ${SIGHTLINE_JAVA_OPTS:-} --sun-misc-unsafe-memory-access=allow -jar server/target/sightline.jar --data-dir "$data" --http-port $port_api \
  --otlp-http-port $port_http --otlp-grpc-port $port_grpc >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port_api/-/ready" >/dev/null && break
  sleep 0.5
done
java --sun-misc-unsafe-memory-access=allow -cp benchmarks/target/benchmarks.jar io.sightline.bench.e2e.OtlpTraceLoadGenerator \
  --url "http://127.0.0.1:$port_http/v1/traces" "$@"
echo "peak RSS of Sightline: $(grep VmHWM /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
kill -TERM $pid; wait $pid || true
echo "span metrics after graceful stop: $(grep -o 'span metrics restored.*' "$log" | head -1)"
echo "bytes on disk after graceful stop: $(du -sb "$data" | cut -f1) ($(du -sh "$data" | cut -f1)); traces/: $(du -sb "$data/traces" | cut -f1)"
du -sb "$data"/* 2>/dev/null | sed 's/^/  /'
