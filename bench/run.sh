#!/usr/bin/env bash
# bench/run.sh - side-by-side load benchmark: direct vs nginx vs HAProxy vs the Corral sidecar.
#
# Usage: bench/run.sh [options]
#   --only LIST       comma list of targets: direct,nginx,haproxy,corral   (default: all four)
#   --workers LIST    worker count(s), comma list, e.g. 1 or 1,2           (default: 1)
#                     nginx worker_processes N, haproxy nbthread N, corral --concurrency N
#   --duration SEC    seconds per measured run                             (default: 10)
#   --reps N          repetitions per run; the median is reported           (default: 3)
#   --warmup SEC      unmeasured wrk warm-up per target before measuring   (default: 5; JIT)
#   --rate RPS        total request rate of the paced run                  (default: 5000)
#   --connections N   wrk connections for the HTTP/1.1 run                 (default: 64)
#   --phases LIST     comma list of h1,h2,paced: the load runs to do       (default: all three)
#                     (e.g. --phases paced measures the paced run on a proxy that served no h2c)
#   --skip-install    do not apt-get install missing tools
#   -h, --help        this text
#   Environment: BENCH_PORT_BASE (default 18000; ports BASE+1..BASE+25 on 127.0.0.1 are used),
#                CORRAL_CMD (override the command that starts the sidecar; gets
#                "--bootstrap FILE --concurrency N" appended).
#
# What it does, in one run:
#   * 3 nginx backends (own prefix under bench/results/run-*/, one worker each, `return 200` with a
#     fixed 128-byte body, keep-alive, keepalive_requests 1e6), each with an HTTP/1.1 port and an
#     h2c (prior knowledge) port.
#   * Proxies, all round-robin over the same 3 backends (HTTP/1.1 keep-alive upstream):
#       nginx   - upstream { keepalive }, proxy_http_version 1.1, Connection "", h2c front via
#                 `listen ... http2` on a second port
#       haproxy - balance roundrobin, http-reuse always, h2c front via `bind ... proto h2`
#       corral  - ./corral sidecar --bootstrap FILE --concurrency N when ./corral exists, else
#                 java @sidecar/jvm.options (or -Xms64m -Xmx64m -XX:+UseSerialGC) -jar
#                 sidecar/target/corral-sidecar.jar; h2c prior knowledge on the same port
#     A proxy that does not come up within a bounded wait is reported as "failed to start".
#   * Per target: HTTP/1.1 keep-alive with wrk (-t1 -cC --latency), HTTP/2 cleartext with h2load
#     (-c16 -m10, prior knowledge), and a paced run with h2load --h1 --rps (50 connections x 100 rps,
#     started 1 ms apart) whose per-request log gives p50/p99 and p99 added over direct.
#   * Per proxy: RPS, p50, p99, RPS ratio to HAProxy, CPU time per request (utime+stime delta of
#     the proxy's process tree from /proc/PID/stat over the run / requests completed), peak RSS
#     (VmHWM summed over the proxy's processes), and "other CPU": cores used during the run by
#     anything but the backends, the proxy and the load generator (a noise gauge for shared machines).
#   Every load run is bounded by `timeout` (duration x 3 + 30 s), every readiness wait too.
#   Measured runs are interleaved (rep 1 of every target, then rep 2, ...); medians per metric.
#   Prints a markdown report and writes it to bench/results/latest.md. All processes live in
#   bench/results/run-<timestamp>/ and are killed on exit.
set -uo pipefail

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

ONLY="direct,nginx,haproxy,corral"
WORKERS="1"
DURATION=10
REPS=3
WARMUP=5
RATE=5000
CONNS=64
PHASES="h1,h2,paced"
INSTALL=1
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --only=*) ONLY="${1#*=}"; shift ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --workers=*) WORKERS="${1#*=}"; shift ;;
    --duration) DURATION="$2"; shift 2 ;;
    --duration=*) DURATION="${1#*=}"; shift ;;
    --reps) REPS="$2"; shift 2 ;;
    --reps=*) REPS="${1#*=}"; shift ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --warmup=*) WARMUP="${1#*=}"; shift ;;
    --rate) RATE="$2"; shift 2 ;;
    --rate=*) RATE="${1#*=}"; shift ;;
    --connections) CONNS="$2"; shift 2 ;;
    --connections=*) CONNS="${1#*=}"; shift ;;
    --phases) PHASES="$2"; shift 2 ;;
    --phases=*) PHASES="${1#*=}"; shift ;;
    --skip-install) INSTALL=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$DURATION" "$REPS" "$WARMUP" "$RATE" "$CONNS"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "numeric option expected, got '$v'" >&2; exit 2; }
