package dev.corral.sidecar.wire;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 message head in the strict subset the fast lane accepts: {@code METHOD SP target SP
 * HTTP/1.1} or {@code HTTP/1.1 SP 3DIGIT SP reason}, then {@code token ":" OWS value OWS} lines of
 * visible ASCII, space and tab, each ended by CRLF, then CRLF. No obs-fold, no obs-text, no bare
 * CR or LF, no whitespace before a colon, no leading empty lines. A head outside this subset, or
 * not yet complete, is declined ({@code null}): its bytes go to Netty's decoder, which decodes or
 * refuses them as it always has, so the fast lane only accepts what Netty would decode the same way.
 */
public final class WireHead {
  private static final int MAX_METHOD = 16;
  /** Longer Content-Length values are left to Netty (and its refusals). */
  private static final int MAX_LENGTH_DIGITS = 18;
  private static final byte[] VERSION = {'H', 'T', 'T', 'P', '/', '1', '.', '1'};
  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  private final int length;
  private final @Nullable String method;
  private final @Nullable String target;
  private final int status;
  private final @Nullable String reason;
  private final WireHeaders headers;
  private final long contentLength;
  private final boolean unusualFraming;

  private WireHead(int length, @Nullable String method, @Nullable String target, int status,
      @Nullable String reason, WireHeaders headers, long contentLength, boolean unusualFraming) {
    this.length = length;
    this.method = method;
    this.target = target;
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.contentLength = contentLength;
    this.unusualFraming = unusualFraming;
  }

  /**
   * The request head at the start of {@code in}, or null (declined or incomplete). Reads nothing;
   * the caller skips {@link #length()} bytes once it uses the head. {@code validate}: whether
   * headers added later are validated, as Netty's decoder configured the same way would.
   */
  public static @Nullable WireHead request(ByteBuf in, int maxInitialLine, int maxHeaderSize, boolean validate) {
    return parse(in, true, maxInitialLine, maxHeaderSize, validate);
  }

  /** The response head at the start of {@code in}, or null (declined or incomplete); as {@link #request}. */
  public static @Nullable WireHead response(ByteBuf in, int maxInitialLine, int maxHeaderSize, boolean validate) {
    return parse(in, false, maxInitialLine, maxHeaderSize, validate);
  }

  /**
   * Whether Netty's decoder is between messages again after adding {@code decoded[from..]}: its
   * output ended with a whole message's last content. Only then may the fast lane take the next head.
   */
  public static boolean endsMessage(List<Object> decoded, int from) {
    return decoded.size() > from && decoded.get(decoded.size() - 1) instanceof LastHttpContent last
        && last.decoderResult().isSuccess();
  }

  /** Bytes of the head, start line to the empty line included. */
  public int length() {
    return length;
  }

  /** The request's method (requests only). */
  public String method() {
    return nonNull(method);
  }

  /** The request's target (requests only). */
  public String target() {
    return nonNull(target);
  }

  /** The response's status code (responses only). */
  public int status() {
    return status;
  }

  /** The response's reason phrase, possibly empty (responses only). */
  public String reason() {
    return nonNull(reason);
  }

  public WireHeaders headers() {
    return headers;
  }

  /** The one Content-Length value, or -1 without one. */
  public long contentLength() {
    return contentLength;
  }

  /**
   * Whether the head has a field that changes how the message is framed or handled beyond a plain
   * Content-Length: Transfer-Encoding, Expect, Upgrade, an old WebSocket key, or a Content-Length
   * that is repeated or not plain digits. Such messages are Netty's to decode.
   */
  public boolean unusualFraming() {
    return unusualFraming;
  }

  private static String nonNull(@Nullable String s) {
    if (s == null) {
      throw new IllegalStateException("not parsed from this kind of head");
    }
    return s;
  }

  private static @Nullable WireHead parse(ByteBuf in, boolean request, int maxInitialLine, int maxHeaderSize,
      boolean validate) {
    int start = in.readerIndex();
    int limit = start + Math.min(in.readableBytes(), maxInitialLine + maxHeaderSize);
    // Find the empty line that ends the head, a line at a time.
    int lineStart = start;
    int end = -1;
    while (lineStart < limit) {
      int lf = in.indexOf(lineStart, limit, (byte) '\n');
      if (lf < 0) {
        return null; // incomplete, or longer than the limits: Netty's to decide
      }
      if (lf == lineStart + 1 && lineStart > start) {
        end = lf + 1;
        break;
      }
      lineStart = lf + 1;
    }
    if (end < 0) {
      return null;
    }
    byte[] b = new byte[end - start];
    in.getBytes(start, b);
    return request ? parseRequest(b, maxInitialLine, maxHeaderSize, validate)
        : parseResponse(b, maxInitialLine, maxHeaderSize, validate);
  }

  private static @Nullable WireHead parseRequest(byte[] b, int maxInitialLine, int maxHeaderSize, boolean validate) {
    int p = 0;
    while (p < b.length && p < MAX_METHOD && b[p] >= 'A' && b[p] <= 'Z') {
      p++;
    }
    if (p == 0 || p >= b.length || b[p] != ' ') {
      return null;
    }
    String method = ascii(b, 0, p);
    int targetStart = ++p;
    while (p < b.length && b[p] >= 0x21 && b[p] <= 0x7E) {
      p++;
    }
    if (p == targetStart || p >= b.length || b[p] != ' ') {
      return null;
    }
    String target = ascii(b, targetStart, p - targetStart);
    p++;
    if (!version(b, p)) {
      return null;
    }
    p += VERSION.length;
    if (!crlf(b, p) || p + 2 > maxInitialLine) {
      return null;
    }
    return headers(b, p + 2, maxHeaderSize, validate, method, target, 0, null);
  }

