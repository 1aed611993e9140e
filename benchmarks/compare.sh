#!/usr/bin/env bash
# Side-by-side comparison of Sightline, Prometheus and VictoriaMetrics on this machine, in one run, with the
# same remote-write payloads (benchmarks/src/main/java/io/sightline/bench/e2e/RemoteWriteLoadGenerator.java):
# ingest samples/s and p50/p99 request latency, peak RSS, RSS per active series, bytes per sample on disk after a
# flush, and the median latency of a fixed set of dashboard query_range queries (asking for gzip, as Grafana does) with
# an answer-agreement check.
# Prints one markdown table and appends it (with date, machine, JDK, versions) to benchmarks/RESULTS.md.
#
# Usage: benchmarks/compare.sh [--quick (default: 10k series x 1 h) | --full (100k series x 100 rounds = 10M)
#          | --full-2h (100k series x 480 rounds = 48M: a head two hours deep, as every server holds once it has
#            run that long; --full's 25 minutes of data fit in each series' first chunk) | --series N --rounds R]
#          [--connections N] [--systems "sightline prometheus victoriametrics"] [--no-results]
#          [--port-offset N (added to every port, so that two runs on one machine do not collide)]
# Prometheus and VictoriaMetrics come from the Debian packages (installed when missing) and run as plain
# processes on 127.0.0.1 with temporary data dirs; their system services are never touched.
# SIGHTLINE_JAVA_OPTS is passed to Sightline's JVM (e.g. -XX:StartFlightRecording=filename=/tmp/rw.jfr,settings=profile).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bin/jdk.sh"
cd "$root"

size=(--quick); size_name="quick (10k series x 240 rounds = 2.4M samples)"; rounds=240
connections=4
systems="victoriametrics prometheus sightline"
write_results=1
port_offset=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) size=(--quick); rounds=240; shift ;;
    --full) size=(--full); size_name="full (100k series x 100 rounds = 10M samples)"; rounds=100; shift ;;
    --full-2h) custom_series=100000; rounds=480; custom_rounds=1; shift ;;
    --series) custom_series="$2"; shift 2 ;;
    --rounds) rounds="$2"; custom_rounds=1; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --systems) systems="$2"; shift 2 ;;
    --no-results) write_results=0; shift ;;
    --port-offset) port_offset="$2"; shift 2 ;;
    *) echo "unknown flag $1 (known: --quick --full --full-2h --series N --rounds R --connections N --systems \"...\" --no-results --port-offset N)" >&2; exit 2 ;;
  esac
done

if [ -n "${custom_series:-}" ]; then
  [ -n "${custom_rounds:-}" ] || { echo "--series needs --rounds" >&2; exit 2; }
  size=(--series "$custom_series" --rounds "$rounds")
  size_name="custom ($custom_series series x $rounds rounds = $(( custom_series * rounds )) samples)"
  if [ "$custom_series" = 100000 ] && [ "$rounds" = 480 ]; then
    size_name="full-2h (100k series x 480 rounds = 48M samples: two hours at 15 s)"
  fi
fi

# --- install the peers from Debian packages (only what is missing) ---
missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v victoria-metrics >/dev/null || missing+=(victoria-metrics)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq || true
  for p in "${missing[@]}"; do
    if apt-cache policy "$p" | grep -q 'Candidate: [0-9]'; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null || echo "WARNING: apt-get install $p failed; continuing without it"
    else
      echo "WARNING: no Debian package $p on this machine; continuing without it"
    fi
  done
fi
command -v prometheus >/dev/null || systems="${systems//prometheus/}"
command -v victoria-metrics >/dev/null || systems="${systems//victoriametrics/}"

if [ ! -f server/target/sightline.jar ] || [ ! -f benchmarks/target/benchmarks.jar ]; then
  ./mvnw -q -B -ntp -o -DskipTests package -pl server,benchmarks -am
