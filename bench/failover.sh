#!/usr/bin/env bash
# bench/failover.sh - resilience benchmark: kill -9 one of three backends under steady paced load,
# side by side through nginx, HAProxy and the Corral sidecar, in ONE run (all three proxies are
# loaded at the same time and lose the same backend at the same instant).
#
# Usage: bench/failover.sh [options]
#   --duration SEC     length of the load                                      (default: 20)
#   --kill-at SEC      when backend 2 is killed (master and worker, SIGKILL)   (default: 7)
#   --rate RPS         target rate per proxy                                   (default: 500)
#   --connections N    wrk connections per proxy                               (default: 10)
#   --warmup SEC       unmeasured load per proxy before the run: JIT warm-up   (default: 20)
#   --only LIST        comma list of nginx,haproxy,corral                      (default: all three)
#   --workers N        worker processes/threads/event loops of EACH proxy: nginx worker_processes,
#                      HAProxy nbthread, Corral --concurrency (default: 1; 2 = what each of the
#                      three starts with by default on this 2-core machine)
#   --pacing MODE      steady: the connections share one schedule of send slots, 1/RATE s apart,
#                      so requests arrive evenly spaced (the issue's "steady load"); lockstep: each
#                      connection waits N/RATE s after each response, and as all N start together
#                      the requests arrive in bursts of N (how this bench paced before 2026-11-22)
#                                                                               (default: steady)
#   -h, --help         this text
#   Environment: FAILOVER_PORT_BASE (default 19000; ports BASE+1..BASE+9 on 127.0.0.1 are used),
#                CORRAL_CMD (command that starts the sidecar; gets "--bootstrap FILE --concurrency N"
#                appended; default ./corral sidecar), CORRAL_NO_TRAFFIC_INTERVAL (e.g. 0.2s: adds
#                no_traffic_interval to Corral's health check; unset = Envoy's default 60s),
#                CORRAL_MAX_RETRIES (e.g. 100: circuit_breakers max_retries instead of the default
#                retry budget below).
#              Corral's default here is a retry budget (20 % of requests in flight, at least 10
#              retries in flight): nginx's proxy_next_upstream and HAProxy's retries have no
#              concurrency cap at all, while Envoy's default max_retries of 3 would refuse
#              retries at ~500 rps the moment a host dies.
#
# Load generator: wrk (4.1, no -R in Debian's wrk) with a Lua script that paces the sends through
# wrk's delay() (see --pacing); a connection sends again only after its answer, so the rate is
# slightly under RATE when answers are slow. wrk is used rather
# than h2load because wrk reconnects after a socket error and counts each error once, whereas
# h2load in -n mode gives up a client after a connection failure. wrk times each request from
# when it is written, so the delay is not part of the latency. --timeout 2s.
# Client-visible errors = non-2xx/3xx responses + socket errors (connect, read, write, timeout).
# Reported next to them: requests still unanswered when the run ends. wrk only counts a timeout
# when the late answer arrives, so a request that hangs forever is otherwise invisible; 0 or 1 per
# proxy are legitimately in flight at the last instant, more means requests hung (each hung
# request also stalls its connection, which shows as a lower achieved RPS).
# The Lua script also logs the second (since start) of every non-2xx response, so the report
# says when the errors happened relative to the kill. The warm-up (default 20 s, unmeasured, the
# same for every proxy) is two wrk runs back to back: JIT warm-up, including the paths of closing
# and opening client connections, which the measured run takes at once.
#
# Proxies (--workers workers / threads / event loops each, default one):
#   nginx   - upstream keepalive 32, max_fails=1 fail_timeout=10s,
#             proxy_next_upstream error timeout http_502 http_503 http_504, proxy_next_upstream_tries 3
#   haproxy - balance roundrobin, retries 2, option redispatch, option httpchk GET /,
#             server ... check inter 200 fall 2 rise 2 observe layer7 error-limit 1 on-error mark-down,
#             http-reuse always
#   corral  - route retry_policy {retry_on: connect-failure,reset,5xx, num_retries: 2,
#             previous_hosts predicate, host_selection_retry_max_attempts: 3}; cluster health_checks
#             (interval 0.2s, timeout 1s, unhealthy_threshold 2, healthy_threshold 2, http path /),
#             outlier_detection (consecutive_5xx 3, split_external_local_origin_errors,
#             consecutive_local_origin_failure 1, max_ejection_percent 100, interval 1s,
#             base_ejection_time 10s: one local failure ejects, like nginx's max_fails=1 and
#             HAProxy's error-limit 1 on-error mark-down)
# Where the tail is: each request carries ?i=N, the backends echo it as X-Req, and the Lua script
# writes "send_epoch_us latency_us status" per answered request to <proxy>-timeline.txt; the report
# adds the p99 without the second after the kill, per-second latency (timeline-<proxy>.md), CPU per
# request per proxy (/proc), and for Corral a GC/safepoint log and per-thread CPU. "p99 sent alone"
# is the p99 over the requests no other proxy's request was sent within 150 µs of
# (bench/lib/tail.py): each wrk's send slots drift against the others' (1 ms timers), so how often
# a proxy's requests meet the other two loads on the two cores changes from run to run.
# After the run, Corral's /clusters and /stats/prometheus are saved next to the raw outputs.
# Everything lives in bench/results/failover-<timestamp>/; every process is killed on exit.
set -uo pipefail

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

