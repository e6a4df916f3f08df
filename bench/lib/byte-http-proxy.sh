#!/usr/bin/env bash
# bench/lib/byte-http-proxy.sh - a CORRAL_CMD for bench/failover.sh that runs, in place of the
# sidecar, bench/lib/ByteHttpProxy.java: netty-http-proxy.sh's proxy (round robin, retry on a
# failed upstream) without Netty's HTTP codecs, its heads parsed in place and forwarded as byte
# slices, on the sidecar's JVM, flags and jar. It is a control: whether an HTTP/1 engine below
# HttpObjectDecoder/Encoder reaches nginx's p99 on this JVM. Usage:
#   CORRAL_CMD=bench/lib/byte-http-proxy.sh bench/failover.sh
#   STICKY=1 CORRAL_CMD=bench/lib/byte-http-proxy.sh bench/failover.sh   (a backend per client connection)
# Gets "--bootstrap FILE --concurrency N" appended, like ./corral sidecar; reads the listener port
# and the backends' ports from that bootstrap. One event loop whatever N is.
exec "$(dirname "${BASH_SOURCE[0]}")/java-control.sh" ByteHttpProxy.java "$@"
