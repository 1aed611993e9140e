#!/usr/bin/env bash
# End-to-end OTLP/HTTP trace ingest benchmark: e2e-otlp.sh with OtlpTraceLoadGenerator against /v1/traces (span
# metrics on, as by default); reports spans/s, latency, peak RSS and bytes on disk (traces/ among them). Usage:
# benchmarks/e2e-otlp-traces.sh [--requests N --traces-per-request N --spans-per-trace N --services N --connections N]
set -euo pipefail
OTLP_GENERATOR=OtlpTraceLoadGenerator OTLP_PATH=/v1/traces BENCH_PORT_BASE=${BENCH_PORT_BASE:-20000} \
  exec "$(cd "$(dirname "$0")" && pwd)/e2e-otlp.sh" "$@"
