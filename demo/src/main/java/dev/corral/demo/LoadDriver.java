package dev.corral.demo;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The caller's traffic, sent through its sidecar's outbound listener (as the app of the web pod
 * would): page loads of {@code frontend}, hot images (a skewed pick among 20), cold images (each
 * id once, most likely) and 16 KiB byte ranges of hot images. A response counts as an error unless
 * it is a 200 / 206 whose body has the length (ranges: the exact bytes) the backend serves.
 */
final class LoadDriver {
  static final int HOT_KEYS = 20;
  private static final int RANGE_BYTES = 16 * 1024;

  private final HttpClient client;
  private final URI outbound;
  private final int concurrency;
  private final Recorder interval = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder cacheable = new LongAdder();
  private final LongAdder hits = new LongAdder();
  /** Why requests failed: "status 504", "HttpTimeoutException", "range bytes differ", … */
  private final java.util.concurrent.ConcurrentHashMap<String, LongAdder> failures =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean running = true;

  LoadDriver(int outboundPort, int concurrency) {
    this.outbound = URI.create("http://127.0.0.1:" + outboundPort);
    this.concurrency = concurrency;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2)).executor(Executors.newFixedThreadPool(2)).build();
  }

  /** A snapshot of the totals so far. */
  record Totals(long requests, long errors, long cacheable, long hits) {}

  Totals totals() {
    return new Totals(requests.sum(), errors.sum(), cacheable.sum(), hits.sum());
  }

  /** Latency of the requests completed since the last call, in microseconds. */
  synchronized Histogram intervalHistogram() {
    Histogram h = interval.getIntervalHistogram();
    total.add(h);
    return h;
  }

  /** Sends until {@link #stop()}; returns at once (the workers are daemon threads). */
  CountDownLatch start(long seed) {
    CountDownLatch done = new CountDownLatch(concurrency);
    ExecutorService workers = Executors.newFixedThreadPool(concurrency, r -> {
      Thread t = new Thread(r, "load");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < concurrency; i++) {
      SplittableRandom random = new SplittableRandom(seed + i);
      workers.execute(() -> {
        try {
          while (running) {
            one(random);
          }
        } finally {
          done.countDown();
        }
      });
    }
    workers.shutdown();
    return done;
  }

  void stop() {
    running = false;
  }

  private void one(SplittableRandom random) {
    double kind = random.nextDouble();
    HttpRequest.Builder b = HttpRequest.newBuilder().timeout(Duration.ofSeconds(10));
    long id;
    int from = 0;
    int to;
    boolean range = false;
    if (kind < 0.10) {
      b.uri(outbound.resolve("/")).header("host", "frontend");
      id = -1;
      to = -1;
    } else {
      if (kind < 0.60 || kind >= 0.85) {
        double u = random.nextDouble();
        id = 1 + (long) (HOT_KEYS * u * u);
      } else {
        id = 1000 + random.nextLong(1_000_000);
      }
      to = ImageBackend.size(id);
      b.uri(outbound.resolve(ImageBackend.PREFIX + id)).header("host", "images");
      if (kind >= 0.85) {
        range = true;
        from = random.nextInt(to - RANGE_BYTES + 1);
        to = from + RANGE_BYTES;
        b.header("range", "bytes=" + from + "-" + (to - 1));
      }
      if (!range) {
        cacheable.increment();
      }
    }
    long start = System.nanoTime();
    String failure;
    String cacheStatus = null;
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      cacheStatus = r.headers().firstValue("cache-status").orElse(null);
      int expected = range ? 206 : 200;
      if (r.statusCode() != expected) {
        failure = "status " + r.statusCode();
      } else if (range && !Arrays.equals(r.body(), ImageBackend.bytes(id, from, to))) {
        failure = "range bytes differ";
      } else if (!range && id >= 0 && r.body().length != to) {
        failure = "short body";
      } else {
        failure = null;
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        running = false;
      }
      failure = e.getClass().getSimpleName();
    }
    interval.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
    requests.increment();
    if (failure != null) {
      errors.increment();
      failures.computeIfAbsent(failure, f -> new LongAdder()).increment();
    }
    if (!range && id >= 0 && cacheStatus != null && cacheStatus.contains("; hit")) {
      hits.increment();
    }
  }

  /** The driver's own summary: all requests of the run, as the caller saw them. */
  void printSummary(PrintStream out, double seconds) {
    Histogram h;
    synchronized (this) {
      total.add(interval.getIntervalHistogram());
      h = total.copy();
    }
    Totals t = totals();
    out.printf("caller: %d requests in %.1fs (%.0f rps), %d errors, p50 %.1f ms, p99 %.1f ms, "
            + "cache hits %d%% of image GETs%n",
        t.requests(), seconds, t.requests() / seconds, t.errors(), h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, t.cacheable() == 0 ? 0 : 100 * t.hits() / t.cacheable());
    if (!failures.isEmpty()) {
      out.println("caller errors: " + new java.util.TreeMap<>(failures).entrySet().stream()
          .map(e -> e.getValue().sum() + " × " + e.getKey()).collect(java.util.stream.Collectors.joining(", ")));
    }
  }

  void close() {
    running = false;
  }
}
