package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import dev.corral.e2e.support.FilterSidecars;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawSidecars;
import dev.corral.e2e.support.SidecarProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Range coalescing through the real sidecar, against an origin that answers Range requests. */
class RangeE2E {
  static final int SIZE = 10 << 20;
  static final byte[] OBJECT = new byte[SIZE];
  static final AtomicLong originBytes = new AtomicLong();
  static HttpBackend origin;
  static SidecarProcess sidecar;
  static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  @BeforeAll
  static void start() {
    new Random(42).nextBytes(OBJECT);
    origin = new HttpBackend("origin").handler(RangeE2E::answer);
    int admin = Ports.free();
    int listener = Ports.free();
    sidecar = RawSidecars.start(FilterSidecars.yaml(admin, listener, origin.port()), admin, listener);
  }

  @AfterAll
  static void stop() {
    sidecar.close();
    origin.close();
  }

  /** The origin's own Range semantics (single ranges; anything else gets the whole object). */
  static Answer originAnswer(String range, boolean honourRange) {
    Matcher m = range == null ? null : RANGE.matcher(range);
    if (!honourRange || m == null || !m.matches()) {
      return new Answer(200, null, OBJECT);
    }
    long first;
    long last;
    if (m.group(1).isEmpty()) {
      long n = Long.parseLong(m.group(2));
      first = Math.max(0, SIZE - n);
      last = SIZE - 1;
    } else {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? SIZE - 1 : Math.min(SIZE - 1, Long.parseLong(m.group(2)));
    }
    if (first >= SIZE) {
      return new Answer(416, "bytes */" + SIZE, new byte[0]);
    }
    return new Answer(206, "bytes " + first + "-" + last + "/" + SIZE,
        Arrays.copyOfRange(OBJECT, (int) first, (int) last + 1));
  }

  record Answer(int status, String contentRange, byte[] body) {}

  private static void answer(HttpExchange exchange) throws IOException {
    Answer a = originAnswer(exchange.getRequestHeaders().getFirst("range"),
        !exchange.getRequestURI().getPath().contains("/norange/"));
    exchange.getResponseHeaders().set("etag", "\"object-v1\"");
    exchange.getResponseHeaders().set("content-type", "application/octet-stream");
    exchange.getResponseHeaders().set("accept-ranges", "bytes");
    if (a.contentRange() != null) {
      exchange.getResponseHeaders().set("content-range", a.contentRange());
    }
    exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
    exchange.getResponseBody().write(a.body());
    originBytes.addAndGet(a.body().length);
    exchange.close();
  }

  private static CompletableFuture<HttpResponse<byte[]>> get(String path, String range) {
    return client.sendAsync(HttpRequest.newBuilder(sidecar.uri(path)).timeout(Duration.ofSeconds(30))
        .header("range", range).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String randomRange(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "bytes=" + random.nextInt(SIZE) + "-";
      case 1 -> "bytes=-" + (1 + random.nextInt(200_000));
      default -> {
        int first = random.nextInt(SIZE);
        yield "bytes=" + first + "-" + (first + random.nextInt(300_000));
      }
    };
  }

  @Test
  void thousandRandomRangesMatchTheOriginByteForByteAndReadTheObjectAboutOnce() {
    Random random = new Random(7);
    originBytes.set(0);
    List<String> ranges = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ranges.add(randomRange(random));
    }
    for (int batch = 0; batch < ranges.size(); batch += 50) {
      List<String> these = ranges.subList(batch, batch + 50);
      List<CompletableFuture<HttpResponse<byte[]>>> inFlight = these.stream().map(r -> get("/rc/object", r)).toList();
      for (int i = 0; i < these.size(); i++) {
        HttpResponse<byte[]> r = inFlight.get(i).join();
        Answer expected = originAnswer(these.get(i), true);
        assertThat(r.statusCode()).as(these.get(i)).isEqualTo(expected.status());
        assertThat(r.headers().firstValue("content-range")).as(these.get(i)).hasValue(expected.contentRange());
        assertThat(r.headers().firstValue("etag")).hasValue("\"object-v1\"");
        assertThat(r.body()).as(these.get(i)).isEqualTo(expected.body());
      }
    }
    assertThat(originBytes.get()).isLessThanOrEqualTo((long) (1.1 * SIZE));
    assertThat(RawSidecars.metric(sidecar, "corral_range_fetch_total")).isPositive();
    // The default 64 MiB store fits in the sidecar's direct memory whole (jvm.options).
    assertThat(sidecar.log()).doesNotContain("stored bytes are capped");
  }

  @Test
  void concurrentRangesShareBlockFetches() {
    originBytes.set(0);
    List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      all.add(get("/r/shared", "bytes=" + (i * 1000) + "-" + (i * 1000 + 999)));
    }
    all.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(206));
    assertThat(originBytes.get()).isLessThanOrEqualTo(16 * 65536); // one probe run of 16 blocks at most
  }

  @Test
  void multiRangeAndOriginsIgnoringRangePassThrough() {
    HttpResponse<byte[]> multi = get("/r/multi", "bytes=0-9,20-29").join();
    assertThat(multi.statusCode()).isEqualTo(200); // this origin answers multi-range with the whole object
    assertThat(multi.body()).hasSize(SIZE);
    HttpResponse<byte[]> ignored = get("/r/norange/x", "bytes=100-199").join();
    assertThat(ignored.statusCode()).isEqualTo(200);
    assertThat(ignored.body()).isEqualTo(OBJECT);
  }
}
