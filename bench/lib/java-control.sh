#!/usr/bin/env bash
# bench/lib/java-control.sh - runs a single-file benchmark control (bench/lib/SOURCE.java, a proxy
# taking "LISTEN_PORT BACKEND_PORT...") in place of the sidecar, on the sidecar's JVM, flags and
# jar, with the listener port and the backends' ports read from the sidecar bootstrap that
# bench/failover.sh hands a CORRAL_CMD. Used by netty-http-proxy.sh and byte-http-proxy.sh. Usage:
#   bench/lib/java-control.sh SOURCE.java --bootstrap FILE [sidecar options, ignored]
set -euo pipefail
[ $# -ge 3 ] && [ "$2" = --bootstrap ] || { echo "usage: $0 SOURCE.java --bootstrap FILE [sidecar options]" >&2; exit 2; }
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ports="$(python3 - "$3" <<'PY'
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
  "$ROOT/bench/lib/$1" $ports
