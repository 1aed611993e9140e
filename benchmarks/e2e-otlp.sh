#!/usr/bin/env bash
# End-to-end OTLP/HTTP ingest benchmark: starts Sightline from server/target/sightline.jar on a temporary data
# dir and loopback ports, runs the load generator against it, then reports throughput, latency, peak RSS and
# bytes on disk. Usage: benchmarks/e2e-otlp.sh [--hosts N --series-per-host N --rounds N --connections N]
# OTLP_GENERATOR and OTLP_PATH pick another generator and path (benchmarks/e2e-otlp-traces.sh sets them); BENCH_PORT_BASE
# moves the three ports (default 19090, 14318, 14317) so two runs on one machine do not meet; SIGHTLINE_JAR runs another
# build (e.g. a saved "before" jar). CPU seconds of the server during the load are printed: on a shared machine they
# compare runs better than wall clock.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bin/jdk.sh"
cd "$root"
jar=${SIGHTLINE_JAR:-server/target/sightline.jar}
if [ ! -f "$jar" ] || [ ! -f benchmarks/target/benchmarks.jar ]; then
  ./mvnw -q -B -ntp -DskipTests package
fi
data=$(mktemp -d /tmp/sightline-bench.XXXXXX)
log="$data.log"
base=${BENCH_PORT_BASE:-10000}
port_api=$((base + 9090)); port_http=$((base + 4318)); port_grpc=$((base + 4317))
generator=${OTLP_GENERATOR:-OtlpLoadGenerator}
path=${OTLP_PATH:-/v1/metrics}
java -Xmx4g ${SIGHTLINE_JAVA_OPTS:-} --sun-misc-unsafe-memory-access=allow -jar "$jar" --data-dir "$data" --http-port $port_api \
  --otlp-http-port $port_http --otlp-grpc-port $port_grpc >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port_api/-/ready" >/dev/null && break
  sleep 0.5
done
cpu_ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
ticks_before=$(cpu_ticks)
java --sun-misc-unsafe-memory-access=allow -cp benchmarks/target/benchmarks.jar "io.sightline.bench.e2e.$generator" \
  --url "http://127.0.0.1:$port_http$path" "$@"
echo "CPU seconds of Sightline during the load: $(awk -v a="$ticks_before" -v b="$(cpu_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')"
echo "peak RSS of Sightline: $(grep VmHWM /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
echo "current RSS of Sightline: $(grep VmRSS /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
kill -TERM $pid; wait $pid || true
echo "bytes on disk after graceful stop: $(du -sb "$data" | cut -f1) ($(du -sh "$data" | cut -f1))"
du -sb "$data"/* 2>/dev/null | sed 's/^/  /'