done
[ "$REPS" -ge 1 ] && [ "$DURATION" -ge 1 ] || { echo "--reps and --duration must be >= 1" >&2; exit 2; }
for t in ${ONLY//,/ }; do
  case "$t" in direct|nginx|haproxy|corral) ;; *) echo "unknown target in --only: $t" >&2; exit 2 ;; esac
done
for ph in ${PHASES//,/ }; do
  case "$ph" in h1|h2|paced) ;; *) echo "unknown phase in --phases: $ph" >&2; exit 2 ;; esac
done
for w in ${WORKERS//,/ }; do
  [[ "$w" =~ ^[1-9][0-9]*$ ]] || { echo "bad --workers value: $w" >&2; exit 2; }
done

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/corral-bootstrap.sh
. "$SCRIPT_DIR/lib/corral-bootstrap.sh"
RESULTS="$SCRIPT_DIR/results"
RUN_DIR="$RESULTS/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR"
PORT_BASE="${BENCH_PORT_BASE:-18000}"
CLK_TCK="$(getconf CLK_TCK)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# ---------------------------------------------------------------- tools
need_install=()
if [ "$INSTALL" = 1 ]; then
  command -v nginx   >/dev/null || need_install+=(nginx)
  command -v haproxy >/dev/null || need_install+=(haproxy)
  command -v wrk     >/dev/null || need_install+=(wrk)
  command -v h2load  >/dev/null || need_install+=(nghttp2-client)
  command -v curl    >/dev/null || need_install+=(curl)
  command -v gcc     >/dev/null || need_install+=(gcc)
  command -v pgrep   >/dev/null || need_install+=(procps)
  command -v ss      >/dev/null || need_install+=(iproute2)
  if [ ${#need_install[@]} -gt 0 ]; then
    log "installing: ${need_install[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    # policy-rc.d keeps the packages' own services (port 80 etc.) from being started
    if [ "$(id -u)" = 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; RM_POLICY=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_install[@]}" >"$RUN_DIR/apt.log" 2>&1 \
      || { log "apt-get install failed, see $RUN_DIR/apt.log"; }
    [ "${RM_POLICY:-0}" = 1 ] && rm -f /usr/sbin/policy-rc.d
  fi
fi
for c in nginx haproxy wrk h2load curl; do
  command -v "$c" >/dev/null || { echo "missing tool: $c" >&2; exit 1; }
done
NGINX_BIN="$(command -v nginx)"

# ---------------------------------------------------------------- process bookkeeping
PIDS=()
# TERM, then KILL, a process and every descendant; the tree is listed before any signal so a
# launcher's children (e.g. a JVM) are not orphaned out of reach when the launcher dies first
stop_tree() {
  local all p i
  all="$(tree_pids "$1")"
  for p in $all; do kill -TERM "$p" 2>/dev/null; done
  for i in $(seq 1 30); do
    local alive=0
    for p in $all; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in $all; do kill -KILL "$p" 2>/dev/null; done
  wait "$1" 2>/dev/null
}
cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_tree "$p"; done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# all PIDs of the tree rooted at $1 (the process and its descendants)
tree_pids() {
  local out="$1" kids k
  kids="$(pgrep -P "$1" 2>/dev/null)"
  for k in $kids; do out="$out $(tree_pids "$k")"; done
  echo "$out"
}
# utime+stime in clock ticks, summed over the tree
cpu_ticks() {
  local total=0 p s
  for p in $(tree_pids "$1"); do
    s="$(cat "/proc/$p/stat" 2>/dev/null)" || continue
    s="${s##*) }"   # fields after "(comm) "; field 3 of stat is now $1
    set -- $s
    total=$(( total + ${12} + ${13} ))
  done
  echo "$total"
}
# VmHWM in kB, summed over the tree
peak_rss_kb() {
  local total=0 p v
  for p in $(tree_pids "$1"); do
    v="$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null)"
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}

port_in_use() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }
wait_http() { # url timeout_s pid -> 0 when the url answers 200
  local url="$1" deadline=$(( $(date +%s) + $2 )) pid="$3"
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null)" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}
wait_h2c() { # url timeout_s -> 0 when an h2c prior-knowledge request answers 200
  local url="$1" deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    timeout 3 h2load -n1 -c1 "$url" 2>/dev/null | grep -q '1 succeeded' && return 0
    sleep 0.3
  done
  return 1
}

# ---------------------------------------------------------------- ports
BACKEND_H1=($((PORT_BASE+1)) $((PORT_BASE+2)) $((PORT_BASE+3)))
BACKEND_H2=($((PORT_BASE+11)) $((PORT_BASE+12)) $((PORT_BASE+13)))
NGINX_H1=$((PORT_BASE+20)); NGINX_H2=$((PORT_BASE+21))
HAPROXY_H1=$((PORT_BASE+22)); HAPROXY_H2=$((PORT_BASE+23))
CORRAL_PORT=$((PORT_BASE+24)); CORRAL_ADMIN=$((PORT_BASE+25))
for p in "${BACKEND_H1[@]}" "${BACKEND_H2[@]}" $NGINX_H1 $NGINX_H2 $HAPROXY_H1 $HAPROXY_H2 $CORRAL_PORT $CORRAL_ADMIN; do
  port_in_use "$p" && { echo "port $p on 127.0.0.1 is in use; set BENCH_PORT_BASE" >&2; exit 1; }
done

BODY="$(printf 'corral-bench-%0115d' 0)"   # exactly 128 bytes
[ "${#BODY}" = 128 ] || { echo "body length bug" >&2; exit 1; }

nginx_common() { # prefix dir
  cat <<EOF
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 8192; multi_accept on; }
EOF
}
nginx_http_common() {
  cat <<EOF
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $1/tmp/body;
  proxy_temp_path $1/tmp/proxy;
  fastcgi_temp_path $1/tmp/fastcgi;
  uwsgi_temp_path $1/tmp/uwsgi;
  scgi_temp_path $1/tmp/scgi;
EOF
}

start_nginx() { # dir -> sets NGINX_PID (started from this shell, not a $(...) subshell, so we reap it)
  local d="$1"
  mkdir -p "$d/tmp" "$d/logs"
  "$NGINX_BIN" -p "$d" -c "$d/nginx.conf" -g 'daemon off;' >"$d/stdout.log" 2>&1 &
  NGINX_PID=$!; PIDS+=("$NGINX_PID")
}

start_backends() {
  local i d pid
  BACKEND_PIDS=()
  for i in 0 1 2; do
    d="$RUN_DIR/backend$((i+1))"; mkdir -p "$d"
    {
      echo "worker_processes 1;"
      nginx_common "$d"
      echo "http {"
      nginx_http_common "$d"
      cat <<EOF
  server {
    listen 127.0.0.1:${BACKEND_H1[$i]} backlog=4096;
    listen 127.0.0.1:${BACKEND_H2[$i]} http2 backlog=4096;
    location / { default_type text/plain; return 200 "$BODY"; }
  }
}
EOF
    } > "$d/nginx.conf"
    start_nginx "$d"; pid="$NGINX_PID"; BACKEND_PIDS+=("$pid")
    wait_http "http://127.0.0.1:${BACKEND_H1[$i]}/" 10 "$pid" || { echo "backend $((i+1)) failed to start; see $d" >&2; exit 1; }
    wait_h2c "http://127.0.0.1:${BACKEND_H2[$i]}/" 5 || { echo "backend $((i+1)) h2c port failed; see $d" >&2; exit 1; }
  done
  local sz; sz="$(curl -s "http://127.0.0.1:${BACKEND_H1[0]}/" | wc -c)"
  log "3 nginx backends up on ${BACKEND_H1[*]} (h1) and ${BACKEND_H2[*]} (h2c), body $sz bytes"
}

