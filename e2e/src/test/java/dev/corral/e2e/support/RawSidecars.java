package dev.corral.e2e.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helpers around {@link SidecarProcess} for tests that need a bootstrap the builder cannot write
 * (edited YAML) and that read the sidecar's Prometheus counters.
 */
public final class RawSidecars {
  private static final HttpClient ADMIN = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private RawSidecars() {}

  /** Launches the sidecar with hand-edited YAML and waits until /ready answers 200. */
  public static SidecarProcess start(String yaml, int adminPort, int listenerPort, String... extraArgs) {
    SidecarProcess sidecar = SidecarProcess.launch(yaml, adminPort, listenerPort, extraArgs);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!sidecar.process().isAlive()) {
        throw new IllegalStateException("sidecar exited with " + sidecar.process().exitValue() + ":\n"
            + sidecar.log() + "\nbootstrap:\n" + yaml);
      }
      try {
        if (get(sidecar.adminUri("/ready")).statusCode() == 200) {
          return sidecar;
        }
      } catch (IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    sidecar.close();
    throw new IllegalStateException("sidecar not ready:\n" + sidecar.log());
  }

  /** Replaces {@code target} in {@code yaml}, failing when it is not there (the builder's output changed). */
  public static String edit(String yaml, String target, String replacement) {
    if (!yaml.contains(target)) {
      throw new IllegalArgumentException("not in the bootstrap: " + target + "\n" + yaml);
    }
    return yaml.replace(target, replacement);
  }

  /**
   * The value of one Prometheus sample, e.g.
   * {@code counter(sidecar, "corral_downstream_rq_total", "response_class=\"5xx\"")}; 0 when absent.
   * Every label fragment given must appear in the sample's label set.
   */
  public static double metric(SidecarProcess sidecar, String name, String... labelFragments) {
    String text;
    try {
      text = get(sidecar.adminUri("/stats/prometheus")).body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(text);
    double total = 0;
    while (m.find()) {
      boolean all = true;
      for (String fragment : labelFragments) {
        all &= m.group(1).contains(fragment);
      }
      if (all) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  private static HttpResponse<String> get(URI uri) throws IOException {
    try {
      return ADMIN.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
