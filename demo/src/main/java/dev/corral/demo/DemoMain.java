package dev.corral.demo;

import com.sun.net.httpserver.HttpServer;
import dev.corral.api.AdsBootstrap;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code corral demo}: the mesh of {@code examples/mesh} on one machine, as real processes on
 * loopback: the control plane in local mode on a copy of the folder, three image backends (the
 * images pods), a sidecar per pod (images-0..2 and frontend-0), and this process as the frontend
 * pod's app: it serves the page and drives the traffic through its sidecar. Midway it turns the
 * CachePolicy on by editing the copied policy file; at the end it prints the control plane's
 * per-service stats. Every process it started is stopped at the end, on Ctrl-C and on failure.
 */
@Command(name = "corral demo", mixinStandardHelpOptions = true,
    description = "Runs a local mesh (control plane, sidecars, image backends) and drives traffic through it.")
public final class DemoMain implements Callable<Integer> {
  /** The apps' ports in examples/mesh: frontend-0, images-0, images-1, images-2. */
  private static final int[] EXAMPLE_APP_PORTS = {18080, 18081, 18082, 18083};
  private static final String[] PODS = {"frontend-0", "images-0", "images-1", "images-2"};

  @Option(names = "--duration", defaultValue = "20s", paramLabel = "DURATION",
      description = "How long to drive traffic, e.g. 20s, 5s, 1m (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--root", defaultValue = ".", paramLabel = "DIR",
      description = "The repository root: where sidecar/ and control-plane/ hold their jars and jvm.options.")
  Path root;

  @Option(names = "--mesh", paramLabel = "DIR", description = "The manifests (default: <root>/examples/mesh).")
  Path mesh;

  @Option(names = "--concurrency", defaultValue = "16", description = "Concurrent callers (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--keep", description = "Keep the run's folder (manifests, bootstraps, logs) afterwards.")
  boolean keep;

  private final PrintStream out = System.out;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();

