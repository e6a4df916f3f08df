#!/usr/bin/env bash
# bench/hops.sh - how long each proxy holds a request inside its own process, measured on the
# running bench/failover.sh scenario with kernel tracepoints (perf, root). Where p99 differs by
# tens of microseconds between runs, this is the number that says how much of it is the proxy's.
#
# Usage: bench/hops.sh [--seconds N] [bench/failover.sh options]
#   --seconds N   how long the threads are traced (default: 3)
#   Other options go to bench/failover.sh (run with --duration 25 --kill-at 5 unless given).
#   Environment: HOPS_KEEP=1 keeps the perf data, perf scripts and socket maps (the path is printed).
#
# While the measured load runs (10 s in, after the kill), perf records the syscalls and context
# switches of each proxy's event-loop thread (nginx's worker, HAProxy's thread, Corral's first
# event loop, or the event loop of a Netty control from bench/lib in Corral's slot) for N seconds. The sockets are told apart with ss: client side (downstream) or
# backend side (upstream). bench/lib/hops.py then times, per request:
#   request hop   a read from the client returned -> the write to a backend begins
#   response hop  a read from a backend returned  -> the write to the client begins
#   wake-up       epoll returned                  -> the first read begins
# as p50 / p90 / p99 / mean in microseconds. Hops during which the thread was preempted are
# counted, not timed. Tracing adds about 1 µs per syscall to every proxy alike.
# The table goes to stdout and to hops.md in the failover run's directory.
set -uo pipefail

TRACE_SECONDS=3
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) TRACE_SECONDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
[[ "$TRACE_SECONDS" =~ ^[0-9]+$ ]] && [ "$TRACE_SECONDS" -ge 1 ] || { echo "--seconds wants a whole number >= 1" >&2; exit 2; }
[[ " ${ARGS[*]} " == *" --duration "* ]] || ARGS+=(--duration 25)
[[ " ${ARGS[*]} " == *" --kill-at "* ]] || ARGS+=(--kill-at 5)
for c in perf python3 ss pgrep; do command -v "$c" >/dev/null || { echo "missing tool: $c" >&2; exit 1; }; done

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
PB="${FAILOVER_PORT_BASE:-19000}"
BACKENDS=" $((PB+1)) $((PB+2)) $((PB+3)) "
declare -A PORT=([nginx]=$((PB+4)) [haproxy]=$((PB+5)) [corral]=$((PB+6)))
WORK="$(mktemp -d)"; [ -n "${HOPS_KEEP:-}" ] && echo "work files: $WORK" >&2
trap '[ -n "${HOPS_KEEP:-}" ] || rm -rf "$WORK"' EXIT

before="$(ls -td "$SCRIPT_DIR"/results/failover-* 2>/dev/null | head -1)"
"$SCRIPT_DIR/failover.sh" "${ARGS[@]}" >"$WORK/failover.log" 2>&1 &
FAILOVER=$!
run_dir=""
for _ in $(seq 1 600); do
  d="$(ls -td "$SCRIPT_DIR"/results/failover-* 2>/dev/null | head -1)"
  [ -n "$d" ] && [ "$d" != "$before" ] && [ -f "$d/nginx-timeline.txt" ] && { run_dir="$d"; break; }
  kill -0 "$FAILOVER" 2>/dev/null || break
  sleep 0.5
done
[ -n "$run_dir" ] || { echo "the failover run did not start its measured load" >&2; cat "$WORK/failover.log" >&2; exit 1; }
sleep 10

# The event-loop thread of each proxy.
declare -A TID=()
m="$(pgrep -f -- "$run_dir/nginx/nginx.conf" | head -1)"; [ -n "$m" ] && TID[nginx]="$(pgrep -P "$m" | head -1)"
TID[haproxy]="$(pgrep -f -- "$run_dir/haproxy/haproxy.cfg" | head -1)"
j="$(pgrep -f -- "$run_dir/corral/" | grep -v "^$$\$" | while read -r p; do [ -d "/proc/$p/task" ] && grep -lE "corral-worker|multiThreadIoEv" /proc/"$p"/task/*/comm 2>/dev/null | head -1; done | head -1)"
[ -n "$j" ] && TID[corral]="$(echo "$j" | cut -d/ -f5)"

PERF=()
for t in nginx haproxy corral; do
  tid="${TID[$t]:-}"
  [ -n "$tid" ] || { echo "no $t thread found" >&2; continue; }
  perf record -q -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit -e sched:sched_switch \
    -t "$tid" -o "$WORK/$t.data" -- sleep "$TRACE_SECONDS" 2>/dev/null &
  PERF+=($!)
done
# The sockets, seen while tracing and right after it (a proxy may open upstream connections meanwhile).
ss -tnpH > "$WORK/ss.txt"
[ ${#PERF[@]} -eq 0 ] || wait "${PERF[@]}"
ss -tnpH >> "$WORK/ss.txt"
for t in nginx haproxy corral; do
  tid="${TID[$t]:-}"
  [ -n "$tid" ] || continue
  pid="$(awk '/^Tgid:/ { print $2 }' "/proc/$tid/status" 2>/dev/null)"
  # fd side: the proxy's listening port is the client side, a backend port the upstream side
  awk -v pid="$pid" -v port="${PORT[$t]}" -v backends="$BACKENDS" '
    index($0, "pid=" pid ",") {
      split($4, l, ":"); split($5, r, ":"); lp = l[length(l)]; rp = r[length(r)]
      while (match($0, "pid=" pid ",fd=[0-9]+")) {
        fd = substr($0, RSTART, RLENGTH); sub(/.*fd=/, "", fd)
        if (lp == port) print fd, "downstream"; else if (index(backends, " " rp " ")) print fd, "upstream"
        $0 = substr($0, RSTART + RLENGTH)
      }
    }' "$WORK/ss.txt" | sort -u > "$WORK/$t.fds"
done
wait "$FAILOVER"

{
  echo "# Time inside each proxy per request (µs: p50 / p90 / p99 / mean)"
  echo
  echo "- $(date -u '+%Y-%m-%d %H:%M') UTC; load average $(cut -d' ' -f1-3 /proc/loadavg); ${TRACE_SECONDS} s traced 10 s into the measured load of \`$(basename "$run_dir")\`"
  echo
  echo "| proxy | requests timed | request hop | response hop | wake-up | hops preempted |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for t in nginx haproxy corral; do
    [ -s "$WORK/$t.data" ] || { echo "| $t | not traced (no event-loop thread found, or perf failed) | | | | |"; continue; }
    perf script -i "$WORK/$t.data" -F tid,time,event,trace 2>/dev/null > "$WORK/$t.txt"
    python3 "$SCRIPT_DIR/lib/hops.py" "$t" "$WORK/$t.txt" "$WORK/$t.fds"
  done
} | tee "$run_dir/hops.md"