fi
work=$(mktemp -d /tmp/sightline-compare.XXXXXX)
pid=""
aot_cache=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
bench() { java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar "$@"; }
# Every system gets the same samples with the same timestamps: the newest one 1 minute before the start.
end_ms=$(( ($(date +%s) - 60) / 15 * 15 * 1000 ))
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

wait_ready() { # url
  for _ in $(seq 1 240); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "not ready: $1" >&2; return 1
}
kb() { grep "$2" "/proc/$1/status" | awk '{print $2}'; }

declare -A R
run_system() { # name
  local name=$1 dir="$work/$1" url query_url ready
  mkdir -p "$dir/data"
  case "$name" in
    sightline)
      # As users start it: bin/sightline execs java (same pid) with the heap and GC flags it ships.
      bin/sightline \
        --data-dir "$dir/data" --http-port $((19090 + port_offset)) --otlp-http-port $((14318 + port_offset)) --otlp-grpc-port $((14317 + port_offset)) >"$dir/log" 2>&1 &
      pid=$!; query_url=http://127.0.0.1:$((19090 + port_offset)); ready=$query_url/-/ready ;;
    prometheus)
      printf 'global:\n  scrape_interval: 15s\n' >"$dir/prometheus.yml"
      prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=30d \
        --web.listen-address=127.0.0.1:$((19091 + port_offset)) --web.enable-remote-write-receiver --web.enable-admin-api >"$dir/log" 2>&1 &
      pid=$!; query_url=http://127.0.0.1:$((19091 + port_offset)); ready=$query_url/-/ready ;;
    victoriametrics)
      # -search.disableCache: measure query evaluation (Prometheus and Sightline have no result cache either)
      victoria-metrics -storageDataPath="$dir/data" -httpListenAddr=127.0.0.1:$((18428 + port_offset)) -retentionPeriod=10y \
        -search.disableCache >"$dir/log" 2>&1 &
      pid=$!; query_url=http://127.0.0.1:$((18428 + port_offset)); ready=$query_url/health ;;
  esac
  url=$query_url/api/v1/write
  wait_ready "$ready"
  sleep 2 # start-up work (class loading, JIT) settles before the idle footprint is read
  R[$name.rss_ready]=$(kb "$pid" VmRSS)
  if [ "$name" = sightline ]; then
    # bin/sightline adds the JDK AOT cache when server/target/sightline.aot matches the jar: it changes start-up and warm-up.
    aot_cache=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n 's/^-XX:AOTCache=//p')
  fi
  echo "== $name: ingest" >&2
  bench io.sightline.bench.e2e.RemoteWriteLoadGenerator --url "$url" "${size[@]}" --connections "$connections" \
    --end-ms "$end_ms" | tee "$dir/load.txt" >&2
  local result; result=$(grep '^RESULT' "$dir/load.txt")
  R[$name.sps]=$(sed -E 's/.*samples_per_s=([0-9.]+).*/\1/' <<<"$result")
  R[$name.p50]=$(sed -E 's/.*p50_ms=([0-9.]+).*/\1/' <<<"$result")
  R[$name.p99]=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$result")
  R[$name.non2xx]=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$result")
  local samples; samples=$(sed -E 's/.*samples=([0-9]+) .*/\1/' <<<"$result")
  local series; series=$(grep -o 'building [0-9]* requests ([0-9]* series' "$dir/load.txt" | awk '{print $4}' | tr -d '(')
  sleep 5 # let background flushes settle before reading memory
  R[$name.hwm]=$(kb "$pid" VmHWM)
  R[$name.rss]=$(kb "$pid" VmRSS)
  R[$name.rss_per_series]=$(( R[$name.rss] * 1024 / series ))
  # What each series adds on top of the process's idle footprint (the fixed floor amortises with more series).
  R[$name.rss_growth_per_series]=$(( (R[$name.rss] - R[$name.rss_ready]) * 1024 / series ))
  echo "== $name: queries" >&2
  if [ "$rounds" -lt 30 ]; then
    # The dashboard queries need more than 6 minutes of data (their first window must hold whole intervals).
    echo "QUERY all skipped: $rounds rounds of 15 s is too short a span for the dashboard queries" | tee "$dir/queries.txt" >&2
  else
    bench io.sightline.bench.e2e.DashboardQueries run --url "$query_url" --end-ms "$end_ms" \
      --start-ms $(( end_ms - (rounds - 1) * 15000 )) --repeat 5 \
      --out "$work/$name.answers.json" | tee "$dir/queries.txt" >&2
  fi
  # After the dashboard queries: what the query path leaves resident (the heap grown for it and not given back).
  R[$name.rss_after_queries]=$(kb "$pid" VmRSS)
  R[$name.qtotal]=0
  while read -r _ q med _; do
    R[$name.q.$q]=${med#median_ms=}
    R[$name.qtotal]=$(awk -v a="${R[$name.qtotal]}" -v b="${med#median_ms=}" 'BEGIN{printf "%.1f", a+b}')
  done < <(grep '^QUERY' "$dir/queries.txt" | grep -v 'failed\|skipped')
  echo "== $name: flush and disk" >&2
  case "$name" in
    prometheus|sightline)
      # Both keep recent data in their head (WAL + memory) until it spans 1.5-3 block durations; a snapshot
      # (the same admin API route in both) writes the head as regular blocks, which is what the data costs
      # once persisted. Sightline's snapshot also holds its series registry's labels file (index/labels).
      curl -sf -XPOST "$query_url/api/v1/admin/tsdb/snapshot" >/dev/null
      if [ "$name" = sightline ]; then
        # Blocks only, as Prometheus's snapshot (its blocks carry their series' labels, like ours); the copy of
        # the series registry's labels file that makes the snapshot restorable gets a row of its own.
        R[$name.block_bytes]=$(du -scB1 "$dir"/data/snapshots/*/metrics | tail -1 | cut -f1)
        R[$name.registry_bytes]=$(du -scB1 "$dir"/data/snapshots/*/index | tail -1 | cut -f1)
      else
        R[$name.block_bytes]=$(du -sB1 "$dir/data/snapshots" | cut -f1)
      fi ;;
    victoriametrics)
      curl -sf "$query_url/internal/force_flush" >/dev/null || true
      curl -sf "$query_url/internal/force_merge" >/dev/null || true
      sleep 5
      R[$name.block_bytes]=$(du -scB1 "$dir/data/data" "$dir/data/indexdb" | tail -1 | cut -f1) ;;
  esac
  kill -TERM "$pid"; wait "$pid" || true; pid=""
  # Everything left on disk after a graceful stop (for Prometheus without the snapshot: WAL + head chunks).
  R[$name.disk_bytes]=$(du -sB1 --exclude=snapshots "$dir/data" | cut -f1)
  [ -n "${R[$name.block_bytes]:-}" ] || R[$name.block_bytes]=${R[$name.disk_bytes]}
  R[$name.bps]=$(awk -v b="${R[$name.block_bytes]}" -v s="$samples" 'BEGIN{printf "%.2f", b/s}')
  R[$name.bps_stop]=$(awk -v b="${R[$name.disk_bytes]}" -v s="$samples" 'BEGIN{printf "%.2f", b/s}')
  if [ -n "${R[$name.registry_bytes]:-}" ]; then
    R[$name.registry_bps]=$(awk -v b="${R[$name.registry_bytes]}" -v s="$samples" 'BEGIN{printf "%.2f", b/s}')
  fi
  if [ "$name" = sightline ]; then
    (cd "$dir/data" && du -sB1 ./* && du -sB1 ./snapshots/*/*) 2>/dev/null | sed 's/^/  sightline data: /' >&2 || true
  fi
}

