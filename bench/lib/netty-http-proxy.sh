#!/usr/bin/env bash
# bench/lib/netty-http-proxy.sh - a CORRAL_CMD for bench/failover.sh that runs, in place of the
# sidecar, bench/lib/NettyHttpProxy.java: the least an HTTP/1.1 proxy on Netty's HTTP codecs does
# (round robin, retry on a failed upstream; no health checks, stats, timers or filters), on the
# sidecar's JVM, flags and jar. It is a control: how much of Corral's CPU per request and p99 is
# Netty's transport and HTTP codecs rather than Corral's own request path. Usage:
#   CORRAL_CMD=bench/lib/netty-http-proxy.sh bench/failover.sh
# Gets "--bootstrap FILE --concurrency N" appended, like ./corral sidecar; reads the listener port
# and the backends' ports from that bootstrap. One event loop whatever N is.
exec "$(dirname "${BASH_SOURCE[0]}")/java-control.sh" NettyHttpProxy.java "$@"