# each start_* sets PID_<target> (empty when it failed) and H1_<target>/H2_<target> URLs
start_proxy_nginx() { # workers
  local d="$RUN_DIR/nginx-w$1" pid; mkdir -p "$d"
  {
    echo "worker_processes $1;"
    nginx_common "$d"
    echo "http {"
    nginx_http_common "$d"
    cat <<EOF
  upstream backends {
    server 127.0.0.1:${BACKEND_H1[0]};
    server 127.0.0.1:${BACKEND_H1[1]};
    server 127.0.0.1:${BACKEND_H1[2]};
    keepalive 64;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$NGINX_H1 backlog=4096;
    listen 127.0.0.1:$NGINX_H2 http2 backlog=4096;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
  } > "$d/nginx.conf"
  start_nginx "$d"; pid="$NGINX_PID"
  H1_nginx="http://127.0.0.1:$NGINX_H1/"; H2_nginx="http://127.0.0.1:$NGINX_H2/"
  if wait_http "$H1_nginx" 10 "$pid"; then PID_nginx="$pid"; else PID_nginx=""; fi
}

start_proxy_haproxy() {
  local d="$RUN_DIR/haproxy-w$1" pid; mkdir -p "$d"
  cat > "$d/haproxy.cfg" <<EOF
global
  nbthread $1
  maxconn 4096
  pidfile $d/haproxy.pid
defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 300s
  option http-keep-alive
  http-reuse always
frontend fe
  bind 127.0.0.1:$HAPROXY_H1
  bind 127.0.0.1:$HAPROXY_H2 proto h2
  default_backend backends
backend backends
  balance roundrobin
  http-reuse always
  server b1 127.0.0.1:${BACKEND_H1[0]}
  server b2 127.0.0.1:${BACKEND_H1[1]}
  server b3 127.0.0.1:${BACKEND_H1[2]}
EOF
  haproxy -f "$d/haproxy.cfg" -db >"$d/stdout.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  H1_haproxy="http://127.0.0.1:$HAPROXY_H1/"; H2_haproxy="http://127.0.0.1:$HAPROXY_H2/"
  if wait_http "$H1_haproxy" 10 "$pid"; then PID_haproxy="$pid"; else PID_haproxy=""; fi
}

start_proxy_corral() {
  local d="$RUN_DIR/corral-w$1" pid cmd; mkdir -p "$d"
  corral_bootstrap "$CORRAL_ADMIN" "$CORRAL_PORT" "" "" "${BACKEND_H1[@]:0:3}" > "$d/bootstrap.yaml"
  H1_corral="http://127.0.0.1:$CORRAL_PORT/"; H2_corral="http://127.0.0.1:$CORRAL_PORT/"
  PID_corral=""
  if [ -n "${CORRAL_CMD:-}" ]; then
    cmd="$CORRAL_CMD"
  elif [ -x "$REPO_ROOT/corral" ]; then
    cmd="./corral sidecar"
  elif [ -f "$REPO_ROOT/sidecar/target/corral-sidecar.jar" ] && [ -f "$REPO_ROOT/sidecar/jvm.options" ]; then
    cmd="java @sidecar/jvm.options -jar sidecar/target/corral-sidecar.jar"   # the launcher's own JVM flags
  elif [ -f "$REPO_ROOT/sidecar/target/corral-sidecar.jar" ]; then
    cmd="java -Xms64m -Xmx64m -XX:+UseSerialGC -jar sidecar/target/corral-sidecar.jar"
  else
    CORRAL_WHY="failed to start (no ./corral launcher and no sidecar/target/corral-sidecar.jar; build with ./mvnw -q -pl sidecar -am package -DskipTests)"
    return
  fi
  echo "$cmd --bootstrap $d/bootstrap.yaml --concurrency $1" > "$d/command.txt"
  # exec so that $! is the launcher itself; its tree (e.g. a JVM it execs or forks) is measured
  (cd "$REPO_ROOT" && exec $cmd --bootstrap "$d/bootstrap.yaml" --concurrency "$1") >"$d/stdout.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  if wait_http "$H1_corral" 60 "$pid"; then
    PID_corral="$pid"
  else
    if kill -0 "$pid" 2>/dev/null; then
      CORRAL_WHY="failed to start (no 200 on $H1_corral within 60 s; see ${d#$REPO_ROOT/}/stdout.log)"
    else
      wait "$pid"; CORRAL_WHY="failed to start (exited with code $?; see ${d#$REPO_ROOT/}/stdout.log)"
    fi
    stop_tree "$pid"
  fi
}

# ---------------------------------------------------------------- load runs
# CPU not attributable to this benchmark (other sessions, builds, ...) during a run, in cores:
# busy ticks of the whole machine (/proc/stat user+nice+system+irq+softirq) minus the backends',
# the proxy's and the load generator's own CPU. Loopback softirq work that the kernel does not
# charge to a process lands here too, so ~0.1 is normal; much more means the numbers are noisy.
sys_busy() { awk '/^cpu / {print $2+$3+$4+$7+$8}' /proc/stat; }
backend_ticks() { local t=0 p; for p in "${BACKEND_PIDS[@]}"; do t=$(( t + $(cpu_ticks "$p") )); done; echo "$t"; }
sample_begin() { # pid
  S_PROXY0=0; [ -n "$1" ] && S_PROXY0="$(cpu_ticks "$1")"
  S_BACK0="$(backend_ticks)"; S_SYS0="$(sys_busy)"; S_T0="$(date +%s%N)"
}
sample_end() { # pid loadgen-time-file -> sets S_PROXY (ticks) and S_OTHER (cores)
  local t1 sys1 back1 proxy1=0 lg
  t1="$(date +%s%N)"; sys1="$(sys_busy)"; back1="$(backend_ticks)"
  [ -n "$1" ] && proxy1="$(cpu_ticks "$1")"
  S_PROXY=$(( proxy1 - S_PROXY0 ))
  lg="$(awk '{print $1+$2}' "$2" 2>/dev/null)"
  S_OTHER="$(awk -v s=$(( sys1 - S_SYS0 )) -v b=$(( back1 - S_BACK0 )) -v p="$S_PROXY" -v lg="${lg:-0}" \
    -v c="$CLK_TCK" -v w=$(( t1 - S_T0 )) 'BEGIN { o = ((s - b - p) / c - lg) / (w / 1e9); if (o < 0) o = 0; printf "%.2f", o }')"
}
TIMEFORMAT='%3U %3S'
LOAD_TIMEOUT=$(( DURATION * 3 + 30 ))
to_ms() { # "1.23ms" / "850.00us" / "1.02s" -> ms
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}
# result line: "rps p50_ms p99_ms cpu_us_per_req requests errors"
cpu_per_req() { # ticks requests
  awk -v t="$1" -v c="$CLK_TCK" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", t / c * 1e6 / n; else print "nan" }'
}
run_wrk() { # url pid(or "") out -> result line
  local url="$1" pid="$2" out="$3" reqs rps p50 p99 errs
  sample_begin "$pid"
  { time timeout "$LOAD_TIMEOUT" wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "$url" > "$out" 2>&1 ; } 2> "$out.time"
  sample_end "$pid" "$out.time"
  reqs="$(awk '/requests in/ {print $1}' "$out")"; reqs="${reqs:-0}"
  rps="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")"; rps="${rps:-0}"
  p50="$(to_ms "$(awk '$1=="50%" {print $2}' "$out")")"
  p99="$(to_ms "$(awk '$1=="99%" {print $2}' "$out")")"
  errs="$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' "$out")"
  echo "$rps $p50 $p99 $([ -n "$pid" ] && cpu_per_req "$S_PROXY" "$reqs" || echo -) $reqs $errs $S_OTHER"
}
h2load_parse() { # h2load-output logfile cpu_ticks other -> result line
  local out="$1" lf="$2" ticks="$3" reqs rps pct errs
  reqs="$(awk '/^requests:/ {print $8}' "$out")"; reqs="${reqs:-0}"   # succeeded
  rps="$(awk '/^finished in/ {gsub(",",""); printf "%.0f", $4}' "$out")"; rps="${rps:-0}"
  # h2load's "failed" already counts errored and timed-out requests and 4xx/5xx responses
  # (requests: N total, S started, D done, OK succeeded, F failed, E errored, T timeout)
  errs="$(awk '/^requests:/ {print $10}' "$out")"
  # log lines: start-time(us) status duration(us); percentiles over the successful ones
  pct="$(awk '$2 >= 200 && $2 < 400 {print $3}' "$lf" 2>/dev/null | sort -n | awk '
        { a[NR]=$1 } END { if (NR==0) { print "nan nan"; exit }
          i50=int(NR*0.50); if (i50<1) i50=1; i99=int(NR*0.99); if (i99<1) i99=1
          printf "%.3f %.3f", a[i50]/1000, a[i99]/1000 }')"
  echo "$rps $pct $([ "$ticks" = - ] && echo - || cpu_per_req "$ticks" "$reqs") $reqs $errs $4"
}
run_h2() { # url pid out -> result line (h2c prior knowledge, -c16 -m10)
  local url="$1" pid="$2" out="$3"
  rm -f "$out.reqlog"
  sample_begin "$pid"
  { time timeout "$LOAD_TIMEOUT" h2load -c16 -m10 -t1 -D "$DURATION" --log-file="$out.reqlog" "$url" > "$out" 2>&1 ; } 2> "$out.time"
  sample_end "$pid" "$out.time"
  h2load_parse "$out" "$out.reqlog" "$([ -n "$pid" ] && echo "$S_PROXY" || echo -)" "$S_OTHER"
  rm -f "$out.reqlog"
}
# h2load's --rps is per client and each client's timer starts when it connects: 50 clients
# started together fire in bursts of 50. So clients are started 1 ms apart (-r1 --rate-period 1ms,
# which needs -n instead of -D; the rate period only takes whole ms), giving bursts of <= 5 requests
# every ms at 5k rps. Each request is timed from when it is sent (no coordinated-omission correction),
# but with 50 connections at 100 rps each a connection is idle >95% of the time.
PACED_CONNS=50
paced_per_client() { echo $(( (RATE + PACED_CONNS - 1) / PACED_CONNS )); }
run_paced() { # url pid out -> result line (HTTP/1.1, PACED_CONNS connections, RATE/PACED_CONNS rps each)
  local url="$1" pid="$2" out="$3" per; per="$(paced_per_client)"
  rm -f "$out.reqlog"
  sample_begin "$pid"
  { time timeout "$LOAD_TIMEOUT" h2load --h1 -c"$PACED_CONNS" -m1 -t1 --rps="$per" -r1 --rate-period=1ms -n $(( per * PACED_CONNS * DURATION )) \
    --log-file="$out.reqlog" "$url" > "$out" 2>&1 ; } 2> "$out.time"
  sample_end "$pid" "$out.time"
  h2load_parse "$out" "$out.reqlog" "$([ -n "$pid" ] && echo "$S_PROXY" || echo -)" "$S_OTHER"
  rm -f "$out.reqlog"
}
median_col() { # file col -> median of numeric values in column col
  awk -v c="$2" '$c ~ /^[0-9.]+$/ {print $c}' "$1" | sort -g | awk '{a[NR]=$1} END { if (NR==0) {print "-"; exit}
    if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'
}

