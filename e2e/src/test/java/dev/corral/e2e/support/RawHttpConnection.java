package dev.corral.e2e.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A client connection that writes bytes exactly as given and parses responses off the wire, for
 * behaviour that real clients hide (pipelining, 100-continue, absolute-form targets, closes).
 * Every read gives up after {@link #READ_TIMEOUT}, so a hanging proxy fails the test instead of
 * hanging it.
 */
public final class RawHttpConnection implements AutoCloseable {
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A parsed response: header names lower-cased, body decoded from its framing. */
  public record Response(String statusLine, int status, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }
  }

  public RawHttpConnection(int port) {
    try {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RawHttpConnection send(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one response; the body ends by Content-Length, chunked framing, or the close. */
  public Response read() {
    return read(false);
  }

  /** Reads one response to a HEAD-like request or a 1xx: no body expected. */
  public Response readHead() {
    return read(true);
  }

  private Response read(boolean noBody) {
    try {
      String statusLine = line();
      if (statusLine == null) {
        throw new IOException("connection closed before a response");
      }
      int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      String line;
      while ((line = line()) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
      String body = "";
      if (!noBody && status >= 200 && status != 204 && status != 304) {
        body = body(headers);
      }
      return new Response(statusLine, status, headers, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String body(Map<String, List<String>> headers) throws IOException {
    List<String> te = headers.get("transfer-encoding");
    List<String> length = headers.get("content-length");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (te != null && te.get(te.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
      while (true) {
        String sizeLine = line();
        int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
        if (size == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          break;
        }
        body.write(in.readNBytes(size));
        line();
      }
    } else if (length != null) {
      int n = Integer.parseInt(length.get(0));
      byte[] bytes = in.readNBytes(n);
      if (bytes.length < n) {
        throw new IOException("body cut short: " + bytes.length + " of " + n + " bytes");
      }
      body.write(bytes);
    } else {
      body.write(in.readAllBytes());
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Whether the peer ended the connection (EOF or reset) within {@link #READ_TIMEOUT}, with no
   * further bytes first. A timeout means the connection is still open: false.
   */
  public boolean closedByPeer() {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /**
   * Reads whatever arrives until the peer closes or resets the connection, and returns it; fails
   * when the connection is still open after {@link #READ_TIMEOUT} of silence (a hang).
   */
  public String readUntilClosed() {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      int n;
      while ((n = in.read(buffer)) != -1) {
        got.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("connection still open after " + READ_TIMEOUT + " of silence; got: "
          + got.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      // reset: closed as well
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
