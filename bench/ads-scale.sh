#!/usr/bin/env bash
# bench/ads-scale.sh - xDS at scale: a real control plane in its own JVM and 1,000 simulated ADS
# clients in another.
#
# Usage: bench/ads-scale.sh [options] [-- harness options]
#   --no-build        use the existing bench/target/corral-benchmarks.jar
#   --in-process      the control plane in the clients' JVM (the shape before 2026-11-22 07:00 UTC)
#   --jfr             record JFR profiles (bench/results/ads-scale-<ts>/run.jfr, and cp.jfr of the
#                     control plane process)
#   --heap SIZE       -Xmx of the clients' (benchmark) JVM                          (default: 1g)
#   --cp-heap SIZE    -Xmx of the control plane process, after control-plane/jvm.options
#                     (default: none, the production flags as they are: serial GC, -Xmx256m,
#                     which took 1,000 clients connecting at once only after 2026-11-22 08:20
#                     UTC (flow control); most documented runs use 512m, see docs/benchmarks.md
#                     "xDS at scale")
#   -h, --help        this text
#   Harness options (dev.corral.bench.ads.AdsScaleBench, defaults in brackets):
#     --clients N [1000] --groups N [100] --services N [1000] --endpoints N [10] --namespaces N [50]
#     --changes N [10] --warmup-changes N [20] --warmup N [30] --iterations N [50] --only translate,ads [both]
#     --cp-jvm-arg ARG (an extra flag of the control plane process; repeatable)
#     --cp-jvm-options FILE [control-plane/jvm.options] (another options file, e.g. another GC)
#
# Part 1 (translate, in the clients' JVM): Translator.translate of the synthetic mesh (1,000
#   Services x 10 endpoints, one BalancePolicy each) for one node group, 30 warm-up then 50 timed
#   iterations (HdrHistogram), and for all groups at once (what one model change costs); heap
#   retained after GC by the model and by one group's resources.
# Part 2 (ads): the ControlPlane (the assembly `corral control-plane` runs) fed by an in-memory
#   model source, by default in its own JVM started with control-plane/jvm.options (what ./corral
#   and the container image use) and driven over stdin (dev.corral.bench.ads.ControlPlaneProcess);
#   N clients in this JVM, each its own gRPC connection, on one shared 2-thread Netty event loop
#   (directExecutor). Each subscribes like the sidecar's AdsClient (CDS+LDS, then EDS/RDS by name),
#   reads of a response what an ACK needs (resources skipped on the wire once names are known) and
#   ACKs every response. Then one BalancePolicy is changed (20 unmeasured warm-up changes, then N
#   measured; request and connect timeout: RDS and CDS change); per client: model change -> ACK
#   of every changed type (System.nanoTime, CLOCK_MONOTONIC: comparable between the two JVMs).
#   CPU per change: the control plane process from /proc/PID/stat (GC and JIT included), the
#   clients' event loop and JVM; GC collections and pauses of each JVM (also -Xlog:gc files).
#   Target: p99 <= 1 s at 1,000 clients.
# Prints a markdown report and writes it to bench/results/ads-scale-latest.md.
set -uo pipefail
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

BUILD=1; JFR=0; HEAP=1g; CP_HEAP=; IN_PROCESS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0; shift ;;
    --in-process) IN_PROCESS=1; shift ;;
    --jfr) JFR=1; shift ;;
    --heap) HEAP="$2"; shift 2 ;;
    --cp-heap) CP_HEAP="$2"; shift 2 ;;
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
LOG=(-Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
FLAGS=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC "${LOG[@]}" -Xlog:gc:file="$OUT/gc.log")
HARNESS=(--cp-jvm-options control-plane/jvm.options)
CP_FLAGS=("${LOG[@]}" -Xlog:gc:file="$OUT/cp-gc.log")
[ -n "$CP_HEAP" ] && CP_FLAGS+=(-Xmx"$CP_HEAP")
if [ "$JFR" = 1 ]; then
  FLAGS+=(-XX:StartFlightRecording=filename="$OUT/run.jfr",settings=profile)
  CP_FLAGS+=(-XX:StartFlightRecording=filename="$OUT/cp.jfr",settings=profile)
fi
if [ "$IN_PROCESS" = 1 ]; then
  HARNESS=(--in-process)
else
  for f in "${CP_FLAGS[@]}"; do HARNESS+=(--cp-jvm-arg "$f"); done
fi
java "${FLAGS[@]}" -cp "$JAR" dev.corral.bench.ads.AdsScaleBench "${HARNESS[@]}" "$@" | tee "$OUT/report.md"
rc=${PIPESTATUS[0]}
cp "$OUT/report.md" bench/results/ads-scale-latest.md
echo "GC logs: $OUT/gc.log (clients' JVM, or the one JVM)$([ "$IN_PROCESS" = 1 ] || echo ", $OUT/cp-gc.log (control plane)")"
if [ "$JFR" = 1 ]; then
  echo "JFR: $OUT/run.jfr and $OUT/cp.jfr (jfr print --events jdk.ExecutionSample $OUT/cp.jfr | ...)"
fi
exit "$rc"