for s in $systems; do run_system "$s"; done
for s in $systems; do
  [ "$s" = prometheus ] && continue
  [ -f "$work/$s.answers.json" ] && [ -f "$work/prometheus.answers.json" ] || continue
  bench io.sightline.bench.e2e.DashboardQueries agree "$work/prometheus.answers.json" "$work/$s.answers.json" \
    | sed "s/^AGREE/AGREE $s-vs-prometheus/" | tee -a "$work/agree.txt" >&2
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table ---
has() { [[ " $systems " == *" $1 "* ]]; }
val() { echo "${R[$1.$2]:--}"; }
ratio() { # sightline / other
  local a=${R[sightline.$2]:-} b=${R[$1.$2]:-}
  if [ -z "$a" ] || [ -z "$b" ] || ! has sightline || ! has "$1"; then echo "-"; return; fi
  awk -v a="$a" -v b="$b" 'BEGIN{ if (b == 0) print "-"; else printf "%.2f", a/b }'
}
row() { # label key better
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(val sightline "$2")" "$(val prometheus "$2")" \
    "$(val victoriametrics "$2")" "$(ratio prometheus "$2")" "$(ratio victoriametrics "$2")" "$3"
}
table=$(
  echo "| measure | Sightline | Prometheus | VictoriaMetrics | Sightline / Prometheus | Sightline / VictoriaMetrics | better |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
  row "ingest samples/s" sps higher
  row "request latency p50 ms" p50 lower
  row "request latency p99 ms" p99 lower
  row "non-2xx answers" non2xx lower
  row "peak RSS KiB (VmHWM)" hwm lower
  row "RSS after ingest KiB" rss lower
  row "RSS bytes per active series" rss_per_series lower
  row "RSS KiB when ready, before any data" rss_ready lower
  row "RSS growth per active series, bytes (after ingest minus when ready)" rss_growth_per_series lower
  row "RSS KiB after the query set" rss_after_queries lower
  row "disk bytes/sample, flushed (Prometheus, Sightline: snapshot blocks; VM: after force_merge)" bps lower
  row "disk bytes/sample of Sightline's series registry labels file (in its snapshot, not in the row above)" registry_bps lower
  row "disk bytes/sample after graceful stop (all files)" bps_stop lower
  for q in rate_by_route error_ratio p99_latency topk_temp cpu_24h_1m; do row "query $q median ms" "q.$q" lower; done
  row "queries total ms (sum of medians)" qtotal lower
)
jdk=$(java -version 2>&1 | head -1)
prom_v=$(prometheus --version 2>&1 | head -1 | awk '{print $3}' || true)
vm_v=$(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null || true)
report=$(cat <<EOT

## Remote-write comparison, $(date -u '+%Y-%m-%d %H:%M UTC'), size $size_name

Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB RAM; load average $load_start at start, $load_end at end.
JDK: $jdk. Sightline $(git rev-parse --short HEAD) (started by bin/sightline with its JVM flags: $(grep -m1 '^default_jvm_opts=' bin/sightline | cut -d'"' -f2); -XX:AOTCache=${aot_cache:-(none)}). Prometheus $prom_v, VictoriaMetrics $vm_v (Debian packages; VM with -search.disableCache).
Disk bytes are allocated blocks (du -B1), not apparent sizes (Chronicle Map files are sparse).
Workload: RemoteWriteLoadGenerator ${size[*]} --connections $connections (2000 samples per request, identical bytes to all three), systems run one after another. The dashboard queries ask for gzip, as Grafana does (DashboardQueries --encoding).

$table

Answer agreement (each against Prometheus 2.42; VictoriaMetrics's MetricsQL rate() does not extrapolate, so differences there are expected; topk may differ on ties; cpu_24h_1m's windows reach the series start, where Prometheus 2.x and 3.x extrapolate rate() differently):

\`\`\`
$(cat "$work/agree.txt" 2>/dev/null || echo "(not run)")
\`\`\`
EOT
)
echo "$report"
if [ "$write_results" = 1 ]; then
  echo "$report" >>benchmarks/RESULTS.md
  echo "appended to benchmarks/RESULTS.md" >&2
fi
