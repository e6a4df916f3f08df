package dev.corral.controlplane;

import dev.corral.api.WellKnown;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The command-line options of every process that serves the control plane (local mode's
 * {@code corral control-plane} and the in-cluster {@code corral controller}): a picocli mixin.
 */
public final class ServerOptions {
  @Option(names = "--xds-port", defaultValue = "" + WellKnown.CONTROL_PLANE_ADS_PORT,
      description = "ADS and stats gRPC port (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--http-port", defaultValue = "" + WellKnown.CONTROL_PLANE_HTTP_PORT,
      description = "HTTP port: the dashboard, /api/v1/... (stats, policies, xds, problems, info), /metrics"
          + " (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--address", defaultValue = "0.0.0.0",
      description = "Address the servers bind (default: ${DEFAULT-VALUE}).")
  String address = "0.0.0.0";

  @Option(names = "--drain-time-s", defaultValue = "5",
      description = "On SIGTERM, how long open ADS streams get before they are cut (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  /** Applies the address and both ports. */
  public ControlPlane.Builder applyTo(ControlPlane.Builder builder) {
    return builder.address(address).xdsPort(xdsPort).httpPort(httpPort);
  }

  public String address() {
    return address;
  }

  public int xdsPort() {
    return xdsPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public Duration drainTime() {
    return Duration.ofSeconds(Math.max(0, drainSeconds));
  }
}
