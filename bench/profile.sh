#!/usr/bin/env bash
# bench/profile.sh - CPU and allocation profiles of the Corral sidecar under load (async-profiler).
#
# Usage: bench/profile.sh [options]
#   --lib PATH        libasyncProfiler.so (default: $ASYNC_PROFILER_LIB, else /tmp/ap/linux-x64/...;
#                     it is in tools.profiler:async-profiler:4.1 on Maven Central, linux-x64/)
#   --warmup SEC      unmeasured load before each protocol's profiles     (default: 15)
#   --duration SEC    length of each profiled window                      (default: 15)
#   --concurrency N   corral --concurrency                                (default: 1)
#   --phases LIST     h1,h2 (HTTP/1.1 with wrk -t1 -c64; h2c with h2load -c16 -m10)  (default: both)
#   -h, --help        this text
#   Environment: PROFILE_PORT_BASE (default 19100; BASE+1..BASE+5 on 127.0.0.1 are used).
#
# The sidecar starts with CORRAL_JVM_FLAGS="@sidecar/jvm.options -agentpath:LIB=start,event=cpu,..."
# behind 3 nginx backends (128-byte `return 200`, as in run.sh). Per protocol: warm-up, then the
# warm-up profile is thrown away and clean windows are recorded by re-attaching the agent with
# jcmd (JVMTI.agent_load; the options are passed in inner double quotes, otherwise jcmd's parser
# takes "start,event=cpu" for a key=value pair and the agent gets no options):
#   cpu-<proto>.collapsed    event=cpu, interval=1ms, collapsed stacks (samples)
#   alloc-<proto>.collapsed  event=alloc, collapsed, total (bytes)
# plus requests completed and sidecar CPU per request of each window (profiler overhead included).
# Output: bench/results/profile-<timestamp>/. Flame graphs: feed the .collapsed files to
# flamegraph.pl, or read them with any collapsed-stack tool.
set -uo pipefail
usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

LIB="${ASYNC_PROFILER_LIB:-/tmp/ap/linux-x64/libasyncProfiler.so}"
WARMUP=15; DURATION=15; CONC=1; PHASES="h1,h2"
while [ $# -gt 0 ]; do
  case "$1" in
    --lib) LIB="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --concurrency) CONC="$2"; shift 2 ;;
    --phases) PHASES="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$LIB" ] || { echo "no async-profiler library at $LIB (--lib)" >&2; exit 1; }
for c in nginx wrk h2load curl jcmd; do command -v "$c" >/dev/null || { echo "missing tool: $c" >&2; exit 1; }; done

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/corral-bootstrap.sh
. "$SCRIPT_DIR/lib/corral-bootstrap.sh"
D="$SCRIPT_DIR/results/profile-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$D"
PB="${PROFILE_PORT_BASE:-19100}"; PORT=$((PB+4)); ADMIN=$((PB+5))
BODY="$(printf 'corral-bench-%0115d' 0)"
log() { echo "[profile $(date +%H:%M:%S)] $*" >&2; }
PIDS=()
tree_pids() { local out="$1" k; for k in $(pgrep -P "$1" 2>/dev/null); do out="$out $(tree_pids "$k")"; done; echo "$out"; }
cleanup() { local p q; for p in "${PIDS[@]}"; do for q in $(tree_pids "$p"); do kill -TERM "$q" 2>/dev/null; done; done
  sleep 1; for p in "${PIDS[@]}"; do for q in $(tree_pids "$p"); do kill -KILL "$q" 2>/dev/null; done; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for i in 1 2 3; do
  b="$D/backend$i"; mkdir -p "$b/tmp"
  cat > "$b/nginx.conf" <<EOF
worker_processes 1; pid $b/nginx.pid; error_log $b/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 300s;
  client_body_temp_path $b/tmp/body; proxy_temp_path $b/tmp/proxy; fastcgi_temp_path $b/tmp/f;
  uwsgi_temp_path $b/tmp/u; scgi_temp_path $b/tmp/s;
  server { listen 127.0.0.1:$((PB+i)) backlog=4096; location / { default_type text/plain; return 200 "$BODY"; } } }
EOF
  nginx -p "$b" -c "$b/nginx.conf" -g 'daemon off;' >"$b/stdout.log" 2>&1 & PIDS+=($!)
done
corral_bootstrap "$ADMIN" "$PORT" "" "" $((PB+1)) $((PB+2)) $((PB+3)) > "$D/bootstrap.yaml"
(cd "$REPO_ROOT" && CORRAL_JVM_FLAGS="@sidecar/jvm.options -agentpath:$LIB=start,event=cpu,interval=1ms,file=$D/startup.collapsed,collapsed" \
  exec ./corral sidecar --bootstrap "$D/bootstrap.yaml" --concurrency "$CONC") >"$D/corral.log" 2>&1 &
JP=$!; PIDS+=($JP)
for i in $(seq 1 200); do
  [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PORT/")" = 200 ] && break
  kill -0 "$JP" 2>/dev/null || { echo "sidecar exited; see $D/corral.log" >&2; exit 1; }
  sleep 0.3
done
log "sidecar up (pid $JP); load average $(cut -d' ' -f1-3 /proc/loadavg)"

agent() { jcmd "$JP" JVMTI.agent_load "$LIB" "\"$1\"" | grep -q "return code: 0" || log "agent command failed: $1"; }
ticks() { awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$JP/stat"; }
load() { # proto seconds out
  if [ "$1" = h1 ]; then wrk -t1 -c64 -d"${2}s" "http://127.0.0.1:$PORT/" > "$3" 2>&1
  else h2load -t1 -c16 -m10 -D "$2" "http://127.0.0.1:$PORT/" > "$3" 2>&1; fi
}
reqs() { if [ "$1" = h1 ]; then awk '/requests in/ {print $1}' "$2"; else awk '/^requests:/ {print $8}' "$2"; fi; }
agent "stop,file=$D/startup.collapsed,collapsed"   # the start-up profile ends here
for proto in ${PHASES//,/ }; do
  log "$proto: warm-up ${WARMUP}s"
  load "$proto" "$WARMUP" "$D/$proto-warmup.txt"
  for ev in cpu alloc; do
    if [ "$ev" = cpu ]; then agent "start,event=cpu,interval=1ms"; else agent "start,event=alloc"; fi
    t0="$(ticks)"
    load "$proto" "$DURATION" "$D/$proto-$ev-load.txt"
    t1="$(ticks)"
    extra=""; [ "$ev" = alloc ] && extra=",total"
    agent "stop,file=$D/$ev-$proto.collapsed,collapsed$extra"
    n="$(reqs "$proto" "$D/$proto-$ev-load.txt")"
    echo "$proto $ev: ${n:-0} requests, $(awk -v t=$((t1 - t0)) -v c="$(getconf CLK_TCK)" -v n="${n:-0}" \
      'BEGIN { if (n > 0) printf "%.1f", t / c * 1e6 / n; else print "-" }') µs sidecar CPU/request (profiler on)" | tee -a "$D/summary.txt"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$D/summary.txt"
log "profiles in ${D#$REPO_ROOT/}/"
