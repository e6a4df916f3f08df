#!/usr/bin/env bash
# bench/collapse.sh - cache and collapse benchmark, Corral sidecar vs nginx, side by side in one run.
#
# Usage: bench/collapse.sh [options]
#   --reps N          repetitions of (a), (b) and (c); medians reported     (default: 3)
#   --warmup N        unmeasured (a) bursts per proxy first, after 5 s of
#                     cache hits (JIT warm-up)                               (default: 10)
#   --clients N       concurrent identical GETs in (a)                       (default: 1000)
#   --ranges N        concurrent random 16 KiB ranges in (b)                 (default: 256)
#   --duration SEC    seconds per wrk run in (c)                             (default: 10)
#   --workers N       nginx worker_processes N, corral --concurrency N       (default: 1)
#   --only LIST       comma list of nginx,corral                             (default: both)
#   --origin-sched S  the origin's scheduling: fifo (SCHED_FIFO, chrt -f 10) or
#                     normal. The origin stands for "a server that takes 100 ms";
#                     on 2 cores that the client and the proxy keep busy, a normal
#                     origin woke up to 7 ms (Corral) / 12 ms (nginx) late, which
#                     is the harness's noise, not the proxy's. fifo falls back to
#                     normal, with a warning, where chrt is not permitted  (default: fifo)
#   -h, --help        this text
#   Environment: BENCH_PORT_BASE (default 18100; ports BASE+1..BASE+5 on 127.0.0.1),
#                CORRAL_CMD (override the command that starts the sidecar; gets
#                "--bootstrap FILE --concurrency N" appended).
#
# Setup: one counting origin (bench/lib/origin.py, python3 ThreadingHTTPServer): /a/* sleeps 100 ms
# and answers a small cacheable 200; /o/* is a deterministic 16 MiB object that honours Range;
# /__stats?p=PREFIX gives requests and body bytes the origin sent for paths under PREFIX.
#   nginx  - proxy_cache + proxy_cache_lock on + proxy_cache_lock_timeout 10s; /o/ uses the slice
#            module (slice 64k, $slice_range in the key) - Debian's nginx has --with-http_slice_module
#   corral - envoy.filters.http.cache (corral.v1alpha1.CacheStore) + corral.filters.http.collapse;
#            /o/ with ranges {enabled, block_size 64 KiB, max_blocks_per_fetch 16} (cached blocks)
# Scenarios (each repetition uses fresh, cold keys; targets interleaved per repetition):
#   (a) N concurrent identical GETs of a cold /a/ key, one request per new connection, each timed
#       from its own send (bench/lib/burst.c, compiled here with gcc: h2load costs ~16-20 us of
#       CPU per answer on these shared cores, ~20 ms per 1,000-answer burst, more than the 10 ms
#       the target allows); origin requests; client p50/p99/max. Then the same burst again on the
#       now-cached key (no origin): its p99 is the floor, what answering N simultaneous new
#       connections costs this machine with the load generator on the same cores.
#   (b) N concurrent random 16 KiB ranges (same seeded set for both) over a cold 16 MiB object:
#       curl --parallel --parallel-max N; origin requests, origin bytes, client p99; 206 + length checked.
#   (c) cache-hit throughput on a warm /a/ key: wrk -t1 -c64 (3 s unmeasured warm-up);
#       RPS and CPU us/request (utime+stime of the proxy's process tree / requests).
# Targets (issue #4): (a) exactly 1 origin request and p99 <= origin latency + 10 ms;
#   (b) origin bytes <= 1.1 x object; (c) Corral hit RPS >= nginx's.
# Prints a markdown report and writes it to bench/results/collapse-latest.md. Everything runs in
# bench/results/collapse-<timestamp>/; every process started is killed by PID on exit.
set -uo pipefail

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
REPS=3; WARMUP=10; CLIENTS=1000; NRANGES=256; DURATION=10; WORKERS=1; ONLY="nginx,corral"; ORIGIN_SCHED=fifo
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --ranges) NRANGES="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --origin-sched) ORIGIN_SCHED="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$ORIGIN_SCHED" =~ ^(fifo|normal)$ ]] || { echo "--origin-sched: fifo or normal, got '$ORIGIN_SCHED'" >&2; exit 2; }
[[ "$WARMUP" =~ ^[0-9]+$ ]] || { echo "--warmup: a number expected, got '$WARMUP'" >&2; exit 2; }
for v in "$REPS" "$CLIENTS" "$NRANGES" "$DURATION" "$WORKERS"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "positive integer expected, got '$v'" >&2; exit 2; }
done
for c in nginx wrk gcc curl python3 java ss; do
  command -v "$c" >/dev/null || { echo "missing tool: $c" >&2; exit 1; }