  public static void main(String[] args) {
    // The driver names the Service in Host, as an app calling through its sidecar does.
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
    // The JDK HttpServer writes head and body separately: without this, Nagle adds ~40 ms per response.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    System.exit(new CommandLine(new DemoMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Duration runFor = parseDuration(duration);
    Path rootDir = root.toAbsolutePath().normalize();
    Path sidecarJar = rootDir.resolve("sidecar/target/corral-sidecar.jar");
    Path controlPlaneJar = rootDir.resolve("control-plane/target/corral-control-plane.jar");
    for (Path jar : List.of(sidecarJar, controlPlaneJar)) {
      if (!Files.isRegularFile(jar)) {
        System.err.println("corral demo: " + jar + " is missing: run ./corral demo (it builds the jars) or "
            + "./mvnw -q -B install -DskipTests");
        return 2;
      }
    }
    Path demoJar = Path.of(DemoMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path source = mesh != null ? mesh : rootDir.resolve("examples/mesh");
    Path run = Files.createTempDirectory("corral-demo");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    Children children = new Children(run);
    HttpServer[] webApp = new HttpServer[1];
    // Ctrl-C runs this hook (the finally below may not get to run); the normal end runs it too.
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    Thread hook = new Thread(() -> {
      if (!ended.get()) {
        out.println();
        out.println("corral demo: interrupted; stopping every process it started");
      }
      children.stopAll();
      if (webApp[0] != null) {
        webApp[0].stop(0);
      }
      if (!keep) {
        deleteTree(run);
      }
    }, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Map<Integer, Integer> appPorts = new LinkedHashMap<>();
      for (int p : EXAMPLE_APP_PORTS) {
        appPorts.put(p, freePort());
      }
      MeshFiles files = MeshFiles.copy(source, run.resolve("mesh"), appPorts);
      int xdsPort = freePort();
      int httpPort = freePort();
      out.printf("corral demo: %s, run folder %s%n", source, run);

      for (int i = 1; i < PODS.length; i++) {
        children.start(PODS[i] + "-app", List.of(java, "-Xmx48m", "-XX:+UseSerialGC",
            "-Dsun.net.httpserver.nodelay=true", "-cp", demoJar.toString(),
            ImageBackend.class.getName(), Integer.toString(appPorts.get(EXAMPLE_APP_PORTS[i])), PODS[i]));
      }
      webApp[0] = webApp(appPorts.get(EXAMPLE_APP_PORTS[0]));
      children.start("control-plane", List.of(java, "@" + rootDir.resolve("control-plane/jvm.options"),
          "-jar", controlPlaneJar.toString(), "--local", files.dir().toString(), "--address", "127.0.0.1",
          "--xds-port", Integer.toString(xdsPort), "--http-port", Integer.toString(httpPort),
          "--stats-window-s", Long.toString(Math.max(5, runFor.toSeconds())), "--drain-time-s", "0"));
      int[] outbound = new int[PODS.length];
      for (int i = 0; i < PODS.length; i++) {
        outbound[i] = freePort();
        Path bootstrap = run.resolve(PODS[i] + ".yaml");
        Files.writeString(bootstrap, bootstrap(PODS[i], outbound[i], freePort(), freePort(),
            appPorts.get(EXAMPLE_APP_PORTS[i]), xdsPort));
        children.start(PODS[i] + "-sidecar", List.of(java, "@" + rootDir.resolve("sidecar/jvm.options"),
            "-jar", sidecarJar.toString(), "--bootstrap", bootstrap.toString(), "--concurrency", "1",
            "--drain-time-s", "0"));
      }
      out.printf("started: control plane (xDS 127.0.0.1:%d, API http://127.0.0.1:%d/api/v1/stats), "
          + "3 images backends, 4 sidecars (frontend-0 outbound 127.0.0.1:%d)%n", xdsPort, httpPort, outbound[0]);
      awaitReady(children, outbound[0], Duration.ofSeconds(240));
      out.println("mesh ready: images has a BalancePolicy (LeastRequest) and a CollapsePolicy (Server); "
          + "the CachePolicy is held back");

      drive(children, files, outbound[0], runFor);

      // One more report interval, so the last second of traffic is in the stats.
      Thread.sleep(2500);
      out.println();
      out.println("per-service stats from the control plane (GET /api/v1/stats):");
      out.print(StatsTable.render(get(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/stats"))));
      return 0;
    } catch (IllegalStateException e) {
      out.println();
      System.err.println("corral demo: " + e.getMessage());
      return 1;
    } finally {
      ended.set(true);
      hook.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook runs (again, harmlessly) anyway.
      }
      if (keep) {
        out.println("kept " + run);
      }
    }
  }

  private void drive(Children children, MeshFiles files, int outboundPort, Duration runFor) throws Exception {
    LoadDriver driver = new LoadDriver(outboundPort, concurrency);
    long start = System.nanoTime();
    long end = start + runFor.toNanos();
    long editAt = start + runFor.toNanos() / 2;
    boolean edited = false;
    long lastTick = start;
    long lastRequests = 0;
    long lastHits = 0;
    long lastCacheable = 0;
    out.printf("driving traffic for %s: %d callers, hot / cold images and byte ranges, page loads%n",
        format(runFor), concurrency);
    driver.start(42);
    try {
      while (System.nanoTime() < end) {
        Thread.sleep(250);
        children.checkAlive();
        long now = System.nanoTime();
        if (!edited && now >= editAt) {
          files.turnCacheOn();
          edited = true;
          out.printf("%n[%5.1fs] edited %s: added CachePolicy images (placement: Client) -> "
              + "frontend-0's sidecar now answers repeated image GETs from memory%n",
              (now - start) / 1e9, MeshFiles.POLICIES);
        }
        if (now - lastTick >= 1_000_000_000L || now >= end) {
          LoadDriver.Totals t = driver.totals();
          Histogram h = driver.intervalHistogram();
          double secs = (now - lastTick) / 1e9;
          long cacheable = t.cacheable() - lastCacheable;
          out.printf(Locale.ROOT, "\r[%5.1fs] requests %7d | %6.0f rps | errors %d | p99 %6.1f ms | cache hits %3d%%   ",
              (now - start) / 1e9, t.requests(), (t.requests() - lastRequests) / secs, t.errors(),
              h.getValueAtPercentile(99) / 1000.0, cacheable == 0 ? 0 : 100 * (t.hits() - lastHits) / cacheable);
          out.flush();
          lastTick = now;
          lastRequests = t.requests();
          lastHits = t.hits();
          lastCacheable = t.cacheable();
        }
      }
    } finally {
      driver.stop();
    }
    out.println();
    driver.printSummary(out, runFor.toNanos() / 1e9);
  }

  /** Until the frontend's sidecar routes to both Services (the sidecars booted from ADS). */
  private void awaitReady(Children children, int outboundPort, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    out.print("waiting for the sidecars to take their configuration from the control plane");
    while (true) {
      children.checkAlive();
      if (status(outboundPort, "images", "/images/1") == 200 && status(outboundPort, "frontend", "/") == 200) {
        out.println(" done");
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the mesh was not ready after " + format(timeout)
            + " (the logs are in the run folder; rerun with --keep)");
      }
      out.print(".");
      out.flush();
      Thread.sleep(500);
    }
  }

  private int status(int port, String host, String path) {
    try {
      HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("host", host)
          .timeout(Duration.ofSeconds(2)).build();
      return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String get(URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The frontend pod's app: this process. */
  private static HttpServer webApp(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    byte[] page = """
        <!doctype html><title>frontend</title><h1>Gallery</h1>
        <img src="/images/1"><img src="/images/2"><img src="/images/3">
        """.getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("content-type", "text/html");
      exchange.sendResponseHeaders(200, page.length);
      exchange.getResponseBody().write(page);
      exchange.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "web-app");
      t.setDaemon(true);
      return t;
    }));
    server.start();
    return server;
  }

  /** A sidecar's bootstrap: ADS from the control plane, its loopback ports in the node metadata (docs/local-mode.md). */
  static String bootstrap(String pod, int outbound, int inbound, int admin, int app, int xdsPort) {
    String workload = pod.substring(0, pod.lastIndexOf('-'));
    return AdsBootstrap.node(pod + ".shop", workload + ".shop.svc.cluster.local")
        .metadata("workload", workload)
        .metadata("corral.outbound_port", outbound).metadata("corral.inbound_port", inbound)
        .metadata("corral.app_port", app).metadata("corral.listen_address", "127.0.0.1")
        .metadata("corral.stats_address", "127.0.0.1:" + xdsPort).metadata("corral.stats_interval", "1s")
        .admin("127.0.0.1", admin).xds("127.0.0.1", xdsPort).yaml();
  }

  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      } else if (t.endsWith("m")) {
        return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60));
      }
      return Duration.ofSeconds(Long.parseLong(t));
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(new CommandLine(new DemoMain()),
          "--duration: \"" + text + "\" (expected e.g. 20s, 500ms, 1m)");
    }
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.toList());
      java.util.Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temp folder is harmless.
    }
  }
}
