package dev.corral.e2e.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The main class of a backend run as its own process by {@link FaultBackendProcess}, so that a
 * test can kill it with SIGKILL: answers {@code /healthz} with 200 and anything else with
 * {@code backend <name>}. Prints {@code READY <port>} once listening. Only JDK classes, so it
 * runs from the test classes directory alone.
 */
public final class FaultBackendMain {
  private FaultBackendMain() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int port = Integer.parseInt(args[1]);
    HttpServer server = bind(port);
    server.setExecutor(Executors.newCachedThreadPool());
    byte[] body = ("backend " + name).getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] answer = exchange.getRequestURI().getPath().equals("/healthz")
          ? "ok".getBytes(StandardCharsets.UTF_8) : body;
      exchange.getResponseHeaders().set("content-type", "text/plain");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    System.out.println("READY " + server.getAddress().getPort());
    System.out.flush();
  }

  /** Binds {@code port}, waiting a little if a killed predecessor's socket still holds it. */
  private static HttpServer bind(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try {
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
      } catch (BindException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
