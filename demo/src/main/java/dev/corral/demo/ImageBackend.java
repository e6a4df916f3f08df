package dev.corral.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One "pod" of the images Service: {@code GET /images/<id>} answers a deterministic pseudo-random
 * image (the same bytes for an id on every replica) after 20–80 ms, with an ETag, Cache-Control
 * and Accept-Ranges, and answers one {@code Range: bytes=…} with a 206; {@code /healthz} for the
 * BalancePolicy's health check. Run as its own process: {@code java -cp corral-demo.jar
 * dev.corral.demo.ImageBackend <port> <name>}.
 */
public final class ImageBackend implements AutoCloseable {
  static final String PREFIX = "/images/";
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final String LAST_MODIFIED = "Sat, 01 Nov 2025 00:00:00 GMT";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  public ImageBackend(int port, String name) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    server.setExecutor(executor);
    server.createContext("/healthz", exchange -> respond(exchange, 200, "ok".getBytes(), "text/plain"));
    server.createContext("/", exchange -> {
      try {
        serve(exchange, name);
      } catch (RuntimeException e) {
        respond(exchange, 500, String.valueOf(e).getBytes(), "text/plain");
      }
    });
    server.start();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ImageBackend <port> <name>");
      System.exit(2);
    }
    ImageBackend backend = new ImageBackend(Integer.parseInt(args[0]), args[1]);
    Runtime.getRuntime().addShutdownHook(new Thread(backend::close));
    System.out.println("image backend " + args[1] + " on 127.0.0.1:" + args[0]);
    Thread.currentThread().join();
  }

  /** The size of image {@code id}: hot (small) ids 16–208 KiB, others 4–20 KiB. */
  static int size(long id) {
    SplittableRandom r = new SplittableRandom(id * 0x9E3779B97F4A7C15L);
    return id < 1000 ? 16 * 1024 + r.nextInt(192 * 1024) : 4 * 1024 + r.nextInt(16 * 1024);
  }

  /** The bytes of image {@code id}, {@code from} inclusive to {@code to} exclusive. */
  static byte[] bytes(long id, int from, int to) {
    SplittableRandom r = new SplittableRandom(id);
    byte[] all = new byte[to];
    r.nextBytes(all);
    return from == 0 ? all : java.util.Arrays.copyOfRange(all, from, to);
  }

  private static void serve(HttpExchange exchange, String name) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getPath();
    if (!path.startsWith(PREFIX) || !exchange.getRequestMethod().equals("GET")
        && !exchange.getRequestMethod().equals("HEAD")) {
      respond(exchange, 404, "no such image\n".getBytes(), "text/plain");
      return;
    }
    long id;
    try {
      id = Long.parseLong(path.substring(PREFIX.length()));
    } catch (NumberFormatException e) {
      respond(exchange, 404, "no such image\n".getBytes(), "text/plain");
      return;
    }
    sleep(20 + ThreadLocalRandom.current().nextInt(61));
    int size = size(id);
    String etag = "\"img-" + id + "-v1\"";
    var h = exchange.getResponseHeaders();
    h.set("etag", etag);
    h.set("last-modified", LAST_MODIFIED);
    h.set("cache-control", "public, max-age=60");
    h.set("accept-ranges", "bytes");
    h.set("x-served-by", name);
    if (etag.equals(exchange.getRequestHeaders().getFirst("if-none-match"))) {
      exchange.sendResponseHeaders(304, -1);
      exchange.close();
      return;
    }
    String range = exchange.getRequestHeaders().getFirst("range");
    Matcher m = range == null ? null : RANGE.matcher(range.trim());
    if (m != null && m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
      long first;
      long last;
      if (m.group(1).isEmpty()) {
        first = Math.max(0, size - Long.parseLong(m.group(2)));
        last = size - 1;
      } else {
        first = Long.parseLong(m.group(1));
        last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
      }
      if (first >= size || first > last) {
        h.set("content-range", "bytes */" + size);
        respond(exchange, 416, new byte[0], "image/jpeg");
        return;
      }
      h.set("content-range", "bytes " + first + "-" + last + "/" + size);
      respond(exchange, 206, bytes(id, (int) first, (int) last + 1), "image/jpeg");
      return;
    }
    respond(exchange, 200, bytes(id, 0, size), "image/jpeg");
  }

  private static void respond(HttpExchange exchange, int status, byte[] body, String type) throws IOException {
    exchange.getResponseHeaders().set("content-type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  private static void sleep(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