done

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
RUN_DIR="$SCRIPT_DIR/results/collapse-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR"
BURST="$RUN_DIR/burst"
gcc -O2 -o "$BURST" "$SCRIPT_DIR/lib/burst.c" || { echo "cannot compile bench/lib/burst.c" >&2; exit 1; }
REPORT="$SCRIPT_DIR/results/collapse-latest.md"
BASE="${BENCH_PORT_BASE:-18100}"
ORIGIN=$((BASE+1)); NGINX_PORT=$((BASE+2)); CORRAL_PORT=$((BASE+3)); CORRAL_ADMIN=$((BASE+4))
OBJ_SIZE=$((16*1024*1024)); RANGE_LEN=16384; DELAY_MS=100
CLK_TCK="$(getconf CLK_TCK)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log() { echo "[collapse $(date +%H:%M:%S)] $*" >&2; }
[ "$(ulimit -n)" -gt $((CLIENTS * 2 + 100)) ] || log "WARNING: ulimit -n $(ulimit -n) may be too low for $CLIENTS clients"

PIDS=()
tree_pids() { local out="$1" k; for k in $(pgrep -P "$1" 2>/dev/null); do out="$out $(tree_pids "$k")"; done; echo "$out"; }
stop_tree() {
  local all p i; all="$(tree_pids "$1")"
  for p in $all; do kill -TERM "$p" 2>/dev/null; done
  for i in $(seq 1 30); do
    local alive=0; for p in $all; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for p in $all; do kill -KILL "$p" 2>/dev/null; done
  wait "$1" 2>/dev/null
}
cleanup() { local p; for p in "${PIDS[@]}"; do stop_tree "$p"; done; PIDS=(); }
trap cleanup EXIT
trap 'exit 130' INT TERM
cpu_ticks() {
  local total=0 p s
  for p in $(tree_pids "$1"); do
    s="$(cat "/proc/$p/stat" 2>/dev/null)" || continue
    s="${s##*) }"; set -- $s
    total=$(( total + ${12} + ${13} ))
  done
  echo "$total"
}
wait_http() { # url timeout_s pid
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$3" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}
for p in $ORIGIN $NGINX_PORT $CORRAL_PORT $CORRAL_ADMIN; do
  ss -ltnH "sport = :$p" | grep -q . && { echo "port $p in use (set BENCH_PORT_BASE)" >&2; exit 1; }
done
origin_stats() { curl -s -m 5 "http://127.0.0.1:$ORIGIN/__stats?p=$1"; }   # -> "requests bytes"

# ---------------------------------------------------------------- origin
ORIGIN_CMD=(python3)
if [ "$ORIGIN_SCHED" = fifo ]; then
  if chrt -f 10 true 2>/dev/null; then ORIGIN_CMD=(chrt -f 10 python3)
  else echo "chrt -f not permitted here: the origin runs with normal scheduling" >&2; ORIGIN_SCHED=normal; fi
fi
"${ORIGIN_CMD[@]}" "$SCRIPT_DIR/lib/origin.py" "$ORIGIN" "$DELAY_MS" "$OBJ_SIZE" "$RUN_DIR/origin-arrivals.txt" >"$RUN_DIR/origin.log" 2>&1 &
ORIGIN_PID=$!; PIDS+=("$ORIGIN_PID")
wait_http "http://127.0.0.1:$ORIGIN/__ping" 20 "$ORIGIN_PID" || { echo "origin did not start" >&2; exit 1; }

# ---------------------------------------------------------------- nginx
start_nginx() {
  local d="$RUN_DIR/nginx" user=""
  mkdir -p "$d/tmp" "$d/cache"
  [ "$(id -u)" = 0 ] && user="user $(id -un) $(id -gn);"
  cat > "$d/nginx.conf" <<NGX
$user
worker_processes $WORKERS;
pid $d/nginx.pid;
error_log $d/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; multi_accept on; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $d/tmp/body;
  proxy_temp_path $d/tmp/proxy;
  fastcgi_temp_path $d/tmp/fastcgi;
  uwsgi_temp_path $d/tmp/uwsgi;
  scgi_temp_path $d/tmp/scgi;
  proxy_cache_path $d/cache levels=1:2 keys_zone=c:32m max_size=512m inactive=60m use_temp_path=off;
  upstream origin { server 127.0.0.1:$ORIGIN; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_cache c;
    proxy_cache_lock on;
    proxy_cache_lock_timeout 10s;
    proxy_cache_lock_age 10s;
    proxy_read_timeout 30s;
    location /o/ {
      slice 64k;
      proxy_cache_key \$uri\$is_args\$args\$slice_range;
      proxy_set_header Range \$slice_range;
      proxy_cache_valid 200 206 10m;
      proxy_pass http://origin;
    }
    location / {
      proxy_cache_valid 200 10m;
      proxy_pass http://origin;
    }
  }
}
NGX
  nginx -p "$d" -c "$d/nginx.conf" -g 'daemon off;' >"$d/stdout.log" 2>&1 &
  PID_nginx=$!; PIDS+=("$PID_nginx")
  wait_http "http://127.0.0.1:$NGINX_PORT/__ping" 20 "$PID_nginx" || { echo "nginx did not start, see $d" >&2; exit 1; }
}