DURATION=20; KILL_AT=7; RATE=500; CONNS=10; WARMUP=20; WORKERS=1; ONLY="nginx,haproxy,corral"; PACING=steady
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --kill-at) KILL_AT="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --connections) CONNS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --pacing) PACING="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$PACING" == steady || "$PACING" == lockstep ]] || { echo "--pacing is steady or lockstep, got '$PACING'" >&2; exit 2; }
for v in "$DURATION" "$KILL_AT" "$RATE" "$CONNS" "$WARMUP" "$WORKERS"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "numeric option expected, got '$v'" >&2; exit 2; }
done
[ "$KILL_AT" -lt "$DURATION" ] && [ "$RATE" -ge 1 ] && [ "$CONNS" -ge 1 ] && [ "$WORKERS" -ge 1 ] || { echo "need kill-at < duration, rate, connections and workers >= 1" >&2; exit 2; }
for c in nginx haproxy wrk curl pgrep ss; do command -v "$c" >/dev/null || { echo "missing tool: $c (bench/run.sh installs them)" >&2; exit 1; }; done

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/corral-bootstrap.sh
. "$SCRIPT_DIR/lib/corral-bootstrap.sh"
RUN_DIR="$SCRIPT_DIR/results/failover-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR"
PB="${FAILOVER_PORT_BASE:-19000}"
BACKEND=($((PB+1)) $((PB+2)) $((PB+3)))
P_nginx=$((PB+4)); P_haproxy=$((PB+5)); P_corral=$((PB+6)); CORRAL_ADMIN=$((PB+7))
ulimit -n 65536 2>/dev/null || true
log() { echo "[failover $(date +%H:%M:%S)] $*" >&2; }
for p in "${BACKEND[@]}" $P_nginx $P_haproxy $P_corral $CORRAL_ADMIN; do
  ss -ltnH "sport = :$p" 2>/dev/null | grep -q . && { echo "port $p in use; set FAILOVER_PORT_BASE" >&2; exit 1; }
done

