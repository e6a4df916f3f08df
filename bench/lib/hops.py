#!/usr/bin/env python3
"""Time a proxy spends on each request inside its own process, from `perf script` output.

Input: `perf script -F tid,time,event,trace` of raw_syscalls:sys_enter/sys_exit and
sched:sched_switch for one event-loop thread, plus an fd map ("fd side" per line, side is
downstream or upstream, from `ss -tnp` at trace time).

  request hop:  a read on a downstream socket returned bytes -> the next write to an upstream socket
  response hop: a read on an upstream socket returned bytes  -> the next write to a downstream socket
  wake-up:      epoll wait returned -> the next read begins

A hop during which the thread was preempted (sched_switch with prev_state=R) is counted apart:
its length is the scheduler's, not the proxy's.
Usage: hops.py NAME PERF_SCRIPT_TXT FD_MAP   (prints one markdown table row)
"""
import re
import sys

READS = {0, 19, 45}            # read, readv, recvfrom
WRITES = {1, 20, 44, 46}       # write, writev, sendto, sendmsg
WAITS = {232, 281, 441}        # epoll_wait, epoll_pwait, epoll_pwait2
LINE = re.compile(r"\s*\d+\s+([\d.]+):\s+(\S+):\s+(.*)")


def stats(values):
    if not values:
        return "-"
    v = sorted(values)
    n = len(v)
    return f"{v[n // 2]:.0f} / {v[int(n * 0.9)]:.0f} / {v[int(n * 0.99)]:.0f} / {sum(v) / n:.1f}"


def main(name, trace, fd_map):
    side = {}
    for line in open(fd_map):
        fd, where = line.split()
        side[int(fd)] = where
    hops = {"request": [], "response": []}
    preempted = 0
    wakeups = []
    pending_fd = None     # fd of the syscall entered last
    open_hop = None       # (kind, start_us, preempted)
    woke_at = None
    for line in open(trace):
        m = LINE.match(line)
        if not m:
            continue
        t, event, rest = float(m.group(1)) * 1e6, m.group(2), m.group(3)
        if event == "raw_syscalls:sys_enter":
            call = re.match(r"NR (\d+) \(([0-9a-f]+)", rest)
            if not call:
                continue
            nr, fd = int(call.group(1)), int(call.group(2), 16)
            pending_fd = fd
            if nr in READS and woke_at is not None:
                wakeups.append(t - woke_at)
                woke_at = None
            if nr in WRITES and open_hop:
                kind, start, was_preempted = open_hop
                wanted = "upstream" if kind == "request" else "downstream"
                if side.get(fd) == wanted:
                    if was_preempted:
                        preempted += 1
                    else:
                        hops[kind].append(t - start)
                    open_hop = None
        elif event == "raw_syscalls:sys_exit":
            done = re.match(r"NR (\d+) = (-?\d+)", rest)
            if not done:
                continue
            nr, ret = int(done.group(1)), int(done.group(2))
            if nr in WAITS and ret > 0:
                woke_at = t
            elif nr in READS and ret > 0 and pending_fd in side:
                kind = "request" if side[pending_fd] == "downstream" else "response"
                open_hop = (kind, t, False)
        elif event == "sched:sched_switch" and "prev_state=R" in rest and open_hop:
            open_hop = (open_hop[0], open_hop[1], True)
    total = len(hops["request"]) + len(hops["response"]) + preempted
    print(f"| {name} | {len(hops['request'])} | {stats(hops['request'])} | {stats(hops['response'])} "
          f"| {stats(wakeups)} | {preempted} of {total} |")


if __name__ == "__main__":
    main(*sys.argv[1:4])
