package dev.corral.sidecar.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * What a proxy does to headers on the way through (RFC 9110 §7.6): hop-by-hop headers removed,
 * {@code x-forwarded-for} appended, {@code x-forwarded-proto} and {@code x-request-id} filled in.
 */
final class HeaderRules {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final ExtensionHeaderNames[] HTTP2_EXTENSIONS = ExtensionHeaderNames.values();

  private HeaderRules() {}

  /**
   * Prepares a request's headers for the upstream. {@code upgrade}: keep Upgrade for a pass-through;
   * {@code generateRequestId}: add x-request-id when absent.
   */
  static void toUpstream(HttpHeaders headers, String clientIp, boolean upgrade, boolean generateRequestId) {
    removeHopByHop(headers, upgrade);
    String te = headers.get(HttpHeaderNames.TE);
    if (te != null && !HttpHeaderValues.TRAILERS.contentEqualsIgnoreCase(te.trim())) {
      headers.remove(HttpHeaderNames.TE);
    }
    String forwarded = headers.get(X_FORWARDED_FOR);
    headers.set(X_FORWARDED_FOR, forwarded == null ? clientIp : forwarded + ", " + clientIp);
    if (!headers.contains(X_FORWARDED_PROTO)) {
      headers.set(X_FORWARDED_PROTO, HTTP);
    }
    if (generateRequestId && !headers.contains(X_REQUEST_ID)) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      // A version-4 UUID from the loop's fast random; SecureRandom would cost a lock per request.
      long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
      long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
      headers.set(X_REQUEST_ID, new UUID(msb, lsb).toString());
    }
  }

  /** Prepares a response's headers for the downstream. {@code upgrade}: a 101 passed through. */
  static void toDownstream(HttpHeaders headers, boolean upgrade) {
    removeHopByHop(headers, upgrade);
    headers.remove(HttpHeaderNames.TE);
  }

  /** Marks a streamed body chunked when it has no Content-Length, as HTTP/1.1 framing requires. */
  static void frameForHttp1(HttpHeaders headers, boolean mayHaveBody) {
    if (mayHaveBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
  }

  private static void removeHopByHop(HttpHeaders headers, boolean upgrade) {
    if (headers.contains(HttpHeaderNames.CONNECTION)) { // absent on most requests: no iterator
      Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
      while (values.hasNext()) {
        removeListed(headers, values.next(), upgrade);
      }
      headers.remove(HttpHeaderNames.CONNECTION);
    }
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove(PROXY_CONNECTION);
    if (upgrade) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    } else {
      headers.remove(HttpHeaderNames.UPGRADE);
    }
    for (ExtensionHeaderNames name : HTTP2_EXTENSIONS) {
      headers.remove(name.text());
    }
  }

  /**
   * Removes the headers a Connection value names (comma-separated, blanks around names ignored,
   * as {@code String.trim} does). The usual names (keep-alive, close, upgrade) are matched in place,
   * without a substring per name: responses from keep-alive upstreams carry one on every answer.
   */
  private static void removeListed(HttpHeaders headers, CharSequence value, boolean upgrade) {
    int length = value.length();
    int start = 0;
    while (start <= length) {
      int end = start;
      while (end < length && value.charAt(end) != ',') {
        end++;
      }
      int from = start;
      int to = end;
      while (from < to && value.charAt(from) <= ' ') {
        from++;
      }
      while (to > from && value.charAt(to - 1) <= ' ') {
        to--;
      }
      if (to > from) {
        CharSequence name = known(value, from, to);
        if (name == null) {
          name = value.subSequence(from, to);
        }
        if (!(upgrade && HttpHeaderValues.UPGRADE.contentEqualsIgnoreCase(name))) {
          headers.remove(name);
        }
      }
      start = end + 1;
    }
  }

  private static final AsciiString[] KNOWN_CONNECTION_OPTIONS = {
      HttpHeaderValues.KEEP_ALIVE, HttpHeaderValues.CLOSE, HttpHeaderValues.UPGRADE};

  private static @Nullable AsciiString known(CharSequence value, int from, int to) {
    for (AsciiString option : KNOWN_CONNECTION_OPTIONS) {
      if (option.length() == to - from && AsciiString.regionMatches(value, true, from, option, 0, to - from)) {
        return option;
      }
    }
    return null;
  }

  static boolean isUpgrade(HttpHeaders headers) {
    return headers.contains(HttpHeaderNames.UPGRADE)
        && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }
}
