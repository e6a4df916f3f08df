#!/usr/bin/env python3
"""What a bench/failover.sh run's slow requests have in common.

For each proxy, takes the requests slower than nginx's p99 in the same run (from the
<proxy>-timeline.txt files: "send_epoch_us latency_us status") and reports
  - how many of them ended in clusters (4 or more within 2 ms of each other): requests delayed
    together, by a burst in the load or a stall of the whole process, rather than one by one;
  - for Corral, how many overlapped a safepoint of 0.5 ms or more in corral/gc.log (GC pauses);
  - each proxy's p99 over the requests sent "alone": no other proxy's request sent within
    ALONE_WINDOW_US of it. The three loads share two cores and each wrk's send slots drift against
    the others', so in one run a proxy may meet the others' requests far more often than in the
    next; this p99 leaves those collisions out.
Usage: tail.py RUN_DIR            (the report above)
       tail.py --alone RUN_DIR    (one line per proxy: "proxy p99_alone_us requests_alone requests")
"""
import bisect
import datetime
import re
import sys

CLUSTER_GAP_US = 2000
CLUSTER_MIN = 4
ALONE_WINDOW_US = 150
PROXIES = ("nginx", "haproxy", "corral")


def timeline(run_dir, proxy):
    rows = []
    with open(f"{run_dir}/{proxy}-timeline.txt") as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 3:
                rows.append((float(fields[0]), int(fields[1])))
    return rows


def clusters(slow):
    ends = sorted(start + latency for start, latency in slow)
    groups, current = [], []
    for end in ends:
        if current and end - current[-1] > CLUSTER_GAP_US:
            groups.append(current)
            current = []
        current.append(end)
    if current:
        groups.append(current)
    return [g for g in groups if len(g) >= CLUSTER_MIN]


def safepoints(run_dir):
    pauses = []
    pattern = re.compile(r"\[(\S+?)\+0000\].*Safepoint \"(\w+)\".*Total: (\d+) ns")
    try:
        with open(f"{run_dir}/corral/gc.log") as f:
            for line in f:
                m = pattern.match(line)
                if m and int(m.group(3)) >= 500_000:
                    end = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f") \
                        .replace(tzinfo=datetime.timezone.utc).timestamp() * 1e6
                    pauses.append((end - int(m.group(3)) / 1000, end, m.group(2)))
    except FileNotFoundError:
        pass
    return pauses


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0


def alone(run_dir):
    """proxy -> (p99 of its requests sent alone, how many were, how many requests in all)."""
    rows = {}
    for proxy in PROXIES:
        try:
            rows[proxy] = sorted(timeline(run_dir, proxy))
        except FileNotFoundError:
            pass
    sends = {proxy: [s for s, _ in r] for proxy, r in rows.items()}
    result = {}
    for proxy, r in rows.items():
        others = [sends[o] for o in sends if o != proxy]
        kept = [l for s, l in r if not any(
            (i := bisect.bisect_left(o, s - ALONE_WINDOW_US)) < len(o) and o[i] <= s + ALONE_WINDOW_US
            for o in others)]
        result[proxy] = (percentile(kept, 0.99), len(kept), len(r))
    return result


def main(run_dir):
    reference = sorted(latency for _, latency in timeline(run_dir, "nginx"))
    threshold = reference[int(len(reference) * 0.99)]
    print(f"slower than nginx's p99 ({threshold} µs):")
    for proxy in ("nginx", "haproxy", "corral"):
        try:
            rows = timeline(run_dir, proxy)
        except FileNotFoundError:
            continue
        slow = [(s, l) for s, l in rows if l > threshold]
        grouped = clusters(slow)
        line = (f"  {proxy}: {len(slow)} of {len(rows)}; in clusters of {CLUSTER_MIN}+: "
                f"{sum(len(g) for g in grouped)} in {len(grouped)} clusters")
        if proxy == "corral":
            pauses = safepoints(run_dir)
            hit = sum(1 for s, l in slow if any(a < s + l and b > s for a, b, _ in pauses))
            line += f"; overlapping a safepoint >= 0.5 ms: {hit} ({len(pauses)} such safepoints in the log)"
        print(line)
    print(f"sent alone (no other proxy's request sent within {ALONE_WINDOW_US} µs):")
    for proxy, (p99, kept, total) in alone(run_dir).items():
        print(f"  {proxy}: p99 {p99} µs over {kept} of {total} requests")


if __name__ == "__main__":
    if sys.argv[1] == "--alone":
        for name, (p99, kept, total) in alone(sys.argv[2]).items():
            print(name, p99, kept, total)
    else:
        main(sys.argv[1])