PIDS=()
tree_pids() { local out="$1" k; for k in $(pgrep -P "$1" 2>/dev/null); do out="$out $(tree_pids "$k")"; done; echo "$out"; }
stop_tree() {
  local all p i alive; all="$(tree_pids "$1")"
  for p in $all; do kill -TERM "$p" 2>/dev/null; done
  for i in $(seq 1 30); do alive=0; for p in $all; do kill -0 "$p" 2>/dev/null && alive=1; done; [ $alive = 0 ] && break; sleep 0.1; done
  for p in $all; do kill -KILL "$p" 2>/dev/null; done
  wait "$1" 2>/dev/null
}
cleanup() { local p; for p in "${PIDS[@]}"; do stop_tree "$p"; done; PIDS=(); }
trap cleanup EXIT
trap 'exit 130' INT TERM
wait_http() { # url timeout pid
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$3" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}

BODY="$(printf 'corral-bench-%0115d' 0)"   # 128 bytes, as in run.sh
# ---------------------------------------------------------------- backends
BPID=()
for i in 0 1 2; do
  d="$RUN_DIR/backend$((i+1))"; mkdir -p "$d/tmp"
  cat > "$d/nginx.conf" <<EOF
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $d/tmp/body; proxy_temp_path $d/tmp/proxy; fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi; scgi_temp_path $d/tmp/scgi;
  server {
    listen 127.0.0.1:${BACKEND[$i]} backlog=4096;
    # X-Req echoes the client's request id (?i=N) so the Lua script can time every request
    location / { default_type text/plain; add_header X-Req \$arg_i; return 200 "$BODY"; }
  }
}
EOF
  nginx -p "$d" -c "$d/nginx.conf" -g 'daemon off;' >"$d/stdout.log" 2>&1 &
  BPID+=($!); PIDS+=($!)
  wait_http "http://127.0.0.1:${BACKEND[$i]}/" 10 "${BPID[$i]}" || { echo "backend $((i+1)) failed to start" >&2; exit 1; }
done
log "backends up on ${BACKEND[*]}"

# ---------------------------------------------------------------- proxies
declare -A PID=()
TARGETS=()
for t in nginx haproxy corral; do [[ ",$ONLY," == *",$t,"* ]] && TARGETS+=("$t"); done

if [[ " ${TARGETS[*]} " == *" nginx "* ]]; then
  d="$RUN_DIR/nginx"; mkdir -p "$d/tmp"
  cat > "$d/nginx.conf" <<EOF
worker_processes $WORKERS;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $d/tmp/body; proxy_temp_path $d/tmp/proxy; fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi; scgi_temp_path $d/tmp/scgi;
  upstream backends {
    server 127.0.0.1:${BACKEND[0]} max_fails=1 fail_timeout=10s;
    server 127.0.0.1:${BACKEND[1]} max_fails=1 fail_timeout=10s;
    server 127.0.0.1:${BACKEND[2]} max_fails=1 fail_timeout=10s;
    keepalive 32;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$P_nginx backlog=4096;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_next_upstream error timeout http_502 http_503 http_504;
      proxy_next_upstream_tries 3;
    }
  }
}
EOF
  nginx -p "$d" -c "$d/nginx.conf" -g 'daemon off;' >"$d/stdout.log" 2>&1 &
  PID[nginx]=$!; PIDS+=($!)
fi

if [[ " ${TARGETS[*]} " == *" haproxy "* ]]; then
  d="$RUN_DIR/haproxy"; mkdir -p "$d"
  cat > "$d/haproxy.cfg" <<EOF
global
  nbthread $WORKERS
  maxconn 4096
defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 300s
  option http-keep-alive
  retries 2
  option redispatch
frontend fe
  bind 127.0.0.1:$P_haproxy
  default_backend backends
backend backends
  balance roundrobin
  http-reuse always
  option httpchk GET /
  default-server check inter 200 fall 2 rise 2 observe layer7 error-limit 1 on-error mark-down
  server b1 127.0.0.1:${BACKEND[0]}
  server b2 127.0.0.1:${BACKEND[1]}
  server b3 127.0.0.1:${BACKEND[2]}
EOF
  haproxy -f "$d/haproxy.cfg" -db >"$d/stdout.log" 2>&1 &
  PID[haproxy]=$!; PIDS+=($!)
fi

