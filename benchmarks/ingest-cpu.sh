#!/usr/bin/env bash
# Server CPU per ingested sample, by thread group, for the remote-write load of compare.sh: starts Sightline
# as bin/sightline does (same JVM flags), sends RemoteWriteLoadGenerator's payloads, and reads every server
# thread's utime + stime from /proc before and after the send. On a shared machine wall-clock rates are noise;
# CPU per sample (which, with the generator on the same cores, is what sets the rate) is not. Compare two
# builds by running their jars alternately (A B A B).
#
# Usage: benchmarks/ingest-cpu.sh [--jar server.jar (default server/target/sightline.jar)] [--quick | --full]
#          [--rounds N (after --quick/--full: overrides its rounds)] [--series N (likewise)] [--connections N]
#          [--port-offset N] [--runs N]
# SIGHTLINE_JAVA_OPTS is passed to the server's JVM. Unlike bin/sightline this never adds the JDK AOT cache by itself
# (two builds compared alternately would otherwise differ by whether each has one): pass
# SIGHTLINE_JAVA_OPTS=-XX:AOTCache=server/target/sightline.aot to measure with it (`./mvnw package` trains it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bin/jdk.sh"
cd "$root"

jar="$root/server/target/sightline.jar"
size=(--full)
connections=4
port_offset=0
runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --quick) size=(--quick); shift ;;
    --full) size=(--full); shift ;;
    --connections) connections="$2"; shift 2 ;;
    --port-offset) port_offset="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --rounds) size+=(--rounds "$2"); shift 2 ;;
    --series) size+=(--series "$2"); shift 2 ;;
    *) echo "unknown flag $1 (known: --jar --quick --full --rounds N --series N --connections --port-offset --runs)" >&2; exit 2 ;;
  esac
done

# The JVM flags bin/sightline ships, taken from it so the two never differ.
jvm_opts=$(sed -n 's/^default_jvm_opts="\(.*\)"$/\1/p' bin/sightline)
work=$(mktemp -d /tmp/sightline-ingest-cpu.XXXXXX)
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
http_port=$((19090 + port_offset))
hz=$(getconf CLK_TCK)

# "name tid ticks" per thread; the name is the comm field (15 chars), pool numbers folded so pools group together.
threads_cpu() {
  for t in /proc/"$1"/task/*; do
    [ -r "$t/stat" ] || continue
    local stat; stat=$(cat "$t/stat" 2>/dev/null) || continue
    local name=${stat#*(}; name=${name%)*}
    local rest=${stat##*) }
    # fields after the comm: state is 1, utime is 12, stime is 13
    read -r -a f <<<"$rest"
    echo "$(tr -d '\n' <<<"$name" | sed -E 's/[-#][0-9]+$/-N/; s/-[0-9]+-/-N-/g; s/ /_/g') ${t##*/} $(( f[11] + f[12] ))"
  done
}

for run in $(seq 1 "$runs"); do
  rm -rf "$work/data"; mkdir -p "$work/data"
  MALLOC_ARENA_MAX=2 "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow $jvm_opts ${SIGHTLINE_JAVA_OPTS:-} \
    -jar "$jar" --data-dir "$work/data" --http-port "$http_port" --otlp-http-port $((14318 + port_offset)) \
    --otlp-grpc-port $((14317 + port_offset)) >"$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$http_port/-/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  end_ms=$(( ($(date +%s) - 60) / 15 * 15 * 1000 ))
  # Requests are built before the send (the server idles meanwhile), so the window is the whole generator run.
  threads_cpu "$pid" >"$work/before"
  rss_ready=$(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)
  java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
    io.sightline.bench.e2e.RemoteWriteLoadGenerator --url "http://127.0.0.1:$http_port/api/v1/write" "${size[@]}" \
    --connections "$connections" --end-ms "$end_ms" >"$work/load.txt"
  threads_cpu "$pid" >"$work/after"
  # Whole process from its start (start-up, class loading and the JIT before the send included) to the send's end.
  process_cpu=$(awk -v hz="$hz" '{printf "%.1f", ($14 + $15) / hz}' /proc/"$pid"/stat)
  rss_after=$(awk '/VmRSS/ {print $2}' /proc/"$pid"/status)
  # The class data the JVM mapped from a file: the JDK AOT cache (*.aot) or the default CDS archive (*.jsa).
  class_data=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { f = ($6 ~ /\.(aot|jsa)$/) } f && /^Rss:/ { r += $2 } f && /^Private_Dirty:/ { d += $2 }
    END { printf "%.1f MiB resident (%.1f MiB of it dirty)", r / 1024, d / 1024 }' /proc/"$pid"/smaps)
  result=$(grep '^RESULT' "$work/load.txt")
  samples=$(sed -E 's/.*samples=([0-9]+) .*/\1/' <<<"$result")
  sps=$(sed -E 's/.*samples_per_s=([0-9.]+).*/\1/' <<<"$result")
  echo "run $run: $(basename "$jar") samples=$samples samples_per_s=$sps load=$(cut -d' ' -f1 /proc/loadavg)"
  echo "  process CPU from start to the end of the send: $process_cpu s; RSS when ready $((rss_ready / 1024)) MiB, after the send $((rss_after / 1024)) MiB; class data file: $class_data"
  # ns per sample by thread group (threads that ended meanwhile are lost; pools keep theirs alive)
  awk -v hz="$hz" -v samples="$samples" '
    NR == FNR { before[$2] = $3; next }
    { d = $3 - before[$2]; g[$1] += d; total += d }
    END {
      for (k in g) if (g[k] > 0) printf "  %-18s %7.0f ns/sample\n", k, g[k] * 1e9 / hz / samples
      printf "  %-18s %7.0f ns/sample\n", "TOTAL", total * 1e9 / hz / samples
    }' "$work/before" "$work/after" | sort -k2 -n -r
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