# ---------------------------------------------------------------- corral
start_corral() {
  local d="$RUN_DIR/corral" cmd
  mkdir -p "$d"
  local collapse='"@type": type.googleapis.com/corral.v1alpha1.CollapseConfig'
  cat > "$d/bootstrap.yaml" <<YAML
node: { id: bench.collapse, cluster: bench }
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: $CORRAL_ADMIN } }
static_resources:
  listeners:
  - name: ingress
    address: { socket_address: { address: 127.0.0.1, port_value: $CORRAL_PORT } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          codec_type: AUTO
          route_config:
            name: local_route
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: { prefix: "/o/" }
                route: { cluster: origin, timeout: 30s }
                typed_per_filter_config:
                  corral.filters.http.collapse: { $collapse, ranges: { enabled: true, block_size: 65536, max_blocks_per_fetch: 16 } }
              - match: { prefix: "/" }
                route: { cluster: origin, timeout: 30s }
          http_filters:
          - name: envoy.filters.http.cache
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.cache.v3.CacheConfig
              typed_config: { "@type": type.googleapis.com/corral.v1alpha1.CacheStore, max_size: 67108864, max_object_size: 16777216 }
          - name: corral.filters.http.collapse
            typed_config: { $collapse }
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
  - name: origin
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: origin
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: $ORIGIN } } }
YAML
  if [ -n "${CORRAL_CMD:-}" ]; then cmd="$CORRAL_CMD"
  elif [ -x "$REPO_ROOT/corral" ]; then cmd="./corral sidecar"
  elif [ -f "$REPO_ROOT/sidecar/target/corral-sidecar.jar" ]; then cmd="java @sidecar/jvm.options -jar sidecar/target/corral-sidecar.jar"
  else echo "no ./corral and no sidecar jar (./mvnw -q -o -B install -DskipTests)" >&2; exit 1; fi
  # The sidecar's own flags plus a GC log, to tell a pause inside a burst from the proxy's work,
  # and a JIT log, to tell whether the warm-up was long enough (compilations in measured reps).
  local jf="${CORRAL_JVM_FLAGS:-@$REPO_ROOT/sidecar/jvm.options} -Xlog:gc:file=$d/gc.log:uptime,utctime -Xlog:jit+compilation=debug:file=$d/jit.log:uptime,utctime"
  echo "$cmd --bootstrap $d/bootstrap.yaml --concurrency $WORKERS" > "$d/command.txt"
  echo "$jf" > "$d/jvm-flags.txt"
  (cd "$REPO_ROOT" && CORRAL_JVM_FLAGS="$jf" exec $cmd --bootstrap "$d/bootstrap.yaml" --concurrency "$WORKERS") >"$d/stdout.log" 2>&1 &
  PID_corral=$!; PIDS+=("$PID_corral")
  wait_http "http://127.0.0.1:$CORRAL_PORT/__ping" 90 "$PID_corral" || { echo "corral did not start, see $d/stdout.log" >&2; exit 1; }
}

