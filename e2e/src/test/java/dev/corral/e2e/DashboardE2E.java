package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.e2e.support.Cleanup;
import dev.corral.e2e.support.ControlPlaneProcess;
import dev.corral.e2e.support.HttpBackend;
import dev.corral.e2e.support.LocalMesh;
import dev.corral.e2e.support.Ports;
import dev.corral.e2e.support.RawHttpConnection;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboard in headless Chromium, against a real local-mode control plane with real sidecars,
 * backends and traffic: the page lists the services, its charts have points, the who-calls-whom
 * table shows the frontend calling images, and the browser logged no error. Leaves a screenshot
 * at {@code e2e/target/dashboard.png}. Needs Debian's {@code chromium} and {@code chromium-driver}
 * ({@code .ci/run} installs them); skipped when they are missing.
 */
class DashboardE2E {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String IMAGES = "images.shop.svc.cluster.local";
  private static final String FRONTEND = "frontend.shop.svc.cluster.local";

  @TempDir Path mesh;
  private final Cleanup cleanup = new Cleanup();
  private final AtomicBoolean sending = new AtomicBoolean(true);
  private final AtomicLong sent = new AtomicLong();
  private ChromeDriver browser;

  @BeforeAll
  static void needsChromium() {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "DashboardE2E skipped: Debian's chromium and chromium-driver are not installed"
            + " (apt-get install -y chromium chromium-driver; .ci/run does it)");
  }

  @AfterEach
  void stop() {
    sending.set(false);
    if (browser != null) {
      browser.quit();
    }
    cleanup.close();
  }

  @Test
  void showsTheServicesChartsAndCallsOfALiveMesh() throws Exception {
    HttpBackend alpha = track(slowBackend("alpha", 0));
    HttpBackend beta = track(slowBackend("beta", 3)); // answers 503 to about 3% of requests
    HttpBackend frontendApp = track(slowBackend("frontend", 0));
    LocalMesh.write(mesh, "frontend.yaml", LocalMesh.service("frontend")
        + LocalMesh.slice("frontend-0", "frontend", frontendApp.port(), "frontend-0", "zone-a"));
    LocalMesh.write(mesh, "images.yaml", LocalMesh.service("images")
        + LocalMesh.slice("images-0", "images", alpha.port(), "images-0", "zone-a")
        + LocalMesh.slice("images-1", "images", beta.port(), "images-1", "zone-b"));
    LocalMesh.write(mesh, "images-cache.yaml", """
        apiVersion: corral.dev/v1alpha1
        kind: CachePolicy
        metadata: {name: images, namespace: shop}
        spec:
          targetRef: {kind: Service, name: images}
          placement: Client
          maxSize: 8Mi
          defaultTtl: 1s
        """);

    int xdsPort = Ports.free();
    int httpPort = Ports.free();
    // A 5 s window in 1 s buckets: the history gets a point every second.
    ControlPlaneProcess controlPlane = track(ControlPlaneProcess.start(mesh, xdsPort, httpPort,
        "--stats-window-s", "5"));
    LocalMesh.Sidecar frontend = track(LocalMesh.startSidecar("frontend-0", "frontend", frontendApp.port(), xdsPort));
    track(LocalMesh.startSidecar("images-0", "images", alpha.port(), xdsPort));
    track(LocalMesh.startSidecar("images-1", "images", beta.port(), xdsPort));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> get(frontend.outbound(), "images", "/img/0").status() == 200);

    Thread traffic = new Thread(() -> {
      int i = 0;
      while (sending.get()) {
        try {
          get(frontend.outbound(), "images", "/img/" + (i++ % 40));
          if (i % 4 == 0) {
            get(frontend.inbound(), "frontend", "/");
          }
          sent.incrementAndGet();
        } catch (RuntimeException e) {
          // a connection refused while a listener warms up: keep going
        }
      }
    }, "dashboard-traffic");
    traffic.setDaemon(true);
    traffic.start();
    // The page must draw a chart as soon as it opens: let the history collect a few seconds.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> controlPlane.body("/api/v1/stats/history").split("\"asOfUnixMs\"").length > 5
            && controlPlane.body("/api/v1/stats").contains(FRONTEND));

    browser = chromium();
    browser.get("http://127.0.0.1:" + httpPort + "/");

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(browser.findElements(By.cssSelector("li.tile")))
            .extracting(tile -> tile.getAttribute("data-service") + " " + tile.getAttribute("data-direction"))
            .contains(IMAGES + " outbound", IMAGES + " inbound", FRONTEND + " inbound"));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      for (String chart : List.of("rps", "success", "latency")) {
        assertThat(points(chart)).as("points on the %s chart", chart).isGreaterThanOrEqualTo(5);
      }
    });
    Path screenshot = Path.of("target", "dashboard.png");
    Files.createDirectories(screenshot.getParent());
    Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));

    // Live: points keep arriving by polling.
    long before = points("rps");
    await().atMost(Duration.ofSeconds(10)).until(() -> points("rps") > before);

    WebElement images = browser.findElement(
        By.cssSelector("li.tile[data-service='" + IMAGES + "'][data-direction='outbound']"));
    assertThat(images.getText().toLowerCase(java.util.Locale.ROOT))
        .contains("images.shop", "rps", "p99", "cache hit").doesNotContain("nan", "undefined");
    List<WebElement> edges = browser.findElements(By.cssSelector("#edges tbody tr"));
    assertThat(edges).extracting(WebElement::getText)
        .anySatisfy(row -> assertThat(row).startsWith("frontend.shop → images.shop"));
    // The policy list: its status, or a plain "unavailable" on a control plane without the API.
    String policies = browser.findElement(By.id("policies-title")).findElement(By.xpath("..")).getText();
    assertThat(policies).containsAnyOf("CachePolicy", "unavailable");

    List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::toString).toList();
    assertThat(errors).as("browser console errors").isEmpty();
    assertThat(sent.get()).isPositive();
  }

  private long points(String chart) {
    Object n = ((JavascriptExecutor) browser).executeScript(
        "return window.corral ? window.corral.charts[arguments[0]].points() : 0;", chart);
    return ((Number) n).longValue();
  }

  private static ChromeDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1440,1100", "--hide-scrollbars", "--force-color-profile=srgb");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }

  /** A backend that takes 2–12 ms, like a small data service; {@code errorPercent} of answers are 503. */
  private static HttpBackend slowBackend(String name, int errorPercent) {
    HttpBackend backend = new HttpBackend(name);
    return backend.handler(exchange -> {
      exchange.getRequestBody().readAllBytes();
      ThreadLocalRandom random = ThreadLocalRandom.current();
      try {
        Thread.sleep(2 + random.nextInt(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int status = random.nextInt(100) < errorPercent ? 503 : 200;
      byte[] body = ("backend " + name).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", "text/plain");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
  }

  private static RawHttpConnection.Response get(int port, String host, String path) {
    try (RawHttpConnection c = new RawHttpConnection(port)) {
      return c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").read();
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    return cleanup.track(closeable);
  }
}