# ---------------------------------------------------------------- report helpers
fmt_int() { echo "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a/b; else print "-" }'; }
label() { case "$1" in direct) echo "direct (backend 1)";; nginx) echo "nginx $(nginx -v 2>&1 | sed 's|.*/||')";;
  haproxy) echo "HAProxy $(haproxy -v | awk 'NR==1 {print $3}')";; corral) echo "Corral sidecar";; esac; }

REPORT="$RUN_DIR/report.md"
{
  echo "# Corral side-by-side load benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(uname -srm); $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (anything well above 0 means other work shares the 2 cores; see the 'other CPU' column)"
  echo "- tools: $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}'), $(h2load --version | head -1), nginx $(nginx -v 2>&1 | sed 's|.*/||'), HAProxy $(haproxy -v | awk 'NR==1 {print $3}')"
  echo "- backends: 3 nginx, 1 worker each, return 200 with a 128-byte body; every proxy round-robins over all 3 with keep-alive upstreams"
  echo "- runs: ${DURATION} s each, median of ${REPS}, ${WARMUP} s unmeasured warm-up per target; targets interleaved per repetition"
  echo "- HTTP/1.1: \`wrk -t1 -c$CONNS --latency\`; h2c: \`h2load -t1 -c16 -m10\` (prior knowledge); paced: \`h2load --h1 -t1 -c$PACED_CONNS -m1 --rps $(paced_per_client) -r1 --rate-period 1ms\` (~$RATE rps total, clients staggered by 1 ms; latency per request from h2load's --log-file)"
  echo "- CPU/req = (utime+stime of the proxy's process tree over the run) / requests completed; peak RSS = VmHWM summed over the proxy's processes (cumulative since start)"
} > "$REPORT"

