#!/usr/bin/env bash
# bench/lib/corral-tcp-relay.sh - a CORRAL_CMD for bench/failover.sh that runs the sidecar with
# its HTTP connection manager replaced by envoy.filters.network.tcp_proxy to the first backend:
# a byte relay with the same JVM, flags, event loop and health checks, and no HTTP processing.
# It measures the floor of the sidecar's transport under failover.sh's traffic pattern (not a
# failover: one backend, no per-request balancing). Usage:
#   CORRAL_CMD=bench/lib/corral-tcp-relay.sh bench/failover.sh
#   RELAY_ALL=1 CORRAL_CMD=bench/lib/corral-tcp-relay.sh bench/failover.sh --kill-at 19
# RELAY_ALL=1 relays to all the backends (round robin per client connection, so each connection
# stays on one backend and the kill would cut a third of them: kill at the end).
# Gets "--bootstrap FILE --concurrency N" appended, like ./corral sidecar.
set -euo pipefail
[ "${1:-}" = --bootstrap ] || { echo "usage: $0 --bootstrap FILE [sidecar options]" >&2; exit 2; }
python3 - "$2" <<'PY'
import copy, os, sys, yaml
path = sys.argv[1]
boot = yaml.safe_load(open(path))
clusters = boot["static_resources"]["clusters"]
endpoints = clusters[0]["load_assignment"]["endpoints"][0]["lb_endpoints"]
relayed = copy.deepcopy(endpoints if os.environ.get("RELAY_ALL") == "1" else endpoints[:1])
clusters.append({"name": "relay", "type": "STATIC", "connect_timeout": "1s",
                 "load_assignment": {"cluster_name": "relay", "endpoints": [{"lb_endpoints": relayed}]}})
for listener in boot["static_resources"]["listeners"]:
    for chain in listener["filter_chains"]:
        chain["filters"] = [{"name": "envoy.filters.network.tcp_proxy", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
            "stat_prefix": "relay", "cluster": "relay"}}]
yaml.safe_dump(boot, open(path + ".tcp-relay.yaml", "w"))
PY
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "$ROOT/corral" sidecar --bootstrap "$2.tcp-relay.yaml" "${@:3}"
