#!/usr/bin/env bash
# bench/ads-scale.sh - xDS at scale: a real control plane and 1,000 simulated ADS clients in one JVM.
#
# Usage: bench/ads-scale.sh [options] [-- harness options]
#   --no-build        use the existing bench/target/corral-benchmarks.jar
#   --jfr             record a JFR profile of the run (bench/results/ads-scale-<ts>/run.jfr)
#   --heap SIZE       -Xmx of the benchmark JVM                                   (default: 1g)
#   -h, --help        this text
#   Harness options (dev.corral.bench.ads.AdsScaleBench, defaults in brackets):
#     --clients N [1000] --groups N [100] --services N [1000] --endpoints N [10] --namespaces N [50]
#     --changes N [10] --warmup-changes N [3] --warmup N [30] --iterations N [50] --only translate,ads [both]
#
# Part 1 (translate): Translator.translate of the synthetic mesh (1,000 Services x 10 endpoints, one
#   BalancePolicy each) for one node group, 30 warm-up then 50 timed iterations (HdrHistogram), and
#   for all groups at once (what one model change costs); heap retained after GC by the model and
#   by one group's resources.
# Part 2 (ads): ControlPlane on 127.0.0.1 (port 0) fed by an in-memory model source; N clients,
#   each its own gRPC connection, on one shared 2-thread Netty event loop (directExecutor). Each
#   subscribes like the sidecar's AdsClient (CDS+LDS, then EDS/RDS by name) and ACKs every response.
#   Then one BalancePolicy is changed (3 unmeasured warm-up changes, then N measured; request and
#   connect timeout: RDS and CDS change);
#   per client: model change -> ACK of every changed type. Target: p99 <= 1 s at 1,000 clients.
# Prints a markdown report and writes it to bench/results/ads-scale-latest.md.
set -uo pipefail
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

BUILD=1; JFR=0; HEAP=1g
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0; shift ;;
    --jfr) JFR=1; shift ;;
    --heap) HEAP="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) break ;;
  esac
done

REPO_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO_ROOT" || exit 1
JAR=bench/target/corral-benchmarks.jar
if [ "$BUILD" = 1 ]; then
  ./mvnw -q -o -B install -DskipTests || { echo "build failed" >&2; exit 1; }
fi
[ -f "$JAR" ] || { echo "no $JAR (./mvnw -q -o -B install -DskipTests)" >&2; exit 1; }

OUT="bench/results/ads-scale-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
FLAGS=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
if [ "$JFR" = 1 ]; then
  FLAGS+=(-XX:StartFlightRecording=filename="$OUT/run.jfr",settings=profile)
fi
java "${FLAGS[@]}" -cp "$JAR" dev.corral.bench.ads.AdsScaleBench "$@" | tee "$OUT/report.md"
rc=${PIPESTATUS[0]}
cp "$OUT/report.md" bench/results/ads-scale-latest.md
if [ "$JFR" = 1 ]; then
  echo "JFR: $OUT/run.jfr (jfr print --events jdk.ExecutionSample $OUT/run.jfr | ...)"
fi
exit "$rc"