if [[ " ${TARGETS[*]} " == *" corral "* ]]; then
  d="$RUN_DIR/corral"; mkdir -p "$d"
  NTI=""; [ -n "${CORRAL_NO_TRAFFIC_INTERVAL:-}" ] && NTI="no_traffic_interval: ${CORRAL_NO_TRAFFIC_INTERVAL}"
  CB="circuit_breakers: { thresholds: [ { retry_budget: { budget_percent: { value: 20 }, min_retry_concurrency: 10 } } ] }"
  [ -n "${CORRAL_MAX_RETRIES:-}" ] && CB="circuit_breakers: { thresholds: [ { max_retries: ${CORRAL_MAX_RETRIES} } ] }"
  ROUTE_EXTRA='                  retry_policy:
                    retry_on: "connect-failure,reset,5xx"
                    num_retries: 2
                    retry_host_predicate:
                    - name: envoy.retry_host_predicates.previous_hosts
                    host_selection_retry_max_attempts: 3'
  CLUSTER_EXTRA="    $CB
    health_checks:
    - timeout: 1s
      interval: 0.2s
      unhealthy_threshold: 2
      healthy_threshold: 2
      $NTI
      http_health_check: { path: / }
    outlier_detection:
      consecutive_5xx: 3
      split_external_local_origin_errors: true
      consecutive_local_origin_failure: 1
      max_ejection_percent: 100
      interval: 1s
      base_ejection_time: 10s"
  corral_bootstrap "$CORRAL_ADMIN" "$P_corral" "$ROUTE_EXTRA" "$CLUSTER_EXTRA" "${BACKEND[@]:0:3}" > "$d/bootstrap.yaml"
  cmd="${CORRAL_CMD:-./corral sidecar}"
  echo "$cmd --bootstrap $d/bootstrap.yaml --concurrency $WORKERS" > "$d/command.txt"
  # GC, safepoint and JIT logs (cheap, written asynchronously) to tell GC pauses and compilations
  # (or code made not entrant) from other tail causes
  JF="${CORRAL_JVM_FLAGS:-@$REPO_ROOT/sidecar/jvm.options} -Xlog:gc,safepoint:file=$d/gc.log:utctime,uptime,level,tags -Xlog:jit+compilation=debug:file=$d/jit.log:utctime,uptime"
  echo "CORRAL_JVM_FLAGS=\"$JF\"" >> "$d/command.txt"
  (cd "$REPO_ROOT" && CORRAL_JVM_FLAGS="$JF" exec $cmd --bootstrap "$d/bootstrap.yaml" --concurrency "$WORKERS") >"$d/stdout.log" 2>&1 &
  PID[corral]=$!; PIDS+=($!)
fi

READY=()
for t in "${TARGETS[@]}"; do
  pv="P_$t"; to=10; [ "$t" = corral ] && to=60
  if wait_http "http://127.0.0.1:${!pv}/" "$to" "${PID[$t]}"; then READY+=("$t"); log "$t up on ${!pv}"
  else log "$t failed to start (see $RUN_DIR/$t)"; fi
done
[ ${#READY[@]} -gt 0 ] || exit 1

# ---------------------------------------------------------------- load
DELAY_MS="$(awk -v c="$CONNS" -v r="$RATE" 'BEGIN { printf "%.3f", 1000 * c / r }')"
PERIOD_US="$(awk -v r="$RATE" 'BEGIN { printf "%d", 1000000 / r }')"
if [ "$PACING" = steady ]; then
  PACING_TEXT="steady: one send slot every ${PERIOD_US} µs shared by the $CONNS connections"
  DELAY_LUA="-- steady: the connections share one schedule of send slots, one every ${PERIOD_US} µs; a connection
-- whose answer came back takes the next free slot (never one in the past, so a stall is not
-- followed by a catch-up burst). wrk's timers have 1 ms resolution.
local next_slot = 0
function delay()
  local now = now_us()
  if next_slot < now then next_slot = now end
  local wait_ms = (next_slot - now) / 1000
  next_slot = next_slot + ${PERIOD_US}
  return wait_ms
end"
else
  PACING_TEXT="lockstep: each connection waits ${DELAY_MS} ms after each response"
  DELAY_LUA="-- lockstep: each connection waits ${DELAY_MS} ms after a response; all start together, so the
-- $CONNS requests arrive as one burst every ~${DELAY_MS} ms
function delay() return ${DELAY_MS} end"
fi
cat > "$RUN_DIR/paced.lua" <<EOF
-- ~$RATE rps over $CONNS connections, pacing $PACING_TEXT
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } corral_ts; int clock_gettime(int, corral_ts *); ]]
local ts = ffi.new("corral_ts")
local function now_us() ffi.C.clock_gettime(0, ts); return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000) end
local t0 = nil
local timeline, started, seq = nil, {}, 0
sent, recv = 0, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
-- optional argument: a file that gets one line per answered request, "send_epoch_us latency_us status";
-- the request id travels as ?i=N and comes back in the backends' X-Req header
function init(args) if args[1] then timeline = io.open(args[1], "w"); timeline:setvbuf("full", 65536) end end
${DELAY_LUA}
function request()
  sent = sent + 1; seq = seq + 1
  started[seq] = now_us()
  return wrk.format(nil, "/?i=" .. seq)