TARGETS=()
for t in nginx corral; do [[ ",$ONLY," == *",$t,"* ]] && TARGETS+=("$t"); done
[ ${#TARGETS[@]} -gt 0 ] || { echo "--only: nothing to run" >&2; exit 2; }
port_of() { [ "$1" = nginx ] && echo "$NGINX_PORT" || echo "$CORRAL_PORT"; }
pid_of() { [ "$1" = nginx ] && echo "$PID_nginx" || echo "$PID_corral"; }

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for t in "${TARGETS[@]}"; do log "starting $t"; start_$t; done

pct() { # file(one number per line, ms) p -> value
  sort -g "$1" | awk -v p="$2" '{a[NR]=$1} END { if (NR==0) {print "-"; exit} i=int((p/100)*NR+0.999999); if (i<1) i=1; if (i>NR) i=NR; printf "%.1f", a[i] }'
}
median() { sort -g | awk '{a[NR]=$1} END { if (NR==0) {print "-"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

# ---------------------------------------------------------------- (a) collapse
run_a() { # target rep [sink] -> appends "reqs p50 p99 max ok hit_p99 origin_ms" to sink ($RUN_DIR/a.<target>)
  local t=$1 r=$2 sink="${3:-$RUN_DIR/a.$1}" key="/a/$1-r$2-$RANDOM$RANDOM" out="$RUN_DIR/a-$1-r$2" i
  # The origin's own latency just before the burst (the target is "origin latency + 10 ms", and
  # the python origin answers its 100 ms sleep in 101-104 ms): median of 3 direct cold GETs.
  for i in 1 2 3; do
    "$BURST" 127.0.0.1 "$ORIGIN" "/a/direct-$1-r$2-$i-$RANDOM" 1 "$out.direct$i" 2>/dev/null
    awk '{printf "%.3f\n", $3/1000}' "$out.direct$i"
  done | median > "$out.origin-ms"
  local jit0; jit0="$(wc -l < "$RUN_DIR/corral/jit.log" 2>/dev/null || echo 0)"
  timeout 120 "$BURST" 127.0.0.1 "$(port_of "$t")" "$key" "$CLIENTS" "$out.reqlog" 2>"$out.burst.err"
  [ "$t" = corral ] && echo $(( $(wc -l < "$RUN_DIR/corral/jit.log" 2>/dev/null || echo 0) - jit0 )) >> "$RUN_DIR/a-jit.$1"
  awk '{printf "%.3f\n", $3/1000}' "$out.reqlog" > "$out.ms"
  local ok; ok="$(awk '$2==200' "$out.reqlog" | wc -l)"
  local reqs; reqs="$(origin_stats "$key" | cut -d' ' -f1)"
  # The floor: the same burst again, now a cache hit in both proxies (no origin at all). Its p99 is
  # what answering N simultaneous new connections costs this machine, load generator included.
  timeout 120 "$BURST" 127.0.0.1 "$(port_of "$t")" "$key" "$CLIENTS" "$out.hit.reqlog" 2>"$out.hit.burst.err"
  awk '{printf "%.3f\n", $3/1000}' "$out.hit.reqlog" > "$out.hit.ms"
  # When the fetch reached the origin, after the burst's first send: the proxy's forwarding plus
  # the origin's wake-up on cores the burst keeps busy; every follower's latency carries it.
  local reached; reached="$(awk -v k="$key" '$2==k {print $1; exit}' "$RUN_DIR/origin-arrivals.txt" 2>/dev/null)"
  reached="$(sort -n -k1,1 "$out.reqlog" | awk -v a="${reached:-}" 'NR==1 { if (a == "") print "-"; else printf "%.1f", (a - $1) / 1000 }')"
  echo "$reqs $(pct "$out.ms" 50) $(pct "$out.ms" 99) $(pct "$out.ms" 100) $ok $(pct "$out.hit.ms" 99) $(cat "$out.origin-ms") $reached" >> "$sink"
}
# ---------------------------------------------------------------- (b) ranges
make_ranges() { # rep -> file of "start end" (seeded; the same for every target)
  awk -v n="$NRANGES" -v size="$OBJ_SIZE" -v len="$RANGE_LEN" -v seed="$1" 'BEGIN { srand(seed);
    for (i = 0; i < n; i++) { s = int(rand() * (size - len + 1)); print s, s + len - 1 } }'
}
run_b() { # target rep -> appends "reqs bytes p99 ok" to $RUN_DIR/b.<target>
  local t=$1 r=$2 path="/o/$1-r$2-$RANDOM$RANDOM" out="$RUN_DIR/b-$1-r$2"
  make_ranges "$r" | while read -r s e; do
    printf 'url = "http://127.0.0.1:%s%s"\nheader = "Range: bytes=%s-%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{size_download} %%{time_total}\\n"\nnext\n' \
      "$(port_of "$t")" "$path" "$s" "$e"
  done | sed '$d' > "$out.curlrc"   # no "next" after the last transfer
  timeout 120 curl -s --parallel --parallel-immediate --parallel-max "$NRANGES" -K "$out.curlrc" > "$out.txt" 2>"$out.err"
  awk '{printf "%.3f\n", $3*1000}' "$out.txt" > "$out.ms"
  local ok; ok="$(awk -v l="$RANGE_LEN" '$1==206 && $2==l' "$out.txt" | wc -l)"
  echo "$(origin_stats "$path") $(pct "$out.ms" 99) $ok" >> "$RUN_DIR/b.$t"
}
# ---------------------------------------------------------------- (c) hit throughput
run_c() { # target rep -> appends "rps cpu_us_per_req" to $RUN_DIR/c.<target>
  local t=$1 r=$2 url="http://127.0.0.1:$(port_of "$t")/a/hot-$1" out="$RUN_DIR/c-$1-r$2" pid c0 c1 reqs
  pid="$(pid_of "$t")"
  curl -s -o /dev/null "$url"; curl -s -o /dev/null -D "$out.hdr" "$url"
  timeout 60 wrk -t1 -c64 -d3s "$url" >/dev/null 2>&1
  c0="$(cpu_ticks "$pid")"
  timeout $((DURATION * 3 + 30)) wrk -t1 -c64 -d"${DURATION}s" "$url" > "$out.wrk" 2>&1
  c1="$(cpu_ticks "$pid")"
  reqs="$(awk '/requests in/ {print $1}' "$out.wrk")"
  awk -v r="$reqs" -v d="$DURATION" -v c=$((c1 - c0)) -v hz="$CLK_TCK" -v rps="$(awk '/Requests\/sec/ {print $2}' "$out.wrk")" \
    'BEGIN { if (r > 0) printf "%.0f %.1f\n", rps, c / hz * 1e6 / r; else print "- -" }' >> "$RUN_DIR/c.$t"
}

# JIT warm-up, the same for both: a sidecar that collapses bursts does so for days, and the
# first bursts of its life run interpreted code (p99 of 400-800 ms). First 5 s of cache hits
# (the request path gets hot enough for C2; bursts alone left it compiling for ~20 s, and a
# compiler thread busy in a measured burst takes a core from it), then the bursts.
for t in "${TARGETS[@]}"; do
  log "warm-up: $t, 5 s of cache hits"
  curl -s -o /dev/null "http://127.0.0.1:$(port_of "$t")/a/warm-$t"
  timeout 60 wrk -t1 -c64 -d5s "http://127.0.0.1:$(port_of "$t")/a/warm-$t" >/dev/null 2>&1
done
for w in $(seq 1 "$WARMUP"); do
  for t in "${TARGETS[@]}"; do log "(a) $t warm-up $w"; run_a "$t" "w$w" "$RUN_DIR/a-warmup.$t"; done
done
rm -f "$RUN_DIR/a-jit.corral"   # compilations during the measured (a) bursts only
for r in $(seq 1 "$REPS"); do
  for t in "${TARGETS[@]}"; do log "(a) $t rep $r"; run_a "$t" "$r"; done
  for t in "${TARGETS[@]}"; do log "(b) $t rep $r"; run_b "$t" "$r"; done
  for t in "${TARGETS[@]}"; do log "(c) $t rep $r"; run_c "$t" "$r"; done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

col() { awk -v c="$2" '{print $c}' "$1"; }
list() { col "$1" "$2" | paste -sd, -; }
A_P99_LIMIT=$((DELAY_MS + 10)); B_LIMIT="$(awk -v s="$OBJ_SIZE" 'BEGIN { printf "%.0f", s * 1.1 }')"
declare -A RPS
for t in "${TARGETS[@]}"; do RPS[$t]="$(col "$RUN_DIR/c.$t" 1 | median)"; done
{
  echo "| scenario | metric | ${TARGETS[*]/%/ |}"
  echo "|---|---|$(for t in "${TARGETS[@]}"; do printf -- '---|'; done)"
  row() { local s=$1 m=$2 f=$3 c=$4 how=$5 t v; printf '| %s | %s |' "$s" "$m"
    for t in "${TARGETS[@]}"; do
      if [ "$how" = list ]; then v="$(list "$RUN_DIR/$f.$t" "$c")"; else v="$(col "$RUN_DIR/$f.$t" "$c" | median)"; fi
      printf ' %s |' "$v"; done; echo; }
  row "(a) $CLIENTS x cold GET, origin ${DELAY_MS} ms" "origin requests (per rep)" a 1 list
  row "(a)" "client p50 ms (median)" a 2 med
  row "(a)" "client p99 ms (median; per rep)" a 3 med
  row "(a)" "client p99 ms per rep" a 3 list
  row "(a)" "client max ms (median)" a 4 med
  row "(a)" "200 responses (per rep)" a 5 list
  row "(a) the same burst again: cache hit, no origin" "client p99 ms per rep (the floor)" a 6 list
  row "(a) the origin alone: 3 direct GETs before each burst" "median ms per rep" a 7 list
  row "(a) the fetch reached the origin" "ms after the burst's first send, per rep" a 8 list
  row "(b) $NRANGES x 16 KiB range, 16 MiB object" "origin requests (per rep)" b 1 list
  row "(b)" "origin bytes (per rep)" b 2 list
  row "(b)" "client p99 ms (median)" b 3 med
  row "(b)" "correct 206 (per rep)" b 4 list
  row "(c) cache hit, wrk -t1 -c64" "RPS (median)" c 1 med
  row "(c)" "CPU us/request (median)" c 2 med
} > "$RUN_DIR/table.md"
{
  echo "## Verdicts vs targets (Corral)"
  if [ -f "$RUN_DIR/a.corral" ]; then
    a_ok="$(awk -v n="$CLIENTS" '$1!=1 || $3>$7+10 || $5!=n {bad++} END {print bad+0}' "$RUN_DIR/a.corral")"
    a_fixed="$(awk -v lim="$A_P99_LIMIT" '$3>lim {bad++} END {print bad+0}' "$RUN_DIR/a.corral")"
    echo "- (a) exactly 1 origin request and p99 <= the origin's measured latency + 10 ms in every rep: $([ "$a_ok" = 0 ] && echo PASS || echo "FAIL ($a_ok of $REPS reps miss)"); against the origin's nominal ${DELAY_MS} ms + 10 (p99 <= ${A_P99_LIMIT} ms): $([ "$a_fixed" = 0 ] && echo PASS || echo "FAIL ($a_fixed of $REPS reps miss)")"
    b_ok="$(awk -v lim="$B_LIMIT" -v n="$NRANGES" '$2>lim || $4!=n {bad++} END {print bad+0}' "$RUN_DIR/b.corral")"
    echo "- (b) origin bytes <= 1.1 x object ($B_LIMIT) in every rep, all ranges correct: $([ "$b_ok" = 0 ] && echo PASS || echo "FAIL ($b_ok of $REPS reps miss)")"
    if [ -n "${RPS[nginx]:-}" ]; then
      echo "- (c) hit RPS ${RPS[corral]} vs nginx ${RPS[nginx]}: $(awk -v a="${RPS[corral]}" -v b="${RPS[nginx]}" 'BEGIN { print (a >= b) ? "PASS" : "FAIL" }') (ratio $(awk -v a="${RPS[corral]}" -v b="${RPS[nginx]}" 'BEGIN { printf "%.2f", a/b }'))"
    fi
  fi
} > "$RUN_DIR/verdicts.md"
{
  echo "# Cache and collapse (bench/collapse.sh)"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(nproc) cores, load average before $LOAD_BEFORE, after $LOAD_AFTER"
  echo "- $(nginx -v 2>&1 | sed 's/.*: //') (worker_processes $WORKERS, slice module: $(nginx -V 2>&1 | grep -q with-http_slice_module && echo yes || echo no)); Corral --concurrency $WORKERS ($(cat "$RUN_DIR/corral/command.txt" 2>/dev/null | cut -d' ' -f1-4))"
  [ -f "$RUN_DIR/a-jit.corral" ] && echo "- Corral's JIT: methods compiled during each measured (a) burst: $(paste -sd, "$RUN_DIR/a-jit.corral") (corral/jit.log)"
  echo "- $REPS repetitions after 5 s of cache hits and $WARMUP unmeasured (a) bursts per proxy (JIT warm-up), fresh cold keys per repetition, targets interleaved; (a) client: bench/lib/burst.c (one request per new connection, timed from its own send); origin: python3 ThreadingHTTPServer, ${DELAY_MS} ms delay on /a/, scheduling: $ORIGIN_SCHED"
  echo
  cat "$RUN_DIR/table.md"
  echo
  cat "$RUN_DIR/verdicts.md"
} > "$REPORT"
cp "$REPORT" "$RUN_DIR/report.md"
cat "$REPORT"
