/**
 * The HTTP/1.1 fast lane: a strict parser for the common shape of a message head
 * ({@link dev.corral.sidecar.wire.WireHead}) and headers kept as the bytes received
 * ({@link dev.corral.sidecar.wire.WireHeaders}), so a request or response that is not rewritten
 * much is forwarded without a String per header. Whatever the parser does not accept it declines,
 * and the caller hands those bytes to Netty's codec, which decodes (or refuses) them as before:
 * correctness never depends on this package. Shared by the downstream codec (http) and the
 * upstream one (pool). See docs/sidecar.md, "HTTP/1.1 fast lane".
 */
@NullMarked
package dev.corral.sidecar.wire;

import org.jspecify.annotations.NullMarked;