end
function response(status, headers, body)
  recv = recv + 1
  if t0 == nil then t0 = os.time() end
  if status < 200 or status >= 400 then
    io.stderr:write(string.format("non2xx status=%d second=%d\\n", status, os.time() - t0))
  end
  local id = tonumber(headers["X-Req"] or headers["x-req"])  -- HAProxy lower-cases header names
  local t = id and started[id]
  if t then
    started[id] = nil
    if timeline then timeline:write(t, " ", now_us() - t, " ", status, "\\n") end
  end
end
-- wrk counts a timeout only when the late response arrives: a request that never gets an answer
-- is invisible in its error counts, so the requests still unanswered at the end are printed here
function done(summary, latency, requests)
  local s, r = 0, 0
  for _, t in ipairs(threads) do s = s + t:get("sent"); r = r + t:get("recv") end
  io.write(string.format("unanswered at end: %d (sent %d, answered %d)\\n", s - r, s, r))
end
EOF
# Warm-up, the same for every proxy: JIT (a sidecar runs for hours; this one started seconds ago),
# connection pools, and (Corral) "the cluster has carried traffic". Two wrk runs one after the
# other, so that closing and opening client connections has been seen too (the measured run
# starts with new connections; the JVM compiles those paths when first taken).
if [ "$WARMUP" -gt 0 ]; then
  for half in $(( WARMUP - WARMUP / 2 )) $(( WARMUP / 2 )); do
    [ "$half" -gt 0 ] || continue
    for t in "${READY[@]}"; do
      pv="P_$t"; timeout $((half + 20)) wrk -t1 -c"$CONNS" -d"${half}s" -s "$RUN_DIR/paced.lua" "http://127.0.0.1:${!pv}/" >/dev/null 2>&1 &
    done
    sleep "$half"; sleep 0.5
  done
  sleep 0.5
fi

log "load: ${#READY[@]} x wrk -t1 -c$CONNS -d${DURATION}s --latency --timeout 2s (pacing $PACING_TEXT); kill -9 backend 2 at ${KILL_AT}s"
declare -A WRK=()
# CPU time (user + system, clock ticks) of a process tree: the proxy's cost over the measured run
tree_ticks() { local p sum=0; for p in $(tree_pids "$1"); do sum=$(( sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) )); done; echo "$sum"; }
declare -A TICKS0=()
for t in "${READY[@]}"; do TICKS0[$t]="$(tree_ticks "${PID[$t]}")"; done
# per-thread CPU of the JVM (event loop, JIT compilers, GC...): where Corral's CPU goes
jvm_threads() { local j f
  for j in $(tree_pids "${PID[corral]}"); do [ -d "/proc/$j/task" ] && [ "$(cat /proc/$j/comm)" = java ] && break; done
  for f in /proc/$j/task/*/stat; do awk '{n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*/, "", n); gsub(/ /, "_", n); split(substr($0, index($0, ") ") + 2), a, " "); print n, a[12] + a[13]}' "$f" 2>/dev/null; done; }
[ -n "${PID[corral]:-}" ] && jvm_threads > "$RUN_DIR/corral-threads-before.txt"
T0="$(date +%s.%N)"
for t in "${READY[@]}"; do
  pv="P_$t"
  timeout $((DURATION * 3 + 30)) wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency --timeout 2s -s "$RUN_DIR/paced.lua" \
    "http://127.0.0.1:${!pv}/" -- "$RUN_DIR/$t-timeline.txt" >"$RUN_DIR/$t-wrk.txt" 2>"$RUN_DIR/$t-wrk.err" &
  WRK[$t]=$!