  private static @Nullable WireHead parseResponse(byte[] b, int maxInitialLine, int maxHeaderSize, boolean validate) {
    if (!version(b, 0) || b.length < 13 || b[8] != ' ' || !digit(b[9]) || !digit(b[10]) || !digit(b[11])
        || b[12] != ' ') {
      return null;
    }
    int status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
    int reasonStart = 13;
    int p = reasonStart;
    while (p < b.length && (b[p] >= 0x20 && b[p] <= 0x7E || b[p] == '\t')) {
      p++;
    }
    // Netty trims the reason; one that starts or ends with blanks is left to it.
    if (!crlf(b, p) || p + 2 > maxInitialLine
        || p > reasonStart && (ows(b[reasonStart]) || ows(b[p - 1]))) {
      return null;
    }
    return headers(b, p + 2, maxHeaderSize, validate, null, null, status, ascii(b, reasonStart, p - reasonStart));
  }

  private static @Nullable WireHead headers(byte[] b, int from, int maxHeaderSize, boolean validate,
      @Nullable String method, @Nullable String target, int status, @Nullable String reason) {
    if (b.length - from > maxHeaderSize) {
      return null;
    }
    int[] lines = new int[5 * 8];
    int count = 0;
    long contentLength = -1;
    boolean unusual = false;
    int p = from;
    while (!crlf(b, p)) {
      int nameStart = p;
      while (p < b.length && b[p] >= 0 && TCHAR[b[p]]) {
        p++;
      }
      if (p == nameStart || p >= b.length || b[p] != ':') {
        return null;
      }
      int nameEnd = p++;
      while (p < b.length && ows(b[p])) {
        p++;
      }
      int valueStart = p;
      while (p < b.length && (b[p] >= 0x20 && b[p] <= 0x7E || b[p] == '\t')) {
        p++;
      }
      if (!crlf(b, p)) {
        return null;
      }
      int valueEnd = p;
      while (valueEnd > valueStart && ows(b[valueEnd - 1])) {
        valueEnd--;
      }
      p += 2;
      if (count * 5 == lines.length) {
        lines = Arrays.copyOf(lines, lines.length * 2);
      }
      int i = count++ * 5;
      lines[i] = nameStart;
      lines[i + 1] = nameEnd;
      lines[i + 2] = valueStart;
      lines[i + 3] = valueEnd;
      lines[i + 4] = p;
      switch (framing(b, nameStart, nameEnd - nameStart)) {
        case CONTENT_LENGTH -> {
          long value = digits(b, valueStart, valueEnd);
          if (contentLength >= 0 || value < 0) {
            unusual = true;
          }
          contentLength = value;
        }
        case OTHER -> unusual = true;
        case NONE -> { }
      }
    }
    if (p + 2 != b.length) {
      return null; // cannot happen: the head ends at its first empty line
    }
    WireHeaders headers = new WireHeaders(b, lines, count, validate);
    return new WireHead(b.length, method, target, status, reason, headers, unusual ? -1 : contentLength, unusual);
  }

  private enum Framing { NONE, CONTENT_LENGTH, OTHER }

  private static Framing framing(byte[] b, int start, int length) {
    return switch (length) {
      case 14 -> WireHeaders.equalsIgnoreCase(b, start, "content-length") ? Framing.CONTENT_LENGTH : Framing.NONE;
      case 17 -> WireHeaders.equalsIgnoreCase(b, start, "transfer-encoding") ? Framing.OTHER : Framing.NONE;
      case 6 -> WireHeaders.equalsIgnoreCase(b, start, "expect") ? Framing.OTHER : Framing.NONE;
      case 7 -> WireHeaders.equalsIgnoreCase(b, start, "upgrade") ? Framing.OTHER : Framing.NONE;
      case 18 -> WireHeaders.equalsIgnoreCase(b, start, "sec-websocket-key1")
          || WireHeaders.equalsIgnoreCase(b, start, "sec-websocket-key2") ? Framing.OTHER : Framing.NONE;
      default -> Framing.NONE;
    };
  }

  /** The value as a non-negative number, or -1 unless it is 1 to 18 digits. */
  private static long digits(byte[] b, int start, int end) {
    if (end == start || end - start > MAX_LENGTH_DIGITS) {
      return -1;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      if (!digit(b[i])) {
        return -1;
      }
      value = value * 10 + (b[i] - '0');
    }
    return value;
  }

  private static boolean version(byte[] b, int p) {
    if (p + VERSION.length > b.length) {
      return false;
    }
    for (int i = 0; i < VERSION.length; i++) {
      if (b[p + i] != VERSION[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean crlf(byte[] b, int p) {
    return p + 1 < b.length && b[p] == '\r' && b[p + 1] == '\n';
  }

  private static boolean digit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean ows(byte c) {
    return c == ' ' || c == '\t';
  }

  @SuppressWarnings("deprecation") // the ASCII constructor: no decoding, as Netty's decoder does
  static String ascii(byte[] b, int start, int length) {
    return new String(b, 0, start, length);
  }
}
