#!/usr/bin/env bash
# bench/lib/netty-http-proxy.sh - a CORRAL_CMD for bench/failover.sh that runs, in place of the
# sidecar, bench/lib/NettyHttpProxy.java: the least an HTTP/1.1 proxy on Netty's HTTP codecs does
# (round robin, retry on a failed upstream; no health checks, stats, timers or filters), on the
# sidecar's JVM, flags and jar. It is a control: how much of Corral's CPU per request and p99 is
# Netty's transport and HTTP codecs rather than Corral's own request path. Usage:
#   CORRAL_CMD=bench/lib/netty-http-proxy.sh bench/failover.sh
# Gets "--bootstrap FILE --concurrency N" appended, like ./corral sidecar; reads the listener port
# and the backends' ports from that bootstrap. One event loop whatever N is.
set -euo pipefail
[ "${1:-}" = --bootstrap ] || { echo "usage: $0 --bootstrap FILE [sidecar options]" >&2; exit 2; }
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ports="$(python3 - "$2" <<'PY'
import sys, yaml
boot = yaml.safe_load(open(sys.argv[1]))["static_resources"]
ports = [boot["listeners"][0]["address"]["socket_address"]["port_value"]]
for e in boot["clusters"][0]["load_assignment"]["endpoints"][0]["lb_endpoints"]:
    ports.append(e["endpoint"]["address"]["socket_address"]["port_value"])
print(" ".join(map(str, ports)))
PY
)"
# shellcheck disable=SC2086 # the flags and the ports are word lists
exec java ${CORRAL_JVM_FLAGS:-@$ROOT/sidecar/jvm.options} -cp "$ROOT/sidecar/target/corral-sidecar.jar" \
  "$ROOT/bench/lib/NettyHttpProxy.java" $ports