TARGETS=()
for t in direct nginx haproxy corral; do [[ ",$ONLY," == *",$t,"* ]] && TARGETS+=("$t"); done

LOAD1="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v l="$LOAD1" 'BEGIN { exit !(l > 1.0) }'; then
  log "WARNING: load average is $LOAD1 before the run: other work shares the cores, throughput and latency will be noisy (CPU/request much less so)"
fi
start_backends

for W in ${WORKERS//,/ }; do
  log "=== workers=$W: starting proxies"
  declare -A STATUS=()
  for t in "${TARGETS[@]}"; do
    case "$t" in
      direct) PID_direct=""; H1_direct="http://127.0.0.1:${BACKEND_H1[0]}/"; H2_direct="http://127.0.0.1:${BACKEND_H2[0]}/"; STATUS[$t]=ok ;;
      nginx) start_proxy_nginx "$W"; [ -n "$PID_nginx" ] && STATUS[$t]=ok || STATUS[$t]="failed to start (see $RUN_DIR/nginx-w$W)" ;;
      haproxy) start_proxy_haproxy "$W"; [ -n "$PID_haproxy" ] && STATUS[$t]=ok || STATUS[$t]="failed to start (see $RUN_DIR/haproxy-w$W)" ;;
      corral) CORRAL_WHY=""; start_proxy_corral "$W"; [ -n "$PID_corral" ] && STATUS[$t]=ok || STATUS[$t]="${CORRAL_WHY:-failed to start}" ;;
    esac
    log "$t: ${STATUS[$t]}"
  done
  # h2c front readiness (a failure here only marks the h2 rows)
  declare -A H2OK=()
  for t in "${TARGETS[@]}"; do
    [ "${STATUS[$t]}" = ok ] || continue
    local_url_var="H2_$t"
    if wait_h2c "${!local_url_var}" 5; then H2OK[$t]=1; else H2OK[$t]=0; log "$t: h2c front does not answer"; fi
  done
  # warm-up (JIT for the JVM, connection pools for all)
  for t in "${TARGETS[@]}"; do
    [ "${STATUS[$t]}" = ok ] && [ "$WARMUP" -gt 0 ] || continue
    u="H1_$t"; timeout "$LOAD_TIMEOUT" wrk -t1 -c"$CONNS" -d"${WARMUP}s" "${!u}" >/dev/null 2>&1
    u="H2_$t"; [ "${H2OK[$t]:-0}" = 1 ] && [[ ",$PHASES," == *",h2,"* ]] && timeout "$LOAD_TIMEOUT" h2load -c16 -m10 -t1 -D "$WARMUP" "${!u}" >/dev/null 2>&1
  done
  OUT="$RUN_DIR/w$W"; mkdir -p "$OUT"
  for phase in ${PHASES//,/ }; do
    for rep in $(seq 1 "$REPS"); do
      for t in "${TARGETS[@]}"; do
        [ "${STATUS[$t]}" = ok ] || continue
        p="PID_$t"; pid="${!p}"
        kill -0 "${pid:-$$}" 2>/dev/null || { STATUS[$t]="died during the run"; log "$t died"; continue; }
        case "$phase" in
          h1) u="H1_$t"; line="$(run_wrk "${!u}" "$pid" "$OUT/$t-h1-$rep.txt")" ;;
          h2) [ "${H2OK[$t]:-0}" = 1 ] || continue
              u="H2_$t"; line="$(run_h2 "${!u}" "$pid" "$OUT/$t-h2-$rep.txt")" ;;
          paced) u="H1_$t"; line="$(run_paced "${!u}" "$pid" "$OUT/$t-paced-$rep.txt")" ;;
        esac
        echo "$line" >> "$OUT/$t-$phase.res"
        log "w$W $phase rep $rep $t: rps p50 p99 cpu_us reqs errs other_cores = $line"
      done
    done
    for t in "${TARGETS[@]}"; do
      p="PID_$t"; [ -n "${!p:-}" ] && kill -0 "${!p}" 2>/dev/null && peak_rss_kb "${!p}" > "$OUT/$t-$phase.rss"
    done
  done

  # ---- tables
  med() { # target phase column -> formatted median (col 1 rps: integer, 2-3 ms: 3 decimals, 4 cpu µs: 1 decimal)
    local v; v="$([ -f "$OUT/$1-$2.res" ] && median_col "$OUT/$1-$2.res" "$3" || echo -)"
    case "$v" in -|nan|"") echo -; return ;; esac
    case "$3" in 1) printf "%.0f" "$v" ;; 2|3) printf "%.3f" "$v" ;; 4|7) printf "%.1f" "$v" ;; *) echo "$v" ;; esac
  }
  rss() { [ -f "$OUT/$1-$2.rss" ] && awk '{printf "%.1f", $1/1024}' "$OUT/$1-$2.rss" || echo -; }
  errsum() { [ -f "$OUT/$1-$2.res" ] && awk '{n+=$6} END {print n+0}' "$OUT/$1-$2.res" || echo -; }
  {
    echo
    echo "## workers = $W (nginx worker_processes $W, haproxy nbthread $W, corral --concurrency $W)"
    for phase in h1 h2; do
      [[ ",$PHASES," == *",$phase,"* ]] || continue
      echo
      if [ "$phase" = h1 ]; then echo "### HTTP/1.1 keep-alive (wrk -t1 -c$CONNS, ${DURATION} s, median of $REPS)"
      else echo "### HTTP/2 cleartext, prior knowledge (h2load -t1 -c16 -m10, ${DURATION} s, median of $REPS)"; fi
      echo
      echo "| target | RPS | p50 ms | p99 ms | RPS ÷ HAProxy | CPU µs/req | CPU ÷ HAProxy | peak RSS MiB | errors | other CPU (cores) |"
      echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
      hr="$(med haproxy $phase 1)"; hc="$(med haproxy $phase 4)"
      for t in "${TARGETS[@]}"; do
        if [ ! -f "$OUT/$t-$phase.res" ]; then
          why="${STATUS[$t]}"; [ "$why" = ok ] && why="h2c front not answering"
          echo "| $(label $t) | $why | | | | | | | | |"; continue
        fi
        r="$(med $t $phase 1)"; c="$(med $t $phase 4)"
        echo "| $(label $t) | $(fmt_int "$r") | $(med $t $phase 2) | $(med $t $phase 3) | $(ratio "$r" "$hr") | $c | $(ratio "$c" "$hc") | $([ $t = direct ] && echo - || rss $t $phase) | $(errsum $t $phase) | $(med $t $phase 7) |"
      done
    done
    [[ ",$PHASES," == *",paced,"* ]] && {
    echo
    pr="$(paced_per_client)"
    echo "### Paced ~$RATE rps, HTTP/1.1 (h2load --h1 -c$PACED_CONNS -m1 --rps $pr, ${DURATION} s, median of $REPS)"
    echo
    echo "| target | achieved RPS | p50 ms | p99 ms | p99 added over direct ms | CPU µs/req | errors | other CPU (cores) |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    dp99="$(med direct paced 3)"
    for t in "${TARGETS[@]}"; do
      if [ ! -f "$OUT/$t-paced.res" ]; then echo "| $(label $t) | ${STATUS[$t]} | | | | | | |"; continue; fi
      p99="$(med $t paced 3)"
      added="$(awk -v a="$p99" -v b="$dp99" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%.3f", a-b; else print "-" }')"
      [ "$t" = direct ] && added="0 (baseline)"
      echo "| $(label $t) | $(fmt_int "$(med $t paced 1)") | $(med $t paced 2) | $p99 | $added | $(med $t paced 4) | $(errsum $t paced) | $(med $t paced 7) |"
    done
    }
  } >> "$REPORT"

  # stop this round's proxies before the next worker count
  for t in nginx haproxy corral; do
    p="PID_$t"; pid="${!p:-}"
    [ -n "$pid" ] || continue
    stop_tree "$pid"
    eval "PID_$t="
  done
  unset STATUS H2OK
done

{
  echo
  echo "Raw outputs: \`${RUN_DIR#$REPO_ROOT/}/\`. Medians are taken per column independently."
} >> "$REPORT"
cp "$REPORT" "$RESULTS/latest.md"
cat "$REPORT"
log "report written to $RESULTS/latest.md"
