package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.corral.e2e.support.BootstrapBuilder;
import dev.corral.e2e.support.EdgePattern;
import dev.corral.e2e.support.EdgeRawHttp;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.SidecarProcess;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies far larger than the sidecar's 64 MiB heap and 64 MiB direct memory, streamed both ways
 * through the real process: every byte arrives, in order, and the process stays small because
 * nothing aggregates and a slow reader holds the upstream back instead of filling memory.
 */
class LargeBodyE2E {
  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;
  private static final long PEAK_RSS_LIMIT = 256 * MIB;
  /**
   * How much RSS may grow while a client stops reading: socket-buffer-sized chunks plus the JVM's
   * own noise (JIT arenas, GC). Without back-pressure the 224 MiB still to come would pile up.
   */
  private static final long PAUSE_GROWTH_LIMIT = 32 * MIB;
  private static final int NO_HANG_MILLIS = 30_000;

  static HttpBackend backend;
  static SidecarProcess sidecar;

  @BeforeAll
  static void start() {
    backend = new HttpBackend("a").handler(LargeBodyE2E::handle);
    BootstrapBuilder bootstrap = new BootstrapBuilder();
    bootstrap.cluster("backend", backend.port());
    sidecar = SidecarProcess.start(bootstrap, "--concurrency", "1");
    report("after start");
  }

  @AfterAll
  static void stop() {
    if (sidecar != null) {
      sidecar.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  /** GET /download?N streams N pattern bytes; POST /upload answers "bytes=… firstMismatch=…". */
  private static void handle(HttpExchange exchange) throws IOException {
    if (exchange.getRequestURI().getPath().equals("/download")) {
      exchange.getRequestBody().readAllBytes();
      long length = Long.parseLong(exchange.getRequestURI().getQuery());
      exchange.sendResponseHeaders(200, length);
      try (OutputStream out = exchange.getResponseBody()) {
        EdgePattern.write(out, length);
      }
      return;
    }
    EdgePattern.Check check = EdgePattern.check(exchange.getRequestBody());
    byte[] body = ("bytes=" + check.bytes() + " firstMismatch=" + check.firstMismatch())
        .getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Test
  void downloadsOneGibibyteIntactWithoutAggregating() throws IOException {
    long started = System.nanoTime();
    try (EdgeRawHttp client = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      EdgeRawHttp.Response head = client.send("GET /download?" + GIB + " HTTP/1.1\r\nHost: a\r\n\r\n").readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo(Long.toString(GIB));

      EdgePattern.Check check = EdgePattern.check(client.input(), 0, GIB);

      assertThat(check.bytes()).isEqualTo(GIB);
      assertThat(check.firstMismatch()).as("offset of the first wrong byte").isEqualTo(-1);
    }
    report("after 1 GiB download in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    assertThat(sidecar.peakRssBytes()).as("peak RSS").isLessThan(PEAK_RSS_LIMIT);
  }

  @Test
  void uploadsOneGibibyteIntactWithoutAggregating() throws IOException {
    long started = System.nanoTime();
    try (EdgeRawHttp client = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      client.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + GIB + "\r\n\r\n");
      OutputStream out = new BufferedOutputStream(client.output(), 64 * 1024);
      EdgePattern.write(out, GIB);
      out.flush();

      EdgeRawHttp.Response response = client.readResponse();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("bytes=" + GIB + " firstMismatch=-1");
    }
    report("after 1 GiB upload in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    assertThat(sidecar.peakRssBytes()).as("peak RSS").isLessThan(PEAK_RSS_LIMIT);
  }

  @Test
  void slowReaderHoldsTheUpstreamBackInsteadOfBuffering() throws Exception {
    long length = 256 * MIB;
    long firstPart = 32 * MIB;
    try (EdgeRawHttp client = new EdgeRawHttp(sidecar.listenerPort(), NO_HANG_MILLIS)) {
      EdgeRawHttp.Response head = client.send("GET /download?" + length + " HTTP/1.1\r\nHost: a\r\n\r\n").readHead();
      assertThat(head.status()).isEqualTo(200);
      EdgePattern.Check first = EdgePattern.check(client.input(), 0, firstPart);
      assertThat(first.firstMismatch()).isEqualTo(-1);

      // Stop reading: without back-pressure the sidecar would read the backend's 224 MiB left
      // into memory while it waits for this client.
      long before = sidecar.rssBytes();
      Thread.sleep(1_000);
      long after = sidecar.rssBytes();
      System.out.printf("LargeBodyE2E: RSS during a 1 s read pause: %d -> %d KiB (%+d KiB)%n",
          before / 1024, after / 1024, (after - before) / 1024);

      EdgePattern.Check rest = EdgePattern.check(client.input(), firstPart, length - firstPart);
      assertThat(rest.bytes()).isEqualTo(length - firstPart);
      assertThat(rest.firstMismatch()).as("offset of the first wrong byte").isEqualTo(-1);
      assertThat(after - before).as("RSS growth during the pause").isLessThan(PAUSE_GROWTH_LIMIT);
    }
    assertThat(sidecar.peakRssBytes()).as("peak RSS").isLessThan(PEAK_RSS_LIMIT);
  }

  private static void report(String when) {
    System.out.printf("LargeBodyE2E: sidecar RSS %s: %d MiB (peak %d MiB)%n", when,
        sidecar.rssBytes() / MIB, sidecar.peakRssBytes() / MIB);
  }
}
