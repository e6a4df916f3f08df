package dev.corral.e2e.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The main class of a backend run as its own process by {@link FaultBackendProcess}, so that a
 * test can kill it with SIGKILL: answers {@code /healthz} with 200 and anything else with
 * {@code backend <name>}, over HTTP/1.1 keep-alive. Prints {@code READY <port>} once listening.
 * Each response goes out in one write, so a SIGKILL lands between responses, never inside one: a
 * response cut after its head cannot be retried by any proxy, and is not what the fault tests
 * are about. Only JDK classes, so it runs from the test classes directory alone.
 */
public final class FaultBackendMain {
  private FaultBackendMain() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int port = Integer.parseInt(args[1]);
    ServerSocket server = bind(port);
    byte[] body = ("backend " + name).getBytes(StandardCharsets.UTF_8);
    System.out.println("READY " + server.getLocalPort());
    System.out.flush();
    while (true) {
      Socket socket = server.accept();
      Thread connection = new Thread(() -> serve(socket, body), "connection");
      connection.setDaemon(true);
      connection.start();
    }
  }

  private static void serve(Socket socket, byte[] body) {
    try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      while (true) {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
          return;
        }
        long contentLength = 0;
        boolean close = false;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
          String lower = header.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            contentLength = Long.parseLong(lower.substring(15).trim());
          } else if (lower.startsWith("connection:") && lower.contains("close")) {
            close = true;
          }
        }
        in.skipNBytes(contentLength);
        String path = requestLine.split(" ")[1];
        byte[] answer = path.equals("/healthz") ? "ok".getBytes(StandardCharsets.UTF_8) : body;
        byte[] head = ("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: " + answer.length
            + (close ? "\r\nconnection: close" : "") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[head.length + answer.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(answer, 0, response, head.length, answer.length);
        out.write(response);
        out.flush();
        if (close) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the peer went away or sent what this backend does not speak: drop the connection
    }
  }

  /** One CRLF-terminated line, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != -1; c = in.read()) {
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
    return b.length() == 0 ? null : b.toString();
  }

  /** Binds {@code port}, waiting a little if a killed predecessor's socket still holds it. */
  private static ServerSocket bind(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      try {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        return server;
      } catch (BindException e) {
        server.close();
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