done
sleep "$KILL_AT"
VICTIM="${BPID[1]}"
KILLSET="$(tree_pids "$VICTIM")"   # nginx master (the pid we started) and its worker
kill -KILL $KILLSET 2>/dev/null
TK="$(date +%s.%N)"; echo "$T0 $TK" > "$RUN_DIR/t0-kill.txt"
log "killed backend 2 (pids $KILLSET) at $(awk -v a="$T0" -v b="$TK" 'BEGIN { printf "%.2f", b - a }') s"
for t in "${READY[@]}"; do wait "${WRK[$t]}"; done
[ -n "${PID[corral]:-}" ] && jvm_threads > "$RUN_DIR/corral-threads-after.txt"
declare -A CPU_MS=()
for t in "${READY[@]}"; do CPU_MS[$t]=$(( ($(tree_ticks "${PID[$t]}") - TICKS0[$t]) * 1000 / $(getconf CLK_TCK) )); done
log "load done"

if [[ " ${READY[*]} " == *" corral "* ]]; then
  curl -s -m 5 "http://127.0.0.1:$CORRAL_ADMIN/clusters" > "$RUN_DIR/corral-clusters.txt"
  curl -s -m 5 "http://127.0.0.1:$CORRAL_ADMIN/stats/prometheus" > "$RUN_DIR/corral-stats.prom"
fi
if [[ " ${READY[*]} " == *" haproxy "* ]]; then grep -iE "DOWN|UP" "$RUN_DIR/haproxy/stdout.log" | head -20 > "$RUN_DIR/haproxy-state.txt"; fi

# ---------------------------------------------------------------- report

