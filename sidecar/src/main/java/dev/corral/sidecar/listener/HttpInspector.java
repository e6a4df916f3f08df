package dev.corral.sidecar.listener;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's {@code envoy.filters.listener.http_inspector}: tells from a connection's first bytes
 * whether the client speaks HTTP/1.x (a request line) or HTTP/2 with prior knowledge (the
 * connection preface), without consuming them. Anything else is {@link #NOT_HTTP}.
 */
final class HttpInspector {
  static final String NOT_HTTP = "";
  /** A request line longer than this is not waited for (the HTTP codec's own limit). */
  static final int MAX_INSPECT_BYTES = 16 * 1024;
  private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private HttpInspector() {}

  /**
   * {@code "http/1.0"}, {@code "http/1.1"}, {@code "h2c"}, {@link #NOT_HTTP}, or null when more
   * bytes are needed to tell.
   */
  static @Nullable String detect(ByteBuf in) {
    int start = in.readerIndex();
    int n = in.readableBytes();
    if (n == 0) {
      return null;
    }
    int preface = Math.min(n, H2_PREFACE.length);
    boolean prefaceSoFar = true;
    for (int i = 0; i < preface && prefaceSoFar; i++) {
      prefaceSoFar = in.getByte(start + i) == H2_PREFACE[i];
    }
    if (prefaceSoFar) {
      return n >= H2_PREFACE.length ? "h2c" : null;
    }
    // method SP request-target SP HTTP/1.x CRLF
    int i = 0;
    while (i < n && isMethodChar(in.getByte(start + i))) {
      i++;
    }
    if (i == n) {
      return n > 32 ? NOT_HTTP : null; // no method is that long
    }
    if (i == 0 || in.getByte(start + i) != ' ') {
      return NOT_HTTP;
    }
    int lineEnd = -1;
    for (int j = i + 1; j < n; j++) {
      byte b = in.getByte(start + j);
      if (b == '\n') {
        lineEnd = j;
        break;
      }
      if ((b < 0x20 && b != '\r' && b != '\t') || b == 0x7f) {
        return NOT_HTTP;
      }
    }
    if (lineEnd < 0) {
      return n > MAX_INSPECT_BYTES ? NOT_HTTP : null;
    }
    int end = lineEnd > 0 && in.getByte(start + lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
    String line = in.toString(start, end, StandardCharsets.ISO_8859_1);
    if (line.matches("[A-Z_-]+ \\S+ HTTP/1\\.1")) {
      return "http/1.1";
    }
    if (line.matches("[A-Z_-]+ \\S+ HTTP/1\\.0")) {
      return "http/1.0";
    }
    return NOT_HTTP;
  }

  private static boolean isMethodChar(byte b) {
    return (b >= 'A' && b <= 'Z') || b == '-' || b == '_';
  }
}
