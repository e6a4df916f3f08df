package dev.corral.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the sidecar's {@code /clusters} (Envoy's text form) for fault tests. */
public final class FaultAdmin {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  private FaultAdmin() {}

  /** The whole /clusters text. */
  public static String clusters(SidecarProcess sidecar) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(sidecar.adminUri("/clusters")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One host's {@code health_flags} value, e.g. {@code healthy} or {@code /failed_active_hc}. */
  public static String healthFlags(SidecarProcess sidecar, String cluster, int port) {
    return hostStat(sidecar, cluster, port, "health_flags");
  }

  /** One {@code cluster::127.0.0.1:port::stat::value} value; fails when the line is missing. */
  public static String hostStat(SidecarProcess sidecar, String cluster, int port, String stat) {
    String prefix = cluster + "::127.0.0.1:" + port + "::" + stat + "::";
    String text = clusters(sidecar);
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        return line.substring(prefix.length());
      }
    }
    throw new IllegalStateException("no " + prefix + " in /clusters:\n" + text);
  }
}
