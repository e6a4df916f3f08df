package dev.corral.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the sidecar's admin endpoints: metric values from /stats/prometheus, /ready's status. */
public final class EdgeAdmin {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  private EdgeAdmin() {}

  /**
   * The value of one sample, e.g. {@code metric(s, "corral_downstream_rq_rejected_total", "code=\"400\"")}:
   * the sum over every line of that metric whose labels contain all of {@code labels}; 0 when none.
   */
  public static double metric(SidecarProcess sidecar, String name, String... labels) {
    double sum = 0;
    for (String line : get(sidecar, "/stats/prometheus").body().split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= line.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** The status /ready answers now. */
  public static int readyStatus(SidecarProcess sidecar) {
    return get(sidecar, "/ready").statusCode();
  }

  private static HttpResponse<String> get(SidecarProcess sidecar, String path) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(sidecar.adminUri(path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
