package dev.corral.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a raw socket, for bytes no well-behaved client would send (malformed framing,
 * smuggling shapes) and for watching exactly when a connection closes. Reads time out after
 * {@code timeoutMillis}, a "no hang" bound rather than a timing assertion.
 */
public final class EdgeRawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** One response as read off the wire. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public EdgeRawHttp(int port, int timeoutMillis) {
    try {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(timeoutMillis);
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public EdgeRawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public EdgeRawHttp send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public OutputStream output() {
    return out;
  }

  public InputStream input() {
    return in;
  }

  /**
   * Reads one response (head, then a Content-Length or chunked body), or returns null when the
   * peer closed the connection before sending any byte of one.
   */
  public Response readResponse() throws IOException {
    Response head = readHead();
    if (head == null) {
      return null;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String length = head.header("content-length");
    if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length)));
    } else if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
      int size;
      while ((size = Integer.parseInt(readLine(false).split(";")[0].trim(), 16)) > 0) {
        body.write(in.readNBytes(size));
        readLine(false);
      }
      while (!readLine(false).isEmpty()) {
        // trailers
      }
    }
    return new Response(head.status(), head.headers(), body.toByteArray());
  }

  /**
   * Reads a response head only (status and headers, empty body), leaving the body to be read from
   * {@link #input()}; null when the peer closed the connection before sending a byte of it.
   */
  public Response readHead() throws IOException {
    String statusLine = readLine(true);
    if (statusLine == null) {
      return null;
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not a status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while (!(line = readLine(false)).isEmpty()) {
      int colon = line.indexOf(':');
      headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
          (a, b) -> a + "," + b);
    }
    return new Response(status, headers, new byte[0]);
  }

  /** Whether the peer closed the connection: the next read returns -1 (or the socket was reset). */
  public boolean closedByPeer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("reset")) {
        return true;
      }
      throw e;
    }
  }

  private String readLine(boolean eofAllowed) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n') {
      if (b == -1) {
        if (eofAllowed && line.isEmpty()) {
          return null;
        }
        throw new IOException("connection closed mid-line: " + line);
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