# Where the tail is: from a proxy's timeline (send_epoch_us latency_us status per request), the
# p99 without the 1 s after the kill, how many of the slowest 1 % were sent in that second, and
# per-second p50/p99/max (timeline-<proxy>.md).
timeline_summary() { # proxy -> "steady p99 ms|slowest 1 % in kill second|slowest 5 (s after start:ms)"
  local f="$RUN_DIR/$1-timeline.txt"; [ -s "$f" ] || { echo "-|-|-"; return; }
  sort -n -k2,2 "$f" | awk -v t0="$T0" -v tk="$TK" -v out="$RUN_DIR/timeline-$1.md" '
    function pct(a, n, q) { return n ? a[int((n - 1) * q) + 1] : 0 }
    { s = ($1 / 1e6) - t0; inkill = ($1 / 1e6 >= tk && $1 / 1e6 < tk + 1); n++; lat[n] = $2; sec[n] = s; kw[n] = inkill
      if (!inkill) { m++; st[m] = $2 }
      b = int(s); bn[b]++; bl[b, bn[b]] = $2; if (b > maxb) maxb = b }
    END {
      k = int(n / 100); hit = 0; for (i = n - k + 1; i <= n; i++) hit += kw[i]
      slow = ""; for (i = n; i > n - 5 && i > 0; i--) slow = slow sprintf("%.1f:%.1f ", sec[i], lat[i] / 1000)
      printf "| second | requests | p50 ms | p99 ms | max ms |\n| ---: | ---: | ---: | ---: | ---: |\n" > out
      for (b = 0; b <= maxb; b++) { delete a; for (j = 1; j <= bn[b]; j++) a[j] = bl[b, j]
        printf "| %d%s | %d | %.2f | %.2f | %.2f |\n", b, (b == int(tk - t0) ? " (kill)" : ""), bn[b], pct(a, bn[b], .5) / 1000, pct(a, bn[b], .99) / 1000, a[bn[b]] / 1000 > out }
      printf "%.2f|%d of %d|%s", pct(st, m, .99) / 1000, hit, k, slow }'
}
to_ms() { awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'; }
REPORT="$RUN_DIR/report.md"
{
  echo "# Failover: kill -9 one of 3 backends under ~$RATE rps per proxy"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- workers per proxy: $WORKERS (nginx worker_processes, HAProxy nbthread, Corral --concurrency); Corral's slot: ${CORRAL_CMD:-./corral sidecar}${STICKY:+ STICKY=$STICKY}${RELAY_ALL:+ RELAY_ALL=$RELAY_ALL}"
  echo "- load: wrk -t1 -c$CONNS -d${DURATION}s --timeout 2s, pacing $PACING_TEXT; all proxies loaded at once; backend 2 (master + worker) killed with SIGKILL at ${KILL_AT} s"
  echo
  echo "| proxy | requests | achieved RPS | errors (non-2xx + socket) | non-2xx | socket errors (connect/read/write/timeout) | unanswered at end | p50 ms | p99 ms | max ms | non-2xx by second | p99 without the kill second | slowest 1 % in the kill second | 5 slowest (s:ms) | p99 sent alone ms (requests) | proxy CPU µs/request |"
  echo "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |"
  ALONE="$(python3 "$REPO_ROOT/bench/lib/tail.py" --alone "$RUN_DIR" 2>/dev/null)"
  for t in "${TARGETS[@]}"; do
    f="$RUN_DIR/$t-wrk.txt"
    if [ ! -s "$f" ]; then echo "| $t | failed to start | | | | | | | | | |"; continue; fi
    reqs="$(awk '/requests in/ {print $1}' "$f")"
    rps="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f")"
    non2="$(awk '/Non-2xx/ {print $NF}' "$f")"; non2="${non2:-0}"
    sock="$(awk '/Socket errors/ {gsub(",",""); print $4"/"$6"/"$8"/"$10}' "$f")"; sock="${sock:-0/0/0/0}"
    sockn="$(echo "$sock" | awk -F/ '{print $1+$2+$3+$4}')"
    p50="$(to_ms "$(awk '$1=="50%" {print $2}' "$f")")"; p99="$(to_ms "$(awk '$1=="99%" {print $2}' "$f")")"
    mx="$(to_ms "$(awk '/Latency/ && !/Distribution/ {print $4; exit}' "$f")")"
    bys="$(awk '/^non2xx/ {split($3,a,"="); n[a[2]]++} END {for (s in n) printf "%ss:%d ", s, n[s]}' "$RUN_DIR/$t-wrk.err" 2>/dev/null)"
    hung="$(awk '/^unanswered at end:/ {print $4}' "$f")"; hung="${hung:-0}"
    IFS='|' read -r tp99 thit tslow <<< "$(timeline_summary "$t")"
    echo "| $t | $reqs | $rps | $(( non2 + sockn )) | $non2 | $sock | $hung | $p50 | $p99 | $mx | ${bys:--} | $tp99 | $thit | $tslow | $(awk -v t="$t" '$1 == t { printf "%.2f (%d)", $2 / 1000, $3 }' <<< "$ALONE") | $(awk -v c="${CPU_MS[$t]:-0}" -v n="$reqs" 'BEGIN { printf "%.0f", n ? c * 1000 / n : 0 }') |"
  done
  echo
  if [ -s "$RUN_DIR/corral-stats.prom" ]; then
    echo "Corral, requests that met the dead host: $(awk '/^corral_upstream_cx_connect_fail_total/ {cf += $2} /^corral_upstream_rq_retry_total/ {r = $1; sub(/.*reason="/, "", r); sub(/".*/, "", r); rt = rt sprintf(", retries (%s) %d", r, $2)} /^corral_upstream_rq_retry_success_total/ {rs += $2} /^corral_outlier_ejections_total/ {ej += $2} END {printf "connect failures %d%s, retry successes %d, outlier ejections %d", cf, rt, rs, ej}' "$RUN_DIR/corral-stats.prom")"
  fi
  if [ -s "$RUN_DIR/corral/gc.log" ]; then
    echo "Corral GC (whole process life, warm-up included): $(awk '/\[gc *\]/ && / Pause / {n++; v = $NF; sub(/ms$/, "", v); t += v; if (v > mx) mx = v} /\[safepoint\]/ && /Total: / {for (i = 1; i <= NF; i++) if ($i == "Total:") {v = $(i + 1) / 1e6; if (v > sp) sp = v}} END {printf "%d pauses, total %.1f ms, max %.2f ms; longest safepoint %.2f ms", n, t, mx, sp}' "$RUN_DIR/corral/gc.log")"
  fi
  echo "Per-second latency: timeline-<proxy>.md; kill at $(awk -v a="$T0" -v b="$TK" 'BEGIN { printf "%.2f", b - a }') s."
  echo "Raw outputs: \`${RUN_DIR#$REPO_ROOT/}/\` (wrk output per proxy, configs, Corral /clusters and /stats/prometheus)."
} > "$REPORT"
cat "$REPORT"
